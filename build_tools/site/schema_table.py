"""``{schema-table} NAME``: the keys of an input file, read from its pydantic model.

Every file editors write (course.yaml, policy front matter, district files, the quarterly data
files) is declared once as a model; its documentation is generated from that declaration,
so the editor guide cannot drift from what the build accepts. Components register their
schemas by name in their ``setup()`` (``register(name, models)``).
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from docutils import nodes
from pydantic import BaseModel
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from build_tools.core import tables
from build_tools.site.diagnostics import Warn, warn


@dataclass(frozen=True)
class Schema:
    """One or more models shown as tables (a title each when there are several files)."""

    models: Callable[[], Mapping[str | None, type[BaseModel]]]
    # a meaning for fields whose model gives no description (shared names such as "id")
    meanings: Mapping[str, str] = field(default_factory=dict)


SCHEMAS: dict[str, Schema] = {}


def register(name: str, schema: Schema) -> None:
    SCHEMAS[name] = schema


class SchemaTable(SphinxDirective):
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        schema = SCHEMAS.get(self.arguments[0])
        if schema is None:
            warn(Warn.DIRECTIVE, f"unknown schema '{self.arguments[0]}' (known: {', '.join(sorted(SCHEMAS))})",
                 self.get_location())
            return []
        return [
            tables.table(("key", "value", "required", "meaning"),
                         [(nodes.literal(text=key), *rest) for key, *rest in rows(model, schema.meanings)],
                         widths=(22, 24, 10, 44), title=title, classes=["isdp-schema"])
            for title, model in schema.models().items()
        ]


def rows(model: type[BaseModel], meanings: Mapping[str, str], prefix: str = "") -> list[tuple[str, ...]]:
    """A row per field; the fields of a nested model follow as ``parent[].key``."""
    result = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        result.append((prefix + key, type_text(info.annotation), "yes" if info.is_required() else "no",
                       info.description or meanings.get(name, "")))
        inner = typing.get_args(info.annotation)
        if inner and isinstance(inner[0], type) and issubclass(inner[0], BaseModel):
            result.extend(rows(inner[0], meanings, prefix + key + "[]."))
        elif isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            result.extend(rows(info.annotation, meanings, prefix + key + "."))
    return result


_NAMES = {"str": "text", "int": "whole number", "float": "number", "bool": "true or false",
          "date": "date (YYYY-MM-DD)", "datetime": "date and time with zone",
          "EmailStr": "email address"}


def type_text(annotation: object) -> str:
    """A field's type in an editor's words."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        return "one of: " + ", ".join(str(a) for a in args)
    if origin is typing.Annotated:
        return type_text(args[0])
    if origin in (list, tuple, set, frozenset):
        if args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
            return f"list of {args[0].__name__.lower()} entries (keys below)"
        return "list of " + (type_text(args[0]) if args else "values")
    if origin is dict:
        return "mapping"
    if origin is typing.Union or type(annotation).__name__ == "UnionType":
        return " or ".join(type_text(a) for a in args if a is not type(None))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"{annotation.__name__.lower()} (keys below)"
    name = getattr(annotation, "__name__", str(annotation))
    return _NAMES.get(name, name)


def setup(app: Sphinx) -> None:
    app.add_directive("schema-table", SchemaTable)
