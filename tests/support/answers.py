"""The answer keys of a site's courses, read from the sources as the report reads them: the
pages hold none, so browser tests that must answer correctly take them from here."""

from __future__ import annotations

import json
import re
from pathlib import Path

from build_tools.courses.keys import course_keys
from build_tools.courses.model import load_courses


def answer_keys(srcdir: Path) -> dict[str, list[str]]:
    """Question id -> its correct choice ids, sorted."""
    return {qid: sorted(key.correct) for course in load_courses(Path(srcdir))
            for qid, key in course_keys(course).items()}


SEALED_SRC = re.compile(r'data-isdp-sealed-src="([^"]+)"')
SEALED = re.compile(r"^[A-Za-z0-9+/]+={0,2}\.[A-Za-z0-9+/]+={0,2}$")  # base64(iv).base64(ciphertext)


def feedback_file(page: Path) -> Path | None:
    """The sealed-feedback file a built page's questions name (beside it), or None."""
    names = set(SEALED_SRC.findall(page.read_text(encoding="utf-8")))
    assert len(names) <= 1, f"{page}: its questions name more than one feedback file: {names}"
    return page.parent / names.pop() if names else None


def feedback_of(page: Path) -> dict:
    """Question id -> {"feedback": {choice id: sealed}, "explanation": sealed} of a built page."""
    file = feedback_file(page)
    return json.loads(file.read_text(encoding="utf-8")) if file else {}


def sealed_of(quiz, box, feedback: dict) -> tuple[str, str]:
    """(label, sealed text) of a feedback or explanation box of ``quiz`` (BeautifulSoup tags)."""
    from build_tools.courses import sealing

    parts = feedback[quiz["data-isdp-question"]]
    if box.has_attr("data-isdp-feedback"):
        return sealing.feedback_label(box["data-isdp-feedback"]), parts["feedback"][box["data-isdp-feedback"]]
    return sealing.EXPLANATION_LABEL, parts["explanation"]


def opened(html: str, feedback: dict) -> str:
    """A built page with its sealed parts (FEEDBACK: feedback_of the page) opened, and its
    per-build salts, key hashes and file names replaced by what they stand for, so two
    builds of the same sources compare equal."""
    import base64

    from bs4 import BeautifulSoup

    from build_tools.courses import sealing

    soup = BeautifulSoup(html, "html.parser")
    for quiz in soup.select("[data-isdp-salt]"):
        salt = base64.b64decode(quiz["data-isdp-salt"])
        choices = [i["value"] for i in quiz.select("input")]
        subsets = [[c for n, c in enumerate(choices) if mask >> n & 1] for mask in range(1, 2 ** len(choices))]
        key = next((s for s in subsets if sealing.key_hash(salt, s) == quiz["data-isdp-key-hash"]), None)
        quiz["data-isdp-key-hash"] = f"key:{sealing.canonical(key) if key else '?'}"
        for box in quiz.select("[data-isdp-feedback], .isdp-quiz-explanation"):
            payload = sealing.unseal(salt, *sealed_of(quiz, box, feedback))
            box["data-isdp-sealed"] = f"opened, correct={payload.get('correct')}"
            box.append(BeautifulSoup(payload["html"], "html.parser"))
        del quiz["data-isdp-salt"], quiz["data-isdp-sealed-src"]
    return str(soup)
