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
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..xapi.profile import VERBS, Profile, cycle_bounds
from .courses import RequiredCourse, required_of
from .roster import Employee
from .store import utc_text

TOP_QUESTIONS = 10


@dataclass
class Status:
    """One employee's standing for one required course."""

    passed_on: str | None = None       # first trusted pass in the cycle (UTC text)
    unverified_on: str | None = None   # first untrusted pass, when no trusted one exists

    @property
    def label(self) -> str:
        return "passed" if self.passed_on else ("unverified" if self.unverified_on else "not passed")


@dataclass
class Row:
    employee: Employee
    courses: dict[str, Status]          # required course id -> status

    @property
    def compliant(self) -> bool:
        return all(status.passed_on for status in self.courses.values())

    @property
    def missing(self) -> list[str]:
        return [course for course, status in self.courses.items() if not status.passed_on]


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

    @property
    def compliant(self) -> int:
        return sum(1 for row in self.rows if row.compliant)

    @property
    def overdue(self) -> list[Row]:
        return [row for row in self.rows if not row.compliant]


def _trusted_sql(trusted: Iterable[str]) -> tuple[str, list[str]]:
    trusted = sorted(set(trusted))
    marks = ",".join("?" * len(trusted))
    clause = "(authority = actor" + (f" OR authority IN ({marks}))" if trusted else ")")
    return clause, trusted


def _passes(conn: sqlite3.Connection, iris: dict[str, str], lo: str, hi: str,
            trusted: list[str]) -> Iterable[tuple[str, str, int, str]]:
    """(learner, course IRI, trusted 0/1, first timestamp) per learner, course and trust."""
    clause, args = _trusted_sql(trusted)
    marks = ",".join("?" * len(iris))
    return conn.execute(
        f"SELECT learner, course, {clause} AS ok, min(timestamp) FROM statements"
        f" WHERE verb = ? AND timestamp >= ? AND timestamp < ? AND voided = 0"
        f" AND course IN ({marks}) AND learner IS NOT NULL GROUP BY learner, course, ok",
        [*args, VERBS["passed"], lo, hi, *iris])


def _unverified(conn: sqlite3.Connection, iris: dict[str, str], lo: str, hi: str,
                trusted: list[str]) -> list[dict[str, Any]]:
    clause, args = _trusted_sql(trusted)
    marks = ",".join("?" * len(iris))
    rows = conn.execute(
        f"SELECT id, learner, course, actor, authority, timestamp FROM statements"
        f" WHERE verb = ? AND timestamp >= ? AND timestamp < ? AND voided = 0"
        f" AND course IN ({marks}) AND NOT {clause} ORDER BY timestamp",
        [VERBS["passed"], lo, hi, *iris, *args])
    return [{"statement_id": sid, "learner": learner, "course": iris[course], "actor": actor,
             "authority": authority or "", "timestamp": ts}
            for sid, learner, course, actor, authority, ts in rows]


def _questions(conn: sqlite3.Connection, iris: dict[str, str], lo: str, hi: str,
               top: int) -> dict[str, list[Question]]:
    marks = ",".join("?" * len(iris))
    grouped = conn.execute(
        f"SELECT course, object, count(*), sum(success = 0) FROM statements"
        f" WHERE verb = ? AND course IN ({marks}) AND timestamp >= ? AND timestamp < ?"
        f" AND voided = 0 AND success IS NOT NULL GROUP BY course, object",
        [VERBS["answered"], *iris, lo, hi]).fetchall()
    per_course: dict[str, list[Question]] = defaultdict(list)
    for course, obj, answers, misses in grouped:
        if misses:
            per_course[iris[course]].append(Question(iris[course], obj, obj, answers, misses))
    result: dict[str, list[Question]] = {}
    for course_id in iris.values():
        ranked = sorted(per_course.get(course_id, []), key=lambda q: (-q.misses, -q.miss_rate, q.iri))
        result[course_id] = ranked[:top]
        for question in result[course_id]:
            question.label = _question_label(conn, question.iri)
    return result


def _question_label(conn: sqlite3.Connection, iri: str) -> str:
    """The question's name (or description) as the statement's activity definition gives it."""
    row = conn.execute(
        "SELECT coalesce(json_extract(raw, '$.object.definition.name'),"
        " json_extract(raw, '$.object.definition.description')) FROM statements"
        " WHERE verb = ? AND object = ? LIMIT 1", (VERBS["answered"], iri)).fetchone()
    if row and row[0]:
        import json

        names = json.loads(row[0])
        if isinstance(names, dict) and names:
            return str(names.get("en-US") or names.get("en") or next(iter(names.values())))
    return iri.rsplit("/", 1)[-1]


def build_report(conn: sqlite3.Connection, roster: list[Employee], courses: list[RequiredCourse],
                 profile: Profile, cycle: str, *, start_month: int = 7,
                 trusted: Iterable[str] = (), as_of: dt.datetime | None = None,
                 until: dt.datetime | None = None,
                 top_questions: int = TOP_QUESTIONS) -> TrainingReport:
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
    for learner, course_iri, ok, first in _passes(conn, iris, lo, hi, trusted):
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
    for employee in roster:
        statuses: dict[str, Status] = {}
        for course in required_of(employee, courses):
            passed, unverified = best.get((employee.employee_id, course.id), (None, None))
            statuses[course.id] = Status(passed, None if passed else unverified)
            tally = per_course[course.id]
            tally.required += 1
            tally.compliant += bool(passed)
        row = Row(employee, statuses)
        rows.append(row)
        lea = leas.setdefault(employee.lea_code, Tally(employee.lea_code, employee.lea_name))
        lea.required += 1
        lea.compliant += row.compliant

    counts = Counter()
    counts["statements"] = conn.execute("SELECT count(*) FROM statements").fetchone()[0]
    counts["invalid"] = conn.execute("SELECT count(*) FROM invalid_statements").fetchone()[0]
    return TrainingReport(
        cycle=cycle, start=start, end=end, as_of=as_of, courses=courses, rows=rows,
        by_lea=sorted(leas.values(), key=lambda t: (t.percent, t.key)),
        by_course=list(per_course.values()),
        questions=_questions(conn, iris, lo, hi, top_questions),
        unverified=_unverified(conn, iris, lo, hi, trusted),
        not_on_roster=sorted(not_on_roster), trusted_authorities=trusted,
        store_counts=dict(counts))
