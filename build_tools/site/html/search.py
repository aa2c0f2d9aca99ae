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
- Sphinx's own indexer is switched off (its searchindex.js would go unused), and the basic
  theme's searchtools.js and language_data.js, which only its search page loads, are removed
  from _static/ when the build ends, before the minifier (Sphinx has no setting to leave them
  out, and `isdp build` publishes its output whole, so no reader sees them meanwhile).
- The search page is our template. A query from an empty cache may cost at most 10 requests
  (issue 19), and Pagefind needs 6 of them beside the excerpts (its script, entry, metadata,
  WebAssembly, the index chunk, and the page itself): so the page links only the theme's
  stylesheet, and writes in itself our stylesheet (minified), the keyboard fixes, its own
  module (static/isdp-search.js, which also runs the theme's light/dark button: furo.js's
  scroll and contents code has no use here and cost the most CPU on a phone) and the icon.
  It preloads what Pagefind fetches first (its script, its entry, whose ``?ts=`` tag the page
  gives it, and its WebAssembly), and the module starts the query after the first paint.
  Pagefind's index files are gzip: a server that sends them with ``Content-Encoding: gzip``
  (the editor guide's publishing page) spares Pagefind unpacking them on the main thread.
- The index is a build product like the pages, in _pagefind/, rewritten whole (Pagefind cannot
  update one page, https://github.com/Pagefind/pagefind/issues/71; it takes about 0.3 s of
  CPU for our 80 pages) by every build that wrote one of the indexed pages again or changed
  which pages are indexed. A build that rewrote none of them (nothing changed, or only a
  keys.lock, the search page, a nosearch page) keeps the previous index as it is: the output
  starts as a copy of the last one (core/atomic.py), with the pages' times kept. The live
  preview (`isdp serve`) writes it once, not on every save: its search may lag behind edits.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

from sphinx.application import Sphinx

from build_tools.site.config import STATIC_DIR as SITE_STATIC  # isdp.css, the keyboard fixes, the icon
from build_tools.site.diagnostics import Warn, warn

SEARCH_SCRIPT = Path(__file__).parent / "static" / "isdp-search.js"
INDEX_DIR = "_pagefind"
LANGUAGE = "en"  # the site's one language: Pagefind's WebAssembly is wasm.<language>.pagefind
EXCLUDE = ".headerlink, [data-pagefind-ignore]"
_GLOB_SPECIAL = re.compile(r"[\\{}\[\]*?,]")
# The one file the search page links; the rest it writes in itself (see the docstring).
SEARCH_PAGE_LINKS = ("styles/furo.css",)
# Sphinx's basic theme copies these for its own search page, which this site does not use.
UNUSED_THEME_FILES = ("searchtools.js", "language_data.js")


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
               "--exclude-selectors", EXCLUDE, "--force-language", LANGUAGE, "--silent"]
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
        builder = app.builder
        builder.isdp_search_tag = f"{time.time_ns():x}"  # type: ignore[attr-defined]


def _drop_unused_theme_files(app: Sphinx, exception: Exception | None) -> None:
    if app.builder.format == "html":
        for name in UNUSED_THEME_FILES:
            (Path(app.outdir) / "_static" / name).unlink(missing_ok=True)


@functools.cache
def _inline_assets(mtimes: tuple[float, ...]) -> dict[str, str]:
    """What the search page writes in itself; ``mtimes`` renews it after an edit (isdp serve)."""
    from build_tools.site.html.minify import minify_text

    svg = (SITE_STATIC / "isdp-favicon.svg").read_text(encoding="utf-8").strip()
    return {"isdp_search_css": minify_text((SITE_STATIC / "isdp.css").read_text(encoding="utf-8"), ".css"),
            "isdp_search_keyboard": (SITE_STATIC / "isdp-keyboard.js").read_text(encoding="utf-8").strip(),
            "isdp_search_script": SEARCH_SCRIPT.read_text(encoding="utf-8").strip(),
            "favicon_url": "data:image/svg+xml," + quote(svg, safe="/=:,.-")}


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    # Sphinx's searchtools no longer writes the page, so hasdoc('search') must say it exists
    # (the theme's <link rel="search"> depends on it).
    hasdoc = context.get("hasdoc")
    if hasdoc is not None:
        context["hasdoc"] = lambda name: name == "search" or hasdoc(name)
    if pagename != "search":
        return
    context["css_files"] = [c for c in context.get("css_files", []) if _static_name(c) in SEARCH_PAGE_LINKS]
    context["script_files"] = []
    sources = (SITE_STATIC / "isdp.css", SITE_STATIC / "isdp-keyboard.js", SITE_STATIC / "isdp-favicon.svg",
               SEARCH_SCRIPT)
    context.update(_inline_assets(tuple(source.stat().st_mtime for source in sources)))
    # Pagefind asks for its (unhashed) entry with ?ts=<tag> to pass caches: one tag a build.
    context["isdp_search_tag"] = app.builder.isdp_search_tag  # type: ignore[attr-defined]
    context["isdp_search_wasm"] = f"{INDEX_DIR}/wasm.{LANGUAGE}.pagefind"


def _static_name(asset: object) -> str:
    return str(getattr(asset, "filename", asset)).removeprefix("_static/")


def setup_search(app: Sphinx) -> None:
    app.connect("builder-inited", _no_sphinx_index)
    app.connect("build-finished", _drop_unused_theme_files, priority=400)  # before the minifier
    app.connect("html-page-context", _page_context, priority=950)
    index = SearchIndex()
    app.connect("builder-inited", index.begin)
    app.connect("env-updated", index.note_pages)
    app.connect("html-collect-pages", index.start)
    app.connect("build-finished", index.finish, priority=600)
