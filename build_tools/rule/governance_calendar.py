"""The Data Governance Committee's yearly calendar (Rule 55.1 section 5(b)), kept as data.

``content/data/governance-calendar.yaml`` declares the deadlines by rule (a fixed day,
days after the Legislature adjourns sine die, or a named committee meeting) and records,
year by year, the dates that only become known later. ``{governance-calendar}`` with a
``:year:`` option renders the calendar for that year.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from build_tools.core import tables, yamlfile
from build_tools.core.dates import long_date
from build_tools.core.errors import ContentError, ContentErrors
from build_tools.site.diagnostics import Warn, warn_error

CALENDAR_FILE = "content/data/governance-calendar.yaml"


class Due(BaseModel):
    model_config = ConfigDict(extra="forbid")

    month: int | None = Field(None, ge=1, le=12)
    day: int | None = Field(None, ge=1, le=31)
    days_after_sine_die: int | None = Field(None, ge=0)
    meeting: str | None = Field(None, description="A committee meeting named in 'years'.")

    @model_validator(mode="after")
    def _one_form(self) -> Due:
        forms = [self.month is not None, self.days_after_sine_die is not None, self.meeting is not None]
        if sum(forms) != 1:
            raise ValueError("give exactly one of: month and day, days_after_sine_die, meeting")
        if (self.month is None) != (self.day is None):
            raise ValueError("'month' and 'day' go together")
        return self


class Deadline(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    who: str
    rule: str
    due: Due
    note: str | None = None


class YearDates(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sine_die: dt.date | None = Field(None, description="Day the regular session adjourned.")
    meetings: dict[str, dt.date] = Field(default_factory=dict)


class Calendar(BaseModel):
    model_config = ConfigDict(extra="forbid")

    deadlines: list[Deadline]
    years: dict[int, YearDates] = Field(default_factory=dict)

    def due_text(self, deadline: Deadline, year: int) -> tuple[dt.date | None, str]:
        """The date a deadline falls on in ``year`` (when known) and how to say it."""
        due = deadline.due
        dates = self.years.get(year, YearDates())
        if due.month is not None and due.day is not None:
            date = dt.date(year, due.month, due.day)
            return date, long_date(date)
        if due.days_after_sine_die is not None:
            if dates.sine_die:
                date = dates.sine_die + dt.timedelta(days=due.days_after_sine_die)
                return date, (f"{long_date(date)} ({due.days_after_sine_die} days after sine die on "
                              f"{long_date(dates.sine_die)})")
            return None, (f"{due.days_after_sine_die} days after the {year} regular session "
                          "adjourns sine die (date recorded when the session ends)")
        meeting = dates.meetings.get(str(due.meeting))
        if meeting:
            return meeting, f"{long_date(meeting)} ({due.meeting} committee meeting)"
        return None, f"By the {due.meeting} {year} committee meeting (date set by the committee)"


def load(srcdir: Path) -> Calendar:
    return yamlfile.load_model(Calendar, srcdir / CALENDAR_FILE)


class GovernanceCalendar(SphinxDirective):
    """``{governance-calendar}`` ``:year: 2026``: a table of the year's deadlines in date order."""

    option_spec = {"year": directives.positive_int}

    def run(self) -> list[nodes.Node]:
        path = Path(self.env.srcdir) / CALENDAR_FILE
        self.env.note_dependency(str(path))
        year = self.options.get("year", dt.date.today().year)
        try:
            calendar = load(Path(self.env.srcdir))
        except ContentError as exc:
            warn_error(Warn.DATA, exc)
            return []
        except ContentErrors as exc:
            for error in exc.errors:
                warn_error(Warn.DATA, error)
            return []
        rows = sorted(
            (calendar.due_text(d, year) + (d,) for d in calendar.deadlines),
            key=lambda item: (item[0] is None, item[0] or dt.date.max),
        )
        table = tables.table(
            ["Deadline", "Who", "When", "Rule"],
            [[deadline.title + (f". {deadline.note}" if deadline.note else ""), deadline.who, when, deadline.rule]
             for _date, when, deadline in rows],
            widths=(30, 25, 25, 20), title=f"Data governance calendar for {year}", classes=["isdp-calendar"])
        return [table]


def setup_governance_calendar(app: Sphinx) -> None:
    app.add_directive("governance-calendar", GovernanceCalendar)
