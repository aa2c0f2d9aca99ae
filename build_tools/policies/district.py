"""District files: who the district is and the stricter values it chose (isdp policies render).

A district file is YAML validated with line numbers; every override is checked against the
MDE floor (templates/policies/parameters.yaml) and refused, naming the floor and its source,
when it is looser.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field, model_validator

from build_tools.core import yamlfile
from build_tools.core.dates import long_date
from build_tools.core.errors import ContentError, ContentErrors
from build_tools.policies.parameters import Parameter

# The district fields a template may use as {{ district.<name> }}, and how the site shows
# each one while no district has filled it in.
PLACEHOLDERS: dict[str, str] = {
    "name": "District name",
    "code": "MDE district number",
    "superintendent": "Superintendent's name",
    "technology_coordinator": "Technology coordinator's name",
    "technology_email": "Technology coordinator's email",
    "security_contact": "Security contact's name",
    "security_email": "Security contact's email",
    "security_phone": "Security contact's phone",
    "adoption_date": "Board adoption date",
    "next_review": "Next review date",
}


DATE_FORMAT = "YYYY-MM-DD"
DATE_EXAMPLE = "2026-08-10"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    """A date written as YYYY-MM-DD; any other text is refused with the format named."""
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a calendar date (no such day)") from None
    raise ValueError(f"'{text}' is not a date in the format {DATE_FORMAT}, e.g. {DATE_EXAMPLE}")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


class Person(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, description="The person's full name.")
    title: str | None = Field(
        None, description="Job title, printed under the name (the role's name when left out)."
    )
    email: EmailStr = Field(description="A work email address.")
    phone: str | None = Field(
        None, pattern=r"^[0-9+().\- ]{7,20}$", description="A work telephone number."
    )


class Contact(Person):
    phone: str = Field(
        pattern=r"^[0-9+().\- ]{7,20}$", description="Answered day and night during an incident."
    )


class Adoption(BaseModel):
    """Where the pack stands with the board: a draft to propose, or the adopted text."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["draft", "adopted"] = Field(
        "draft",
        description="draft (the default): every page says 'Proposed for adoption' and the "
        "certification is left blank; adopted: the vote is certified.",
    )
    resolution: str | None = Field(
        None, min_length=1, description="The board's resolution number (required when adopted)."
    )
    board_president: str | None = Field(
        None, min_length=2, description="Who signs for the board (required when adopted)."
    )
    board_secretary: str | None = Field(
        None, min_length=2, description="Who attests the vote (required when adopted)."
    )

    @model_validator(mode="after")
    def _adopted_needs_the_vote(self) -> Adoption:
        if self.status == "adopted":
            missing = [
                name
                for name in ("resolution", "board_president", "board_secretary")
                if getattr(self, name) is None
            ]
            if missing:
                raise ValueError(f"an adopted pack names its {', '.join(missing)}")
        return self


