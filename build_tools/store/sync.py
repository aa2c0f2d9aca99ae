"""``isdp lrs sync``: pull statements from an LRS into the local store, incrementally.

How it stays correct when interrupted:

- A pass starts from the last complete pass's watermark (highest ``stored``) minus a small
  overlap, through the standard ``since`` parameter, and follows ``more`` links.
- Each page is committed in ONE transaction together with the sync state (the ``more`` link
  to resume from and the highest ``stored`` seen so far). A sync killed half-way has lost
  nothing: the next run resumes from the saved link. If the LRS no longer accepts that link
  (an expired cursor), the pass restarts from the old watermark; ids deduplicate.
- The watermark only moves when a pass completes, so the order in which an LRS returns pages
  (xAPI's default is newest first; Ralph's fs backend gives file order) cannot cause a gap.
- Measured on Ralph 5.1's fs backend: ``since`` compares the statement's ``timestamp``, not
  ``stored`` as xAPI says, so a statement sent late by an offline outbox with an old
  timestamp can fall before the overlap. The fs backend is for previews and tests; against
  it, run ``--full`` now and then (tests/reports/test_sync.py shows the behaviour).
- Server-side ``verb``/``activity`` filters are never used (they return nothing on Ralph's
  fs backend): everything is pulled and the reports filter locally.
- Every statement is validated with Ralph's pydantic models; invalid ones go to
  ``invalid_statements`` with the reason and are counted in the result.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from build_tools.store import sqlite as store
from build_tools.xapi.lrs.client import LrsClient, LrsError

PAGE_SIZE = 500
OVERLAP = dt.timedelta(minutes=10)


@dataclass
class SyncResult:
    pages: int = 0
    fetched: int = 0
    new: int = 0
    invalid: int = 0
    resumed: bool = False
    watermark: str | None = None


@dataclass
class _State:
    watermark: str | None
    pending: str | None
    cursor: str | None
    since: str | None


@functools.cache
def _validator() -> Callable[[dict[str, Any]], None]:
    # Imported lazily: Ralph's models take a moment to build, and only sync needs them.
    from ralph.models.xapi.base.statements import BaseXapiStatement

    return BaseXapiStatement.model_validate


def _load_state(conn: sqlite3.Connection, source: str) -> _State:
    row = conn.execute(
        "SELECT watermark, pending, cursor, since FROM sync_state WHERE lrs = ?", (source,)
    ).fetchone()
    return _State(*row) if row else _State(None, None, None, None)


def _save_state(conn: sqlite3.Connection, source: str, state: _State) -> None:
    conn.execute(
        "INSERT INTO sync_state (lrs, watermark, pending, cursor, since, updated)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (lrs) DO UPDATE SET watermark = excluded.watermark,"
        " pending = excluded.pending, cursor = excluded.cursor, since = excluded.since,"
        " updated = excluded.updated",
        (
            source,
            state.watermark,
            state.pending,
            state.cursor,
            state.since,
            store.utc_text(dt.datetime.now(dt.UTC)),
        ),
    )


def _known(conn: sqlite3.Connection, statements: list[Any]) -> set[str]:
    """Ids of the page already in the store (valid or not): the overlap re-read costs no
    validation, and a sync that finds nothing new never even loads the models."""
    ids = [s["id"] for s in statements if isinstance(s, dict) and isinstance(s.get("id"), str)]
    known: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for table in ("statements", "invalid_statements"):
            known.update(
                row[0]
                for row in conn.execute(f"SELECT id FROM {table} WHERE id IN ({marks})", chunk)
            )
    return known


def _split(
    statements: list[Any],
    known: set[str],
    validate: Callable[[], Callable[[dict[str, Any]], None]],
    source: str,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], str | None]:
    """New valid rows, new invalid rows, and the highest ``stored`` of the page."""
    rows, invalid, highest = [], [], None
    for statement in statements:
        if isinstance(statement, dict) and statement.get("id") in known:
            try:
                stored = store.utc_text(statement.get("stored"))
            except (TypeError, ValueError):
                stored = None
            if stored and (highest is None or stored > highest):
                highest = stored
            continue
        try:
            validate()(statement)
            row = store.columns(statement)
        except Exception as exc:  # noqa: BLE001 - any reason makes it invalid, kept with the reason
            raw = json.dumps(statement, sort_keys=True, default=str)
            key = statement.get("id") if isinstance(statement, dict) else None
            stored = statement.get("stored") if isinstance(statement, dict) else None
            invalid.append(
                (
                    str(key or hashlib.sha256(raw.encode()).hexdigest()),
                    stored,
                    source,
                    _reason(exc),
                    raw,
                )
            )
            try:
                stored = store.utc_text(stored)
            except (TypeError, ValueError):
                stored = None
        else:
            rows.append(row)
            stored = row[1]
        if stored and (highest is None or stored > highest):
            highest = stored
    return rows, invalid, highest


def _reason(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        parts = [f"{'.'.join(map(str, e['loc'])) or 'statement'}: {e['msg']}" for e in errors()[:5]]
        return "; ".join(parts)
    return f"{type(exc).__name__}: {exc}"


def _since(watermark: str | None, overlap: dt.timedelta) -> str | None:
    if watermark is None:
        return None
    moment = dt.datetime.strptime(watermark, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    return (moment - overlap).isoformat()


def sync(
    conn: sqlite3.Connection,
    client: LrsClient,
    *,
    page_size: int = PAGE_SIZE,
    overlap: dt.timedelta = OVERLAP,
    full: bool = False,
    progress: Callable[[SyncResult], None] | None = None,
) -> SyncResult:
    """Run (or resume) one pass over the LRS; return what it did."""
    source = client.endpoint
    state = _load_state(conn, source)
    result = SyncResult(resumed=state.cursor is not None and not full)
    first_params = None
    restarted = False
    if full or state.cursor is None:
        since = None if full else _since(state.watermark, overlap)
        state = _State(state.watermark, state.watermark, None, since)
    link = state.cursor or "statements"
    if state.cursor is None:
        first_params = {"limit": page_size, "ascending": "true"}
        if state.since:
            first_params["since"] = state.since
    while True:
        try:
            page = client.get_json(link, first_params)
        except LrsError as exc:
            if (
                state.cursor
                and not restarted
                and exc.status is not None
                and 400 <= exc.status < 500
                and exc.status not in (401, 403)
            ):
                # The saved cursor expired: start the pass again (once) from the old watermark.
                restarted = True
                state.cursor, link = None, "statements"
                first_params = {
                    "limit": page_size,
                    "ascending": "true",
                    **({"since": state.since} if state.since else {}),
                }
                continue
            raise
        statements = page.get("statements")
        if not isinstance(statements, list):
            raise LrsError(f"the LRS at {source} answered without a 'statements' list")
        rows, invalid, highest = _split(statements, _known(conn, statements), _validator, source)
        more = page.get("more") or None
        if more == link:  # a broken `more` that points at itself would loop forever
            more = None
        conn.execute("BEGIN IMMEDIATE")
        try:
            result.new += store.insert(conn, rows)
            before = conn.total_changes
            conn.executemany(store.INVALID_SQL, invalid)
            result.invalid += conn.total_changes - before
            if highest and (state.pending is None or highest > state.pending):
                state.pending = highest
            state.cursor = more if statements else None
            _save_state(conn, source, state)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        result.pages += 1
        result.fetched += len(statements)
        if progress:
            progress(result)
        if not more or not statements:
            break
        link, first_params = more, None
    conn.execute("BEGIN IMMEDIATE")
    store.apply_voids(conn)
    store.record_sync(conn, source, full=state.since is None)  # no `since`: read everything
    state.watermark = state.pending
    state.cursor = state.since = None
    _save_state(conn, source, state)
    conn.execute("COMMIT")
    result.watermark = state.watermark
    return result
