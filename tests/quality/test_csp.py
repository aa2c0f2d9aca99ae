"""The Content-Security-Policy that build_tools/site/html/csp.py writes into every built page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from build_tools.components import check_all
from build_tools.site.html.csp import apply, source_hash
from tests.support.pages import serve

from .browser_audit import PageAudit, open_recorded

REPO = Path(__file__).resolve().parents[2]

PROBE_SCRIPT = 'document.getElementById("styled").dataset.ran = "yes";'
PROBE = f"""---
description: A probe page for the tests of the Content-Security-Policy of every page.
orphan: true
---
# Policy probe

<div id="styled" style="color: rgb(0, 0, 120)">Styled by an attribute.</div>

<script>{PROBE_SCRIPT}</script>
"""


def _policy(html_file) -> dict[str, list[str]]:
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    content = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    return {name: sources for name, *sources in (d.split() for d in content.split(";"))}


@pytest.fixture
def full_site(make_site):
    """The shipped content plus a probe page; the rest of the repository is linked in for
    the traceability map, which names repository files as features."""

    def _make(probe: str = PROBE, lrs_origins: str | None = None):
        src = make_site({"content/probe.md": probe}, copy_content=True)
        with (src / "site.yaml").open("a", encoding="utf-8") as handle:  # a content script runs
            handle.write("csp:\n  inline_scripts:\n"  # only when listed (tests/safety)
                         f"    - hash: {source_hash(PROBE_SCRIPT).strip(chr(39))}\n"
                         "      reason: The probe of these tests, reviewed with them.\n")
        for item in REPO.iterdir():
            if not item.name.startswith(".") and not (src / item.name).exists():
                (src / item.name).symlink_to(item, target_is_directory=item.is_dir())
        if lrs_origins is not None:
            _with_lrs_origins(src, lrs_origins)
        return src

    return _make


def _with_lrs_origins(src, origins_yaml: str) -> None:
    site_yaml = src / "site.yaml"
    text = re.sub(r"  lrs_origins:\n(    - .*\n)*", "", site_yaml.read_text(encoding="utf-8"))
    text = text.replace("  base_iri:", f"  lrs_origins: {origins_yaml}\n  base_iri:", 1)
    site_yaml.write_text(text, encoding="utf-8")


def test_policy_forbids_other_origins_and_hashes_inline_code(full_site, build_site):
    result = build_site(full_site(lrs_origins="[https://lrs.example.org]"))
    assert result.ok, result.warnings
    policy = _policy(result.outdir / "content" / "probe.html")
    for directive in ("default-src", "font-src", "frame-src", "base-uri", "form-action"):
        assert policy[directive] == ["'self'"], directive
    assert policy["object-src"] == ["'none'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["connect-src"] == ["'self'", "https://lrs.example.org"]
    assert source_hash(PROBE_SCRIPT) in policy["script-src"]
    assert source_hash("color: rgb(0, 0, 120)") in policy["style-src-attr"]
    assert "'unsafe-inline'" not in " ".join(sum(policy.values(), []))


def test_inline_code_runs_under_the_policy_and_other_origins_are_refused(full_site, build_site, chromium):
    result = build_site(full_site(lrs_origins="['http://localhost:*']"))
    assert result.ok, result.warnings
    with serve(result.outdir) as base_url:
        audit = PageAudit("content/probe.html")
        recorder, page = open_recorded(chromium, base_url, audit.path, audit)
        try:
            assert page.evaluate('document.getElementById("styled").dataset.ran') == "yes"
            assert page.evaluate('getComputedStyle(document.getElementById("styled")).color') \
                == "rgb(0, 0, 120)"
            assert page.evaluate("window.__isdp.csp") == []
            port = base_url.rsplit(":", 1)[1]
            # The listed LRS origin may be reached (whether anything answers there or not) ...
            page.evaluate(f"fetch('http://localhost:{port}/xAPI/statements').catch(() => null)")
            # ... an origin that is not listed is refused by the browser, before any request.
            page.evaluate("fetch('http://127.0.0.2:9/xAPI/statements').catch(() => null)")
            page.wait_for_function("window.__isdp.csp.length > 0")
            recorder.finish()
        finally:
            recorder.close()
    assert [v.split(" at ")[0] for v in audit.csp_violations] == [
        "connect-src blocked http://127.0.0.2:9/xAPI/statements"]


def test_inline_event_handler_is_a_build_warning(full_site, build_site):
    probe = PROBE.replace("<script>", '<button type="button" onclick="alert(1)">Go</button>\n\n<script>')
    result = build_site(full_site(probe))
    assert any("[isdp.csp]" in w and "content/probe.md" in w and "onclick" in w for w in result.warnings), \
        result.warnings


def test_lrs_origin_that_is_not_an_origin_is_refused_with_its_line(full_site):
    src = full_site(lrs_origins="[https://lrs.example.org/xAPI/]")
    line = next(n for n, text in enumerate((src / "site.yaml").read_text().splitlines(), 1)
                if "lrs_origins" in text)
    errors = [str(e) for e in check_all(src)]
    assert any(f"site.yaml:{line}: 'xapi.lrs_origins.0': " in e and "origin only" in e
               for e in errors), errors


def test_javascript_urls_in_any_case_are_blocked_and_an_older_policy_is_replaced():
    links = "".join(f'<a href="../page-{n}.html">page {n}</a>' for n in range(50))  # a navigation
    page = ('<html><head><meta charset="utf-8">\n  <meta http-equiv="content-security-policy" content="old">'
            f'</head><body>{links}<a href=" JavaScript:alert(1)">a</a><form action="javascript:go()"></form>'
            '<img src="JAVASCRIPT:x" alt=""><a href="https://example.org/">out</a></body></html>')
    html, code = apply(page, [])
    assert sorted(what.split(" URL in ")[1] for _, what in code.blocked) == [
        "action= on <form>", "href= on <a>", "src= on <img>"], code.blocked
    assert html.lower().count("content-security-policy") == 1 and 'content="old"' not in html
