"""Fixtures of the quality tests: every built page visited once in headless Chromium.

Each page of the shipped site is opened once in a fresh browser context, and everything the
quality gates look at is recorded during that visit (see browser_audit.py); the tests then
assert on the records, each listing every page that fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.pages import built_pages

from .browser_audit import AXE_JS, SCHEMES, PageAudit, Recorder, run_axe


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` (or .ci/install)")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def site_pages(shipped_site: Path) -> list[str]:
    pages = built_pages(shipped_site)
    assert "content/index.html" in pages, "the build has no home page"
    return pages


# Pages whose content is made in the browser, visited again in that state: address -> a
# selector that appears once the content is there.
DYNAMIC_VISITS = {"search.html?q=data+privacy": "#search-results li"}


@pytest.fixture(scope="session")
def audits(chromium, site_server: str, site_pages: list[str], axe_source: str) -> dict[str, PageAudit]:
    """Visit every built page once (and the dynamic states above) and record what the
    quality gates check."""
    visits = [(path, None) for path in site_pages]
    visits += [(url, ready) for url, ready in DYNAMIC_VISITS.items() if url.split("?")[0] in site_pages]
    results: dict[str, PageAudit] = {}
    recorder = Recorder(chromium, site_server)
    try:
        for path, ready in visits:
            page = recorder.visit(PageAudit(path))
            if ready:
                page.wait_for_selector(ready)
            for scheme in SCHEMES:
                page.emulate_media(color_scheme=scheme)
                recorder.audit.axe[scheme] = run_axe(page, axe_source)
            page.emulate_media(color_scheme=SCHEMES[0])
            results[path] = recorder.finish()
    finally:
        recorder.close()
    return results

