"""Builder-neutral quiz nodes and their HTML.

Directives emit these nodes; only the visit functions below know HTML. Other builders
(text, LaTeX, man...) render the nodes' children as plain blocks, and skip what only makes
sense in a browser (progress slots, the result panel).
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from build_tools.courses import sealing
from build_tools.courses.questions import HINTS

NO_SCRIPT = ("Checking and recording your answers needs JavaScript. Turn it on in this browser "
             "to take the quiz; the reading on this page is complete without it.")


class quiz_question(nodes.General, nodes.Element):
    """One question: attributes qid, kind, course, module, correct (list), number, total."""


class quiz_context(nodes.General, nodes.Element):
    """Prompt blocks that come before the question sentence (a case, a list of clues)."""


class quiz_choices(nodes.General, nodes.Element):
    """The answer group: the question sentence (quiz_stem) then the choices."""


class quiz_stem(nodes.Inline, nodes.TextElement):
    """The question sentence itself; the group's accessible name (HTML legend)."""


class quiz_choice(nodes.General, nodes.TextElement):
    """One choice; attributes cid, correct; children are the label's inline nodes."""


class quiz_answer(nodes.General, nodes.Element):
    """Per-choice feedback and the explanation: in HTML sealed into the page's feedback file
    (sealing.py), opened by the browser once the learner has answered; plain in other builders."""


class quiz_feedback(nodes.General, nodes.Element):
    """Feedback for one choice (attribute cid)."""


class quiz_explanation(nodes.General, nodes.Element):
    """What the learner should take away from the question."""


class quiz_scenario(nodes.General, nodes.Element):
    """A short case followed by several questions."""


class course_title(nodes.General, nodes.TextElement):
    """A course's title in the course list: a heading in HTML, a paragraph elsewhere."""


class quiz_module_status(nodes.General, nodes.Element):
    """Where the tracking runtime writes (HTML only)."""


class quiz_result(nodes.General, nodes.Element):
    """The module's score panel, filled by the quiz runtime (HTML only)."""


class quiz_progress(nodes.Inline, nodes.Element):
    """A progress slot for a course or a module, filled from localStorage (HTML only)."""


def _data(**attributes: object) -> str:
    return "".join(
        f' data-isdp-{name.replace("_", "-")}="{escape(str(value))}"'
        for name, value in attributes.items()
        if value is not None
    )


def _feedback_file(self) -> sealing.FeedbackFile:
    """The file this write of the page seals its feedback into (written by _write_feedback)."""
    pending = self.builder.__dict__.setdefault("isdp_feedback", {})
    docname = self.builder.current_docname
    if docname not in pending:
        # named after the output file, as _write_feedback finds it (first.html: first.feedback-…)
        pending[docname] = sealing.FeedbackFile.for_page(Path(self.builder.get_outfilename(docname)).name)
    return pending[docname]


def visit_question(self, node: quiz_question) -> None:
    # A new salt each time the page is written: no key, only its salted hash (sealing.py).
    salt = sealing.new_salt()
    self._isdp_salt = salt
    feedback = _feedback_file(self)
    self._isdp_sealed = feedback.questions.setdefault(node["qid"], {"feedback": {}})
    self.body.append(
        f'<div class="isdp-quiz" id="{escape(node["qid"])}" data-isdp-quiz=""'
        + _data(
            course=node["course"],
            module=node["module"],
            question=node["qid"],
            kind=node["kind"],
            select=node.get("select"),
            salt=base64.b64encode(salt).decode(),
            key_hash=sealing.key_hash(salt, list(node["correct"])),
            sealed_src=feedback.name,
        )
        + ">\n"
    )


def depart_div(self, node: nodes.Element) -> None:
    self.body.append("</div>\n")


def visit_context(self, node: quiz_context) -> None:
    self.body.append('<div class="isdp-quiz-context">\n')


def visit_choices(self, node: quiz_choices) -> None:
    self.body.append('<fieldset class="isdp-quiz-group">\n')


