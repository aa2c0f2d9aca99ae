"""Quiz pages that hold no usable answer key: a salted hash of the key, sealed feedback.

Each question gets a new random salt each time its page is written. The page carries
SHA-256(salt + canonical response) of the correct response, so the browser
(static/isdp/seal.js, Web Crypto) can tell whether an answer is right without the page
saying which choice is; the feedback of each choice is sealed with AES-GCM under
SHA-256(salt + "feedback:" + choice id), and opened only once that choice is chosen; the
explanation under SHA-256(salt + "explanation"), opened once the question is answered.
Nothing readable with view-source or with JavaScript off tells a correct choice. (Code run
in the page can still try each response against the hash: the report re-scores the first
answer of each question from the sources, and only that counts.)

The sealed parts are random ciphertext, which gzip cannot pack (10-12 KB gzip of a quiz page),
so they are not in the page: each page's go into one JSON file beside it (FeedbackFile),
which the page names and the browser fetches once the learner first touches a question.
The file gets a new name each time its page is written (new salts): an unchanged page of an
incremental build keeps its file, a rewritten one never meets the file of another build.
"""

from __future__ import annotations

import base64
import glob
import hashlib
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

RESPONSE_SEPARATOR = "[,]"  # as in result.response and keys.lock


def new_salt() -> bytes:
    return os.urandom(16)


def canonical(choice_ids: list[str]) -> str:
    """A response as the hash sees it: the chosen ids, sorted, joined by ``[,]``."""
    return RESPONSE_SEPARATOR.join(sorted(choice_ids))


def key_hash(salt: bytes, choice_ids: list[str]) -> str:
    return hashlib.sha256(salt + canonical(choice_ids).encode()).hexdigest()


def _key(salt: bytes, label: str) -> bytes:
    return hashlib.sha256(salt + label.encode()).digest()


def seal(salt: bytes, label: str, payload: dict) -> str:
    """``base64(iv).base64(ciphertext + tag)`` of ``payload`` as JSON (Web Crypto's layout)."""
    iv = os.urandom(12)
    sealed = AESGCM(_key(salt, label)).encrypt(iv, json.dumps(payload).encode(), None)
    return f"{base64.b64encode(iv).decode()}.{base64.b64encode(sealed).decode()}"


def unseal(salt: bytes, label: str, sealed: str) -> dict:
    """The inverse of seal() (tests)."""
    iv, data = (base64.b64decode(part) for part in sealed.split("."))
    return json.loads(AESGCM(_key(salt, label)).decrypt(iv, data, None))


def feedback_label(choice_id: str) -> str:
    return f"feedback:{choice_id}"


EXPLANATION_LABEL = "explanation"


@dataclass
class FeedbackFile:
    """One page's sealed parts: question id -> {"feedback": {choice id: sealed}, "explanation": sealed}."""

    name: str
    questions: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def for_page(cls, page: str) -> FeedbackFile:
        """A new file for PAGE (``exceptions.html``): ``exceptions.feedback-<random>.json``."""
        return cls(f"{_stem(page)}.feedback-{secrets.token_hex(4)}.json")


def _stem(page: str) -> str:
    return page.rsplit(".", 1)[0]


def write_feedback(page: Path, feedback: FeedbackFile | None) -> None:
    """Write FEEDBACK beside PAGE (the built HTML file); remove what earlier writes left."""
    for old in page.parent.glob(f"{glob.escape(_stem(page.name))}.feedback-*.json"):
        if feedback is None or old.name != feedback.name:
            old.unlink()
    if feedback is not None:
        page.parent.mkdir(parents=True, exist_ok=True)
        (page.parent / feedback.name).write_text(
            json.dumps(feedback.questions, sort_keys=True, separators=(",", ":")), encoding="utf-8")
