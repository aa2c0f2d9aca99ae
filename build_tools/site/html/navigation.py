"""The sidebar's site navigation, built once per folder instead of once per page.

furo asks Sphinx for the whole site's toctree on every page and re-parses it with
BeautifulSoup to add its expand/collapse checkboxes. Sphinx resolves that tree by copying
every page's table of contents, so for our 80 pages it took 2.5 s of a 6.8 s build (plain
Sphinx on the same sources: 1.1 s of 2.9 s).

The tree differs between two pages only in its links (relative to the page's folder) and in
the branch marked as current. So it is rendered once per build, through Sphinx and furo as
before, with a placeholder for each page's link and a marker class on every ``<li>``,
``<ul>`` and ``<a>`` that Sphinx can mark ``current``. The HTML is cut at the markers once,
each rendered as a page outside its branch shows it; each folder relinks the parts once; each
page renders only its own branch's markers (``current``, furo's ``current-page`` and
``checked``) and joins the parts, so a page's cost hardly grows with the site.
tests/test_navigation.py checks the result equals furo's own, byte for byte, on every page.

Previous/next links follow the toctree, which runs from one course straight into the next: a
course's landing page said "Previous: <the other course's last module>". Each folder under
``courses/`` is a unit of its own, so its pages' previous/next links stay inside it (the
landing page's previous goes to the course list, the last module has no next).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from docutils import nodes
from furo.navigation import get_navigation_tree
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment.adapters.toctree import global_toctree_for_doc

# What furo asks of ``toctree()`` for its sidebar (furo._compute_navigation_tree).
FURO_TOCTREE = {"collapse": False, "titles_only": True, "maxdepth": -1, "includehidden": True}
BEFORE_THEME, AFTER_THEME = 400, 600  # furo's html-page-context handler runs at 500

# Folders whose subfolders are self-contained sequences (one course each).
SELF_CONTAINED = ("courses",)

_MARK = "isdp-nav-"
_PAGE = "isdp-page:"  # a link to a page, until the page's folder is known
_PAGE_LINK = re.compile(rf'href="{_PAGE}([^"#]*)(#[^"]*)?"')
# A marked element's class attribute (and the href after it), or a checkbox placeholder.
_MARKED = re.compile(rf'( class="[^"]*?){_MARK}(\d+)([^"]*")( href="[^"]*")?|\x00(\d+)\x00')
# The checkbox furo puts right after a marked <li>'s link (leaves have none).
_CHECKBOX = re.compile(rf'(<li class="[^"]*{_MARK}(\d+)[^"]*"><a\b(?:(?!</a>).)*</a><input aria-label="[^"]*")',
                       re.DOTALL)


_Cut = tuple[list[str], dict[int, list[tuple[int, re.Match[str]]]]]  # parts, marker -> slots


@dataclass
class Navigation:
    """furo's navigation HTML with markers where a page's current marks go."""

    html: str
    branches: dict[str, set[int]] = field(default_factory=dict)  # page -> markers marked current
    own_links: dict[str, set[int]] = field(default_factory=dict)  # page -> markers of links to it
    list_items: set[int] = field(default_factory=set)
    _cut: _Cut | None = field(default=None, repr=False, compare=False)
    # A folder's copy: the cut's parts with the folder's relative links, and how to relink.
    _folder_parts: list[str] | None = field(default=None, repr=False, compare=False)
    _relink: Callable[[str], str] | None = field(default=None, repr=False, compare=False)

    def in_folder(self, builder: StandaloneHTMLBuilder, folder: str) -> Navigation:
        """This navigation with its links relative to the pages of ``folder``."""
        page_in_folder = posixpath.join(folder, "_")  # any name: only the folder matters

        def link(match: re.Match[str]) -> str:
            return f'href="{builder.get_relative_uri(page_in_folder, match.group(1))}{match.group(2) or ""}"'

        def relink(text: str) -> str:
            return _PAGE_LINK.sub(link, text) if _PAGE in text else text

        cut = self._parts()
        return Navigation(self.html, self.branches, self.own_links, self.list_items, cut,
                          [relink(part) for part in cut[0]], relink)

    def for_page(self, docname: str) -> str:
        """The navigation as ``docname`` shows it: its branch current, every other marker
        dropped. Only the few markers of the page's branch differ from page to page, so the
        rest is rendered once per build and relinked once per folder (``_parts``, ``in_folder``)
        and each page renders its own slots: patching every marker per page and folder cost
        8 ms a page at 1,000 pages, growing with the site."""
        current = self.branches.get(docname, set())
        own = self.own_links.get(docname, set())
        last_li = max(current & self.list_items, default=None)  # furo marks the last current <li>
        parts, slots = self._parts()
        page = (self._folder_parts or parts).copy()
        for marker in current | own:
            for index, match in slots.get(marker, ()):
                text = _fill(match, current, own, last_li)
                page[index] = self._relink(text) if self._relink else text
        return "".join(page)

    def _parts(self) -> _Cut:
        """The HTML cut at each marker, markers rendered as on a page outside their branch,
        and where each marker's slots are in that list."""
        if self._cut is None:
            parts: list[str] = []
            slots: dict[int, list[tuple[int, re.Match[str]]]] = {}
            start = 0
            for match in _MARKED.finditer(self.html):
                parts.append(self.html[start:match.start()])
                marker = int(match.group(5) if match.group(5) is not None else match.group(2))
                slots.setdefault(marker, []).append((len(parts), match))
                parts.append(_fill(match, set(), set(), None))
                start = match.end()
            parts.append(self.html[start:])
            self._cut = (parts, slots)
        return self._cut


