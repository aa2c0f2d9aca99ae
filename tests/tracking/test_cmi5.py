"""cmi5: the LMS-side rules of the launch harness, then the AU runtime against it.

The first half proves that the harness (tests/tracking/cmi5_harness.py) refuses what ADL's
CATAPULT player refused, with the player's rule id, so that the second half, which runs
the real runtime in Chromium, fails the way the player would. Ralph is real throughout.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter

import httpx
import pytest

from build_tools.xapi.links import learner_actor
from build_tools.xapi.profile import CMI5_CATEGORY, CMI5_EXTENSIONS, VERBS, Profile

from ..conftest import ADMIN
from .cmi5_harness import HEADERS, PREFERENCES, Cmi5Harness, defined_statement
from .conftest import HOME, attempt_events, dispatch, ralph_valid

P = Profile("https://www.mdek12.org/isdp/xapi")
STATUS = "[data-isdp-tracking-status]"
AU = "https://lms.example.org/au/7781"


@pytest.fixture
def harness(lrs, web):
    with Cmi5Harness(lrs.url, ADMIN, web.url) as running:
        yield running


def _launch(harness, lrs, web, page="courses/tracking-fixture.html", **kwargs):
    actor = learner_actor(lrs.learners[0], HOME)
    return harness.launch(
        f"{web.url}/{page}",
        actor=actor,
        ralph_auth=lrs.auth[lrs.ada],
        activity_id=AU,
        publisher_id=P.module("security-awareness", "phishing"),
        course_id=P.course("security-awareness"),
        **kwargs,
    )


# ---------------------------------------------------------------------- the harness's rules
class Au:
    """The AU side of a launch, by hand: what a well-behaved AU does, one request at a time."""

    def __init__(self, harness, session) -> None:
        self.harness, self.session, self.clock = harness, session, dt.datetime.now(dt.UTC)
        token = httpx.post(f"{harness.url}/fetch/{session.fetch_code}").json()["auth-token"]
        self.headers = {**HEADERS, "Authorization": f"Basic {token}"}

    def stamp(self) -> str:
        self.clock += dt.timedelta(milliseconds=5)
        return self.clock.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def prefs(self) -> httpx.Response:
        query = {"profileId": PREFERENCES, "agent": json.dumps(self.session.actor)}
        return httpx.get(f"{self.harness.url}/xapi/agents/profile", params=query, headers=self.headers)

    def post(self, *statements: dict) -> httpx.Response:
        return httpx.post(f"{self.harness.url}/xapi/statements", json=list(statements),
                          headers=self.headers, timeout=10)

    def defined(self, verb: str, **result) -> dict:
        return defined_statement(self.session, verb, self.stamp(), **result)

    def allowed(self) -> dict:
        """An answered statement: the template's context, no cmi5 category."""
        body = self.defined("answered")
        body["context"]["contextActivities"]["category"] = [{"id": P.category}]
        body["object"] = {"objectType": "Activity", "id": P.question("security-awareness", "q1")}
        body["result"] = {"response": "a", "success": True}
        return body

    def started(self) -> Au:
        assert self.prefs().status_code == 404
        assert self.post(self.defined("initialized")).status_code == 200
        return self


def _refused(response: httpx.Response, rule: str) -> None:
    assert response.status_code == 403, response.text
    assert response.json()["message"].startswith(f"{rule} - "), response.text


def _scored(scaled: float) -> dict:
    return {"scaled": scaled, "raw": round(scaled * 10), "min": 0, "max": 10}


def test_11_0_0_0_3_learner_preferences_are_read_before_any_statement(harness, lrs, web):
    _, session = _launch(harness, lrs, web)
    au = Au(harness, session)
    _refused(au.post(au.defined("initialized")), "11.0.0.0-3")
    assert au.prefs().status_code == 404  # none stored: the AU uses its defaults
    assert au.post(au.defined("initialized")).status_code == 200


