"""Oracle tests of the training compliance computation: synthetic statements, known answers."""

from __future__ import annotations

import datetime as dt

import pytest

from build_tools.core.roster import load_roster
from build_tools.reports.courses import RequiredCourse
from build_tools.reports.training import build_report
from build_tools.store.sqlite import agent_key

from .conftest import COURSES, LMS, PROFILE, actor, as_stored, make, put, write_roster

ROSTER = [
    "E1,Ann Lee,ann.lee@jackson.k12.ms.us,2500,Jackson Public School District,teacher",
    "E2,Bob Ray,bob.ray@jackson.k12.ms.us,2500,Jackson Public School District,teacher",
    "E3,Cat Poe,cat.poe@jackson.k12.ms.us,2500,Jackson Public School District,counselor",
    "E4,Dan Orr,dan.orr@jackson.k12.ms.us,2500,Jackson Public School District,teacher",
    "E5,Eve Kim,eve.kim@biloxi.k12.ms.us,2420,Biloxi Public School District,principal",
    "E6,Fay Ude,fay.ude@biloxi.k12.ms.us,2420,Biloxi Public School District,teacher",
    "E7,Gus Ivy,gus.ivy@biloxi.k12.ms.us,2420,Biloxi Public School District,teacher",
]


@pytest.fixture
def scenario(conn, tmp_path):
    colleague = actor("E1")  # someone else's credential wrote E5's completion
    voiding = as_stored(make("E3", "passed", "security-awareness", "2026-10-01T10:00:00"))
    statements = [
        # E1: both courses, plainly inside the cycle
        as_stored(make("E1", "passed", "ferpa", "2026-09-01T12:00:00")),
        as_stored(make("E1", "passed", "security-awareness", "2026-09-02T12:00:00")),
        # E2: failed FERPA first, then passed it
        as_stored(make("E2", "failed", "ferpa", "2026-09-03T09:00:00")),
        as_stored(make("E2", "passed", "ferpa", "2026-09-03T09:30:00")),
        as_stored(make("E2", "passed", "security-awareness", "2026-09-04T09:00:00")),
        # E3: only FERPA; a Security Awareness pass that was voided
        as_stored(make("E3", "passed", "ferpa", "2026-09-05T09:00:00")),
        voiding,
        as_stored(
            {
                **make("E3", "passed", "ferpa", "2026-10-02T10:00:00"),
                "verb": {
                    "id": "http://adlnet.gov/expapi/verbs/voided",
                    "display": {"en-US": "voided"},
                },
                "object": {"objectType": "StatementRef", "id": voiding["id"]},
            }
        ),
        # E4: FERPA exactly at the cycle start (counts); Security Awareness one microsecond
        # before the start and exactly at the end (neither counts)
        as_stored(make("E4", "passed", "ferpa", "2026-07-01T00:00:00")),
        as_stored(make("E4", "passed", "security-awareness", "2026-06-30T23:59:59.999999")),
        as_stored(make("E4", "passed", "security-awareness", "2027-07-01T00:00:00")),
        # E5: FERPA own credential; Security Awareness written by a colleague's credential
        as_stored(make("E5", "passed", "ferpa", "2026-09-06T09:00:00")),
        as_stored(
            make("E5", "passed", "security-awareness", "2026-09-06T10:00:00"), authority=colleague
        ),
        # E6: both written by an LMS (trusted only when configured)
        as_stored(make("E6", "passed", "ferpa", "2026-09-07T09:00:00"), authority=LMS),
        as_stored(make("E6", "passed", "security-awareness", "2026-09-07T10:00:00"), authority=LMS),
        # E7: Security Awareness at the last microsecond of the cycle, FERPA given with an offset
        as_stored(make("E7", "passed", "ferpa", "2026-12-01T09:00:00-06:00")),
        as_stored(make("E7", "passed", "security-awareness", "2027-06-30T23:59:59.999999")),
        # X9: passed both, not on the roster
        as_stored(make("X9", "passed", "ferpa", "2026-09-08T09:00:00")),
        as_stored(make("X9", "passed", "security-awareness", "2026-09-08T10:00:00")),
        # questions: q1 missed 3 times, q2 once, q3 never; a miss out of cycle is ignored
        *[
            as_stored(
                make(
                    e,
                    "answered",
                    "ferpa",
                    "2026-09-01T11:00:00",
                    question="q1",
                    success=False,
                    label="Who may see a student's record?",
                )
            )
            for e in ("E1", "E2", "E3")
        ],
        as_stored(
            make(
                "E4",
                "answered",
                "ferpa",
                "2026-09-01T11:00:00",
                question="q1",
                success=True,
                label="Who may see a student's record?",
            )
        ),
        as_stored(
            make("E1", "answered", "ferpa", "2026-09-01T11:00:00", question="q2", success=False)
        ),
        as_stored(
            make("E2", "answered", "ferpa", "2026-09-01T11:00:00", question="q3", success=True)
        ),
        *[
            as_stored(
                make(e, "answered", "ferpa", "2025-09-01T11:00:00", question="q3", success=False)
            )
            for e in ("E1", "E2", "E3", "E4", "E5")
        ],
    ]
    put(conn, *statements)
    from build_tools.store.sqlite import apply_voids

    conn.execute("BEGIN")
    apply_voids(conn)
    conn.execute("COMMIT")
    return load_roster(write_roster(tmp_path / "roster.csv", ROSTER))


