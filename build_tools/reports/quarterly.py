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
from zoneinfo import ZoneInfo

from build_tools.core.atomic import atomic_dir
from build_tools.core.roster import Employee
from build_tools.reports.charts import Bar, bar_chart
from build_tools.reports.courses import RequiredCourse
from build_tools.reports.quarterly_data import QuarterData, quarter_bounds
from build_tools.reports.render import render
from build_tools.reports.training import Rules, TrainingReport, build_report, course_passes
from build_tools.store.sqlite import utc_text
from build_tools.xapi.profile import Profile, cycle_bounds, cycle_of

CHART_MARK = "[[training-chart]]"


@dataclass
class CourseQuarter:
    course: RequiredCourse
    passed: int = 0  # learners whose evidence completed the course in the quarter
    failed_attempts: int = 0  # module attempts in the quarter below the mastery score
    unverified: int = 0  # claims in the quarter that were not counted
    cycle_to_date: int = 0  # learners who completed it from cycle start to quarter end


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
    rules: Rules | None = None,
    roster: list[Employee] | None,
) -> QuarterTraining:
    """Section 9 c from evidence, the same rules as ``isdp report training``: completions are
    attempts whose first answers reach the mastery score (or a trusted LMS's satisfied)."""
    rules = rules or Rules()
    # The quarter's days, from local midnight in the agency's time zone (as the cycles).
    zone = ZoneInfo(rules.time_zone)
    q_start, q_end = (
        dt.datetime.combine(day.date(), dt.time(), zone).astimezone(dt.UTC)
        for day in quarter_bounds(quarter)
    )
    # The quarter is reported in the cycle it ends in (a July start splits Q3 otherwise).
    cycle = cycle_of(q_end - dt.timedelta(microseconds=1), rules.start_month, rules.time_zone)
    c_start, _ = cycle_bounds(cycle, rules.start_month, rules.time_zone)
    report = build_report(conn, roster or [], courses, profile, cycle, rules=rules,
                          until=q_end, as_of=q_end)
    lo = utc_text(q_start)
    per = {c.id: CourseQuarter(c) for c in courses}
    assert report.evidence is not None
    for (_, course_id), moment in course_passes(report.evidence, courses).items():
        per[course_id].cycle_to_date += 1  # learners (any learner key) to the quarter's end
        per[course_id].passed += moment >= lo
    for course_id, moment in report.evidence.attempts_below:
        per[course_id].failed_attempts += moment >= lo
    for claim in report.unverified:
        if claim["course"] in per and claim["stored"] >= lo:
            per[claim["course"]].unverified += 1
    section = QuarterTraining(cycle, list(per.values()))
    if roster is not None:
        section.compliance = report
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