def test_9_3_0_0_4_initialized_must_be_acknowledged_alone_before_anything_else(harness, lrs, web):
    _, session = _launch(harness, lrs, web)
    au = Au(harness, session)
    au.prefs()
    _refused(au.post(au.allowed()), "9.3.0.0-4")
    # in one request with initialized, the answer is still refused: the session counts as
    # initialized only once a request holding initialized has been stored
    _refused(au.post(au.defined("initialized"), au.allowed()), "9.3.0.0-4")
    assert au.post(au.defined("initialized")).status_code == 200
    assert au.post(au.allowed()).status_code == 200


def test_9_3_0_0_2_a_resent_initialized_is_a_duplicate(harness, lrs, web):
    _, session = _launch(harness, lrs, web)
    au = Au(harness, session)
    au.prefs()
    initialized = au.defined("initialized")
    assert au.post(initialized).status_code == 200
    _refused(au.post(initialized), "9.3.0.0-2")  # the same id again: what a lost 200 looks like
    found = httpx.get(f"{harness.url}/xapi/statements", params={"statementId": initialized["id"]},
                      headers=au.headers)
    # xAPI answers one statement; Ralph wraps it in a StatementResult (the runtime reads both)
    body = found.json()
    assert found.status_code == 200 and body.get("statements", [body])[0]["id"] == initialized["id"]


def test_9_3_0_0_6_one_completed_per_registration_and_9_3_0_0_7_one_passed(harness, lrs, web):
    _, first = _launch(harness, lrs, web)
    au = Au(harness, first).started()
    score = _scored(0.9)
    assert au.post(au.defined("completed", completion=True, duration="PT9S")).status_code == 200
    assert au.post(au.defined("passed", success=True, score=score, duration="PT9S")).status_code == 200
    assert au.post(au.defined("terminated", duration="PT10S")).status_code == 200
    assert first.record.satisfied
    _, again = _launch(harness, lrs, web, registration=first.registration, launch_mode="Normal")
    au = Au(harness, again).started()
    _refused(au.post(au.defined("completed", completion=True, duration="PT1S")), "9.3.0.0-6")
    _refused(au.post(au.defined("passed", success=True, score=score, duration="PT1S")), "9.3.0.0-7")
    _refused(au.post(au.defined("failed", success=False, score=_scored(0.5), duration="PT1S")),
             "9.3.0.0-8")
    assert au.post(au.defined("terminated", duration="PT2S")).status_code == 200


def test_a_failed_attempt_may_be_followed_by_a_pass_in_the_same_registration(harness, lrs, web):
    _, first = _launch(harness, lrs, web)
    au = Au(harness, first).started()
    assert au.post(au.defined("failed", success=False, score=_scored(0.5), duration="PT3S")).status_code == 200
    _refused(au.post(au.defined("passed", success=True, score=_scored(0.9), duration="PT3S")), "9.3.0.0-3")
    assert au.post(au.defined("terminated", duration="PT4S")).status_code == 200
    _, again = _launch(harness, lrs, web, registration=first.registration)
    assert again.launch_data["launchMode"] == "Normal"  # not satisfied yet
    au = Au(harness, again).started()
    assert au.post(au.defined("completed", completion=True, duration="PT5S")).status_code == 200
    assert au.post(au.defined("passed", success=True, score=_scored(0.9), duration="PT5S")).status_code == 200
    assert again.record.satisfied


def test_9_3_0_0_5_nothing_after_terminated_and_8_1_2_0_2_the_token_ends_with_it(harness, lrs, web):
    _, session = _launch(harness, lrs, web)
    au = Au(harness, session).started()
    _refused(au.post(au.defined("terminated", duration="PT1S"), au.allowed()), "9.3.0.0-5")
    assert au.post(au.defined("terminated", duration="PT1S")).status_code == 200
    _refused(au.post(au.allowed()), "8.1.2.0-2")