def report(conn, roster, **kwargs):
    return build_report(
        conn,
        roster,
        COURSES,
        PROFILE,
        "2026-2027",
        start_month=7,
        as_of=dt.datetime(2026, 11, 23, tzinfo=dt.UTC),
        **kwargs,
    )


def compliant_ids(result):
    return sorted(row.employee.employee_id for row in result.rows if row.compliant)


def test_compliance_without_a_trusted_lms(conn, scenario):
    result = report(conn, scenario)
    assert compliant_ids(result) == ["E1", "E2", "E7"]
    rows = {row.employee.employee_id: row for row in result.rows}
    assert rows["E3"].missing == ["security-awareness"]  # voided pass does not count
    assert rows["E4"].missing == ["security-awareness"]  # boundaries: start in, end out
    assert rows["E4"].courses["ferpa"].passed_on == "2026-07-01T00:00:00.000000Z"
    assert rows["E5"].courses["security-awareness"].label == "unverified"
    assert rows["E6"].courses["ferpa"].label == "unverified"
    assert rows["E7"].courses["ferpa"].passed_on == "2026-12-01T15:00:00.000000Z"  # -06:00 in UTC


def test_failed_then_passed_counts_the_pass(conn, scenario):
    row = next(r for r in report(conn, scenario).rows if r.employee.employee_id == "E2")
    assert row.compliant and row.courses["ferpa"].passed_on.startswith("2026-09-03T09:30")


def test_configured_lms_is_trusted(conn, scenario):
    result = report(conn, scenario, trusted=[agent_key(LMS)])
    assert compliant_ids(result) == ["E1", "E2", "E6", "E7"]
    assert [u["learner"] for u in result.unverified] == ["E5"]


def test_unverified_completions_are_listed_not_counted(conn, scenario):
    result = report(conn, scenario)
    assert sorted((u["learner"], u["course"]) for u in result.unverified) == [
        ("E5", "security-awareness"),
        ("E6", "ferpa"),
        ("E6", "security-awareness"),
    ]
    assert {u["authority"] for u in result.unverified if u["learner"] == "E5"} == {
        agent_key(actor("E1"))
    }


def test_learner_not_on_roster(conn, scenario):
    result = report(conn, scenario)
    assert result.not_on_roster == ["X9"]
    assert "X9" not in {row.employee.employee_id for row in result.rows}


def test_by_lea_and_by_course(conn, scenario):
    result = report(conn, scenario)
    leas = {t.key: (t.required, t.compliant) for t in result.by_lea}
    assert leas == {"2500": (4, 2), "2420": (3, 1)}
    courses = {t.key: (t.required, t.compliant) for t in result.by_course}
    # FERPA passed (trusted) by E1 E2 E3 E4 E5 E7; Security Awareness by E1 E2 E7
    assert courses == {"ferpa": (7, 6), "security-awareness": (7, 3)}
    assert [row.employee.employee_id for row in result.overdue] == ["E3", "E4", "E5", "E6"]


def test_most_missed_questions(conn, scenario):
    questions = report(conn, scenario).questions["ferpa"]
    assert [(q.iri.rsplit("/", 1)[-1], q.answers, q.misses) for q in questions] == [
        ("q1", 4, 3),
        ("q2", 1, 1),
    ]
    assert questions[0].label == "Who may see a student's record?"
    assert report(conn, scenario).questions["security-awareness"] == []


def test_required_courses_follow_roles(conn, scenario):
    teachers_only = [RequiredCourse("ferpa", "FERPA", frozenset({"teacher"})), COURSES[1]]
    rows = {
        r.employee.employee_id: r
        for r in build_report(conn, scenario, teachers_only, PROFILE, "2026-2027").rows
    }
    assert set(rows["E3"].courses) == {"security-awareness"}  # a counselor: FERPA not required
    assert set(rows["E1"].courses) == {"ferpa", "security-awareness"}


def test_other_cycle_is_separate(conn, scenario):
    result = build_report(conn, scenario, COURSES, PROFILE, "2027-2028")
    rows = {r.employee.employee_id: r for r in result.rows}
    assert compliant_ids(result) == []
    assert rows["E4"].courses["security-awareness"].passed_on == "2027-07-01T00:00:00.000000Z"


def test_a_passed_module_does_not_pass_the_course(conn, tmp_path):
    """Module-level `passed` statements carry the course as parent; only the course counts."""
    import build_tools.xapi.profile as xp

    from .conftest import PROFILE, actor, at

    module_pass = xp.statement(
        PROFILE, actor=actor("E1"), verb="passed",
        obj=xp.activity(PROFILE.module("ferpa", "rights"), "module", "Rights"),
        course="ferpa", cycle="2026-2027", registration="3c1c1f3e-9a55-4a3a-8a51-5f1f3a1d2b10",
        result={"success": True, "score": xp.score(6, 6)}, timestamp=at("2026-09-01T10:00:00"))
    put(conn, as_stored(module_pass))
    roster = load_roster(write_roster(tmp_path / "only.csv", [ROSTER[0]]))
    row = report(conn, roster).rows[0]
    assert not row.compliant and "ferpa" in row.missing
    put(conn, as_stored(make("E1", "passed", "ferpa", "2026-09-02T10:00:00")))
    row = report(conn, roster).rows[0]
    assert row.courses["ferpa"].passed_on.startswith("2026-09-02T10:00")
