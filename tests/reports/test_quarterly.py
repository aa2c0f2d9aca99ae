"""`isdp report quarterly`: data files with a schema (path:line errors), training from the store."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn

from build_tools.cli import main
from build_tools.components import check_all
from build_tools.core.errors import ContentErrors
from build_tools.core.roster import load_roster
from build_tools.reports import courses as courses_mod
from build_tools.reports.quarterly import training_section, write_quarterly
from build_tools.reports.quarterly_data import load_quarter, quarter_bounds, quarter_label

from ..conftest import REPO
from .conftest import COURSES, LMS, PROFILE, as_stored, evidence, make, put, write_roster

SHIPPED = REPO / "content" / "data" / "quarterly" / "2026Q4"


@pytest.fixture
def site(tmp_path, conn, monkeypatch):
    src = tmp_path / "site"
    shutil.copytree(SHIPPED, src / "content" / "data" / "quarterly" / "2026Q4")
    shutil.copy(REPO / "site.yaml", src)
    monkeypatch.setattr(courses_mod, "load_required_courses", lambda srcdir: COURSES)
    put(
        conn,
        *evidence("E1", "ferpa", "2026-08-10T10:00:00"),  # Q3: cycle to date only
        # first instant of Q4 in Mississippi (CDT): 05:00 UTC
        *evidence("E1", "security-awareness", "2026-10-01T05:00:00"),
        *evidence("E2", "ferpa", "2026-11-02T10:00:00", right=False, modules=["rights"]),
        *evidence("E2", "ferpa", "2026-11-02T11:00:00"),
        *evidence("E2", "ferpa", "2026-11-03T11:00:00"),  # same learner again
        as_stored(
            make("E3", "passed", "ferpa", "2026-11-04T11:00:00"), authority=LMS
        ),  # a claim by an untrusted login: not counted
        *evidence("E4", "ferpa", "2027-01-01T12:00:00"),  # Q1 2027: not in it
    )
    return src


def test_quarter_bounds():
    assert [d.isoformat()[:10] for d in quarter_bounds("2026Q4")] == ["2026-10-01", "2027-01-01"]
    assert [d.isoformat()[:10] for d in quarter_bounds("2027Q1")] == ["2027-01-01", "2027-04-01"]
    with pytest.raises(ValueError, match="YEARQn"):
        quarter_bounds("2026-4")


def test_shipped_example_data_is_valid_and_marked():
    data = load_quarter(SHIPPED)
    assert data.example and data.audits and data.incidents and data.upgrades
    assert not [e for e in check_all(REPO) if "quarterly" in str(e.path)]


def test_training_figures_from_the_store(conn, site, tmp_path):
    section = training_section(
        conn, COURSES, PROFILE, "2026Q4", roster=None
    )
    figures = {
        c.course.id: (c.passed, c.failed_attempts, c.cycle_to_date, c.unverified)
        for c in section.courses
    }
    assert section.cycle == "2026-2027"
    assert figures == {"ferpa": (1, 1, 2, 1), "security-awareness": (1, 0, 1, 0)}
    roster = load_roster(
        write_roster(
            tmp_path / "r.csv",
            ["E1,Ann,ann@x.org,2500,Jackson,teacher", "E2,Bob,bob@x.org,2500,Jackson,teacher"],
        )
    )
    section = training_section(
        conn, COURSES, PROFILE, "2026Q4", roster=roster
    )
    assert section.compliance.compliant == 1


def quarterly(site, tmp_path, out):
    return CliRunner().invoke(
        main,
        [
            "report",
            "quarterly",
            "--quarter",
            "2026Q4",
            "--out",
            str(out),
            "--store",
            str(tmp_path / "store.sqlite"),
            "--src",
            str(site),
        ],
    )


def test_report_in_html_and_markdown(site, tmp_path):
    out = tmp_path / "q"
    result = quarterly(site, tmp_path, out)
    assert result.exit_code == 0, result.output
    assert "EXAMPLE data" in result.output
    markdown = (out / "report.md").read_text()
    for heading in (
        "## (a) Audits and mitigation",
        "## (b) Incidents",
        "## (c) Training",
        "## (d) Upgrades and enhancements",
        "**Example data.**",
    ):
        assert heading in markdown
    assert "41 h 25 min **late**" in markdown  # a notice later than site.yaml's 24 hours
    assert "| FERPA | 1 | 1 | 2 | 1 |" in markdown
    html = BeautifulSoup((out / "index.html").read_text(), "html.parser")
    svg = html.find("svg")
    assert svg["role"] == "img" and svg.find("title").text and svg.find_next("table")
    assert len(html.find_all("table")) >= 5 and not html.find_all("script")


BAD = {
    "incidents.yaml": (
        "  - id: INC-2026-031\n",
        "  - id: inc 31\n",
        10,
        "'incidents.0.id': String should match pattern",
    ),
    "audits.yaml": (
        "    status: completed\n    completed: 2026-10-24\n",
        "    status: completed\n",
        8,
        "'completed' (a date) is required exactly when status is completed",
    ),
    "incidents.yaml target": (
        "    target: 2026-12-18\n",
        "",
        21,
        "'target' (a date) is required until the incident is closed",
    ),
    "upgrades.yaml": (
        "    nist_csf: [PR.AA]\n",
        "    nist_csf: [PR.XX]\n",
        16,
        "not NIST CSF 2.0 categories: PR.XX",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_data_gives_path_line_errors_and_no_report(site, tmp_path, name):
    old, new, line, message = BAD[name]
    name = name.split()[0]
    path = site / "content" / "data" / "quarterly" / "2026Q4" / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ContentErrors) as info:
        load_quarter(path.parent)
    assert any(e.line == line and message in e.message for e in info.value.errors), info.value
    out = tmp_path / "q"
    result = quarterly(site, tmp_path, out)
    assert (
        result.exit_code == 1 and f"{name}:{line}: " in result.output and message in result.output
    )
    assert "Traceback" not in result.output and not out.exists()


def test_dates_after_the_quarter_and_wrong_quarter(site):
    folder = site / "content" / "data" / "quarterly" / "2026Q4"
    path = folder / "incidents.yaml"
    path.write_text(
        path.read_text()
        .replace("quarter: 2026Q4", "quarter: 2026Q3")
        .replace("2026-10-06T", "2027-01-06T")
    )
    with pytest.raises(ContentErrors) as info:
        load_quarter(folder)
    messages = sorted((e.line, e.message) for e in info.value.errors)
    assert messages[0] == (8, "quarter '2026Q3' does not match the folder 2026Q4")
    assert messages[1] == (
        11,
        "'detected' 2027-01-06 08:40:00-05:00 is after the end of the quarter",
    )


def test_missing_quarter_folder(site, tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "report",
            "quarterly",
            "--quarter",
            "2026Q3",
            "--out",
            str(tmp_path / "q"),
            "--store",
            str(tmp_path / "store.sqlite"),
            "--src",
            str(site),
        ],
    )
    assert result.exit_code == 1 and "no data for 2026Q3" in result.output


DATA = "content/data/quarterly"


def quarter_folder(site, quarter: str, audits="[]", incidents="[]", upgrades="[]"):
    folder = site / DATA / quarter
    folder.mkdir(parents=True, exist_ok=True)
    for key, items in (("audits", audits), ("incidents", incidents), ("upgrades", upgrades)):
        (folder / f"{key}.yaml").write_text(f"quarter: {quarter}\n{key}: {items}\n")
    return folder


def report(conn, site, tmp_path, quarter: str, today: str, notify_hours: int = 24):
    """The report as the CLI writes it, for a given day: (markdown, html, docx)."""
    data = load_quarter(site / DATA / quarter, dt.date.fromisoformat(today))
    training = training_section(conn, COURSES, PROFILE, quarter,
                                roster=None)
    out = tmp_path / f"report-{quarter}-{today}"
    write_quarterly(data, training, "Mississippi Department of Education", out, notify_hours)
    return (
        (out / "report.md").read_text(),
        (out / "index.html").read_text(),
        Document(str(out / "report.docx")),
    )


def test_quarter_is_named_in_words():
    assert quarter_label("2026Q4") == "October–December 2026"
    assert quarter_label("2027Q1") == "January–March 2027"


def test_a_notice_24_h_2_min_after_detection_is_late_and_listed_by_district(conn, site, tmp_path):
    path = site / DATA / "2026Q4" / "incidents.yaml"
    path.write_text(path.read_text().replace(
        "reported_to_iso: 2026-11-18T11:20:00-06:00", "reported_to_iso: 2026-11-19T10:02:00-06:00"))
    markdown, html, _ = report(conn, site, tmp_path, "2026Q4", "2027-01-05")
    assert "| 24 h 2 min **late** |" in markdown
    late = markdown[markdown.index("### Late notices by district"):]
    assert "| MDE OTSS, vendor management | INC-2026-036 | 24 h 2 min | 0 h 2 min |" in late
    assert "| Example LEA (code 0001), superintendent's office | INC-2026-034 |" in late
    assert "2 notice(s) later than 24 hours" in markdown
    assert "<strong>late</strong>" in html


def test_open_items_are_carried_into_the_next_quarter_and_flagged_overdue(conn, site, tmp_path):
    quarter_folder(site, "2027Q1")
    markdown, _, _ = report(conn, site, tmp_path, "2027Q1", "2027-02-15")
    register = markdown[markdown.index("## Open items"):markdown.index("## (a)")]
    row = next(line for line in register.splitlines() if line.startswith("| AUD-2026-11-F2 "))
    assert "| 2026Q4 |" in row and "| 2027-01-31 |" in row and row.endswith("| **overdue** |")
    assert "| 94 |" in row  # opened 2026-11-13 (the audit), measured 2027-02-15
    assert "0 finding(s), 0 still open; 5 open item(s) in all, 4 overdue" in markdown
    # a later quarter that records the item as mitigated closes it
    quarter_folder(site, "2027Q1", audits="""
  - id: AUD-2027-01
    title: Follow-up scan
    kind: vulnerability-scan
    scope: The two legacy web pages of the earlier scan.
    performed_by: OTSS Information Security (internal)
    status: completed
    completed: 2027-02-01
    findings:
      - id: AUD-2026-11-F2
        severity: low
        summary: Two legacy web pages still offered TLS 1.0 alongside current versions.
        mitigation: Legacy protocol versions disabled on 2027-01-28.
        owner: Information Security Officer
        due: 2027-01-31
        status: mitigated
