"""Finding 1 and 2 of issue 15: every command that writes a folder writes it whole through
core/atomic.py, refuses a folder it did not write, and never removes anyone's files; a
failed build or preview keeps the last good site."""

from __future__ import annotations

import os
import stat

import pytest

from build_tools.core.atomic import atomic_dir
from build_tools.core.errors import ContentError

from ..conftest import page_text
from ..reports.conftest import (
    conn,  # noqa: F401 - the store fixture of the reports tests
    write_roster,
)
from ..reports.test_cli import GOOD, site, training  # noqa: F401 - the reports' test site
from .conftest import fails_cleanly, isdp


def _report(site, tmp_path, out):  # noqa: F811
    return training(site, tmp_path, write_roster(tmp_path / "roster.csv", GOOD), out)


def test_a_report_refuses_a_folder_of_someone_elses_files(site, tmp_path):  # noqa: F811
    out = tmp_path / "documents"
    out.mkdir()
    (out / "budget.xlsx").write_bytes(b"a district's own file")
    result = _report(site, tmp_path, out)
    assert result.exit_code == 1
    assert "documents: exists, is not empty and was not written by isdp" in result.output
    assert (out / "budget.xlsx").read_bytes() == b"a district's own file"
    assert sorted(p.name for p in out.iterdir()) == ["budget.xlsx"]


def test_a_report_refuses_the_statement_store_folder(site, tmp_path, monkeypatch):  # noqa: F811
    """`--out .isdp` used to rename the store and the LRS logins away and delete them."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".isdp" / "lrs").mkdir(parents=True)
    (tmp_path / ".isdp" / "lrs" / "auth.json").write_text("[]")
    result = _report(site, tmp_path, ".isdp")
    assert result.exit_code == 1 and ".isdp: exists, is not empty" in result.output
    assert (tmp_path / ".isdp" / "lrs" / "auth.json").read_text() == "[]"


def test_a_report_refuses_the_current_folder(site, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.chdir(tmp_path)
    result = _report(site, tmp_path, ".")
    assert result.exit_code == 1, result.output
    assert "is the current folder or holds it" in result.output
    assert (tmp_path / "store.sqlite").exists() and (tmp_path / "roster.csv").exists()


def test_a_report_replaces_its_own_earlier_report(site, tmp_path):  # noqa: F811
    out = tmp_path / "report"
    assert _report(site, tmp_path, out).exit_code == 0
    assert (out / ".isdp-output").is_file()  # core/atomic.py's marker
    (out / "compliance.csv").write_text("stale")
    assert _report(site, tmp_path, out).exit_code == 0
    assert (out / "compliance.csv").read_text().startswith("employee_id,")
    assert not [p for p in tmp_path.iterdir() if ".old-" in p.name or ".tmp-" in p.name]


def test_the_quarterly_report_refuses_before_any_work(tmp_path):
    from ..conftest import REPO

    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    run = isdp("report", "quarterly", "--quarter", "2026Q4", "--out", out, "--store",
               tmp_path / "missing.sqlite", "--src", REPO, cwd=tmp_path)
    assert "mine: exists, is not empty and was not written by isdp" in fails_cleanly(run)
    assert (out / "notes.txt").read_text() == "keep me"


def test_a_failure_inside_the_writer_leaves_the_old_output(tmp_path):
    out = tmp_path / "report"
    with atomic_dir(out) as work:
        (work / "a.csv").write_text("first")
    with pytest.raises(RuntimeError), atomic_dir(out) as work:
        (work / "a.csv").write_text("half")
        raise RuntimeError("disk full")
    assert (out / "a.csv").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_the_writer_refuses_a_file_and_a_symlink(tmp_path):
    (tmp_path / "file").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path)
    for name in ("file", "link"):
        with pytest.raises(ContentError), atomic_dir(tmp_path / name):
            pass
    assert (tmp_path / "file").read_text() == "x"


def test_a_policy_pack_refuses_the_current_folder(tmp_path):
    from ..conftest import REPO

    (tmp_path / "minutes.docx").write_bytes(b"board minutes")
    run = isdp("policies", "render", "--district", REPO / "examples" / "district-example.yaml",
               "--out", ".", "--src", REPO, cwd=tmp_path)
    assert "is the current folder" in fails_cleanly(run)
    assert (tmp_path / "minutes.docx").read_bytes() == b"board minutes"


def test_a_failed_build_leaves_the_last_good_site(make_site, tmp_path):
    src = make_site({"content/index.md": page_text("Home", "The good version.")})
    out = tmp_path / "out"
    assert isdp("build", "--out", out, "-q", cwd=src).returncode == 0
    good = (out / "content" / "index.html").read_text()
    (src / "content" / "index.md").write_text(
        page_text("Home", "The broken version, see {term}`Nothing`."))
    run = isdp("build", "--out", out, "-q", cwd=src)
    assert "term not in glossary" in fails_cleanly(run)
    assert (out / "content" / "index.html").read_text() == good
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out.tmp")) == []


@pytest.mark.parametrize("target", [".", ".isdp"])
def test_build_refuses_the_site_folder_and_the_store(make_site, target):
    src = make_site({"content/index.md": page_text("Home", "A page.")})
    (src / ".isdp").mkdir()
    (src / ".isdp" / "store.sqlite").write_bytes(b"statements")
    run = isdp("build", "--out", target, "-q", cwd=src)
    fails_cleanly(run)
    assert (src / ".isdp" / "store.sqlite").read_bytes() == b"statements"
    assert (src / "site.yaml").exists() and (src / "content" / "index.md").exists()


def test_the_lrs_logins_file_is_private_and_whole(tmp_path):
    from build_tools.xapi.lrs.local import Credential, write_credentials

    write_credentials(tmp_path, [Credential("admin", "secret", ("all",), {"mbox": "mailto:a@b.c"})])
    mode = stat.S_IMODE(os.stat(tmp_path / "auth.json").st_mode)
    assert mode == 0o600, oct(mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["auth.json"]
