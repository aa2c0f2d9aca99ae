"""Fixtures for the policy tests: a copy of the repository's templates and data to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "district-example.yaml"


@pytest.fixture
def policy_src(tmp_path: Path) -> Path:
    """A source tree with the real site.yaml, data files and the 22 templates."""
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(REPO / "site.yaml", src)
    shutil.copy(REPO / "conf.py", src)
    shutil.copytree(REPO / "content" / "data", src / "content" / "data")
    shutil.copytree(REPO / "templates" / "policies", src / "templates" / "policies")
    return src


def replace_in(path: Path, old: str, new: str) -> int:
    """Replace text once in a file; returns the 1-based line of the change."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line
