"""The annual training compliance report (Rule 55.1 section 8): who passed, who is in
progress, who has not started, which claims were not counted, which questions are missed.

A course counts for a cycle only on evidence: for every module of the course that has
questions, one attempt (one registration) in the cycle whose *first* answer to each question,
re-scored here against the keys of the course sources, reaches the course's mastery score.
Answers count when written with the learner's own credential (Ralph stamps the writing login
as authority, so authority = actor) or by a trusted LMS (``training.trusted_authorities``),
whose cmi5 ``satisfied`` of the course also counts. A client's ``success``, ``score``,
module and course ``passed`` are claims: shown, never counted on their own.

Time: a statement counts at its ``timestamp`` when that is no later than ``stored`` and at
most ``max_delivery_days`` before it; otherwise at ``stored``, flagged. Cycles start at local
midnight in ``training.time_zone``. A void takes effect only when written by the voided
statement's own authority or a ``training.void_authorities`` login; others are listed.

The evidence is one grouped SQL query over the covering index ``statements_evidence``: the
first answer per question and attempt, joined to the source keys and tallied per module
attempt in SQL, so Python sees one row per attempt, not per answer, and no per-employee query
runs: a state's year (a million statements) is read in seconds.
"""

from __future__ import annotations

import datetime as dt
import gc
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, wraps
from typing import Any, TypeVar

from build_tools.core.roster import Employee
from build_tools.reports.courses import RequiredCourse, required_of
from build_tools.store.sqlite import ANSWERED_WHERE, CLAIMS_WHERE, Freshness, freshness, utc_text
from build_tools.xapi.profile import DEFAULT_TIME_ZONE, SATISFIED, VOIDED, Profile, cycle_bounds

T = TypeVar("T")
TOP_QUESTIONS = 10
PASSED, IN_PROGRESS, NOT_STARTED = "passed", "in progress", "not started"
# Reasons a claim is not counted, as the report and unverified.csv write them.
NO_EVIDENCE = "no evidence"
OTHER_CREDENTIAL = "written by another credential"
VOIDED_REASON = "voided"
LATE = "implausible time"
NOT_ON_ROSTER = "not on the roster"
VOID_IGNORED = "void ignored: written by another credential"


@dataclass(frozen=True)
class Rules:
    """What counts: site.yaml's training section, as the report applies it."""

    trusted: frozenset[str] = frozenset()  # agent keys of trusted LMS logins
    void_authorities: frozenset[str] = frozenset()
    max_delivery_days: int = 30
    time_zone: str = DEFAULT_TIME_ZONE
    start_month: int = 7
    lms_accounts: Mapping[str, str] = field(default_factory=dict)  # homePage -> actor field

    def effective_time_sql(self) -> str:
        """The time a statement counts at (see the module docstring), as an SQL expression."""
        return (f"CASE WHEN lag >= 0 AND lag <= {self.max_delivery_days * 86400} "
                "THEN timestamp ELSE stored END")

    def learner_sql(self) -> str:
        """The roster key of an actor: its account name, or the field an LMS carries it in."""
        cases = "".join(
            f" WHEN substr(actor, 1, {len(prefix)}) = '{prefix.replace(chr(39), chr(39) * 2)}'"
            " THEN agent_name"
            for prefix in (f"account:{home}|" for home, name in self.lms_accounts.items()
                           if name == "name"))
        return f"CASE{cases} ELSE learner END" if cases else "learner"

    def own_or_trusted_sql(self) -> tuple[str, list[str]]:
        trusted = sorted(self.trusted)
        marks = ",".join("?" * len(trusted))
        return "(authority = actor" + (f" OR authority IN ({marks}))" if trusted else ")"), trusted


@dataclass(slots=True)
class Status:
    """One employee's standing for one required course."""

    state: str = NOT_STARTED
    passed_on: str | None = None  # when the evidence (or a trusted LMS) completed it (UTC)
    modules_passed: int = 0
    modules: int = 0
    claimed: bool = False  # a completion claim exists that was not counted

    @property
    def label(self) -> str:
        return self.state


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
class Evidence:
    """What the answers prove, per learner key (before the roster join)."""

    module_passed: dict[tuple[str, str, str], str] = field(default_factory=dict)
    module_registration: dict[tuple[str, str, str], str] = field(default_factory=dict)  # of that pass
    started: set[tuple[str, str]] = field(default_factory=set)
    attempts_below: list[tuple[str, str]] = field(default_factory=list)  # (course id, time)
    questions: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    late_answers: int = 0


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
    rules: Rules = field(default_factory=Rules)
    store_counts: dict[str, int] = field(default_factory=dict)
    evidence: Evidence | None = None
    freshness: Freshness = Freshness(None, None)  # the store's last sync and last full sync

    @cached_property
    def compliant(self) -> int:
        return sum(1 for row in self.rows if not row.missing)

    @cached_property
    def overdue(self) -> list[Row]:
        return [row for row in self.rows if row.missing]

    @cached_property
    def reasons(self) -> Counter:
        return Counter(item["reason"] for item in self.unverified)


