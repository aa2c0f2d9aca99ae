"""Fixtures for the learner-experience tests: the compliance tests' statement store, and the
tracking tests' site, web server and real Ralph (with fresh learners per test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_tools.reports.courses import load_required_courses

# Fixtures, re-used as they are (pytest finds them by name in this module).
from ..reports.conftest import conn  # noqa: F401
from ..tracking.conftest import lrs, tracking_ralph, tracking_site, web  # noqa: F401

REPO = Path(__file__).resolve().parents[2]
SHOTS = Path("/tmp/isdp-learner-screenshots")  # what a learner sees, for people to look at
FAST_RETRY = "window.isdpTrackingOptions = {retryBaseMs: 100, retryMaxMs: 400};"
PANEL = "[data-isdp-status-panel]"


@pytest.fixture(scope="session")
def keys():
    """course id -> module -> [(question id, correct choice ids)], from the course sources
    (the built page carries no key the test could read)."""
    found: dict[str, dict[str, list[tuple[str, list[str]]]]] = {}
    for course in load_required_courses(REPO):
        for qid, key in course.keys.items():
            found.setdefault(course.id, {}).setdefault(key.module, []).append((qid, sorted(key.correct)))
    return found


def answer(page, qid: str, choices: list[str]) -> None:
    """Choose and check one answer as a learner does (click the choices, then the button)."""
    quiz = page.locator(f'[data-isdp-question="{qid}"]')
    for choice in choices:
        quiz.locator(f'input[value="{choice}"]').check()
    quiz.locator(".isdp-quiz-check").click()


def wrong_choice(page, qid: str, correct: list[str]) -> list[str]:
    values = page.locator(f'[data-isdp-question="{qid}"] input').evaluate_all("els => els.map(e => e.value)")
    return [next(v for v in values if v not in correct)]


def panel_state(page) -> str | None:
    return page.locator(PANEL).first.get_attribute("data-isdp-state")


def wait_state(page, state: str, timeout: int = 30_000) -> None:
    page.wait_for_function("([s, want]) => { const p = document.querySelector(s);"
                           " return p && p.getAttribute('data-isdp-state') === want; }",
                           arg=[PANEL, state], timeout=timeout)


def shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
