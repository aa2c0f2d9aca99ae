"""District packs: all three formats render, the Word files read back with real headings,
lists and tables, and every refusal leaves the output folder exactly as it was."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn

from build_tools.cli import main
from build_tools.policies import pack, parameters
from build_tools.policies import registry as policy_registry

from .conftest import EXAMPLE, REPO

AS_OF = "2026-12-01"


def _render(district: Path, out: Path, formats: str = "md,html,docx", as_of: str = AS_OF):
    return CliRunner().invoke(
        main,
        [
            "policies",
            "render",
            "--district",
            str(district),
            "--out",
            str(out),
            "--format",
            formats,
            "--as-of",
            as_of,
            "--src",
            str(REPO),
        ],
    )


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with a hash of its bytes (the folder's exact state)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pack") / "magnolia-bend"
    result = _render(EXAMPLE, out)
    assert result.exit_code == 0, result.output
    return out


def test_pack_has_a_cover_and_22_policies_in_each_format(rendered: Path):
    for fmt in pack.FORMATS:
        files = sorted(p.name for p in (rendered / fmt).iterdir())
        if fmt in pack.PACKET_FORMATS:
            assert files.pop() == f"{pack.PACKET}.{fmt}"
        assert len(files) == 23, fmt
        assert files[0] == f"00-cover.{fmt}"
        assert [f.split(".")[0][3:] for f in files[1:]] == list(policy_registry.REQUIRED_POLICIES)
    assert not list(rendered.parent.glob(".magnolia-bend.*")), "temporary folders left behind"


def test_markdown_carries_the_districts_values_and_no_template_syntax(rendered: Path):
    text = (rendered / "md" / "11-incident-response.md").read_text(encoding="utf-8")
    assert "Magnolia Bend School District (example)" in text
    assert "Lena M. Ortiz" in text and "601-555-0142" in text
    assert "within **12 hours** of becoming aware" in text  # the district's stricter value
    assert "otss-iso@mdek12.org" in text
    for marker in ("{{", "{%", "{term}", "{doc}", "[District name]", "{policy-"):
        for path in (rendered / "md").iterdir():
            assert marker not in path.read_text(encoding="utf-8"), (marker, path.name)


def test_cover_lists_policies_review_dates_and_changed_parameters(rendered: Path):
    text = (rendered / "md" / "00-cover.md").read_text(encoding="utf-8")
    for title in policy_registry.REQUIRED_POLICIES.values():
        assert title in text
    # adopted 2026-08-10, district review cycle 12 months (stricter than the 24-month floor)
    assert text.count("August 10, 2027") == 23  # 22 rows and the summary line
    example = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))["parameters"]
    registry, _ = parameters.load(REPO)
    changed = text[text.index("## Values that differ") :]
    for name, value in example.items():
        assert registry[name].title in changed
        assert registry[name].describe(value) in changed
    untouched = [n for n in registry if n not in example]
    for name in untouched:
        assert registry[name].title not in changed


def test_docx_reads_back_with_headings_lists_and_tables(rendered: Path):
    doc = Document(str(rendered / "docx" / "01-access-account-password.docx"))
    styles = [p.style.name for p in doc.paragraphs]
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert doc.paragraphs[0].style.name == "Title"
    assert doc.paragraphs[0].text == "Access, Account Management, and Password Policy"
    for section in ("Purpose", "Definitions", "Policy statements", "Procedures", "Review"):
        assert section in headings
    assert "List Bullet" in styles and "List Number" in styles
    assert doc.core_properties.author == "Magnolia Bend School District (example)"
    assert len(doc.tables) == 4  # about; district parameters; the vote; the signatures
    params = doc.tables[1]
    header = [c.text for c in params.rows[0].cells]
    assert header == ["Parameter", "This district", "MDE floor", "Source of the floor"]
    rows = {r.cells[0].text: r.cells[1].text for r in params.rows[1:]}
    assert (
        rows["Minimum password length when the password is the only authenticator"]
        == "16 characters"
    )
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "at least 16 characters" in text.replace("**", "")
    # every numbered list restarts at 1: each starts a numbering instance of its own
    num_ids = {
        p._p.pPr.numPr.numId.val
        for p in doc.paragraphs
        if p.style.name == "List Number" and p._p.pPr is not None and p._p.pPr.numPr is not None
    }
    assert len(num_ids) >= 2


def test_docx_cover_has_the_policy_table(rendered: Path):
    doc = Document(str(rendered / "docx" / "00-cover.docx"))
    tables = doc.tables
    policies = next(t for t in tables if t.rows[0].cells[1].text == "Policy")
    assert len(policies.rows) == 23
    assert policies.rows[11].cells[0].text == "9901-11"
    assert policies.rows[11].cells[1].text == "Incident Response Policy"
    assert policies.rows[11].cells[3].text == "School Board"
    assert policies.rows[11].cells[4].text == "August 10, 2027"


def test_html_pages_are_standalone_and_accessible(rendered: Path):
    page = (rendered / "html" / "00-cover.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "<title>" in page
    assert 'href="11-incident-response.html"' in page
    for path in (rendered / "html").iterdir():
        html = path.read_text(encoding="utf-8")
        assert "src=" not in html and "<link" not in html  # nothing fetched from anywhere


def _district(tmp_path: Path, edit) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    path = tmp_path / "district.yaml"
    path.write_text(edit(text), encoding="utf-8")
    return path


REFUSALS = {
    "looser than floor": (
        lambda t: t.replace("mde_notice_hours: 12 ", "mde_notice_hours: 48 "),
        "'parameters.mde_notice_hours' = 48 hours is looser than the MDE floor of 24 hours",
        "Rule 55.1 section 7",
    ),
    "looser choice": (
        lambda t: t + "  dmarc_policy: none\n",
        "'parameters.dmarc_policy' = none is looser than the MDE floor of reject",
        "Binding Operational Directive 18-01",
    ),
    "unknown key": (
        lambda t: t.replace('  code: "9901"', '  code: "9901"\n  county: Hinds'),
        "unknown key 'county' in 'district'",
        None,
    ),
    "unknown parameter": (
        lambda t: t + "  password_expiry_days: 90\n",
        "unknown parameter 'password_expiry_days'",
        None,
    ),
    "missing field": (
        lambda t: re.sub(r"  board_adoption_date: 2026-08-10.*\n", "", t),
        "missing required key 'district.board_adoption_date'",
        None,
    ),
    "wrong type": (
        lambda t: t.replace("password_min_length: 16 ", "password_min_length: sixteen "),
        "'parameters.password_min_length' must be a whole number of characters",
        None,
    ),
    "bad YAML": (
        lambda t: t.replace("  name: Dr. Angela R. Whitfield", "  name: [Dr. Angela"),
        "invalid YAML",
        None,
    ),
    "impossible date": (
        lambda t: t.replace("board_adoption_date: 2026-08-10", "board_adoption_date: 2026-09-31"),
        "'2026-09-31' is not a calendar date (no such day); write YYYY-MM-DD",
        None,
    ),
    "date in another format": (
        lambda t: t.replace("board_adoption_date: 2026-08-10", "board_adoption_date: 09/14/2026"),
        "'09/14/2026' is not a date in the format YYYY-MM-DD, e.g. 2026-08-10",
        None,
    ),
    "zero hours": (
        lambda t: t.replace("mde_notice_hours: 12 ", "mde_notice_hours: 0 "),
        "'parameters.mde_notice_hours' = 0 hours makes no sense; give at least 1",
        None,
    ),
    "review already overdue": (
        lambda t: t.replace("board_adoption_date: 2026-08-10", "board_adoption_date: 2019-01-01"),
        "the next review would be due by January 1, 2020, which has already passed",
        None,
    ),
    "adopted in the future": (
        lambda t: t.replace("board_adoption_date: 2026-08-10", "board_adoption_date: 2027-01-12")
        .replace("  # adoption:", "  adoption:").replace("  #   ", "    "),
        "is in the future, but the pack is marked adopted",
        None,
    ),
    "adopted without a resolution": (
        lambda t: t.replace("  # adoption:\n  #   status: adopted", "  adoption:\n    status: adopted"),
        "an adopted pack names its resolution, board_president, board_secretary",
        None,
    ),
    "parameter typo": (
        lambda t: t.replace("mde_notice_hours: 12 ", "mde_notice_hour: 12 "),
        "unknown parameter 'mde_notice_hour' (did you mean 'mde_notice_hours'?",
        None,
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_refusals_name_file_line_and_rule_and_leave_the_output_untouched(case, tmp_path: Path):
    edit, message, rule = REFUSALS[case]
    district = _district(tmp_path, edit)
    out = tmp_path / "packs" / "district"
    first = _render(EXAMPLE, out, "md")  # an earlier pack already sits in the output folder
    assert first.exit_code == 0, first.output
    before = _snapshot(out)
    result = _render(district, out)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if message in line]
    assert lines, result.output
    assert lines[0].startswith(f"{district}:") and lines[0].split(":")[1].isdigit(), lines[0]
    if rule:
        assert rule in lines[0]
    assert "Traceback" not in result.output
    assert _snapshot(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["district"]


def test_looser_floor_is_reported_at_the_parameters_line(tmp_path: Path):
    district = _district(
        tmp_path, lambda t: t.replace("mde_notice_hours: 12 ", "mde_notice_hours: 36 ")
    )
    line = next(
        n
        for n, text in enumerate(district.read_text().splitlines(), 1)
        if "mde_notice_hours" in text
    )
    result = _render(district, tmp_path / "out")
    assert f"{district}:{line}: 'parameters.mde_notice_hours' = 36 hours" in result.output
    assert not (tmp_path / "out").exists()


def test_a_folder_that_is_not_a_pack_is_never_replaced(tmp_path: Path):
    out = tmp_path / "documents"
    out.mkdir()
    (out / "minutes.txt").write_text("board minutes", encoding="utf-8")
    result = _render(EXAMPLE, out)
    assert result.exit_code == 1 and "was not written by isdp" in result.output
    assert _snapshot(out) == {"minutes.txt": hashlib.sha256(b"board minutes").hexdigest()}


def test_a_failure_while_writing_leaves_the_previous_pack(tmp_path: Path, monkeypatch):
    out = tmp_path / "pack"
    assert _render(EXAMPLE, out, "md").exit_code == 0
    before = _snapshot(out)
    calls = []

    def failing_write(markdown, path, **kwargs):
        calls.append(path)
        if len(calls) == 5:
            raise OSError("disk full")
        path.write_bytes(b"partial")

    monkeypatch.setattr(pack.docx_writer, "write", failing_write)
    with pytest.raises(OSError):
        pack.render(REPO, EXAMPLE, out, ["md", "docx"])
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack"]


def test_unknown_format_is_refused(tmp_path: Path):
    result = _render(EXAMPLE, tmp_path / "out", "md,pdf")
    assert result.exit_code == 1 and "unknown format(s) pdf" in result.output
    assert not (tmp_path / "out").exists()


def test_every_kind_of_error_is_reported_in_one_run(tmp_path: Path):
    district = _district(
        tmp_path,
        lambda t: t.replace('  code: "9901"', '  code: "9901"\n  county: Hinds')
        .replace("board_adoption_date: 2026-08-10", "board_adoption_date: 09/14/2026")
        .replace("mde_notice_hours: 12 ", "mde_notice_hours: 48 ")
        .replace("password_min_length: 16 ", "pasword_min_length: 16 "),
    )
    result = _render(district, tmp_path / "out")
    assert result.exit_code == 1 and "Traceback" not in result.output
    for message in (
        "unknown key 'county'",
        "'09/14/2026' is not a date in the format YYYY-MM-DD",
        "48 hours is looser than the MDE floor",
        "did you mean 'password_min_length'?",
    ):
        assert message in result.output, (message, result.output)
    assert not (tmp_path / "out").exists()


def _markdown(folder: Path) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted((folder / "md").iterdir())}


def test_a_draft_is_proposed_never_adopted_and_is_watermarked(rendered: Path):
    texts = _markdown(rendered)
    for stem, text in texts.items():
        assert "Adopted by the School Board" not in text, stem
        assert "Proposed for adoption" in text, stem
    html = (rendered / "html" / "11-incident-response.html").read_text(encoding="utf-8")
    assert '<div class="watermark" aria-hidden="true">Proposed for adoption</div>' in html
    header = Document(str(rendered / "docx" / "11-incident-response.docx")).sections[0].header
    assert 'string="Proposed for adoption"' in header._element.xml  # the VML watermark
    # the certification is there, to be completed after the vote
    vote = Document(str(rendered / "docx" / "11-incident-response.docx")).tables[2]
    assert [r.cells[1].text for r in vote.rows[1:3]] == ["", ""]


@pytest.fixture(scope="module")
def adopted(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("adopted")
    text = EXAMPLE.read_text(encoding="utf-8")
    district = folder / "district.yaml"
    district.write_text(text.replace("  # adoption:", "  adoption:").replace("  #   ", "    "))
    result = _render(district, folder / "pack")
    assert result.exit_code == 0, result.output
    return folder / "pack"


def test_adopted_pack_certifies_the_vote_per_approver(adopted: Path):
    texts = _markdown(adopted)
    approvers = {p["file"]: p["approver"] for p in pack_manifest(adopted)["policies"]}
    superintendent = {stem for stem, who in approvers.items() if who == "Superintendent"}
    assert {s[3:] for s in superintendent} == {
        "best-practices-guidelines",
        "data-dictionary-standards",
        "security-privacy-notification",
        "violation-reporting",
        "systems-capacity-planning",
    }
    for stem, who in approvers.items():
        text = texts[stem]
        assert "Proposed for adoption" not in text
        if who == "Superintendent":
            assert "Adopted by the School Board" not in text, stem
            assert "Approved by the Superintendent, Dr. Angela R. Whitfield" in text
            assert "## Certification of approval" in text and "| Board president |" not in text
        else:
            assert "Adopted by the School Board on August 10, 2026 (resolution 2026-14)" in text
            assert "| Board president | Ruth A. Calloway |" in text
            assert "| Board secretary (attest) | James D. Pruitt |" in text
        assert "| Resolution number | 2026-14 |" in text
        assert "| Superintendent | Dr. Angela R. Whitfield, Superintendent of Education |" in text
    html = (adopted / "html" / "11-incident-response.html").read_text(encoding="utf-8")
    assert 'class="watermark"' not in html
    header = Document(str(adopted / "docx" / "11-incident-response.docx")).sections[0].header
    assert "PowerPlusWaterMarkObject" not in header._element.xml


def pack_manifest(folder: Path) -> dict:
    import json

    return json.loads((folder / pack.MANIFEST).read_text(encoding="utf-8"))


def _fields(part) -> list[str]:
    return [f.get(qn("w:instr")) for f in part._element.iter(qn("w:fldSimple"))]


def test_docx_has_a_running_header_with_district_code_and_page_x_of_y(rendered: Path):
    doc = Document(str(rendered / "docx" / "11-incident-response.docx"))
    header = doc.sections[0].header
    text = header.paragraphs[0].text
    assert text.startswith("Magnolia Bend School District (example) · Policy 9901-11 · ")
    assert "Page " in text and " of " in text
    assert _fields(header) == ["PAGE", "NUMPAGES"]


def test_html_prints_a_running_header_and_page_x_of_y(rendered: Path):
    html = (rendered / "html" / "11-incident-response.html").read_text(encoding="utf-8")
    assert '@top-left { content: "Magnolia Bend School District (example) · Policy 9901-11' in html
    assert 'content: "Page " counter(page) " of " counter(pages)' in html


def test_board_packet_holds_contents_and_every_policy_with_its_own_header(rendered: Path):
    doc = Document(str(rendered / "docx" / f"{pack.PACKET}.docx"))
    assert len(doc.sections) == 24  # the cover, the contents, then one section a policy
    headers = [s.header.paragraphs[0].text.split("\t")[0] for s in doc.sections]
    assert len(set(headers)) == 23 and "Policy 9901-22" in headers[-1]
    titles = [p.text for p in doc.paragraphs if p.style.name == "Title"]
    assert titles[1] == "Contents" and len(titles) == 24
    html = BeautifulSoup(
        (rendered / "html" / f"{pack.PACKET}.html").read_text(encoding="utf-8"), "html.parser"
    )
    sections = html.select("section.policy")
    assert len(sections) == 24
    contents = html.find("h1", string="Contents").find_next("table")
    links = [a["href"] for a in contents.select("a")]
    assert links == [f"#{s['id']}" for s in sections[2:]]
    style = html.style.text
    assert "@page part23 { @top-left" in style
    assert "#vendor-third-party-control { page: part23; }" in style


def test_docx_tables_have_set_widths_and_rows_kept_whole(rendered: Path):
    doc = Document(str(rendered / "docx" / "00-cover.docx"))
    policies = next(t for t in doc.tables if t.rows[0].cells[1].text == "Policy")
    widths = [c.width for c in policies.columns]
    assert len(set(widths)) >= 4  # not five equal columns
    assert widths[1] > 1.5 * widths[0] and sum(widths) <= 6.5 * 914400  # within the margins
    for c, column in enumerate(policies.columns):
        longest = max(len(w) for cell in column.cells[1:] for w in cell.text.split())
        assert widths[c] >= longest * 0.075 * 914400, (c, longest)  # no word broken
    for table in doc.tables:
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None


def test_policy_text_comes_first_and_the_crosswalk_in_an_appendix(rendered: Path):
    doc = Document(str(rendered / "docx" / "11-incident-response.docx"))
    body = [
        child.tag.split("}")[1] + (":" + child.xpath("string(.)")[:40] if child.tag.endswith("p") else "")
        for child in doc.element.body
    ]
    purpose = body.index("p:Purpose")
    appendix = body.index("p:Appendix: crosswalk and parameters")
    first_table = body.index("tbl")
    assert purpose < body.index("p:Review") < appendix < first_table


def test_every_district_field_is_printed(rendered: Path):
    cover = (rendered / "md" / "00-cover.md").read_text(encoding="utf-8")
    district = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))["district"]
    for role in ("superintendent", "technology_coordinator", "security_contact"):
        for key, value in district[role].items():
            assert str(value) in cover, (role, key)
    assert district["code"] in cover and district["name"] in cover
    assert "August 10, 2026" in cover  # board_adoption_date