def test_10_2_1_0_6_the_whole_context_template_is_kept(harness, lrs, web):
    additions = {"language": "en-US", "extensions": {"https://lms.example.org/x/cohort": "2026-fall"},
                 "contextActivities": {"other": [{"id": "https://lms.example.org/catalog/77"}]}}
    _, session = _launch(harness, lrs, web, template_additions=additions)
    au = Au(harness, session).started()
    for key in ("language", "extensions", "contextActivities"):
        statement = au.allowed()
        if key == "contextActivities":
            statement["context"]["contextActivities"].pop("other")
        elif key == "extensions":
            statement["context"]["extensions"].pop("https://lms.example.org/x/cohort")
        else:
            statement["context"].pop("language")
        _refused(au.post(statement), "10.2.1.0-6")
    assert au.post(au.allowed()).status_code == 200


def test_mastery_score_rules_9_3_4_0_2_9_3_6_0_1_and_9_6_3_2_2(harness, lrs, web):
    _, session = _launch(harness, lrs, web, mastery_score=0.9)
    au = Au(harness, session).started()
    _refused(au.post(au.defined("passed", success=True, score=_scored(0.8), duration="PT1S")), "9.3.4.0-2")
    _refused(au.post(au.defined("failed", success=False, score=_scored(0.9), duration="PT1S")), "9.3.6.0-1")
    failed = au.defined("failed", success=False, score=_scored(0.8), duration="PT1S")
    failed["context"]["extensions"][CMI5_EXTENSIONS["masteryscore"]] = 0.8
    _refused(au.post(failed), "9.6.3.2-2")


@pytest.mark.parametrize(("mode", "rule"), [("Browse", "10.2.2.0-2"), ("Review", "10.2.2.0-3")])
def test_browse_and_review_launches_may_not_complete_pass_or_fail(harness, lrs, web, mode, rule):
    _, session = _launch(harness, lrs, web, launch_mode=mode)
    au = Au(harness, session).started()
    _refused(au.post(au.defined("completed", completion=True, duration="PT1S")), rule)
    assert au.post(au.allowed()).status_code == 200
    assert au.post(au.defined("terminated", duration="PT1S")).status_code == 200


def test_results_durations_and_categories_9_5_and_9_6_2_2(harness, lrs, web):
    _, session = _launch(harness, lrs, web)
    au = Au(harness, session).started()
    _refused(au.post(au.defined("completed", completion=True)), "9.5.4.1-2")
    _refused(au.post(au.defined("terminated", completion=True, duration="PT1S")), "9.5.3.0-2")
    _refused(au.post(au.defined("passed", success=False, duration="PT1S")), "9.5.2.0-1")
    raw_only = au.defined("failed", success=False, score={"raw": 3, "scaled": 0.3}, duration="PT1S")
    _refused(au.post(raw_only), "9.5.1.0-3")
    moveon_on_answered = au.allowed()
    moveon_on_answered["context"]["contextActivities"]["category"].append(
        {"id": "https://w3id.org/xapi/cmi5/context/categories/moveon"})
    _refused(au.post(moveon_on_answered), "9.6.2.2-2")


def test_ids_actor_registration_session_and_timestamps(harness, lrs, web):
    _, session = _launch(harness, lrs, web)
    au = Au(harness, session).started()
    for change, rule in [
        (lambda s: s.pop("id"), "9.1.0.0-1"),
        (lambda s: s.update(timestamp="2026-12-02T10:00:00-06:00"), "9.7.0.0-2"),
        (lambda s: s.update(actor={"mbox": "mailto:someone@example.org"}), "8.1.3.0-3"),
        (lambda s: s["context"].update(registration="6d2f2c4e-0000-4000-8000-000000000000"), "9.6.1.0-1"),
        # the session id is in the template, so CATAPULT finds it missing there first
        (lambda s: s["context"]["extensions"].pop(CMI5_EXTENSIONS["sessionid"]), "10.2.1.0-6"),
    ]:
        statement = au.allowed()
        change(statement)
        _refused(au.post(statement), rule)
    other_object = au.defined("terminated", duration="PT1S")
    other_object["object"]["id"] = P.module("security-awareness", "phishing")
    _refused(au.post(other_object), "8.1.5.0-6")


