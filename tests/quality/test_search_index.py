"""The search index of a small site: what Pagefind is given, and what it leaves out.

Real builds of a two-page site (tests/conftest.py's make_site), with Pagefind's real binary.
"""

from __future__ import annotations

import gzip
import json
import os
import time

from build_tools.site.html.search import INDEX_DIR
from tests.conftest import page_text

PAGES = {
    "content/index.md": page_text("Home", "```{toctree}\n:hidden:\n\nkept\nhidden\n```\n\nThe sidebar word "
                                  "zebracrossing is in every page's navigation only."),
    "content/kept.md": page_text("Backup rotation", "Districts keep three copies of each backup."),
    "content/hidden.md": "---\ndescription: A page kept out of the site search on purpose.\nnosearch: true\n---\n\n"
                         "# Draft notes\n\nThe word quokkaswitch appears only here.\n",
}


def _indexed_text(site) -> str:
    """Every indexed page's text, from Pagefind's excerpt files (gzip, with a signature line)."""
    texts = []
    for fragment in (site / INDEX_DIR / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(fragment.read_bytes())
        texts.append(raw[raw.index(b"{"):].decode("utf-8"))
    return "\n".join(texts)


def test_pages_are_indexed_without_navigation_and_nosearch_pages_are_not(make_site, build_site):
    result = build_site(make_site(PAGES))
    assert result.ok, result.warnings
    entry = json.loads((result.outdir / INDEX_DIR / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en"]["page_count"] == 2  # home and kept; not hidden, search, genindex
    text = _indexed_text(result.outdir)
    assert "three copies of each backup" in text
    assert "quokkaswitch" not in text, "a nosearch page was indexed"
    # "Backup rotation" is in every page's navigation, but only its own page's text counts
    home = next(line for line in text.splitlines() if '"url":"/content/"' in line)
    assert "zebracrossing" in home and "Backup rotation" not in home, home


def test_a_second_build_replaces_the_index(make_site, build_site):
    src = make_site(PAGES)
    first = build_site(src)
    chunks = set((first.outdir / INDEX_DIR / "index").iterdir())
    (src / "content" / "kept.md").write_text(page_text("Backup rotation", "Now four copies."), encoding="utf-8")
    second = build_site(src)
    assert second.ok, second.warnings
    assert "four copies" in _indexed_text(second.outdir)
    assert "three copies" not in _indexed_text(second.outdir), "the old page's excerpt stayed"
    assert chunks != set((second.outdir / INDEX_DIR / "index").iterdir())


def _age(src, outdir) -> None:
    """Date the built files a few seconds back (a build that follows within two seconds
    indexes again, to be safe on file systems with coarse times) and the sources an hour
    back, so the built files stay newer than their sources (and the theme's templates) and
    Sphinx writes only what changed."""
    now = time.time_ns()
    for folder, back in ((src, 3600), (outdir, 5)):
        for path in folder.rglob("*"):
            os.utime(path, ns=(now - back * 10**9,) * 2, follow_symlinks=False)


def test_the_index_is_kept_only_while_no_indexed_page_or_the_page_list_changed(make_site, build_site):
    orphan = ("---\ndescription: A page that no toctree lists.\norphan: true\n---\n\n"
              "# Orphan\n\nThe word wombatlantern.\n")
    src = make_site({**PAGES, "content/orphan.md": orphan})
    first = build_site(src)
    assert first.ok, first.warnings
    entry = first.outdir / INDEX_DIR / "pagefind-entry.json"
    assert "wombatlantern" in _indexed_text(first.outdir)
    _age(src, first.outdir)
    kept = entry.stat().st_mtime_ns
    assert build_site(src).ok  # nothing changed, no page written: the index is kept as it was
    assert entry.stat().st_mtime_ns == kept
    _age(src, first.outdir)
    (src / "content" / "orphan.md").unlink()  # no other page changes, but the list of pages does
    assert build_site(src).ok
    assert entry.stat().st_mtime_ns != kept
    assert "wombatlantern" not in _indexed_text(first.outdir)
    _age(src, first.outdir)
    kept = entry.stat().st_mtime_ns
    (src / "content" / "kept.md").write_text(page_text("Backup rotation", "Now four copies."), encoding="utf-8")
    assert build_site(src).ok  # an indexed page was written again: a new index
    assert entry.stat().st_mtime_ns != kept
    assert "four copies" in _indexed_text(first.outdir)


def test_only_the_search_page_may_run_webassembly(shipped_site):
    """Pagefind's engine is WebAssembly; CSP's 'wasm-unsafe-eval' allows it on that page alone."""
    import re

    def script_src(page: str) -> str:
        html = (shipped_site / page).read_text(encoding="utf-8")
        return re.search(r'Content-Security-Policy" content="[^"]*script-src ([^;"]*)', html).group(1)

    assert "'wasm-unsafe-eval'" in script_src("search.html")
    assert "'unsafe-eval'" not in script_src("search.html").replace("'wasm-unsafe-eval'", "")
    assert "wasm" not in script_src("content/index.html")
