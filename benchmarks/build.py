"""Build speed: `isdp build` against a plain sphinx-build on the same sources, same run.

Plain = Sphinx with only myst-parser and sphinx-design (our directives are unknown to it and
render as warnings, which is fine for timing). Prints medians of N runs and the ratios:

- full build, isdp / plain                          (target <= 1.25)
- one-page rebuild / full isdp build                (target <= 0.15), two ways:
  - ``isdp serve``: the preview's long-lived Sphinx application rebuilds on save;
  - ``isdp build`` run again: a new process, which pays Sphinx's start-up each time (plain
    sphinx-build's own one-page rebuild is printed beside it: the same fixed cost).

Usage: python benchmarks/build.py [--runs 3] [--page content/roles.md]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

PLAIN_CONF = '''
extensions = ["myst_parser", "sphinx_design"]
root_doc = "content/index"
include_patterns = {include!r}
exclude_patterns = ["**/_*", "**/.ipynb_checkpoints"]
myst_enable_extensions = {myst!r}
html_theme = "furo"
'''


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def preview_rebuilds(page: Path, original: str, out: Path, runs: int) -> list[float]:
    """Seconds from a save to the rebuilt page, in the preview's long-lived application."""
    from build_tools.site.preview import PreviewBuilder

    builder = PreviewBuilder(REPO, out, {})
    times = []
    with contextlib.redirect_stdout(io.StringIO()):
        builder()
        for run in range(runs):
            page.write_text(original + f"\n<!-- preview edit {run} -->\n")
            start = time.perf_counter()
            builder(changed_paths=[page])
            times.append(time.perf_counter() - start)
            page.write_text(original)
            builder(changed_paths=[page])
    builder.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page", default="content/roles.md", help="page touched for the rebuild")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))
    from build_tools.site.config import INCLUDE_PATTERNS, MYST_EXTENSIONS

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        conf = tmp_path / "plainconf"
        conf.mkdir()
        (conf / "conf.py").write_text(PLAIN_CONF.format(include=INCLUDE_PATTERNS, myst=MYST_EXTENSIONS))
        plain = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", "-c", str(conf), ".",
                 str(tmp_path / "plain"), "-d", str(tmp_path / "plain-doctrees")]
        isdp_out = str(tmp_path / "isdp" / "html")
        isdp_full = [sys.executable, "-m", "build_tools", "build", "-q", "--fresh", "--out", isdp_out]
        isdp_incremental = [sys.executable, "-m", "build_tools", "build", "-q", "--out", isdp_out]
        plain_incremental = [c for c in plain if c != "-E"]

        page = REPO / args.page
        original = page.read_text()
        plain_times, full_times, rebuild_times, plain_rebuild_times = [], [], [], []
        try:
            for run in range(args.runs):
                plain_times.append(timed(plain))
                full_times.append(timed(isdp_full))
                for command, times in ((isdp_incremental, rebuild_times), (plain_incremental, plain_rebuild_times)):
                    page.write_text(original + f"\n<!-- benchmark edit {run} -->\n")
                    times.append(timed(command))
                    page.write_text(original)
                    timed(command)  # back to a clean state for the next run
            preview_times = preview_rebuilds(page, original, tmp_path / "preview" / "html", args.runs)
        finally:
            page.write_text(original)

    plain_s, full_s, rebuild_s, plain_rebuild_s, preview_s = (
        statistics.median(x) for x in (plain_times, full_times, rebuild_times, plain_rebuild_times, preview_times))
    pages = sum(1 for _ in REPO.glob("content/**/*.md")) + sum(1 for _ in REPO.glob("guidance/**/*.md")) \
        + sum(1 for _ in REPO.glob("courses/**/*.md")) + sum(1 for _ in REPO.glob("courses/**/*.ipynb"))
    print(f"source pages: {pages}, runs: {args.runs} (medians)")
    print(f"plain sphinx-build full:  {plain_s:7.2f} s")
    print(f"isdp build full:          {full_s:7.2f} s   ratio isdp/plain = {full_s / plain_s:.2f} (target <= 1.25)")
    print(f"one-page rebuild, isdp serve (preview):  {preview_s:5.2f} s   "
          f"ratio rebuild/full = {preview_s / full_s:.2f} (target <= 0.15)")
    print(f"one-page rebuild, isdp build again:      {rebuild_s:5.2f} s   "
          f"ratio rebuild/full = {rebuild_s / full_s:.2f} (target <= 0.15)")
    print(f"one-page rebuild, plain sphinx-build again: {plain_rebuild_s:5.2f} s   "
          f"ratio to plain full = {plain_rebuild_s / plain_s:.2f}")


if __name__ == "__main__":
    main()
