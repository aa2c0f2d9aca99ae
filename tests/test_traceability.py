"""The build fails, naming the duty, when a duty of the rule is served by nothing."""

from __future__ import annotations

from build_tools.rule import traceability
from build_tools.site.check import find_docnames

from .conftest import REPO, page_text

DUTIES = """duties:
  - id: 55.1-7
    source: Rule 55.1 section 7
    summary: Notify the MDE ISO within 24 hours.
  - id: 55.1-9b
    source: Rule 55.1 section 9(b)
    summary: Quarterly report on incidents.
"""


def test_the_shipped_map_serves_every_duty():
    assert traceability.check(REPO, find_docnames(REPO)) == []
    duties, trace, _ = traceability.load(REPO)
    ids = {d.id for d in duties}
    # every lettered item of sections 1, 2 and 9 of the rule, and the three LEA duties
    for section, letters in (("1", "abcdefg"), ("2", "abcdefg"), ("9", "abcd")):
        assert {f"55.1-{section}{x}" for x in letters} <= ids
    assert {"LEA-policies", "LEA-incident-notice", "LEA-cooperation", "55.1-7", "55.1-8"} <= ids


def test_an_unmapped_duty_fails_the_build(make_site, build_site):
    src = make_site({"content/index.md": page_text("Home"),
                     "content/data/duties.yaml": DUTIES,
                     "content/data/traceability.yaml": "55.1-7: {pages: [content/index]}\n"})
    result = build_site(src)
    assert not result.ok
    assert any("duty 55.1-9b (Rule 55.1 section 9(b)) maps to no page or feature [isdp.traceability]" in w
               for w in result.warnings), result.warnings


def test_a_missing_page_or_feature_or_unknown_duty_is_named_with_its_line(make_site):
    src = make_site({"content/index.md": page_text("Home"),
                     "content/data/duties.yaml": DUTIES,
                     "content/data/traceability.yaml": (
                         "55.1-7: {pages: [content/index]}\n"
                         "55.1-9b:\n  pages: [content/quarterly]\n  features: [build_tools/nothing.py]\n"
                         "55.1-99: {pages: [content/index]}\n")})
    errors = [f"{e.line}: {e.message}" for e in traceability.check(src, find_docnames(src))]
    assert errors == [
        "3: duty 55.1-9b maps to page 'content/quarterly', which does not exist",
        "4: duty 55.1-9b maps to feature 'build_tools/nothing.py', which does not exist",
        "5: '55.1-99' is not a duty listed in content/data/duties.yaml",
    ]


def test_the_table_lists_each_duty_with_links(make_site, build_site):
    src = make_site({"content/index.md": page_text("Home", "```{toctree}\ntrace\n```"),
                     "content/trace.md": page_text("Trace", "```{traceability-table}\n```")})
    result = build_site(src)
    assert result.ok, result.warnings
    html = (result.outdir / "content" / "trace.html").read_text()
    row = html.split("Rule 55.1 section 7")[1].split("</tr>")[0]
    assert "Notify the MDE ISO within 24 hours." in row
    assert '<a class="reference internal" href="index.html"' in row