def depart_choices(self, node: quiz_choices) -> None:
    # The button is in the HTML (disabled until the runtime is ready), so nothing shifts
    # when the page comes alive.
    self.body.append(
        "</ul>\n</fieldset>\n"
        '<button type="button" class="isdp-quiz-check" disabled>Check answer</button>\n'
        '<div class="isdp-quiz-status" role="status" aria-live="polite"></div>\n'
        f'<noscript><p class="isdp-quiz-nojs">{NO_SCRIPT}</p></noscript>\n'
    )


def visit_stem(self, node: quiz_stem) -> None:
    question = node.parent.parent
    number = f"Question {question.get('number', '')} of {question.get('total', '')}."
    self.body.append(
        f'<legend><span class="isdp-quiz-number">{number}</span> <span class="isdp-quiz-stem">'
    )


def depart_stem(self, node: quiz_stem) -> None:
    kind = node.parent.parent["kind"]
    select = node.parent.parent.get("select")
    words = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
    hint = f"Choose {words.get(select, select)} answers." if select else HINTS[kind]
    self.body.append(
        f'</span> <span class="isdp-quiz-hint">{hint}</span></legend>\n'
        '<ul class="isdp-quiz-choices">\n'
    )


def visit_choice(self, node: quiz_choice) -> None:
    question = node.parent.parent
    qid, cid = question["qid"], node["cid"]
    kind = "checkbox" if question["kind"] == "multiple" else "radio"
    self.body.append(
        f'<li class="isdp-quiz-choice" data-isdp-choice="{escape(cid)}">'
        f'<input type="{kind}" name="{escape(qid)}" id="{escape(qid)}-{escape(cid)}" '
        f'value="{escape(cid)}" autocomplete="off"> <label for="{escape(qid)}-{escape(cid)}">'
    )


def depart_choice(self, node: quiz_choice) -> None:
    self.body.append("</label></li>\n")


def visit_answer(self, node: quiz_answer) -> None:
    self.body.append('<div class="isdp-quiz-answer" hidden>\n')


def _start_sealed(self, node: nodes.Element) -> None:
    self._isdp_sealed_from = len(self.body)


def _end_sealed(self, label: str, payload: dict) -> str:
    """Take what the children wrote since _start_sealed() out of the page, sealed."""
    start = self._isdp_sealed_from
    html = "".join(self.body[start:])
    del self.body[start:]
    return sealing.seal(self._isdp_salt, label, {**payload, "html": html})


def depart_feedback(self, node: quiz_feedback) -> None:
    cid = node["cid"]
    correct = cid in node.parent.parent["correct"]
    self._isdp_sealed["feedback"][cid] = _end_sealed(self, sealing.feedback_label(cid), {"correct": correct})
    self.body.append(f'<div class="isdp-quiz-feedback"{_data(feedback=cid)}></div>\n')


def depart_explanation(self, node: quiz_explanation) -> None:
    self._isdp_sealed["explanation"] = _end_sealed(self, sealing.EXPLANATION_LABEL, {})
    self.body.append('<div class="isdp-quiz-explanation"></div>\n')


