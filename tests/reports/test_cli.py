"""The commands end to end: `isdp report training` and the `sync` command (for `isdp lrs`)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from build_tools.cli import main
from build_tools.reports import courses as courses_mod
from build_tools.store.cli import sync_command

from ..conftest import REPO
from .conftest import COURSES, LMS, as_stored, evidence, make, put, write_roster
from .test_sync import batch, post

GOOD = [
    "E1,Ann Lee,ann.lee@jackson.k12.ms.us,2500,Jackson Public School District,teacher",
    "E2,Bob Ray,bob.ray@biloxi.k12.ms.us,2420,Biloxi Public School District,teacher",
]


@pytest.fixture
def site(tmp_path, conn, monkeypatch):
    src = tmp_path / "site"
    src.mkdir()
    shutil.copy(REPO / "site.yaml", src)
    monkeypatch.setattr(courses_mod, "load_required_courses", lambda srcdir: COURSES)
    put(
        conn,
        *evidence("E1", "ferpa", "2026-09-01T10:00:00"),
        *evidence("E1", "security-awareness", "2026-09-01T11:00:00"),
        *evidence("E2", "ferpa", "2026-09-01T10:00:00", authority=LMS),
        as_stored(make("E1", "passed", "ferpa", "2026-09-01T10:00:00")),
        as_stored(make("E1", "passed", "security-awareness", "2026-09-01T11:00:00")),
        as_stored(make("E2", "passed", "ferpa", "2026-09-01T10:00:00"), authority=LMS),
        as_stored(
            make(
                "E2",
                "answered",
                "ferpa",
                "2026-09-01T09:00:00",
                question="q7",
                success=False,
                label="When may a directory list be published?",
            )
        ),
    )
    return src


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def training(site, tmp_path, roster, out, *extra):
    return run(
        "report",
        "training",
        "--roster",
        roster,
        "--cycle",
        "2026-2027",
        "--out",
        out,
        "--store",
        tmp_path / "store.sqlite",
        "--src",
        site,
        *extra,
    )


def test_training_report_files(site, tmp_path):
    roster = write_roster(tmp_path / "roster.csv", GOOD)
    out = tmp_path / "report"
    result = training(site, tmp_path, roster, out)
    assert result.exit_code == 0, result.output
    assert "1 of 2 employees compliant" in result.output
    assert sorted(p.name for p in out.iterdir()) == [
        ".isdp-output",  # core/atomic.py's marker: the next report may replace this folder
        "compliance.csv",
        "index.html",
        "overdue.csv",
        "summary.json",
        "unverified.csv",
    ]
    overdue = list(csv.DictReader((out / "overdue.csv").open()))
    assert [(r["employee_id"], r["email"], r["missing_courses"], r["due_by"]) for r in overdue] == [
        ("E2", "bob.ray@biloxi.k12.ms.us", "FERPA; Security Awareness", "2027-06-30")
    ]
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["employees"], summary["compliant"], summary["claims_not_counted"]) == (
        2,
        1,
        1,
    )
    html = BeautifulSoup((out / "index.html").read_text(), "html.parser")
    charts = html.find_all("svg")
    assert len(charts) == 2
    for chart in charts:  # accessible without JavaScript: role, title, desc and a table after it
        assert chart["role"] == "img"
        title_id, desc_id = chart["aria-labelledby"].split()
        assert chart.find("title", id=title_id).text and chart.find("desc", id=desc_id).text
        assert chart.find_next("table") is not None
    assert not html.find_all("script") and "Claims not counted" in html.text
    assert not [tag for tag in html.find_all(src=True)]  # nothing loaded from anywhere


def test_trusted_authority_option(site, tmp_path):
    roster = write_roster(tmp_path / "roster.csv", GOOD)
    out = tmp_path / "report"
    result = training(
        site,
        tmp_path,
        roster,
        out,
        "--trusted-authority",
        "account:https://lms.example.org|isdp-lms",
    )
    assert result.exit_code == 0, result.output
    rows = {r["employee_id"]: r for r in csv.DictReader((out / "compliance.csv").open())}
    assert (
        rows["E2"]["ferpa_status"] == "passed"
        and rows["E2"]["security-awareness_status"] == "not started"
    )


def test_bad_roster_gives_errors_and_no_report(site, tmp_path):
    roster = write_roster(
        tmp_path / "roster.csv",
        GOOD + ["E1,Dup,dup@x.org,2500,Jackson,teacher", "E3,Cy,not-an-email,2500,Jackson,teacher"],
    )
    out = tmp_path / "report"
    result = training(site, tmp_path, roster, out)
    assert result.exit_code == 1
    assert f"{roster}:4: duplicate employee_id 'E1' (first on line 2)" in result.output
    assert f"{roster}:5: 'not-an-email' is not an email address" in result.output
    assert "Traceback" not in result.output and not out.exists()
    assert not list(tmp_path.glob(".report*"))  # no temporary leftovers


def test_failed_run_keeps_the_previous_report(site, tmp_path):
    out = tmp_path / "report"
    assert training(site, tmp_path, write_roster(tmp_path / "ok.csv", GOOD), out).exit_code == 0
    before = (out / "summary.json").read_text()
    bad = write_roster(tmp_path / "bad.csv", ["E9,,x@y.org,1,L,teacher"])
    assert training(site, tmp_path, bad, out).exit_code == 1
    assert (out / "summary.json").read_text() == before


def test_missing_store_and_bad_cycle(site, tmp_path):
    roster = write_roster(tmp_path / "roster.csv", GOOD)
    result = run(
        "report",
        "training",
        "--roster",
        roster,
        "--cycle",
        "2026-2027",
        "--out",
        tmp_path / "o",
        "--store",
        tmp_path / "nope.sqlite",
        "--src",
        site,
    )
    assert result.exit_code == 1 and "run `isdp lrs sync` first" in result.output
    bad = run(
        "report", "training", "--roster", roster, "--cycle", "2026-2028", "--out", tmp_path / "o3"
    )
    assert bad.exit_code == 2 and "two consecutive years" in bad.output


def test_sync_command_with_env_credentials(local_lrs, tmp_path):
    post(local_lrs, batch("S", 25))
    db = tmp_path / "cli-store.sqlite"
    env = {"ISDP_LRS_USER": local_lrs.admin[0], "ISDP_LRS_PASSWORD": local_lrs.admin[1]}
    runner = CliRunner()
    first = runner.invoke(
        sync_command, ["--lrs-url", local_lrs.url, "--store", str(db), "--page-size", "10"], env=env
    )
    assert first.exit_code == 0, first.output
    assert "25 new" in first.output and "store holds 25 valid and 0 invalid" in first.output
    again = runner.invoke(sync_command, ["--lrs-url", local_lrs.url, "--store", str(db)], env=env)
    assert "0 new" in again.output
    assert local_lrs.admin[1].encode() not in Path(db).read_bytes()  # credentials are never stored
    wrong = runner.invoke(
        sync_command,
        ["--lrs-url", local_lrs.url, "--store", str(db)],
        env={**env, "ISDP_LRS_PASSWORD": "nope"},
    )
    assert wrong.exit_code == 1 and "refused the credentials" in wrong.output


def test_training_report_with_the_shipped_courses(tmp_path, conn):
    """No stand-in: the courses and their required_for come from the repository's course.yaml."""
    src = tmp_path / "shipped"
    src.mkdir()
    shutil.copy(REPO / "site.yaml", src)
    shutil.copytree(REPO / "courses", src / "courses")
    put(
        conn,
        *evidence("E1", "ferpa", "2026-09-01T10:00:00"),
        *evidence("E1", "security-awareness", "2026-09-01T11:00:00"),
        as_stored(make("E2", "passed", "security-awareness", "2026-09-01T11:00:00")),
    )
    out = tmp_path / "report"
    result = training(src, tmp_path, write_roster(tmp_path / "roster.csv", GOOD), out)
    assert result.exit_code == 0, result.output
    rows = {r["employee_id"]: r for r in csv.DictReader((out / "compliance.csv").open())}
    assert rows["E1"]["compliant"] == "yes"
    assert (rows["E2"]["compliant"], rows["E2"]["ferpa_status"]) == ("no", "not started")
