"""The quiz runtime in headless Chromium: no answer key in any course page, a module
completed with the keyboard alone, the events the tracking runtime consumes, progress, retake
in a new order, resume after a reload, no-JavaScript reading, axe-core."""

from __future__ import annotations

import base64
import gzip
import json
import re
import urllib.request

import pytest
from bs4 import BeautifulSoup

from build_tools.courses import sealing
from tests.support.answers import SEALED, answer_keys, feedback_file, sealed_of
from tests.support.pages import course_module_pages

from .conftest import REPO

KEYS = answer_keys(REPO)

MODULE = "/courses/security-awareness/phishing.html"
RECORD_EVENTS = """
window.isdpEvents = [];
for (const name of ['attempt-started', 'question-answered', 'module-completed'])
  document.addEventListener('isdp:' + name, e => window.isdpEvents.push([name, e.detail]));
"""


def tab_until(page, condition: str, limit: int = 80) -> None:
    """Press Tab until ``condition`` (a JS expression about ``el``) holds for the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => Boolean({condition}))(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element where {condition}")


def answer_with_keyboard(page, question: dict, choose: list[str]) -> None:
    """Select ``choose`` in ``question`` and check the answer, using only the keyboard."""
    qid, choices = question["id"], question["choices"]
    tab_until(page, f"el.name === '{qid}'")
    if question["kind"] == "multiple":
        for index, choice in enumerate(choices):
            if choice in choose:
                page.keyboard.press("Space")
            if index + 1 < len(choices):
                page.keyboard.press("Tab")
    else:
        target = choices.index(choose[0])
        if target == 0:
            page.keyboard.press("Space")
        for _ in range(target):
            page.keyboard.press("ArrowDown")  # arrows move and select within a radio group
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Check answer"
    page.keyboard.press("Enter")
    page.wait_for_function(  # checked with Web Crypto: asynchronous
        "id => document.getElementById(id).querySelector('.isdp-quiz-status').textContent !== ''", arg=qid)


def questions_of(page) -> list[dict]:
    """The questions as the page shows them; their keys from the course sources."""
    found = page.evaluate("""[...document.querySelectorAll('[data-isdp-quiz]')].map(q => ({
        id: q.dataset.isdpQuestion, kind: q.dataset.isdpKind,
        choices: [...q.querySelectorAll('input')].map(i => i.value)}))""")
    return [{**q, "correct": KEYS[q["id"]]} for q in found]


def test_no_course_page_tells_a_correct_choice_before_it_is_answered(page, site_server, shipped_site):
    """Every built module page, as served and as run: no key attribute, no marked choice, no
    feedback or explanation in plain text. Then a real attempt scores, shows feedback, passes."""
    pages = course_module_pages(shipped_site)
    assert len(pages) >= 6
    questions = 0
    for path in pages:
        html = (shipped_site / path).read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        assert "data-isdp-correct" not in html and "isdp-quiz-mark" not in html, path
        text = soup.get_text(" ")
        assert not re.search(r"\((?:not )?correct\)|Correct answers?:", text), path
        # The sealed parts are in a file beside the page: as readable as the page, so it may
        # hold nothing but ciphertext under the ids the page already shows.
        file = feedback_file(shipped_site / path)
        raw = file.read_text(encoding="utf-8")
        feedback = json.loads(raw)
        assert "correct" not in raw.lower(), f"{file.name} names a correct choice"
        assert set(feedback) == {q["data-isdp-question"] for q in soup.select("[data-isdp-quiz]")}
        for quiz in soup.select("[data-isdp-quiz]"):
            questions += 1
            salt = base64.b64decode(quiz["data-isdp-salt"])
            parts = feedback[quiz["data-isdp-question"]]
            assert set(parts) == {"feedback", "explanation"}, f"{file.name}: {quiz['id']} holds {set(parts)}"
            assert list(parts["feedback"]) == sorted(i["value"] for i in quiz.select("input")), \
                f"{file.name}: {quiz['id']}'s choices, in an order that tells nothing"
            for box in quiz.select("[data-isdp-feedback], .isdp-quiz-explanation"):
                assert box.get_text(strip=True) == "", f"{path}: plain feedback in {quiz['id']}"
                label, sealed = sealed_of(quiz, box, feedback)
                assert SEALED.match(sealed), f"{file.name}: {quiz['id']} {label} is not sealed"
                opened = BeautifulSoup(sealing.unseal(salt, label, sealed)["html"],
                                       "html.parser").find_all(["p", "li"])
                if label != "explanation":
                    opened = opened[1:]  # "<choice label> (correct)": the label is on the page
                for sentence in re.split(r"(?<=[.!?])\s+", " ".join(p.get_text(" ", strip=True) for p in opened)):
                    if len(sentence) > 25:
                        assert sentence not in text, f"{path}: '{sentence}' readable in the page"
                        assert sentence not in raw, f"{file.name}: '{sentence}' readable in the file"
        fetched: list[str] = []

        def note(request, fetched=fetched):
            fetched.append(request.url)

        page.on("request", note)
        page.goto(f"{site_server}/{path}")
        page.wait_for_function("() => [...document.querySelectorAll('.isdp-quiz-check')].every(b => !b.disabled)")
        page.remove_listener("request", note)
        assert not [u for u in fetched if u.endswith(".json")], f"{path}: feedback fetched before any answer"
        leaks = page.evaluate("""() => ({
            correct: document.querySelectorAll('[data-isdp-correct], .isdp-quiz-mark, .isdp-right, .isdp-wrong').length,
            shown: [...document.querySelectorAll('.isdp-quiz-answer')].filter(a => !a.hidden).length,
            text: /\\((not )?correct\\)|Correct answer/.test(document.body.innerText)})""")
        assert leaks == {"correct": 0, "shown": 0, "text": False}, path
    assert questions == len(KEYS)

    # A real attempt: the right choices (from the sources) score, show feedback and pass.
    page.goto(site_server + MODULE)
    page.evaluate(RECORD_EVENTS)
    for question in questions_of(page):
        for choice in question["correct"]:
            page.check(f"#{question['id']}-{choice}")
        page.click(f"#{question['id']} .isdp-quiz-check")
        status = page.locator(f"#{question['id']} .isdp-quiz-status")
        status.filter(has_text="Correct.").wait_for()
        assert status.inner_text().startswith("Correct. ") and len(status.inner_text()) > 20
        assert page.locator(f"#{question['id']} .isdp-quiz-explanation").inner_text().strip()
        assert page.locator(f"#{question['id']} .isdp-quiz-mark").all_inner_texts() == \
            ["Your answer: correct"] * len(question["correct"])
    result = page.locator("[data-isdp-result-text]")
    assert "You answered 6 of 6 questions correctly (100%)." in result.inner_text()
    assert "Passed: the pass mark is 80%." in result.inner_text()
    assert page.evaluate("window.isdpEvents")[-1][1]["passed"] is True


def test_a_module_completed_with_the_keyboard_only(page, site_server):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site_server + MODULE)
    page.evaluate(RECORD_EVENTS)
    assert page.evaluate("window.isdpQuiz") == {"version": 1}
    questions = questions_of(page)
    assert len(questions) == 6 and {q["kind"] for q in questions} == {
        "single",
        "multiple",
        "true-false",
    }

    # One wrong answer out of six: 5/6 = 83%, above the 80% mastery score.
    wrong = questions[2]
    for question in questions:
        if question is wrong:
            choose = [c for c in question["choices"] if c not in question["correct"]][:1]
        else:
            choose = question["correct"]
        answer_with_keyboard(page, question, choose)
        status = page.locator(f"#{question['id']} .isdp-quiz-status")
        assert status.get_attribute("aria-live") == "polite"
        assert status.inner_text().startswith("Not correct. " if question is wrong else "Correct. ")
        assert page.locator(f"#{question['id']} .isdp-quiz-explanation").is_visible()

    result = page.locator("[data-isdp-result-text]")
    assert "You answered 5 of 6 questions correctly (83%)." in result.inner_text()
    assert "Passed: the pass mark is 80%." in result.inner_text()

    events = page.evaluate("window.isdpEvents")
    names = [name for name, _ in events]
    assert names == ["attempt-started"] + ["question-answered"] * 6 + ["module-completed"]
    started, completed = events[0][1], events[-1][1]
    assert started["questions"] == [q["id"] for q in questions] and started["masteryScore"] == 0.8
    assert {detail["attempt"] for _, detail in events} == {started["attempt"]}
    answered = events[3][1]
    assert answered["question"] == wrong["id"] and answered["correct"] is False
    assert "correctResponse" not in answered and answered["prompt"]
    assert [c["id"] for c in answered["choices"]] == wrong["choices"]
    assert completed["score"] == {"raw": 5, "max": 6, "scaled": 0.8333}
    assert completed["passed"] is True and completed["durationMs"] >= 0

    # The first answer counts: locked, no second check.
    assert page.locator(f"#{wrong['id']} input:not([disabled])").count() == 0
    assert page.locator(f"#{wrong['id']} .isdp-quiz-check").is_hidden()

    # Retake: the keyboard reaches the button, everything resets, a new attempt starts with
    # the choices in a new order (for some question: with 2 to 5 choices each, all six
    # keeping their order by chance is about 1 in 5,000).
    tab_until(page, "el.textContent === 'Retake this module'")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == questions[0]["id"]
    assert page.locator(".isdp-quiz-mark").count() == 0
    assert page.locator(".isdp-quiz-answer:not([hidden])").count() == 0
    reordered = questions_of(page)
    assert [q["choices"] for q in reordered] != [q["choices"] for q in questions]
    assert [sorted(q["choices"]) for q in reordered] == [sorted(q["choices"]) for q in questions]
    page.keyboard.press("Space")
    restarted = page.evaluate("window.isdpEvents")[-1]
    assert restarted[0] == "attempt-started" and restarted[1]["attempt"] != started["attempt"]

    # A second attempt below the mastery score: not passed, but the best result is kept.
    # The reload resumes it (the same attempt, in its order, nothing answered yet).
    page.reload()
    page.evaluate(RECORD_EVENTS)
    assert "Your attempt continues: 0 of 6" in page.locator("[data-isdp-result-text]").inner_text()
    questions = questions_of(page)
    assert [q["choices"] for q in questions] == [q["choices"] for q in reordered]
    for question in questions:
        wrong_choice = [c for c in question["choices"] if c not in question["correct"]][:1]
        answer_with_keyboard(page, question, wrong_choice)
    assert "You answered 0 of 6 questions correctly (0%)." in result.inner_text()
    assert "Not passed yet: the pass mark is 80%." in result.inner_text()
    failed = page.evaluate("window.isdpEvents")[-1][1]
    assert failed["passed"] is False and failed["score"]["raw"] == 0

    # The course page shows this device's progress.
    page.goto(site_server + "/courses/security-awareness/index.html")
    assert "1 of 6 modules passed" in page.locator(".isdp-course-progress").inner_text()
    assert "Passed (best 83%)" in page.locator(".isdp-module-list li").first.inner_text()
    assert all(url.startswith(site_server) for url in requests), "a request left the site's origin"


STALE = "AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"  # sealed under other salts


def stale_file(route) -> None:
    """A feedback file from another build (a page cached by the browser): it does not open."""
    parts = {"feedback": {c: STALE for c in [*"abcdefgh", "true", "false"]}, "explanation": STALE}
    route.fulfill(json=dict.fromkeys(KEYS, parts))


@pytest.mark.parametrize("lost", [lambda route: route.abort("internetdisconnected"), stale_file],
                         ids=["offline", "stale"])
def test_without_its_feedback_file_a_quiz_still_checks_records_and_says_to_reload(page, site_server, lost):
    """The site goes offline once the page is loaded, or the file is another build's: the
    feedback cannot be opened. The answer is still checked (the key hash is in the page) and
    recorded (the event), and the feedback area says so. Back online, the reload resumes the
    attempt and fetches the file for the locked answer's feedback, without the learner
    touching anything."""
    page.route("**/*.feedback-*.json", lost)
    page.goto(site_server + MODULE)
    page.evaluate(RECORD_EVENTS)
    question = questions_of(page)[0]
    qid = question["id"]
    for choice in question["correct"]:
        page.check(f"#{qid}-{choice}")
    page.click(f"#{qid} .isdp-quiz-check")
    status = page.locator(f"#{qid} .isdp-quiz-status")
    status.filter(has_text="could not be loaded").wait_for()
    assert status.inner_text() == "Correct. The feedback could not be loaded."
    answer = page.locator(f"#{qid} .isdp-quiz-answer")
    assert answer.is_visible() and answer.inner_text() == (
        "The feedback for this question could not be loaded (the site may be offline). "
        "Your answer is saved; reload the page to see the feedback.")
    events = page.evaluate("window.isdpEvents")
    assert [name for name, _ in events] == ["attempt-started", "question-answered"]
    assert events[1][1]["question"] == qid and events[1][1]["correct"] is True
    assert page.locator(f"#{qid} input:not([disabled])").count() == 0, "the answer is locked all the same"

    page.unroute("**/*.feedback-*.json")
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.reload()
    marks = page.locator(f"#{qid} .isdp-quiz-mark")
    marks.first.wait_for()
    assert marks.all_inner_texts() == ["Your answer: correct"] * len(question["correct"])
    assert "could not be loaded" not in answer.inner_text() and answer.is_visible()
    assert page.locator(f"#{qid} .isdp-quiz-explanation").inner_text().strip()
    assert status.inner_text().startswith("Correct. ") and "could not" not in status.inner_text()
    assert len([u for u in fetched if u.endswith(".json")]) == 1, "one fetch for the page, kept"


def test_without_javascript_the_questions_read_as_a_page(chromium, site_server):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_server + MODULE)
    first = page.locator("[data-isdp-quiz]").first
    assert first.locator("fieldset legend").inner_text().startswith("Question 1 of 6.")
    assert "needs JavaScript" in first.locator(".isdp-quiz-nojs").inner_text()
    assert page.locator(".isdp-quiz-check[disabled]").count() == 6  # reserved, never live
    assert page.locator(".isdp-quiz-answer").first.is_hidden()
    assert "needs JavaScript" in page.locator("[data-isdp-quiz-result]").inner_text()
    assert page.locator("[data-isdp-tracking-status][role=status][aria-live=polite]").count() == 1
    context.close()


def test_the_status_panel_reads_as_words_with_spaces(page, site_server):
    """Its title and text are separate spans: without a space between them innerText, a copy
    and the live region's announcement ran them together ("Not recordedPractice mode")."""
    page.goto(site_server + MODULE)
    panel = page.locator("[data-isdp-tracking-status][data-isdp-state=not-recorded]")
    panel.wait_for()
    for text in (panel.inner_text(), panel.text_content()):
        assert re.match(r"Not recorded\s+Practice mode: ", text), text


