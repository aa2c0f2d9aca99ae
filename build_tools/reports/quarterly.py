"""``isdp report quarterly``: the CIO's quarterly report to the State Superintendent
(Rule 55.1 section 9): (a) audits and mitigation, (b) incidents, (c) training, (d) upgrades
and enhancements. Sections a, b and d come from the quarter's YAML data files
(quarterly_data.py); section c is computed from the statement store. A memo (To / From /
Date / Subject, signature, "Page X of Y", a confidentiality footer, a draft watermark while
the quarter runs) with the change from the previous quarter and the open items carried
over. Output: index.html (print-ready), report.md and report.docx, written together
(output.atomic_dir).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from build_tools.core.atomic import atomic_dir
from build_tools.core.dates import long_date
from build_tools.core.roster import Employee
from build_tools.policies import docx_writer
from build_tools.reports.charts import Bar, bar_chart
from build_tools.reports.courses import RequiredCourse
from build_tools.reports.quarterly_data import (
    OPEN_FINDING,
    QuarterData,
    hours_text,
    measures,
    open_items,
    previous_quarter,
    quarter_bounds,
    quarter_label,
    report_day,
)
from build_tools.reports.render import render
from build_tools.reports.training import Rules, TrainingReport, build_report, course_passes
from build_tools.store.sqlite import Freshness, utc_text
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
    freshness: Freshness = Freshness(None, None)  # the store's last sync and last full sync


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
    section = QuarterTraining(cycle, list(per.values()), freshness=report.freshness)
    if roster is not None:
        section.compliance = report
    else:
        section.notes.append(
            "No roster was given, so the share of employees who are compliant is "
            "not shown; run with --roster for it."
        )
    return section


CONFIDENTIAL = (
    "Confidential: this report holds details of security incidents and weaknesses. "
    "Share it only with the people it is addressed to."
)
DRAFT_MARK = "Draft: the quarter is not over"


def _share(training: QuarterTraining | None) -> float | None:
    report = training.compliance if training else None
    if report is None or not report.rows:
        return None
    return round(100.0 * report.compliant / len(report.rows), 1)


def _change(before: float, now: float) -> str:
    delta = round(now - before, 1)
    if delta == 0:
        return "no change"
    return f"{delta:+g}"


def trend(
    data: QuarterData,
    training: QuarterTraining,
    previous_training: QuarterTraining | None,
    notify_hours: int,
) -> list[tuple[str, float, float]]:
    """(measure, previous quarter, this quarter) rows; empty without the previous quarter."""
    previous = data.previous
    if previous is None:
        return []
    now, before = measures(data, notify_hours), measures(previous, notify_hours)
    rows = [(name, before[name], now[name]) for name in now]
    share_now, share_before = _share(training), _share(previous_training)
    if share_now is not None and share_before is not None:
        rows.append(("Employees compliant with training (%)", share_before, share_now))
    return rows


def write_quarterly(
    data: QuarterData,
    training: QuarterTraining,
    agency: str,
    out: Path,
    notify_hours: int,
    previous_training: QuarterTraining | None = None,
) -> Path:
    start, end = quarter_bounds(data.quarter)
    last_day = (end - dt.timedelta(days=1)).date()
    label = quarter_label(data.quarter)
    findings = [f for a in data.audits for f in a.findings]
    open_findings = [f for f in findings if f.status in OPEN_FINDING]
    late = [i for i in data.incidents if i.late(notify_hours)]
    by_district: dict[str, list] = {}
    for incident in late:
        by_district.setdefault(incident.reported_by, []).append(incident)
    day = report_day(data)
    register = open_items(data)
    values = dict(
        q=data,
        label=label,
        previous_label=quarter_label(previous_quarter(data.quarter)),
        start=start.date(),
        last_day=last_day,
        as_of=data.as_of,
        report_day=day,
        memo_date=long_date(data.as_of),
        agency=agency,
        training=training,
        findings=findings,
        open_findings=open_findings,
        register=register,
        overdue=[i for i in register if i.overdue(day)],
        severity_counts=Counter(f.severity for f in findings),
        incident_counts=Counter(i.category for i in data.incidents),
        late=late,
        late_by_district=sorted(by_district.items()),
        notify_hours=notify_hours,
        pii=sum(i.pii_involved for i in data.incidents),
        trend=trend(data, training, previous_training, notify_hours),
        change=_change,
        hours=hours_text,
        confidential=CONFIDENTIAL,
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    chart = bar_chart(
        "chart-training",
        f"Learners who passed each course in {training.cycle}, to the end of {label}",
        [
            Bar(c.course.title, c.cycle_to_date, f"{c.cycle_to_date:,} learners")
            for c in training.courses
        ],
        maximum=max([c.cycle_to_date for c in training.courses] + [1]),
        unit="learners",
    )
    markdown = render("quarterly.md", **values)
    plain_markdown = markdown.replace(CHART_MARK + "\n\n", "")
    # One source for every output: the Markdown, rendered to HTML with raw HTML disabled
    # (data text is escaped), plus the chart where the Markdown leaves its marker.
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    body = body.replace(f"<p>{CHART_MARK}</p>", chart)
    header = f"{agency} · Quarterly security and privacy report, {label}"
    watermark = DRAFT_MARK if data.running else None
    with atomic_dir(out) as tmp:
        (tmp / "report.md").write_text(plain_markdown, encoding="utf-8")
        (tmp / "index.html").write_text(
            render(
                "quarterly.html",
                title=f"Quarterly security and privacy report, {label}",
                description=f"The CIO's report to the State Superintendent for {label} under Rule 55.1 section 9.",
                body=body,
                header=header,
                footer=CONFIDENTIAL,
                watermark=watermark,
            ),
            encoding="utf-8",
        )
        docx_writer.write(
            plain_markdown,
            tmp / "report.docx",
            title=f"Quarterly security and privacy report, {label}",
            author=f"{agency}, Chief Information Officer",
            header=header,
            footer=CONFIDENTIAL,
            watermark=watermark,
        )
    return out
