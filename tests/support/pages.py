"""The pages of a built site, found by walking it, and a loopback server for them.

Other parts of the project add pages all the time, so nothing here lists pages by hand:
every check walks whatever the build produced. ``page_types`` picks one page of each kind
for reports that need a representative (page weight, Lighthouse).
"""

from __future__ import annotations

import functools
import http.server
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Folders of a Sphinx HTML build that hold assets, not pages.
ASSET_DIRS = ("_static", "_images", "_downloads", "_sources")
_REL_NEXT = re.compile(r'<link rel="next"[^>]*href="([^"#]+)', re.IGNORECASE)


def built_pages(site: Path) -> list[str]:
    """Every HTML page of the build, as sorted paths relative to the site root."""
    site = Path(site)
    return sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if path.relative_to(site).parts[0] not in ASSET_DIRS
    )


def _first_below(site: Path, folder: str) -> str | None:
    pages = [p for p in built_pages(site) if p.startswith(f"{folder}/") and not p.endswith("index.html")]
    return pages[0] if pages else None


def course_module_pages(site: Path) -> list[str]:
    """Pages of a course's modules: ``courses/<course>/<module>.html`` (not the indexes)."""
    return [p for p in built_pages(site)
            if p.startswith("courses/") and p.count("/") >= 2 and not p.endswith("/index.html")]


def first_course_module(site: Path) -> str | None:
    """The first module of the first course: where its index's "next" link points."""
    site = Path(site)
    modules = course_module_pages(site)
    if not modules:
        return None
    course_index = site / modules[0].rsplit("/", 1)[0] / "index.html"
    if course_index.exists():
        found = _REL_NEXT.search(course_index.read_text(encoding="utf-8"))
        if found:
            target = (course_index.parent / found.group(1)).resolve().relative_to(site.resolve()).as_posix()
            if target in modules:
                return target
    return modules[0]


def quiz_pages(site: Path) -> list[str]:
    """Pages that hold a quiz: a course module with a form control to answer with."""
    site = Path(site)
    return [p for p in course_module_pages(site)
            if re.search(r'<input[^>]+type="(radio|checkbox)"', (site / p).read_text(encoding="utf-8"))]


def page_types(site: Path) -> dict[str, str | None]:
    """One representative page per kind; None where the build has no such page yet."""
    site = Path(site)

    def existing(path: str) -> str | None:
        return path if (site / path).exists() else None

    return {
        "home": existing("content/index.html"),
        "rule page": existing("content/rule-55-1.html"),
        "glossary": existing("content/glossary.html"),
        "guidance": _first_below(site, "guidance") or existing("guidance/index.html"),
        "policy": _first_below(site, "content/policies") or existing("content/policies/index.html"),
        "course module": first_course_module(site),
    }


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve a folder on a free loopback port (port 0); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def site_or_build(site: Path | None, workdir: Path, srcdir: Path) -> Path | None:
    """An existing HTML build, or a fresh build of ``srcdir`` in ``workdir`` (None if it warns).

    The benchmarks accept ``--site DIR`` to reuse a build; without it they build first.
    """
    if site is not None:
        return site
    from build_tools.site.build import build

    result = build(srcdir, workdir / "html")
    if not result.ok:
        print("\n".join(result.warnings + [result.error or ""]), file=sys.stderr)
        return None
    return result.outdir
