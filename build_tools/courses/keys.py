"""Answer keys: read from the course sources, and locked per question id.

The compliance report re-scores every recorded answer against the key in the sources, so a
key is part of a question's identity: changing the correct choice under the same id would
re-score a year of answers against a key the learners never saw. ``courses/<id>/keys.lock``
(committed, one ``question-id sha256:HASH`` line per question) records each key's hash;
``isdp check`` and ``isdp build`` fail with the question's ``path:line`` when the sources
disagree ("give the question a new id"), and ``isdp courses lock`` adds new questions. The
lock only grows: a question removed from the sources keeps its line, so its id cannot come
back with another key.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

from build_tools.core.atomic import atomic_file
from build_tools.core.errors import ContentError
from build_tools.courses.model import COURSES_DIR, Course
from build_tools.courses.questions import Question

LOCK_FILE = "keys.lock"
LOCK_HEADER = (
    "# Answer keys of this course: question id, then the hash of its correct choice ids.\n"
    "# Written by `isdp courses lock`; checked by `isdp check` and `isdp build`. Never edit a\n"
    "# line: to change a question's key, give the question a new id.\n"
)
_LINE = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*) sha256:([0-9a-f]{64})$")
RESPONSE_SEPARATOR = "[,]"


@dataclass(frozen=True)
class Key:
    """One question's key as the report scores it: the set of correct choice ids."""

    question: str
    module: str
    correct: frozenset[str]
    label: str = field(default="", compare=False)  # the question itself, for the reports
    # A true-false answer arrives as "true"/"false" (cmi.interaction); map it to a choice id.
    aliases: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def responses(self, most: int = 5040) -> list[str]:
        """Every ``result.response`` that is right: the correct ids in any order (the runtime
        shuffles choices), with true/false by name; capped at 7 correct choices (5,040)."""
        names = {choice: [choice] for choice in self.correct}
        for alias, choice in self.aliases.items():
            if choice in names and alias not in names[choice]:
                names[choice].append(alias)
        found = []
        for order in itertools.islice(itertools.permutations(sorted(self.correct)), most):
            for spelling in itertools.product(*(names[choice] for choice in order)):
                found.append(RESPONSE_SEPARATOR.join(spelling))
        return found

    def is_correct(self, response: str | None) -> bool:
        """A learner's ``result.response`` (choice ids joined by ``[,]``, any order)."""
        if response is None:
            return False
        chosen = {self.aliases.get(token.strip().lower(), token.strip())
                  for token in response.split(RESPONSE_SEPARATOR) if token.strip()}
        return chosen == self.correct


@dataclass
class LocatedQuestion:
    """A parsed question and where it is in its source file (notebook lines mapped back)."""

    question: Question
    module: str
    path: Path
    line: int


def key_hash(question: Question) -> str:
    """The hash of a key: the question id and its correct choice ids, sorted (the order of the
    choices is not the key; the id keeps equal keys of two questions from looking alike)."""
    text = question.id + "\n" + RESPONSE_SEPARATOR.join(sorted(question.correct))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _label(question: Question, width: int = 140) -> str:
    """The last paragraph of the prompt (the question itself), on one line."""
    paragraphs = [p for p in question.prompt.text.split("\n\n") if p.strip()]
    text = " ".join(paragraphs[-1].split()) if paragraphs else question.id
    return text if len(text) <= width else text[: width - 1] + "…"


def _true_false_aliases(question: Question) -> dict[str, str]:
    if question.kind != "true-false":
        return {}
    aliases = {}
    for choice in question.choices:
        for value in (choice.id, choice.label):
            if value.strip().lower() in ("true", "false"):
                aliases[value.strip().lower()] = choice.id
    return aliases


def module_questions(course: Course, module: str) -> tuple[list[LocatedQuestion], list[ContentError]]:
    """Every question of one module of a course, with its file line."""
    from build_tools.courses.notebook import check_notebook
    from build_tools.courses.questions import extract_questions

    path = course.module_path(module)
    errors: list[ContentError] = []
    to_file_line = None
    if path.suffix == ".ipynb":
        converted, errors = check_notebook(path)
        if converted is None:
            return [], errors
        text, to_file_line = converted.text, converted.file_line
    else:
        text = path.read_text(encoding="utf-8")
    found = []
    for question, question_errors in extract_questions(text, path):
        errors.extend(question_errors)
        line = to_file_line(question.line) if to_file_line else question.line
        found.append(LocatedQuestion(question, module, path, line or question.line))
    return found, errors


