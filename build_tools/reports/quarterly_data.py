"""The CIO's quarterly report data (Rule 55.1 section 9 a, b, d): schema and loader.

One folder per calendar quarter, ``content/data/quarterly/2026Q4/``, holding
``audits.yaml`` (a: audits and mitigation), ``incidents.yaml`` (b) and ``upgrades.yaml``
(d). Section 9 c (training) comes from the statement store. Every file is validated with
line numbers (``path:line: message``); ``example: true`` marks sample data, and the report
then says so on every page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from build_tools.core import yamlfile
from build_tools.core.errors import ContentError, ContentErrors
from build_tools.core.settings import Strict

DATA_DIR = Path("content/data/quarterly")
QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
CSF_CATEGORIES = frozenset(
    "GV.OC GV.RM GV.RR GV.PO GV.OV GV.SC ID.AM ID.RA ID.IM PR.AA PR.AT PR.DS PR.PS PR.IR "
    "DE.CM DE.AE RS.MA RS.AN RS.CO RS.MI RC.RP RC.CO".split()
)
Severity = Literal["critical", "high", "moderate", "low"]
# A stable id such as AUD-2026-07: letters, digits and hyphens, starting with a letter.
Id = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")]


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
OPEN_FINDING = ("open", "in-progress")


def quarter_label(quarter: str) -> str:
    """'2026Q4' as a reader writes it: 'October–December 2026'."""
    start, end = quarter_bounds(quarter)
    return f"{MONTHS[start.month - 1]}–{MONTHS[end.month - 2 if end.month > 1 else 11]} {start.year}"


def previous_quarter(quarter: str) -> str:
    start, _ = quarter_bounds(quarter)
    before = start - dt.timedelta(days=1)
    return f"{before.year}Q{(before.month - 1) // 3 + 1}"


def hours_text(seconds: float) -> str:
    """A duration as '24 h 2 min' (whole minutes, never rounded up past a limit)."""
    minutes = int(seconds // 60)
    return f"{minutes // 60} h {minutes % 60} min"


def quarter_bounds(quarter: str) -> tuple[dt.datetime, dt.datetime]:
    """UTC start (inclusive) and end (exclusive) of a calendar quarter such as ``2026Q4``."""
    match = QUARTER.match(quarter)
    if not match:
        raise ValueError(f"'{quarter}' is not a quarter: write YEARQn, e.g. 2026Q4")
    year, number = int(match.group(1)), int(match.group(2))
    start = dt.datetime(year, 3 * number - 2, 1, tzinfo=dt.UTC)
    end = dt.datetime(year + (number == 4), 1 if number == 4 else 3 * number + 1, 1, tzinfo=dt.UTC)
    return start, end


class Finding(Strict):
    id: Id
    severity: Severity
    summary: str = Field(min_length=10, description="What was found, in a sentence.")
    mitigation: str = Field(min_length=10, description="What is done or planned about it.")
    owner: str = Field(description="Role responsible (not a person's name).")
    due: dt.date | None = Field(None, description="Date the mitigation is due.")
    status: Literal["open", "in-progress", "mitigated", "risk-accepted"]


class Audit(Strict):
    id: Id
    title: str = Field(description="What was audited, in a line.")
    kind: Literal[
        "internal-audit",
        "external-audit",
        "risk-assessment",
        "vulnerability-scan",
        "penetration-test",
        "access-review",
        "policy-review",
    ]
    scope: str = Field(min_length=10, description="Systems, data or offices covered.")
    performed_by: str = Field(description="Internal team or external body that did it.")
    status: Literal["planned", "in-progress", "completed"]
    completed: dt.date | None = Field(None, description="Required when status is completed.")
    findings: list[Finding] = Field(default_factory=list, description="What the audit found.")

    @model_validator(mode="after")
    def _completed_date(self) -> Audit:
        if (self.status == "completed") != (self.completed is not None):
            raise ValueError("'completed' (a date) is required exactly when status is completed")
        return self


class Incident(Strict):
    id: Id
    detected: dt.datetime = Field(description="When the LEA or the MDE became aware of it.")
    reported_to_iso: dt.datetime = Field(description="When the MDE ISO received written notice.")
    reported_by: str = Field(description="The LEA (code and name) or MDE office that reported it.")
    category: Literal[
        "phishing",
        "malware",
        "ransomware",
        "unauthorized-access",
        "data-disclosure",
        "lost-or-stolen-device",
        "denial-of-service",
        "vendor-breach",
        "other",
    ]
    severity: Severity
    pii_involved: bool = Field(description="Personal information of students or staff affected.")
    summary: str = Field(min_length=10, description="What happened, without names of people.")
    actions: str = Field(min_length=10, description="Containment, notices sent, follow-up.")
    status: Literal["open", "contained", "closed"]
    owner: str = Field(description="Role responsible for the follow-up (not a person's name).")
    target: dt.date | None = Field(
        None, description="Date the follow-up is to be finished; required until closed."
    )

    @field_validator("detected", "reported_to_iso")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None:
            raise ValueError("give the time zone, e.g. 2026-10-03T14:20:00-05:00")
        return value

    @model_validator(mode="after")
    def _order(self) -> Incident:
        if self.reported_to_iso < self.detected:
            raise ValueError("'reported_to_iso' is before 'detected'")
        if self.status != "closed" and self.target is None:
            raise ValueError("'target' (a date) is required until the incident is closed")
        return self

    @property
    def notice_seconds(self) -> float:
        return (self.reported_to_iso - self.detected).total_seconds()

    @property
    def notice_hours(self) -> float:
        """For display only: compare ``notice_seconds`` (24 h 2 min is late, not '24.0')."""
        return round(self.notice_seconds / 3600, 1)

    def late(self, limit_hours: int) -> bool:
        return self.notice_seconds > limit_hours * 3600


class Upgrade(Strict):
    id: Id
    title: str = Field(description="The change, in a line.")
    kind: Literal["upgrade", "enhancement"]
    systems: list[str] = Field(min_length=1, description="Systems changed.")
    status: Literal["planned", "in-progress", "completed"]
    completed: dt.date | None = Field(None, description="Required when status is completed.")
    summary: str = Field(min_length=10, description="What changed and why it matters.")
    nist_csf: list[str] = Field(default_factory=list, description="NIST CSF 2.0 categories served.")
    owner: str = Field(description="Role responsible for the change (not a person's name).")
    target: dt.date | None = Field(
        None, description="Date the change is to be finished; required until completed."
    )

    @field_validator("nist_csf")
    @classmethod
    def _csf(cls, values: list[str]) -> list[str]:
        unknown = [v for v in values if v not in CSF_CATEGORIES]
        if unknown:
            raise ValueError(f"not NIST CSF 2.0 categories: {', '.join(unknown)}")
        return values

    @model_validator(mode="after")
    def _completed_date(self) -> Upgrade:
        if (self.status == "completed") != (self.completed is not None):
            raise ValueError("'completed' (a date) is required exactly when status is completed")
        if self.status != "completed" and self.target is None:
            raise ValueError("'target' (a date) is required until the change is completed")
        return self


class _File(Strict):
    example: bool = Field(False, description="true for sample data: the report says so.")
    quarter: str = Field(description="The quarter, equal to the folder name, e.g. 2026Q4.")


class AuditsFile(_File):
    audits: list[Audit] = Field(description="Section 9(a): audits and their findings.")


class IncidentsFile(_File):
    incidents: list[Incident] = Field(description="Section 9(b): incidents of the quarter.")


class UpgradesFile(_File):
    upgrades: list[Upgrade] = Field(description="Section 9(d): upgrades and enhancements.")


FILES = {"audits.yaml": AuditsFile, "incidents.yaml": IncidentsFile, "upgrades.yaml": UpgradesFile}


class QuarterData(Strict):
    quarter: str
    example: bool
    audits: list[Audit]
    incidents: list[Incident]
    upgrades: list[Upgrade]
    as_of: dt.date = Field(description="The day the report is made (today, or a test's day).")
    earlier: list[QuarterData] = Field(
        default_factory=list, description="The quarters before this one that have data, oldest first."
    )

    @property
    def running(self) -> bool:
        """The quarter has not ended: the report is a draft."""
        return self.as_of < quarter_bounds(self.quarter)[1].date()

    @property
    def previous(self) -> QuarterData | None:
        wanted = previous_quarter(self.quarter)
        return next((q for q in self.earlier if q.quarter == wanted), None)


def _moment(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)


def _dated(
    located: yamlfile.Located,
    key: str,
    items: list,
    start: dt.datetime,
    end: dt.datetime,
    today: dt.date,
    errors: list[ContentError],
) -> None:
    """Dates outside the quarter (when the event must fall in it) or in the future."""
    inside = {"audits": ("completed",), "incidents": ("detected",), "upgrades": ("completed",)}
    stamps = {"audits": ("completed",), "incidents": ("detected", "reported_to_iso"),
              "upgrades": ("completed",)}
    now = dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC) + dt.timedelta(days=1)
    for index, item in enumerate(items):
        for attr in stamps[key]:
            value = getattr(item, attr)
            if value is None:
                continue
            where = (key, index, attr)
            if attr in inside[key] and _moment(value) >= end:
                errors.append(located.error(where, f"'{attr}' {value} is after the end of the quarter"))
            elif attr in inside[key] and _moment(value) < start:
                errors.append(
                    located.error(
                        where,
                        f"'{attr}' {value} is before the quarter began ({start.date()}); "
                        "report it in the quarter it belongs to",
                    )
                )
            elif _moment(value) >= now:
                errors.append(
                    located.error(where, f"'{attr}' {value} is in the future (today is {today})")
                )


def _earlier_folders(folder: Path) -> list[Path]:
    """Sibling quarter folders before this one, oldest first (for carried-over items)."""
    start, _ = quarter_bounds(folder.name)
    found = [
        f
        for f in folder.parent.glob("*")
        if f.is_dir() and QUARTER.match(f.name) and quarter_bounds(f.name)[0] < start
    ]
    return sorted(found, key=lambda f: quarter_bounds(f.name)[0])


def load_quarter(
    folder: Path, today: dt.date | None = None, *, with_earlier: bool = True
) -> QuarterData:
    """Read and validate one quarter's folder (and the earlier quarters beside it, for the
    items they carry over); raise ContentErrors with every problem."""
    folder = Path(folder)
    quarter = folder.name
    today = today or dt.datetime.now(dt.UTC).date()
    try:
        start, end = quarter_bounds(quarter)
    except ValueError as exc:
        raise ContentError(folder, None, str(exc)) from None
    if start.date() > today:
        raise ContentError(
            folder, None, f"{quarter} ({quarter_label(quarter)}) has not begun (today is {today})"
        )
    if not folder.is_dir():
        raise ContentError(folder, None, f"no data for {quarter}: create {', '.join(FILES)} here")
    errors: list[ContentError] = []
    parsed = {}
    for name, model in FILES.items():
        path = folder / name
        try:
            located = yamlfile.load(path)
            data = yamlfile.validate(model, located)
        except ContentError as exc:
            errors.append(exc)
            continue
        except ContentErrors as exc:
            errors.extend(exc.errors)
            continue
        if data.quarter != quarter:
            errors.append(
                located.error(
                    ("quarter",), f"quarter '{data.quarter}' does not match the folder {quarter}"
                )
            )
        key = name.removesuffix(".yaml")
        items = getattr(data, key)
        ids = [item.id for item in items]
        for index, item_id in enumerate(ids):
            if ids.index(item_id) != index:
                errors.append(located.error((key, index, "id"), f"duplicate id '{item_id}'"))
        _dated(located, key, items, start, end, today, errors)
        parsed[key] = data
    earlier = []
    if with_earlier:
        for before in _earlier_folders(folder):
            try:
                earlier.append(load_quarter(before, today, with_earlier=False))
            except ContentError as exc:
                errors.append(exc)
            except ContentErrors as exc:
                errors.extend(exc.errors)
    if errors:
        raise ContentErrors(errors)
    return QuarterData(
        quarter=quarter,
        example=any(d.example for d in parsed.values()),
        audits=parsed["audits"].audits,
        incidents=parsed["incidents"].incidents,
        upgrades=parsed["upgrades"].upgrades,
        as_of=today,
        earlier=earlier,
    )


def check(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    """``isdp check``: every quarter folder under content/data/quarterly is valid."""
    errors: list[ContentError] = []
    for folder in sorted((Path(srcdir) / DATA_DIR).glob("*")):
        if folder.is_dir():
            try:
                load_quarter(folder, with_earlier=False)
            except ContentError as exc:
                errors.append(exc)
            except ContentErrors as exc:
                errors.extend(exc.errors)
    return errors


@dataclass
class OpenItem:
    """A finding, incident or change not yet closed, carried from quarter to quarter."""

    kind: str
    id: str
    summary: str
    owner: str
    due: dt.date | None
    opened: dt.date
    since: str  # the quarter that first recorded it
    status: str

    def age_days(self, as_of: dt.date) -> int:
        return max((as_of - self.opened).days, 0)

    def overdue(self, as_of: dt.date) -> bool:
        return self.due is not None and self.due < as_of


def _records(q: QuarterData) -> list[OpenItem]:
    start = quarter_bounds(q.quarter)[0].date()
    items = [
        OpenItem("finding", f.id, f.summary, f.owner, f.due, a.completed or start, q.quarter,
                 f.status)
        for a in q.audits
        for f in a.findings
    ]
    items += [
        OpenItem("incident", i.id, i.summary, i.owner, i.target, i.detected.date(), q.quarter,
                 i.status)
        for i in q.incidents
    ]
    items += [
        OpenItem("upgrade", u.id, u.title, u.owner, u.target, start, q.quarter, u.status)
        for u in q.upgrades
    ]
    return items


CLOSED = {"mitigated", "risk-accepted", "closed", "completed"}


def open_items(q: QuarterData) -> list[OpenItem]:
    """Every item still open at the end of ``q`` (or today, while it runs), earlier quarters
    included: the latest quarter that mentions an item gives its status, owner and due date."""
    latest: dict[str, OpenItem] = {}
    for quarter in [*q.earlier, q]:
        for item in _records(quarter):
            first = latest.get(item.id)
            if first is not None:
                item.opened, item.since = first.opened, first.since
            latest[item.id] = item
    return [i for i in latest.values() if i.status not in CLOSED]


def report_day(q: QuarterData) -> dt.date:
    """The day open items are measured at: the quarter's last day, or today while it runs."""
    return min(q.as_of, (quarter_bounds(q.quarter)[1] - dt.timedelta(days=1)).date())


def measures(q: QuarterData, notify_hours: int) -> dict[str, int]:
    """The counts compared quarter over quarter."""
    before = {item.id: item.status for earlier in q.earlier for item in _records(earlier)}
    findings = [f for a in q.audits for f in a.findings]
    return {
        "Incidents": len(q.incidents),
        f"Notices later than {notify_hours} hours": sum(i.late(notify_hours) for i in q.incidents),
        "Findings opened": sum(f.id not in before for f in findings),
        "Findings closed": sum(
            f.status in CLOSED and before.get(f.id) not in CLOSED for f in findings
        ),
    }
