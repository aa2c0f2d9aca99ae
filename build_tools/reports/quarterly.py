"""``isdp report quarterly``: the CIO's quarterly report to the State Superintendent
(Rule 55.1 section 9): (a) audits and mitigation, (b) incidents, (c) training, (d) upgrades
and enhancements. Sections a, b and d come from the quarter's YAML data files
(quarterly_data.py); section c is computed from the statement store. Output: index.html
and report.md, written together (output.atomic_dir).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from build_tools.core.atomic import atomic_dir
from build_tools.core.roster import Employee
from build_tools.reports.charts import Bar, bar_chart
from build_tools.reports.courses import RequiredCourse
from build_tools.reports.quarterly_data import QuarterData, quarter_bounds
from build_tools.reports.render import render
from build_tools.reports.training import TrainingReport, _trusted_sql, build_report
from build_tools.store.sqlite import PASSED_WHERE, utc_text
from build_tools.xapi.profile import VERBS, Profile, cycle_of

CHART_MARK = "[[training-chart]]"


@dataclass
class CourseQuarter:
    course: RequiredCourse
    passed: int = 0  # learners with a trusted pass in the quarter
    failed_attempts: int = 0  # failed statements in the quarter
    unverified: int = 0  # untrusted passes in the quarter (not counted)
    cycle_to_date: int = 0  # learners with a trusted pass from cycle start to quarter end


@dataclass
class QuarterTraining:
    cycle: str
    courses: list[CourseQuarter]
    compliance: TrainingReport | None = None
    notes: list[str] = field(default_factory=list)


def training_section(
    conn: sqlite3.Connection,
    courses: list[RequiredCourse],
    profile: Profile,
    quarter: str,
    *,
    start_month: int,
    trusted: list[str],
    roster: list[Employee] | None,
) -> QuarterTraining:
    q_start, q_end = quarter_bounds(quarter)
    # The quarter is reported in the cycle it ends in (a July start splits Q3 otherwise).
    cycle = cycle_of(q_end - dt.timedelta(microseconds=1), start_month)
    c_start = dt.datetime(int(cycle[:4]), start_month, 1, tzinfo=dt.UTC)
    iris = {profile.course(c.id): c for c in courses}
    clause, args = _trusted_sql(trusted)
    marks = ",".join("?" * len(iris))
    per = {c.id: CourseQuarter(c) for c in courses}
    in_quarter = [utc_text(q_start), utc_text(q_end)]
    for course_iri, verb, ok, count, learners in conn.execute(
        f"SELECT course, verb, {clause} AS ok, count(*), count(DISTINCT learner) FROM statements"
        f" WHERE verb IN (?, ?) AND voided = 0 AND timestamp >= ? AND timestamp < ?"
        f" AND course IN ({marks}) GROUP BY course, verb, ok",
        [*args, VERBS["passed"], VERBS["failed"], *in_quarter, *iris],
    ):
        item = per[iris[course_iri].id]
        if verb == VERBS["failed"]:
            item.failed_attempts += count
        elif ok:
            item.passed = learners
        else:
            item.unverified = count
    # learners across the whole cycle to date need one distinct count, not a sum of parts
    for course_iri, learners in conn.execute(
        f"SELECT course, count(DISTINCT learner) FROM statements WHERE {PASSED_WHERE}"
        f" AND course IN ({marks}) AND timestamp >= ? AND timestamp < ? AND {clause} GROUP BY course",
        [*iris, utc_text(c_start), utc_text(q_end), *args],
    ):
        per[iris[course_iri].id].cycle_to_date = learners
    section = QuarterTraining(cycle, list(per.values()))
    if roster is not None:
        section.compliance = build_report(
            conn,
            roster,
            courses,
            profile,
            cycle,
            start_month=start_month,
            trusted=trusted,
            until=q_end,
            as_of=q_end,
        )
    else:
        section.notes.append(
            "No roster was given, so the share of employees who are compliant is "
            "not shown; run with --roster for it."
        )
    return section


def write_quarterly(
    data: QuarterData, training: QuarterTraining, agency: str, out: Path, notify_hours: int
) -> Path:
    start, end = quarter_bounds(data.quarter)
    last_day = (end - dt.timedelta(days=1)).date()
    findings = [f for a in data.audits for f in a.findings]
    open_findings = [f for f in findings if f.status in ("open", "in-progress")]
    late = [i for i in data.incidents if i.notice_hours > notify_hours]
    values = dict(
        q=data,
        start=start.date(),
        last_day=last_day,
        agency=agency,
        training=training,
        findings=findings,
        open_findings=open_findings,
        severity_counts=Counter(f.severity for f in findings),
        incident_counts=Counter(i.category for i in data.incidents),
        late=late,
        notify_hours=notify_hours,
        pii=sum(i.pii_involved for i in data.incidents),
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    chart = bar_chart(
        "chart-training",
        f"Learners who passed each course in {training.cycle}, to the end of {data.quarter}",
        [
            Bar(c.course.title, c.cycle_to_date, f"{c.cycle_to_date:,} learners")
            for c in training.courses
        ],
        maximum=max([c.cycle_to_date for c in training.courses] + [1]),
        unit="learners",
    )
    markdown = render("quarterly.md", **values)
    # One source for both outputs: the Markdown, rendered to HTML with raw HTML disabled
    # (data text is escaped), plus the chart where the Markdown leaves its marker.
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    body = body.replace(f"<p>{CHART_MARK}</p>", chart)
    with atomic_dir(out) as tmp:
        (tmp / "report.md").write_text(markdown.replace(CHART_MARK + "\n\n", ""), encoding="utf-8")
        (tmp / "index.html").write_text(
            render(
                "quarterly.html",
                title=f"Quarterly security and privacy report {data.quarter}",
                description=f"The CIO's report to the State Superintendent for {data.quarter} under Rule 55.1 section 9.",
                body=body,
            ),
            encoding="utf-8",
        )
    return out
