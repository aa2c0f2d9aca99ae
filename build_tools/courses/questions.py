"""The quiz question as data, and the one parser of its Markdown body.

Both the ``{quiz}`` directive (during a build) and ``isdp check`` (without one) read a
question through ``parse_question``, so an author sees the same ``path:line`` errors from
either. The body is tokenised with MyST's own markdown-it configuration: the prompt comes
first, then ``{choice}`` blocks (``:correct:`` marks the key) and one ``{explanation}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from docutils.parsers.rst import Directive, directives
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.directives import parse_directive_text
from myst_parser.parsers.mdit import create_md_parser

from build_tools.core.errors import ContentError
from build_tools.core.slug import SLUG_RE
from build_tools.site.config import MYST_EXTENSIONS

KINDS = ("single", "multiple", "true-false")
HINTS = {
    "single": "Choose one answer.",
    "multiple": "Choose all that apply.",
    "true-false": "True or false?",
}
QID = SLUG_RE
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def kind_option(value: str | None) -> str:
    return directives.choice(value, KINDS)


class QuizSpec(Directive):
    """Options of ``{quiz}``; the Sphinx directive subclasses it, ``isdp check`` parses with it."""

    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = False
    has_content = True
    option_spec = {"kind": kind_option, "select": directives.positive_int}


class ChoiceSpec(Directive):
    """Options of a ``{choice}`` block inside a quiz body (not a directive of its own)."""

    required_arguments = 0
    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {"correct": directives.flag, "id": directives.unchanged_required}


class ExplanationSpec(Directive):
    required_arguments = 0
    optional_arguments = 0
    has_content = True
    option_spec: dict = {}


@dataclass
class Fragment:
    """Markdown lines and the file line of the first one."""

    lines: list[str]
    line: int

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()


@dataclass
class Choice:
    id: str
    label: str
    line: int
    correct: bool
    feedback: Fragment


@dataclass
class Question:
    id: str
    kind: str
    line: int
    prompt: Fragment
    choices: list[Choice] = field(default_factory=list)
    explanation: Fragment | None = None
    select: int | None = None

    @property
    def correct(self) -> list[str]:
        return [choice.id for choice in self.choices if choice.correct]


@cache
def markdown_parser() -> MarkdownIt:
    return create_md_parser(MdParserConfig(enable_extensions=set(MYST_EXTENSIONS)), RendererHTML)


def _is_directive(token) -> bool:
    return token.type in ("fence", "colon_fence") and token.info.strip().startswith("{")


def _directive_name(token) -> tuple[str, str]:
    name, _, rest = token.info.strip()[1:].partition("}")
    return name.strip(), rest.strip()


def parse_question(
    qid: str, options: dict, body: list[str], first_line: int, path: Path | str, line: int
) -> tuple[Question, list[ContentError]]:
    """Read a quiz body (the lines after the options) into a Question and its errors.

    ``first_line`` is the file line of ``body[0]``; ``line`` that of the ``{quiz}`` opener.
    """
    errors: list[ContentError] = []

    def error(at: int, message: str) -> None:
        errors.append(ContentError(path, at, message))

    kind = options.get("kind", "single")
    question = Question(
        id=qid, kind=kind, line=line, prompt=Fragment([], first_line), select=options.get("select")
    )
    if not QID.match(qid):
        error(line, f"question id '{qid}' must be a slug: lower-case letters, digits and hyphens")
    tokens = markdown_parser().parse("\n".join(body))
    blocks = [t for t in tokens if t.level == 0 and t.map and t.nesting in (0, 1)]
    starts = [t.map[0] if t.map else 0 for t in blocks]  # top-level blocks always have a map
    first_choice = next((i for i, t in enumerate(blocks) if _is_directive(t)), len(blocks))
    prompt_end = starts[first_choice] if first_choice < len(blocks) else len(body)
    question.prompt = Fragment(body[:prompt_end], first_line)
    prompt_blocks = blocks[:first_choice]
    if not prompt_blocks:
        error(line, f"question '{qid}' has no prompt: write the question before the first choice")
    elif prompt_blocks[-1].type != "paragraph_open":
        error(
            first_line + starts[first_choice - 1],
            f"question '{qid}': end the prompt with the question itself, as a paragraph",
        )
    for token, start in zip(blocks[first_choice:], starts[first_choice:], strict=True):
        at = first_line + start
        if not _is_directive(token):
            error(
                at,
                f"question '{qid}': only {{choice}} and {{explanation}} blocks may follow "
                "the first choice; move this text into the prompt or a feedback",
            )
            continue
        name, argument = _directive_name(token)
        if name == "choice":
            _add_choice(question, argument, token.content, at, path, errors)
        elif name == "explanation":
            if question.explanation is not None:
                error(at, f"question '{qid}' has a second {{explanation}}; keep one")
                continue
            parsed = parse_directive_text(ExplanationSpec, argument, token.content, line=at)
            question.explanation = Fragment(parsed.body, at + 1 + parsed.body_offset)
        else:
            error(
                at, f"question '{qid}': unknown block {{{name}}}; use {{choice}} or {{explanation}}"
            )
    _assign_ids(question, errors, path)
    errors.extend(_check_key(question, path))
    return question, errors


def _add_choice(question: Question, argument: str, content: str, at: int, path, errors) -> None:
    try:
        parsed = parse_directive_text(ChoiceSpec, argument, content, line=at)
    except Exception as exc:  # MarkupError: a bad option value
        errors.append(ContentError(path, at, f"question '{question.id}': choice: {exc}"))
        return
    for warning in parsed.warnings:
        errors.append(ContentError(path, at, f"question '{question.id}': choice: {warning.msg}"))
    label = " ".join(parsed.arguments).strip()
    feedback = Fragment(parsed.body, at + 1 + parsed.body_offset)
    choice = Choice(
        id=parsed.options.get("id", ""),
        label=label,
        line=at,
        correct="correct" in parsed.options,
        feedback=feedback,
    )
    if not label:
        errors.append(
            ContentError(
                path,
                at,
                f"question '{question.id}' has an empty choice: "
                "write the answer text after {choice}",
            )
        )
    if not feedback.text:
        errors.append(
            ContentError(
                path,
                at,
                f"question '{question.id}': choice '{label}' has no "
                "feedback; say why it is right or wrong",
            )
        )
    question.choices.append(choice)


def _assign_ids(question: Question, errors: list[ContentError], path) -> None:
    seen: set[str] = set()
    for index, choice in enumerate(question.choices):
        if not choice.id:
            label = choice.label.strip().lower()
            if question.kind == "true-false" and label in ("true", "false"):
                choice.id = label
            else:
                choice.id = LETTERS[index] if index < len(LETTERS) else f"c{index}"
        if not QID.match(choice.id):
            errors.append(
                ContentError(
                    path,
                    choice.line,
                    f"question '{question.id}': choice id '{choice.id}' must be a slug",
                )
            )
        if choice.id in seen:
            errors.append(
                ContentError(
                    path,
                    choice.line,
                    f"question '{question.id}': choice id '{choice.id}' is used twice",
                )
            )
        seen.add(choice.id)


def _check_key(q: Question, path) -> Iterator[ContentError]:
    """The answer key must exist and be one a learner can actually give."""
    correct = len(q.correct)
    if q.explanation is None or not q.explanation.text:
        yield ContentError(
            path,
            q.line,
            f"question '{q.id}' has no {{explanation}}: say what the learner should take away",
        )
    if len(q.choices) < 2:
        yield ContentError(path, q.line, f"question '{q.id}' needs at least two choices")
        return
    if correct == 0:
        yield ContentError(
            path, q.line, f"question '{q.id}' has no correct answer: mark one choice with :correct:"
        )
        return
    if q.kind == "true-false":
        labels = sorted(choice.label.strip().lower() for choice in q.choices)
        if labels != ["false", "true"]:
            yield ContentError(
                path,
                q.line,
                f"true-false question '{q.id}' needs exactly two choices, True and False",
            )
    if q.kind in ("single", "true-false") and correct > 1:
        yield ContentError(
            path,
            q.line,
            f"{q.kind} question '{q.id}' has {correct} correct "
            "choices; a learner can pick only one (use :kind: multiple)",
        )
    if q.select is not None and q.kind != "multiple":
        yield ContentError(
            path, q.line, f"question '{q.id}': :select: applies only to :kind: multiple"
        )
    if q.kind == "multiple" and q.select is not None and q.select != correct:
        yield ContentError(
            path,
            q.line,
            f"multiple-choice question '{q.id}' asks the learner "
            f"to select {q.select} but its key has {correct} correct "
            "choices: the key cannot be satisfied",
        )


def extract_questions(
    text: str, path: Path | str, offset: int = 0
) -> Iterator[tuple[Question, list[ContentError]]]:
    """Every ``{quiz}`` of a MyST text, at any depth (scenarios, admonitions...).

    ``offset`` is the file line before ``text``'s first line.
    """
    for token in markdown_parser().parse(text):
        if not (_is_directive(token) and token.map):
            continue
        name, argument = _directive_name(token)
        opener = offset + token.map[0] + 1
        if name == "quiz":
            try:
                parsed = parse_directive_text(QuizSpec, argument, token.content, line=opener)
            except Exception as exc:  # MarkupError: bad options or arguments
                yield (
                    Question(argument or "?", "single", opener, Fragment([], opener)),
                    [ContentError(path, opener, f"quiz: {exc}")],
                )
                continue
            if parsed.warnings:
                yield (
                    Question(argument or "?", "single", opener, Fragment([], opener)),
                    [ContentError(path, opener, f"quiz: {w.msg}") for w in parsed.warnings],
                )
                continue
            qid = parsed.arguments[0] if parsed.arguments else ""
            yield parse_question(
                qid, parsed.options, parsed.body, opener + 1 + parsed.body_offset, path, opener
            )
        else:
            yield from extract_questions(token.content, path, opener)
