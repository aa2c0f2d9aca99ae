"""Policy templates: Jinja2 + MyST Markdown files with a validated front matter.

``templates/policies/<id>.md.j2`` holds one policy. Its front matter declares the policy
(owner, review cycle, Rule 55.1 references, NIST crosswalk, the parameters it uses); its
body is the policy text with ``{{ district.<field> }}`` and ``{{ p.<parameter> }}``.
``check`` validates all of it with ``path:line`` errors; ``render`` fills the variables.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import jinja2
from jinja2 import meta, nodes
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from build_tools.core import yamlfile
from build_tools.core.errors import ContentError, ContentErrors
from build_tools.core.slug import SLUG
from build_tools.policies import frameworks, parameters, registry
from build_tools.policies.district import PLACEHOLDERS
from build_tools.rule import traceability
from build_tools.site.front_matter import FRONT_MATTER

TEMPLATES_DIR = "templates/policies"
SUFFIX = ".md.j2"
# Every policy body has these sections, in this order (the required outline).
SECTIONS = (
    "Purpose",
    "Scope",
    "Definitions",
    "Roles and responsibilities",
    "Policy statements",
    "Procedures",
    "Exceptions",
    "Enforcement",
    "Review",
)
# Roles a body may use: packs render to plain Markdown, HTML and Word, which know these.
ALLOWED_ROLES = {"term", "doc"}
VARIABLES = {"district", "p", "mde"}
MDE_FIELDS = {"name", "iso_email", "notify_email", "office"}


def _one_of(table: dict[str, str], what: str):
    def check(value: str) -> str:
        if value not in table:
            raise ValueError(f"unknown {what} '{value}' (known: {', '.join(table)})")
        return value

    return AfterValidator(check)


CsfId = Annotated[str, _one_of(frameworks.CSF_CATEGORIES, "NIST CSF 2.0 category")]
FamilyId = Annotated[str, _one_of(frameworks.SP800_171_FAMILIES, "SP 800-171 Rev. 3 family")]
FipsId = Annotated[str, _one_of(frameworks.FIPS200_AREAS, "FIPS 200 area")]
PrivacyId = Annotated[str, _one_of(frameworks.PRIVACY_FUNCTIONS, "Privacy Framework function")]
Role = Annotated[str, _one_of({r: r for r in frameworks.DISTRICT_ROLES}, "district role")]
APPROVERS = ("School Board", "Superintendent")
Approver = Annotated[str, _one_of({a: a for a in APPROVERS}, "approver")]


class PolicyFrontMatter(BaseModel):
    """What a policy template declares between its ``---`` lines."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=SLUG, description="Equals the file name.")
    title: str = Field(description="Exactly the policy's name in the proposed rule.")
    purpose: str = Field(
        min_length=20, max_length=300, description="One sentence: why the policy exists."
    )
    owner: Role = Field(description="The district role that keeps the policy current.")
    approver: Approver = Field(
        description="Who adopts it: 'School Board' (a board vote) or 'Superintendent' "
        "(procedures and guidelines the superintendent approves and reports to the board). "
        "The pack's adoption line and certification follow it."
    )
    review_cycle_months: int = Field(
        frameworks.REVIEW_CYCLE_MONTHS,
        ge=1,
        le=frameworks.REVIEW_CYCLE_MONTHS,
        description="Biennial at most: Rule 55.1 section 6(b).",
    )
    rule_refs: list[str] = Field(min_length=1, description="Duty ids of content/data/duties.yaml.")
    csf: list[CsfId] = Field(min_length=1, description="NIST CSF 2.0 category ids.")
    sp800_171: list[FamilyId] = Field(min_length=1, description="SP 800-171 Rev. 3 family ids.")
    fips200: list[FipsId] = Field(min_length=1, description="FIPS 200 area ids.")
    privacy_framework: list[PrivacyId] = Field(
        default_factory=list, description="Privacy Framework functions, where relevant."
    )
    parameters: list[str] = Field(
        default_factory=list, description="Names in templates/policies/parameters.yaml."
    )

    @field_validator("rule_refs")
    @classmethod
    def _known_duties(cls, refs: list[str], info: ValidationInfo) -> list[str]:
        known = (info.context or {}).get("duties")
        unknown = [r for r in refs if known is not None and r not in known]
        if unknown:
            raise ValueError(
                f"unknown duty id(s) {', '.join(unknown)} (see {traceability.DUTIES_FILE})"
            )
        return refs

    @field_validator("parameters")
    @classmethod
    def _known_parameters(cls, names: list[str], info: ValidationInfo) -> list[str]:
        known = (info.context or {}).get("parameters")
        unknown = [n for n in names if known is not None and n not in known]
        if unknown:
            raise ValueError(
                f"unknown parameter(s) {', '.join(unknown)} (declare them in "
                f"{parameters.PARAMETERS_FILE})"
            )
        return names


