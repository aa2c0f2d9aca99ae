"""`isdp serve`: the live preview rebuilds a page when an editor saves it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

from .conftest import page_text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode()
    except OSError:
        return None


def _wait_for(predicate, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError("timed out waiting for the preview")


def test_preview_rebuilds_on_save(make_site):
    src = make_site({"content/index.md": page_text("Home", "First version of the page.")})
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "build_tools", "serve", "--port", str(port)],
                              cwd=src, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/content/index.html"
    try:
        _wait_for(lambda: "First version" in (_get(url) or ""))
        (src / "content" / "index.md").write_text(page_text("Home", "Second version, saved by an editor."))
        _wait_for(lambda: "Second version" in (_get(url) or ""))
    finally:
        server.terminate()
        server.wait(15)
