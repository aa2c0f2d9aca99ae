"""Sphinx side of the reports: the quarterly data files are checked in every build, and the
``{schema-table} quarterly-data`` documents their fields from the schema itself."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from build_tools.core.errors import ContentError
from build_tools.reports import quarterly_data
from build_tools.site import schema_table
from build_tools.site.diagnostics import Warn, warn_error

_DEFAULT_MEANING = {
    "id": "Stable id: capitals, digits and hyphens, e.g. AUD-2026-07.",
    "kind": "What sort of entry it is.",
    "status": "Where it stands at the end of the quarter.",
    "severity": "Impact, as the ISO rates it.",
    "category": "Kind of incident.",
}


def _check(app: Sphinx, env: BuildEnvironment) -> None:
    for error in quarterly_data.check(Path(app.srcdir), set(env.found_docs)):
        warn_error(Warn.DATA, error)


def check(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    return quarterly_data.check(srcdir, docnames)


def setup(app: Sphinx) -> None:
    schema_table.register("quarterly-data", schema_table.Schema(lambda: dict(quarterly_data.FILES), _DEFAULT_MEANING))
    app.connect("env-check-consistency", _check)
