"""``isdp lrs sync``: pull statements from an LRS into the local store, incrementally.

How it stays correct when interrupted, and when the LRS is wrong or hostile:

- A pass starts from the last complete pass's watermark (highest ``stored``) minus the
  late window (``late``, 30 days by default: how long the reports accept a statement an
  outbox held, site.yaml ``training.max_delivery_days``), through the standard ``since``
  parameter, and follows ``more`` links. Ids deduplicate: a statement the store has costs
  its download, never a validation or a write.
- Why the window: Ralph's Elasticsearch, MongoDB and fs backends filter ``since`` on each
  statement's own ``timestamp``, ClickHouse on ``emission_time``, not on ``stored`` as
  xAPI 1.0.3 says. A learner's outbox that waited days (an offline laptop) delivers
  statements with old timestamps; a window on ``since`` of ``timestamp`` still reads them.
  The shipped local LRS (xapi/lrs/local.py) filters on ``stored`` as the standard says.
  ``reconcile`` finds what even the window missed, comparing ids only (see there).
- Each page is committed in ONE transaction together with the sync state (the ``more`` link
  to resume from and the highest ``stored`` seen so far). A sync killed half-way has lost
  nothing: the next run resumes from the saved link. If the LRS no longer accepts that link
  (an expired cursor), the pass restarts from the old watermark; ids deduplicate.
- The watermark only moves when a pass ended normally: a page without a ``more`` link. A
  ``more`` link to another origin (it would receive the login), links that go round in a
  loop, and more than ``max_pages`` pages end the pass with an LrsError and the watermark
  where it was. A ``stored`` later than now plus ``SKEW`` is refused (kept aside as
  invalid): one statement from 2099 would otherwise freeze the watermark.
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
LATE = dt.timedelta(days=30)  # site.yaml training.max_delivery_days: how late reports accept
MAX_PAGES = 10_000  # 5 million statements at 500 a page; a pass beyond is resumed next run
SKEW = dt.timedelta(minutes=5)  # clocks of the LRS and of this machine may differ this much


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


def _now() -> dt.datetime:
    """This machine's clock: a ``stored`` beyond it (plus SKEW) is refused."""
    return dt.datetime.now(dt.UTC)


def _split(
    statements: list[Any],
    known: set[str],
    validate: Callable[[], Callable[[dict[str, Any]], None]],
    source: str,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], str | None]:
    """New valid rows, new invalid rows, and the highest ``stored`` of the page."""
    rows, invalid, highest = [], [], None
    latest = store.utc_text(_now() + SKEW)
    for statement in statements:
        if isinstance(statement, dict) and statement.get("id") in known:
            try:
                stored = store.utc_text(statement.get("stored"))
            except (TypeError, ValueError):
                stored = None
            if stored and stored <= latest and (highest is None or stored > highest):
                highest = stored
            continue
        try:
            validate()(statement)
            row = store.columns(statement)
            if row[1] and row[1] > latest:
                raise ValueError(f"stored {row[1]} is later than now: the LRS's clock or data "
                                 "is wrong; not counted")
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
            if stored and stored > latest:
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


