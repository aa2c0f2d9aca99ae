"""Fixtures of the quality tests: every built page visited once in headless Chromium.

Each page of the shipped site is opened once in a fresh browser context, and everything the
quality gates look at is recorded during that visit (see browser_audit.py); the tests then
assert on the records, each listing every page that fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from build_tools.quality.pages import built_pages

from .browser_audit import AXE_JS, SCHEMES, PageAudit, finish_recording, open_recorded, run_axe


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


@pytest.fixture(scope="session")
def audits(chromium, site_server: str, site_pages: list[str], axe_source: str) -> dict[str, PageAudit]:
    """Visit every built page once and record what the quality gates check."""
    results: dict[str, PageAudit] = {}
    for path in site_pages:
        audit = PageAudit(path)
        context, page = open_recorded(chromium, site_server, path, audit)
        try:
            for scheme in SCHEMES:
                page.emulate_media(color_scheme=scheme)
                audit.axe[scheme] = run_axe(page, axe_source)
            finish_recording(context, page, audit)
        finally:
            context.close()
        results[path] = audit
    return results