@dataclass
class Template:
    path: Path
    meta: PolicyFrontMatter
    body: str
    body_line: int  # file line of the body's first line
    located: yamlfile.Located  # the front matter, with the line of every key and item

    @property
    def id(self) -> str:
        return self.meta.id


def environment() -> jinja2.Environment:
    # StrictUndefined: a misspelt variable fails instead of printing nothing.
    return jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _split(path: Path) -> tuple[yamlfile.Located, str, int]:
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text)
    if not match:
        raise ContentError(
            path, 1, "a policy template starts with front matter between '---' lines"
        )
    located = yamlfile.parse(match.group(1) or "", path, offset=1)
    body_line = text[: match.end()].count("\n") + 1
    return located, text[match.end() :], body_line


def read(path: Path, context: dict[str, Any]) -> Template:
    located, body, body_line = _split(path)
    if not isinstance(located.data, dict):
        raise ContentError(path, 2, "front matter must be a mapping of 'key: value' lines")
    try:
        front = yamlfile.validate(PolicyFrontMatter, located, context)
    except ContentErrors as exc:
        raise ContentErrors(
            [ContentError(e.path, e.line, f"front matter: {e.message}") for e in exc.errors]
        ) from None
    if front.id != path.name.removesuffix(SUFFIX):
        raise located.error(
            ("id",),
            f"front matter: id '{front.id}' must equal the file name "
            f"'{path.name.removesuffix(SUFFIX)}'",
        )
    return Template(path, front, body, body_line, located)


def template_paths(srcdir: Path) -> list[Path]:
    return sorted((srcdir / TEMPLATES_DIR).glob(f"*{SUFFIX}"))


def validation_context(srcdir: Path) -> dict[str, Any]:
    duties, _, _ = traceability.load(srcdir)
    registry, _ = parameters.load(srcdir)
    return {"duties": {d.id for d in duties}, "parameters": registry}


def load_all(srcdir: Path) -> list[Template]:
    """Every template, validated (front matter and body), in the rule's order; raises all
    errors at once."""
    errors, found = _scan(Path(srcdir))
    if errors:
        raise ContentErrors(errors)
    order = list(registry.REQUIRED_POLICIES)
    return sorted(found, key=lambda t: order.index(t.id) if t.id in order else len(order))


def _body_errors(
    template: Template, registry: dict[str, parameters.Parameter]
) -> list[ContentError]:
    """Undefined variables, undeclared or unused parameters, roles, and the section outline."""
    path, offset = template.path, template.body_line - 1
    errors: list[ContentError] = []
    try:
        ast = environment().parse(template.body)
    except jinja2.TemplateSyntaxError as exc:
        return [ContentError(path, (exc.lineno or 1) + offset, f"Jinja2 syntax: {exc.message}")]
    for name in sorted(meta.find_undeclared_variables(ast) - VARIABLES):
        lineno = next((n.lineno for n in ast.find_all(nodes.Name) if n.name == name), 1)
        errors.append(
            ContentError(
                path,
                lineno + offset,
                f"undefined template variable '{name}' (use district.*, p.* or mde.*)",
            )
        )
    used: set[str] = set()
    allowed = {"district": set(PLACEHOLDERS), "mde": MDE_FIELDS, "p": set(template.meta.parameters)}
    for node in ast.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name) and node.node.name in allowed:
            owner = node.node.name
            if owner == "p":
                used.add(node.attr)
            if node.attr not in allowed[owner]:
                hint = (
                    "declare it under 'parameters:' in the front matter"
                    if owner == "p"
                    else f"known: {', '.join(sorted(allowed[owner]))}"
                )
                errors.append(
                    ContentError(
                        path,
                        node.lineno + offset,
                        f"undefined template variable '{owner}.{node.attr}' ({hint})",
                    )
                )
    for name in template.meta.parameters:
        if name not in used:
            index = template.meta.parameters.index(name)
            errors.append(
                template.located.error(
                    ("parameters", index),
                    f"parameter '{name}' is declared but the body never uses it",
                )
            )
    lines = template.body.splitlines()
    for number, line in enumerate(lines, start=template.body_line):
        for role in re.findall(r"\{([a-zA-Z:_-]+)\}`", line):
            if role not in ALLOWED_ROLES:
                errors.append(
                    ContentError(
                        path,
                        number,
                        f"role '{{{role}}}' is not allowed in a policy "
                        f"(use {', '.join(sorted(ALLOWED_ROLES))})",
                    )
                )
        if re.match(r"^\s*(```|:::)\s*\{", line):
            errors.append(
                ContentError(
                    path,
                    number,
                    "directives are not allowed in a policy body (packs render to Word and HTML)",
                )
            )
        if re.match(r"^# ", line):
            errors.append(
                ContentError(
                    path,
                    number,
                    "the body starts at '##' headings; the title comes from the front matter",
                )
            )
    headings = [
        (n, line[3:].strip())
        for n, line in enumerate(lines, start=template.body_line)
        if line.startswith("## ")
    ]
    found = [title for _, title in headings]
    if found != list(SECTIONS):
        missing = [s for s in SECTIONS if s not in found]
        detail = f"missing {', '.join(missing)}" if missing else f"found {', '.join(found)}"
        errors.append(
            ContentError(
                path,
                headings[0][0] if headings else template.body_line,
                f"the body's '##' sections must be, in order: {', '.join(SECTIONS)} ({detail})",
            )
        )
    return errors