def test_terminated_must_be_stamped_after_everything_before_it(harness, lrs, web):
    _, session = _launch(harness, lrs, web)
    au = Au(harness, session).started()
    answered = au.allowed()
    terminated = au.defined("terminated", duration="PT1S")
    terminated["timestamp"] = answered["timestamp"]
    _refused(au.post(answered, terminated), "isdp-timestamp-order")


def test_a_new_launch_abandons_the_open_session(harness, lrs, web):
    _, first = _launch(harness, lrs, web)
    au = Au(harness, first).started()
    _launch(harness, lrs, web, registration=first.registration)
    assert first.abandoned
    _refused(au.post(au.allowed()), "8.1.2.0-2")


def test_the_au_state_api_keeps_documents_per_registration(harness, lrs, web):
    _, first = _launch(harness, lrs, web)
    au = Au(harness, first)
    query = {"activityId": AU, "agent": json.dumps(first.actor), "registration": first.registration,
             "stateId": "https://www.mdek12.org/isdp/xapi/cmi5/sent"}
    url = f"{harness.url}/xapi/activities/state"
    assert httpx.get(url, params=query, headers=au.headers).status_code == 404
    assert httpx.put(url, params=query, json={"completed": True}, headers=au.headers).status_code == 204
    _, again = _launch(harness, lrs, web, registration=first.registration)
    au = Au(harness, again)
    assert httpx.get(url, params=query, headers=au.headers).json() == {"completed": True}
    launch_data = {**query, "stateId": "LMS.LaunchData"}
    _refused(httpx.put(url, params=launch_data, json={}, headers=au.headers), "10.2.1.0-5")


# ---------------------------------------------------------------------- the runtime against it
def _finished(page, start="Your result is recorded"):
    page.wait_for_function(
        f"() => window.isdpTracking.idle() && "
        f"document.querySelector('{STATUS}').textContent.includes({json.dumps(start)})"
    )


def test_cmi5_statements_arrive_in_spec_order_and_validate(page, web, lrs, harness):
    url, session = _launch(harness, lrs, web, return_url=None)
    page.goto(url)
    page.wait_for_function("() => window.isdpTracking.mode === 'cmi5'")
    assert "fetch=" not in page.url, "the launch parameters leave the address bar"
    for name, detail in attempt_events(n=3):  # at once: initialized must still go first, alone
        dispatch(page, name, detail)
    _finished(page)
    assert harness.violations == []
    assert session.fetched == 1 and session.prefs_fetched
    assert session.received == ["launched", "initialized", "answered", "answered", "answered",
                                "completed", "passed", "terminated"]
    stored = [s for s in lrs.statements() if s["context"]["registration"] == session.registration]
    assert len(stored) == 8 and set(Counter(s["id"] for s in stored).values()) == {1}
    for statement in stored:
        ralph_valid(statement)
        assert statement["context"]["extensions"][CMI5_EXTENSIONS["sessionid"]] == session.session_id
    au_statements = sorted((s for s in stored if s["verb"]["id"] != VERBS["answered"]
                            and "launched" not in s["verb"]["id"]), key=lambda s: s["timestamp"])
    assert au_statements[-1]["verb"]["id"] == VERBS["terminated"]
    assert len({s["timestamp"] for s in stored}) == len(stored), "distinct timestamps"
    passed = next(s for s in stored if s["verb"]["id"] == VERBS["passed"])
    assert passed["context"]["extensions"][CMI5_EXTENSIONS["masteryscore"]] == 0.8
    grouping = [a["id"] for a in passed["context"]["contextActivities"]["grouping"]]
    assert grouping[0] == P.module("security-awareness", "phishing"), "the template's first"
    assert passed["context"]["contextActivities"]["parent"][0]["id"] == P.course("security-awareness")
    assert page.locator("[data-isdp-return]").count() == 0, "no returnURL: no link to nowhere"
    for name, detail in attempt_events(n=1):  # after terminated the AU sends nothing more
        dispatch(page, name, detail)
    page.reload()  # the same session: no second fetch, nothing more sent
    page.wait_for_function("() => window.isdpTracking.idle()")
    assert page.evaluate("window.isdpTracking.pending()") == 0 and session.received[-1] == "terminated"
    assert session.fetched == 1 and len(session.received) == 8


