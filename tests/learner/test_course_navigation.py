"""Small things a learner tripped over: previous/next links that ran from one course into the
other, and a list of correct answers glued together with semicolons ("domain.; It threatens")."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from build_tools.courses.model import load_courses

from ..conftest import REPO


def links(html: str) -> dict[str, str | None]:
    page = BeautifulSoup(html, "html.parser")
    found = {}
    for kind in ("prev", "next"):
        a = page.find("a", class_=f"{kind}-page")
        found[kind] = a["href"] if a else None
    return found


def test_previous_and_next_stay_inside_each_course(shipped_site):
    courses = load_courses(REPO)
    assert len(courses) >= 2
    for course in courses:
        folder = shipped_site / "courses" / course.id
        pages = ["index", *course.modules]
        for position, name in enumerate(pages):
            got = links((folder / f"{name}.html").read_text(encoding="utf-8"))
            expected_prev = "../index.html" if position == 0 else f"{pages[position - 1]}.html"
            expected_next = f"{pages[position + 1]}.html" if position + 1 < len(pages) else None
            assert got == {"prev": expected_prev, "next": expected_next}, f"{course.id}/{name}"
    # Outside the courses the reading order is the toctree's, as before.
    assert links((shipped_site / "courses" / "index.html").read_text(encoding="utf-8"))["next"] == (
        f"{courses[0].id}/index.html")


def test_several_correct_answers_are_a_list_not_a_run_on_sentence(shipped_site):
    html = (shipped_site / "courses" / "security-awareness" / "phishing.html").read_text(encoding="utf-8")
    assert not re.search(r"</strong>; <strong>", html)
    page = BeautifulSoup(html, "html.parser")
    keys = page.select("details.isdp-quiz-answer > ul.isdp-quiz-key")
    assert keys, "no question with several correct answers on the phishing module"
    for key in keys:
        assert key.find_previous_sibling("p").get_text() == "Correct answers:"
        assert len(key.find_all("li")) >= 2
