"""District packs: all three formats render, the Word files read back with real headings,
lists and tables, and every refusal leaves the output folder exactly as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from docx import Document

from build_tools.cli import main
from build_tools.policies import frameworks, pack, parameters

from .conftest import EXAMPLE, REPO


def _render(district: Path, out: Path, formats: str = "md,html,docx"):
    return CliRunner().invoke(main, ["policies", "render", "--district", str(district), "--out", str(out),
                                     "--format", formats, "--src", str(REPO)])


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with a hash of its bytes (the folder's exact state)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pack") / "magnolia-bend"
    result = _render(EXAMPLE, out)
    assert result.exit_code == 0, result.output
    return out


def test_pack_has_a_cover_and_22_policies_in_each_format(rendered: Path):
    for fmt in pack.FORMATS:
        files = sorted(p.name for p in (rendered / fmt).iterdir())
        assert len(files) == 23, fmt
        assert files[0] == f"00-cover.{fmt}"
        assert [f.split(".")[0][3:] for f in files[1:]] == list(frameworks.REQUIRED_POLICIES)
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
    for title in frameworks.REQUIRED_POLICIES.values():
        assert title in text
    # adopted 2026-08-10, district review cycle 12 months (stricter than the 24-month floor)
    assert text.count("August 10, 2027") == 22
    example = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))["parameters"]
    registry, _ = parameters.load(REPO)
    changed = text[text.index("## Values that differ"):]
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
    assert len(doc.tables) == 2  # about this policy; district parameters
    params = doc.tables[1]
    header = [c.text for c in params.rows[0].cells]
    assert header == ["Parameter", "This district", "MDE floor", "Source of the floor"]
    rows = {r.cells[0].text: r.cells[1].text for r in params.rows[1:]}
    assert rows["Minimum password length when the password is the only authenticator"] == "16 characters"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "at least 16 characters" in text.replace("**", "")
    # every numbered list restarts at 1: each starts a numbering instance of its own
    num_ids = {p._p.pPr.numPr.numId.val for p in doc.paragraphs
               if p.style.name == "List Number" and p._p.pPr is not None and p._p.pPr.numPr is not None}
    assert len(num_ids) >= 2


def test_docx_cover_has_the_policy_table(rendered: Path):
    doc = Document(str(rendered / "docx" / "00-cover.docx"))
    tables = doc.tables
    policies = next(t for t in tables if t.rows[0].cells[1].text == "Policy")
    assert len(policies.rows) == 23
    assert policies.rows[11].cells[1].text == "Incident Response Policy"
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
        "Rule 55.1 section 7"),
    "looser choice": (
        lambda t: t + "  dmarc_policy: none\n",
        "'parameters.dmarc_policy' = none is looser than the MDE floor of reject",
        "Binding Operational Directive 18-01"),
    "unknown key": (
        lambda t: t.replace('  code: "9901"', '  code: "9901"\n  county: Hinds'),
        "unknown key 'county' in 'district'", None),
    "unknown parameter": (
        lambda t: t + "  password_expiry_days: 90\n",
        "unknown parameter 'password_expiry_days'", None),
    "missing field": (
        lambda t: t.replace("  board_adoption_date: 2026-08-10\n", ""),
        "missing required key 'district.board_adoption_date'", None),
    "wrong type": (
        lambda t: t.replace("password_min_length: 16 ", "password_min_length: sixteen "),
        "'parameters.password_min_length' must be a whole number of characters", None),
    "bad YAML": (
        lambda t: t.replace("  name: Dr. Angela R. Whitfield", "  name: [Dr. Angela"),
        "invalid YAML", None),
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
    district = _district(tmp_path, lambda t: t.replace("mde_notice_hours: 12 ", "mde_notice_hours: 36 "))
    line = next(n for n, text in enumerate(district.read_text().splitlines(), 1) if "mde_notice_hours" in text)
    result = _render(district, tmp_path / "out")
    assert f"{district}:{line}: 'parameters.mde_notice_hours' = 36 hours" in result.output
    assert not (tmp_path / "out").exists()


def test_a_folder_that_is_not_a_pack_is_never_replaced(tmp_path: Path):
    out = tmp_path / "documents"
    out.mkdir()
    (out / "minutes.txt").write_text("board minutes", encoding="utf-8")
    result = _render(EXAMPLE, out)
    assert result.exit_code == 1 and "is not a policy pack" in result.output
    assert _snapshot(out) == {"minutes.txt": hashlib.sha256(b"board minutes").hexdigest()}


def test_a_failure_while_writing_leaves_the_previous_pack(tmp_path: Path, monkeypatch):
    out = tmp_path / "pack"
    assert _render(EXAMPLE, out, "md").exit_code == 0
    before = _snapshot(out)
    calls = []

    def failing_write(markdown, path, *, title, author):
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
