"""course.yaml: the schema, the folder rules and the line of every error."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_tools.core.errors import ContentErrors
from build_tools.courses.model import load_course, load_courses

from .conftest import COURSE_YAML, REPO


def write_course(tmp_path: Path, text: str, modules=("first.md",)) -> Path:
    folder = tmp_path / "courses" / "demo"
    folder.mkdir(parents=True)
    for name in modules:
        (folder / name).write_text("x", encoding="utf-8")
    path = folder / "course.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def messages(path: Path) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        load_course(path)
    return [f"{e.line}: {e.message}" for e in caught.value.errors]


def test_shipped_courses_load_with_stable_ids_and_required_for_all():
    courses = {course.id: course for course in load_courses(REPO)}
    assert set(courses) == {"security-awareness", "ferpa"}
    for course in courses.values():
        assert course.required_for == ["all"]
        assert course.required_of(["teacher"])
        assert 0 < course.mastery_score <= 1
        assert all(course.module_path(m).exists() for m in course.modules)


def test_valid_course_loads(tmp_path):
    course = load_course(write_course(tmp_path, COURSE_YAML))
    assert course.modules == ["first"] and course.folder.name == "demo"
    assert course.docname == "courses/demo/index"


def test_schema_errors_name_their_lines(tmp_path):
    text = (
        COURSE_YAML.replace("mastery_score: 0.8", "mastery_score: 1.5").replace(
            "required_for: [all]", "required_for: [all, teacher]"
        )
        + "colour: blue\n"
    )
    assert messages(write_course(tmp_path, text)) == [
        "4: 'required_for': 'all' already means every employee; list no other role with it",
        "5: 'mastery_score': Input should be less than or equal to 1",
        "8: unknown key 'colour'",
    ]


def test_folder_rules(tmp_path):
    text = COURSE_YAML.replace("id: demo", "id: other").replace(
        "modules: [first]", "modules: [first, second]"
    )
    assert messages(write_course(tmp_path, text, modules=("first.md", "stray.md"))) == [
        "1: id 'other' must equal the folder name 'demo' (ids are stable join keys)",
        "7: module 'second' has no file second.md or second.ipynb in demo/",
        "7: stray.md is in the course folder but not listed under 'modules'",
    ]


def test_module_listed_twice_and_in_both_forms(tmp_path):
    text = COURSE_YAML.replace("modules: [first]", "modules:\n  - first\n  - first\n")
    assert messages(write_course(tmp_path, text, modules=("first.md", "first.ipynb"))) == [
        "9: 'modules': 'first' is listed twice",
        "8: module 'first' exists both as .md and .ipynb; keep one",
        "9: module 'first' exists both as .md and .ipynb; keep one",
    ]