def _fill(match: re.Match[str], current: set[int], own: set[int], last_li: int | None) -> str:
    """One marker as a page shows it: ``current`` marks its branch, ``own`` its own links."""
    if match.group(5) is not None:  # a checkbox: open when its branch is current
        return ' checked=""' if int(match.group(5)) in current else ""
    before, marker, after, href = match.group(1, 2, 3, 4)
    marker = int(marker)
    classes = (before[len(' class="'):] + ("current" if marker in current else "") + after[:-1]).split()
    if marker == last_li:
        classes.append("current-page")
    attributes = f' class="{" ".join(classes)}"' if classes else ""
    if href is not None:  # Sphinx links a page's own entry to "#"
        attributes += ' href="#"' if marker in own else href
    return attributes


def site_navigation(builder: StandaloneHTMLBuilder) -> Navigation:
    """The whole site's navigation through Sphinx and furo, once; links are placeholders."""
    root = builder.config.root_doc
    tree = global_toctree_for_doc(builder.env, root, builder, **FURO_TOCTREE)
    nav = Navigation("")
    if tree is None:
        return nav
    markers: dict[int, int] = {}  # id(node) -> marker
    for node in tree.findall(nodes.Element):
        node["classes"] = [c for c in node["classes"] if c != "current"]
        if isinstance(node, nodes.list_item | nodes.bullet_list | nodes.reference):
            markers[id(node)] = marker = len(markers)
            node["classes"].append(f"{_MARK}{marker}")
            if isinstance(node, nodes.list_item):
                nav.list_items.add(marker)
    pages = {builder.get_relative_uri(root, doc): doc for doc in builder.env.found_docs}
    pages["#"] = root
    for ref in tree.findall(nodes.reference):
        uri, _, anchor = ref.get("refuri", "").partition("#")
        page = pages.get(uri or "#")
        if page is None:
            continue  # a link to another site
        ref["refuri"] = f"{_PAGE}{page}" + (f"#{anchor}" if anchor else "")
        if anchor:
            continue  # a section of a page: never marked current
        # Sphinx marks the link to the current page and every element above it.
        branch = nav.branches.setdefault(page, set())
        node: nodes.Element | None = ref
        while node is not None:
            if id(node) in markers:
                branch.add(markers[id(node)])
            node = node.parent
        nav.own_links.setdefault(page, set()).add(markers[id(ref)])
    html = get_navigation_tree(builder.render_partial(tree)["fragment"])
    nav.html = _CHECKBOX.sub(lambda m: f"{m.group(1)}\x00{m.group(2)}\x00", html)
    return nav


class SiteNavigation:
    """Per build: the site's navigation, then each folder's copy with its relative links."""

    def __init__(self) -> None:
        self.site: Navigation | None = None
        self.folders: dict[str, Navigation] = {}

    def reset(self, *args: object) -> None:
        self.site = None
        self.folders.clear()

    def hold_theme(self, app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                   doctree: Any) -> None:
        """Before furo: its own per-page tree gets nothing to parse (ours replaces it after)."""
        toctree = context.get("toctree")
        if toctree is None or not isinstance(app.builder, StandaloneHTMLBuilder):
            return
        context["isdp_toctree"] = toctree
        context["toctree"] = lambda **kwargs: "" if kwargs == FURO_TOCTREE else toctree(**kwargs)

    def fill(self, app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
             doctree: Any) -> None:
        """After furo: the page's navigation from its folder's, and the real toctree() back."""
        toctree = context.pop("isdp_toctree", None)
        if toctree is None:
            return
        context["toctree"] = toctree
        builder: StandaloneHTMLBuilder = app.builder  # type: ignore[assignment]
        if self.site is None:
            self.site = site_navigation(builder)
        folder = posixpath.dirname(pagename)
        if folder not in self.folders:
            self.folders[folder] = self.site.in_folder(builder, folder)
        context["furo_navigation_tree"] = self.folders[folder].for_page(pagename)


def unit_of(docname: str) -> str | None:
    """The self-contained folder a page belongs to (``courses/ferpa/``), if any."""
    parts = docname.split("/")
    return f"{parts[0]}/{parts[1]}/" if len(parts) == 3 and parts[0] in SELF_CONTAINED else None


def keep_within_unit(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                     doctree: Any) -> None:
    """Previous/next links that would leave a course: the course list before its landing
    page, nothing after its last module."""
    unit = unit_of(pagename)
    builder = app.builder
    related = getattr(builder, "relations", {}).get(pagename)
    if unit is None or not related or not isinstance(builder, StandaloneHTMLBuilder):
        return
    parent, prev, nxt = related
    if nxt and not nxt.startswith(unit):
        context["next"] = None
    if prev and not prev.startswith(unit):
        up = parent if pagename == f"{unit}index" else None
        context["prev"] = None if up is None else {
            "link": builder.get_relative_uri(pagename, up),
            "title": builder.render_partial(app.env.titles[up])["title"],
        }


def setup_navigation(app: Sphinx) -> None:
    navigation = SiteNavigation()
    # Titles and the toctree are final once the environment is updated, before any writing.
    app.connect("env-updated", navigation.reset)
    app.connect("html-page-context", navigation.hold_theme, priority=BEFORE_THEME)
    app.connect("html-page-context", navigation.fill, priority=AFTER_THEME)
    app.connect("html-page-context", keep_within_unit, priority=BEFORE_THEME)
