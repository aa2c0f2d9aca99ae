"""``courses/<id>/course.yaml``: one course, declared once here and validated with lines.

Other components (compliance reports, cmi5 packages, tracking) read courses only through
``load_course`` and ``load_courses``; course and module ids are the stable join keys of
every training record, so the year lives in the title, never in an id.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from build_tools.core import yamlfile
from build_tools.core.errors import ContentError, ContentErrors
from build_tools.core.slug import SLUG

COURSES_DIR = "courses"
COURSE_FILE = "course.yaml"
MODULE_SUFFIXES = (".md", ".ipynb")
ALL = "all"
"""The ``required_for`` value that means every employee."""

Slug = Annotated[
    str,
    Field(
        pattern=SLUG,
        description="Lower-case letters, digits and single hyphens.",
    ),
]


class Course(BaseModel):
    """A course: its stable id, who must take it, how it is passed and its modules in order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Slug = Field(
        description="Stable id, equal to the folder name; never changes between years."
    )
    title: str = Field(
        min_length=3, description="Shown to learners; carries the year, e.g. 'FERPA 2026–27'."
    )
    audience: str = Field(
        min_length=3, description="Who the course is written for, in one sentence."
    )
    required_for: list[Slug] = Field(
        min_length=1,
        description=(
            "Roster roles that must complete the course each cycle; 'all' means every employee."
        ),
    )
    mastery_score: float = Field(
        gt=0, le=1, description="Scaled score (0 to 1) needed to pass a module."
    )
    estimated_minutes: int = Field(
        gt=0, le=600, description="Time a learner needs for the whole course."
    )
    modules: list[Slug] = Field(
        min_length=1,
        description=(
            "Module ids in order: the file stems of the .md or .ipynb modules in the course folder."
        ),
    )

    _folder: Path | None = PrivateAttr(None)

    @field_validator("required_for")
    @classmethod
    def _all_alone(cls, values: list[str]) -> list[str]:
        if ALL in values and len(values) > 1:
            raise ValueError(f"'{ALL}' already means every employee; list no other role with it")
        return values

    @property
    def folder(self) -> Path:
        """The course folder (set by ``load_course``)."""
        if self._folder is None:
            raise RuntimeError("course was not loaded from a file")
        return self._folder

    def required_of(self, roles: set[str] | list[str]) -> bool:
        """True when an employee with these roster roles must take the course."""
        return ALL in self.required_for or bool(set(self.required_for) & set(roles))

    def module_path(self, module: str) -> Path:
        """The source file of a module (.md or .ipynb)."""
        for suffix in MODULE_SUFFIXES:
            path = self.folder / f"{module}{suffix}"
            if path.exists():
                return path
        raise KeyError(module)

    def module_docname(self, module: str) -> str:
        return f"{COURSES_DIR}/{self.id}/{module}"

    @property
    def docname(self) -> str:
        """The course's own page, ``courses/<id>/index``."""
        return f"{COURSES_DIR}/{self.id}/index"


def load_course(path: Path) -> Course:
    """Read and check one course.yaml; every problem is a ContentError with its line."""
    path = Path(path)
    located = yamlfile.load(path)
    course = yamlfile.validate(Course, located)
    folder = path.parent
    errors: list[ContentError] = []
    for key in ("required_for", "modules"):
        values = getattr(course, key)
        errors.extend(
            located.error((key, index), f"'{key}': '{value}' is listed twice")
            for index, value in enumerate(values)
            if value in values[:index]
        )
    if course.id != folder.name:
        errors.append(
            located.error(
                ("id",),
                f"id '{course.id}' must equal the folder name "
                f"'{folder.name}' (ids are stable join keys)",
            )
        )
    for index, module in enumerate(course.modules):
        found = [
            folder / f"{module}{s}" for s in MODULE_SUFFIXES if (folder / f"{module}{s}").exists()
        ]
        if not found:
            errors.append(
                located.error(
                    ("modules", index),
                    f"module '{module}' has no file "
                    f"{module}.md or {module}.ipynb in {folder.name}/",
                )
            )
        elif len(found) > 1:
            errors.append(
                located.error(
                    ("modules", index), f"module '{module}' exists both as .md and .ipynb; keep one"
                )
            )
    listed = set(course.modules) | {"index"}
    for source in sorted(folder.iterdir()):
        if source.suffix in MODULE_SUFFIXES and source.stem not in listed:
            errors.append(
                located.error(
                    ("modules",),
                    f"{source.name} is in the course folder but not listed under 'modules'",
                )
            )
    if errors:
        raise ContentErrors(errors)
    course._folder = folder
    return course


def course_files(srcdir: Path) -> list[Path]:
    return sorted((Path(srcdir) / COURSES_DIR).glob(f"*/{COURSE_FILE}"))


def read_courses(srcdir: Path) -> tuple[list[Course], list[ContentError]]:
    """The valid courses of the site, sorted by id, and the errors of the others."""
    courses: list[Course] = []
    errors: list[ContentError] = []
    for path in course_files(srcdir):
        try:
            courses.append(load_course(path))
        except ContentError as exc:
            errors.append(exc)
        except ContentErrors as exc:
            errors.extend(exc.errors)
    return sorted(courses, key=lambda course: course.id), errors


def load_courses(srcdir: Path) -> list[Course]:
    """Every course of the site, sorted by id; all errors of all courses are raised together."""
    courses, errors = read_courses(srcdir)
    if errors:
        raise ContentErrors(errors)
    return courses
