"""What ``isdp check`` shares: the pages Sphinx would read, and errors gathered from a load."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from sphinx.project import Project

from build_tools.core.errors import ContentError, ContentErrors
from build_tools.site.config import INCLUDE_PATTERNS

SOURCE_SUFFIXES = {".md": "markdown", ".ipynb": "ipynb"}


def errors_of(call: Callable[[], object]) -> list[ContentError]:
    """The content errors that ``call`` raises, as a list (empty when it succeeds)."""
    try:
        call()
    except ContentError as exc:
        return [exc]
    except ContentErrors as exc:
        return exc.errors
    return []


def find_docnames(srcdir: Path) -> set[str]:
    """The pages Sphinx would read, found the way Sphinx finds them."""
    project = Project(srcdir, SOURCE_SUFFIXES)
    # Sphinx warns of a page found as both .md and .ipynb with its internal path type
    # ("Use _StrPath(...)"); the courses check reports it in the editor's words instead.
    sphinx_project = logging.getLogger("sphinx.sphinx.project")
    level = sphinx_project.level
    sphinx_project.setLevel(logging.ERROR)
    try:
        return set(project.discover(exclude_paths=["**/_*", "**/.ipynb_checkpoints"],
                                    include_paths=INCLUDE_PATTERNS))
    finally:
        sphinx_project.setLevel(level)
