"""A module completed through a personal launch link, against a real Ralph in real Chromium."""

from __future__ import annotations

from collections import Counter

import httpx

from .conftest import HEADERS, attempt_events, dispatch, ralph_valid


def _status(page) -> str:
    return page.locator("[data-isdp-tracking-status]").inner_text()


def _wait_acked(page, timeout=30_000) -> None:
    page.wait_for_function("() => window.isdpTracking && window.isdpTracking.pending() === 0 "
                           "&& document.querySelector('[data-isdp-tracking-status]').textContent.startsWith('Recorded')",
                           timeout=timeout)


def test_a_module_through_a_launch_link_lands_once_and_validates(page, web, lrs):
    page.goto(lrs.link(web, "100234"))
    assert "#" not in page.url, "the fragment (credential) must leave the address bar"
    assert page.evaluate("window.isdpTracking.mode") == "link"
    events = attempt_events(n=3)
    for name, detail in events:
        dispatch(page, name, detail)
    _wait_acked(page)
    stored = lrs.statements()
    counts = Counter(s["id"] for s in stored)
    assert len(stored) == 3 + 4 and set(counts.values()) == {1}
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in sorted(stored, key=lambda s: s["timestamp"])]
    assert Counter(verbs) == Counter(["initialized", "answered", "answered", "answered",
                                      "completed", "passed", "terminated"])
    attempt = events[0][1]["attempt"]
    for statement in stored:
        ralph_valid(statement)
        assert statement["context"]["registration"] == attempt
        assert statement["actor"]["account"] == {"homePage": "https://www.mdek12.org", "name": "100234"}
        assert statement["authority"]["account"]["name"] == "100234"
    passed = next(s for s in stored if s["verb"]["id"].endswith("passed"))
    assert passed["result"]["score"]["scaled"] == 1.0 and passed["result"]["success"] is True
    assert passed["context"]["extensions"] == {"https://www.mdek12.org/isdp/xapi/extensions/lea-code": "2520"}


def test_practice_mode_sends_nothing_and_says_so(page, web, lrs):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(web.url + "/courses/tracking-fixture.html")
    assert page.evaluate("window.isdpTracking.mode") == "practice"
    for name, detail in attempt_events():
        dispatch(page, name, detail)
    assert _status(page).startswith("Practice mode: your answers are not recorded")
    assert not [u for u in requests if u.startswith(lrs.url)]
    assert lrs.statements() == []


def test_a_learner_cannot_read_another_learners_statements(page, web, lrs):
    page.goto(lrs.link(web, "100234"))
    for name, detail in attempt_events(n=1):
        dispatch(page, name, detail)
    _wait_acked(page)
    own = lrs.statements(lrs.auth["100234"])
    other = lrs.statements(lrs.auth["100777"])
    assert len(own) == 5 and other == []
    # and a learner's credential cannot read everything through a filter either
    response = httpx.get(lrs.url + "statements", params={"agent": '{"account":{"homePage":"https://www.mdek12.org","name":"100234"}}'},
                         headers={**HEADERS, "Authorization": lrs.auth["100777"]})
    assert response.status_code in (200, 403) and (response.status_code == 403 or response.json()["statements"] == [])


def test_the_credential_never_reaches_the_web_server(page, web, lrs):
    link = lrs.link(web, "100234")
    secret = lrs.auth["100234"].split()[1]
    page.goto(link)
    page.reload()
    assert page.evaluate("window.isdpTracking.mode") == "link", "the launch survives a reload"
    assert web.log, "the server logged requests"
    assert not [line for line in web.log if secret in line or "auth=" in line or "endpoint=" in line]
