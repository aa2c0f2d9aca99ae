"""Helpers of the safety tests: run `isdp` as an operator would, in its own process, and
hold it to issue 15's limits for bad input: an answer (not a hang) and at most 200 MB."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MEMORY_MB = 200
# A generous bound on a loaded CI machine: the alias bomb of the issue took 35 s before.
TIMEOUT = 20
# Runs the CLI and reports the process's peak memory on stderr as it exits. VmHWM, not
# getrusage's ru_maxrss: Linux carries the parent's peak across fork and exec into
# ru_maxrss, so a child of a large pytest worker would report the worker's size.
_RUN = ("import atexit, re, sys; from build_tools.cli import main; "
        "atexit.register(lambda: print('isdp-peak-kb=' + re.search(r'VmHWM:\\s*(\\d+)', "
        "open('/proc/self/status').read()).group(1), file=sys.stderr)); main(prog_name='isdp')")


def isdp(*args: object, cwd: Path, timeout: float = 300,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([sys.executable, "-c", _RUN, *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, env=environment)


def peak_mb(run: subprocess.CompletedProcess[str]) -> float:
    match = re.search(r"isdp-peak-kb=(\d+)", run.stderr)
    assert match, run.stderr[-2000:]
    return int(match.group(1)) / 1024


def fails_cleanly(run: subprocess.CompletedProcess[str]) -> str:
    """A non-zero exit, no traceback, within the memory bound; returns stderr."""
    output = run.stdout + run.stderr
    assert "Traceback" not in output, output[-3000:]
    assert run.returncode != 0, output[-2000:]
    assert peak_mb(run) < MEMORY_MB, output[-2000:]
    return run.stderr