def test_module_page_has_no_axe_violations(page, site_server):
    axe = REPO / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.exists():
        pytest.fail("axe-core is not installed: run `npm ci` (or .ci/install)")
    page.goto(site_server + MODULE)
    page.evaluate(axe.read_text(encoding="utf-8"))  # not add_script_tag: the page's CSP blocks it
    questions = questions_of(page)
    answer_with_keyboard(page, questions[0], questions[0]["correct"])  # feedback state too
    # Scoped to the page's content: the quiz markup is ours. (The theme's sidebar captions,
    # role="heading" without aria-level, are reported for the whole site elsewhere.)
    violations = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        result = page.evaluate(
            "axe.run({include: [['article']]}, "
            "{runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
        )
        violations += [
            (scheme, v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]
        ]
    assert violations == []


def test_course_page_assets_stay_within_the_60_kb_budget(page, site_server):
    page.goto(site_server + MODULE)
    urls = page.evaluate("""[...document.querySelectorAll(
        'link[rel=stylesheet][href], script[src]')]
        .map(e => e.href || e.src)""")
    total = sum(len(gzip.compress(urllib.request.urlopen(url).read())) for url in urls)
    assert any(url.split("?")[0].endswith("/quiz.js") for url in urls)
    print(json.dumps({"gzip_bytes_js_css": total, "files": len(urls)}))
    assert total <= 60 * 1024
