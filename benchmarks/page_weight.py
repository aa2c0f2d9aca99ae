"""Page weight per page type: HTML + JS + CSS bytes a page loads (raw and gzip) in Chromium.

    python benchmarks/page_weight.py [--site DIR]

Builds the site (or uses an existing build), then weighs one page of each type and the
furo theme's plain page, built and measured in the same run as the baseline. The course
page budget is 45 KB gzip, the page itself included (tests/quality/test_page_weight.py
enforces it). Measuring code: tests/support/page_weight.py.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.browser import chromium  # noqa: E402
from tests.support.page_weight import (  # noqa: E402
    COURSE_PAGE_BUDGET_GZIP,
    PageWeight,
    measure,
    plain_theme_weight,
)
from tests.support.pages import page_types, quiz_pages, serve, site_or_build  # noqa: E402


def _row(kind: str, weight: PageWeight | None, baseline: PageWeight) -> str:
    if weight is None:
        return f"{kind:<16} {'(no such page in this build)':<42}"
    ratio = weight.gzip / baseline.gzip
    return (f"{kind:<16} {weight.page:<42} {weight.raw / 1024:>8.1f} {weight.gzip / 1024:>9.1f}"
            f" {ratio:>7.2f}x {len(weight.files):>6}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an existing HTML build (default: build now)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="isdp-weight-") as workdir:
        site = site_or_build(args.site, Path(workdir), REPO)
        if site is None:
            return 1
        with chromium() as browser:
            baseline = plain_theme_weight(browser)
            quizzes = quiz_pages(site)
            kinds = {**page_types(site), "quiz": quizzes[0] if quizzes else None, "search": "search.html"}
            with serve(site) as base_url:
                weights = {kind: measure(browser, base_url, path) if path else None
                           for kind, path in kinds.items()}
    print(f"{'page type':<16} {'page':<42} {'raw KB':>8} {'gzip KB':>9} {'vs base':>8} {'files':>6}")
    print(_row("baseline", baseline, baseline))
    for kind, weight in weights.items():
        print(_row(kind, weight, baseline))
    verdicts = []
    for kind in ("course module", "quiz"):
        weight = weights.get(kind)
        if weight is not None:
            within = weight.gzip <= COURSE_PAGE_BUDGET_GZIP
            verdicts.append(within)
            print(f"{kind}: {weight.gzip / 1024:.1f} KB gzip, {'within' if within else 'OVER'} the "
                  f"{COURSE_PAGE_BUDGET_GZIP // 1024} KB budget")
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
