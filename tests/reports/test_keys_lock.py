"""courses/<id>/keys.lock: a key is part of a question's identity (``isdp check`` and
``isdp courses lock``), and the report scores answers with the keys of the sources."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from build_tools.cli import main
from build_tools.courses.keys import course_keys
from build_tools.courses.model import load_course

from ..conftest import REPO

QUESTION = "sa-phishing-01"


@pytest.fixture
def site(make_site):
    """A whole site: `isdp check` resolves every reference, and the courses link the site."""
    src = make_site(copy_content=True)
    for shared in ("templates", "build_tools", "examples"):  # read only; features the map names
        (src / shared).symlink_to(REPO / shared)
    return src


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def quiz_line(path, qid):
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, text in enumerate(lines, 1) if text.strip().endswith(f"{{quiz}} {qid}"))


def move_key(path):
    """Mark the first choice of sa-phishing-01 correct instead of the third."""
    text = path.read_text(encoding="utf-8")
    head, _, tail = text.partition(f"{{quiz}} {QUESTION}")
    question, sep, rest = tail.partition("::::\n")
    question = question.replace(":correct:\n", "", 1)
    first = question.index(":::{choice}")
    end = question.index("\n", first)
    question = question[: end + 1] + ":correct:\n" + question[end + 1 :]
    path.write_text(head + f"{{quiz}} {QUESTION}" + question + sep + rest, encoding="utf-8")


def test_the_committed_locks_match_the_sources(site):
    result = run("check", "--src", site)
    assert result.exit_code == 0, result.output


def test_a_key_changed_under_the_same_id_fails_check_with_path_line(site):
    module = site / "courses" / "security-awareness" / "phishing.md"
    before = course_keys(load_course(module.parent / "course.yaml"))[QUESTION].correct
    move_key(module)
    after = course_keys(load_course(module.parent / "course.yaml"))[QUESTION].correct
    assert before != after  # the edit really moved the key
    result = run("check", "--src", site)
    assert result.exit_code == 1
    expected = f"{module}:{quiz_line(module, QUESTION)}: question '{QUESTION}': its correct answer changed"
    assert expected in result.output, result.output
    assert "give the question a new id" in result.output
    # `isdp courses lock` refuses too: a locked key never changes
    locked = (module.parent / "keys.lock").read_text()
    refused = run("courses", "lock", "--src", site)
    assert refused.exit_code == 1 and expected in refused.output
    assert (module.parent / "keys.lock").read_text() == locked


def test_a_new_id_is_locked_by_isdp_courses_lock(site):
    module = site / "courses" / "security-awareness" / "phishing.md"
    move_key(module)
    module.write_text(module.read_text().replace(f"{{quiz}} {QUESTION}", "{quiz} sa-phishing-01b"))
    result = run("check", "--src", site)
    assert result.exit_code == 1
    assert "question 'sa-phishing-01b' is not in courses/security-awareness/keys.lock" in result.output
    assert run("courses", "lock", "--src", site).exit_code == 0
    lock = (module.parent / "keys.lock").read_text()
    assert f"{QUESTION} sha256:" in lock and "sa-phishing-01b sha256:" in lock  # the old id stays
    assert run("check", "--src", site).exit_code == 0


def test_keys_score_responses_in_any_order(site):
    keys = course_keys(load_course(site / "courses" / "security-awareness" / "course.yaml"))
    multiple = next(k for k in keys.values() if len(k.correct) > 1)
    ids = sorted(multiple.correct)
    assert multiple.is_correct("[,]".join(ids)) and multiple.is_correct("[,]".join(reversed(ids)))
    assert not multiple.is_correct(ids[0]) and not multiple.is_correct(None)
