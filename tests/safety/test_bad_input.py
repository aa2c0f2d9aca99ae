"""Findings 7 and 8 of issue 15: no command ends in a traceback, whatever the input.

Every bad site.yaml, course.yaml, district file and page front matter ends in
``path:line: message`` lines, a non-zero exit, within the memory bound (conftest.py) and
with nothing written. The YAML itself is read by core/yamlfile.py for all of them.
"""

from __future__ import annotations

import re
import shutil

import pytest

from ..conftest import page_text
from .conftest import REPO, fails_cleanly, isdp

BOMB = "".join(["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"]
               + [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]\n" for n in range(1, 10)])


def _duplicate_first_key(text: str) -> str:
    first = next(line for line in text.splitlines() if re.match(r"^[a-z_]+:", line))
    return text + "\n" + first + "\n"


# name -> text (or bytes) of the bad file, made from the valid one
CLASSES = {
    "empty": lambda valid: "",
    "tab indentation": lambda valid: "key:\n\tvalue: 1\n",
    "unclosed quote": lambda valid: "name: 'Jackson Public School District\nother: 1\n",
    "not a mapping": lambda valid: "- one\n- two\n",
    "alias bomb": lambda valid: BOMB,
    "binary": lambda valid: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe",
    "not utf-8": lambda valid: "name: Pontotoc\n".encode("utf-16"),
    "duplicate key": _duplicate_first_key,
    "huge string": lambda valid: "name: " + "x" * 20_000_000 + "\n",
    "python tag": lambda valid: "name: !!python/object/apply:os.system ['echo pwned']\n",
    "deep nesting": lambda valid: "a: " + "[" * 990 + "]" * 990 + "\n",
}
WITH_LINE = set(CLASSES) - {"huge string"}


def _write(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)


def _check(run, name: str, case: str) -> None:
    stderr = fails_cleanly(run)
    if case in WITH_LINE:
        assert re.search(rf"{re.escape(name)}:\d+: ", stderr), stderr[-2000:]
    else:
        assert f"{name}: " in stderr, stderr[-2000:]
    if case == "duplicate key":
        assert "duplicate key" in stderr and "first on line" in stderr, stderr[-2000:]
    if case == "alias bomb":
        assert "aliases (*name) are not allowed" in stderr, stderr[-2000:]
    assert "pwned" not in run.stdout


@pytest.mark.parametrize("case", CLASSES)
def test_site_yaml(make_site, case):
    src = make_site({"content/index.md": page_text("Home")})
    _write(src / "site.yaml", CLASSES[case]((REPO / "site.yaml").read_text()))
    _check(isdp("check", cwd=src, timeout=60), "site.yaml", case)


@pytest.mark.parametrize("case", CLASSES)
def test_course_yaml(make_site, case):
    src = make_site({"content/index.md": page_text("Home")})
    shutil.copytree(REPO / "courses" / "ferpa", src / "courses" / "ferpa")
    course = src / "courses" / "ferpa" / "course.yaml"
    _write(course, CLASSES[case](course.read_text()))
    _check(isdp("check", cwd=src, timeout=60), "course.yaml", case)


@pytest.mark.parametrize("case", CLASSES)
def test_district_file(tmp_path, case):
    district = tmp_path / "district.yaml"
    _write(district, CLASSES[case]((REPO / "examples" / "district-example.yaml").read_text()))
    out = tmp_path / "pack"
    run = isdp("policies", "render", "--district", district, "--out", out, "--src", REPO,
               cwd=tmp_path, timeout=60)
    _check(run, "district.yaml", case)
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["district.yaml"]


def _as_front_matter(make):
    """A page whose front matter is what ``make`` writes (bytes are written as they are)."""
    def page(valid):
        text = make(valid)
        return text if isinstance(text, bytes) else f"---\n{text}---\n\n# Home\n\nA page.\n"
    return page


FRONT = {**{case: _as_front_matter(make) for case, make in CLASSES.items()
            if case not in ("binary", "not utf-8")},
    "binary": lambda valid: b"---\ndescription: \x00\x01\x02\n---\n# Home\n",
    "not utf-8": lambda valid: "---\ndescription: Pontotoc County School District\n---\n".encode("utf-16"),
    "unclosed front matter": lambda valid: "---\ndescription: A page that never closes its front matter.\n\n# Home\n",
}


@pytest.mark.parametrize("case", FRONT)
def test_page_front_matter(make_site, case):
    valid = "description: The home page of a small test site of the ISDP.\n"
    src = make_site({"content/index.md": page_text("Home")})
    _write(src / "content" / "index.md", FRONT[case](valid))
    run = isdp("check", cwd=src, timeout=60)
    stderr = fails_cleanly(run)
    assert re.search(r"index\.md:\d+: " if case != "huge string" else r"index\.md: ", stderr), stderr[-2000:]


def test_an_alias_bomb_in_front_matter_fails_the_build_quickly(make_site, tmp_path):
    """MyST reads front matter with yaml.safe_load itself: routed through our loader."""
    src = make_site({"content/index.md": f"---\n{BOMB}---\n\n# Home\n\nA page.\n"})
    run = isdp("build", "--out", tmp_path / "out", "-q", cwd=src, timeout=120)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "aliases (*name) are not allowed" in run.stderr, run.stderr[-2000:]
    assert not (tmp_path / "out").exists()


def test_a_district_name_too_long_for_word(tmp_path):
    text = (REPO / "examples" / "district-example.yaml").read_text()
    name = re.search(r"^  name: (.*)$", text, re.MULTILINE).group(1)
    district = tmp_path / "district.yaml"
    district.write_text(text.replace(name, "Magnolia Bend " * 12 + "School District", 1))
    run = isdp("policies", "render", "--district", district, "--out", tmp_path / "pack",
               "--src", REPO, cwd=tmp_path)
    assert re.search(r"district\.yaml:\d+: 'district\.name'", fails_cleanly(run))
    assert not (tmp_path / "pack").exists()


@pytest.mark.parametrize("content", [b"name,email\nAnn,ann@x\n", b"", b"\x00" * 4096])
def test_a_store_that_is_not_a_database(tmp_path, content):
    store = tmp_path / "store.sqlite"
    store.write_bytes(content)
    roster = tmp_path / "roster.csv"
    roster.write_text("employee_id,name,email,lea_code,lea_name,role\n"
                      "E1,Ann Lee,ann.lee@jackson.k12.ms.us,2500,Jackson Public School District,teacher\n")
    run = isdp("report", "training", "--roster", roster, "--cycle", "2026-2027", "--out",
               tmp_path / "report", "--store", store, "--src", REPO, cwd=tmp_path)
    if content:
        assert "store.sqlite: not a statement store" in fails_cleanly(run)
    else:  # an empty file is an empty SQLite database: no statements, not an error
        assert "Traceback" not in run.stderr
    assert store.read_bytes() == content or not content
    sync = isdp("lrs", "sync", "--lrs-url", "http://127.0.0.1:9/xAPI/", "--user", "u",
                "--password", "p", "--store", store, cwd=tmp_path)
    if content:
        assert "store.sqlite: not a statement store" in fails_cleanly(sync)
