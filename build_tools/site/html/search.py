"""Site search: Pagefind's static, chunked index, written from the built pages.

Sphinx's own search loads its whole index (130 KB for our 80 pages, growing with every page)
and then fetches every matching page to cut a summary from it: 79 requests and 2.8 MB for one
query. Pagefind (PyPI ``pagefind[bin]``, a binary in a wheel: nothing but Python needed) reads
the written HTML once per build and splits the index by word, so a query fetches the chunk of
its words and one small excerpt file per result shown; isdp-search.js shows the first few.

- Only each page's ``<article>`` is indexed: navigation, sidebars and footers would make
  every page match every menu word. Headings' permalink signs are left out too.
- Pagefind is given the written pages of the site's documents by name, except those whose
  front matter says ``nosearch: true``: not the search page, the general index or the root
  redirect, which have no content of their own.
- Sphinx's own indexer is switched off (its searchindex.js would go unused); the search page
  is our template, and loads the theme's stylesheet, ours and the keyboard fixes only.
- The index is a build product like the pages, in _pagefind/, rewritten whole (Pagefind cannot
  update one page, https://github.com/Pagefind/pagefind/issues/71; it takes about 0.3 s of
  CPU for our 80 pages) by every build that wrote one of the indexed pages again or changed
  which pages are indexed. A build that rewrote none of them (nothing changed, or only a
  keys.lock, the search page, a nosearch page) keeps the previous index as it is: the output
  starts as a copy of the last one (core/atomic.py), with the pages' times kept. The live
  preview (`isdp serve`) writes it once, not on every save: its search may lag behind edits.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

from sphinx.application import Sphinx

from build_tools.site.diagnostics import Warn, warn

STATIC_DIR = Path(__file__).parent / "static"
INDEX_DIR = "_pagefind"
EXCLUDE = ".headerlink, [data-pagefind-ignore]"
_GLOB_SPECIAL = re.compile(r"[\\{}\[\]*?,]")
# What the search page loads beside its own module: the theme's look and the keyboard fixes.
SEARCH_PAGE_ASSETS = ("styles/furo.css", "isdp.css", "scripts/furo.js", "isdp-keyboard.js")


def pagefind_binary() -> str:
    """The Pagefind executable shipped in the ``pagefind-bin`` wheel."""
    from pagefind_bin import get_executable  # type: ignore[import-untyped]

    return str(get_executable())


def pages_glob(pages: list[str]) -> str:
    """A glob that matches exactly these site-relative paths."""
    return "{" + ",".join(_GLOB_SPECIAL.sub(r"\\\g<0>", page) for page in sorted(pages)) + "}"


def start_index(outdir: Path, pages: list[str]) -> subprocess.Popen[str]:
    """Start indexing ``pages`` of ``outdir`` into ``outdir/_pagefind`` (replacing ours)."""
    old = Path(outdir) / INDEX_DIR
    if (old / "pagefind-entry.json").exists():  # our previous index: its chunks would pile up
        shutil.rmtree(old)
    command = [pagefind_binary(), "--site", str(outdir), "--output-subdir", INDEX_DIR,
               "--glob", pages_glob(pages), "--root-selector", "article",
               "--exclude-selectors", EXCLUDE, "--force-language", "en", "--silent"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish_index(run: subprocess.Popen[str]) -> str | None:
    """Wait for Pagefind; the error text if it failed."""
    out, err = run.communicate()
    if run.returncode != 0:
        return (err or out).strip() or f"pagefind exited with {run.returncode}"
    return None


# A page written by this build has a time at or after its start; the margin covers file systems
# that keep coarse times (it can only make a build index again when it need not).
_TIME_MARGIN_NS = 2_000_000_000


class SearchIndex:
    """Pagefind runs while Sphinx writes its last pages (general index, search page, object
    inventory): it starts once the content pages are written and is waited for at the end."""

    def __init__(self) -> None:
        self.run: subprocess.Popen[str] | None = None
        self.started_ns = 0
        self.same_pages = False

    def begin(self, app: Sphinx) -> None:
        self.started_ns = time.time_ns()

    def note_pages(self, app: Sphinx, env) -> list[str]:
        """env-updated: whether the indexed documents are those the kept index was built from
        (the list is kept in the environment, which Sphinx saves between builds)."""
        docs = sorted(doc for doc in env.found_docs if "nosearch" not in env.metadata.get(doc, {}))
        self.same_pages = getattr(env, "isdp_search_docs", None) == docs
        env.isdp_search_docs = docs
        return []

    def start(self, app: Sphinx) -> list:
        outdir = Path(app.outdir)
        entry = outdir / INDEX_DIR / "pagefind-entry.json"
        if app.builder.name == "html" and not (app.config.isdp_preview_ws and entry.exists()):
            env = app.env
            pages = [app.builder.get_target_uri(doc) for doc in env.found_docs
                     if "nosearch" not in env.metadata.get(doc, {})]
            if pages and not (self.same_pages and entry.exists() and not self._rewritten(outdir, pages)):
                self.run = start_index(outdir, pages)
        return []  # html-collect-pages: no pages of our own

    def _rewritten(self, outdir: Path, pages: list[str]) -> bool:
        since = self.started_ns - _TIME_MARGIN_NS
        for page in pages:
            try:
                if (outdir / page).stat().st_mtime_ns >= since:
                    return True
            except FileNotFoundError:
                return True
        return False

    def finish(self, app: Sphinx, exception: Exception | None) -> None:
        run, self.run = self.run, None
        if run is None:
            return
        error = finish_index(run)
        if error and exception is None:
            warn(Warn.SEARCH, f"the search index was not written: {error}", None)


def _no_sphinx_index(app: Sphinx) -> None:
    if app.builder.format == "html":
        app.builder.search = False  # type: ignore[attr-defined]
        app.config.html_additional_pages = {**app.config.html_additional_pages, "search": "search.html"}


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    # Sphinx's searchtools no longer writes the page, so hasdoc('search') must say it exists
    # (the theme's <link rel="search"> depends on it).
    hasdoc = context.get("hasdoc")
    if hasdoc is not None:
        context["hasdoc"] = lambda name: name == "search" or hasdoc(name)
    if pagename != "search":
        return
    context["css_files"] = [c for c in context.get("css_files", []) if _static_name(c) in SEARCH_PAGE_ASSETS]
    context["script_files"] = [s for s in context.get("script_files", []) if _static_name(s) in SEARCH_PAGE_ASSETS]
    from sphinx.builders.html._assets import _JavaScript

    context["script_files"].append(_JavaScript("_static/isdp-search.js", type="module", priority=900))


def _static_name(asset: object) -> str:
    return str(getattr(asset, "filename", asset)).removeprefix("_static/")


def setup_search(app: Sphinx) -> None:
    app.connect("config-inited", lambda app, config: config.html_static_path.append(str(STATIC_DIR)))
    app.connect("builder-inited", _no_sphinx_index)
    app.connect("html-page-context", _page_context, priority=950)
    index = SearchIndex()
    app.connect("builder-inited", index.begin)
    app.connect("env-updated", index.note_pages)
    app.connect("html-collect-pages", index.start)
    app.connect("build-finished", index.finish, priority=600)
