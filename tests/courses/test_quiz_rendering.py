"""What a quiz becomes: semantic HTML for browsers, plain blocks for other builders."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from bs4 import BeautifulSoup

from build_tools.courses import sealing
from build_tools.site.preview import PreviewBuilder

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
    assert [box.attrs for box in answer.select("[data-isdp-feedback], .isdp-quiz-explanation")] == [
        {"class": ["isdp-quiz-feedback"], "data-isdp-feedback": "a"},
        {"class": ["isdp-quiz-feedback"], "data-isdp-feedback": "b"},
        {"class": ["isdp-quiz-explanation"]}]  # empty boxes: the sealed parts are in a file
    # ... beside the page, named by the question, fetched when the learner first needs it
    file = result.outdir / "courses/demo" / quiz["data-isdp-sealed-src"]
    assert re.fullmatch(r"first\.feedback-[0-9a-f]{8}\.json", file.name)
    sealed = json.loads(file.read_text(encoding="utf-8"))["demo-01"]
    assert set(sealed) == {"feedback", "explanation"} and set(sealed["feedback"]) == {"a", "b"}
    assert sealing.unseal(salt, "feedback:a", sealed["feedback"]["a"])["correct"] is True
    assert "No, because it is not." in sealing.unseal(salt, "feedback:b", sealed["feedback"]["b"])["html"]
    assert "Pick the right one." in sealing.unseal(salt, "explanation", sealed["explanation"])["html"]
    for words in ("correct", "No, because", "Pick the right one"):
        assert words not in file.read_text(encoding="utf-8")
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


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.feedback-*.json"))


def _opens(page: Path) -> bool:
    """Every sealed part of PAGE's file opens with the salts in PAGE (the same write)."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    quiz = soup.select_one("[data-isdp-quiz]")
    sealed = json.loads((page.parent / quiz["data-isdp-sealed-src"]).read_text(encoding="utf-8"))["demo-01"]
    salt = base64.b64decode(quiz["data-isdp-salt"])
    parts = [(sealing.feedback_label(c), v) for c, v in sealed["feedback"].items()]
    return all(sealing.unseal(salt, label, v)["html"] for label, v in [*parts, ("explanation", sealed["explanation"])])


def test_an_incremental_build_keeps_each_page_with_its_own_feedback_file(course_site, build_site):
    """The file is named anew with each write of its page (new salts): a rewritten page gets a
    new file and the old one goes; a page the build does not rewrite keeps its own. Each
    build is made aside from a copy of the last and swapped in whole (core/atomic.py)."""
    src = course_site({"first.md": module(QUESTION)})
    first = build_site(src)
    assert first.ok, first.warnings
    folder, page = first.outdir / "courses/demo", first.outdir / "courses/demo/first.html"
    before = _files(folder)
    assert len(before) == 1 and _opens(page)
    (src / "courses/index.md").write_text(
        (src / "courses/index.md").read_text(encoding="utf-8") + "\nAnother line.\n", encoding="utf-8")
    untouched = build_site(src)  # another page changed: this one is not written again
    assert untouched.ok and _files(folder) == before and _opens(page)
    (src / "courses/demo/first.md").write_text(module(QUESTION) + "\nMore text.\n", encoding="utf-8")
    rewritten = build_site(src)
    assert rewritten.ok and len(_files(folder)) == 1 and _files(folder) != before
    assert _opens(page), "the page and its file come from the same write (same salts)"


def test_the_preview_publishes_a_rebuilt_page_with_its_new_feedback_file(course_site, tmp_path):
    """``isdp serve`` rebuilds one page in its long-lived application and copies what changed
    to the served folder: the page and its new file both, never the page alone."""
    src = course_site({"first.md": module(QUESTION)})
    preview = PreviewBuilder(src, tmp_path / "served", {})
    try:
        preview()
        assert not preview.problems, preview.problems
        page = tmp_path / "served/courses/demo/first.html"
        before = _files(page.parent)
        assert len(before) == 1 and _opens(page)
        source = src / "courses/demo/first.md"
        source.write_text(module(QUESTION) + "\nMore text.\n", encoding="utf-8")
        preview(changed_paths=[source])
        assert not preview.problems, preview.problems
        assert "More text." in page.read_text(encoding="utf-8")
        assert _opens(page), "the served page names a file of its own write"
        assert _files(preview.work / "courses/demo") == [n for n in _files(page.parent) if n not in before]
    finally:
        preview.close()
