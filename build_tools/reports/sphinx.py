"""Sphinx side of the reports: the quarterly data files are checked in every build, and the
``{quarterly-data-schema}`` directive documents their fields from the schema itself."""

from __future__ import annotations

import typing
from pathlib import Path

from docutils import nodes
from pydantic import BaseModel
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from build_tools.core import tables
from build_tools.core.errors import ContentError
from build_tools.reports import quarterly_data
from build_tools.site.diagnostics import Warn, warn_error


def _type_text(annotation: object) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return "one of: " + ", ".join(str(a) for a in args)
    if origin is typing.Annotated:
        return _type_text(args[0])
    if origin in (list, tuple):
        inner = _type_text(args[0]) if args else "values"
        return inner if inner.endswith("(keys below)") else "list of " + inner
    if origin is typing.Union or type(annotation).__name__ == "UnionType":
        kinds = [_type_text(a) for a in args if a is not type(None)]
        return " or ".join(kinds)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"{annotation.__name__.lower()} entries (keys below)"
    names = {
        "str": "text",
        "bool": "true or false",
        "date": "date (YYYY-MM-DD)",
        "datetime": "date and time with zone",
    }
    return names.get(
        getattr(annotation, "__name__", ""), getattr(annotation, "__name__", str(annotation))
    )


_DEFAULT_MEANING = {
    "id": "Stable id: capitals, digits and hyphens, e.g. AUD-2026-07.",
    "kind": "What sort of entry it is.",
    "status": "Where it stands at the end of the quarter.",
    "severity": "Impact, as the ISO rates it.",
    "category": "Kind of incident.",
}


def _rows(model: type[BaseModel], prefix: str = "") -> list[tuple[str, str, str, str]]:
    rows = []
    for name, info in model.model_fields.items():
        rows.append(
            (
                prefix + name,
                _type_text(info.annotation),
                "yes" if info.is_required() else "no",
                info.description or _DEFAULT_MEANING.get(name, ""),
            )
        )
        inner = typing.get_args(info.annotation)
        if inner and isinstance(inner[0], type) and issubclass(inner[0], BaseModel):
            rows.extend(_rows(inner[0], prefix + name + "[]."))
    return rows


class QuarterlyDataSchema(SphinxDirective):
    """A table of the fields of each quarterly data file, read from the pydantic models."""

    def run(self) -> list[nodes.Node]:
        result: list[nodes.Node] = []
        for filename, model in quarterly_data.FILES.items():
            rows = [(nodes.literal(text=row[0]), *row[1:]) for row in _rows(model)]
            table = tables.table(("key", "value", "required", "meaning"), rows,
                                 widths=(24, 26, 10, 40), title=filename)
            result.append(table)
        return result


def _check(app: Sphinx, env: BuildEnvironment) -> None:
    for error in quarterly_data.check(Path(app.srcdir), set(env.found_docs)):
        warn_error(Warn.DATA, error)


def check(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    return quarterly_data.check(srcdir, docnames)


def setup(app: Sphinx) -> None:
    app.add_directive("quarterly-data-schema", QuarterlyDataSchema)
    app.connect("env-check-consistency", _check)
