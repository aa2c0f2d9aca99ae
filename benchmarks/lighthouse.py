"""Lighthouse scores (performance, accessibility, best practices, SEO) of three built pages.

    python benchmarks/lighthouse.py [--site DIR] [--desktop]

Runs npm's `lighthouse` with Debian's Chromium (CHROME_PATH=/usr/bin/chromium, headless,
--no-sandbox) against the home page, a policy page and a quiz page served on loopback. Not a
CI gate: a report. Lighthouse is installed on first use into .isdp/tools/ (git-ignored), not
into node_modules, so the test install stays small. The furo theme's plain page is scored
in the same run as the baseline.

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
from tests.support.pages import page_types, quiz_pages, serve, site_or_build  # noqa: E402

LIGHTHOUSE = "lighthouse@12.8.2"
TOOLS = REPO / ".isdp" / "tools" / LIGHTHOUSE.replace("@", "-")
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def lighthouse_cli() -> Path:
    cli = TOOLS / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.exists():
        print(f"installing {LIGHTHOUSE} into {TOOLS} (once) ...", file=sys.stderr)
        TOOLS.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund",
                        "--silent", LIGHTHOUSE], check=True)
    return cli


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an existing HTML build (default: build now)")
    parser.add_argument("--desktop", action="store_true", help="desktop preset (default: mobile)")
    args = parser.parse_args()
    cli = lighthouse_cli()
    with tempfile.TemporaryDirectory(prefix="isdp-lighthouse-") as workdir:
        site = site_or_build(args.site, Path(workdir), REPO)
        if site is None:
            return 1
        types = page_types(site)
        quizzes = quiz_pages(site)
        targets = {"home": types["home"], "policy": types["policy"],
                   "quiz": quizzes[0] if quizzes else types["course module"]}
        plain = build_plain_theme_site(Path(workdir))
        rows = []
        with serve(plain) as base_url:
            rows.append(("baseline", "furo plain page", *scores(cli, f"{base_url}/index.html", args.desktop)))
        with serve(site) as base_url:
            for kind, path in targets.items():
                if path is None:
                    rows.append((kind, "(no such page in this build)", None, []))
                    continue
                rows.append((kind, path, *scores(cli, f"{base_url}/{path}", args.desktop)))
    print(f"Lighthouse {LIGHTHOUSE.split('@')[1]}, {'desktop' if args.desktop else 'mobile'} preset")
    print(f"{'page':<10} {'path':<38} " + " ".join(f"{c[:14]:>14}" for c in CATEGORIES))
    for kind, path, result, lost in rows:
        values = " ".join(f"{result[c]:>14}" for c in CATEGORIES) if result else ""
        print(f"{kind:<10} {path:<38} {values}")
        for title in lost:
            print(f"{'':<10}   lost points: {title}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
