"""Which courses the roster's roles require: the reports' small view of the course model.

Reports need only a course's id, title and ``required_for`` roles (``all`` = everyone). The
course model itself lives in ``build_tools/courses/model.py``; this module adapts it and is
the one place to change if that model does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .roster import Employee

EVERYONE = "all"


@dataclass(frozen=True)
class RequiredCourse:
    id: str
    title: str
    required_for: frozenset[str]

    def applies_to(self, employee: Employee) -> bool:
        return EVERYONE in self.required_for or bool(self.required_for & employee.roles)


def load_required_courses(srcdir: Path) -> list[RequiredCourse]:
    """Every course of the site that some role is required to take, ordered by id."""
    try:
        from ..courses.model import load_courses  # the courses component's loader
    except ImportError:  # until the course model is merged: read the three keys we need
        load_courses = _read_course_files
    courses = load_courses(Path(srcdir))
    if isinstance(courses, dict):
        courses = list(courses.values())
    found = [RequiredCourse(course.id, course.title,
                            frozenset(role.lower() for role in course.required_for))
             for course in courses]
    return sorted((course for course in found if course.required_for), key=lambda c: c.id)


def required_of(employee: Employee, courses: Iterable[RequiredCourse]) -> list[RequiredCourse]:
    return [course for course in courses if course.applies_to(employee)]


@dataclass(frozen=True)
class _CourseFile:
    id: str
    title: str
    required_for: list[str]


def _read_course_files(srcdir: Path) -> list[_CourseFile]:
    from .. import yamlfile
    from ..errors import ContentError

    found = []
    for path in sorted(Path(srcdir).glob("courses/*/course.yaml")):
        located = yamlfile.load(path)
        data = located.data if isinstance(located.data, dict) else {}
        roles = data.get("required_for") or []
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise ContentError(path, located.line(("required_for",)), "'required_for' must be a list of roles")
        found.append(_CourseFile(str(data.get("id") or path.parent.name),
                                 str(data.get("title") or path.parent.name), roles))
    return found
