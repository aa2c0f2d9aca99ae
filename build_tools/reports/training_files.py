"""The files of the training report: compliance.csv, overdue.csv, unverified.csv,
summary.json and index.html, written together into place (core/atomic.py); cells that a
spreadsheet would run are neutralised (core/spreadsheet.py)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

from build_tools.core import spreadsheet
from build_tools.core.atomic import atomic_dir
from build_tools.reports.charts import Bar, bar_chart
from build_tools.reports.render import render
from build_tools.reports.training import TrainingReport
from build_tools.reports.verification import verification_codes

LEA_CHART_ROWS = 25
HTML_UNVERIFIED_ROWS = 200
HTML_CERTIFICATE_ROWS = 2000  # beyond that, look the code up in compliance.csv
PERSON = ["employee_id", "name", "email", "lea_code", "lea_name", "role"]
UNVERIFIED = ["statement_id", "learner", "course", "verb", "object", "actor", "authority",
              "timestamp", "stored", "reason"]


def _day(text: str | None) -> str:
    return text[:10] if text else ""


def summary(report: TrainingReport) -> dict[str, Any]:
    total = len(report.rows)
    return {
        "cycle": report.cycle,
        "cycle_start": report.start.isoformat(),
        "cycle_end_exclusive": report.end.isoformat(),
        "as_of": report.as_of.isoformat(),
        "employees": total,
        "compliant": report.compliant,
        "not_compliant": total - report.compliant,
        "percent_compliant": round(100.0 * report.compliant / total, 1) if total else 0.0,
        "trusted_authorities": report.trusted_authorities,
        "rules": {
            "time_zone": report.rules.time_zone,
            "max_delivery_days": report.rules.max_delivery_days,
            "void_authorities": sorted(report.rules.void_authorities),
        },
        "statuses": {
            course.id: dict(Counter(row.courses[course.id].state for row in report.rows
                                    if course.id in row.courses))
            for course in report.courses
        },
        "by_course": [
            {
                "course": t.key,
                "title": t.name,
                "required": t.required,
                "passed": t.compliant,
                "percent": t.percent,
            }
            for t in report.by_course
        ],
        "by_lea": [
            {
                "lea_code": t.key,
                "lea_name": t.name,
                "employees": t.required,
                "compliant": t.compliant,
                "percent": t.percent,
            }
            for t in report.by_lea
        ],
        "most_missed": {
            course: [
                {
                    "question": q.iri,
                    "label": q.label,
                    "answers": q.answers,
                    "wrong": q.misses,
                    "percent_wrong": q.miss_rate,
                }
                for q in questions
            ]
            for course, questions in report.questions.items()
        },
        "claims_not_counted": len(report.unverified),
        "claims_not_counted_by_reason": dict(report.reasons),
        "not_on_roster": report.not_on_roster,
        "store": report.store_counts,
    }


def certificate_rows(report: TrainingReport, codes: dict[tuple[str, str], str]) -> list[dict[str, str]]:
    """The passed courses by verification code, so a printed code is found like a word in a
    dictionary."""
    titles = {course.id: course.title for course in report.courses}
    rows = [{"code": code, "employee_id": e.employee_id, "name": e.name, "lea_code": e.lea_code,
             "course": titles[course_id], "passed_on": _day(row.courses[course_id].passed_on)}
            for row in report.rows if (e := row.employee)
            for course_id in row.courses if (code := codes.get((e.employee_id, course_id)))]
    return sorted(rows, key=lambda r: r["code"])


def write_report(report: TrainingReport, out: Path) -> Path:
    course_ids = [course.id for course in report.courses]
    titles = {course.id: course.title for course in report.courses}
    last_day = (report.end - dt.timedelta(days=1)).date().isoformat()
    codes = verification_codes(report)
    with atomic_dir(out) as tmp:
        with (tmp / "compliance.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = spreadsheet.writer(handle)
            writer.writerow(
                PERSON
                + ["compliant"]
                + [f"{c}_{k}" for c in course_ids
                   for k in ("status", "passed_on", "modules_passed", "verification_code")]
            )
            for row in report.rows:
                e = row.employee
                cells = [
                    e.employee_id,
                    e.name,
                    e.email,
                    e.lea_code,
                    e.lea_name,
                    e.role,
                    "yes" if row.compliant else "no",
                ]
                for course in course_ids:
                    status = row.courses.get(course)
                    cells += (
                        ["not required", "", "", ""]
                        if status is None
                        else [status.label, _day(status.passed_on),
                              f"{status.modules_passed}/{status.modules}",
                              codes.get((e.employee_id, course), "")]
                    )
                writer.writerow(cells)
        with (tmp / "overdue.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = spreadsheet.writer(handle)
            writer.writerow(PERSON + ["missing_courses", "cycle", "due_by"])
            for row in report.overdue:
                e = row.employee
                writer.writerow(
                    [
                        e.employee_id,
                        e.name,
                        e.email,
                        e.lea_code,
                        e.lea_name,
                        e.role,
                        "; ".join(titles[c] for c in row.missing),
                        report.cycle,
                        last_day,
                    ]
                )
        with (tmp / "unverified.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = spreadsheet.DictWriter(handle, fieldnames=UNVERIFIED, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(report.unverified)
        data = summary(report)
        (tmp / "summary.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        course_chart = bar_chart(
            "chart-courses",
            f"Share of employees who passed each course, {report.cycle}",
            [
                Bar(t.name, t.percent, f"{t.percent} % ({t.compliant:,} of {t.required:,})")
                for t in report.by_course
            ],
        )
        leas = report.by_lea[:LEA_CHART_ROWS]
        lea_chart = bar_chart(
            "chart-leas",
            f"Compliance by LEA, lowest first, {report.cycle}",
            [
                Bar(
                    f"{t.name} ({t.key})",
                    t.percent,
                    f"{t.percent} % ({t.compliant:,} of {t.required:,})",
                )
                for t in leas
            ],
        )
        note = (
            f"the chart shows the {LEA_CHART_ROWS} lowest, the table all {len(report.by_lea)}"
            if len(report.by_lea) > LEA_CHART_ROWS
            else ""
        )
        html = render(
            "training.html",
            title=f"Training compliance {report.cycle}",
            description=f"Annual security awareness and FERPA training compliance for {report.cycle}.",
            r=report,
            pct=data["percent_compliant"],
            last_day=last_day,
            as_of=report.as_of.strftime("%Y-%m-%d %H:%M UTC"),
            statuses=data["statuses"],
            course_chart=course_chart,
            lea_chart=lea_chart,
            lea_chart_note=note,
            shown_unverified=report.unverified[:HTML_UNVERIFIED_ROWS],
            certificates=certificate_rows(report, codes)[:HTML_CERTIFICATE_ROWS],
            certificate_count=len(codes),
        )
        (tmp / "index.html").write_text(html, encoding="utf-8")
    return out
