"""``isdp check`` for courses: course.yaml files, notebook modules and every quiz question,
without a Sphinx build (the same parsers the build uses)."""

from __future__ import annotations

from pathlib import Path

from ..errors import ContentError, ContentErrors
from .model import course_files, load_course
from .notebook import check_notebook
from .questions import extract_questions


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


def check_courses(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    errors: list[ContentError] = []
    for course_file in course_files(srcdir):
        try:
            course = load_course(course_file)
        except ContentError as exc:
            errors.append(exc)
            continue
        except ContentErrors as exc:
            errors.extend(exc.errors)
            continue
        seen: dict[str, str] = {}
        for module in course.modules:
            path = course.module_path(module)
            ids, module_errors = check_module(path)
            errors.extend(module_errors)
            for qid, line in ids:
                if qid in seen:
                    errors.append(
                        ContentError(
                            path,
                            line,
                            f"question id '{qid}' is used twice in "
                            f"course '{course.id}' (first at {seen[qid]})",
                        )
                    )
                else:
                    seen[qid] = f"{path.name}:{line}"
    return errors
