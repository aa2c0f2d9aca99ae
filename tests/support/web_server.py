"""A loopback web server for the built site that compresses and caches as a production one does.

Lighthouse and the search budget measure what a reader's browser gets from the agency's web
server, not from Python's bare file server (no compression, no cache headers). The rules are
the ones the editor guide's publishing page asks of that server:

- text (HTML, CSS, JS, JSON, SVG, XML) is sent brotli-compressed when the browser accepts it,
  else gzip;
- Pagefind's index files (everything under ``_pagefind/`` but its scripts, styles and entry
  file) are gzip streams already: they are sent as they are, with ``Content-Encoding: gzip``,
  so the browser unpacks them natively; without that header Pagefind unpacks each one with
  its own JavaScript, on the page's main thread (the search page's blocking time);
- files whose address changes with their content are cached for a year, ``immutable``:
  anything asked for with Sphinx's ``?v=<checksum>``, and Pagefind's hashed files (the index
  chunks, excerpts, metadata and WebAssembly under ``_pagefind/``);
- the theme's other files under ``_static/`` (the icon, images) are cached for a day;
- everything else (pages, the quizzes' feedback files, pagefind.js, its entry file) is
  ``no-cache``: the browser keeps it but asks again each time, and gets ``304 Not Modified``
  while it is unchanged.
"""

from __future__ import annotations

import email.utils
import functools
import gzip
import http.server
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import brotli

TEXT = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8", ".json": "application/json",
        ".svg": "image/svg+xml", ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
        ".inv": "application/octet-stream"}
# Pagefind's files named by their content hash; their bodies are gzip streams it unpacks itself.
_HASHED_INDEX = re.compile(r"^/_pagefind/(fragment/|index/|filter/|pagefind\..+\.pf_meta$|wasm\.)")
YEAR = "public, max-age=31536000, immutable"
DAY = "public, max-age=86400"
REVALIDATE = "no-cache"


def cache_control(path: str, query: str) -> str:
    if "v" in parse_qs(query) or _HASHED_INDEX.match(path):
        return YEAR
    if path.startswith("/_static/"):
        return DAY
    return REVALIDATE


@functools.lru_cache(maxsize=1024)
def _compressed(file: Path, mtime: float, encoding: str) -> bytes:
    body = file.read_bytes()
    if encoding == "br":
        return brotli.compress(body, quality=11)
    return gzip.compress(body, compresslevel=9, mtime=0)


class ProductionHandler(http.server.BaseHTTPRequestHandler):
    root: Path
    served: list[tuple[str, int, int]]  # (path, status, body bytes sent): what reached the server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(body=False)

    def do_GET(self) -> None:  # noqa: N802
        self._respond(body=True)

    def _respond(self, body: bool) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        file = (self.root / path.lstrip("/")).resolve()
        if file.is_dir():
            file = file / "index.html"
        if self.root not in file.parents or not file.is_file():
            self.served.append((path, 404, 0))
            self.send_error(404)
            return
        stat = file.stat()
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        headers = {"Cache-Control": cache_control(path, url.query), "ETag": etag,
                   "Last-Modified": email.utils.formatdate(stat.st_mtime, usegmt=True),
                   "X-Content-Type-Options": "nosniff",
                   "Content-Security-Policy": "frame-ancestors 'none'"}
        if self.headers.get("If-None-Match") == etag:
            self.served.append((path, 304, 0))
            self.send_response(304)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            return
        content_type = TEXT.get(file.suffix)
        accepted = self.headers.get("Accept-Encoding", "")
        if content_type:
            encoding = "br" if "br" in accepted else "gzip" if "gzip" in accepted else ""
            data = _compressed(file, stat.st_mtime, encoding) if encoding else file.read_bytes()
            if encoding:
                headers["Content-Encoding"] = encoding
                headers["Vary"] = "Accept-Encoding"
        else:
            content_type = "application/wasm" if file.suffix == ".wasm" else "application/octet-stream"
            data = file.read_bytes()
            if _HASHED_INDEX.match(path) and "gzip" in accepted:
                headers["Content-Encoding"] = "gzip"
        headers["Content-Type"] = content_type
        headers["Content-Length"] = str(len(data))
        self.served.append((path, 200, len(data)))
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(data)


class Served(list):
    """What the server answered, in order: (path, status, body bytes)."""

    def since(self, mark: int) -> list[tuple[str, int, int]]:
        return self[mark:]


@contextmanager
def serve_like_production(directory: Path) -> Iterator[tuple[str, Served]]:
    """Serve a built site on a free loopback port; yields the base URL and the served log."""
    served = Served()
    handler = type("Handler", (ProductionHandler,), {"root": Path(directory).resolve(), "served": served})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", served
    finally:
        server.shutdown()
        server.server_close()
