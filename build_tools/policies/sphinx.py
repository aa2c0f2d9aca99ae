"""Sphinx side of the policy templates: roles, directives and the consistency check.

``{policy-template} <id>`` renders a template into a tiny page (content/policies/<id>.md);
the page depends on the template, parameters.yaml and duties.yaml, so an incremental build
re-reads exactly the pages whose template changed. ``{policy-index}``, ``{policy-crosswalk}``
and ``{policy-coverage}`` draw the tables from every template's front matter.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from build_tools.core import yamlfile
from build_tools.core.errors import ContentError, ContentErrors
from build_tools.core.settings import SITE_FILE
from build_tools.policies import compose, district, frameworks, parameters, templates
from build_tools.policies.district import PLACEHOLDERS
from build_tools.rule import traceability
from build_tools.site import schema_table
from build_tools.site.config import site_settings
from build_tools.site.diagnostics import Warn, warn, warn_error

PAGES_DIR = "content/policies"


def placeholder_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Any,
    options: dict | None = None,
    content: list | None = None,
):
    """``{policy-placeholder}`name``` -> "[District name]", marked by brackets and a dashed box."""
    label = PLACEHOLDERS.get(text)
    if label is None:
        msg = inliner.reporter.error(f"unknown district placeholder '{text}'", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    return [nodes.inline(rawtext, f"[{label}]", classes=["isdp-placeholder"])], []


def value_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Any,
    options: dict | None = None,
    content: list | None = None,
):
    """``{policy-value}`param``` -> the MDE default, linked to the page's parameter table."""
    env = inliner.document.settings.env
    try:
        registry, _ = parameters.load(Path(env.srcdir))
    except (ContentError, ContentErrors):
        return [nodes.inline(rawtext, text)], []
    param = registry.get(text)
    if param is None:
        msg = inliner.reporter.error(f"unknown policy parameter '{text}'", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    ref = nodes.reference(
        rawtext,
        str(param.floor),
        internal=True,
        refid=nodes.make_id(f"param-{text}"),
        classes=["isdp-param"],
    )
    return [ref], []


def _context(env: BuildEnvironment) -> dict[str, Any] | None:
    try:
        return templates.validation_context(Path(env.srcdir))
    except (ContentError, ContentErrors):
        return None  # reported with its line by the consistency check


class _PolicyDirective(SphinxDirective):
    def note_sources(self) -> None:
        srcdir = Path(self.env.srcdir)
        # Files only: Sphinx treats a directory dependency as missing and re-reads every time.
        for name in (parameters.PARAMETERS_FILE, traceability.DUTIES_FILE):
            self.env.note_dependency(str(srcdir / name))

    def render_markdown(self, text: str, lineno: int) -> None:
        renderer = getattr(self.state, "_renderer", None)
        if renderer is None:
            warn(
                Warn.POLICY,
                f"{{{self.name}}} works only in MyST Markdown pages",
                self.get_location(),
            )
            return
        renderer.nested_render_text(text, lineno)

    @contextmanager
    def source(self, path: Path):
        """Report warnings of rendered template text at the template's own lines."""
        renderer = self.state._renderer
        document, reporter = renderer.document, renderer.reporter
        saved = document["source"], reporter.source, getattr(reporter, "get_source_and_line", None)
        document["source"] = reporter.source = str(path)
        reporter.get_source_and_line = lambda line: (str(path), line)
        try:
            yield
        finally:
            document["source"], reporter.source = saved[0], saved[1]
            if saved[2] is not None:
                reporter.get_source_and_line = saved[2]
            else:
                del reporter.get_source_and_line

    def all_templates(self) -> list[templates.Template] | None:
        self.note_sources()
        srcdir = Path(self.env.srcdir)
        for path in templates.template_paths(srcdir):
            self.env.note_dependency(str(path))
        # A new policy means a new entry in registry.REQUIRED_POLICIES: re-read then.
        self.env.note_dependency(frameworks.__file__)
        try:
            return templates.load_all(srcdir)
        except (ContentError, ContentErrors):
            return None


class PolicyTemplate(_PolicyDirective):
    """``{policy-template} <id>``: the whole policy page, placeholders marked."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        self.note_sources()
        srcdir = Path(self.env.srcdir)
        path = srcdir / templates.TEMPLATES_DIR / f"{self.arguments[0]}{templates.SUFFIX}"
        if not path.exists():
            warn(
                Warn.POLICY,
                f"no policy template {path.name} in {templates.TEMPLATES_DIR}",
                self.get_location(),
            )
            return []
        self.env.note_dependency(str(path))
        context = _context(self.env)
        if context is None:
            return []
        try:
            template = templates.read(path, context)
        except (ContentError, ContentErrors):
            return []
        duties = {d.id: d.source for d in traceability.load(srcdir)[0]}
        registry = context["parameters"]
        self.render_markdown(compose.site_page(template, registry, duties), self.lineno)
        body = templates.render(
            template, compose.site_context(registry, site_settings(self.env.app))
        )
        with self.source(path):
            self.render_markdown(body, template.body_line - 1)
        return []


class _TemplatesMarkdown(_PolicyDirective):
    """A directive that renders, as Markdown, a view computed from all the templates."""

    def markdown(self, found: list[templates.Template]) -> str:
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        found = self.all_templates()
        if found:
            self.render_markdown(self.markdown(found), self.lineno)
        return []


class PolicyIndex(_TemplatesMarkdown):
    """``{policy-index}``: the 22 policies with owner, CSF functions and parameter count."""

    def markdown(self, found: list[templates.Template]) -> str:
        return compose.index_table(found)


class PolicyCrosswalk(_TemplatesMarkdown):
    """``{policy-crosswalk}``: policies x CSF 2.0 functions, categories in the cells."""

    def markdown(self, found: list[templates.Template]) -> str:
        return compose.crosswalk_matrix(found)


class PolicyCoverage(_TemplatesMarkdown):
    """``{policy-coverage}``: which CSF categories the policies cover and which they do not."""

    def markdown(self, found: list[templates.Template]) -> str:
        return compose.coverage_text(found)


class PolicyParameters(_TemplatesMarkdown):
    """``{policy-parameters}``: every MDE floor, its source and the policies using it."""

    def markdown(self, found: list[templates.Template]) -> str:
        registry, _ = parameters.load(Path(self.env.srcdir))
        return compose.parameters_table(registry, found)


def check(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    """Template errors plus: every template has its page under content/policies/.

    A site without a templates/policies folder (a small test site) has no policy section.
    """
    if not (srcdir / templates.TEMPLATES_DIR).is_dir():
        return []
    errors = templates.check(srcdir)
    errors.extend(_notice_agrees_with_site(srcdir))
    for path in templates.template_paths(srcdir):
        policy_id = path.name.removesuffix(templates.SUFFIX)
        if f"{PAGES_DIR}/{policy_id}" not in docnames:
            errors.append(
                ContentError(
                    path,
                    1,
                    f"no page {PAGES_DIR}/{policy_id}.md shows this "
                    f"template (it holds '{{policy-template}} {policy_id}')",
                )
            )
    return errors


def _notice_agrees_with_site(srcdir: Path) -> list[ContentError]:
    """The 24-hour floor of the policies and the notice period the site states must agree."""
    from build_tools.core.settings import load_settings

    try:
        registry, located = parameters.load(srcdir)
        hours = load_settings(srcdir).incident.notify_within_hours
    except (ContentError, ContentErrors):
        return []  # reported by their own checks
    floor = registry.get("mde_notice_hours")
    if floor is None or floor.floor == hours:
        return []
    return [
        located.error(
            ("parameters", "mde_notice_hours", "floor"),
            f"the MDE notice floor ({floor.floor} hours) differs from "
            f"site.yaml incident.notify_within_hours ({hours}); Rule 55.1 "
            "section 7 sets one period",
        )
    ]


def _check_build(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``check`` once per change of its inputs, not on every build (0.2 s of a one-page rebuild).

    Runs on env-updated, before Sphinx pickles the environment, so the key of the last clean
    check is kept between builds. Only a clean result is kept: a build that warns fails, and
    a failed build forgets the environment (site/build.py), so its errors come back next time.
    """
    srcdir = Path(app.srcdir)
    versions = templates.input_versions(srcdir)
    key = None if versions is None else (
        versions, yamlfile.version(srcdir / SITE_FILE) if (srcdir / SITE_FILE).exists() else None,
        sorted(doc for doc in env.found_docs if doc.startswith(f"{PAGES_DIR}/")))
    if key is not None and getattr(env, "isdp_policy_check", None) == key:
        return []
    errors = check(srcdir, set(env.found_docs))
    for error in errors:
        warn_error(Warn.POLICY, error)
    env.isdp_policy_check = None if errors else key  # type: ignore[attr-defined]
    return []


def setup(app: Sphinx) -> None:
    app.add_role("policy-placeholder", placeholder_role)
    app.add_role("policy-value", value_role)
    app.add_directive("policy-template", PolicyTemplate)
    app.add_directive("policy-index", PolicyIndex)
    app.add_directive("policy-crosswalk", PolicyCrosswalk)
    app.add_directive("policy-coverage", PolicyCoverage)
    app.add_directive("policy-parameters", PolicyParameters)
    for name, model in (("policy-front-matter", templates.PolicyFrontMatter), ("district", district.District),
                        ("district-file", district.DistrictFile), ("contact", district.Contact)):
        schema_table.register(name, schema_table.Schema(lambda model=model: {None: model}))
    app.connect("env-updated", _check_build)
    app.add_css_file("isdp-policies.css")
