"""The K12 Security Advisory guidance: self-assessment checklists and webinar pages."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

from build_tools.core.errors import ContentError
from build_tools.guidance import checklists, webinars
from build_tools.guidance.checklist_directive import setup_checklists
from build_tools.guidance.webinar_directive import setup_webinars


def setup(app: Sphinx) -> None:
    setup_checklists(app)
    setup_webinars(app)


def check(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    return checklists.check(srcdir, docnames) + webinars.check(srcdir, docnames)
