"""The site's components, in the order Sphinx wires them.

Each is a package with a ``sphinx.py`` that defines ``setup(app)`` (directives, roles,
events) and ``check(srcdir, docnames)`` (what ``isdp check`` validates without a build).
This one list serves both, so a component cannot be built but left unchecked.

Order matters only among ``html-page-context`` handlers of equal priority: ``site`` adds
the page's meta description before ``xapi`` adds the runtime, and ``site.html`` (navigation,
CSP, accessibility) runs after the content components have added their assets.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from build_tools.core.errors import ContentError

COMPONENTS = (
    "build_tools.site",
    "build_tools.rule",
    "build_tools.courses",
    "build_tools.policies",
    "build_tools.guidance",
    "build_tools.site.html",
    "build_tools.reports",
    "build_tools.xapi",
)


def _sphinx_module(package: str):
    return importlib.import_module(f"{package}.sphinx")


def setup_all(app: Sphinx) -> None:
    for package in COMPONENTS:
        _sphinx_module(package).setup(app)


def check_all(srcdir: Path) -> list[ContentError]:
    """Every component's content errors, in component order (``isdp check``)."""
    from build_tools.site.check import find_docnames

    srcdir = Path(srcdir).resolve()
    docnames = find_docnames(srcdir)
    # A page that is binary or not UTF-8 would stop every component that reads it: alone.
    errors = [error for name in sorted(docnames) if (error := _unreadable(srcdir, name))]
    if errors:
        return errors
    for package in COMPONENTS:
        errors.extend(_sphinx_module(package).check(srcdir, docnames))
    return errors


def _unreadable(srcdir: Path, docname: str) -> ContentError | None:
    from build_tools.core import yamlfile
    from build_tools.core.errors import ContentError
    from build_tools.site.check import SOURCE_SUFFIXES

    for suffix in SOURCE_SUFFIXES:
        path = srcdir / f"{docname}{suffix}"
        if path.is_file():
            try:
                yamlfile.read_text(path)
            except ContentError as exc:
                return exc
    return None
