"""How long a district policy pack takes per format, as ratios to the Markdown-only pack
measured in the same run (Markdown is the baseline: every format starts from it).

    python benchmarks/policies.py [--runs 3]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from build_tools.policies import pack  # noqa: E402

EXAMPLE = REPO / "examples" / "district-example.yaml"


def _best(formats: list[str], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        work = Path(tempfile.mkdtemp())
        try:
            start = time.perf_counter()
            pack.render(REPO, EXAMPLE, work / "pack", formats)
            best = min(best, time.perf_counter() - start)
        finally:
            shutil.rmtree(work)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    baseline = _best(["md"], runs)
    print(f"md only (baseline): {baseline:.3f} s for 23 documents")
    for formats in (["html"], ["docx"], ["md", "html", "docx"]):
        seconds = _best(formats, runs)
        print(f"{','.join(formats):>12}: {seconds:.3f} s, {seconds / baseline:.2f}x the baseline")


if __name__ == "__main__":
    main()