def _voids(conn: sqlite3.Connection, rules: Rules) -> tuple[set[str], list[dict[str, Any]]]:
    """Ids voided by a void that takes effect, and the voids ignored (as claim rows)."""
    honoured: set[str] = set()
    ignored = []
    for vid, target, author, actor, ts, stored, target_author, learner, course in conn.execute(
        "SELECT v.id, v.object, v.authority, v.actor, v.timestamp, v.stored, t.authority,"
        " t.learner, t.course FROM statements AS v JOIN statements AS t ON t.id = v.object"
        f" WHERE v.verb = '{VOIDED}' AND t.verb != '{VOIDED}'"
    ):
        if author == target_author or author in rules.void_authorities:
            honoured.add(target)
        else:
            ignored.append({"statement_id": vid, "learner": learner or "", "course": course or "",
                            "verb": "voided", "object": target, "actor": actor,
                            "authority": author or "", "timestamp": ts, "stored": stored,
                            "reason": VOID_IGNORED})
    return honoured, ignored


def _exclude_voided(conn: sqlite3.Connection, voided: set[str]) -> str:
    """An SQL condition leaving out the voided statements, by rowid: every index holds the
    rowid, so the evidence query stays on its covering index (an ``id`` test would read the
    table for each of a million rows)."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS voided_rows (row INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM temp.voided_rows")
    for start in range(0, len(ids := sorted(voided)), 500):
        chunk = ids[start : start + 500]
        conn.execute("INSERT OR IGNORE INTO temp.voided_rows SELECT rowid FROM statements"
                     f" WHERE id IN ({','.join('?' * len(chunk))})", chunk)
    return " AND rowid NOT IN (SELECT row FROM temp.voided_rows)" if voided else ""


def _key_tables(conn: sqlite3.Connection, courses: list[RequiredCourse], profile: Profile) -> None:
    """temp.questions (question IRI -> number, course, module) and temp.keys (every response
    that is right: each order of the correct ids, true/false by name), so SQL scores answers."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS questions (object TEXT PRIMARY KEY,"
                 " n INTEGER, m INTEGER, course_id TEXT, module TEXT)")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS keys (object TEXT, response TEXT,"
                 " PRIMARY KEY (object, response))")
    conn.execute("DELETE FROM temp.questions")
    conn.execute("DELETE FROM temp.keys")
    modules: dict[tuple[str, str], int] = {}  # numbers keep SQL's grouping keys short
    questions = [(course.id, qid, key) for course in courses for qid, key in course.keys.items()]
    for n, (course_id, qid, key) in enumerate(questions):
        iri = profile.question(course_id, qid)
        m = modules.setdefault((course_id, key.module), len(modules))
        conn.execute("INSERT INTO temp.questions VALUES (?, ?, ?, ?, ?)",
                     (iri, n, m, course_id, key.module))
        conn.executemany("INSERT OR IGNORE INTO temp.keys VALUES (?, ?)",
                         ((iri, response) for response in key.responses()))


