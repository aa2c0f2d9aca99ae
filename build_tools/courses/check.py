"""``isdp check`` for courses: course.yaml files, notebook modules and every quiz question,
without a Sphinx build (the same parsers the build uses)."""

from __future__ import annotations

from pathlib import Path

from build_tools.core.errors import ContentError
from build_tools.courses.model import Course, read_courses
from build_tools.courses.notebook import check_notebook
from build_tools.courses.questions import extract_questions


def check_module(path: Path) -> tuple[list[tuple[str, int]], list[ContentError]]:
    """Question ids (in order) and errors of one module file, .md or .ipynb."""
    errors: list[ContentError] = []
    if path.suffix == ".ipynb":
        converted, errors = check_notebook(path)
        if converted is None:
            return [], errors
        text = converted.text
    else:
        text = path.read_text(encoding="utf-8")
    ids: list[tuple[str, int]] = []
    for question, question_errors in extract_questions(text, path):
        errors.extend(question_errors)
        ids.append((question.id, question.line))
    return ids, errors


def duplicate_ids(course: Course, ids: dict[str, list[tuple[str, int]]]) -> list[ContentError]:
    """Question ids used twice in a course; ``ids`` maps each module to (id, line) pairs."""
    errors: list[ContentError] = []
    first: dict[str, str] = {}
    for module in course.modules:
        path = course.module_path(module)
        for qid, line in ids.get(module, []):
            if qid in first:
                errors.append(
                    ContentError(
                        path,
                        line,
                        f"question id '{qid}' is used twice in "
                        f"course '{course.id}' (first at {first[qid]})",
                    )
                )
            else:
                first[qid] = f"{path.name}:{line}"
    return errors


def check_courses(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    from build_tools.courses.keys import lock_errors, module_questions

    courses, errors = read_courses(srcdir)
    for course in courses:
        ids: dict[str, list[tuple[str, int]]] = {}
        located = []
        for module in course.modules:
            found, module_errors = module_questions(course, module)
            located += found
            ids[module] = [(q.question.id, q.question.line) for q in found]
            errors.extend(module_errors)
        errors.extend(duplicate_ids(course, ids))
        errors.extend(lock_errors(course, located))  # a key is part of a question's identity
    return errors
