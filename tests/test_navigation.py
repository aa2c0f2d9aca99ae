"""build_tools/site/html/navigation.py: the sidebar built once per build equals furo's own, page by page."""

from __future__ import annotations

import io
from pathlib import Path

from furo.navigation import get_navigation_tree
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace, patch_docutils

from build_tools.site.build import doctree_dir
from build_tools.site.html.accessibility import fix_captions
from build_tools.site.html.navigation import FURO_TOCTREE

REPO = Path(__file__).resolve().parents[1]


def _furo_navigation(out: Path, srcdir: Path = REPO) -> dict[str, str]:
    """What furo computes for each page of a built site: Sphinx's toctree for that page,
    through furo's get_navigation_tree, with the caption fix every page gets."""
    with patch_docutils(srcdir), docutils_namespace():
        app = Sphinx(srcdir, srcdir, out, doctree_dir(out), "html", status=None, warning=io.StringIO())
        builder = app.builder
        pages = [*sorted(app.env.all_docs), "genindex", "search"]
        builder.prepare_writing(set(app.env.all_docs))
        return {page: fix_captions(get_navigation_tree(builder._get_local_toctree(page, **FURO_TOCTREE)))
                for page in pages}


def _sidebar(html: str) -> str:
    start = html.index('<div class="sidebar-tree">') + len('<div class="sidebar-tree">')
    return html[start:html.index("</div>", start)].strip()


def test_every_page_of_the_shipped_site_has_furos_own_navigation(shipped_site):
    expected = _furo_navigation(shipped_site)
    assert len(expected) > 70
    for page, navigation in expected.items():
        built = _sidebar((shipped_site / f"{page}.html").read_text(encoding="utf-8"))
        assert built == navigation.strip(), f"{page}: the sidebar differs from furo's"
    # the current page's branch is open and its own link points at itself
    roles = _sidebar((shipped_site / "content/roles.html").read_text(encoding="utf-8"))
    assert '<li class="toctree-l1 current current-page"><a class="current reference internal" href="#">' in roles


def test_a_nested_page_opens_its_ancestors_and_an_external_entry_keeps_its_address(make_site, build_site):
    page = "---\ndescription: A page of the small navigation test site.\n---\n\n# {title}\n\n{body}"
    src = make_site({
        "content/index.md": page.format(title="Home", body="```{toctree}\n:caption: Parts\na/index\nb\n```\n"),
        "content/a/index.md": page.format(title="Part A", body="## Section\n\n```{toctree}\nleaf\n```\n"),
        "content/a/leaf.md": page.format(title="Leaf", body="Text.\n"),
        "content/b.md": page.format(title="Part B", body="```{toctree}\nMDE <https://mdek12.org/>\n```\n"),
    })
    result = build_site(src)
    assert result.ok, result.warnings
    expected = _furo_navigation(result.outdir, src)
    for name in ("content/index", "content/a/index", "content/a/leaf", "content/b", "genindex"):
        built = _sidebar((result.outdir / f"{name}.html").read_text(encoding="utf-8"))
        assert built == expected[name].strip(), name
    leaf = _sidebar((result.outdir / "content/a/leaf.html").read_text(encoding="utf-8"))
    assert 'checked=""' in leaf and 'class="toctree-l2 current current-page"' in leaf
    assert 'href="https://mdek12.org/"' in leaf
