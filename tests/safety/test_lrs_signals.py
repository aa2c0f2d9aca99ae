"""Finding 9 of issue 15: `isdp lrs serve` stops its Ralph child on SIGTERM, SIGINT and
SIGHUP (a plain `kill`, Ctrl+C, a closed terminal); before, SIGTERM left Ralph serving
with the old logins. A real `isdp lrs serve` and a real Ralph."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from .conftest import REPO


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(child) for child in text.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has stopped serving; only its exit status is left


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_lrs_serve_stops_ralph(tmp_path, signum):
    process = subprocess.Popen(
        [sys.executable, "-m", "build_tools", "lrs", "serve", "--port", "0",
         "--lrs-dir", str(tmp_path / "lrs")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)}, start_new_session=True)
    ralph = None
    try:
        for line in process.stdout:
            if "LRS on" in line:
                break
        url = line.split("LRS on ")[1].split()[0]
        assert httpx.get(url.replace("/xAPI/", "/__heartbeat__"), timeout=10).status_code == 200
        [ralph] = _children(process.pid)
        process.send_signal(signum)  # to isdp only, as `kill` does: not to Ralph
        process.wait(30)
        deadline = time.monotonic() + 15
        while _alive(ralph) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(ralph), f"Ralph ({ralph}) still runs after {signum.name} to isdp"
        with pytest.raises(httpx.TransportError):
            httpx.get(url.replace("/xAPI/", "/__heartbeat__"), timeout=2)
    finally:
        for pid in ([ralph] if ralph else []) + [process.pid]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        process.wait(10)
