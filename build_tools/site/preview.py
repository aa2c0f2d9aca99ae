"""``isdp serve``: a live preview that rebuilds inside one long-lived Sphinx application.

sphinx-autobuild runs ``sphinx-build`` in a new process for every save: 0.7 s of imports,
extension set-up and environment loading before the changed page is even read (a one-page
rebuild took 0.95 s in all). Here the application stays in memory between saves, so a save
costs only the pages it changes (0.10-0.12 s for one page of ours). sphinx-autobuild still serves the pages,
watches the files and reloads the browser.

- site.yaml or conf.py changed: a new application (they are read once, when it starts).
- build_tools' own code changed: Python cannot reload it safely, so from then on every save
  is built in a fresh ``sphinx-build`` process, as sphinx-autobuild does.
- A failed build (an exception or any warning) is reported, the next save starts a new
  application, and the preview keeps serving the last good pages: Sphinx writes into a work
  folder beside the served one, and only a build that passed is copied over. Until the next
  good build every page carries a banner listing the problems (``ProblemBanner``).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import click
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace, patch_docutils
from sphinx_autobuild.server import RebuildServer

from build_tools.site.build import doctree_dir, fewer_collections

CODE_DIR = Path(__file__).parents[1]  # all of build_tools/
RESTART_FILES = {"site.yaml", "conf.py"}
IGNORED = [r"__pycache__", r"\.pyc$", r"~$", r"\.sw[px]$", r"/\.#"]  # caches, editor backups


class PreviewBuilder:
    """Called by the file watcher with the changed paths; builds ``src`` into ``out``."""

    def __init__(self, src: Path, out: Path, overrides: dict[str, str]) -> None:
        self.src, self.out = src.resolve(), out.resolve()
        self.work = work_dir(self.out)
        self.overrides = overrides
        self.app: Sphinx | None = None
        self.code_changed = False
        self.problems: list[str] = []  # of the last build; shown on every page until fixed
        self._warnings = _Tee(sys.stderr)
        self._docutils = contextlib.ExitStack()

    def __call__(self, *, changed_paths: Sequence[Path] = ()) -> None:
        changed = [Path(path).resolve() for path in changed_paths]
        if any(path.is_relative_to(CODE_DIR) for path in changed) and not self.code_changed:
            click.echo("isdp: build_tools changed; every save is now built in a new process")
            self.code_changed = True
        if any(path.name in RESTART_FILES for path in changed):
            self.close()
        start = time.perf_counter()
        self.problems = self._build_in_new_process() if self.code_changed else self._build_here()
        if self.problems:
            click.echo(f"isdp: preview build failed ({len(self.problems)} problem(s)); "
                       "still serving the last good pages", err=True)
            return
        _publish(self.work, self.out)
        click.echo(f"isdp: preview rebuilt in {time.perf_counter() - start:.2f} s")

    def _build_here(self) -> list[str]:
        warnings = self._warnings
        warnings.lines = []  # this build's warnings only
        try:
            if self.app is None:
                self._docutils.enter_context(patch_docutils(self.src))
                self._docutils.enter_context(docutils_namespace())
                self.app = Sphinx(self.src, self.src, self.work, doctree_dir(self.out), "html",
                                  confoverrides=dict(self.overrides), status=None,
                                  warning=warnings, keep_going=True)
            with fewer_collections():
                self.app.build()
        except Exception as exc:  # SphinxError or an extension's bug: keep serving the last good pages
            click.echo(f"isdp: preview build failed: {exc}", err=True)
            self.close()
            return [*warnings.lines, str(exc)]
        if warnings.lines:  # Sphinx caches a page that warned as fine: read all again next time
            self.close()
            (doctree_dir(self.out) / "environment.pickle").unlink(missing_ok=True)
        return warnings.lines

    def _build_in_new_process(self) -> list[str]:
        command = [sys.executable, "-m", "sphinx", "build", "-q", "-W", "--keep-going",
                   str(self.src), str(self.work), "-d", str(doctree_dir(self.out))]
        for name, value in self.overrides.items():
            command += ["-D", f"{name}={value}"]
        run = subprocess.run(command, check=False, capture_output=True, text=True)
        sys.stderr.write(run.stderr)
        if run.returncode == 0:
            return []
        return [line for line in run.stderr.splitlines() if line.strip()] or [
            f"sphinx-build exited with {run.returncode}"]

    def close(self) -> None:
        self.app = None
        self._docutils.close()


def work_dir(out: Path) -> Path:
    """Where the preview's Sphinx writes; ``out`` (what is served) gets only good builds."""
    return out.parent / f".{out.name}.work"


