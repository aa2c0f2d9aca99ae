"""The site component: Sphinx configuration from site.yaml, and page front matter."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

from build_tools.core.errors import ContentError
from build_tools.core.settings import load_settings
from build_tools.site import front_matter, schema_table
from build_tools.site.check import errors_of
from build_tools.site.config import setup_site


def setup(app: Sphinx) -> None:
    setup_site(app)
    front_matter.setup_front_matter(app)
    schema_table.setup(app)


def check_settings(srcdir: Path) -> list[ContentError]:
    return errors_of(lambda: load_settings(srcdir))


def check(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    pages = [srcdir / f"{name}.md" for name in sorted(docnames) if (srcdir / f"{name}.md").exists()]
    return check_settings(srcdir) + front_matter.check_pages(srcdir, pages)
