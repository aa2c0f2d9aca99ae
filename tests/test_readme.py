"""README's two commands are what a fresh machine and CI run.

The first is run here as written, in a copy of the repository without a virtual
environment, so it proves the set-up a content editor follows (the copy gets its own
.venv; pip's cache makes the download cheap on a machine that ran .ci/install).
"""

from __future__ import annotations

import shutil
import subprocess
import sys

from tests.conftest import REPO


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]


def test_ci_runs_exactly_the_readmes_test_command():
    run = (REPO / ".ci/run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert readme_commands()[1] == run


def test_readmes_first_command_builds_the_site_in_a_fresh_copy(tmp_path):
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO,
                           capture_output=True, text=True, check=True).stdout.split()
    copy = tmp_path / "isdp"
    for name in files:
        if (REPO / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, copy / name)
    assert not (copy / ".venv").exists()
    first = readme_commands()[0]
    assert first.startswith("python3 -m venv .venv"), first
    done = subprocess.run(["bash", "-c", first.replace("python3 ", f"{sys.executable} ", 1)],
                          cwd=copy, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert (copy / "_build/html/index.html").is_file()
    assert (copy / ".venv/bin/isdp").is_file()
