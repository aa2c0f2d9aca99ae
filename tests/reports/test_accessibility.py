"""The report pages pass axe-core's WCAG 2.1 A/AA rules in a real Chromium, and load nothing."""

from __future__ import annotations

import shutil

from ..conftest import REPO
from .conftest import write_roster
from .test_cli import GOOD, training
from .test_cli import site as site  # noqa: F401 - the fixture
from .test_quarterly import SHIPPED, quarterly

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page, path):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    page.evaluate(AXE.read_text(encoding="utf-8"))  # via DevTools: the page CSP allows no injected script
    result = page.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
    )
    assert requests == [path.as_uri()]  # no other file, no other origin
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def test_training_report_page_is_accessible(page, site, tmp_path):
    out = tmp_path / "report"
    assert training(site, tmp_path, write_roster(tmp_path / "r.csv", GOOD), out).exit_code == 0
    assert axe_violations(page, out / "index.html") == []


def test_quarterly_report_page_is_accessible(page, site, tmp_path):
    shutil.copytree(SHIPPED, site / "content" / "data" / "quarterly" / "2026Q4")
    out = tmp_path / "q"
    assert quarterly(site, tmp_path, out).exit_code == 0
    assert axe_violations(page, out / "index.html") == []
