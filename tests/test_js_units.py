"""The browser runtime's unit tests (tests/js/, Node's built-in runner) run with pytest, so
the README's test command and CI run them too."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from build_tools.xapi.profile import Profile

from .conftest import REPO


def test_node_unit_tests_pass():
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js 20 is not installed (see .ci/install)")
    # ISDP_PYTHON: seal.test.js checks the browser against what Python seals.
    env = {**os.environ, "ISDP_PYTHON": sys.executable, "PYTHONPATH": str(REPO)}
    run = subprocess.run([node, "--test", "tests/js"], cwd=REPO, capture_output=True, text=True,
                         timeout=120, env=env)
    summary = [line for line in run.stdout.splitlines() if line.startswith(("# pass", "# fail"))]
    print("\n".join(summary))
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert summary and summary[0] != "# pass 0", "node --test ran no test"
    assert "# skipped 0" in run.stdout, "every node test runs under pytest"


def test_the_node_tests_use_the_profile_the_build_writes():
    """tests/js/profile.json is what Profile.as_json() gives (plus a course list): a change of
    IRIs in profile.py shows here, not as a silently stale fixture."""
    stored = json.loads((REPO / "tests/js/profile.json").read_text(encoding="utf-8"))
    stored.pop("courses")
    assert stored == Profile("https://www.mdek12.org/isdp").as_json()