def course_questions(course: Course) -> tuple[list[LocatedQuestion], list[ContentError]]:
    questions: list[LocatedQuestion] = []
    errors: list[ContentError] = []
    for module in course.modules:
        found, module_errors = module_questions(course, module)
        questions += found
        errors += module_errors
    return questions, errors


def course_keys(course: Course) -> dict[str, Key]:
    """Question id -> key, read from the sources (check them, lock included, first)."""
    return keys_of(course_questions(course)[0])


def keys_of(questions: list[LocatedQuestion]) -> dict[str, Key]:
    return {
        located.question.id: Key(located.question.id, located.module,
                                 frozenset(located.question.correct),
                                 _label(located.question), _true_false_aliases(located.question))
        for located in questions
    }


def lock_path(course: Course) -> Path:
    return course.folder / LOCK_FILE


def read_lock(path: Path) -> tuple[dict[str, tuple[str, int]], list[ContentError]]:
    """Question id -> (hash, line) of a lock file, and its malformed lines."""
    locked: dict[str, tuple[str, int]] = {}
    errors: list[ContentError] = []
    if not path.exists():
        return locked, errors
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip() or text.startswith("#"):
            continue
        match = _LINE.match(text.strip())
        if not match:
            errors.append(ContentError(path, number, "expected 'question-id sha256:HASH'; "
                                       "run `isdp courses lock` instead of editing this file"))
        elif match.group(1) in locked:
            errors.append(ContentError(path, number, f"question '{match.group(1)}' is locked twice"))
        else:
            locked[match.group(1)] = (match.group(2), number)
    return locked, errors


def lock_errors(course: Course, questions: list[LocatedQuestion]) -> list[ContentError]:
    """The sources against the committed lock: a changed key, or a question not yet locked."""
    return locked_key_errors(course, [
        (q.question.id, q.path, q.line, key_hash(q.question) if q.question.correct else None)
        for q in questions])


def locked_key_errors(course: Course, keys: list[tuple[str, Path, int, str | None]]) -> list[ContentError]:
    """``lock_errors`` from (question id, path, line, key hash) records: the build keeps these
    per page in its environment (courses/sphinx.py), so it need not parse every module again."""
    path = lock_path(course)
    if not path.exists():
        return []  # a course not locked yet (a new course): `isdp courses lock` starts its lock
    locked, errors = read_lock(path)
    shown = f"{COURSES_DIR}/{course.id}/{LOCK_FILE}"
    for qid, source, line, hashed in keys:
        if hashed is None:
            continue  # no key at all: the question's own check already reports it
        if qid not in locked:
            errors.append(ContentError(source, line,
                                       f"question '{qid}' is not in {shown}: run `isdp courses lock`"))
        elif locked[qid][0] != hashed:
            errors.append(ContentError(
                source, line,
                f"question '{qid}': its correct answer changed since {shown}:{locked[qid][1]} "
                "locked it, and a year of answers is re-scored against that key: give the "
                "question a new id"))
    return errors


def write_lock(course: Course) -> tuple[int, list[ContentError]]:
    """Add the course's new questions to its lock (never change a locked key); how many."""
    questions, errors = course_questions(course)
    path = lock_path(course)
    locked, lock_problems = read_lock(path)
    errors += lock_problems
    errors += [e for e in lock_errors(course, questions) if "is not in" not in e.message]
    if errors:
        return 0, errors
    hashes = {qid: value for qid, (value, _) in locked.items()}
    added = 0
    for located in questions:
        if located.question.correct and located.question.id not in hashes:
            hashes[located.question.id] = key_hash(located.question)
            added += 1
    body = LOCK_HEADER + "".join(f"{qid} sha256:{value}\n" for qid, value in sorted(hashes.items()))
    with atomic_file(path) as stream:
        stream.write(body)
    return added, []