def evidence(conn: sqlite3.Connection, courses: list[RequiredCourse], profile: Profile,
             rules: Rules, lo: str, hi: str, voided: set[str]) -> Evidence:
    """The first answer per question and attempt, re-scored against the source keys, tallied
    per attempt in SQL: one grouped query, one row per module attempt back to Python."""
    by_id = {c.id: c for c in courses}
    own, args = rules.own_or_trusted_sql()
    when = rules.effective_time_sql()
    marks = ",".join("?" * len(courses))
    _key_tables(conn, courses, profile)
    iris, modules = {}, {}
    for iri, n, m, course_id, module in conn.execute(
            "SELECT object, n, m, course_id, module FROM temp.questions"):
        iris[n], modules[m] = (course_id, iri), (course_id, module)
    # SQLite takes the bare columns (response...) from the row of the single min(): the
    # first answer. The cycle filter applies to that first answer, after the grouping.
    first = (
        f"SELECT {rules.learner_sql()} AS who, registration AS reg, object, response,"
        f" min({when}) AS t, lag FROM statements WHERE {ANSWERED_WHERE}"
        f" AND course IN ({marks}) AND registration IS NOT NULL AND {own}"
        f"{_exclude_voided(conn, voided)} GROUP BY course, learner, registration, object"
    )
    params = [*(profile.course(c.id) for c in courses), *args, lo, hi]
    found = Evidence()
    answered: Counter = Counter()  # question number -> first answers
    missed: Counter = Counter()  # question number -> wrong first answers
    for who, reg, m, right, moment, late, numbers, wrong in conn.execute(
        "SELECT f.who, f.reg, q.m, count(k.rowid), max(f.t),"
        f" sum(NOT coalesce(f.lag >= 0 AND f.lag <= {rules.max_delivery_days * 86400}, 0)),"
        " group_concat(q.n), group_concat(CASE WHEN k.rowid IS NULL THEN q.n END)"
        f" FROM ({first}) AS f JOIN temp.questions AS q ON q.object = f.object"
        " LEFT JOIN temp.keys AS k ON k.object = f.object AND k.response = f.response"
        " WHERE f.t >= ? AND f.t < ? AND f.who IS NOT NULL GROUP BY f.who, f.reg, q.m",
        params,
    ):
        course_id, module = modules[m]
        answered.update(numbers.split(","))
        if wrong:
            missed.update(wrong.split(","))
        found.late_answers += late
        course = by_id[course_id]
        found.started.add((who, course_id))
        if right >= course.mastery_score * course.questions_of(module) - 1e-9:
            slot = (who, course_id, module)
            if slot not in found.module_passed or moment < found.module_passed[slot]:
                found.module_passed[slot] = moment
                found.module_registration[slot] = reg  # certificates' verification code
        else:
            found.attempts_below.append((course_id, moment))
    found.questions = {iris[int(n)]: [count, missed[n]] for n, count in answered.items()}
    return found


CLAIM_FIELDS = ("statement_id", "learner", "course", "verb", "object", "actor", "authority",
                "timestamp", "stored", "counts_at")


def _claims(conn: sqlite3.Connection, courses: list[RequiredCourse], profile: Profile,
            rules: Rules, lo: str, hi: str) -> Iterator[tuple[str, ...]]:
    """Every completion claim (passed, satisfied) counting inside [lo, hi), as CLAIM_FIELDS
    tuples (a dict is made only for a claim that is not counted: most are backed)."""
    by_iri = {profile.course(c.id): c.id for c in courses}
    marks = ",".join("?" * len(by_iri))
    when = rules.effective_time_sql()
    for sid, who, course, *rest in conn.execute(
        f"SELECT id, {rules.learner_sql()}, course, verb, object, actor, coalesce(authority, ''),"
        f" timestamp, stored, {when} FROM statements WHERE {CLAIMS_WHERE} AND course IN ({marks})"
        f" AND {when} >= ? AND {when} < ?",
        [*by_iri, lo, hi],
    ):
        yield sid, who or "", by_iri[course], *rest


def _employee_finder(roster: list[Employee]):
    by_id = {employee.employee_id: employee for employee in roster}
    by_email = {employee.email.lower(): employee for employee in roster}

    def find(learner: str | None) -> Employee | None:
        if not learner:
            return None
        return by_id.get(learner) or by_email.get(learner.lower())

    return find


def course_passes(found: Evidence, courses: list[RequiredCourse]) -> dict[tuple[str, str], str]:
    """(learner key, course id) -> when the evidence completed the course (its last module)."""
    modules: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for (who, course_id, module), moment in found.module_passed.items():
        modules[(who, course_id)][module] = moment
    needed = {c.id: c.assessed_modules for c in courses}
    return {
        slot: max(passed[m] for m in needed[slot[1]])
        for slot, passed in modules.items()
        if needed[slot[1]] and all(m in passed for m in needed[slot[1]])
    }


def _without_gc(function: Callable[..., T]) -> Callable[..., T]:
    """Run without the cyclic garbage collector: the report makes a few hundred thousand
    long-lived objects and no reference cycles, so the collector would only re-scan them over
    and over (a tenth of the run at state scale). Reference counting still frees everything."""

    @wraps(function)
    def run(*args: Any, **kwargs: Any) -> T:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return run


