"""Rule traceability: every duty of Rule 55.1 and of the LEAs maps to pages or features.

Two data files, so that deleting a mapping cannot hide a duty:
``content/data/duties.yaml`` lists the duties (the rule as data) and
``content/data/traceability.yaml`` says which pages and features serve each one.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from pydantic import BaseModel, ConfigDict, Field, RootModel
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from build_tools.core import tables, yamlfile
from build_tools.core.errors import ContentError, ContentErrors
from build_tools.site.diagnostics import Warn, warn_error

DUTIES_FILE = "content/data/duties.yaml"
MAP_FILE = "content/data/traceability.yaml"


class Duty(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^(55\.1-\d+[a-z]?(\.[ivx]+)?|LEA-[a-z-]+)$")
    source: str = Field(description="Where the duty is written, e.g. 'Rule 55.1 section 4(b)(iii)'.")
    summary: str = Field(min_length=10, description="The duty in plain words.")


class Duties(BaseModel):
    model_config = ConfigDict(extra="forbid")

    duties: list[Duty]


class Service(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pages: list[str] = Field(default_factory=list, description="Docnames, e.g. content/roles.")
    features: list[str] = Field(default_factory=list, description="Repository paths of code.")


class TraceMap(RootModel[dict[str, Service]]):
    pass


def load(srcdir: Path) -> tuple[list[Duty], dict[str, Service], yamlfile.Located]:
    duties = yamlfile.load_model(Duties, srcdir / DUTIES_FILE).duties
    located = yamlfile.load(srcdir / MAP_FILE)
    trace = yamlfile.validate(TraceMap, located).root
    return duties, trace, located


def check(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    """Every duty is served by at least one existing page or feature, and nothing else is mapped."""
    try:
        duties, trace, located = load(srcdir)
    except ContentError as exc:
        return [exc]
    except ContentErrors as exc:
        return exc.errors
    errors: list[ContentError] = []
    known = {duty.id for duty in duties}
    for duty in duties:
        service = trace.get(duty.id)
        if service is None or not (service.pages or service.features):
            errors.append(located.error((), f"duty {duty.id} ({duty.source}) maps to no page or feature"))
    for duty_id, service in trace.items():
        if duty_id not in known:
            errors.append(located.error((duty_id,), f"'{duty_id}' is not a duty listed in {DUTIES_FILE}"))
        for index, page in enumerate(service.pages):
            if page not in docnames:
                errors.append(located.error((duty_id, "pages", index),
                                            f"duty {duty_id} maps to page '{page}', which does not exist"))
        for index, feature in enumerate(service.features):
            if not (srcdir / feature).exists():
                errors.append(located.error((duty_id, "features", index),
                                            f"duty {duty_id} maps to feature '{feature}', which does not exist"))
    return errors


def _check_build(app: Sphinx, env: BuildEnvironment) -> None:
    for error in check(Path(app.srcdir), set(env.found_docs)):
        warn_error(Warn.TRACEABILITY, error)


class TraceabilityTable(SphinxDirective):
    """``{traceability-table}``: the coverage table of duties and what serves them."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        srcdir = Path(self.env.srcdir)
        for name in (DUTIES_FILE, MAP_FILE):
            self.env.note_dependency(str(srcdir / name))
        try:
            duties, trace, _ = load(srcdir)
        except (ContentError, ContentErrors):
            return []  # reported once, with its line, by the consistency check
        rows = []
        for duty in duties:
            service = trace.get(duty.id, Service())
            served = nodes.bullet_list()
            for page in service.pages:
                ref = addnodes.pending_xref("", refdomain="std", reftype="doc",
                                            reftarget=f"/{page}", refexplicit=False)
                ref += nodes.inline(text=page)
                served += nodes.list_item("", nodes.paragraph("", "", ref))
            for feature in service.features:
                served += nodes.list_item("", nodes.paragraph("", "", nodes.literal(text=feature)))
            rows.append([nodes.strong(text=duty.source), duty.summary, served])
        table = tables.table(["Duty", "What it requires", "Served by"], rows, widths=(12, 48, 40),
                             classes=["isdp-traceability"])
        return [table]


def setup_traceability(app: Sphinx) -> None:
    app.add_directive("traceability-table", TraceabilityTable)
    app.connect("env-check-consistency", _check_build)
