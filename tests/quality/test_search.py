"""Site search (build_tools/site/html/search.py): Pagefind's chunked index, offline, in kilobytes.

The build writes the index; in real headless Chromium a query finds a glossary term, a policy
and a course page with highlighted excerpts, loading only the index chunk of its word and the
excerpts of the results it shows. What a query costs is printed, and held to the budget of
issue 19 (no more than 150 KB and 10 requests), from an empty cache and after the home page
(as for a reader who typed in the sidebar's search box); nothing here is timed.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from build_tools.site.html.search import INDEX_DIR
from tests.support.web_server import serve_like_production

QUERY_BUDGET_BYTES = 150 * 1024
QUERY_BUDGET_REQUESTS = 10


def test_the_build_writes_a_chunked_index_of_the_content_pages(shipped_site: Path):
    index = shipped_site / INDEX_DIR
    entry = json.loads((index / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["en"]
    # every content, guidance and course page, and not the search page, the general index or
    # a learner's own page (the certificate), which say robots noindex
    pages = [p for p in shipped_site.rglob("*.html")
             if p.relative_to(shipped_site).parts[0] in ("content", "guidance", "courses")
             and '<meta name="robots" content="noindex"' not in p.read_text(encoding="utf-8")]
    assert entry["languages"]["en"]["page_count"] == len(pages)
    assert len(list((index / "index").glob("*.pf_index"))) > 1, "the index is not split into chunks"
    assert len(list((index / "fragment").glob("*.pf_fragment"))) == len(pages)
    assert not (shipped_site / "searchindex.js").exists(), "Sphinx's unused index was written too"
    unused = [name for name in ("searchtools.js", "language_data.js") if (shipped_site / "_static" / name).exists()]
    assert not unused, f"Sphinx's search scripts, which no page loads, were copied: {unused}"


def _search(page, base_url: str, query: str) -> list[dict]:
    page.goto(f"{base_url}/search.html?q={query}")
    page.locator("#isdp-search-status", has_text="found").wait_for()
    return page.locator("#isdp-search-list li").evaluate_all(
        "items => items.map(li => ({href: li.querySelector('a').getAttribute('href'),"
        " excerpt: li.querySelector('.isdp-search-excerpt').innerHTML}))")


@pytest.mark.parametrize(("query", "expected"), [
    ("escalating issues", "/content/glossary.html"),  # a Rule 55.1 glossary term
    ("acceptable use policy", "/content/policies/acceptable-use.html"),
    ("ransomware", "/courses/security-awareness/devices-ransomware.html"),
])
def test_a_query_finds_the_page_with_an_excerpt(chromium, site_server, query, expected):
    context = chromium.new_context()
    try:
        page = context.new_page()
        foreign = []
        page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(site_server) else None)
        results = _search(page, site_server, query)
        assert not foreign, foreign
    finally:
        context.close()
    found = {urlsplit(r["href"]).path: r["excerpt"] for r in results}
    assert expected in found, f"{query!r} showed {sorted(found)}"
    assert "<mark>" in found[expected], f"no highlighted excerpt for {expected}: {found[expected]!r}"


def _query_cost(chromium, site: Path, warm: bool) -> list[tuple[str, int, int]]:
    """What search.html?q=incident asked of a production-like server (compression, cache
    headers), from a fresh browser; ``warm``: after the home page, whose files are cached."""
    with serve_like_production(site) as (base_url, served):
        context = chromium.new_context()
        try:
            page = context.new_page()
            if warm:
                page.goto(f"{base_url}/content/index.html")
                page.wait_for_load_state("networkidle")
            mark = len(served)
            _search(page, base_url, "incident")
            page.wait_for_load_state("networkidle")
            return served.since(mark)
        finally:
            context.close()


@pytest.mark.parametrize("warm", [False, True], ids=["empty cache", "after the home page"])
def test_a_query_costs_kilobytes_and_few_requests(chromium, shipped_site, warm):
    served = _query_cost(chromium, shipped_site, warm)
    print(f"\nsearch.html?q=incident, {'after the home page' if warm else 'empty cache'}: "
          f"{len(served)} requests, {sum(size for _, _, size in served) / 1024:.1f} KB compressed")
    for path, status, size in served:
        print(f"  {size / 1024:7.1f} KB  {status}  {path}")
    paths = [path for path, _, _ in served]
    assert not [p for p in paths if p.endswith(".html") and p != "/search.html" or "searchindex" in p], \
        f"the search fetched pages or Sphinx's whole index: {paths}"
    assert len(served) <= QUERY_BUDGET_REQUESTS, paths
    assert sum(size for _, _, size in served) <= QUERY_BUDGET_BYTES


def test_the_index_files_are_sent_as_the_gzip_they_are(shipped_site):
    """With Content-Encoding: gzip the browser unpacks them; without it Pagefind does, in
    JavaScript on the page's main thread (what Lighthouse counted as blocking time)."""
    fragment = next((shipped_site / INDEX_DIR / "fragment").glob("*.pf_fragment"))
    with serve_like_production(shipped_site) as (base_url, _):
        request = urllib.request.Request(f"{base_url}/{INDEX_DIR}/fragment/{fragment.name}",
                                         headers={"Accept-Encoding": "gzip, br"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert response.read() == fragment.read_bytes()  # as built, not compressed twice


def test_more_results_loads_the_next_excerpts_and_moves_the_focus(page, site_server):
    shown = _search(page, site_server, "incident")
    page.get_by_role("button", name="More results").press("Enter")
    items = page.locator("#isdp-search-list li")
    items.nth(len(shown)).wait_for()
    assert items.count() > len(shown)
    focused = page.evaluate("[...document.querySelectorAll('#isdp-search-list li')]"
                            ".indexOf(document.activeElement.closest('li'))")
    assert focused == len(shown), "the first new result does not have the keyboard focus"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_search_page_works_from_the_keyboard(page, site_server, scheme):
    """Tab reaches the box, the button, every result and More results, in order, each with a
    visible focus ring (the keyboard tests' own measure); Enter in the box searches."""
    from tests.quality.test_keyboard import HELPERS, TABBABLE, _tab_through

    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
    page.goto(f"{site_server}/search.html")
    page.get_by_label("Words to find").fill("incident")
    page.get_by_label("Words to find").press("Enter")
    page.locator("#isdp-search-status", has_text="found").wait_for()
    page.evaluate(HELPERS)
    expected = page.evaluate(TABBABLE)
    seen = _tab_through(page, limit=len(expected) + 10)
    keys = [item["key"] for item in seen]
    assert keys and not [key for key in expected if key not in keys], "Tab misses a control"
    assert all(item["follows"] is not False for item in seen), "focus jumps backwards"
    faint = [item["key"] for item in seen
             if not item["boxShadow"] and (item["outlineWidth"] < 2 or item["outlineContrast"] < 3)]
    assert not faint, f"focus ring missing or faint on {faint}"
    controls = page.locator("#isdp-search-form input, #isdp-search-form button, #isdp-search-list a,"
                            " #isdp-search-more").count()
    assert controls >= 6, "box, button, three results and More results are not all there"
