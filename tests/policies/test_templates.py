"""The 22 templates: they match the rule's list, pass every check, and the checks catch
each kind of mistake with its path and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from build_tools.policies import parameters, templates
from build_tools.policies import registry as policy_registry

from .conftest import REPO, replace_in

# The seeds sit in ../shared beside the checkout (worktrees sit one level deeper).
SEED = next((base / "shared" / "seeds" / "proposed-rule-lea-requirements.txt"
             for base in (REPO.parent, REPO.parent.parent)
             if (base / "shared" / "seeds").is_dir()), REPO / "missing-seeds")


def test_exactly_the_22_required_policies_have_templates():
    found = templates.load_all(REPO)
    assert len(policy_registry.REQUIRED_POLICIES) == 22
    assert [t.id for t in found] == list(policy_registry.REQUIRED_POLICIES)
    assert [t.meta.title for t in found] == list(policy_registry.REQUIRED_POLICIES.values())


@pytest.mark.skipif(not SEED.exists(), reason="the shared seeds are not beside this checkout")
def test_required_titles_are_the_seeds_list():
    text = SEED.read_text(encoding="utf-8")
    start = text.index("such as:") + len("such as:")
    listed = [
        line.strip(" •\t")
        for line in text[start : text.index("Most districts")].splitlines()
        if line.strip().startswith("•")
    ]
    assert listed == list(policy_registry.REQUIRED_POLICIES.values())


def test_shipped_templates_pass_the_check():
    assert templates.check(REPO) == []


def test_every_template_is_reviewed_at_least_biennially_and_uses_the_review_parameter():
    for t in templates.load_all(REPO):
        assert t.meta.review_cycle_months <= 24
        assert "review_cycle_months" in t.meta.parameters


def test_floors_come_from_one_file_with_a_source_each():
    registry, _ = parameters.load(REPO)
    assert registry["mde_notice_hours"].floor == 24
    assert registry["password_min_length"].floor == 15
    assert registry["password_min_length_mfa"].floor == 8
    for name, param in registry.items():
        assert param.source, name
    # no template hard-codes a floor that parameters.yaml declares: the 24-hour notice is a variable
    for t in templates.load_all(REPO):
        if "mde_notice_hours" in t.meta.parameters:
            assert "24 hours" not in t.body, t.id


@pytest.mark.parametrize(
    ("stricter", "floor", "value", "looser"),
    [
        ("lower", 24, 48, True),
        ("lower", 24, 24, False),
        ("lower", 24, 1, False),
        ("higher", 15, 12, True),
        ("higher", 15, 20, False),
    ],
)
def test_integer_direction(stricter, floor, value, looser):
    p = parameters.Parameter(
        title="a test parameter",
        type="integer",
        floor=floor,
        stricter=stricter,
        source="a cited baseline",
    )
    assert p.looser_than_floor(value) is looser


def test_boolean_and_choice_directions():
    flag = parameters.Parameter(
        title="a test flag",
        type="boolean",
        floor=True,
        stricter="enabled",
        source="a cited baseline",
    )
    assert flag.looser_than_floor(False) and not flag.looser_than_floor(True)
    choice = parameters.Parameter(
        title="a test choice",
        type="choice",
        choices=["none", "quarantine", "reject"],
        floor="quarantine",
        stricter="later",
        source="a cited baseline",
    )
    assert choice.looser_than_floor("none") and not choice.looser_than_floor("reject")


def _errors(src: Path) -> list[str]:
    return [str(e) for e in templates.check(src)]


def _one(errors: list[str], needle: str) -> str:
    hits = [e for e in errors if needle in e]
    assert hits, f"no error containing {needle!r} in {errors}"
    return hits[0]


def test_unknown_csf_category_is_reported_with_its_line(policy_src: Path):
    path = policy_src / "templates/policies/incident-response.md.j2"
    line = replace_in(path, "RS.MA, RS.AN", "RS.MA, RS.XX")
    error = _one(_errors(policy_src), "RS.XX")
    assert re.search(
        rf"incident-response\.md\.j2:{line}: front matter: .*unknown NIST CSF 2.0 category 'RS.XX'",
        error,
    )


def test_unknown_family_and_duty_are_reported(policy_src: Path):
    path = policy_src / "templates/policies/it-security.md.j2"
    replace_in(path, '"03.03", "03.04"', '"03.03", "03.99"')
    replace_in(path, "rule_refs: [55.1-1b,", "rule_refs: [55.1-99,")
    errors = _errors(policy_src)
    _one(errors, "unknown SP 800-171 Rev. 3 family '03.99'")
    _one(errors, "unknown duty id(s) 55.1-99")


def test_unknown_front_matter_key_is_reported(policy_src: Path):
    path = policy_src / "templates/policies/data-destruction.md.j2"
    replace_in(
        path, "owner: Technology Coordinator", "owner: Technology Coordinator\nowners: nobody"
    )
    assert re.search(
        r"data-destruction\.md\.j2:6: front matter: unknown key 'owners'",
        _one(_errors(policy_src), "owners"),
    )


def test_undefined_template_variables_are_reported_with_their_lines(policy_src: Path):
    path = policy_src / "templates/policies/incident-response.md.j2"
    line_c = replace_in(path, "## Scope\n", "## Scope\n\n{{ school }}\n")
    line_a = replace_in(path, "{{ district.name }} relies", "{{ district.nme }} relies")
    line_b = replace_in(
        path, "**{{ p.vendor_notice_hours }} hours**", "**{{ p.password_min_length }} hours**"
    )
    errors = _errors(policy_src)
    assert f"incident-response.md.j2:{line_a}: undefined template variable 'district.nme'" in _one(
        errors, "district.nme"
    )
    assert f":{line_b}: undefined template variable 'p.password_min_length'" in _one(
        errors, "p.password_min_length"
    )
    assert f":{line_c + 2}: undefined template variable 'school'" in _one(errors, "'school'")
    _one(errors, "parameter 'vendor_notice_hours' is declared but the body never uses it")


def test_missing_section_directive_and_role_are_reported(policy_src: Path):
    path = policy_src / "templates/policies/best-practices-guidelines.md.j2"
    replace_in(path, "## Exceptions\n", "## Exemptions\n")
    replace_in(path, "## Scope\n", "## Scope\n\n:::{note}\nA note.\n:::\n\nSee {ref}`somewhere`.\n")
    errors = _errors(policy_src)
    _one(errors, "sections must be, in order")
    _one(errors, "directives are not allowed")
    _one(errors, "role '{ref}' is not allowed")


def test_missing_template_and_wrong_title_are_reported(policy_src: Path):
    (policy_src / "templates/policies/separation-of-duties.md.j2").unlink()
    replace_in(
        policy_src / "templates/policies/data-destruction.md.j2",
        "title: Data Destruction Policy",
        "title: Data Disposal Policy",
    )
    errors = _errors(policy_src)
    _one(errors, "missing template separation-of-duties.md.j2")
    _one(errors, "title must be the rule's name: 'Data Destruction Policy'")


def test_isdp_check_reports_template_errors(policy_src: Path):
    from click.testing import CliRunner

    from build_tools.cli import main

    replace_in(
        policy_src / "templates/policies/incident-response.md.j2", "RS.MA, RS.AN", "RS.MA, ZZ.TOP"
    )
    result = CliRunner().invoke(main, ["check", "--src", str(policy_src)])
    assert result.exit_code == 1
    assert "incident-response.md.j2:8: front matter:" in result.output
    assert "ZZ.TOP" in result.output


def test_notice_floor_must_agree_with_site_yaml(policy_src: Path):
    from build_tools.policies.sphinx import check

    path = policy_src / "templates/policies/parameters.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("floor: 24", text.index("mde_notice_hours"))
    path.write_text(text[:start] + "floor: 12" + text[start + len("floor: 24") :], encoding="utf-8")
    errors = [str(e) for e in check(policy_src, set())]
    assert any("differs from site.yaml incident.notify_within_hours (24)" in e for e in errors)


SUPERINTENDENT_APPROVES = {
    "best-practices-guidelines",
    "data-dictionary-standards",
    "security-privacy-notification",
    "violation-reporting",
    "systems-capacity-planning",
}


def test_each_template_names_its_approver_and_the_adoption_checklist_follows_it():
    found = templates.load_all(REPO)
    assert {t.id for t in found if t.meta.approver == "Superintendent"} == SUPERINTENDENT_APPROVES
    assert {t.meta.approver for t in found} == {"School Board", "Superintendent"}
    approver = {t.id: t.meta.approver for t in found}
    checklist = yaml.safe_load((REPO / "guidance/checklists/policy-adoption.yaml").read_text())
    items = [
        i
        for s in checklist["sections"]
        for i in s["items"]
        if i.get("policy") and "with its procedures written" in i["text"]
    ]
    assert sorted(i["policy"] for i in items) == sorted(approver)
    for item in items:
        board = approver[item["policy"]] == "School Board"
        assert ("adopted by the board" in item["text"]) == board, item["id"]
        assert ("approved by the superintendent" in item["text"]) == (not board), item["id"]


def test_an_approver_other_than_the_board_or_the_superintendent_is_refused(policy_src: Path):
    path = policy_src / "templates" / "policies" / "violation-reporting.md.j2"
    line = replace_in(path, "approver: Superintendent", "approver: Technology Coordinator")
    errors = templates.check(policy_src)
    assert any(
        e.line == line and "unknown approver 'Technology Coordinator'" in e.message
        and "School Board, Superintendent" in e.message
        for e in errors
    ), errors
