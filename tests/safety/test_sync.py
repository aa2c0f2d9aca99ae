"""Findings 4 and 5 of issue 15: `isdp lrs sync` against hostile paging and late statements.

Late statements run against real Ralph: the session one (tests/conftest.py), whose fs
backend xapi/lrs/local.py patches to filter `since` on `stored`, and one started here with
upstream's filter on `timestamp` (ISDP_RALPH_UPSTREAM_SINCE=1), as its Elasticsearch and
MongoDB backends do. The hostile paging cases use ``HostileLRS``, a test double: Ralph
cannot be made to send `more` links to another origin, in a loop, or past a page of 2099.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from build_tools.store import sync
from build_tools.xapi.lrs.client import LrsClient, LrsError
from build_tools.xapi.lrs.local import LocalLRS

from ..conftest import _writer_login
from ..reports.conftest import as_stored, conn, make  # noqa: F401
from ..reports.test_sync import client, ids, post


def _now(days: float = 0) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).isoformat()


def _late(prefix: str, count: int, days: float) -> list[dict]:
    """What an outbox delivers late: statements timestamped ``days`` ago."""
    return [make(f"{prefix}{i}", "passed", "ferpa", _now(days)) for i in range(count)]


def _watermark(conn):  # noqa: F811
    row = conn.execute("SELECT watermark, cursor FROM sync_state").fetchone()
    return row if row else (None, None)


def test_late_statements_reach_the_store_of_the_shipped_lrs(local_lrs, conn):  # noqa: F811
    post(local_lrs, _late("A", 10, 0))
    with client(local_lrs) as lrs:
        sync.sync(conn, lrs)
        post(local_lrs, _late("L", 3, 5))  # an offline laptop, five days later
        second = sync.sync(conn, lrs)
    assert second.new == 3  # before: 0 of 3 until --full


@pytest.fixture(scope="module")
def upstream_ralph(tmp_path_factory):
    """A real Ralph whose `since` compares each statement's timestamp (upstream's fs)."""
    app_dir = tmp_path_factory.mktemp("upstream-ralph")
    login, _ = _writer_login(app_dir, 0)
    os.environ["ISDP_RALPH_UPSTREAM_SINCE"] = "1"
    try:
        server = LocalLRS(app_dir).start()
    finally:
        del os.environ["ISDP_RALPH_UPSTREAM_SINCE"]
    server.admin = login
    yield server
    server.stop()


def test_the_window_and_the_reconciliation_catch_late_statements_on_upstream_ralph(
        upstream_ralph, conn):  # noqa: F811
    post(upstream_ralph, _late("A", 10, 0))
    with LrsClient(upstream_ralph.url, *upstream_ralph.admin) as lrs:
        sync.sync(conn, lrs)
        week, months = _late("W", 2, 5), _late("M", 1, 60)
        post(upstream_ralph, week + months)
        blind = sync.sync(conn, lrs, late=dt.timedelta(0))  # the old 10-minute overlap only
        windowed = sync.sync(conn, lrs)  # 30 days re-read, deduplicated by id
        checked = sync.reconcile(conn, lrs)
    assert blind.new == 0  # upstream's since on timestamp: what the issue measured
    assert windowed.new == 2 and windowed.fetched >= 12
    assert (checked.compared, checked.missing, checked.new) == (13, 1, 1)
    assert ids(conn) >= {s["id"] for s in week + months}


class HostileLRS:
    """Test double of an LRS on loopback serving given pages by path; records each request."""

    def __init__(self, pages: dict[str, dict] | None = None, factory=None, limit: int = 200):
        self.pages, self.factory, self.limit = pages or {}, factory, limit
        self.requests: list[tuple[str, str | None]] = []
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                lrs.requests.append((self.path, self.headers.get("Authorization")))
                parts = urlsplit(self.path)
                key = parts.path + ("?" + parts.query if "page=" in parts.query else "")
                body = lrs.factory(key) if lrs.factory else lrs.pages.get(key)
                # a hang of the code under test ends as an error, not as a stuck test run
                status = 200 if body is not None and len(lrs.requests) <= lrs.limit else 400
                data = json.dumps(body if status == 200 else {"error": "no"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/xAPI/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def client(self) -> LrsClient:
        return LrsClient(self.url, "isdp-reports", "secret", retries=0)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hostile():
    made = []

    def _make(*args, **kwargs):
        made.append(HostileLRS(*args, **kwargs))
        return made[-1]

    yield _make
    for lrs in made:
        lrs.close()


def _page(prefix: str, count: int, more: str | None = None, stored: str | None = None) -> dict:
    statements = [as_stored(make(f"{prefix}{i}", "passed", "ferpa", "2026-09-01T10:00:00"),
                            stored=stored or f"2026-09-01T10:{i:02d}:00+00:00") for i in range(count)]
    return {"statements": statements, **({"more": more} if more else {})}


def test_more_to_another_origin_never_gets_the_login(hostile, conn):  # noqa: F811
    thief = hostile({})
    lrs = hostile({"/xAPI/statements": _page("E", 3, thief.url + "statements?page=2")})
    with lrs.client() as reader, pytest.raises(LrsError, match="another origin"):
        sync.sync(conn, reader)
    assert thief.requests == []
    assert lrs.requests[0][1] is not None  # the login went to the LRS only
    assert _watermark(conn) == (None, None)


def test_a_self_pointing_more_does_not_move_the_watermark(hostile, conn):  # noqa: F811
    lrs = hostile({"/xAPI/statements": _page("E", 3, "/xAPI/statements?page=2"),
                   "/xAPI/statements?page=2": _page("F", 2, "/xAPI/statements?page=2")})
    with lrs.client() as reader, pytest.raises(LrsError, match="loop"):
        sync.sync(conn, reader)
    assert _watermark(conn) == (None, None)


def test_links_pointing_at_each_other_end(hostile, conn):  # noqa: F811
    lrs = hostile({"/xAPI/statements": _page("E", 1, "/xAPI/statements?page=a"),
                   "/xAPI/statements?page=a": _page("A", 1, "/xAPI/statements?page=b"),
                   "/xAPI/statements?page=b": _page("B", 1, "/xAPI/statements?page=a")})
    with lrs.client() as reader, pytest.raises(LrsError, match="loop"):
        sync.sync(conn, reader)
    assert len(lrs.requests) == 3 and _watermark(conn)[0] is None  # found at the first repeat


def test_an_empty_page_with_more_does_not_end_the_pass(hostile, conn):  # noqa: F811
    lrs = hostile({"/xAPI/statements": _page("E", 3, "/xAPI/statements?page=2"),
                   "/xAPI/statements?page=2": {"statements": [], "more": "/xAPI/statements?page=3"},
                   "/xAPI/statements?page=3": _page("F", 2)})
    with lrs.client() as reader:
        result = sync.sync(conn, reader)
    assert result.new == 5 and len(ids(conn)) == 5  # before: 3, and the watermark moved


def test_a_stored_in_2099_is_refused_and_does_not_freeze_the_watermark(hostile, conn):  # noqa: F811
    page = _page("E", 3)
    page["statements"][1]["stored"] = "2099-01-01T00:00:00+00:00"
    lrs = hostile({"/xAPI/statements": page})
    with lrs.client() as reader:
        result = sync.sync(conn, reader)
    assert (result.new, result.invalid) == (2, 1)
    assert _watermark(conn)[0] == "2026-09-01T10:02:00.000000Z"
    reason = conn.execute("SELECT error FROM invalid_statements").fetchone()[0]
    assert "later than now" in reason


def test_endless_paging_stops_at_the_cap_and_resumes(hostile, conn):  # noqa: F811
    def endless(key):
        number = int(key.split("page=")[1]) if "page=" in key else 0
        return _page(f"P{number}-", 1, f"/xAPI/statements?page={number + 1}")

    lrs = hostile(factory=endless)
    with lrs.client() as reader, pytest.raises(LrsError, match="stopped after 5 pages"):
        sync.sync(conn, reader, max_pages=5)
    watermark, cursor = _watermark(conn)
    assert watermark is None and cursor.endswith("page=5") and len(ids(conn)) == 5
