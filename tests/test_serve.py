"""`isdp serve`: the live preview rebuilds a page when an editor saves it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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


@contextmanager
def preview(src: Path, log: Path) -> Iterator[str]:
    """`isdp serve` in src, its output in log; yields the home page's URL, stops on exit."""
    port = _free_port()
    with log.open("w") as output:
        server = subprocess.Popen([sys.executable, "-m", "build_tools", "serve", "--port", str(port)],
                                  cwd=src, stdout=output, stderr=subprocess.STDOUT)
    try:
        yield f"http://127.0.0.1:{port}/content/index.html"
    finally:
        server.terminate()
        server.wait(15)


def test_preview_rebuilds_on_save_in_one_process_and_survives_a_broken_page(make_site, tmp_path):
    src = make_site({"content/index.md": page_text("Home", "First version of the page.")})
    log = tmp_path / "serve.log"
    index = src / "content" / "index.md"
    with preview(src, log) as url:
        _wait_for(lambda: "First version" in (_get(url) or ""))
        index.write_text(page_text("Home", "Second version, saved by an editor."))
        _wait_for(lambda: "Second version" in (_get(url) or ""))

        # A page with bad front matter: the editor sees the warning; the preview keeps serving.
        index.write_text("---\ndescription: [unclosed\n---\n\n# Home\n\nBroken version.\n")
        _wait_for(lambda: "isdp.front_matter" in log.read_text())
        assert "Second version" in (_get(url) or "") or "Broken version" in (_get(url) or "")
        index.write_text(page_text("Home", "Third version, fixed."))
        _wait_for(lambda: "Third version" in (_get(url) or ""))

        # site.yaml is read when the application starts: a change starts a new one.
        settings = src / "site.yaml"
        settings.write_text(settings.read_text().replace("short_name: MDE", "short_name: MDEX"))
        _wait_for(lambda: "MDEX Information Security" in (_get(url) or ""))
    text = log.read_text()
    # every save after the first build was built in this process, not in a new sphinx-build
    assert text.count("isdp: preview rebuilt in") >= 4, text
    assert "every save is now built in a new process" not in text
