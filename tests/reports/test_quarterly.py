"""`isdp report quarterly`: data files with a schema (path:line errors), training from the store."""

from __future__ import annotations

import shutil

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from build_tools.cli import main
from build_tools.components import check_all
from build_tools.core.errors import ContentErrors
from build_tools.core.roster import load_roster
from build_tools.reports import courses as courses_mod
from build_tools.reports.quarterly import training_section
from build_tools.reports.quarterly_data import load_quarter, quarter_bounds

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
    assert "41.4 h (late)" in markdown  # a notice later than site.yaml's 24 hours
    assert "| FERPA | 1 | 1 | 2 | 1 |" in markdown
    html = BeautifulSoup((out / "index.html").read_text(), "html.parser")
    svg = html.find("svg")
    assert svg["role"] == "img" and svg.find("title").text and svg.find_next("table")
    assert len(html.find_all("table")) >= 5 and not html.find_all("script")


BAD = {
    "incidents.yaml": (
        "  - id: INC-2026-031\n",
        "  - id: inc 31\n",
        9,
        "'incidents.0.id': String should match pattern",
    ),
    "audits.yaml": (
        "    status: completed\n    completed: 2026-10-24\n",
        "    status: completed\n",
        8,
        "'completed' (a date) is required exactly when status is completed",
    ),
    "upgrades.yaml": (
        "    nist_csf: [PR.AA]\n",
        "    nist_csf: [PR.XX]\n",
        15,
        "not NIST CSF 2.0 categories: PR.XX",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_data_gives_path_line_errors_and_no_report(site, tmp_path, name):
    old, new, line, message = BAD[name]
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
    assert messages[0] == (7, "quarter '2026Q3' does not match the folder 2026Q4")
    assert messages[1] == (
        10,
        "'detected' 2027-01-06 08:40:00-05:00 is after the end of the quarter",
    )


def test_missing_quarter_folder(site, tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "report",
            "quarterly",
            "--quarter",
            "2027Q1",
            "--out",
            str(tmp_path / "q"),
            "--store",
            str(tmp_path / "store.sqlite"),
            "--src",
            str(site),
        ],
    )
    assert result.exit_code == 1 and "no data for 2027Q1" in result.output
