"""Certificates' verification codes: the report derives them from the evidence (the module
attempt that completed the course), writes them to compliance.csv and the report page, and the
browser's module computes the very same code (checked by running it in Node)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
from pathlib import Path

from bs4 import BeautifulSoup

from build_tools.core.roster import load_roster
from build_tools.reports.training import Rules, build_report
from build_tools.reports.training_files import write_report
from build_tools.reports.verification import verification_code
from build_tools.xapi import profile as xp

from ..reports.conftest import COURSES, LMS, PROFILE, evidence, put, write_roster

REPO = Path(__file__).resolve().parents[2]
MODULE = REPO / "build_tools" / "static" / "isdp" / "verification.js"
LEARNER = REPO / "build_tools" / "static" / "isdp" / "learner.js"
ROSTER = [
    "E1,Ann Lee,ann.lee@jackson.k12.ms.us,2500,Jackson Public School District,teacher",
    "E2,Bob Ray,bob.ray@jackson.k12.ms.us,2500,Jackson Public School District,teacher",
]
FERPA = next(c for c in COURSES if c.id == "ferpa")


def report(conn, tmp_path, **rules):
    roster = load_roster(write_roster(tmp_path / "roster.csv", ROSTER))
    return build_report(conn, roster, COURSES, PROFILE, "2026-2027", rules=Rules(**rules),
                        as_of=dt.datetime(2026, 11, 23, tzinfo=dt.UTC))


def test_the_code_comes_from_the_attempt_that_completed_the_course(conn, tmp_path):
    modules = list(FERPA.assessed_modules)
    regs = {m: f"00000000-0000-4000-8000-{i:012d}" for i, m in enumerate(modules)}
    statements = []
    for day, module in enumerate(modules, start=1):  # one module a day, the last one completes
        statements += evidence("E1", "ferpa", f"2026-09-{day:02d}T12:00:00",
                               registration=regs[module], modules=[module])
    # A failed attempt, then (after completion) a passing retake of the first module: neither
    # is a counted attempt, so neither changes the code.
    statements += evidence("E1", "ferpa", "2026-08-30T12:00:00", right=False, modules=[modules[-1]])
    statements += evidence("E1", "ferpa", "2026-10-01T12:00:00", modules=[modules[0]])
    # E2: all but one module: no code.
    statements += evidence("E2", "ferpa", "2026-09-01T12:00:00", modules=modules[:-1])
    put(conn, *statements)
    result = report(conn, tmp_path)
    expected = verification_code("E1", "ferpa", "2026-2027", regs[modules[-1]])
    assert len(expected) == 11 and expected[5] == "-"

    out = write_report(result, tmp_path / "report")
    rows = {r["employee_id"]: r for r in csv.DictReader((out / "compliance.csv").open())}
    assert rows["E1"]["ferpa_status"] == "passed"
    assert rows["E1"]["ferpa_verification_code"] == expected
    assert rows["E1"]["security-awareness_verification_code"] == ""  # not passed
    assert rows["E2"]["ferpa_status"] == "in progress" and rows["E2"]["ferpa_verification_code"] == ""

    page = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    table = page.find("h2", id="certificates").find_next("table")
    cells = [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])] for tr in table.tbody.find_all("tr")]
    assert cells == [[expected, "E1", "Ann Lee", "2500", "FERPA", "2026-09-" + f"{len(modules):02d}"]]


def test_a_completion_by_a_trusted_lms_alone_has_no_code(conn, tmp_path):
    from ..reports.conftest import as_stored, make

    satisfied = make("E2", "passed", "ferpa", "2026-09-01T12:00:00")  # as the LMS sends it:
    satisfied["verb"] = {"id": xp.SATISFIED, "display": {"en-US": "satisfied"}}
    put(conn, as_stored(satisfied, LMS))
    result = report(conn, tmp_path, trusted=frozenset({"account:https://lms.example.org|isdp-lms"}))
    out = write_report(result, tmp_path / "report")
    rows = {r["employee_id"]: r for r in csv.DictReader((out / "compliance.csv").open())}
    assert rows["E2"]["ferpa_status"] == "passed" and rows["E2"]["ferpa_verification_code"] == ""


def test_the_browser_computes_the_same_code(tmp_path):
    cases = [("100234", "ferpa", "2026-2027", "1f0c4a52-8a3e-4b1d-9d63-2f6a1c0b7e55"),
             ("ada@example.org", "security-awareness", "2027-2028", "6b8f2a64-1b0e-4a35-9f3e-0d5f6f2e9a11"),
             ("E\u00e9", "x", "2026-2027", "")]
    script = (f"import {{ verificationCode }} from {json.dumps(MODULE.as_uri())};\n"
              f"import {{ learnerKey }} from {json.dumps(LEARNER.as_uri())};\n"
              f"const cases = {json.dumps(cases)};\n"
              "const codes = await Promise.all(cases.map((c) => verificationCode(...c)));\n"
              "const keys = [learnerKey({account: {homePage: 'https://x', name: '100234'}}),"
              " learnerKey({mbox: 'mailto:Ada@Example.org'})];\n"
              "console.log(JSON.stringify({codes, keys}));\n")
    entry = tmp_path / "check.mjs"
    entry.write_text(script, encoding="utf-8")
    out = subprocess.run(["node", str(entry)], capture_output=True, text=True, check=True, timeout=60)
    got = json.loads(out.stdout)
    assert got["codes"] == [verification_code(*c) for c in cases]
    assert got["keys"] == ["100234", "ada@example.org"]
