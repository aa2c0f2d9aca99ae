"""No third party ever hears about a learner: every request of every page goes to the site.

FERPA and COPPA: a page must not tell another host who reads what (no CDN, web font,
analytics). Checked in the browser while each page loads and while a quiz is answered in
practice mode; requests to another origin are aborted and reported. Also: no mixed content
(nothing a page embeds is addressed by an absolute URL, so an https site cannot pull an
http file) and no cookies.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from tests.support.pages import ASSET_DIRS, quiz_pages

from .browser_audit import PageAudit, open_recorded, report

# Attributes through which a page makes the browser fetch something (not plain links).
SUBRESOURCE_ATTRIBUTES = {
    "script": ["src"], "img": ["src", "srcset"], "source": ["src", "srcset"], "iframe": ["src"],
    "frame": ["src"], "embed": ["src"], "object": ["data"], "video": ["src", "poster"],
    "audio": ["src"], "track": ["src"], "input": ["src"], "form": ["action"],
}
FETCHED_LINK_RELS = {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest",
                     "apple-touch-icon", "shortcut"}
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""")


def test_every_page_requests_only_its_own_origin(audits, site_server):
    failures = {path: [f"request to another origin: {url}" for url in audit.foreign_requests]
                for path, audit in audits.items() if audit.foreign_requests}
    assert not failures, report(failures)
    # The recorder saw the page's own requests, so an empty list above means something.
    assert all(any(url.startswith(site_server) for url in a.requests) for a in audits.values())


def test_no_page_sets_a_cookie(audits):
    failures = {path: audit.cookies for path, audit in audits.items() if audit.cookies}
    assert not failures, report(failures)


def _absolute(url: str) -> bool:
    parts = urlsplit(url.strip())
    return bool(parts.scheme and parts.scheme not in ("data", "blob")) or url.strip().startswith("//")


def _embedded_urls(html: str):
    soup = BeautifulSoup(html, "html.parser")
    for tag_name, attributes in SUBRESOURCE_ATTRIBUTES.items():
        for tag in soup.find_all(tag_name):
            for attribute in attributes:
                for value in (tag.get(attribute) or "").split(","):
                    if value.strip():
                        yield f"<{tag_name} {attribute}>", value.strip().split()[0]
    for tag in soup.find_all("link"):
        if FETCHED_LINK_RELS & {rel.lower() for rel in tag.get("rel", [])} and tag.get("href"):
            yield "<link href>", tag["href"]
    for tag in soup.find_all("style"):
        for url in _CSS_URL.findall(tag.get_text()):
            yield "<style> url()", url
    for tag in soup.find_all(style=True):
        for url in _CSS_URL.findall(tag["style"]):
            yield "style= url()", url


def test_no_page_or_stylesheet_embeds_an_absolute_url(shipped_site: Path):
    """Relative addresses only: the files come from wherever the site is, over its scheme."""
    failures: dict[str, list[str]] = {}
    for path in sorted(shipped_site.rglob("*.html")):
        if path.relative_to(shipped_site).parts[0] in ASSET_DIRS:
            continue
        bad = [f"{where}: {url}" for where, url in _embedded_urls(path.read_text(encoding="utf-8"))
               if _absolute(url)]
        if bad:
            failures[path.relative_to(shipped_site).as_posix()] = bad
    for path in sorted(shipped_site.rglob("*.css")):
        bad = [f"url(): {url}" for url in _CSS_URL.findall(path.read_text(encoding="utf-8"))
               if _absolute(url)]
        if bad:
            failures[path.relative_to(shipped_site).as_posix()] = bad
    assert not failures, report(failures)


def test_every_request_uses_the_page_scheme(audits, site_server):
    scheme = urlsplit(site_server).scheme
    failures = {path: [f"{url} is not {scheme}" for url in audit.requests
                       if urlsplit(url).scheme not in (scheme, "data", "blob")]
                for path, audit in audits.items()}
    failures = {path: found for path, found in failures.items() if found}
    assert not failures, report(failures)


def _answer_every_question(page) -> int:
    """Answer each question and press each button of the article; returns the number of
    controls used. Generic on purpose: it knows native form controls, plus the quiz's
    answer key (data-isdp-correct) when there is one, so that a module can be completed."""
    used = 0
    for fieldset in page.locator("[role=main] fieldset, main fieldset").all():
        key = fieldset.evaluate(
            "(f) => (f.closest('[data-isdp-correct]') || {dataset: {}}).dataset.isdpCorrect || ''").split()
        choices = [c for c in fieldset.locator("input[type=radio], input[type=checkbox]").all()
                   if c.is_visible() and c.is_enabled()]
        for choice in [c for c in choices if c.get_attribute("value") in key] or choices[:1]:
            choice.check()
            used += 1
    buttons = page.locator("[role=main] button, main button").all()  # those there now
    for button in buttons:
        if button.is_visible() and button.is_enabled():
            button.click()
            used += 1
    page.wait_for_load_state("networkidle")
    return used


def test_answering_a_quiz_in_practice_mode_stays_on_the_site(shipped_site, chromium, site_server):
    pages = quiz_pages(shipped_site)
    assert pages, "the build has no quiz page"
    failures = {}
    for path in pages:
        audit = PageAudit(path)
        recorder, page = open_recorded(chromium, site_server, path, audit)
        try:
            assert _answer_every_question(page) > 0, f"{path}: found no question to answer"
            recorder.finish()
        finally:
            recorder.close()
        problems = [f"request to another origin: {u}" for u in audit.foreign_requests]
        problems += [f"cookie set: {c}" for c in audit.cookies]
        problems += [f"CSP violation: {v}" for v in audit.csp_violations]
        problems += [f"sent in practice mode: {request}" for request in audit.sent]
        problems += audit.console_errors + audit.page_errors
        if problems:
            failures[path] = problems
    assert not failures, report(failures)
