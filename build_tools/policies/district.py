"""District files: who the district is and the stricter values it chose (isdp policies render).

A district file is YAML validated with line numbers; every override is checked against the
MDE floor (templates/policies/parameters.yaml) and refused, naming the floor and its source,
when it is looser.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from build_tools.core import yamlfile
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


class Person(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, description="The person's full name.")
    title: str | None = Field(None, description="Job title, when it differs from the role.")
    email: EmailStr = Field(description="A work email address.")
    phone: str | None = Field(
        None, pattern=r"^[0-9+().\- ]{7,20}$", description="A work telephone number."
    )


class Contact(Person):
    phone: str = Field(
        pattern=r"^[0-9+().\- ]{7,20}$", description="Answered day and night during an incident."
    )


class District(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=3, description="The district's legal name.")
    code: str = Field(pattern=r"^\d{4}$", description="The MDE four-digit district number.")
    superintendent: Person = Field(description="name, email (title, phone optional).")
    technology_coordinator: Person = Field(description="name, email (title, phone optional).")
    security_contact: Contact = Field(
        description="Who receives reports and writes to the MDE ISO: "
        "name, email, phone (title optional)."
    )
    board_adoption_date: dt.date = Field(
        description="The day the School Board adopted the pack (YYYY-MM-DD); "
        "next review dates count from it."
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


def long_date(date: dt.date) -> str:
    return f"{date:%B} {date.day}, {date.year}"


def load(path: Path, registry: dict[str, Parameter]) -> tuple[DistrictFile, dict[str, Any]]:
    """The validated district file and the full parameter values (defaults + overrides)."""
    located = yamlfile.load(path)
    if not isinstance(located.data, dict):
        raise ContentError(
            path, 1, "a district file is a mapping with 'district:' and 'parameters:'"
        )
    data = yamlfile.validate(DistrictFile, located)
    errors: list[ContentError] = []
    values = {name: parameter.floor for name, parameter in registry.items()}
    for name, value in data.parameters.items():
        parameter = registry.get(name)
        if parameter is None:
            errors.append(
                located.error(
                    ("parameters", name),
                    f"unknown parameter '{name}' (the MDE defines: "
                    f"see templates/policies/parameters.yaml)",
                )
            )
            continue
        problem = parameter.check_type(value)
        if problem:
            errors.append(located.error(("parameters", name), f"'parameters.{name}' {problem}"))
            continue
        if parameter.looser_than_floor(value):
            errors.append(
                located.error(
                    ("parameters", name),
                    f"'parameters.{name}' = {parameter.describe(value)} is looser than the "
                    f"MDE floor of "
                    f"{parameter.describe(parameter.floor)} ({parameter.direction()}); source: "
                    f"{parameter.source}. A district policy may not be less strict than the MDE's.",
                )
            )
            continue
        values[name] = value
    if errors:
        raise ContentErrors(errors)
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
