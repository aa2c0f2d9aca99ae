"""No credential and no answer key ever reaches the built site, even when the source folder
holds some."""

from __future__ import annotations

import base64
import json
import shutil

from bs4 import BeautifulSoup

from build_tools.core.atomic import atomic_file
from build_tools.courses import sealing
from build_tools.site.build import build
from build_tools.xapi.links import launch_link, learner_actor, provision, write_links_csv
from tests.support.answers import SEALED, answer_keys, feedback_file

from ..conftest import REPO
from .conftest import HOME, LEARNERS


def test_the_built_site_holds_no_credential(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for entry in REPO.iterdir():
        if entry.name in ("content", "guidance", "courses", "conf.py", "site.yaml"):
            (shutil.copytree if entry.is_dir() else shutil.copy)(entry, src / entry.name)
        elif not entry.name.startswith((".", "_")) and entry.name != "node_modules":
            (src / entry.name).symlink_to(entry)
    # An administrator who ran `isdp learners links` inside the site folder.
    auth = provision(LEARNERS, src / ".isdp" / "lrs", home_page=HOME)
    links = {
        lr.employee_id: launch_link(
            "https://www.mdek12.org/isdp/",
            "https://lrs.mdek12.org/xAPI/",
            learner_actor(lr, HOME),
            auth[lr.employee_id],
        )
        for lr in LEARNERS
    }
    with atomic_file(src / "links.csv", private=True, newline="") as handle:
        write_links_csv(handle, LEARNERS, links)
    result = build(src, tmp_path / "html", status=None)
    assert result.ok, result.warnings

    secrets = []
    for header in auth.values():
        token = header.split()[1]
        secrets += [token, base64.b64decode(token).decode().split(":", 1)[1]]
    hashes = [
        line.split('"')[3]
        for line in (src / ".isdp/lrs/auth.json").read_text().splitlines()
        if '"hash"' in line
    ]
    files = [p for p in (tmp_path / "html").rglob("*") if p.is_file()]
    assert len(files) > 20
    for path in files:
        data = path.read_bytes()
        for secret in secrets + hashes:
            assert secret.encode() not in data, f"{path} holds a credential"
    assert not (tmp_path / "html" / "links.csv").exists()

    # No answer key: no key attribute, no marked choice, no sealed text in the clear. Each
    # question's key hash is salted (per build) and matches only the correct response.
    keys = answer_keys(src)
    seen = set()
    for path in (tmp_path / "html").rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "data-isdp-correct" not in html, path
        # (The editor guide may say "(correct)"; a page with questions may not.)
        assert "data-isdp-quiz" not in html or "(correct)" not in html, path
        for quiz in BeautifulSoup(html, "html.parser").select("[data-isdp-quiz]"):
            qid, salt = quiz["data-isdp-question"], base64.b64decode(quiz["data-isdp-salt"])
            seen.add(qid)
            assert quiz["data-isdp-key-hash"] == sealing.key_hash(salt, keys[qid])
            for box in quiz.select("[data-isdp-feedback], .isdp-quiz-explanation"):
                assert box.get_text(strip=True) == "", f"{path}: {qid} shows sealed text"
    assert seen == set(keys), "every question of the sources is on a page"
    # The sealed feedback files (one beside each quiz page): ciphertext under ids, nothing that
    # tells a correct choice, and each opens only with the salts of the page that names it.
    files = sorted((tmp_path / "html").rglob("*.feedback-*.json"))
    assert files and {f for p in (tmp_path / "html").rglob("*.html") if (f := feedback_file(p))} == set(files)
    for file in files:
        raw = file.read_text(encoding="utf-8")
        assert "correct" not in raw.lower() and "<" not in raw, f"{file}: readable feedback"
        for parts in json.loads(raw).values():
            assert set(parts) == {"feedback", "explanation"}
            assert all(SEALED.match(v) for v in [*parts["feedback"].values(), parts["explanation"]]), file
