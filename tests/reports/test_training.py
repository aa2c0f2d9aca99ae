"""Oracle tests of the training compliance computation on a store (the end-to-end oracle
through Ralph is test_compliance_oracle.py): evidence counts, claims never do."""

from __future__ import annotations

import datetime as dt

import pytest

from build_tools.core.roster import load_roster
from build_tools.reports.training import Rules, build_report
from build_tools.store.sqlite import agent_key

from .conftest import COURSES, LMS, PROFILE, actor, as_stored, evidence, make, put, write_roster

ROSTER = [
    "E1,Ann Lee,ann.lee@jackson.k12.ms.us,2500,Jackson Public School District,teacher",
    "E2,Bob Ray,bob.ray@jackson.k12.ms.us,2500,Jackson Public School District,teacher",
    "E3,Cat Poe,cat.poe@jackson.k12.ms.us,2500,Jackson Public School District,counselor",
    "E4,Dan Orr,dan.orr@biloxi.k12.ms.us,2420,Biloxi Public School District,teacher",
    "E5,Eve Kim,eve.kim@biloxi.k12.ms.us,2420,Biloxi Public School District,teacher",
]
# Local midnight of 1 July in Mississippi (CDT) is 05:00 UTC.
START, END = "2026-07-01T05:00:00", "2027-07-01T05:00:00"


@pytest.fixture
def roster(conn, tmp_path):
    put(
        conn,
        # E1: both courses on evidence; E2: a claim only; E3: one course
        *evidence("E1", "ferpa", "2026-09-01T12:00:00"),
        *evidence("E1", "security-awareness", "2026-09-02T12:00:00"),
        as_stored(make("E2", "passed", "ferpa", "2026-09-01T12:00:00")),
        *evidence("E3", "security-awareness", "2026-09-01T12:00:00"),
        # E4: FERPA exactly at the local cycle start (counts); Security Awareness one
        # microsecond before it (does not)
        *evidence("E4", "ferpa", START),
        *evidence("E4", "security-awareness", "2026-07-01T04:59:59.999999"),
        # E5: FERPA one microsecond before the local end (counts), Security Awareness at it
        *evidence("E5", "ferpa", "2027-07-01T04:59:59.999999"),
        *evidence("E5", "security-awareness", END),
    )
    return load_roster(write_roster(tmp_path / "roster.csv", ROSTER))


def report(conn, roster, cycle="2026-2027", **rules):
    return build_report(conn, roster, COURSES, PROFILE, cycle, rules=Rules(**rules),
                        as_of=dt.datetime(2026, 11, 23, tzinfo=dt.UTC))


def by_id(result):
    return {row.employee.employee_id: row for row in result.rows}


def test_evidence_counts_claims_do_not(conn, roster):
    rows = by_id(report(conn, roster))
    assert [e for e, row in rows.items() if row.compliant] == ["E1"]
    assert rows["E2"].courses["ferpa"].label == "not started"
    assert rows["E3"].missing == ["ferpa"] and rows["E3"].courses["security-awareness"].modules_passed == 6


def test_cycle_bounds_are_local_midnight_to_the_microsecond(conn, roster):
    rows = by_id(report(conn, roster))
    assert rows["E4"].courses["ferpa"].passed_on == START + ".000000Z"
    assert rows["E4"].courses["security-awareness"].label == "not started"
    assert rows["E5"].courses["ferpa"].passed_on == "2027-07-01T04:59:59.999999Z"
    assert by_id(report(conn, roster, "2027-2028"))["E5"].courses["security-awareness"].label == "passed"


def test_the_first_answer_counts_and_a_retake_is_a_new_attempt(conn, roster):
    reg = "6b8f2a64-1b0e-4a35-9f3e-0d5f6f2e9a11"
    put(conn, *evidence("E2", "security-awareness", "2026-09-03T09:00:00", right=False, registration=reg),
        *evidence("E2", "security-awareness", "2026-09-03T09:30:00", registration=reg))
    row = by_id(report(conn, roster))["E2"].courses["security-awareness"]
    assert row.label == "in progress" and row.modules_passed == 0
    put(conn, *evidence("E2", "security-awareness", "2026-09-04T09:00:00"))
    row = by_id(report(conn, roster))["E2"].courses["security-awareness"]
    assert row.label == "passed" and row.passed_on.startswith("2026-09-04T09:00")


def test_answers_by_another_credential_or_an_untrusted_lms_do_not_count(conn, roster):
    put(conn, *evidence("E2", "ferpa", "2026-09-03T09:00:00", authority=actor("E1")),
        *evidence("E2", "security-awareness", "2026-09-03T09:00:00", authority=LMS))
    assert not by_id(report(conn, roster))["E2"].compliant
    trusted = report(conn, roster, trusted=frozenset({agent_key(LMS)}))
    assert by_id(trusted)["E2"].missing == ["ferpa"]


def test_most_missed_questions_are_rescored_first_answers(conn, roster):
    put(conn, *evidence("E2", "ferpa", "2026-09-03T09:00:00", right=False, modules=["rights"]))
    questions = report(conn, roster).questions["ferpa"]
    rights = [q for q in COURSES[0].keys.values() if q.module == "rights"]
    assert len(questions) == len(rights) and all(q.misses == 1 for q in questions)
    assert {q.label for q in questions} == {k.label for k in rights}
