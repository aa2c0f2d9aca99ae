"""Checklist data (guidance/checklists/*.yaml): schema errors with lines, and the directive."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from build_tools.cli import main
from build_tools.core.errors import ContentErrors
from build_tools.guidance import checklists
from build_tools.policies.registry import REQUIRED_POLICIES

REPO = Path(__file__).resolve().parents[2]
INDEX = ("---\ndescription: A small test site for the checklist directive.\n---\n\n"
         "# Home\n\n```{toctree}\n/guidance/index\n```\n")
GUIDANCE = ("---\ndescription: A guidance page that shows one checklist.\n---\n\n# Guidance\n\n"
            "```{checklist} demo\n```\n")
DEMO = """title: Demo checklist
intro: A small checklist for the tests of the directive.
sections:
  - title: Govern
    items:
      - id: owner
        text: Someone owns cybersecurity in the district.
        guidance: guidance/index
        policy: incident-response
        csf: [GV.RR]
      - id: board
        text: The board adopted the policies.
        guidance: guidance/index
"""


def test_the_22_policy_ids_are_the_template_ids():
    templates = {p.name.removesuffix(".md.j2") for p in (REPO / "templates/policies").glob("*.md.j2")}
    assert len(REQUIRED_POLICIES) == 22
    assert set(REQUIRED_POLICIES) == templates


def test_a_checklist_naming_a_title_slug_is_refused(tmp_path):
    from build_tools.guidance.checklists import Item

    with pytest.raises(ValueError, match="not one of the 22 policy template ids"):
        Item(id="x", text="The board adopted it.", guidance="guidance/index",
                      policy="vendor-and-third-party-control-policy")


def test_shipped_checklists_are_valid_and_link_existing_guidance():
    from build_tools.site.check import find_docnames

    docnames = find_docnames(REPO)
    files = sorted((REPO / checklists.CHECKLIST_DIR).glob("*.yaml"))
    assert len(files) >= 4
    for path in files:
        data = checklists.load(path, docnames)
        assert data.items(), path


@pytest.mark.parametrize(("yaml_text", "line", "message"), [
    (DEMO.replace("        csf: [GV.RR]\n", "        csf: [GV.RR]\n        colour: red\n"), 11, "unknown key 'colour'"),
    (DEMO.replace("id: board", "id: owner"), 11, "item id 'owner' is used twice"),
    (DEMO.replace("policy: incident-response", "policy: incident-policy"), 9,
     "'incident-policy' is not one of the 22 policy template ids"),
    (DEMO.replace("csf: [GV.RR]", "csf: [GOV.1]"), 10, "'GOV.1' is not a NIST CSF 2.0 category"),
    (DEMO.replace("guidance: guidance/index\n        policy", "guidance: guidance/nowhere\n        policy"), 8,
     "guidance page 'guidance/nowhere' does not exist"),
    (DEMO.replace("  - title: Govern\n", "  - title: Govern\n    - oops\n"), None, "invalid YAML"),
])
def test_bad_checklist_is_reported_with_path_and_line(tmp_path, yaml_text, line, message):
    path = tmp_path / "demo.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(Exception) as caught:
        checklists.load(path, {"guidance/index"})
    found = caught.value.errors if isinstance(caught.value, ContentErrors) else [caught.value]
    assert any(message in e.message for e in found), [str(e) for e in found]
    if line is not None:
        assert any(e.line == line and message in e.message for e in found), [str(e) for e in found]


def test_isdp_check_reports_checklist_errors_and_exits_1(make_site):
    src = make_site({"content/index.md": INDEX, "guidance/index.md": GUIDANCE,
                     "guidance/checklists/demo.yaml": DEMO.replace("id: board", "id: owner")})
    result = CliRunner().invoke(main, ["check", "--src", str(src)])
    assert result.exit_code == 1
    assert "guidance/checklists/demo.yaml:11: item id 'owner' is used twice" in result.stderr
    assert "Traceback" not in result.stderr


def _checklist_warnings(result):
    return [w for w in result.warnings if "isdp.checklist" in w]


def test_directive_renders_an_accessible_form(make_site, build_site):
    src = make_site({"content/index.md": INDEX, "guidance/index.md": GUIDANCE,
                     "guidance/checklists/demo.yaml": DEMO})
    result = build_site(src)
    assert not _checklist_warnings(result), result.warnings
    soup = BeautifulSoup((result.outdir / "guidance/index.html").read_text(), "html.parser")
    root = soup.select_one(".isdp-checklist[data-checklist=demo]")
    assert root.select_one("fieldset legend").get_text() == "Govern"
    boxes = root.select("input[type=checkbox]")
    assert len(boxes) == 2
    for box in boxes:  # every checkbox has a label and a description
        assert root.select_one(f"label[for='{box['id']}']").get_text(strip=True)
        assert root.select_one(f"#{box['aria-describedby']}")
    assert root.select_one("[role=status][aria-live=polite]")
    assert {b["data-action"] for b in root.select("button")} == {"csv", "print", "clear"}
    assert any("isdp-checklist.js" in s.get("src", "") for s in soup.select("script"))
    # No policy page in this site: the policy is not linked, and no dangling link is left.
    assert "Policy:" not in root.get_text()


def test_policy_link_appears_once_the_policy_page_exists(make_site, build_site):
    policy = ("---\ndescription: The incident response policy template for districts.\n---\n\n"
              "# Incident Response Policy\n")
    index = INDEX.replace("/guidance/index\n", "/guidance/index\n/content/policies/incident-response\n")
    src = make_site({"content/index.md": index, "guidance/index.md": GUIDANCE,
                     "guidance/checklists/demo.yaml": DEMO,
                     "content/policies/incident-response.md": policy})
    result = build_site(src)
    assert not _checklist_warnings(result), result.warnings
    soup = BeautifulSoup((result.outdir / "guidance/index.html").read_text(), "html.parser")
    links = soup.select(".isdp-checklist-item[data-item=owner] .isdp-checklist-links a")
    assert [a["href"] for a in links][-1] == "../content/policies/incident-response.html"


def test_unknown_checklist_is_a_build_warning_at_the_directive(make_site, build_site):
    src = make_site({"content/index.md": INDEX, "guidance/index.md": GUIDANCE.replace("demo", "missing")})
    result = build_site(src)
    warnings = _checklist_warnings(result)
    assert any("guidance/index.md:7" in w and "no checklist 'missing'" in w for w in warnings), result.warnings


def test_policy_page_is_found_by_its_template_id(make_site, build_site):
    policy = ("---\ndescription: The student and parent rights policy template.\n---\n\n"
              "# Student and Parent\u2019s Rights\n")
    index = INDEX.replace("/guidance/index\n", "/guidance/index\n/content/policies/student-parent-rights\n")
    demo = DEMO.replace("policy: incident-response", "policy: student-parent-rights")
    src = make_site({"content/index.md": index, "guidance/index.md": GUIDANCE,
                     "guidance/checklists/demo.yaml": demo,
                     "content/policies/student-parent-rights.md": policy})
    result = build_site(src)
    soup = BeautifulSoup((result.outdir / "guidance/index.html").read_text(), "html.parser")
    links = soup.select(".isdp-checklist-item[data-item=owner] .isdp-checklist-links a")
    assert links[-1]["href"] == "../content/policies/student-parent-rights.html"
    assert links[-1].get_text() == "Student and Parent\u2019s Rights"  # the registry's title
