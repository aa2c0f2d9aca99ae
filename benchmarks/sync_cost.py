"""Cost of not losing late statements (issue 15): the late window and the reconciliation.

    python benchmarks/sync_cost.py [--store STORE.sqlite] [--statements 1000000]

``sync_cost(db)`` measures, on a store of N statements that an LRS also holds (benchmarks/
report.py passes its million-statement store; alone, this script builds one):

- baseline: the incremental sync that finds nothing new (the 10-minute overlap only);
- window: the same sync re-reading the 30-day late window (``--late-days``), every statement
  already in the store, so recognised by id and neither validated nor written;
- reconcile: every id of the LRS compared with the store in ``format=ids`` pages.

The LRS is an in-process test double (httpx.MockTransport) reading the same SQLite file and
filtering ``since`` on ``timestamp``, as Ralph's Elasticsearch and MongoDB backends do: the
case the window exists for. It prints seconds, bytes received and ratios to the baseline,
all measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from build_tools.store import sqlite as store  # noqa: E402
from build_tools.store import sync  # noqa: E402
from build_tools.xapi.lrs.client import LrsClient  # noqa: E402

URL = "http://lrs.bench/xAPI/"


def _ids_form(statement: dict) -> dict:
    """What xAPI's format=ids keeps: identifiers of the agent, verb and activity."""
    actor = {k: v for k, v in statement.get("actor", {}).items() if k in ("objectType", "account", "mbox")}
    return {"id": statement["id"], "actor": actor, "verb": {"id": statement["verb"]["id"]},
            "object": {"id": statement["object"].get("id")}, "stored": statement.get("stored"),
            "timestamp": statement.get("timestamp")}


class _Lrs:
    """Pages of the store's statements by rowid; ``since`` compares ``timestamp``."""

    def __init__(self, db: Path) -> None:
        self.conn = sqlite3.connect(db, check_same_thread=False)
        self.bytes = 0
        self.seconds = 0.0  # the double's own time, taken out of the figures: not the sync's

    def __call__(self, request: httpx.Request) -> httpx.Response:
        start = time.perf_counter()
        try:
            return self._answer(request)
        finally:
            self.seconds += time.perf_counter() - start

    def _answer(self, request: httpx.Request) -> httpx.Response:
        query = {k: v[0] for k, v in parse_qs(urlsplit(str(request.url)).query).items()}
        limit, after = int(query.get("limit", 500)), int(query.get("after", 0))
        since = store.utc_text(query["since"]) if "since" in query else ""
        rows = self.conn.execute(
            "SELECT s.rowid, j.raw FROM statements s JOIN statement_json j ON j.id = s.id"
            " WHERE s.rowid > ? AND s.timestamp > ? ORDER BY s.rowid LIMIT ?",
            (after, since, limit)).fetchall()
        statements = [json.loads(raw) for _, raw in rows]
        if query.get("format") == "ids":
            statements = [_ids_form(s) for s in statements]
        body: dict = {"statements": statements}
        if len(rows) == limit:
            extra = "".join(f"&{k}={v}" for k, v in query.items() if k in ("since", "format"))
            body["more"] = f"/xAPI/statements?limit={limit}&after={rows[-1][0]}{extra}"
        data = json.dumps(body).encode()
        self.bytes += len(data)
        return httpx.Response(200, content=data, headers={"Content-Type": "application/json"})


def _timed(lrs: _Lrs, run) -> tuple[float, int, object]:
    """Seconds of the sync itself (the LRS double's time taken out), bytes received, result."""
    lrs.bytes, lrs.seconds = 0, 0.0
    with LrsClient(URL, "u", "p", transport=httpx.MockTransport(lrs)) as client:
        start = time.perf_counter()
        result = run(client)
        return time.perf_counter() - start - lrs.seconds, lrs.bytes, result