def test_a_retake_in_the_same_registration_sends_only_what_is_still_allowed(page, web, lrs, harness):
    url, first = _launch(harness, lrs, web)
    page.goto(url)
    for name, detail in attempt_events(n=3, passed=False):
        dispatch(page, name, detail)
    page.wait_for_url(f"{harness.url}/return")  # terminated, then the LMS's returnURL
    assert first.received[-3:] == ["completed", "failed", "terminated"]
    url, again = _launch(harness, lrs, web, registration=first.registration)
    page.goto(url)
    for name, detail in attempt_events(n=3):
        dispatch(page, name, detail)
    page.wait_for_url(f"{harness.url}/return")
    assert harness.violations == []
    assert again.received == ["launched", "initialized", "answered", "answered", "answered",
                              "passed", "terminated"], "completed was sent once per registration"
    assert again.record.satisfied


def test_the_lms_mastery_score_wins_and_the_page_says_so(page, web, lrs, harness):
    url, session = _launch(harness, lrs, web, mastery_score=0.9, return_url=None)
    page.goto(url)
    events = attempt_events(n=6, passed=False)
    for name, detail in events[:-1]:
        dispatch(page, name, detail)
    # 5 of 6 (0.8333) passes the quiz's 0.8 but not the LMS's 0.9
    dispatch(page, "isdp:module-completed", {**events[-1][1], "passed": True})
    _finished(page)
    assert harness.violations == []
    assert session.received[-3:] == ["completed", "failed", "terminated"]
    assert "90%" in page.locator(STATUS).text_content()


@pytest.mark.parametrize("mode", ["Browse", "Review"])
def test_browse_and_review_say_nothing_counts(page, web, lrs, harness, mode):
    url, session = _launch(harness, lrs, web, launch_mode=mode, return_url=None)
    page.goto(url)
    page.wait_for_function(f"() => document.querySelector('{STATUS}').textContent.includes('{mode}')")
    assert "does not count" in page.locator(STATUS).text_content()
    for name, detail in attempt_events(n=1):
        dispatch(page, name, detail)
    page.wait_for_function("() => window.isdpTracking.idle()")
    page.wait_for_function(f"() => document.querySelector('{STATUS}').textContent.includes('{mode}')")
    assert harness.violations == []
    assert session.received == ["launched", "initialized", "answered", "terminated"]


def _until(condition, page=None) -> None:
    """Wait for CONDITION; with a PAGE, through Playwright (its route handlers run meanwhile)."""
    for _ in range(100):
        if condition():
            return
        if page is not None:
            page.wait_for_timeout(100)
        else:
            time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.mark.parametrize("leave", ["navigate", "reload", "close"])
def test_leaving_the_page_sends_terminated_last(page, web, lrs, harness, leave):
    url, session = _launch(harness, lrs, web, return_url=None)
    page.goto(url)
    page.evaluate("window.isdpTracking.ready()")  # initialized acknowledged
    name, detail = attempt_events(n=2)[1]
    page.route(f"{harness.url}/xapi/statements", lambda route: route.abort())  # offline for a moment
    dispatch(page, name, detail)
    page.wait_for_function("() => window.isdpTracking.pending() === 1")
    page.unroute(f"{harness.url}/xapi/statements")
    if leave == "navigate":
        page.goto(f"{web.url}/index.html")
    elif leave == "reload":
        page.reload()
    else:
        page.close(run_before_unload=True)
    _until(lambda: session.terminated)
    assert harness.violations == []
    # the queued answer went with terminated, in one keepalive request
    assert session.received == ["launched", "initialized", "answered", "terminated"] and session.duration
    if leave == "reload":
        page.wait_for_function("() => window.isdpTracking.idle()")
        assert "session is over" in page.locator(STATUS).text_content()
        assert page.evaluate("window.isdpTracking.pending()") == 0, "what the keepalive sent is not resent"
        assert harness.violations == []