""".replace("\n", "\n  ").rstrip())
    markdown, _, _ = report(conn, site, tmp_path, "2027Q1", "2027-02-16")
    register = markdown[markdown.index("## Open items"):markdown.index("## (a)")]
    assert "AUD-2026-11-F2" not in register


def test_a_finding_past_its_due_date_is_overdue(conn, site, tmp_path):
    path = site / DATA / "2026Q4" / "audits.yaml"
    path.write_text(path.read_text().replace("due: 2026-12-15", "due: 2026-10-31"))
    markdown, _, _ = report(conn, site, tmp_path, "2026Q4", "2026-12-01")
    assert "| 2026-10-31 | in progress (**overdue**) |" in markdown
    row = next(line for line in markdown.splitlines() if line.startswith("| AUD-2026-10-F2 | finding"))
    assert row.endswith("| **overdue** |")


def test_the_change_from_the_previous_quarter(conn, site, tmp_path):
    quarter_folder(site, "2026Q3", audits="""
  - id: AUD-2026-07
    title: Access review
    kind: access-review
    scope: Administrator accounts of the student information system.
    performed_by: OTSS Information Security (internal)
    status: completed
    completed: 2026-08-20
    findings:
      - id: AUD-2026-07-F1
        severity: moderate
        summary: Two administrator accounts had no recent sign-in.
        mitigation: Disabled after confirmation with their owners.
        owner: Information Security Officer
        due: 2026-09-15
        status: mitigated