def _publish(work: Path, out: Path) -> None:
    """Copy what the good build changed into the served folder (a save changes few files)."""
    for source in work.rglob("*"):
        if not source.is_file():
            continue
        target = out / source.relative_to(work)
        stat = source.stat()
        try:
            same = target.stat()
            if (same.st_size, same.st_mtime_ns) == (stat.st_size, stat.st_mtime_ns):
                continue
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


class _Tee:
    """Sphinx's warning stream: to the terminal, and kept for the banner."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.lines: list[str] = []

    def write(self, text: str) -> int:
        self.lines += [line for line in text.splitlines() if line.strip()]
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return False


class ProblemBanner:
    """ASGI middleware: while the last build failed, every HTML page opens with its problems.

    Plain elements only (no inline style or script), so the page's CSP allows it as it is.
    """

    def __init__(self, app, builder: PreviewBuilder) -> None:
        self.app = app
        self.builder = builder

    def banner(self) -> bytes:
        items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in self.builder.problems[:50])
        return (f'<div role="alert" id="isdp-preview-problems"><p><strong>The last save did not '
                f"build: this is the last good version of the site.</strong> Fix these problems "
                f"and save again:</p><ul>{items}</ul></div>").encode()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not self.builder.problems:
            await self.app(scope, receive, send)
            return
        start: dict | None = None
        body: list[bytes] = []

        async def buffered(message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                from starlette.datastructures import MutableHeaders

                if not MutableHeaders(scope=message).get("Content-Type", "").startswith("text/html"):
                    await send(message)
                    return
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            page = b"".join(body)
            at = page.find(b">", page.find(b"<body")) + 1 if b"<body" in page else 0
            page = page[:at] + self.banner() + page[at:]
            from starlette.datastructures import MutableHeaders

            MutableHeaders(scope=start)["Content-Length"] = str(len(page))
            await send(start)
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, buffered)


class InProcessRebuildServer(RebuildServer):
    """sphinx-autobuild's watcher, calling the builder in this process (in a worker thread
    so that pages keep being served), not in a new process each time."""

    async def watch(self) -> None:
        import watchfiles

        async for changes in watchfiles.awatch(*self.paths, watch_filter=lambda _, path: not self.ignore(path)):
            changed_paths = [Path(path).resolve() for _, path in changes]
            await asyncio.to_thread(self.change_callback, changed_paths=changed_paths)
            self.flag.set()


def serve(src: Path, out: Path, host: str, port: int) -> None:
    import uvicorn
    from sphinx_autobuild.filter import IgnoreFilter
    from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Mount, WebSocketRoute
    from starlette.staticfiles import StaticFiles

    logging.getLogger("watchfiles").setLevel(logging.WARNING)  # not a line per save
    src, out = src.resolve(), out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    address = f"{host}:{port}"
    # The CSP of each preview page allows sphinx-autobuild's live-reload script (csp.py).
    builder = PreviewBuilder(src, out, {"isdp_preview_ws": address})
    ignore = IgnoreFilter([out, work_dir(out), doctree_dir(out), src / "_build", src / ".isdp", src / ".git",
                           src / "node_modules"], IGNORED)
    watcher = InProcessRebuildServer([src, CODE_DIR], ignore, change_callback=builder)
    app = Starlette(
        routes=[WebSocketRoute("/websocket-reload", watcher, name="reload"),
                Mount("/", app=StaticFiles(directory=out, html=True), name="static")],
        middleware=[Middleware(JavascriptInjectorMiddleware, ws_url=address),
                    Middleware(ProblemBanner, builder=builder)],
        lifespan=watcher.lifespan,
    )
    builder()
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        builder.close()
