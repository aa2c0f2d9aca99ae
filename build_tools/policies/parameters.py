"""The MDE's parameter floors (templates/policies/parameters.yaml) and the "stricter" test.

The proposed rule lets a district be stricter than the MDE, never looser. Each parameter
declares its floor and which direction is stricter; ``looser_than_floor`` is the one test
every district value goes through.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from build_tools.core import yamlfile

PARAMETERS_FILE = "templates/policies/parameters.yaml"


class Parameter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=10, description="What the value governs, in plain words.")
    type: Literal["integer", "boolean", "choice"]
    unit: str | None = Field(None, description="Unit of an integer (hours, days, characters).")
    choices: list[str] | None = Field(None, description="A choice's values, loosest first.")
    floor: int | bool | str = Field(description="The MDE default: the loosest value allowed.")
    stricter: Literal["lower", "higher", "enabled", "later"]
    source: str = Field(
        min_length=10, description="The rule or public baseline the floor comes from."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Parameter:
        expected = {"integer": ("lower", "higher"), "boolean": ("enabled",), "choice": ("later",)}
        if self.stricter not in expected[self.type]:
            raise ValueError(
                f"a {self.type} parameter is stricter {' or '.join(expected[self.type])}, "
                f"not '{self.stricter}'"
            )
        if self.type == "integer" and (
            isinstance(self.floor, bool) or not isinstance(self.floor, int)
        ):
            raise ValueError("the floor of an integer parameter must be a whole number")
        if self.type == "boolean" and not isinstance(self.floor, bool):
            raise ValueError("the floor of a boolean parameter must be true or false")
        if self.type == "choice":
            if not self.choices or self.floor not in self.choices:
                raise ValueError("a choice parameter lists 'choices' and its floor is one of them")
        elif self.choices is not None:
            raise ValueError("only a choice parameter has 'choices'")
        return self

    def describe(self, value: int | bool | str) -> str:
        """A value as a reader sees it: '24 hours', 'yes', 'reject'."""
        if self.type == "boolean":
            return "yes" if value else "no"
        if self.type == "integer" and self.unit:
            return f"{value} {self.unit}"
        return str(value)

    def direction(self) -> str:
        return {
            "lower": "a lower number is stricter",
            "higher": "a higher number is stricter",
            "enabled": "yes is stricter",
            "later": f"stricter in the order {' < '.join(self.choices or [])}",
        }[self.stricter]

    def check_type(self, value: object) -> str | None:
        """Why ``value`` is not of this parameter's type, or None."""
        if self.type == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                return f"must be a whole number of {self.unit or 'units'}"
            if value < 0:
                return "must not be negative"
        elif self.type == "boolean" and not isinstance(value, bool):
            return "must be true or false"
        elif self.type == "choice" and value not in (self.choices or []):
            return f"must be one of: {', '.join(self.choices or [])}"
        return None

    def looser_than_floor(self, value: int | bool | str) -> bool:
        if self.stricter == "lower":
            return value > self.floor  # type: ignore[operator]
        if self.stricter == "higher":
            return value < self.floor  # type: ignore[operator]
        if self.stricter == "enabled":
            return bool(self.floor) and not value
        choices = self.choices or []
        return choices.index(str(value)) < choices.index(str(self.floor))


class ParameterRegistry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    parameters: dict[str, Parameter]


def load(srcdir: Path) -> tuple[dict[str, Parameter], yamlfile.Located]:
    located = yamlfile.load(srcdir / PARAMETERS_FILE)
    return yamlfile.validate(ParameterRegistry, located).parameters, located