""".replace("\n", "\n  ").rstrip())
    markdown, _, _ = report(conn, site, tmp_path, "2026Q4", "2027-01-05")
    trend = markdown[markdown.index("## Change from the previous quarter"):markdown.index("## Open items")]
    assert "| Measure | July–September 2026 | October–December 2026 | Change |" in trend
    assert "| Incidents | 0 | 3 | +3 |" in trend
    assert "| Notices later than 24 hours | 0 | 1 | +1 |" in trend
    assert "| Findings opened | 1 | 4 | +3 |" in trend
    assert "| Findings closed | 1 | 2 | +1 |" in trend


def test_dates_before_the_quarter_or_in_the_future_are_refused(site):
    folder = site / DATA / "2026Q4"
    path = folder / "incidents.yaml"
    path.write_text(path.read_text().replace("detected: 2026-10-06T08:40", "detected: 2026-09-28T08:40"))
    with pytest.raises(ContentErrors) as info:
        load_quarter(folder, dt.date(2026, 11, 15))
    messages = {(e.line, e.message.split(";")[0].split(" (")[0]) for e in info.value.errors}
    assert (11, "'detected' 2026-09-28 08:40:00-05:00 is before the quarter began") in messages
    assert (34, "'detected' 2026-11-18 10:00:00-06:00 is in the future") in messages
    with pytest.raises(Exception, match=r"2027Q1 \(January–March 2027\) has not begun"):
        load_quarter(site / DATA / "2027Q1", dt.date(2026, 12, 2))


def test_a_running_quarter_is_a_draft_and_an_ended_one_is_not(conn, site, tmp_path):
    markdown, html, doc = report(conn, site, tmp_path, "2026Q4", "2026-12-01")
    assert "**Draft: the quarter is not over.**" in markdown
    assert '<div class="watermark" aria-hidden="true">Draft: the quarter is not over</div>' in html
    assert 'string="Draft: the quarter is not over"' in doc.sections[0].header._element.xml
    markdown, html, doc = report(conn, site, tmp_path, "2026Q4", "2027-01-04")
    assert "Draft" not in markdown and 'class="watermark"' not in html
    assert "PowerPlusWaterMarkObject" not in doc.sections[0].header._element.xml


def test_the_report_is_a_memo_with_pages_numbered_and_marked_confidential(conn, site, tmp_path):
    markdown, html, doc = report(conn, site, tmp_path, "2026Q4", "2027-01-04")
    assert markdown.startswith("# Quarterly security and privacy report, October–December 2026")
    for row in ("| To | State Superintendent of Public Education |", "| Date | January 4, 2027 |",
                "| From | Chief Information Officer, Office of Technology and Strategic Services",
                "| Subject | Information security and data privacy report for October–December 2026"):
        assert row in markdown
    assert "2026Q4" not in markdown.split("## Open items")[0]
    assert "| Chief Information Officer | | |" in markdown  # the signature line
    assert markdown.rstrip().endswith("Share it only with the people it is addressed to.")
    assert 'content: "Page " counter(page) " of " counter(pages)' in html
    assert '@bottom-left { content: "Confidential: this report holds' in html
    header, footer = doc.sections[0].header, doc.sections[0].footer
    assert [f.get(qn("w:instr")) for f in header._element.iter(qn("w:fldSimple"))] == ["PAGE", "NUMPAGES"]
    assert footer.paragraphs[0].text.startswith("Confidential:")
    assert doc.paragraphs[0].text.endswith("October–December 2026")


def test_empty_sections_say_so(conn, site, tmp_path):
    quarter_folder(site, "2027Q1")
    markdown, _, _ = report(conn, site, tmp_path, "2027Q1", "2027-04-02")
    assert "No audit, assessment or review was recorded this quarter." in markdown
    assert "No incidents were reported this quarter." in markdown
    assert "No upgrade or enhancement was recorded this quarter." in markdown
    assert "| Change | Kind |" not in markdown and "| Incident | Detected |" not in markdown
    assert "Findings by severity" not in markdown
