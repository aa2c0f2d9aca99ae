"""The annual training compliance report (Rule 55.1 section 8): who is compliant, by LEA and
by course, who is overdue, which completions cannot be trusted, which questions are missed.

Compliant for a cycle = for every course the roster's role requires, a trusted ``passed``
statement whose timestamp lies inside the cycle [start, end). Trusted = its ``authority``
is the learner's own credential (the authority agent equals the actor: Ralph stamps the
writing login as authority) or a configured trusted LMS. Anything else is *unverified*: it is
shown, never counted. The heavy lifting is two grouped SQL queries over indexed columns, so
a year of a state's statements (a million rows) is read in seconds.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from build_tools.core.roster import Employee
from build_tools.reports.courses import RequiredCourse, required_of
from build_tools.store.sqlite import ANSWERED_WHERE, PASSED_WHERE, utc_text
from build_tools.xapi.profile import Profile, cycle_bounds

TOP_QUESTIONS = 10


@dataclass(slots=True)
class Status:
    """One employee's standing for one required course."""

    passed_on: str | None = None  # first trusted pass in the cycle (UTC text)
    unverified_on: str | None = None  # first untrusted pass, when no trusted one exists

    @property
    def label(self) -> str:
        return (
            "passed" if self.passed_on else ("unverified" if self.unverified_on else "not passed")
        )


@dataclass(slots=True)
class Row:
    employee: Employee
    courses: dict[str, Status]  # required course id -> status
    missing: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.missing = [course for course, status in self.courses.items() if not status.passed_on]

    @property
    def compliant(self) -> bool:
        return not self.missing


@dataclass
class Tally:
    key: str
    name: str
    required: int = 0
    compliant: int = 0

    @property
    def percent(self) -> float:
        return round(100.0 * self.compliant / self.required, 1) if self.required else 0.0


@dataclass
class Question:
    course: str
    iri: str
    label: str
    answers: int
    misses: int

    @property
    def miss_rate(self) -> float:
        return round(100.0 * self.misses / self.answers, 1) if self.answers else 0.0


@dataclass
class TrainingReport:
    cycle: str
    start: dt.datetime
    end: dt.datetime
    as_of: dt.datetime
    courses: list[RequiredCourse]
    rows: list[Row]
    by_lea: list[Tally]
    by_course: list[Tally]
    questions: dict[str, list[Question]]
    unverified: list[dict[str, Any]]
    not_on_roster: list[str]
    trusted_authorities: list[str]
    store_counts: dict[str, int] = field(default_factory=dict)

    @cached_property
    def compliant(self) -> int:
        return sum(1 for row in self.rows if not row.missing)

    @cached_property
    def overdue(self) -> list[Row]:
        return [row for row in self.rows if row.missing]


def _trusted_sql(trusted: Iterable[str]) -> tuple[str, list[str]]:
    trusted = sorted(set(trusted))
    marks = ",".join("?" * len(trusted))
    clause = "(authority = actor" + (f" OR authority IN ({marks}))" if trusted else ")")
    return clause, trusted


def _passes(
    conn: sqlite3.Connection, iris: dict[str, str], lo: str, hi: str, trusted: list[str]
) -> tuple[dict[tuple[str, str, int], str], list[dict[str, Any]]]:
    """One pass over the covering partial index ``statements_passed``: the first pass time per
    (learner, course IRI, trusted 0/1), and the details of every untrusted pass."""
    clause, args = _trusted_sql(trusted)
    marks = ",".join("?" * len(iris))
    first: dict[tuple[str, str, int], str] = {}
    untrusted: list[int] = []
    for learner, course, ok, timestamp, rowid in conn.execute(
        f"SELECT learner, course, {clause}, timestamp, rowid FROM statements"
        f" WHERE {PASSED_WHERE} AND course IN ({marks}) AND timestamp >= ? AND timestamp < ?",
        [*args, *iris, lo, hi],
    ):
        if not ok:
            untrusted.append(rowid)
        if learner is None:
            continue
        key = (learner, course, ok)
        if key not in first or timestamp < first[key]:
            first[key] = timestamp
    details = []
    for start in range(0, len(untrusted), 500):
        chunk = untrusted[start : start + 500]
        details += conn.execute(
            "SELECT id, learner, course, actor, authority, timestamp FROM statements"
            f" WHERE rowid IN ({','.join('?' * len(chunk))})",
            chunk,
        ).fetchall()
    unverified = [
        {
            "statement_id": sid,
            "learner": learner,
            "course": iris[course],
            "actor": actor,
            "authority": authority or "",
            "timestamp": ts,
        }
        for sid, learner, course, actor, authority, ts in sorted(
            details, key=lambda d: (d[5], d[0])
        )
    ]
    return first, unverified


