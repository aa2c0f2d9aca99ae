"""The employee roster: a CSV an HR export can produce, validated line by line.

Columns: employee_id, name, email, lea_code, lea_name, role (extra columns are ignored, so an
export may carry more). Every problem is reported as ``FILE:LINE: message`` and all of them
are reported at once. The training report and ``isdp learners links`` both read it here.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from build_tools.core.errors import ContentError, ContentErrors

COLUMNS = ("employee_id", "name", "email", "lea_code", "lea_name", "role")
# Deliberately simple: one @, no spaces, a dot in the domain. Mail merges need a deliverable
# shape, not RFC 5322's full grammar.
EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z]{2,}$")


class Employee(NamedTuple):
    """One roster line (a tuple: 70,000 of them are made in a blink)."""

    employee_id: str
    name: str
    email: str
    lea_code: str
    lea_name: str
    role: str
    line: int

    @property
    def roles(self) -> frozenset[str]:
        """A person may hold several roles, separated by ``;`` (e.g. ``teacher;coach``)."""
        return frozenset(part.strip().lower() for part in self.role.split(";") if part.strip())


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line, the six required fields in COLUMNS order) per record; extra fields are kept
    so that a misaligned line can be told apart (more fields than the header)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [name.strip().lower() for name in next(reader, [])]
        missing = [column for column in COLUMNS if column not in header]
        if missing:
            raise ContentError(
                path,
                1,
                "roster is missing column(s) "
                + ", ".join(missing)
                + f" (required: {', '.join(COLUMNS)})",
            )
        where = [header.index(column) for column in COLUMNS]
        width = len(header)
        line = reader.line_num + 1
        for record in reader:
            if len(record) > width:
                yield line, [f"{len(record)}/{width}"]
            else:
                record += [""] * (width - len(record))
                yield line, [record[index].strip() for index in where]
            line = reader.line_num + 1


def load_roster(path: Path | str) -> list[Employee]:
    """Read and validate a roster; raise ContentErrors listing every bad line."""
    path = Path(path)
    if not path.is_file():
        raise ContentError(path, None, "roster file not found")
    employees: list[Employee] = []
    errors: list[ContentError] = []
    first_seen: dict[str, int] = {}
    try:
        for line, values in _rows(path):
            if len(values) == 1:
                errors.append(
                    ContentError(
                        path,
                        line,
                        f"more fields than the {values[0].split('/')[1]} columns of the header",
                    )
                )
                continue
            if not any(values):
                continue  # a blank line at the end of an export
            if not all(values):
                empty = [column for column, value in zip(COLUMNS, values, strict=True) if not value]
                errors.append(ContentError(path, line, "empty field(s): " + ", ".join(empty)))
                continue
            if not EMAIL.match(values[2]):
                errors.append(ContentError(path, line, f"'{values[2]}' is not an email address"))
            key = values[0]
            if key in first_seen:
                errors.append(
                    ContentError(
                        path,
                        line,
                        f"duplicate employee_id '{key}' (first on line {first_seen[key]})",
                    )
                )
                continue
            first_seen[key] = line
            employees.append(Employee(*values, line))
    except UnicodeDecodeError as exc:
        raise ContentError(path, None, f"roster is not UTF-8 text ({exc.reason})") from None
    except csv.Error as exc:
        raise ContentError(path, None, f"roster is not valid CSV: {exc}") from None
    if errors:
        raise ContentErrors(errors)
    if not employees:
        raise ContentError(path, 1, "roster lists no employees")
    return employees
