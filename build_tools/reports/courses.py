"""Which courses the roster's roles require: the reports' small view of the course model.

Reports need only a course's id, title and ``required_for`` roles (``all`` = everyone). The
course model itself lives in ``build_tools/courses/model.py``; this module adapts it and is
the one place to change if that model does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from build_tools.core.roster import Employee
from build_tools.courses.model import ALL as EVERYONE  # "every employee" is defined there, once


@dataclass(frozen=True)
class RequiredCourse:
    id: str
    title: str
    required_for: frozenset[str]

    def applies_to(self, employee: Employee) -> bool:
        return EVERYONE in self.required_for or bool(self.required_for & employee.roles)


def load_required_courses(srcdir: Path) -> list[RequiredCourse]:
    """Every course of the site that some role is required to take, ordered by id."""
    from build_tools.courses.model import load_courses  # the courses component's loader (validated)

    courses = load_courses(Path(srcdir))
    found = [
        RequiredCourse(
            course.id, course.title, frozenset(role.lower() for role in course.required_for)
        )
        for course in courses
    ]
    return sorted((course for course in found if course.required_for), key=lambda c: c.id)


def required_of(employee: Employee, courses: Iterable[RequiredCourse]) -> list[RequiredCourse]:
    return [course for course in courses if course.applies_to(employee)]