def _since(watermark: str | None, window: dt.timedelta) -> str | None:
    if watermark is None:
        return None
    moment = dt.datetime.strptime(watermark, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    # "Z", not "+00:00": a "+" in a query string reads as a space to many servers
    return (moment - window).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sync(
    conn: sqlite3.Connection,
    client: LrsClient,
    *,
    page_size: int = PAGE_SIZE,
    overlap: dt.timedelta = OVERLAP,
    late: dt.timedelta = LATE,
    max_pages: int = MAX_PAGES,
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
        since = None if full else _since(state.watermark, max(overlap, late))
        state = _State(state.watermark, state.watermark, None, since)
    link = state.cursor or "statements"
    if state.cursor is None:
        first_params = {"limit": page_size, "ascending": "true"}
        if state.since:
            first_params["since"] = state.since
    visited: set[str] = set()
    while True:
        if result.pages >= max_pages:
            raise LrsError(f"stopped after {max_pages:,} pages of the LRS at {source}; the next "
                           "sync resumes there (the watermark moves when a pass completes)")
        visited.add(client.url(link) + repr(sorted((first_params or {}).items())))
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
                visited.clear()
                continue
            raise
        statements = page.get("statements")
        if not isinstance(statements, list):
            raise LrsError(f"the LRS at {source} answered without a 'statements' list")
        more = page.get("more") or None
        if more is not None and not isinstance(more, str):
            raise LrsError(f"the LRS at {source} sent a `more` that is not a link")
        if more is not None:
            try:  # another origin: refused before anything of the page is kept
                client.url(more)
            except LrsError:
                _abandon(conn, source, state)
                raise
        rows, invalid, highest = _split(statements, _known(conn, statements), _validator, source)
        conn.execute("BEGIN IMMEDIATE")
        try:
            result.new += store.insert(conn, rows)
            before = conn.total_changes
            conn.executemany(store.INVALID_SQL, invalid)
            result.invalid += conn.total_changes - before
            if highest and (state.pending is None or highest > state.pending):
                state.pending = highest
            state.cursor = more
            _save_state(conn, source, state)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        result.pages += 1
        result.fetched += len(statements)
        if progress:
            progress(result)
        if not more:
            break  # the one normal end of a pass
        if client.url(more) + "[]" in visited:
            _abandon(conn, source, state)
            raise LrsError(f"the LRS at {source} sent `more` links that go round in a loop "
                           f"(back to {more}); the watermark was not moved")
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


def _abandon(conn: sqlite3.Connection, source: str, state: _State) -> None:
    """Forget the pass's cursor (the next sync starts again from the old watermark)."""
    state.cursor = None
    state.pending = state.watermark
    conn.execute("BEGIN IMMEDIATE")
    _save_state(conn, source, state)
    conn.execute("COMMIT")


@dataclass
class ReconcileResult:
    pages: int = 0
    compared: int = 0
    missing: int = 0
    new: int = 0
    invalid: int = 0


def reconcile(
    conn: sqlite3.Connection,
    client: LrsClient,
    *,
    page_size: int = PAGE_SIZE,
    since: str | None = None,
    max_pages: int = MAX_PAGES,
) -> ReconcileResult:
    """Find statements the LRS holds and the store does not, whatever their timestamps.

    xAPI has no listing of ids alone; ``format=ids`` is the smallest form it defines (agents,
    activities and verbs reduced to their identifiers, no attachments). Each page's ids are
    compared with the store in SQL; a statement the store has is neither kept nor validated,
    and only the missing ones are fetched in full, one by one (``statementId``). The
    watermark is not touched. (Ralph 5.1 ignores ``format``: it sends whole statements.)
    """
    result = ReconcileResult()
    params: dict[str, Any] | None = {"limit": page_size, "ascending": "true",
                                     "format": "ids", "attachments": "false",
                                     **({"since": since} if since else {})}
    link, visited = "statements", set()
    while True:
        if result.pages >= max_pages:
            raise LrsError(f"reconciliation stopped after {max_pages:,} pages of {client.endpoint}")
        page = client.get_json(link, params)
        statements = page.get("statements")
        if not isinstance(statements, list):
            raise LrsError(f"the LRS at {client.endpoint} answered without a 'statements' list")
        result.pages += 1
        result.compared += len(statements)
        known = _known(conn, statements)
        missing = [s["id"] for s in statements if isinstance(s, dict)
                   and isinstance(s.get("id"), str) and s["id"] not in known]
        result.missing += len(missing)
        for statement_id in missing:
            full = client.get_json("statements", {"statementId": statement_id, "format": "exact"})
            # xAPI answers the statement itself; Ralph 5.1 wraps it in a statements list
            found = full["statements"] if isinstance(full.get("statements"), list) else [full]
            rows, invalid, _ = _split(found, set(), _validator, client.endpoint)
            conn.execute("BEGIN IMMEDIATE")
            result.new += store.insert(conn, rows)
            before = conn.total_changes
            conn.executemany(store.INVALID_SQL, invalid)
            result.invalid += conn.total_changes - before
            conn.execute("COMMIT")
        more = page.get("more") or None
        if not isinstance(more, str):
            break
        url = client.url(more)
        if url in visited:
            raise LrsError(f"the LRS at {client.endpoint} sent `more` links that go round in a loop")
        visited.add(url)
        link, params = more, None
    if result.new:
        conn.execute("BEGIN IMMEDIATE")
        store.apply_voids(conn)
        conn.execute("COMMIT")
    return result