@_without_gc
def build_report(
    conn: sqlite3.Connection,
    roster: list[Employee],
    courses: list[RequiredCourse],
    profile: Profile,
    cycle: str,
    *,
    rules: Rules | None = None,
    start_month: int | None = None,
    trusted: Iterable[str] = (),
    as_of: dt.datetime | None = None,
    until: dt.datetime | None = None,
    top_questions: int = TOP_QUESTIONS,
) -> TrainingReport:
    """Compute the report from the store (no files written here). ``until`` stops the count
    early (the quarterly report's standing at the end of a quarter); ``as_of`` only dates it."""
    rules = rules or Rules(trusted=frozenset(trusted), start_month=start_month or 7)
    start, end = cycle_bounds(cycle, rules.start_month, rules.time_zone)
    as_of = as_of or dt.datetime.now(dt.UTC)
    lo, hi = utc_text(start), utc_text(min(end, until) if until else end)
    find = _employee_finder(roster)
    voided, ignored_voids = _voids(conn, rules)
    found = evidence(conn, courses, profile, rules, lo, hi, voided)
    passes = course_passes(found, courses)
    titles = {c.id: c for c in courses}

    completed: dict[tuple[str, str], str] = {}  # (employee id, course id) -> first completion
    not_on_roster: set[str] = set()

    def complete(who: str, course_id: str, moment: str) -> None:
        employee = find(who)
        if employee is None:
            not_on_roster.add(who)
            return
        slot = (employee.employee_id, course_id)
        if slot not in completed or moment < completed[slot]:
            completed[slot] = moment

    for (who, course_id), moment in passes.items():
        complete(who, course_id, moment)
    refused: list[dict[str, Any]] = []
    starts = {c.id: profile.course(c.id) + "/" for c in courses}  # a module's IRI starts so
    for claim in _claims(conn, courses, profile, rules, lo, hi):
        sid, who, course_id, verb, obj, actor, authority, ts, _stored, moment = claim
        late = moment != ts
        trusted_lms = authority in rules.trusted
        about_course = not obj.startswith(starts[course_id])
        if sid in voided:
            reason = VOIDED_REASON
        elif find(who) is None:
            reason = NOT_ON_ROSTER
        elif trusted_lms and verb == SATISFIED and about_course:
            complete(who, course_id, moment)
            if not late:
                continue
            reason = f"{LATE} (counted at stored)"
        elif authority != actor and not trusted_lms:
            reason = OTHER_CREDENTIAL
        else:
            backed = ((who, course_id) in passes if about_course
                      else (who, course_id, obj.rsplit("/", 1)[-1]) in found.module_passed)
            if backed:
                continue
            reason = LATE if late else NO_EVIDENCE
        refused.append({**dict(zip(CLAIM_FIELDS, claim, strict=True)), "late": late, "reason": reason})
    module_counts: Counter = Counter()
    for (who, course_id, _module) in found.module_passed:
        employee = find(who)
        if employee is not None:
            module_counts[(employee.employee_id, course_id)] += 1
    started = {(e.employee_id, course_id) for who, course_id in found.started
               if (e := find(who)) is not None}
    claimed = {(e.employee_id, c["course"]) for c in refused if (e := find(c["learner"])) is not None}

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
            slot = (employee.employee_id, course.id)
            passed = completed.get(slot)
            state = PASSED if passed else (IN_PROGRESS if slot in started else NOT_STARTED)
            statuses[course.id] = Status(state, passed, module_counts[slot],
                                         len(course.assessed_modules), slot in claimed)
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
    counts["answers_counted_at_stored"] = found.late_answers
    course_ids = {profile.course(c.id): c.id for c in courses}
    for void in ignored_voids:
        void["course"] = course_ids.get(void["course"], "")
    unverified = sorted(refused + [v for v in ignored_voids if v["course"]],
                        key=lambda d: (d["stored"], d["statement_id"]))
    return TrainingReport(
        cycle=cycle,
        start=start,
        end=end,
        as_of=as_of,
        courses=courses,
        rows=rows,
        by_lea=sorted(leas.values(), key=lambda t: (t.percent, t.key)),
        by_course=list(per_course.values()),
        questions=_questions(found, titles, profile, top_questions),
        unverified=unverified,
        not_on_roster=sorted(not_on_roster),
        trusted_authorities=sorted(rules.trusted),
        rules=rules,
        store_counts=dict(counts),
        evidence=found,
        freshness=freshness(conn),
    )


def _questions(found: Evidence, courses: dict[str, RequiredCourse], profile: Profile,
               top: int) -> dict[str, list[Question]]:
    """First answers and wrong first answers per question, as the evidence re-scored them."""
    per_course: dict[str, list[Question]] = defaultdict(list)
    for (course_id, iri), (answers, misses) in found.questions.items():
        if misses:
            qid = iri.rsplit("/", 1)[-1]
            key = courses[course_id].keys.get(qid)
            per_course[course_id].append(
                Question(course_id, iri, key.label if key and key.label else qid, answers, misses))
    return {
        course_id: sorted(per_course.get(course_id, []),
                          key=lambda q: (-q.misses, -q.miss_rate, q.iri))[:top]
        for course_id in courses
    }

