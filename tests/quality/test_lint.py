"""The code keeps the rules pyproject.toml's [tool.ruff] names (pyflakes, pycodestyle, isort,
pyupgrade, bugbear): unused imports, late-bound loop variables and the like fail here, with
ruff's own file:line:rule report, rather than in review."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ruff_finds_nothing():
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_ruff_reports_a_finding_with_its_file_line_and_rule(tmp_path):
    # the check above is only as good as ruff's reading of our settings: a bugbear finding
    # (B006, a mutable default) in a file under the same settings must fail it
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"),
                                             encoding="utf-8")
    (tmp_path / "bad.py").write_text("def f(items=[]):\n    return items\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 1
    assert "bad.py:1:" in run.stdout and "B006" in run.stdout
