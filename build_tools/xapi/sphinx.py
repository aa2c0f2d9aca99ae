"""Put the tracking runtime on the pages that need it, with the xAPI profile as data.

The runtime (ES modules under ``static/isdp/``, entry ``isdp/tracking.js``) never hard-codes
an IRI: each quiz page (and every page under ``courses/``, where personal launch links land)
carries ``<meta name="isdp-xapi-profile">`` generated from ``Profile.as_json()``. A meta tag,
not an inline script, so the Content-Security-Policy can forbid inline scripts. No credential
is ever written here.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from build_tools.core import tables
from build_tools.core.errors import ContentError, ContentErrors
from build_tools.site.config import site_settings
from build_tools.xapi.profile import Profile

SCRIPT = "isdp/tracking.js"
# Module scripts run in document order: tracking (lower priority number first) listens
# before the quiz runtime dispatches its first event.
SCRIPT_PRIORITY = 200


def needs_tracking(pagename: str, body: str) -> bool:
    return (
        pagename.startswith("courses/")
        or "data-isdp-quiz" in body
        or "data-isdp-tracking-status" in body
    )


def profile_json(app: Sphinx) -> str:
    settings = site_settings(app)
    data = Profile(settings.base_iri).as_json(settings.training.cycle_start_month, settings.training.time_zone)
    # Each course's modules: the runtime sends a course-level `passed` once every module of
    # the course is passed in the cycle (what the compliance report counts).
    data["courses"] = course_modules(Path(app.srcdir))
    return json.dumps(data, separators=(",", ":"), sort_keys=True)


def course_modules(srcdir: Path) -> dict[str, list[str]]:
    from build_tools.courses.model import load_courses

    try:
        return {course.id: list(course.modules) for course in load_courses(srcdir)}
    except (ContentError, ContentErrors):
        return {}  # reported, with lines, by the courses component


def _add_runtime(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.format != "html" or not needs_tracking(pagename, context.get("body", "")):
        return
    cached = getattr(app, "_isdp_profile_json", None)
    if cached is None:
        cached = app._isdp_profile_json = profile_json(app)  # type: ignore[attr-defined]
    context["metatags"] = context.get("metatags", "") + (
        f'\n    <meta name="isdp-xapi-profile" content="{escape(cached)}" />'
    )
    app.add_js_file(SCRIPT, priority=SCRIPT_PRIORITY, type="module")


def _forget_profile(app: Sphinx, env) -> None:
    app._isdp_profile_json = None  # type: ignore[attr-defined]


def check(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    return []  # the profile is code; course tracking is checked with the courses


def setup(app: Sphinx) -> None:
    app.connect("env-updated", _forget_profile)
    app.connect("html-page-context", _add_runtime)
    setup_profile_page(app)


# ---------------------------------------------------------------- the profile page's tables
# content/xapi-profile.md shows the IRIs and an example statement generated from the code,
# so the page for LRS administrators cannot drift from what the runtime sends.


def _table(headers: list[str], rows: list[list[str]], literal: set[int]) -> nodes.table:
    cells = [[nodes.literal(text=cell) if index in literal else cell for index, cell in enumerate(row)]
             for row in rows]
    return tables.table(headers, cells, classes=["isdp-xapi-profile"])


class XapiProfileTable(SphinxDirective):
    """``{xapi-profile-table} iris|verbs|cmi5``: a table generated from profile.py."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        from build_tools.xapi import profile as xp

        settings = site_settings(self.env.app)
        p = xp.Profile(settings.base_iri)
        which = self.arguments[0]
        if which == "iris":
            rows = [
                ["Course", p.course("{course}"), xp.ACTIVITY_TYPES["course"]],
                ["Module", p.module("{course}", "{module}"), xp.ACTIVITY_TYPES["module"]],
                ["Question", p.question("{course}", "{question}"), xp.ACTIVITY_TYPES["question"]],
                ["Training cycle", p.cycle("{first year}-{second year}"), p.cycle_type],
                ["Webinar", p.webinar("{webinar}"), xp.ACTIVITY_TYPES["webinar"]],
                ["Profile (category)", p.category, ""],
                ["LEA code (context extension)", p.lea_extension, ""],
            ]
            return [_table(["What", "IRI", "Activity type"], rows, {1, 2})]
        if which == "verbs":
            return [_table(["Verb", "IRI"], [[name, iri] for name, iri in xp.VERBS.items()], {1})]
        if which == "cmi5":
            rows = [
                ["cmi5 category", xp.CMI5_CATEGORY],
                ["moveOn category", xp.CMI5_MOVEON_CATEGORY],
                *[[f"{name} extension", iri] for name, iri in xp.CMI5_EXTENSIONS.items()],
            ]
            return [_table(["What", "IRI"], rows, {1})]
        raise self.error(f"xapi-profile-table: unknown table '{which}' (iris, verbs, cmi5)")


class XapiExample(SphinxDirective):
    """``{xapi-example} passed``: a statement of that verb, built by profile.py."""

    required_arguments = 1
    option_spec = {"cmi5": directives.flag}

    def run(self) -> list[nodes.Node]:
        import datetime as dt
        import json

        from build_tools.xapi import profile as xp

        settings = site_settings(self.env.app)
        p = xp.Profile(settings.base_iri)
        verb = self.arguments[0]
        when = dt.datetime(2026, 9, 14, 15, 4, 5, tzinfo=dt.UTC)
        common = dict(
            actor=xp.account_actor("https://www.mdek12.org", "100234"),
            course="ferpa",
            cycle=xp.cycle_of(when, settings.training.cycle_start_month),
            registration="1f0c4a52-8a3e-4b1d-9d63-2f6a1c0b7e55",
            lea="2520",
            timestamp=when,
            statement_id="5b0f3c1e-7d2a-4c8b-a9e6-0c4d2b1f8a37",
            cmi5="cmi5" in self.options,
        )
        if verb == "answered":
            choices = [
                {
                    "id": "a",
                    "text": "Refuse and tell the caller to ask the records office in writing",
                },
                {"id": "b", "text": "Read the grades to the caller"},
            ]
            obj = xp.interaction(
                p,
                course="ferpa",
                question="phone-request",
                kind="single",
                prompt="A caller says she is a student's aunt and asks for his grades. What do you do?",
                choices=choices,
                correct_response=["a"],
            )
            body = xp.statement(
                p,
                verb=verb,
                obj=obj,
                result=xp.answered_result(obj, choices, ["a"], True),
                **common,
            )
        elif verb in ("passed", "failed"):
            body = xp.statement(
                p,
                verb=verb,
                obj=xp.activity(p.module("ferpa", "exceptions"), "module"),
                result=xp.verdict_result(9, 10, verb == "passed", 754000),
                **common,
            )
        else:
            raise self.error(f"xapi-example: no example for '{verb}' (answered, passed, failed)")
        text = json.dumps(body, indent=2)
        block = nodes.literal_block(text, text, language="json")
        return [block]


def setup_profile_page(app: Sphinx) -> None:
    app.add_directive("xapi-profile-table", XapiProfileTable)
    app.add_directive("xapi-example", XapiExample)
