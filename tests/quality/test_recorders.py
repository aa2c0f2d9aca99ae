"""The gates can fail: each recorder catches the fault it exists for, on hand-made pages."""

from __future__ import annotations

import pytest

from build_tools.site.html.csp import apply
from tests.support.pages import serve

from .browser_audit import PageAudit, Recorder, open_recorded, run_axe

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Probe</title></head>
<body><main><h1>Probe</h1>{body}</main></body></html>"""

FAULTS = {
    "foreign.html": '<img src="http://tracker.invalid/pixel.png" alt="">',
    "cookie.html": '<script>document.cookie = "session=abc";</script>',
    "no-alt.html": '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">',
}


@pytest.fixture(scope="module")
def probe_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("probes")
    for name, body in FAULTS.items():
        (root / name).write_text(PAGE.format(body=body), encoding="utf-8")
    # The policy built for a clean page, then a script added that it has no hash for.
    policed, _ = apply(PAGE.format(body=""), [])
    (root / "csp.html").write_text(policed.replace("</main>", "<script>window.x = 1;</script></main>"),
                                   encoding="utf-8")
    with serve(root) as base_url:
        yield base_url


def _visit(chromium, base_url: str, name: str, axe_source: str | None = None) -> PageAudit:
    audit = PageAudit(name)
    recorder, page = open_recorded(chromium, base_url, name, audit)
    try:
        if axe_source:
            audit.axe["light"] = run_axe(page, axe_source)
        recorder.finish()
    finally:
        recorder.close()
    return audit


def test_a_request_to_another_origin_is_caught_and_aborted(chromium, probe_site):
    audit = _visit(chromium, probe_site, "foreign.html")
    assert audit.foreign_requests == ["http://tracker.invalid/pixel.png"]


def test_a_cookie_is_caught(chromium, probe_site):
    assert _visit(chromium, probe_site, "cookie.html").cookies


def test_an_inline_script_without_its_hash_is_blocked_and_caught(chromium, probe_site):
    audit = _visit(chromium, probe_site, "csp.html")
    assert any(v.startswith("script-src-elem blocked inline") for v in audit.csp_violations)
    assert any("Content Security Policy" in line for line in audit.console_errors)


def test_an_axe_violation_is_caught(chromium, probe_site, axe_source):
    audit = _visit(chromium, probe_site, "no-alt.html", axe_source)
    assert "image-alt" in {violation["id"] for violation in audit.axe["light"]}


def test_one_recorder_blames_each_fault_on_its_own_page(chromium, probe_site):
    """The audit reuses one browser context: faults still land on the page that made them,
    even when that page comes after others (a foreign file is never served from cache)."""
    recorder = Recorder(chromium, probe_site)
    try:
        audits = {}
        for name in ("foreign.html", "cookie.html", "no-alt.html", "foreign.html"):
            recorder.visit(PageAudit(name))
            audits.setdefault(name, []).append(recorder.finish())
    finally:
        recorder.close()
    first, again = audits["foreign.html"]
    assert first.foreign_requests == again.foreign_requests == ["http://tracker.invalid/pixel.png"]
    assert audits["cookie.html"][0].cookies and not again.cookies
    assert not audits["no-alt.html"][0].foreign_requests
