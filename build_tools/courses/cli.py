"""``isdp courses``: list the courses and move a Markdown module to a Jupyter notebook."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click
import nbformat

from build_tools.cli_common import SRC_OPTION, fail
from build_tools.core.errors import ContentError, ContentErrors
from build_tools.courses.check import check_module
from build_tools.courses.model import load_courses
from build_tools.courses.notebook import markdown_to_notebook
from build_tools.site import front_matter


@click.group("courses")
def courses() -> None:
    """Training courses: list them, lock their answer keys, convert modules."""


def _load_or_fail(src: Path) -> list:
    """The site's courses, or their errors printed and exit 1."""
    try:
        return load_courses(src)
    except ContentError as exc:
        fail(what="courses", problems=[exc])
    except ContentErrors as exc:
        fail(what="courses", problems=exc.errors)


@courses.command("lock")
@SRC_OPTION
def lock(src: Path) -> None:
    """Add new questions' keys to courses/<id>/keys.lock (a locked key never changes)."""
    from build_tools.courses.keys import LOCK_FILE, write_lock

    found = _load_or_fail(src)
    problems: list[ContentError] = []
    for course in found:
        added, errors = write_lock(course)
        problems += errors
        if not errors:
            click.echo(f"isdp: {course.id}/{LOCK_FILE}: {added} question(s) added")
    if problems:
        fail(what="courses", problems=problems)


@courses.command("list")
@SRC_OPTION
def list_courses(src: Path) -> None:
    """Each course with who must take it, and its modules with their question counts."""
    found = _load_or_fail(src)
    if not found:
        fail(what="courses", problems=[f"{src / 'courses'}: no course found (each course is a folder "
                                       "with a course.yaml)"])
    for course in found:
        required = ", ".join(course.required_for)
        click.echo(
            f"{course.id}  {course.title}  (required for: {required}; "
            f"pass mark {course.mastery_score:.0%})"
        )
        for module in course.modules:
            ids, _ = check_module(course.module_path(module))
            click.echo(f"  {module}  {course.module_path(module).suffix}  {len(ids)} questions")


@courses.command("notebook")
@click.argument("module", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Notebook to write (default: the module's name with .ipynb).",
)
def to_notebook(module: Path, out: Path | None) -> None:
    """Write a Markdown MODULE as a Jupyter notebook that builds the same page."""
    if module.suffix != ".md":
        fail(what="courses", problems=[ContentError(module, None, "the module to convert must be a .md file")])
    _, errors = check_module(module)
    errors = front_matter.check_text(module.read_text(encoding="utf-8"), module) + errors
    if errors:
        fail(what="courses", problems=errors)
    out = out or module.with_suffix(".ipynb")
    if out.exists():
        fail(what="courses", problems=[ContentError(out, None, "already exists; remove it or choose --out")])
    notebook = markdown_to_notebook(module.read_text(encoding="utf-8"))
    # Write beside the target, then move: never a half-written notebook.
    handle, temporary = tempfile.mkstemp(dir=out.parent or Path("."), suffix=".ipynb.tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        nbformat.write(notebook, stream)
    os.replace(temporary, out)
    click.echo(f"isdp: wrote {out}; delete {module} (a module exists in one form only)")