def _questions(
    conn: sqlite3.Connection, iris: dict[str, str], lo: str, hi: str, top: int
) -> dict[str, list[Question]]:
    """Answers and wrong answers per question, from the covering index ``statements_answered``."""
    marks = ",".join("?" * len(iris))
    grouped = conn.execute(
        f"SELECT course, object, count(*), sum(success = 0), max(rowid) FROM statements"
        f" WHERE {ANSWERED_WHERE} AND course IN ({marks}) AND timestamp >= ? AND timestamp < ?"
        f" AND success IS NOT NULL GROUP BY course, object",
        [*iris, lo, hi],
    ).fetchall()
    per_course: dict[str, list[tuple[Question, int]]] = defaultdict(list)
    for course, obj, answers, misses, rowid in grouped:
        if misses:
            per_course[iris[course]].append(
                (Question(iris[course], obj, obj, answers, misses), rowid)
            )
    result: dict[str, list[Question]] = {}
    for course_id in iris.values():
        ranked = sorted(
            per_course.get(course_id, []), key=lambda p: (-p[0].misses, -p[0].miss_rate, p[0].iri)
        )
        result[course_id] = [question for question, _ in ranked[:top]]
        for question, rowid in ranked[:top]:
            question.label = _question_label(conn, rowid, question.iri)
    return result


def _question_label(conn: sqlite3.Connection, rowid: int, iri: str) -> str:
    """The question's name (or description) from the activity definition of one answer."""
    row = conn.execute(
        "SELECT coalesce(json_extract(raw, '$.object.definition.name'),"
        " json_extract(raw, '$.object.definition.description')) FROM statement_json"
        " WHERE id = (SELECT id FROM statements WHERE rowid = ?)",
        (rowid,),
    ).fetchone()
    if row and row[0]:
        names = json.loads(row[0])
        if isinstance(names, dict) and names:
            return str(names.get("en-US") or names.get("en") or next(iter(names.values())))
    return iri.rsplit("/", 1)[-1]


def build_report(
    conn: sqlite3.Connection,
    roster: list[Employee],
    courses: list[RequiredCourse],
    profile: Profile,
    cycle: str,
    *,
    start_month: int = 7,
    trusted: Iterable[str] = (),
    as_of: dt.datetime | None = None,
    until: dt.datetime | None = None,
    top_questions: int = TOP_QUESTIONS,
) -> TrainingReport:
    """Compute the report from the store (no files written here). ``until`` stops the count
    early (the quarterly report's standing at the end of a quarter); ``as_of`` only dates it."""
    start, end = cycle_bounds(cycle, start_month)
    as_of = as_of or dt.datetime.now(dt.UTC)
    lo, hi = utc_text(start), utc_text(min(end, until) if until else end)
    iris = {profile.course(course.id): course.id for course in courses}
    trusted = sorted(set(trusted))
    by_id = {employee.employee_id: employee for employee in roster}
    by_email = {employee.email.lower(): employee for employee in roster}

    best: dict[tuple[str, str], list[str | None]] = {}
    not_on_roster: set[str] = set()
    passes, untrusted = _passes(conn, iris, lo, hi, trusted)
    for (learner, course_iri, ok), first in passes.items():
        employee = by_id.get(learner) or by_email.get(learner.lower())
        if employee is None:
            if ok:
                not_on_roster.add(learner)
            continue
        slot = best.setdefault((employee.employee_id, iris[course_iri]), [None, None])
        index = 0 if ok else 1
        if slot[index] is None or first < slot[index]:
            slot[index] = first

    rows: list[Row] = []
    leas: dict[str, Tally] = {}
    per_course = {course.id: Tally(course.id, course.title) for course in courses}
    required_by_role: dict[str, list[RequiredCourse]] = {}  # a state has a few dozen roles
    for employee in roster:
        required = required_by_role.get(employee.role)
        if required is None:
            required = required_by_role[employee.role] = required_of(employee, courses)
        statuses: dict[str, Status] = {}
        for course in required:
            passed, unverified = best.get((employee.employee_id, course.id), (None, None))
            statuses[course.id] = Status(passed, None if passed else unverified)
            tally = per_course[course.id]
            tally.required += 1
            tally.compliant += passed is not None
        row = Row(employee, statuses)
        rows.append(row)
        lea = leas.get(employee.lea_code)
        if lea is None:
            lea = leas[employee.lea_code] = Tally(employee.lea_code, employee.lea_name)
        lea.required += 1
        lea.compliant += not row.missing

    counts = Counter()
    counts["statements"] = conn.execute("SELECT count(*) FROM statements").fetchone()[0]
    counts["invalid"] = conn.execute("SELECT count(*) FROM invalid_statements").fetchone()[0]
    return TrainingReport(
        cycle=cycle,
        start=start,
        end=end,
        as_of=as_of,
        courses=courses,
        rows=rows,
        by_lea=sorted(leas.values(), key=lambda t: (t.percent, t.key)),
        by_course=list(per_course.values()),
        questions=_questions(conn, iris, lo, hi, top_questions),
        unverified=untrusted,
        not_on_roster=sorted(not_on_roster),
        trusted_authorities=trusted,
        store_counts=dict(counts),
    )
