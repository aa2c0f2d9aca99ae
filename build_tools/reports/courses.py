"""Which courses the roster's roles require, and how each is passed: the reports' small view
of the course model.

Reports need a course's id, title, ``required_for`` roles (``all`` = everyone), mastery score,
modules and the answer keys of its questions (from the sources, never from statements). The
course model lives in ``build_tools/courses/``; this module adapts it and is the one place to
change if that model does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from build_tools.core.roster import Employee
from build_tools.courses.keys import Key
from build_tools.courses.model import ALL as EVERYONE  # "every employee" is defined there, once


@dataclass(frozen=True)
class RequiredCourse:
    id: str
    title: str
    required_for: frozenset[str]
    mastery_score: float = 0.8
    modules: tuple[str, ...] = ()
    keys: Mapping[str, Key] = field(default_factory=dict, compare=False, hash=False)

    def applies_to(self, employee: Employee) -> bool:
        return EVERYONE in self.required_for or bool(self.required_for & employee.roles)

    def questions_of(self, module: str) -> int:
        return self.module_sizes.get(module, 0)

    @cached_property
    def module_sizes(self) -> dict[str, int]:
        """Questions per module (worked out once: the report asks per employee)."""
        return dict(Counter(key.module for key in self.keys.values()))

    @cached_property
    def assessed_modules(self) -> tuple[str, ...]:
        """The modules that have questions: those an attempt's answers must pass."""
        return tuple(module for module in self.modules if self.questions_of(module))


def load_required_courses(srcdir: Path) -> list[RequiredCourse]:
    """Every course of the site that some role is required to take, ordered by id, with its
    keys. The questions are checked first, keys.lock included: never score with a changed key."""
    from build_tools.core.errors import ContentErrors
    from build_tools.courses.check import duplicate_ids
    from build_tools.courses.keys import course_questions, keys_of, lock_errors
    from build_tools.courses.model import load_courses

    found = []
    for course in load_courses(Path(srcdir)):
        questions, errors = course_questions(course)
        ids = {m: [(q.question.id, q.line) for q in questions if q.module == m]
               for m in course.modules}
        errors += duplicate_ids(course, ids) + lock_errors(course, questions)
        if errors:
            raise ContentErrors(errors)
        found.append(RequiredCourse(
            course.id,
            course.title,
            frozenset(role.lower() for role in course.required_for),
            course.mastery_score,
            tuple(course.modules),
            keys_of(questions),
        ))
    return sorted((course for course in found if course.required_for), key=lambda c: c.id)


def required_of(employee: Employee, courses: Iterable[RequiredCourse]) -> list[RequiredCourse]:
    return [course for course in courses if course.applies_to(employee)]
