"""Build speed: `isdp build` against a plain sphinx-build on the same sources, same run.

Plain = Sphinx with only myst-parser and sphinx-design (our directives are unknown to it and
render as warnings, which is fine for timing). Prints medians of N runs and the ratios:

- full build, isdp / plain, CPU seconds             (target <= 1.10)
- one-page rebuild, two ways:
  - ``isdp serve``: the preview's long-lived Sphinx application rebuilds on save
    (rebuild / full isdp build, target <= 0.15);
  - ``isdp build`` run again: a new process, which pays Sphinx's start-up each time; its CPU
    seconds against plain sphinx-build's own one-page rebuild, measured beside it (target <= 1),
    and the share of it that is Pagefind re-indexing every page (it has no incremental mode).

Plain sphinx-build prunes the same top-level folders (.venv, node_modules...) isdp's config
does, and both run with Python's bytecode cache on (see ENV).

Usage: python benchmarks/build.py [--runs 3] [--page content/roles.md]

With ``--pages N`` it measures scale instead: it copies the site's sources into a temporary
folder, adds copies of the guidance sections under new names (``guidance/to-do-c01/`` ...,
at the same depth, so every relative and absolute cross-reference still resolves; the
copies' webinar parts are left out, since a webinar part's id must be unique) until there
are N pages, and prints seconds per page of a fresh build at the shipped size and at N
pages, for isdp and plain sphinx-build on the same sources, serial and with ``-j 2``.
Target: isdp's CPU seconds per page at 1,000 pages <= 1.1 x those at the shipped size (plain
sphinx-build, whose furo sidebar resolves the whole toctree on every page, is printed beside
it for comparison, not as a target).

    python benchmarks/build.py --pages 1000 [--runs 1] [--jobs 1,2]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import resource
import shutil
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
exclude_patterns = ["**/_*", "**/.ipynb_checkpoints", *{others!r}]
myst_enable_extensions = {myst!r}
html_theme = "furo"
'''


# Python caches our package's compiled modules as it does the site-packages' ones (pip
# compiled those at install): a shell that sets PYTHONDONTWRITEBYTECODE would otherwise make
# isdp, and only isdp, compile its ~100 modules from source in every run (0.06 s a run).
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def plain_conf(folder: Path, src: Path) -> Path:
    """Plain Sphinx's conf.py, pruning the same top-level folders isdp's config prunes."""
    from build_tools.site.config import INCLUDE_PATTERNS, MYST_EXTENSIONS

    roots = {pattern.split("/")[0] for pattern in INCLUDE_PATTERNS}
    others = sorted(entry.name for entry in src.iterdir() if entry.is_dir() and entry.name not in roots)
    folder.mkdir()
    (folder / "conf.py").write_text(PLAIN_CONF.format(include=INCLUDE_PATTERNS, myst=MYST_EXTENSIONS,
                                                      others=others))
    return folder


def timed(command: list[str], cwd: Path = REPO, env: dict[str, str] | None = None) -> float:
    return timed_both(command, cwd, env)[0]


def timed_both(command: list[str], cwd: Path = REPO, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, the command and its children).

    CPU time is the figure to compare on a shared machine, where other work stretches the
    wall time of one run and not another; wall time is what -j can shorten.
    """
    before, start = children_cpu(), time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                   env=env or ENV)
    return time.perf_counter() - start, children_cpu() - before


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


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


def pagefind_alone(site: Path, work: Path, runs: int) -> list[tuple[float, float]]:
    """Pagefind's own share of a rebuild: isdp's Pagefind command (search.start_index) on a
    copy of the built site, over every page outside _static and _pagefind."""
    from build_tools.site.html.search import INDEX_DIR, start_index

    shutil.copytree(site, work)
    pages = [p.relative_to(work).as_posix() for p in work.rglob("*.html") if p.parts[len(work.parts)][0] != "_"]
    times = []
    for _ in range(runs):
        before, start = children_cpu(), time.perf_counter()
        start_index(work, pages).communicate()
        times.append((time.perf_counter() - start, children_cpu() - before))
        assert (work / INDEX_DIR / "pagefind-entry.json").exists(), "pagefind wrote no index"
    return times


