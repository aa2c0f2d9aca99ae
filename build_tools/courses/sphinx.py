"""Wire the courses into Sphinx: directives, the notebook parser, module pages, checks, assets."""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from build_tools.core.errors import ContentError
from build_tools.courses import nodes as qn
from build_tools.courses.check import duplicate_ids
from build_tools.courses.directives import (
    CourseList,
    CourseOutline,
    QuizDirective,
    ScenarioDirective,
    _doc_link,
    course_of,
    env_questions,
)
from build_tools.courses.keys import locked_key_errors
from build_tools.courses.model import COURSE_FILE, COURSES_DIR, Course, read_courses
from build_tools.courses.notebook import NotebookParser
from build_tools.site import schema_table
from build_tools.site.config import site_settings
from build_tools.site.diagnostics import Warn, warn_error


def _module_page(app: Sphinx, doctree: nodes.document) -> None:
    """Number a module's questions and add its header line, tracking slot and result panel."""
    docname = app.env.docname
    course, module = course_of(docname, Path(app.srcdir))
    if course is None or module is None:
        return
    app.env.note_dependency(str(course.folder / COURSE_FILE))
    questions = list(doctree.findall(qn.quiz_question))
    for number, question in enumerate(questions, start=1):
        question["number"], question["total"] = number, len(questions)
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    index = course.modules.index(module)
    meta = nodes.paragraph(classes=["isdp-module-meta"])
    meta += nodes.Text(f"Module {index + 1} of {len(course.modules)} in ")
    meta += _doc_link(course.docname, course.title)
    plural = "" if len(questions) == 1 else "s"
    meta += nodes.Text(
        f" · {len(questions)} question{plural} · pass mark {round(course.mastery_score * 100)}%"
    )
    section.insert(1, meta)
    section.insert(2, qn.quiz_module_status())
    following = course.modules[index + 1] if index + 1 < len(course.modules) else None
    section += qn.quiz_result(
        course=course.id,
        module=module,
        mastery=course.mastery_score,
        cycle_start=site_settings(app).training.cycle_start_month,
        next=course.module_docname(following) if following else None,
        course_doc=course.docname,
        total=len(questions),
    )


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    env_questions(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    theirs = env_questions(other)
    for docname in docnames:
        if docname in theirs:
            env_questions(env)[docname] = theirs[docname]


def _check(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """course.yaml errors, question ids used twice in one course, keys against keys.lock.

    From what the pages' {quiz} directives recorded while Sphinx read them (env_questions):
    an edited module is read again, so its new keys are checked; parsing every module here
    instead cost 0.8 s of each one-page rebuild. On env-updated, which every build emits
    (Sphinx checks consistency only when a page was read again): an edited keys.lock or
    course.yaml is checked even when no page changed."""
    courses, errors = read_courses(Path(app.srcdir))
    for error in errors:
        warn_error(Warn.COURSE, error)
    questions = env_questions(env)
    for course in courses:
        found = {m: questions.get(course.module_docname(m), []) for m in course.modules}
        ids = {m: [(qid, line) for qid, line, _ in entries] for m, entries in found.items()}
        for error in duplicate_ids(course, ids):
            warn_error(Warn.QUIZ, error)
        keys = [(qid, course.module_path(m), line, key) for m, entries in found.items()
                for qid, line, key in entries]
        for error in locked_key_errors(course, keys):  # keys.lock
            warn_error(Warn.QUIZ, error)
    return []  # env-updated: no pages to read again


def _assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The quiz runtime loads only on course pages."""
    if pagename.startswith(f"{COURSES_DIR}/") and app.builder.format == "html":
        app.add_css_file("quiz.css")
        app.add_js_file("isdp/quiz.js", type="module")  # modules are deferred


CERTIFICATE_PAGE = f"{COURSES_DIR}/certificate"


def _certificate_page(app: Sphinx):
    """One certificate page for every course (``?course=ID``), filled in the browser."""
    if app.builder.format != "html":
        return
    courses, _ = read_courses(Path(app.srcdir))  # errors: reported by the consistency check
    data = {c.id: {"title": c.title, "url": f"{c.id}/index.html"} for c in courses}
    yield CERTIFICATE_PAGE, {"title": "Certificate of completion",
                             "isdp_certificate_courses": json.dumps(data, sort_keys=True)}, \
        "isdp-certificate.html"


def _learner_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The learner's status panel on every course page; the certificate on its own page."""
    if not pagename.startswith(f"{COURSES_DIR}/") or app.builder.format != "html":
        return
    app.add_js_file("isdp/status-panel.js", type="module")
    if pagename == CERTIFICATE_PAGE:
        app.add_css_file("isdp-certificate.css")
        app.add_js_file("isdp/certificate.js", type="module")


def check(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    from build_tools.courses.check import check_courses

    return check_courses(srcdir, docnames)


def setup(app: Sphinx) -> None:
    qn.setup_nodes(app)
    app.add_directive("quiz", QuizDirective)
    app.add_directive("scenario", ScenarioDirective)
    app.add_directive("course", CourseOutline)
    app.add_directive("course-list", CourseList)
    schema_table.register("course", schema_table.Schema(lambda: {None: Course}))
    app.add_source_suffix(".ipynb", "ipynb")
    app.add_source_parser(NotebookParser)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-read", _module_page)
    app.connect("env-updated", _check)
    app.connect("html-page-context", _assets)
    app.connect("html-collect-pages", _certificate_page)
    app.connect("html-page-context", _learner_assets)
