"""The answer keys of a site's courses, read from the sources as the report reads them: the
pages hold none, so browser tests that must answer correctly take them from here."""

from __future__ import annotations

from pathlib import Path

from build_tools.courses.keys import course_keys
from build_tools.courses.model import load_courses


def answer_keys(srcdir: Path) -> dict[str, list[str]]:
    """Question id -> its correct choice ids, sorted."""
    return {qid: sorted(key.correct) for course in load_courses(Path(srcdir))
            for qid, key in course_keys(course).items()}


def opened(html: str) -> str:
    """A built page with its sealed parts opened and its per-build salts and key hashes
    replaced by the key they hash, so two builds of the same sources compare equal."""
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
        for box in quiz.select("[data-isdp-sealed]"):
            label = (sealing.feedback_label(box["data-isdp-feedback"]) if box.has_attr("data-isdp-feedback")
                     else sealing.EXPLANATION_LABEL)
            payload = sealing.unseal(salt, label, box["data-isdp-sealed"])
            box["data-isdp-sealed"] = f"opened, correct={payload.get('correct')}"
            box.append(BeautifulSoup(payload["html"], "html.parser"))
        del quiz["data-isdp-salt"]
    return str(soup)
