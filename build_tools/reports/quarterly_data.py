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
        return self

    @property
    def notice_hours(self) -> float:
        return round((self.reported_to_iso - self.detected).total_seconds() / 3600, 1)


class Upgrade(Strict):
    id: Id
    title: str = Field(description="The change, in a line.")
    kind: Literal["upgrade", "enhancement"]
    systems: list[str] = Field(min_length=1, description="Systems changed.")
    status: Literal["planned", "in-progress", "completed"]
    completed: dt.date | None = Field(None, description="Required when status is completed.")
    summary: str = Field(min_length=10, description="What changed and why it matters.")
    nist_csf: list[str] = Field(default_factory=list, description="NIST CSF 2.0 categories served.")

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


def _dated(
    located: yamlfile.Located,
    key: str,
    items: list,
    attr: str,
    end: dt.datetime,
    errors: list[ContentError],
) -> None:
    for index, item in enumerate(items):
        value = getattr(item, attr)
        if value is None:
            continue
        moment = (
            value
            if isinstance(value, dt.datetime)
            else dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
        )
        if moment >= end:
            errors.append(
                located.error(
                    (key, index, attr), f"'{attr}' {value} is after the end of the quarter"
                )
            )


def load_quarter(folder: Path) -> QuarterData:
    """Read and validate one quarter's folder; raise ContentErrors with every problem."""
    folder = Path(folder)
    quarter = folder.name
    try:
        _, end = quarter_bounds(quarter)
    except ValueError as exc:
        raise ContentError(folder, None, str(exc)) from None
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
        attr = {"audits": "completed", "incidents": "detected", "upgrades": "completed"}[key]
        _dated(located, key, items, attr, end, errors)
        parsed[key] = data
    if errors:
        raise ContentErrors(errors)
    return QuarterData(
        quarter=quarter,
        example=any(d.example for d in parsed.values()),
        audits=parsed["audits"].audits,
        incidents=parsed["incidents"].incidents,
        upgrades=parsed["upgrades"].upgrades,
    )


def check(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    """``isdp check``: every quarter folder under content/data/quarterly is valid."""
    errors: list[ContentError] = []
    for folder in sorted((Path(srcdir) / DATA_DIR).glob("*")):
        if folder.is_dir():
            try:
                load_quarter(folder)
            except ContentError as exc:
                errors.append(exc)
            except ContentErrors as exc:
                errors.extend(exc.errors)
    return errors