def sync_cost(db: Path, late_days: int = 30) -> dict:
    """Measure the three passes on ``db`` (a store; it is also what the LRS serves)."""
    conn = store.connect(db)
    total, top = conn.execute("SELECT count(*), max(stored) FROM statements").fetchone()
    lrs = _Lrs(db)

    def as_after_a_complete_sync() -> None:
        conn.execute("DELETE FROM sync_state")
        conn.execute("INSERT INTO sync_state (lrs, watermark, updated) VALUES (?, ?, ?)", (URL, top, top))

    as_after_a_complete_sync()
    base_s, base_b, base = _timed(lrs, lambda c: sync.sync(conn, c, late=dt.timedelta(0)))
    as_after_a_complete_sync()
    win_s, win_b, win = _timed(lrs, lambda c: sync.sync(conn, c, late=dt.timedelta(days=late_days)))
    rec_s, rec_b, rec = _timed(lrs, lambda c: sync.reconcile(conn, c))
    conn.close()
    figures = {
        "statements": total,
        "baseline": {"seconds": base_s, "bytes": base_b, "fetched": base.fetched},
        "window": {"seconds": win_s, "bytes": win_b, "fetched": win.fetched, "new": win.new,
                   "days": late_days},
        "reconcile": {"seconds": rec_s, "bytes": rec_b, "compared": rec.compared,
                      "missing": rec.missing},
    }
    floor = max(base_s, 1e-3)
    print(f"sync cost on {total:,} statements (LRS filtering since on timestamp):")
    print(f"  baseline (nothing new, 10 min overlap): {base_s:.2f} s, {base_b / 1e6:.1f} MB, "
          f"{base.fetched:,} read")
    print(f"  + {late_days}-day late window: {win_s:.2f} s ({win_s / floor:.0f}x), "
          f"{win_b / 1e6:.1f} MB, {win.fetched:,} re-read, {win.new:,} new")
    print(f"  reconcile by id: {rec_s:.2f} s ({rec_s / floor:.0f}x), {rec_b / 1e6:.1f} MB, "
          f"{rec.compared:,} compared, {rec.missing:,} missing; "
          f"{rec_b / max(rec.compared, 1):.0f} B a statement in format=ids against "
          f"{win_b / max(win.fetched, 1):.0f} B in full")
    return figures


def build_store(db: Path, statements: int, days: int = 365) -> None:
    """N statements spread over a year, the latest stored now, as one LRS would hold them:
    one statement made by the profile code, copied with a new id, learner and times."""
    from build_tools.xapi import profile as xp

    profile = xp.Profile("https://www.mdek12.org/isdp/xapi")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    statement = xp.statement(
        profile, actor=xp.account_actor("https://www.mdek12.org", "E0"), verb="answered",
        obj=xp.activity(profile.question("ferpa", "q1"), "question", "q1"), course="ferpa",
        cycle="2026-2027", registration=str(uuid.uuid4()), lea="2500",
        result={"success": True, "response": "a"}, timestamp=now)
    statement.update(stored=now.isoformat(), version="1.0.3", authority=statement["actor"])
    template = store.columns(statement)
    raw, stamp = template[-1], now.isoformat()
    conn = store.connect(db)
    conn.execute("BEGIN")
    rows = []
    for n in range(statements):
        when = now - dt.timedelta(seconds=(statements - n) * days * 86400 // statements)
        sid, text = str(uuid.UUID(int=n + 1)), when.isoformat()
        fixed = store.utc_text(when)
        rows.append((sid, fixed, fixed, template[3].replace("|E0", f"|E{n % 70000}"),
                     f"E{n % 70000}", *template[5:-1],
                     raw.replace(statement["id"], sid).replace(stamp, text)))
        if len(rows) == 20_000:
            store.insert(conn, rows)
            rows = []
    store.insert(conn, rows)
    conn.execute("COMMIT")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="an existing store (benchmarks/report.py's)")
    parser.add_argument("--statements", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.store:
        sync_cost(args.store)
        return
    with tempfile.TemporaryDirectory(prefix="isdp-sync-cost-") as tmp:
        db = Path(tmp) / "store.sqlite"
        start = time.perf_counter()
        build_store(db, args.statements)
        print(f"built a store of {args.statements:,} statements in {time.perf_counter() - start:.0f} s")
        sync_cost(db)


if __name__ == "__main__":
    main()
