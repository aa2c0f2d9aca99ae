"""What each page loads: only the theme's and Sphinx's files that the page can use.

Sphinx and sphinx-design add their scripts and stylesheets to every page. Of those, three
serve only Sphinx's own search, which Pagefind replaced (search.py): documentation_options.js,
doctools.js and sphinx_highlight.js (it marks the words of a Sphinx search in the page it
opened). sphinx-design's tab script is needed only where there are tabs, its stylesheet only
where there is one of its components (cards, grids: the home page), and the Pygments
colours only where there is highlighted code. The policies' and the guidance's stylesheets,
which their components add to every page, style only their parameters and placeholders,
and checklists and webinars. Dropping them saves a request each and about 4 KB (gzip) on a
page; each stylesheet in the page's head holds back its first paint on a slow connection.
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx

SPHINX_SEARCH_ONLY = {"documentation_options.js", "doctools.js", "sphinx_highlight.js"}
# file -> what the page's body holds wherever the file does something
NEEDED_ONLY_WITH = {
    "design-tabs.js": re.compile('class="sd-tab-set'),
    "sphinx-design.min.css": re.compile(r'class="(?:[^"]*\s)?sd-'),
    "pygments.css": re.compile('class="highlight'),
    "isdp-policies.css": re.compile(r'class="(?:[^"]*\s)?isdp-(?:param|placeholder)'),
    "isdp-guidance.css": re.compile(r'class="(?:[^"]*\s)?isdp-(?:checklist|webinar|unpublished)'),
}


def _name(asset: object) -> str:
    return str(getattr(asset, "filename", asset)).removeprefix("_static/")


def _unused(name: str, body: str) -> bool:
    if name in SPHINX_SEARCH_ONLY:
        return True
    marker = NEEDED_ONLY_WITH.get(name)
    return marker is not None and not marker.search(body)


def _trim(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    body = str(context.get("body") or "")
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [a for a in context[key] if not _unused(_name(a), body)]


def setup_assets(app: Sphinx) -> None:
    app.connect("html-page-context", _trim, priority=940)
