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


def test_no_correct_answers_glued_together_with_semicolons(shipped_site):
    """The page once listed several correct answers as "domain.; It threatens"; it now names
    no key at all (the runtime's sealing), and nothing joins choice labels with "; "."""
    for page in (shipped_site / "courses").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"</strong>; <strong>", html), page
        assert "Correct answers:" not in html, page
