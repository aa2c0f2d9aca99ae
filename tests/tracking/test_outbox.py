"""The durable outbox: an LRS outage and a reload lose nothing and duplicate nothing."""

from __future__ import annotations

import uuid
from collections import Counter

import httpx

from .conftest import ADMIN, HEADERS, HOME, attempt_events, dispatch, ralph_valid

FAST_RETRY = "window.isdpTrackingOptions = {retryBaseMs: 100, retryMaxMs: 400};"
QUEUED = """() => Object.keys(localStorage).filter(k => k.startsWith('isdp.xapi.q.'))
                 .map(k => JSON.parse(localStorage.getItem(k)).statement)"""
# Statements are sealed (Web Crypto, asynchronous) before they are saved.
SAVED = "n => Object.keys(localStorage).filter(k => k.startsWith('isdp.xapi.q.')).length >= n"
STATUS = "[data-isdp-tracking-status]"


def _settled(page, timeout=30_000):
    page.wait_for_function(
        "() => window.isdpTracking.idle() && "
        f"document.querySelector('{STATUS}').textContent.startsWith('Recorded')",
        timeout=timeout,
    )


def test_an_outage_and_a_reload_lose_nothing_and_duplicate_nothing(page, web, lrs):
    page.add_init_script(FAST_RETRY)
    page.goto(lrs.link(web, lrs.ada))
    events = attempt_events(n=6)
    for name, detail in events[:3]:  # initialized + 2 answers, acknowledged
        dispatch(page, name, detail)
    _settled(page)
    before = {s["id"] for s in lrs.statements()}
    assert len(before) == 3

    lrs.server.stop()
    for name, detail in events[3:6]:
        dispatch(page, name, detail)
    page.wait_for_function(
        f"() => document.querySelector('{STATUS}').textContent.includes('cannot be reached')"
    )
    assert "3 answers are saved" in page.locator(STATUS).inner_text()  # answers, not statements
    page.reload()  # the learner reloads during the outage: the launch and the outbox survive
    assert page.evaluate("window.isdpTracking.mode") == "link"
    for name, detail in events[6:]:
        dispatch(page, name, detail)
    page.wait_for_function(SAVED, arg=7)
    queued = page.evaluate(QUEUED)
    assert len(queued) == 3 + 1 + 3  # 3 answers, the last answer, completed/passed/terminated
    page.wait_for_function(
        f"() => document.querySelector('{STATUS}').textContent.includes('4 answers and your module result are saved')"
    )

    lrs.server.start()  # same app dir, same port
    _settled(page)
    stored = lrs.statements()
    counts = Counter(s["id"] for s in stored)
    assert set(counts) == before | {s["id"] for s in queued}
    assert set(counts.values()) == {1}, "every statement exactly once"
    for statement in stored:
        ralph_valid(statement)


def test_a_conflicting_statement_is_dropped_with_a_warning_and_the_rest_lands(page, web, lrs):
    page.add_init_script(FAST_RETRY)
    warnings = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    page.goto(lrs.link(web, lrs.ada))
    lrs.server.stop()
    for name, detail in attempt_events(n=2):
        dispatch(page, name, detail)
    page.wait_for_function(SAVED, arg=6)
    queued = page.evaluate(QUEUED)
    assert len(queued) == 6
    conflicting = {**queued[2], "result": {"response": "b", "success": False}}
    page.route(lrs.url + "**", lambda route: route.abort())  # the browser stays cut off...
    lrs.server.start()
    # ...while Ralph gets a different statement under one of our ids (as after a client bug).
    posted = httpx.post(lrs.url + "statements", json=conflicting, auth=ADMIN, headers=HEADERS)
    assert posted.status_code == 200
    page.unroute(lrs.url + "**")
    _settled(page)
    stored = {s["id"]: s for s in lrs.statements()}
    assert set(stored) == {s["id"] for s in queued}
    assert stored[queued[2]["id"]]["result"] == conflicting["result"]
    assert any(queued[2]["id"] in w and "dropped" in w for w in warnings)


