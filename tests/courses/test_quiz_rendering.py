"""What a quiz becomes: semantic HTML for browsers, plain blocks for other builders."""

from __future__ import annotations

import base64

from bs4 import BeautifulSoup

from build_tools.courses import sealing

from .conftest import QUESTION, module


def test_html_is_a_fieldset_with_native_inputs_and_no_readable_key(course_site, build_site):
    result = build_site(course_site({"first.md": module(QUESTION)}))
    assert result.ok, result.warnings
    soup = BeautifulSoup(
        (result.outdir / "courses/demo/first.html").read_text(encoding="utf-8"), "html.parser"
    )
    quiz = soup.select_one("[data-isdp-quiz]")
    assert (quiz["data-isdp-course"], quiz["data-isdp-module"], quiz["id"]) == (
        "demo",
        "first",
        "demo-01",
    )
    assert not quiz.has_attr("data-isdp-correct") and quiz["data-isdp-kind"] == "single"
    salt = base64.b64decode(quiz["data-isdp-salt"])
    assert quiz["data-isdp-key-hash"] == sealing.key_hash(salt, ["a"]) != sealing.key_hash(salt, ["b"])
    legend = quiz.select_one("fieldset > legend")
    assert (
        legend.get_text(" ", strip=True)
        == "Question 1 of 1. Which answer is right? Choose one answer."
    )
    inputs = quiz.select("fieldset input[type=radio][name=demo-01]")
    assert [i["value"] for i in inputs] == ["a", "b"]
    assert all(soup.select_one(f"label[for={i['id']}]") for i in inputs)
    # The feedback of each choice and the explanation are sealed: nothing of them in the page.
    answer = quiz.select_one(".isdp-quiz-answer")
    assert answer.has_attr("hidden") and answer.get_text(strip=True) == ""
    page_text = soup.get_text(" ")
    for words in ("(correct)", "Correct answer", "Yes, because it is", "Pick the right one"):
        assert words not in page_text
    sealed = {box["data-isdp-feedback"]: box["data-isdp-sealed"] for box in answer.select("[data-isdp-feedback]")}
    assert sealing.unseal(salt, "feedback:a", sealed["a"])["correct"] is True
    assert "No, because it is not." in sealing.unseal(salt, "feedback:b", sealed["b"])["html"]
    explanation = answer.select_one(".isdp-quiz-explanation")["data-isdp-sealed"]
    assert "Pick the right one." in sealing.unseal(salt, "explanation", explanation)["html"]
    # The controls are in the HTML (no shift when the runtime starts), off until it does.
    button = quiz.select_one("button.isdp-quiz-check")
    assert button.has_attr("disabled") and button.get_text() == "Check answer"
    assert "needs JavaScript" in quiz.select_one("noscript").get_text()
    assert soup.select("[data-isdp-tracking-status][role=status][aria-live=polite]")
    panel = soup.select_one("[data-isdp-quiz-result]")
    assert not panel.has_attr("hidden") and panel["data-isdp-mastery"] == "0.8"
    assert "Answer the question to see your score." in panel.get_text()
    assert (
        "Module 1 of 1 in Demo course 2026–27 · 1 question · pass mark 80%"
        in soup.select_one(".isdp-module-meta").get_text()
    )


def test_other_builders_get_plain_text(course_site, build_site):
    result = build_site(course_site({"first.md": module(QUESTION)}), builder="text")
    assert result.ok, result.warnings
    text = (result.outdir / "courses/demo/first.txt").read_text(encoding="utf-8")
    assert "Which answer is right?\n\n* This one.\n\n* That one." in text
    assert "**This one.** (correct)" in text and "<" not in text
