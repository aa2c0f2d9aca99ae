"""The tracking runtime on the real module pages of the courses, driven like a learner:
choose answers, press "Check answer", through a personal link and under cmi5."""

from __future__ import annotations

from collections import Counter

from build_tools.xapi.links import learner_actor
from build_tools.xapi.profile import Profile

from ..conftest import ADMIN
from .cmi5_harness import Cmi5Harness
from .conftest import HOME, ralph_valid

P = Profile("https://www.mdek12.org/isdp/xapi")
MODULE = "courses/security-awareness/phishing.html"
STATUS = "[data-isdp-tracking-status]"
FAST_RETRY = "window.isdpTrackingOptions = {retryBaseMs: 100, retryMaxMs: 400};"


def _questions(page) -> list[tuple[str, list[str]]]:
    return page.evaluate("""() => [...document.querySelectorAll('[data-isdp-question]')]
        .map(q => [q.dataset.isdpQuestion, q.dataset.isdpCorrect.split(' ')])""")


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
    for qid, correct in questions:
        _answer(page, qid, correct)
    _recorded(page)
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


def test_a_real_module_survives_an_outage_and_a_reload(page, web, lrs):
    page.add_init_script(FAST_RETRY)
    page.goto(lrs.link(web, lrs.ada, page=MODULE))
    questions = _questions(page)
    _answer(page, *questions[0])
    _recorded(page)
    lrs.server.stop()
    _answer(page, *questions[1])
    page.wait_for_function(
        "s => document.querySelector(s).textContent.includes('cannot be reached')", arg=STATUS)
    page.reload()  # the quiz starts a new attempt; the waiting answer stays in the outbox
    for qid, correct in questions:
        _answer(page, qid, correct)
    waiting = page.evaluate("window.isdpTracking.pending()")
    assert waiting == 1 + 1 + len(questions) + 3
    lrs.server.start()
    _recorded(page)
    stored = lrs.statements()
    counts = Counter(s["id"] for s in stored)
    assert set(counts.values()) == {1} and len(stored) == 2 + waiting
    assert len({s["context"]["registration"] for s in stored}) == 2, "two attempts"


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
