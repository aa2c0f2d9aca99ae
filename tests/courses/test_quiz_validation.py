"""Quiz errors: ``isdp check`` and the build both refuse bad questions, each with path:line."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from build_tools.cli import main

from .conftest import QUESTION, module

HEAD = 8  # lines of front matter, title and teaching text before the body in module()


def question(**replace: str) -> str:
    text = QUESTION
    for old, new in replace.items():
        text = text.replace(old.replace("_", " "), new)
    return text


CASES = {
    "no correct answer": (
        question(**{":correct:\n": ""}),
        [(1, "question 'demo-01' has no correct answer: mark one choice with :correct:")],
    ),
    "empty choice": (
        question(**{":::{choice} That one.": ":::{choice}"}),
        [(11, "question 'demo-01' has an empty choice: write the answer text after {choice}")],
    ),
    "unsatisfiable multiple-choice key": (
        question(**{":kind: single": ":kind: multiple\n:select: 2"}),
        [
            (
                1,
                "multiple-choice question 'demo-01' asks the learner to select 2 but its key has "
                "1 correct choices: the key cannot be satisfied",
            )
        ],
    ),
    "two correct answers in a single-choice question": (
        question(**{":::{choice} That one.": ":::{choice} That one.\n:correct:"}),
        [
            (
                1,
                "single question 'demo-01' has 2 correct choices; a learner can pick only one "
                "(use :kind: multiple)",
            )
        ],
    ),
    "true-false needs True and False": (
        question(**{":kind: single": ":kind: true-false"}),
        [(1, "true-false question 'demo-01' needs exactly two choices, True and False")],
    ),
    "choice without feedback": (
        question(**{"No, because it is not.\n": ""}),
        [
            (
                11,
                "question 'demo-01': choice 'That one.' has no feedback; "
                "say why it is right or wrong",
            )
        ],
    ),
    "no explanation": (
        QUESTION.replace(":::{explanation}\nPick the right one.\n:::\n", ""),
        [(1, "question 'demo-01' has no {explanation}: say what the learner should take away")],
    ),
    "unknown kind": (
        question(**{":kind: single": ":kind: essay"}),
        [
            (
                1,
                "quiz: Invalid option value for 'kind': essay: \"essay\" unknown; choose from "
                '"single", "multiple", or "true-false"',
            )
        ],
    ),
    "duplicate ids": (
        QUESTION + "\n" + QUESTION,
        [(20, "question id 'demo-01' is used twice in course 'demo' (first at first.md:9)")],
    ),
}


def expected(case: str) -> set[str]:
    return {f"courses/demo/first.md:{HEAD + line}: {message}" for line, message in CASES[case][1]}


@pytest.mark.parametrize("case", CASES)
def test_isdp_check_reports_the_error_with_its_line(case, course_site, monkeypatch):
    src = course_site({"first.md": module(CASES[case][0])})
    monkeypatch.chdir(src)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    problems = {line for line in result.stderr.splitlines() if not line.startswith("isdp:")}
    assert problems == expected(case)
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "case",
    ["no correct answer", "empty choice", "unsatisfiable multiple-choice key", "duplicate ids"],
)
def test_the_build_warns_with_the_same_line(case, course_site, build_site):
    src = course_site({"first.md": module(CASES[case][0])})
    result = build_site(src)
    warnings = {re.sub(r": WARNING: (.*) \[isdp\.quiz\]$", r": \1", w) for w in result.warnings}
    assert warnings == expected(case)


def test_a_valid_module_checks_and_builds_cleanly(course_site, build_site, monkeypatch):
    src = course_site({"first.md": module(QUESTION)})
    monkeypatch.chdir(src)
    assert CliRunner().invoke(main, ["check"]).exit_code == 0
    result = build_site(src)
    assert result.ok, result.warnings


def test_a_quiz_outside_a_course_module_is_refused(course_site, build_site):
    src = course_site({"first.md": module(QUESTION)})
    (src / "courses/loose.md").write_text(
        module(QUESTION).replace("demo-01", "loose-01"), encoding="utf-8"
    )
    result = build_site(src)
    assert any(
        "courses/loose.md:9: WARNING: a {quiz} belongs in a course module" in w
        for w in result.warnings
    )
