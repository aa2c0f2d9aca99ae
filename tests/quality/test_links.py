"""Every internal link and anchor of the built site resolves: "page.html", "page.html#x", "#x".

Sphinx checks the references it makes; this also covers raw HTML in pages, links written by
templates and components, and links to the site's own public address (site.yaml site_url).
It walks every page the build produced with BeautifulSoup.
"""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

from build_tools.core.settings import load_settings
from tests.support.pages import built_pages

from .browser_audit import report

REPO = Path(__file__).resolve().parents[2]
LINK_ATTRIBUTES = {"a": "href", "area": "href", "link": "href", "img": "src", "script": "src",
                   "iframe": "src", "source": "src", "form": "action"}
PAGE_BASE = "http://site.invalid/"  # a stand-in origin for joining relative addresses


@functools.cache
def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@functools.cache
def _anchors(path: Path) -> frozenset[str]:
    soup = _soup(path)
    return frozenset([tag["id"] for tag in soup.find_all(id=True)]
                     + [tag["name"] for tag in soup.find_all("a", attrs={"name": True})])


def _problem(site: Path, page: str, url: str, public: str) -> str | None:
    """Why ``url`` on ``page`` does not resolve inside the site, or None when it does."""
    if url.startswith(public):
        url = PAGE_BASE + url[len(public):]
    parts = urlsplit(url)
    if (parts.scheme or parts.netloc) and not url.startswith(PAGE_BASE):
        return None  # another site: not ours to check here (and never fetched by a test)
    resolved = urlsplit(urljoin(PAGE_BASE + page, url))
    target_name = unquote(resolved.path).removeprefix("/")
    target = site / target_name
    if target.is_dir() or target_name == "":
        target = target / "index.html"
    if not target.is_file():
        return f"{url}: no file {target.relative_to(site).as_posix()}"
    fragment = unquote(resolved.fragment)
    if fragment and target.suffix == ".html" and fragment not in _anchors(target):
        return f"{url}: {target.relative_to(site).as_posix()} has no anchor #{fragment}"
    return None


def test_every_internal_link_and_anchor_resolves(shipped_site: Path):
    public = str(load_settings(REPO).site_url)
    failures: dict[str, list[str]] = {}
    checked = 0
    for page in built_pages(shipped_site):
        soup = _soup(shipped_site / page)
        for tag_name, attribute in LINK_ATTRIBUTES.items():
            for tag in soup.find_all(tag_name, attrs={attribute: True}):
                checked += 1
                problem = _problem(shipped_site, page, tag[attribute].strip(), public)
                if problem:
                    failures.setdefault(page, []).append(problem)
    assert not failures, report(failures)
    assert checked > 100  # the walk found the site's links


def test_the_check_catches_a_broken_page_and_a_broken_anchor(tmp_path: Path):
    (tmp_path / "a.html").write_text('<p id="here">x</p>', encoding="utf-8")
    public = "https://example.org/site/"
    assert _problem(tmp_path, "a.html", "#here", public) is None
    assert _problem(tmp_path, "a.html", "a.html#here", public) is None
    assert _problem(tmp_path, "a.html", "#", public) is None
    assert _problem(tmp_path, "a.html", "https://other.example/x.html", public) is None
    assert "has no anchor #gone" in _problem(tmp_path, "a.html", "#gone", public)
    assert "no file b.html" in _problem(tmp_path, "a.html", "b.html", public)
    assert "no file b.html" in _problem(tmp_path, "a.html", "https://example.org/site/b.html", public)
