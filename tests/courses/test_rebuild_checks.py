"""The courses' consistency check on an incremental build: it reads the question ids and
key hashes the pages recorded while Sphinx read them, not every module again, so an edit
between two builds into the same output must still fail the second one."""

from __future__ import annotations

import re

from build_tools.courses.keys import LOCK_FILE, write_lock
from build_tools.courses.model import load_course

from .conftest import COURSE_YAML, QUESTION, module

TWO_MODULES = COURSE_YAML.replace("modules: [first]\n", "modules: [first, second]\n")


def _locked_site(course_site, modules: dict[str, str], course_yaml: str = COURSE_YAML):
    src = course_site(modules, course_yaml)
    added, errors = write_lock(load_course(src / "courses/demo/course.yaml"))
    assert not errors and added == len(modules)
    return src


def _move_key(path):
    """The second choice becomes the correct one instead of the first."""
    text = path.read_text(encoding="utf-8")
    moved = text.replace(":::{choice} This one.\n:correct:\n", ":::{choice} This one.\n", 1)
    moved = moved.replace(":::{choice} That one.\n", ":::{choice} That one.\n:correct:\n", 1)
    assert moved != text
    path.write_text(moved, encoding="utf-8")


def _warned(result, text: str) -> bool:
    return any(text in w for w in result.warnings)


def test_a_key_changed_between_two_builds_fails_the_second_and_the_next(course_site, build_site):
    src = _locked_site(course_site, {"first.md": module(QUESTION)})
    assert build_site(src).ok
    _move_key(src / "courses/demo/first.md")
    for _ in range(2):  # a failed build forgets its environment: the error comes back
        result = build_site(src)
        assert not result.ok
        assert _warned(result, "courses/demo/first.md:9: WARNING: question 'demo-01': its correct answer changed"), \
            result.warnings


def test_an_unchanged_page_is_checked_against_an_edited_lock(course_site, build_site):
    src = _locked_site(course_site, {"first.md": module(QUESTION)})
    assert build_site(src).ok
    lock = src / "courses/demo" / LOCK_FILE
    lock.write_text(re.sub(r"demo-01 sha256:[0-9a-f]{64}", "demo-01 sha256:" + "0" * 64, lock.read_text()))
    result = build_site(src)
    assert not result.ok
    assert _warned(result, "question 'demo-01': its correct answer changed"), result.warnings


def test_an_id_reused_in_another_module_between_two_builds_fails(course_site, build_site):
    second = module(QUESTION.replace("demo-01", "demo-02"))
    src = _locked_site(course_site, {"first.md": module(QUESTION), "second.md": second}, TWO_MODULES)
    assert build_site(src).ok
    (src / "courses/demo/second.md").write_text(module(QUESTION), encoding="utf-8")
    result = build_site(src)
    assert not result.ok
    assert _warned(result, "question id 'demo-01' is used twice in course 'demo' (first at first.md:9)"), \
        result.warnings