def _write_feedback(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The page's sealed feedback beside it, from the same write of the page (same salts)."""
    if app.builder.format == "html":
        feedback = app.builder.__dict__.get("isdp_feedback", {}).pop(pagename, None)
        sealing.write_feedback(Path(app.builder.get_outfilename(pagename)), feedback)


def visit_scenario(self, node: quiz_scenario) -> None:
    self.body.append(
        f'<div class="isdp-scenario" id="{escape(node["ids"][0])}">\n'
        if node["ids"]
        else '<div class="isdp-scenario">\n'
    )


def visit_course_title(self, node: course_title) -> None:
    self.body.append('<h3 class="isdp-course-title">')


def depart_course_title(self, node: course_title) -> None:
    self.body.append("</h3>\n")


def visit_module_status(self, node: quiz_module_status) -> None:
    self.body.append(
        '<div class="isdp-tracking-status" data-isdp-tracking-status="" '
        'role="status" aria-live="polite"></div>\n'
    )
    raise nodes.SkipNode


def visit_result(self, node: quiz_result) -> None:
    total = node.get("total", 0)
    self.body.append(
        '<section class="isdp-quiz-result" data-isdp-quiz-result=""'
        + _data(
            course=node["course"],
            module=node["module"],
            mastery=node["mastery"],
            cycle_start=node["cycle_start"],
            next=_uri(self, node.get("next")),
            course_url=_uri(self, node["course_doc"]),
        )
        + ' aria-labelledby="isdp-result-heading">\n'
        '<h2 id="isdp-result-heading">Your result</h2>\n'
        '<div class="isdp-quiz-result-text" data-isdp-result-text="" role="status" '
        f'aria-live="polite">{answer_all(total)} to see your score.</div>\n'
        f'<noscript><p class="isdp-quiz-nojs">{NO_SCRIPT}</p></noscript>\n</section>\n'
    )
    raise nodes.SkipNode


def answer_all(total: int) -> str:
    return "Answer the question" if total == 1 else f"Answer all {total} questions"


def _uri(self, docname: str | None) -> str | None:
    if docname is None:
        return None
    return self.builder.get_relative_uri(self.builder.current_docname, docname)


def visit_progress(self, node: quiz_progress) -> None:
    self.body.append(
        '<span class="isdp-progress" hidden'
        + _data(
            progress_course=node["course"],
            progress_modules=" ".join(node["modules"]),
            progress_scope=node["scope"],
            cycle_start=node["cycle_start"],
        )
        + "></span>"
    )
    raise nodes.SkipNode


def _pass(self, node: nodes.Element) -> None:
    pass


def _skip(self, node: nodes.Element) -> None:
    raise nodes.SkipNode


class PlainChoices(SphinxPostTransform):
    """For builders other than HTML: the question sentence becomes a paragraph and the
    choices a bullet list, so text, LaTeX or man output reads like the no-JS page."""

    default_priority = 200

    def run(self, **kwargs: object) -> None:
        if self.app.builder.format == "html":
            return
        for title in list(self.document.findall(course_title)):
            title.replace_self(nodes.paragraph("", "", nodes.strong("", "", *title.children)))
        for group in list(self.document.findall(quiz_choices)):
            stem = next(iter(group.findall(quiz_stem)))
            items = nodes.bullet_list()
            for choice in group.findall(quiz_choice):
                items += nodes.list_item("", nodes.paragraph("", "", *choice.children))
            group.replace_self([nodes.paragraph("", "", *stem.children), items])


OTHER_BUILDERS = ("latex", "text", "man", "texinfo")


def setup_nodes(app: Sphinx) -> None:
    passthrough = (_pass, _pass)
    html: dict[type[nodes.Element], tuple[Any, Any]] = {
        quiz_question: (visit_question, depart_div),
        quiz_context: (visit_context, depart_div),
        quiz_choices: (visit_choices, depart_choices),
        quiz_stem: (visit_stem, depart_stem),
        quiz_choice: (visit_choice, depart_choice),
        quiz_answer: (visit_answer, depart_div),
        quiz_feedback: (_start_sealed, depart_feedback),
        quiz_explanation: (_start_sealed, depart_explanation),
        quiz_scenario: (visit_scenario, depart_div),
        course_title: (visit_course_title, depart_course_title),
        quiz_module_status: (visit_module_status, None),
        quiz_result: (visit_result, None),
        quiz_progress: (visit_progress, None),
    }
    app.add_post_transform(PlainChoices)
    app.connect("html-page-context", _write_feedback)
    browser_only = (quiz_module_status, quiz_result, quiz_progress)
    for node_class, visitors in html.items():
        other = (_skip, None) if node_class in browser_only else passthrough
        app.add_node(node_class, html=visitors, **{name: other for name in OTHER_BUILDERS})  # type: ignore[arg-type]
