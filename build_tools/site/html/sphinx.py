"""The HTML pages: sidebar navigation, Content-Security-Policy, template bridge,
accessibility fixes, the search index, what each page loads and its minification."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

from build_tools.core.errors import ContentError
from build_tools.site.html.accessibility import setup_accessibility
from build_tools.site.html.assets import setup_assets
from build_tools.site.html.csp import setup_csp
from build_tools.site.html.minify import setup_minify
from build_tools.site.html.navigation import setup_navigation
from build_tools.site.html.search import setup_search
from build_tools.site.html.template_bridge import setup_page_templates


def setup(app: Sphinx) -> None:
    setup_navigation(app)
    setup_csp(app)
    setup_page_templates(app)
    setup_accessibility(app)
    setup_search(app)
    setup_assets(app)
    setup_minify(app)


def check(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    return []  # nothing an editor writes: these work on built pages
