"""How fresh the store is, as the reports say it (issue 18), and what a fresh clone without a
store is told: sync first, and how. The syncs run against the real Ralph LRS on loopback."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3

import httpx
from bs4 import BeautifulSoup
from click.testing import CliRunner

from build_tools.cli import main
from build_tools.store import sqlite as store
from build_tools.xapi.profile import XAPI_VERSION

from ..conftest import REPO
from .conftest import evidence, make, write_roster

ROSTER = ["E1,Ann Lee,ann.lee@jackson.k12.ms.us,2500,Jackson Public School District,teacher"]


def post(lrs, statements) -> None:
    response = httpx.post(lrs.url + "statements", json=statements, auth=lrs.admin,
                          headers={"X-Experience-API-Version": XAPI_VERSION}, timeout=30)
    assert response.status_code == 200, response.text


def site_copy(tmp_path):
    """What a fresh clone holds for the reports: site.yaml, conf.py, the courses, the data."""
    src = tmp_path / "clone"
    src.mkdir()
    for name in ("site.yaml", "conf.py"):
        shutil.copy(REPO / name, src)
    shutil.copytree(REPO / "courses", src / "courses")
    shutil.copytree(REPO / "content" / "data" / "quarterly", src / "content" / "data" / "quarterly")
    return src


def sync(lrs, db, *extra):
    env = {"ISDP_LRS_USER": lrs.admin[0], "ISDP_LRS_PASSWORD": lrs.admin[1]}
    result = CliRunner().invoke(main, ["lrs", "sync", "--lrs-url", lrs.url, "--store", str(db),
                                       *extra], env=env)
    assert result.exit_code == 0, result.output
    with store.connect(db) as conn:
        return store.freshness(conn)


def test_record_sync_keeps_the_last_full_pass(tmp_path):
    conn = store.connect(tmp_path / "s.sqlite")
    assert store.freshness(conn) == store.Freshness(None, None)
    assert "never synced" in store.freshness(conn).describe()
    first, later = (dt.datetime(2026, 9, 1, 8, tzinfo=dt.UTC), dt.datetime(2026, 9, 2, 9, tzinfo=dt.UTC))
    store.record_sync(conn, "https://a.example.org/xAPI/", full=True, when=first)
    store.record_sync(conn, "https://a.example.org/xAPI/", full=False, when=later)
    fresh = store.freshness(conn)
    assert (fresh.last_sync, fresh.last_full) == (store.utc_text(later), store.utc_text(first))
    assert fresh.describe() == "last synced 2026-09-02 09:00 UTC, last full sync 2026-09-01 08:00 UTC"
    conn.close()


def test_a_store_synced_before_the_sync_log_existed(tmp_path):
    """A store from before this change has sync_state only: its last complete pass is known,
    its last full sync is not, and the report says to run a full sync."""
    db = tmp_path / "old.sqlite"
    conn = store.connect(db)
    conn.execute("INSERT INTO sync_state (lrs, watermark, updated) VALUES (?, ?, ?)",
                 ("https://a.example.org/xAPI/", "2026-09-01T08:00:00.000000Z",
                  "2026-09-01T08:05:00.000000Z"))
    conn.execute("DROP TABLE sync_log")
    conn.close()
    with sqlite3.connect(db) as raw:
        assert not raw.execute("SELECT 1 FROM sqlite_schema WHERE name = 'sync_log'").fetchall()
    conn = store.connect(db, create=False)  # opening it adds the table
    fresh = store.freshness(conn)
    assert fresh == store.Freshness("2026-09-01T08:05:00.000000Z", None)
    assert fresh.describe() == ("last synced 2026-09-01 08:05 UTC, no full sync recorded "
                                "(run `isdp lrs sync --full` to reconcile)")
    conn.close()


def test_reports_say_how_fresh_the_store_is(local_lrs, tmp_path):
    src = site_copy(tmp_path)
    db = tmp_path / "store.sqlite"
    post(local_lrs, evidence("E1", "ferpa", "2026-09-01T10:00:00"))
    first = sync(local_lrs, db)
    assert first.last_sync and first.last_full == first.last_sync  # a first sync reads everything
    post(local_lrs, [make("E1", "passed", "ferpa", "2026-09-01T11:00:00")])
    again = sync(local_lrs, db)
    assert again.last_full == first.last_full and again.last_sync > first.last_sync
    expected = again.describe()
    assert "no full sync" not in expected and again.last_sync[:10] in expected

    roster = write_roster(tmp_path / "roster.csv", ROSTER)
    out = tmp_path / "training"
    result = CliRunner().invoke(main, ["report", "training", "--roster", str(roster), "--cycle",
                                       "2026-2027", "--out", str(out), "--store", str(db),
                                       "--src", str(src)])
    assert result.exit_code == 0, result.output
    assert f"isdp: the store {db} was {expected}\n" in result.output
    html = BeautifulSoup((out / "index.html").read_text(), "html.parser")
    term = html.find("dt", string="Store freshness")
    assert term is not None and term.find_next("dd").text.startswith(expected)

    quarterly = tmp_path / "quarterly"
    result = CliRunner().invoke(main, ["report", "quarterly", "--quarter", "2026Q4", "--out",
                                       str(quarterly), "--store", str(db), "--src", str(src)])
    assert result.exit_code == 0, result.output
    assert f"isdp: the store {db} was {expected}\n" in result.output
    page = BeautifulSoup((quarterly / "index.html").read_text(), "html.parser").get_text(" ")
    assert f"The store was {expected}." in " ".join(page.split())
    assert f"The store was {expected}." in " ".join((quarterly / "report.md").read_text().split())

    full = sync(local_lrs, db, "--full")
    assert full.last_full == full.last_sync and full.last_full > again.last_full


def test_fresh_clone_without_a_store_is_told_to_sync_first(tmp_path, monkeypatch):
    src = site_copy(tmp_path)
    roster = write_roster(tmp_path / "roster.csv", ROSTER)
    monkeypatch.chdir(src)  # the default store, .isdp/store.sqlite, is not there
    commands = {
        "training": ["report", "training", "--roster", str(roster), "--cycle", "2026-2027",
                     "--out", str(tmp_path / "t")],
        "quarterly": ["report", "quarterly", "--quarter", "2026Q4", "--out", str(tmp_path / "q")],
    }
    for name, args in commands.items():
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, (name, result.output)
        assert ".isdp/store.sqlite: no statement store here; run `isdp lrs sync` first" in result.output
        assert "isdp lrs sync --lrs-url https://lrs.example.org/xAPI/ --user isdp-reports`" in result.output
        assert "ISDP_LRS_PASSWORD" in result.output and "Traceback" not in result.output
        assert not (src / ".isdp").exists() and not (tmp_path / name[0]).exists()
        help_text = CliRunner().invoke(main, [*args[:2], "--help"]).output
        assert "run `isdp lrs sync` first" in " ".join(help_text.split())
    other = CliRunner().invoke(main, [*commands["training"], "--store", str(tmp_path / "x.sqlite")])
    assert f"--user isdp-reports --store {tmp_path / 'x.sqlite'}`" in other.output