SITE_PARTS = ("conf.py", "site.yaml", "content", "guidance", "courses", "templates", "examples")
COPIED_SECTIONS = ("to-know", "to-do", "to-become")
_WEBINAR = re.compile(r"^(`{3,})\{webinar\}.*?^\1\s*$", re.MULTILINE | re.DOTALL)


def source_pages(src: Path) -> int:
    return sum(1 for folder in ("content", "guidance", "courses") for path in (src / folder).rglob("*")
               if path.suffix in (".md", ".ipynb") and not path.name.startswith("_"))


def scaled_site(dest: Path, pages: int) -> int:
    """A copy of the shipped sources grown to about ``pages`` pages; returns the page count."""
    for part in SITE_PARTS:
        if (REPO / part).is_dir():
            shutil.copytree(REPO / part, dest / part, ignore=shutil.ignore_patterns("_build", ".*"))
        elif (REPO / part).exists():
            shutil.copy2(REPO / part, dest / part)
    (dest / "build_tools").symlink_to(REPO / "build_tools")  # the traceability map names its files
    count, copies, n = source_pages(dest), [], 0
    per_copy = sum(1 for section in COPIED_SECTIONS for _ in (dest / "guidance" / section).glob("*.md"))
    while count + per_copy <= pages:
        n += 1
        for section in COPIED_SECTIONS:
            target = dest / "guidance" / f"{section}-c{n:02d}"
            shutil.copytree(dest / "guidance" / section, target)
            for page in target.glob("*.md"):
                page.write_text(_WEBINAR.sub("", page.read_text(encoding="utf-8")), encoding="utf-8")
            copies.append(f"{section}-c{n:02d}/index")
        count += per_copy
    index = dest / "guidance" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n```{toctree}\n:hidden:\n\n"
                     + "\n".join(copies) + "\n```\n", encoding="utf-8")
    return count


