"""Rule 55.1: the traceability map of its duties and the data governance calendar."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

from build_tools.core.errors import ContentError
from build_tools.rule import governance_calendar, traceability
from build_tools.site.check import errors_of


def setup(app: Sphinx) -> None:
    traceability.setup_traceability(app)
    governance_calendar.setup_governance_calendar(app)


def check(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    return traceability.check(srcdir, docnames) + errors_of(lambda: governance_calendar.load(srcdir))
