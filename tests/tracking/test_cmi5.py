"""The cmi5 flow against the local launch harness (tests/tracking/cmi5_harness.py)."""

from __future__ import annotations

from collections import Counter

import pytest

from build_tools.xapi.links import learner_actor
from build_tools.xapi.profile import CMI5_EXTENSIONS, Profile

from ..conftest import ADMIN
from .cmi5_harness import Cmi5Harness
from .conftest import HOME, attempt_events, dispatch, ralph_valid

P = Profile("https://www.mdek12.org/isdp/xapi")
STATUS = "[data-isdp-tracking-status]"


@pytest.fixture
def harness(lrs, web):
    with Cmi5Harness(lrs.url, ADMIN, web.url) as running:
        yield running


def _launch(harness, lrs, web, **kwargs):
    actor = learner_actor(lrs.learners[0], HOME)
    return harness.launch(
        web.url + "/courses/tracking-fixture.html",
        actor=actor,
        ralph_auth=lrs.auth[lrs.ada],
        activity_id="https://lms.example.org/au/7781",
        publisher_id=P.module("security-awareness", "phishing"),
        course_id=P.course("security-awareness"),
        **kwargs,
    )


def _finished(page):
    page.wait_for_function(
        f"() => window.isdpTracking.idle() && "
        f"document.querySelector('{STATUS}').textContent.includes('Your result is recorded')"
    )


def test_cmi5_statements_arrive_in_spec_order_and_validate(page, web, lrs, harness):
    url, session = _launch(harness, lrs, web)
    page.goto(url)
    page.wait_for_function("() => window.isdpTracking.mode === 'cmi5'")
    assert "fetch=" not in page.url, "the launch parameters leave the address bar"
    events = attempt_events(n=3)
    for name, detail in events[:2]:
        dispatch(page, name, detail)
    page.reload()  # a reload keeps the session: no second fetch, no second initialized
    for name, detail in events[2:]:
        dispatch(page, name, detail)
    _finished(page)
    assert harness.violations == []
    assert session.fetched == 1
    assert session.received == [
        "launched",
        "initialized",
        "answered",
        "answered",
        "answered",
        "completed",
        "passed",
        "terminated",
    ]
    stored = [s for s in lrs.statements() if s["context"]["registration"] == session.registration]
    assert len(stored) == 8 and set(Counter(s["id"] for s in stored).values()) == {1}
    for statement in stored:
        ralph_valid(statement)
        assert (
            statement["context"]["extensions"][CMI5_EXTENSIONS["sessionid"]] == session.session_id
        )
    passed = next(s for s in stored if s["verb"]["id"].endswith("/passed"))
    assert passed["context"]["extensions"][CMI5_EXTENSIONS["masteryscore"]] == 0.8
    grouping = {a["id"] for a in passed["context"]["contextActivities"]["grouping"]}
    assert P.module("security-awareness", "phishing") in grouping, (
        "the publisher id stays for reports"
    )
    assert passed["context"]["contextActivities"]["parent"][0]["id"] == P.course(
        "security-awareness"
    )
    assert page.locator("[data-isdp-return]").get_attribute("href") == harness.url + "/return"
    # after terminated the AU sends nothing more, even if the quiz goes on
    for name, detail in attempt_events(n=1):
        dispatch(page, name, detail)
    assert (
        page.evaluate("window.isdpTracking.pending()") == 0 and session.received[-1] == "terminated"
    )


def test_the_lms_mastery_score_wins_over_the_quizs(page, web, lrs, harness):
    url, session = _launch(harness, lrs, web, mastery_score=0.9)
    page.goto(url)
    for name, detail in attempt_events(n=6, passed=False)[:-1]:
        dispatch(page, name, detail)
    # 5 of 6 (0.8333) passes the quiz's 0.8 but not the LMS's 0.9
    done = attempt_events(n=6, passed=False)[-1][1]
    dispatch(page, "isdp:module-completed", {**done, "passed": True})
    _finished(page)
    assert harness.violations == []
    assert session.received[-3:] == ["completed", "failed", "terminated"]


def test_browse_mode_neither_completes_nor_passes(page, web, lrs, harness):
    url, session = _launch(harness, lrs, web, launch_mode="Browse")
    page.goto(url)
    for name, detail in attempt_events(n=1):
        dispatch(page, name, detail)
    _finished(page)
    assert harness.violations == []
    assert session.received == ["launched", "initialized", "answered", "terminated"]


def test_a_refused_fetch_says_so_and_sends_nothing(page, web, lrs, harness):
    url, session = _launch(harness, lrs, web)
    session.fetched = 1  # the token was already handed out (e.g. the launch URL was reused)
    page.goto(url)
    page.wait_for_function(
        f"() => document.querySelector('{STATUS}').textContent.includes('did not hand over')"
    )
    for name, detail in attempt_events(n=1):
        dispatch(page, name, detail)
    assert session.received == ["launched"]