def scale(pages: int, runs: int, job_counts: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        sites = {"shipped": tmp_path / "shipped", "scaled": tmp_path / "scaled"}
        sites["shipped"].mkdir()
        sites["scaled"].mkdir()
        counts = {"shipped": scaled_site(sites["shipped"], 0), "scaled": scaled_site(sites["scaled"], pages)}
        conf = plain_conf(tmp_path / "plainconf", sites["shipped"])
        env = {**ENV, "PYTHONPATH": str(REPO)}
        rows = []
        print(f"fresh builds, median of {runs}; s/page = CPU seconds (user + system) per page")
        print(f"{'site':<8} {'pages':>5} {'-j':>3} {'isdp wall':>9} {'cpu':>7} {'s/page':>7} "
              f"{'plain wall':>10} {'cpu':>7} {'s/page':>7} {'isdp/plain cpu':>14}", flush=True)
        for name, src in sites.items():
            for jobs in job_counts:
                out = tmp_path / f"out-{name}-{jobs}"
                isdp = [sys.executable, "-c", "import sys; from build_tools.site.build import build; "
                        f"r = build({str(src)!r}, {str(out / 'isdp' / 'html')!r}, parallel={jobs}, fresh=True); "
                        "sys.exit(0 if r.ok else 1)"]
                plain = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", "-j", str(jobs), "-c", str(conf),
                         str(src), str(out / "plain"), "-d", str(out / "plain-doctrees")]
                isdp_t = [timed_both(isdp, src, env) for _ in range(runs)]
                plain_t = [timed_both(plain, src, env) for _ in range(runs)]
                iw, ic = (statistics.median(x) for x in zip(*isdp_t, strict=True))
                pw, pc = (statistics.median(x) for x in zip(*plain_t, strict=True))
                count = counts[name]
                rows.append((name, count, jobs, ic, pc))
                print(f"{name:<8} {count:>5} {jobs:>3} {iw:>9.1f} {ic:>7.1f} {ic / count:>7.3f} "
                      f"{pw:>10.1f} {pc:>7.1f} {pc / count:>7.3f} {ic / pc:>14.2f}", flush=True)
    for jobs in job_counts:
        (_, small, _, small_isdp, small_plain), (_, big, _, big_isdp, big_plain) = [r for r in rows if r[2] == jobs]
        print(f"-j {jobs}: CPU s/page at {big} / at {small} pages: isdp {big_isdp / big / (small_isdp / small):.2f}, "
              f"plain {big_plain / big / (small_plain / small):.2f} (target <= 1.1)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page", default="content/roles.md", help="page touched for the rebuild")
    parser.add_argument("--pages", type=int, help="measure scale: grow a copy of the site to this many pages")
    parser.add_argument("--jobs", default="1,2", help="with --pages: the -j values to compare (default 1,2)")
    args = parser.parse_args()
    if args.pages:
        sys.path.insert(0, str(REPO))
        scale(args.pages, args.runs, [int(j) for j in args.jobs.split(",")])
        return

    sys.path.insert(0, str(REPO))

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        conf = plain_conf(tmp_path / "plainconf", REPO)
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
                plain_times.append(timed_both(plain))
                full_times.append(timed_both(isdp_full))
                for command, times in ((isdp_incremental, rebuild_times), (plain_incremental, plain_rebuild_times)):
                    page.write_text(original + f"\n<!-- benchmark edit {run} -->\n")
                    times.append(timed_both(command))
                    page.write_text(original)
                    timed(command)  # back to a clean state for the next run
            preview_times = preview_rebuilds(page, original, tmp_path / "preview" / "html", args.runs)
        finally:
            page.write_text(original)
        pagefind_times = pagefind_alone(Path(isdp_out), tmp_path / "pagefind-site", args.runs)

    (plain_s, plain_c), (full_s, full_c), (rebuild_s, rebuild_c), (plain_rebuild_s, plain_rebuild_c) = (
        (statistics.median(w for w, _ in x), statistics.median(c for _, c in x))
        for x in (plain_times, full_times, rebuild_times, plain_rebuild_times))
    preview_s = statistics.median(preview_times)
    pagefind_s, pagefind_c = (statistics.median(x) for x in zip(*pagefind_times, strict=True))
    pages = sum(1 for _ in REPO.glob("content/**/*.md")) + sum(1 for _ in REPO.glob("guidance/**/*.md")) \
        + sum(1 for _ in REPO.glob("courses/**/*.md")) + sum(1 for _ in REPO.glob("courses/**/*.ipynb"))
    print(f"source pages: {pages}, runs: {args.runs} (medians); wall s / CPU s (user + system)")
    print(f"plain sphinx-build full:  {plain_s:7.2f} / {plain_c:6.2f}")
    print(f"isdp build full:          {full_s:7.2f} / {full_c:6.2f}   isdp/plain = {full_s / plain_s:.2f} wall,"
          f" {full_c / plain_c:.2f} CPU (target <= 1.10)")
    print(f"one-page rebuild, isdp serve (preview):  {preview_s:5.2f}   "
          f"ratio rebuild/full = {preview_s / full_s:.2f} (target <= 0.15)")
    print(f"one-page rebuild, isdp build again:      {rebuild_s:5.2f} / {rebuild_c:5.2f}   "
          f"ratio rebuild/full = {rebuild_s / full_s:.2f}")
    print(f"one-page rebuild, plain sphinx-build again: {plain_rebuild_s:5.2f} / {plain_rebuild_c:5.2f}   "
          f"isdp/plain = {rebuild_s / plain_rebuild_s:.2f} wall, {rebuild_c / plain_rebuild_c:.2f} CPU (target <= 1)")
    print(f"  of which Pagefind re-indexing every page:  {pagefind_s:5.2f} / {pagefind_c:5.2f}   "
          f"isdp without it / plain = {(rebuild_c - pagefind_c) / plain_rebuild_c:.2f} CPU "
          "(Pagefind has no incremental mode; Sphinx's own index updates only the changed page)")


if __name__ == "__main__":
    main()
