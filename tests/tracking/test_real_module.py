"""The tracking runtime on the real module pages of the courses, driven like a learner:
choose answers, press "Check answer", through a personal link and under cmi5."""

from __future__ import annotations

from collections import Counter

from playwright.sync_api import expect

from build_tools.xapi.links import learner_actor
from build_tools.xapi.profile import Profile
from tests.support.answers import answer_keys

from ..conftest import ADMIN, REPO
from .cmi5_harness import Cmi5Harness
from .conftest import HOME, ralph_valid

P = Profile("https://www.mdek12.org/isdp/xapi")
MODULE = "courses/security-awareness/phishing.html"
STATUS = "[data-isdp-tracking-status]"
FAST_RETRY = "window.isdpTrackingOptions = {retryBaseMs: 100, retryMaxMs: 400};"
KEYS = answer_keys(REPO)


def _questions(page) -> list[tuple[str, list[str]]]:
    """The page's questions, with their keys from the course sources (the page has none)."""
    ids = page.evaluate("() => [...document.querySelectorAll('[data-isdp-question]')].map(q => q.dataset.isdpQuestion)")
    return [(qid, KEYS[qid]) for qid in ids]


def _answer(page, qid: str, choices: list[str]) -> None:
    quiz = page.locator(f'[data-isdp-question="{qid}"]')
    for choice in choices:
        quiz.locator(f'input[value="{choice}"]').check()
    quiz.locator(".isdp-quiz-check").click()


def _recorded(page, text="Recorded"):
    page.wait_for_function(
        "([s, t]) => window.isdpTracking.idle() && "
        "document.querySelector(s).textContent.includes(t)",
        arg=[STATUS, text],
        timeout=30_000,
    )


def test_a_real_module_through_a_launch_link(page, web, lrs):
    page.goto(lrs.link(web, lrs.ada, page="courses/index.html"))
    page.goto(f"{web.url}/{MODULE}")  # the launch follows the learner to the module
    questions = _questions(page)
    assert len(questions) >= 3
    for qid, correct in questions[:-1]:
        _answer(page, qid, correct)
    _recorded(page)
    # The result box says "recorded" only once the LRS has acknowledged the result.
    page.route(lrs.url + "**", lambda route: route.abort())
    _answer(page, *questions[-1])
    recorded = page.locator("[data-isdp-recorded]")
    recorded.wait_for()
    page.wait_for_function("s => document.querySelector(s).textContent.includes('cannot be reached')", arg=STATUS)
    assert recorded.inner_text().startswith("Waiting to be sent")  # the status panel's copy
    assert recorded.get_attribute("data-isdp-state") == "waiting"
    page.unroute(lrs.url + "**")
    page.evaluate("window.isdpTracking.flush()")
    _recorded(page)
    assert recorded.inner_text().startswith("Recorded")
    assert recorded.get_attribute("data-isdp-state") == "recorded"
    stored = lrs.statements()
    assert set(Counter(s["id"] for s in stored).values()) == {1}
    verbs = Counter(s["verb"]["display"]["en-US"] for s in stored)
    assert verbs == {"initialized": 1, "answered": len(questions), "completed": 1, "passed": 1,
                     "terminated": 1}
    answered = {s["object"]["id"] for s in stored if s["verb"]["display"]["en-US"] == "answered"}
    assert answered == {P.question("security-awareness", qid) for qid, _ in questions}
    for statement in stored:
        ralph_valid(statement)
    passed = next(s for s in stored if s["verb"]["display"]["en-US"] == "passed")
    assert passed["object"]["id"] == P.module("security-awareness", "phishing")
    assert passed["result"]["score"] == {"scaled": 1, "raw": len(questions), "min": 0,
                                         "max": len(questions)}


def test_a_real_module_survives_an_outage_a_reload_and_a_reopened_tab(page, web, lrs):
    """The open attempt resumes (same registration, answers restored and locked) after a
    reload during an outage and after the tab is closed and the link opened again."""
    page.add_init_script(FAST_RETRY)
    page.goto(lrs.link(web, lrs.ada, page=MODULE))
    questions = _questions(page)
    _answer(page, *questions[0])
    _recorded(page)
    lrs.server.stop()
    _answer(page, *questions[1])
    page.wait_for_function(
        "s => document.querySelector(s).textContent.includes('cannot be reached')", arg=STATUS)
    page.reload()  # the attempt resumes; the waiting answer stays in the outbox
    # quiz.js resumes after the load event can have fired: each answer is checked again (Web
    # Crypto) and its feedback fetched and opened, then the result line says so. Wait for that
    # line; the locked answers below are all shown before it is written.
    expect(page.locator("[data-isdp-result-text]")).to_contain_text("Your attempt continues: 2 of",
                                                                    use_inner_text=True)
    for qid, correct in questions[:2]:
        quiz = page.locator(f'[data-isdp-question="{qid}"]')
        assert quiz.locator(".isdp-quiz-check").is_hidden(), "an answer given is locked"
        assert quiz.locator("input:checked").count() == len(correct)
        assert quiz.locator("input:not([disabled])").count() == 0
        assert quiz.locator(".isdp-quiz-status").inner_text().startswith("Correct. ")
    _answer(page, *questions[2])
    lrs.server.start()
    _recorded(page)

    context = page.context
    page.close()  # the tab is closed; the learner opens the personal link again
    again = context.new_page()
    again.add_init_script(FAST_RETRY)
    again.goto(lrs.link(web, lrs.ada, page=MODULE))
    expect(again.locator("[data-isdp-result-text]")).to_contain_text("Your attempt continues: 3 of",
                                                                     use_inner_text=True)  # as above
    for qid, correct in questions[3:]:
        _answer(again, qid, correct)
    _recorded(again)
    stored = lrs.statements()
    counts = Counter(s["id"] for s in stored)
    assert set(counts.values()) == {1}
    verbs = Counter(s["verb"]["display"]["en-US"] for s in stored)
    assert verbs == {"initialized": 1, "answered": len(questions), "completed": 1, "passed": 1,
                     "terminated": 1}
    assert len({s["context"]["registration"] for s in stored}) == 1, "one attempt"


def test_a_real_module_under_cmi5(page, web, lrs):
    with Cmi5Harness(lrs.url, ADMIN, web.url) as harness:
        url, session = harness.launch(
            f"{web.url}/{MODULE}", actor=learner_actor(lrs.learners[0], HOME),
            ralph_auth=lrs.auth[lrs.ada], activity_id="https://lms.example.org/au/phishing",
            publisher_id=P.module("security-awareness", "phishing"),
            course_id=P.course("security-awareness"))
        page.goto(url)
        page.wait_for_function("() => window.isdpTracking.mode === 'cmi5'")
        questions = _questions(page)
        wrong = [c for c in ("a", "b", "c", "d") if c not in questions[0][1]][:1]
        _answer(page, questions[0][0], wrong)  # one wrong answer: 5/6 passes 0.8 mastery
        for qid, correct in questions[1:]:
            _answer(page, qid, correct)
        _recorded(page, "Your result is recorded")
    assert harness.violations == []
    assert session.received == ["launched", "initialized", *["answered"] * len(questions),
                                "completed", "passed", "terminated"]
    for statement in lrs.statements():
        ralph_valid(statement)