def test_another_page_in_the_tab_is_practice_and_says_how_to_return(page, web, lrs, harness):
    url, session = _launch(harness, lrs, web, return_url=None)
    page.goto(url)
    page.wait_for_function("() => window.isdpTracking.idle() && window.isdpTracking.mode === 'cmi5'")
    page.goto(f"{web.url}/courses/security-awareness/passwords-mfa.html")
    page.wait_for_function("() => window.isdpTracking.mode === 'practice'")
    assert "learning system" in page.locator(STATUS).first.text_content()
    assert harness.violations == []
    assert CMI5_CATEGORY and "completed" not in session.received


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


def _lose_first_ack(page, harness, verb="initialized"):
    """The LMS stores the first statement request holding VERB; the page never sees the 200."""
    lost = []

    def handler(route):
        body = route.request.post_data or ""
        if not lost and route.request.method == "POST" and f"/verbs/{verb}" in body:
            route.fetch()  # it reaches the LMS and is stored...
            lost.append(body)
            route.abort()  # ...but the answer is lost
        else:
            route.fallback()

    page.route(f"{harness.url}/xapi/statements", handler)
    return lost


def test_a_lost_acknowledgement_is_checked_by_id_not_resent(page, web, lrs, harness):
    url, session = _launch(harness, lrs, web, return_url=None)
    lost = _lose_first_ack(page, harness)
    page.goto(url)
    _until(lambda: lost, page)
    assert session.received == ["launched", "initialized"]
    page.reload()  # initialized was never acknowledged: the session is not ended, it goes on
    page.evaluate("window.isdpTracking.ready()")
    for name, detail in attempt_events(n=2):
        dispatch(page, name, detail)
    _finished(page)
    assert harness.violations == [], "found by id: not sent again"
    assert session.received == ["launched", "initialized", "answered", "answered", "completed",
                                "passed", "terminated"]


def test_a_duplicate_reported_by_the_lms_counts_as_acknowledged(page, web, lrs, harness):
    url, session = _launch(harness, lrs, web, return_url=None)
    lost = _lose_first_ack(page, harness)
    page.goto(url)
    page.evaluate("window.isdpTracking.ready()")  # resolved by the resend's 403 and the check
    assert lost and [v.split(" (")[0] for v in harness.violations] == [
        "9.3.0.0-2 - Verbs MUST NOT be duplicated in a session"]
    for name, detail in attempt_events(n=1):
        dispatch(page, name, detail)
    _finished(page)
    assert len(harness.violations) == 1
    assert session.received[-3:] == ["completed", "passed", "terminated"]


def test_context_template_additions_are_kept_in_every_statement(page, web, lrs, harness):
    additions = {"language": "en-US", "revision": "2026-fall",
                 "extensions": {"https://lms.example.org/x/cohort": "2026-fall"},
                 "contextActivities": {"other": [{"id": "https://lms.example.org/catalog/77"}]}}
    url, session = _launch(harness, lrs, web, return_url=None, template_additions=additions)
    page.goto(url)
    for name, detail in attempt_events(n=1):
        dispatch(page, name, detail)
    _finished(page)
    assert harness.violations == []
    stored = [s for s in lrs.statements() if s["context"]["registration"] == session.registration
              and "launched" not in s["verb"]["id"]]
    assert len(stored) == 5
    for statement in stored:
        context = statement["context"]
        assert context["language"] == "en-US" and context["revision"] == "2026-fall"
        assert context["extensions"]["https://lms.example.org/x/cohort"] == "2026-fall"
        assert context["contextActivities"]["other"][0]["id"] == "https://lms.example.org/catalog/77"