def test_server_errors_and_throttling_are_retried_until_acknowledged(page, web, lrs):
    page.add_init_script(FAST_RETRY)
    answers = iter([503, 429, 500])
    seen = []

    def flaky(route):
        if route.request.method != "POST":
            return route.continue_()
        status = next(answers, None)
        seen.append(status)
        if status is None:
            return route.continue_()
        return route.fulfill(
            status=status,
            body="{}",
            headers={
                "Access-Control-Allow-Origin": web.url,
                "Access-Control-Allow-Credentials": "true",
                "Retry-After": "0",
                "Content-Type": "application/json",
            },
        )

    page.route(lrs.url + "**", flaky)
    page.goto(lrs.link(web, lrs.ada))
    for name, detail in attempt_events(n=1):
        dispatch(page, name, detail)
    _settled(page)
    assert seen[:3] == [503, 429, 500] and None in seen
    assert len(lrs.statements()) == 5


def test_an_entry_written_by_a_page_without_the_credential_is_never_sent(page, web, lrs):
    """Any page of the origin can write localStorage. One without the credential forges a
    course `passed` for the learner, unsealed and with a guessed seal; the learner's tab sets
    both aside and sends only its own statements. Ralph holds nothing of the forgery, and the
    credential itself is nowhere in localStorage."""
    page.add_init_script(FAST_RETRY)
    learner = next(lr for lr in lrs.learners if lr.employee_id == lrs.ada)
    owner = f"{lrs.url.rstrip('/')}/|account:{HOME}|{learner.employee_id}"
    forged_id = str(uuid.uuid4())
    page.goto(f"{web.url}/courses/tracking-fixture.html")  # practice: no credential here
    assert page.evaluate("window.isdpTracking.mode") == "practice"
    page.evaluate(
        """async ([owner, id, base]) => {
            const { ownerHash } = await import('/_static/isdp/outbox.js');
            const [homePage, name] = owner.split('|account:')[1].split('|');
            const statement = {id, actor: {objectType: 'Agent', account: {homePage, name}},
                verb: {id: 'http://adlnet.gov/expapi/verbs/passed'},
                object: {objectType: 'Activity', id: base + '/courses/security-awareness'},
                timestamp: new Date().toISOString()};
            const prefix = 'isdp.xapi.q.' + ownerHash(owner) + '.000000000000001.00000';
            localStorage.setItem(prefix + '0.' + id, JSON.stringify({key: owner, statement}));
            localStorage.setItem(prefix + '1.' + id, JSON.stringify({key: owner, statement, mac: 'AAAA'}));
        }""",
        [owner, forged_id, "https://www.mdek12.org/isdp/xapi"],
    )
    page = page.context.new_page()  # the learner's own tab, opened from their link
    page.add_init_script(FAST_RETRY)
    page.goto(lrs.link(web, lrs.ada))
    for name, detail in attempt_events(n=1):
        dispatch(page, name, detail)
    _settled(page)
    stored = lrs.statements()
    assert len(stored) == 5, "the learner's own statements land"
    assert forged_id not in {s["id"] for s in stored}
    assert not [s for s in stored if s["object"]["id"].endswith("/courses/security-awareness")]
    kept = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('isdp.xapi.damaged.')).length")
    assert kept == 2, "the forged entries are kept aside, not deleted"
    token = lrs.auth[lrs.ada].split()[1]
    everything = page.evaluate("JSON.stringify(Object.entries(localStorage))")
    assert token not in everything, "the credential is not in localStorage"


def test_with_storage_full_answers_wait_in_the_tab_and_the_page_says_so(page, web, lrs):
    """Storage refuses every write: the statements wait in memory, the page says they are not
    recorded yet and the tab must stay open; once the LRS acknowledges them, Recorded."""
    page.add_init_script(FAST_RETRY + """
        const setItem = Storage.prototype.setItem;
        Storage.prototype.setItem = function (k, v) {
            if (this === window.localStorage && k.startsWith('isdp.xapi.q.')) {
                throw new DOMException('full', 'QuotaExceededError'); }
            return setItem.call(this, k, v); };""")
    page.route(lrs.url + "**", lambda route: route.abort())
    page.goto(lrs.link(web, lrs.ada))
    for name, detail in attempt_events(n=1):
        dispatch(page, name, detail)
    page.wait_for_function(
        f"() => document.querySelector('{STATUS}').textContent.includes('Keep this tab open')")
    assert "Not recorded yet" in page.locator(STATUS).inner_text()  # the status panel's words
    assert page.locator(STATUS).get_attribute("data-isdp-state") == "waiting"
    assert page.evaluate(QUEUED) == []
    page.unroute(lrs.url + "**")
    _settled(page)
    assert len(lrs.statements()) == 5