def check(srcdir: Path) -> list[ContentError]:
    """All template errors: schema, ids, variables, outline, and the 22 required policies."""
    return list(_scan(Path(srcdir))[0])


def _scan(srcdir: Path) -> tuple[list[ContentError], list[Template]]:
    """Read and check every template: (errors, the templates that could be read).

    Several directives on several pages ask for all templates in one build, so the result is
    kept until a template or a file they are checked against changes.
    """
    versions = input_versions(srcdir)
    if versions is None:  # a data file is missing: report it through the uncached scan
        return _scan_files(srcdir)
    return _scan_cached(srcdir, versions)


def input_versions(srcdir: Path) -> tuple[tuple[str, int, int], ...] | None:
    """(path, mtime, size) of every file the templates are checked against; None if one is
    missing. A cache key: it changes whenever one of them does."""
    inputs = [*template_paths(srcdir), srcdir / parameters.PARAMETERS_FILE,
              srcdir / traceability.DUTIES_FILE, srcdir / traceability.MAP_FILE]
    try:
        return tuple(yamlfile.version(path) for path in inputs)
    except ContentError:
        return None


@functools.lru_cache(maxsize=8)
def _scan_cached(srcdir: Path, versions: tuple[tuple[str, int, int], ...]) -> tuple[list[ContentError], list[Template]]:
    return _scan_files(srcdir)


def _scan_files(srcdir: Path) -> tuple[list[ContentError], list[Template]]:
    try:
        context = validation_context(srcdir)
    except ContentError as exc:
        return [exc], []
    except ContentErrors as exc:
        return exc.errors, []
    errors: list[ContentError] = []
    found: list[Template] = []
    seen: dict[str, Path] = {}
    for path in template_paths(srcdir):
        seen[path.name.removesuffix(SUFFIX)] = path
        try:
            template = read(path, context)
        except ContentError as exc:
            errors.append(exc)
            continue
        except ContentErrors as exc:
            errors.extend(exc.errors)
            continue
        found.append(template)
        required = registry.REQUIRED_POLICIES.get(template.id)
        if required is None:
            errors.append(
                ContentError(
                    path,
                    template.located.line(("id",)),
                    f"'{template.id}' is not one of the 22 policies the "
                    "proposed rule names (build_tools/policies/frameworks.py)",
                )
            )
        elif template.meta.title != required:
            errors.append(
                template.located.error(("title",), f"title must be the rule's name: '{required}'")
            )
        errors.extend(_body_errors(template, context["parameters"]))
    for policy_id in registry.REQUIRED_POLICIES:
        if policy_id not in seen:
            errors.append(
                ContentError(
                    srcdir / TEMPLATES_DIR,
                    None,
                    f"missing template {policy_id}{SUFFIX} for the required policy "
                    f"'{registry.REQUIRED_POLICIES[policy_id]}'",
                )
            )
    return errors, found


def render(template: Template, context: dict[str, Any]) -> str:
    """The body with its variables filled; line numbers are kept for {{ }} expressions."""
    return environment().from_string(template.body).render(**context)
