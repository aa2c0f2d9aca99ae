"""What a quiz becomes: semantic HTML for browsers, plain blocks for other builders."""

from __future__ import annotations

from bs4 import BeautifulSoup

from .conftest import QUESTION, module


def test_html_is_a_fieldset_with_native_inputs_and_an_answer_readable_without_js(
    course_site, build_site
):
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
    assert quiz["data-isdp-correct"] == "a" and quiz["data-isdp-kind"] == "single"
    legend = quiz.select_one("fieldset > legend")
    assert (
        legend.get_text(" ", strip=True)
        == "Question 1 of 1. Which answer is right? Choose one answer."
    )
    inputs = quiz.select("fieldset input[type=radio][name=demo-01]")
    assert [i["value"] for i in inputs] == ["a", "b"]
    assert all(soup.select_one(f"label[for={i['id']}]") for i in inputs)
    answer = quiz.select_one("details > summary")
    assert answer.get_text() == "Answer and explanation"
    assert "Correct answer: This one." in quiz.select_one("details").get_text(" ", strip=True)
    assert soup.select("[data-isdp-tracking-status][role=status][aria-live=polite]")
    panel = soup.select_one("[data-isdp-quiz-result]")
    assert panel.has_attr("hidden") and panel["data-isdp-mastery"] == "0.8"
    assert (
        "Module 1 of 1 in Demo course 2026–27 · 1 question · pass mark 80%"
        in soup.select_one(".isdp-module-meta").get_text()
    )


def test_other_builders_get_plain_text(course_site, build_site):
    result = build_site(course_site({"first.md": module(QUESTION)}), builder="text")
    assert result.ok, result.warnings
    text = (result.outdir / "courses/demo/first.txt").read_text(encoding="utf-8")
    assert "Which answer is right?\n\n* This one.\n\n* That one." in text
    assert "Correct answer: **This one.**" in text and "<" not in text
