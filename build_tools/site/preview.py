"""``isdp serve``: a live preview that rebuilds inside one long-lived Sphinx application.

sphinx-autobuild runs ``sphinx-build`` in a new process for every save: 0.7 s of imports,
extension set-up and environment loading before the changed page is even read (a one-page
rebuild took 0.95 s in all). Here the application stays in memory between saves, so a save
costs only the pages it changes (0.10-0.12 s for one page of ours). sphinx-autobuild still serves the pages,
watches the files and reloads the browser.

- site.yaml or conf.py changed: a new application (they are read once, when it starts).
- build_tools' own code changed: Python cannot reload it safely, so from then on every save
  is built in a fresh ``sphinx-build`` process, as sphinx-autobuild does.
- A failed build is reported and the next save starts a new application.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
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
        self.overrides = overrides
        self.app: Sphinx | None = None
        self.code_changed = False
        self._docutils = contextlib.ExitStack()

    def __call__(self, *, changed_paths: Sequence[Path] = ()) -> None:
        changed = [Path(path).resolve() for path in changed_paths]
        if any(path.is_relative_to(CODE_DIR) for path in changed) and not self.code_changed:
            click.echo("isdp: build_tools changed; every save is now built in a new process")
            self.code_changed = True
        if any(path.name in RESTART_FILES for path in changed):
            self.close()
        start = time.perf_counter()
        ok = self._build_in_new_process() if self.code_changed else self._build_here()
        if ok:
            click.echo(f"isdp: preview rebuilt in {time.perf_counter() - start:.2f} s")

    def _build_here(self) -> bool:
        try:
            if self.app is None:
                self._docutils.enter_context(patch_docutils(self.src))
                self._docutils.enter_context(docutils_namespace())
                self.app = Sphinx(self.src, self.src, self.out, doctree_dir(self.out), "html",
                                  confoverrides=dict(self.overrides), status=None, warning=sys.stderr)
            with fewer_collections():
                self.app.build()
        except Exception as exc:  # SphinxError or an extension's bug: keep serving the last good pages
            click.echo(f"isdp: preview build failed: {exc}", err=True)
            self.close()
            return False
        return True

    def _build_in_new_process(self) -> bool:
        command = [sys.executable, "-m", "sphinx", "build", "-q", str(self.src), str(self.out),
                   "-d", str(doctree_dir(self.out))]
        for name, value in self.overrides.items():
            command += ["-D", f"{name}={value}"]
        return subprocess.run(command, check=False).returncode == 0

    def close(self) -> None:
        self.app = None
        self._docutils.close()


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
    ignore = IgnoreFilter([out, doctree_dir(out), src / "_build", src / ".isdp", src / ".git",
                           src / "node_modules"], IGNORED)
    watcher = InProcessRebuildServer([src, CODE_DIR], ignore, change_callback=builder)
    app = Starlette(
        routes=[WebSocketRoute("/websocket-reload", watcher, name="reload"),
                Mount("/", app=StaticFiles(directory=out, html=True), name="static")],
        middleware=[Middleware(JavascriptInjectorMiddleware, ws_url=address)],
        lifespan=watcher.lifespan,
    )
    builder()
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        builder.close()
