"""Questions that test knowledge, not test-taking: measured over the real course sources.

Every question of every course is read with the project's own parser (the one the build
and ``isdp check`` use). A single-choice question needs at least four options and a
multiple-choice one at least two wrong options, so that guessing and elimination stop
working. Across the single-choice questions the key must not sit in one favourite position,
and the key must not usually be the longest option (the longest-answer cue). The quiz
runtime may shuffle choices per attempt; these tests are about the sources, which must not
depend on it. Run with ``pytest -s`` to see the distributions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from build_tools.courses.model import read_courses
from build_tools.courses.notebook import check_notebook
from build_tools.courses.questions import Question, extract_questions

REPO = Path(__file__).resolve().parents[2]

MIN_SINGLE_OPTIONS = 4
MIN_MULTIPLE_WRONG = 2
MAX_POSITION_SHARE = 0.40  # no position holds more than this share of single-choice keys
MAX_LONGEST_SHARE = 0.35  # the key is the (strictly) longest option in at most this share


@dataclass(frozen=True)
class Located:
    course: str
    path: Path
    question: Question

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(REPO)}:{self.question.line} {self.question.id}"


def course_questions(srcdir: Path = REPO) -> list[Located]:
    courses, errors = read_courses(srcdir)
    assert not errors, [str(e) for e in errors]
    found: list[Located] = []
    for course in courses:
        for module in course.modules:
            path = course.module_path(module)
            if path.suffix == ".ipynb":
                converted, problems = check_notebook(path)
                assert converted is not None, [str(e) for e in problems]
                text = converted.text
            else:
                text = path.read_text(encoding="utf-8")
            for question, problems in extract_questions(text, path):
                assert not problems, [str(e) for e in problems]
                found.append(Located(course.id, path, question))
    return found


QUESTIONS = course_questions()


def of_kind(kind: str) -> list[Located]:
    return [q for q in QUESTIONS if q.question.kind == kind]


def key_position(question: Question) -> int:
    return next(i for i, choice in enumerate(question.choices) if choice.correct)


def key_is_longest(question: Question) -> bool:
    """The key is longer than every wrong option (a tie gives nothing away)."""
    right = max(len(c.label) for c in question.choices if c.correct)
    wrong = max(len(c.label) for c in question.choices if not c.correct)
    return right > wrong


def share(counter: Counter, total: int) -> str:
    return ", ".join(f"{k}: {v} ({v / total:.0%})" for k, v in sorted(counter.items()))


def test_the_courses_have_questions_of_every_kind():
    kinds = Counter(q.question.kind for q in QUESTIONS)
    print(f"\nquestions: {len(QUESTIONS)} ({share(kinds, len(QUESTIONS))})")
    assert kinds["single"] >= 20 and kinds["multiple"] >= 5 and kinds["true-false"] >= 1


def test_every_single_choice_question_has_at_least_four_options():
    counts = Counter(len(q.question.choices) for q in of_kind("single"))
    print(f"\nsingle-choice option counts: {share(counts, len(of_kind('single')))}")
    short = [q.where for q in of_kind("single") if len(q.question.choices) < MIN_SINGLE_OPTIONS]
    assert not short, f"single-choice questions with fewer than {MIN_SINGLE_OPTIONS} options"


def test_every_multiple_choice_question_has_at_least_two_wrong_options():
    wrong = Counter(
        sum(not c.correct for c in q.question.choices) for q in of_kind("multiple")
    )
    print(f"\nmultiple-choice wrong-option counts: {share(wrong, len(of_kind('multiple')))}")
    few = [
        q.where
        for q in of_kind("multiple")
        if sum(not c.correct for c in q.question.choices) < MIN_MULTIPLE_WRONG
    ]
    assert not few, f"multiple-choice questions with fewer than {MIN_MULTIPLE_WRONG} wrong options"


def test_the_correct_option_is_not_always_in_the_same_position():
    singles = of_kind("single")
    positions = Counter(key_position(q.question) + 1 for q in singles)
    print(f"\nsingle-choice key positions (1 = first): {share(positions, len(singles))}")
    for course in sorted({q.course for q in singles}):
        mine = [q for q in singles if q.course == course]
        counts = Counter(key_position(q.question) + 1 for q in mine)
        print(f"  {course}: {share(counts, len(mine))}")
    worst, count = positions.most_common(1)[0]
    assert count / len(singles) <= MAX_POSITION_SHARE, (
        f"position {worst} holds {count} of {len(singles)} single-choice keys"
    )


@pytest.mark.parametrize("kind", ["single", "multiple"])
def test_the_correct_option_is_not_usually_the_longest(kind):
    questions = of_kind(kind)
    longest = [q for q in questions if key_is_longest(q.question)]
    print(
        f"\n{kind}-choice questions whose key is the longest option: "
        f"{len(longest)} of {len(questions)} ({len(longest) / len(questions):.0%})"
    )
    if kind == "multiple":
        return  # several keys: reported, not limited
    assert len(longest) / len(questions) <= MAX_LONGEST_SHARE, [q.where for q in longest]


def test_the_measures_can_fail():
    """The rules catch the pattern the first release had: three options, key second, longest."""
    from build_tools.courses.questions import parse_question

    body = [
        "Which is right?",
        "",
        ":::{choice} No.",
        "Wrong.",
        ":::",
        "",
        ":::{choice} The long and carefully qualified right answer.",
        ":correct:",
        "Right.",
        ":::",
        "",
        ":::{choice} Never.",
        "Wrong.",
        ":::",
        "",
        ":::{explanation}",
        "Because.",
        ":::",
    ]
    question, errors = parse_question("demo-01", {"kind": "single"}, body, 1, "demo.md", 1)
    assert not errors
    assert len(question.choices) < MIN_SINGLE_OPTIONS
    assert key_position(question) == 1
    assert key_is_longest(question)
