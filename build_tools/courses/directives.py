"""The course directives: ``{quiz}``, ``{scenario}``, ``{course}`` and ``{course-list}``.

They build the builder-neutral nodes of ``nodes.py``. A quiz body is read by the same
``questions.parse_question`` that ``isdp check`` uses; its Markdown fragments (prompt,
feedback, explanation) are then parsed in place so their line numbers stay right.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from build_tools.core.errors import ContentError, ContentErrors
from build_tools.courses import nodes as qn
from build_tools.courses.keys import key_hash
from build_tools.courses.model import ALL, COURSE_FILE, COURSES_DIR, Course, load_course, read_courses
from build_tools.courses.questions import Fragment, QuizSpec, parse_question
from build_tools.site.config import site_settings
from build_tools.site.diagnostics import Warn, warn_error


def env_questions(env) -> dict[str, list[tuple[str, int, str | None]]]:
    """Question id, line and key hash (keys.py; None without a key) per page, kept in the
    build environment (merged after parallel reads, purged when a page changes): the
    consistency check reads them instead of parsing every module again."""
    if not hasattr(env, "isdp_questions"):
        env.isdp_questions = {}
    return env.isdp_questions  # type: ignore[no-any-return]


def course_file_of(docname: str, srcdir: Path) -> Path | None:
    """The course.yaml governing a page ``courses/<id>/<page>``, if the page is in a course."""
    parts = docname.split("/")
    if len(parts) != 3 or parts[0] != COURSES_DIR:
        return None
    return Path(srcdir) / COURSES_DIR / parts[1] / COURSE_FILE


def course_of(docname: str, srcdir: Path) -> tuple[Course | None, str | None]:
    """The course a page belongs to and its module id (None for the course's index)."""
    path = course_file_of(docname, srcdir)
    if path is None:
        return None, None
    try:
        course = load_course(path)
    except (ContentError, ContentErrors):
        return None, None  # reported once, with lines, by the consistency check
    module = docname.rsplit("/", 1)[1]
    return course, (module if module in course.modules else None)


class CourseDirective(SphinxDirective):
    """Base: the course of the current page, with course.yaml as a dependency."""

    def page_course(self) -> tuple[Course | None, str | None]:
        path = course_file_of(self.env.docname, Path(self.env.srcdir))
        if path is not None:
            self.env.note_dependency(str(path))
        return course_of(self.env.docname, Path(self.env.srcdir))

    def fail(self, message: str) -> list[nodes.Node]:
        warn_error(
            Warn.QUIZ, ContentError(self.env.doc2path(self.env.docname), self.lineno, message)
        )
        return []

    def parse_fragment(self, fragment: Fragment, node: nodes.Element) -> nodes.Element:
        """Parse Markdown lines that start at file line ``fragment.line`` into ``node``."""
        self.state.nested_parse(
            StringList(fragment.lines, self.env.doc2path(self.env.docname)),
            fragment.line - self.lineno - 1,
            node,
        )
        return node


class QuizDirective(QuizSpec, CourseDirective):
    """``{quiz} <question-id>``: one question of a course module."""

    def run(self) -> list[nodes.Node]:
        course, module = self.page_course()
        if course is None or module is None:
            return self.fail("a {quiz} belongs in a course module listed in its course.yaml")
        path = self.env.doc2path(self.env.docname)
        # MyST gives content_offset relative to the opener line.
        first_line = self.lineno + 1 + self.content_offset
        question, errors = parse_question(
            self.arguments[0], self.options, list(self.content), first_line, path, self.lineno
        )
        for error in errors:
            warn_error(Warn.QUIZ, error)
        if errors or question.explanation is None:
            return []
        key = key_hash(question) if question.correct else None
        env_questions(self.env).setdefault(self.env.docname, []).append((question.id, self.lineno, key))
        node = qn.quiz_question(
            qid=question.id,
            kind=question.kind,
            course=course.id,
            module=module,
            correct=question.correct,
            select=question.select,
        )
        node.source, node.line = path, self.lineno
        prompt = self.parse_fragment(question.prompt, qn.quiz_context())
        stem_paragraph = prompt.children[-1]
        prompt.remove(stem_paragraph)
        if prompt.children:
            node += prompt
        group = qn.quiz_choices()
        group += qn.quiz_stem("", "", *stem_paragraph.children)
        answer = qn.quiz_answer()  # no "Correct answer" line: nothing names the key (sealing.py)
        for choice in question.choices:
            label, messages = self.state.inline_text(choice.label, choice.line)
            for child in label:
                for inner in child.findall(include_self=True):
                    inner.line = choice.line
            group += qn.quiz_choice("", "", *label, cid=choice.id, correct=choice.correct)
            feedback = qn.quiz_feedback(cid=choice.id)
            verdict = "correct" if choice.correct else "not correct"
            feedback += nodes.paragraph(
                "",
                "",
                nodes.strong("", "", *[n.deepcopy() for n in label]),
                nodes.Text(f" ({verdict})"),
            )
            self.parse_fragment(choice.feedback, feedback)
            answer += feedback
            group.extend(messages)
        node += group
        answer += self.parse_fragment(question.explanation, qn.quiz_explanation())
        node += answer
        return [node]


class ScenarioDirective(CourseDirective):
    """``{scenario} Title``: a short case, then the ``{quiz}`` blocks that ask about it."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True

    def run(self) -> list[nodes.Node]:
        node = qn.quiz_scenario()
        title = self.arguments[0]
        node += nodes.rubric("", f"Scenario: {title}")
        node["ids"].append(nodes.make_id(f"scenario-{title}"))
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


def _toctree(docname: str, entries: list[str]) -> nodes.Node:
    """A hidden toctree, so the sidebar and next/previous links follow course.yaml."""
    toctree = addnodes.toctree()
    toctree.attributes.update(
        parent=docname,
        entries=[(None, e) for e in entries],
        includefiles=entries,
        maxdepth=1,
        caption=None,
        glob=False,
        hidden=True,
        includehidden=False,
        numbered=0,
        titlesonly=False,
    )
    return nodes.compound("", toctree, classes=["toctree-wrapper"])


def _doc_link(target: str, text: str | None = None) -> nodes.Node:
    """A link to a page; without ``text`` it shows the page's title."""
    ref = addnodes.pending_xref(
        "",
        refdomain="std",
        reftype="doc",
        reftarget=f"/{target}",
        refexplicit=text is not None,
        refwarn=True,
    )
    ref += nodes.inline("", text or target)
    return ref


def _facts(course: Course) -> nodes.Node:
    required = "every employee" if ALL in course.required_for else ", ".join(course.required_for)
    facts = nodes.definition_list(classes=["isdp-course-facts"])
    for term, value in (
        ("Who it is for", course.audience),
        ("Required of", required),
        ("Time", f"about {course.estimated_minutes} minutes"),
        ("Pass mark", f"{round(course.mastery_score * 100)}% in every module"),
        ("Modules", str(len(course.modules))),
    ):
        facts += nodes.definition_list_item(
            "", nodes.term("", term), nodes.definition("", nodes.paragraph("", value))
        )
    return facts


class CourseOutline(CourseDirective):
    """``{course}`` on ``courses/<id>/index.md``: facts, modules with progress, toctree."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        course, _ = self.page_course()
        if course is None or self.env.docname != course.docname:
            return self.fail("{course} belongs on courses/<id>/index.md of a valid course")
        cycle_start = site_settings(self.env.app).training.cycle_start_month
        modules = nodes.enumerated_list(classes=["isdp-module-list"])
        for module in course.modules:
            docname = course.module_docname(module)
            item = nodes.paragraph(
                "",
                "",
                _doc_link(docname),
                nodes.Text(" "),
                qn.quiz_progress(
                    course=course.id, modules=[module], scope="module", cycle_start=cycle_start
                ),
            )
            modules += nodes.list_item("", item)
        progress = nodes.paragraph(
            "",
            "",
            qn.quiz_progress(
                course=course.id, modules=course.modules, scope="course", cycle_start=cycle_start
            ),
            classes=["isdp-course-progress"],
        )
        return [
            _facts(course),
            progress,
            modules,
            _toctree(self.env.docname, [course.module_docname(m) for m in course.modules]),
        ]


class CourseList(CourseDirective):
    """``{course-list}`` on ``courses/index.md``: every course, its facts and progress."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        courses, _ = read_courses(Path(self.env.srcdir))  # errors: reported by the build check
        for course in courses:
            self.env.note_dependency(str(course.folder / COURSE_FILE))
        cycle_start = site_settings(self.env.app).training.cycle_start_month
        result: list[nodes.Node] = []
        for course in courses:
            section = nodes.container(classes=["isdp-course-card"])
            section += qn.course_title("", "", _doc_link(course.docname, course.title))
            section += nodes.paragraph(
                "",
                "",
                qn.quiz_progress(
                    course=course.id,
                    modules=course.modules,
                    scope="course",
                    cycle_start=cycle_start,
                ),
            )
            section += _facts(course)
            result.append(section)
        result.append(_toctree(self.env.docname, [course.docname for course in courses]))
        return result