class District(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # the longest MDE district name has 60 characters; Word's title property holds 255
    name: str = Field(min_length=3, max_length=120, description="The district's legal name.")
    code: str = Field(pattern=r"^\d{4}$", description="The MDE four-digit district number.")
    superintendent: Person = Field(description="name, email (title, phone optional).")
    technology_coordinator: Person = Field(description="name, email (title, phone optional).")
    security_contact: Contact = Field(
        description="Who receives reports and writes to the MDE ISO: "
        "name, email, phone (title optional)."
    )
    board_adoption_date: IsoDate = Field(
        description=f"The board meeting that votes on the pack ({DATE_FORMAT}): the planned "
        "meeting for a draft, the vote itself once adopted; next review dates count from it."
    )
    adoption: Adoption = Field(
        default_factory=Adoption,
        description="status (draft or adopted), resolution, board_president, board_secretary.",
    )


class DistrictFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    district: District = Field(description="Who the district is (the keys below).")
    parameters: dict[str, Any] = Field(
        default_factory=dict,
        description="Overrides of MDE defaults; each must be at least as strict.",
    )


def add_months(date: dt.date, months: int) -> dt.date:
    month = date.month - 1 + months
    year, month = date.year + month // 12, month % 12 + 1
    day = min(
        date.day,
        [
            31,
            29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ][month - 1],
    )
    return dt.date(year, month, day)


def _read(path: Path) -> yamlfile.Located:
    """The parsed file; a date YAML cannot build (2026-09-31) is named with its line."""
    try:
        return yamlfile.load(path)
    except ValueError:  # PyYAML builds dates itself and raises on an impossible one
        errors = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for text in re.findall(r"(?<![\d-])(\d{4}-\d{2}-\d{2})(?![\d-])", line.split("#")[0]):
                try:
                    dt.date.fromisoformat(text)
                except ValueError:
                    errors.append(
                        ContentError(
                            path, number, f"'{text}' is not a calendar date (no such day); "
                            f"write {DATE_FORMAT}, e.g. {DATE_EXAMPLE}"
                        )
                    )
        raise ContentErrors(errors or [ContentError(path, None, "a date cannot be read")]) from None


def _parameter_errors(
    located: yamlfile.Located, registry: dict[str, Parameter], values: dict[str, Any]
) -> list[ContentError]:
    """Check every override (unknown, wrong type, nonsensical, looser than the floor);
    the valid ones are written into ``values``."""
    overrides = located.data.get("parameters") or {}
    if not isinstance(overrides, dict):
        return []  # the schema check reports it
    errors: list[ContentError] = []
    for name, value in overrides.items():
        parameter = registry.get(name)
        where = ("parameters", name)
        if parameter is None:
            close = difflib.get_close_matches(str(name), registry, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'? " if close else ""
            errors.append(
                located.error(
                    where,
                    f"unknown parameter '{name}' ({hint}the MDE defines: "
                    f"{', '.join(registry)}; see templates/policies/parameters.yaml)",
                )
            )
            continue
        problem = parameter.check_type(value)
        if problem is None and parameter.type == "integer" and value == 0:
            problem = (
                f"= 0 {parameter.unit or ''} makes no sense; give at least 1 "
                f"(the MDE floor is {parameter.describe(parameter.floor)})"
            ).replace("  ", " ")
        if problem:
            errors.append(located.error(where, f"'parameters.{name}' {problem}"))
            continue
        if parameter.looser_than_floor(value):
            errors.append(
                located.error(
                    where,
                    f"'parameters.{name}' = {parameter.describe(value)} is looser than the "
                    f"MDE floor of "
                    f"{parameter.describe(parameter.floor)} ({parameter.direction()}); source: "
                    f"{parameter.source}. A district policy may not be less strict than the MDE's.",
                )
            )
            continue
        values[name] = value
    return errors


def _date_errors(
    located: yamlfile.Located, district: District, values: dict[str, Any], today: dt.date
) -> list[ContentError]:
    """Dates that parse but make no sense: a vote in the future, a review already overdue."""
    where = ("district", "board_adoption_date")
    adopted = district.board_adoption_date
    review = add_months(adopted, int(values["review_cycle_months"]))
    errors = []
    if district.adoption.status == "adopted" and adopted > today:
        errors.append(
            located.error(
                where,
                f"board_adoption_date {adopted} is in the future, but the pack is marked "
                "adopted; use 'adoption: {status: draft}' until the vote",
            )
        )
    if review <= today:
        errors.append(
            located.error(
                where,
                f"board_adoption_date {adopted}: the next review would be due by "
                f"{long_date(review)}, which has already passed (today is {long_date(today)}); "
                "review the policies and give the date of the new vote",
            )
        )
    return errors


def load(
    path: Path, registry: dict[str, Parameter], today: dt.date | None = None
) -> tuple[DistrictFile, dict[str, Any]]:
    """The validated district file and the full parameter values (defaults + overrides).

    Every problem is reported at once: schema errors, parameters and dates together.
    """
    today = today or dt.date.today()
    located = _read(path)
    if not isinstance(located.data, dict):
        raise ContentError(
            path, 1, "a district file is a mapping with 'district:' and 'parameters:'"
        )
    errors: list[ContentError] = []
    data = None
    try:
        data = yamlfile.validate(DistrictFile, located)
    except ContentErrors as exc:
        # the parameters are checked below, with better messages than the schema's
        errors.extend(e for e in exc.errors if "'parameters." not in e.message) or errors.extend(
            exc.errors
        )
    values = {name: parameter.floor for name, parameter in registry.items()}
    errors += _parameter_errors(located, registry, values)
    if data is not None:
        errors += _date_errors(located, data.district, values, today)
    if errors or data is None:
        raise ContentErrors(sorted(errors, key=lambda e: e.line or 0))
    return data, values


def context(district: District, values: dict[str, Any]) -> dict[str, str]:
    """The {{ district.<name> }} values of a real district."""
    review = add_months(district.board_adoption_date, int(values["review_cycle_months"]))
    return {
        "name": district.name,
        "code": district.code,
        "superintendent": district.superintendent.name,
        "technology_coordinator": district.technology_coordinator.name,
        "technology_email": str(district.technology_coordinator.email),
        "security_contact": district.security_contact.name,
        "security_email": str(district.security_contact.email),
        "security_phone": district.security_contact.phone,
        "adoption_date": long_date(district.board_adoption_date),
        "next_review": long_date(review),
    }


def signers(district: District) -> dict[str, str]:
    """The adoption details the certification block prints (blank while a draft)."""
    a = district.adoption
    superintendent = district.superintendent
    return {
        "status": a.status,
        "resolution": a.resolution or "",
        "board_president": a.board_president or "",
        "board_secretary": a.board_secretary or "",
        "superintendent": superintendent.name,
        "superintendent_title": superintendent.title or "Superintendent",
    }


def describe(person: Person, role: str) -> str:
    """A contact line with every field the district gave: name, title, email, phone."""
    parts = [person.name, person.title or role, str(person.email)]
    if person.phone:
        parts.append(person.phone)
    return ", ".join(parts)
