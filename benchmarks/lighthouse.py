"""Lighthouse scores (performance, accessibility, best practices, SEO) of the five page types.

    python benchmarks/lighthouse.py [--site DIR] [--desktop] [--runs N]

Runs Lighthouse (npm devDependency, node_modules/lighthouse; `npm ci` installs it) with
Debian's Chromium (CHROME_PATH=/usr/bin/chromium, headless, --no-sandbox; never a downloaded
browser) on the home, a guidance, a policy, a quiz and the search page (with a query), in
Lighthouse's mobile mode by default. The site is served as a production web server would
serve it: brotli/gzip and cache headers (tests/support/web_server.py; the editor guide's
publishing page lists the same rules for the agency's server). The furo theme's plain page,
built in the same run and served the same way, is the baseline. Not a CI gate: a report.
Each page is measured ``--runs`` times (default 3) and the median run of its performance score
is printed, with the load average before and after: Lighthouse times a real Chromium, so a
busy machine costs points (simulated throttling scales what it observed).

Lighthouse 13 needs Node 22.19+; Debian's Node is 20, so the 12.x line is pinned.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.support.page_weight import build_plain_theme_site  # noqa: E402
from tests.support.pages import page_types, quiz_pages, site_or_build  # noqa: E402
from tests.support.web_server import serve_like_production  # noqa: E402

CLI = REPO / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def lighthouse_cli() -> Path:
    if not CLI.exists():
        raise SystemExit(f"{CLI} is missing: run `npm ci` (lighthouse is a devDependency)")
    return CLI


def lighthouse_version() -> str:
    return json.loads((CLI.parents[1] / "package.json").read_text(encoding="utf-8"))["version"]


def scores(cli: Path, url: str, desktop: bool) -> tuple[dict[str, int], list[str]]:
    """The four category scores (0-100) and the titles of failed audits that cost points."""
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    command = ["node", str(cli), url, "--quiet", "--output=json", "--output-path=stdout",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}"]
    if desktop:
        command.append("--preset=desktop")
    run = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": CHROMIUM},
                         check=False)
    if run.returncode != 0:
        raise SystemExit(f"lighthouse failed on {url}:\n{run.stderr[-2000:]}")
    report = json.loads(run.stdout)
    result = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    audits = report["audits"]
    lost = sorted({audits[ref["id"]]["title"]
                   for category in report["categories"].values() for ref in category["auditRefs"]
                   if ref["weight"] and audits[ref["id"]]["score"] is not None
                   and audits[ref["id"]]["score"] < 1})
    return result, lost


def median_run(cli: Path, url: str, desktop: bool, runs: int) -> tuple[dict[str, int], list[str]]:
    """The run whose performance score is the median of ``runs`` (its other scores with it)."""
    results = sorted((scores(cli, url, desktop) for _ in range(runs)), key=lambda run: run[0]["performance"])
    return results[(len(results) - 1) // 2]


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an existing HTML build (default: build now)")
    parser.add_argument("--desktop", action="store_true", help="desktop preset (default: mobile)")
    parser.add_argument("--runs", type=int, default=3, help="runs per page, the median is shown (default 3)")
    args = parser.parse_args()
    cli = lighthouse_cli()
    with tempfile.TemporaryDirectory(prefix="isdp-lighthouse-") as workdir:
        site = site_or_build(args.site, Path(workdir), REPO)
        if site is None:
            return 1
        types = page_types(site)
        quizzes = quiz_pages(site)
        targets = {"home": types["home"], "guidance": types["guidance"], "policy": types["policy"],
                   "quiz": quizzes[0] if quizzes else types["course module"],
                   "search": "search.html?q=incident"}
        plain = build_plain_theme_site(Path(workdir))
        rows = []
        load_before = load_average()
        with serve_like_production(plain) as (base_url, _):
            baseline = median_run(cli, f"{base_url}/index.html", args.desktop, args.runs)
            rows.append(("baseline", "furo plain page", *baseline))
        with serve_like_production(site) as (base_url, _):
            for kind, path in targets.items():
                if path is None:
                    rows.append((kind, "(no such page in this build)", None, []))
                    continue
                rows.append((kind, path, *median_run(cli, f"{base_url}/{path}", args.desktop, args.runs)))
    print(f"Lighthouse {lighthouse_version()}, {'desktop' if args.desktop else 'mobile'} preset,"
          f" served with compression and cache headers; median of {args.runs} runs a page;"
          f" load average {load_before} before, {load_average()} after")
    print(f"{'page':<10} {'path':<38} " + " ".join(f"{c[:14]:>14}" for c in CATEGORIES))
    for kind, path, result, lost in rows:
        values = " ".join(f"{result[c]:>14}" for c in CATEGORIES) if result else ""
        print(f"{kind:<10} {path:<38} {values}")
        for title in lost:
            print(f"{'':<10}   lost points: {title}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
