"""The local statement store: one SQLite file that the reports query.

Each statement keeps its raw JSON (table ``statement_json``), and the fields the reports
join and filter on are copied into columns (actor key, learner id, verb, object, course,
cycle, registration, authority key, LEA, stored, timestamp, success, score) with indexes
for the report queries, so a state's year of statements (about a million) is read in
seconds. Timestamps are stored as
fixed-width UTC text (``2026-09-01T08:00:00.000000Z``) so string order is time order.

Statements that fail validation go to ``invalid_statements`` with the reason: counted and
kept, never silently dropped. ``sync_state`` holds each LRS's watermark and resume cursor;
``sync_log`` when each LRS was last synced and last read in full (the reports say how fresh
their store is).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from build_tools.xapi.profile import SATISFIED, VERBS, VOIDED

DEFAULT_STORE = Path(".isdp/store.sqlite")
SCHEMA_VERSION = 2
_COURSE = re.compile(r"^(.+?/courses/[^/?#]+)")
_CYCLE = re.compile(r"/cycles/(\d{4}-\d{4})$")

PASSED = VERBS["passed"]
ANSWERED = VERBS["answered"]
# What a report lists as a completion claim (never counted on its own, see reports/training).
CLAIM_VERBS = (PASSED, SATISFIED)

# The raw JSON lives in its own table: the statements table stays narrow (a few hundred
# bytes a row), so scans and lookups touch few pages. The partial indexes cover the report
# queries completely (no table lookups); a query uses one when it repeats its WHERE clause
# literally (see ANSWERED_WHERE / CLAIMS_WHERE). ``statements_evidence`` is in the order of the
# evidence query's GROUP BY, so grouping a million answers needs no sort.
SCHEMA = """
CREATE TABLE IF NOT EXISTS statements (
    id TEXT NOT NULL UNIQUE,        -- statement id (UUID): deduplication key
    stored TEXT NOT NULL,           -- when the LRS stored it (UTC, fixed width)
    timestamp TEXT NOT NULL,        -- when it happened, as its author says (UTC, fixed width)
    actor TEXT NOT NULL,            -- agent key, see agent_key()
    learner TEXT,                   -- account name (employee id) or email: the roster join
    verb TEXT NOT NULL,
    object TEXT NOT NULL,           -- activity IRI (or referenced statement id)
    course TEXT,                    -- course activity IRI (object, context parent or grouping)
    cycle TEXT,                     -- training cycle from context grouping, e.g. 2026-2027
    registration TEXT,
    authority TEXT,                 -- agent key of the authority the LRS stamped
    lea TEXT,                       -- LEA code context extension, when sent
    success INTEGER,                -- result.success (1/0/NULL)
    scaled REAL,                    -- result.score.scaled
    voided INTEGER NOT NULL DEFAULT 0,
    response TEXT,                  -- result.response (choice ids joined by [,])
    lag REAL,                       -- stored minus timestamp, in seconds (the time rule)
    agent_name TEXT                 -- actor.name (an LMS may carry the employee id there)
);
CREATE TABLE IF NOT EXISTS statement_json (
    id TEXT NOT NULL UNIQUE,        -- the statement's id
    raw TEXT NOT NULL               -- the statement as the LRS returned it
);
CREATE TABLE IF NOT EXISTS invalid_statements (
    id TEXT NOT NULL UNIQUE,        -- statement id, or a hash of the raw text when absent
    stored TEXT,
    source TEXT NOT NULL,           -- the LRS it came from
    error TEXT NOT NULL,
    raw TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sync_state (
    lrs TEXT PRIMARY KEY,           -- the LRS endpoint (never the credentials)
    watermark TEXT,                 -- highest `stored` of the last complete pass
    pending TEXT,                   -- highest `stored` seen in the pass under way
    cursor TEXT,                    -- `more` link to resume the pass under way
    since TEXT,                     -- `since` the pass under way started from
    updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sync_log (
    lrs TEXT PRIMARY KEY,           -- the LRS endpoint
    last_sync TEXT NOT NULL,        -- when the last complete pass ended (UTC)
    last_full TEXT                  -- when the last pass that read everything ended (UTC)
);
"""
INDEXES = f"""
CREATE INDEX IF NOT EXISTS statements_verb_time ON statements (verb, timestamp);
CREATE INDEX IF NOT EXISTS statements_learner ON statements (learner, course);
DROP INDEX IF EXISTS statements_passed;
DROP INDEX IF EXISTS statements_claims;
CREATE INDEX IF NOT EXISTS statements_claim_rows ON statements (course, verb, learner, actor,
    authority, object, timestamp, stored, lag, agent_name, id)
    WHERE verb IN ('{PASSED}', '{SATISFIED}');
DROP INDEX IF EXISTS statements_answered;
CREATE INDEX IF NOT EXISTS statements_evidence ON statements (course, learner, registration,
    object, stored, timestamp, lag, authority, actor, response, agent_name)
    WHERE verb = '{ANSWERED}';
CREATE INDEX IF NOT EXISTS statements_voids ON statements (object) WHERE verb = '{VOIDED}';
"""
ANSWERED_WHERE = f"verb = '{ANSWERED}'"
CLAIMS_WHERE = f"verb IN ('{PASSED}', '{SATISFIED}')"


def connect(path: Path | str = DEFAULT_STORE, *, create: bool = True) -> sqlite3.Connection:
    """Open (and create or upgrade) the store."""
    path = Path(path)
    if not create and not path.exists():
        raise FileNotFoundError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)  # explicit transactions only
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable at each commit point
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"{path} was written by a newer isdp (schema {version})")
    conn.executescript(SCHEMA)
    if version == 1:
        _upgrade_from_1(conn)
    conn.executescript(INDEXES)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    return conn


def _upgrade_from_1(conn: sqlite3.Connection) -> None:
    """Schema 1 had no response, lag or agent name: add them, filled from the raw JSON."""
    conn.execute("BEGIN")
    for column, kind in (("response", "TEXT"), ("lag", "REAL"), ("agent_name", "TEXT")):
        conn.execute(f"ALTER TABLE statements ADD COLUMN {column} {kind}")
    rows = conn.execute("SELECT raw FROM statement_json").fetchall()
    conn.executemany(
        "UPDATE statements SET course = ?, response = ?, lag = ?, agent_name = ? WHERE id = ?",
        ((row[7], row[14], row[15], row[16], row[0])
         for row in (columns(json.loads(raw)) for (raw,) in rows)),
    )
    conn.execute("COMMIT")


def utc_text(value: str | dt.datetime | None) -> str | None:
    """ISO 8601 in, fixed-width UTC text out (naive times are taken as UTC)."""
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else _parse_iso(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse_iso(text: str) -> dt.datetime:
    text = text.strip()
    # Python 3.11 accepts 'Z' and offsets; trim sub-microsecond digits some LRSs send.
    match = re.match(r"^(.*T\d\d:\d\d:\d\d)\.(\d+)(.*)$", text)
    if match and len(match.group(2)) > 6:
        text = f"{match.group(1)}.{match.group(2)[:6]}{match.group(3)}"
    return dt.datetime.fromisoformat(text)


def agent_key(agent: dict[str, Any] | None) -> str | None:
    """A stable text key for an agent's inverse functional identifier (or a group's members)."""
    if not agent:
        return None
    if agent.get("mbox"):
        return "mbox:" + str(agent["mbox"]).lower()
    if agent.get("account"):
        account = agent["account"]
        return f"account:{account.get('homePage', '')}|{account.get('name', '')}"
    if agent.get("mbox_sha1sum"):
        return "sha1:" + str(agent["mbox_sha1sum"]).lower()
    if agent.get("openid"):
        return "openid:" + str(agent["openid"])
    members = [agent_key(member) for member in agent.get("member") or []]
    return "group:" + ",".join(sorted(key for key in members if key)) if members else None


def parse_agent_key(text: str) -> str:
    """A trusted authority as a user writes it: ``mailto:...``, or a key from agent_key()."""
    text = text.strip()
    if text.lower().startswith("mailto:"):
        return "mbox:" + text.lower()
    if text.split(":", 1)[0] in {"mbox", "account", "sha1", "openid", "group"}:
        return text
    raise ValueError(f"'{text}' is not an agent: write mailto:ADDRESS or account:HOMEPAGE|NAME")


def learner_id(agent: dict[str, Any]) -> str | None:
    """What the roster knows a learner by: the account name (employee id) or the email."""
    if agent.get("account"):
        return agent["account"].get("name")
    if agent.get("mbox"):
        return str(agent["mbox"]).removeprefix("mailto:").lower()
    return None


def _course_of(statement: dict[str, Any]) -> str | None:
    context = statement.get("context") or {}
    activities = context.get("contextActivities") or {}
    candidates = [(statement.get("object") or {}).get("id")]
    # A cmi5 player names the course by its own IRI and puts ours in the grouping.
    for kind in ("parent", "grouping"):
        candidates += [a.get("id") for a in activities.get(kind) or [] if isinstance(a, dict)]
    for candidate in candidates:
        match = _COURSE.match(candidate or "")
        if match:
            return match.group(1)
    return None


def _cycle_of(statement: dict[str, Any]) -> str | None:
    activities = (statement.get("context") or {}).get("contextActivities") or {}
    for item in activities.get("grouping") or []:
        match = _CYCLE.search(str(item.get("id", "")))
        if match:
            return match.group(1)
    return None


def _lea_of(statement: dict[str, Any]) -> str | None:
    extensions = (statement.get("context") or {}).get("extensions") or {}
    for key, value in extensions.items():
        if key.endswith("/extensions/lea-code") and isinstance(value, str | int):
            return str(value)
    return None


def columns(statement: dict[str, Any]) -> tuple[Any, ...]:
    """The row of one (already validated) statement: ``INSERT_SQL``'s values, then the JSON."""
    result = statement.get("result") or {}
    success = result.get("success")
    scaled = (result.get("score") or {}).get("scaled")
    actor = statement.get("actor") or {}
    timestamp = statement.get("timestamp") or statement.get("stored")
    stored = utc_text(statement.get("stored")) or utc_text(timestamp)
    return (
        statement["id"],
        stored,
        utc_text(timestamp),
        agent_key(actor),
        learner_id(actor),
        statement["verb"]["id"],
        str((statement.get("object") or {}).get("id")),
        _course_of(statement),
        _cycle_of(statement),
        (statement.get("context") or {}).get("registration"),
        agent_key(statement.get("authority")),
        _lea_of(statement),
        None if success is None else int(bool(success)),
        scaled,
        None if result.get("response") is None else str(result["response"]),
        _lag(stored, utc_text(timestamp)),
        actor.get("name") if isinstance(actor.get("name"), str) else None,
        json.dumps(statement, separators=(",", ":"), sort_keys=True),
    )


def _lag(stored: str | None, timestamp: str | None) -> float | None:
    if not stored or not timestamp:
        return None
    return (_parse_iso(stored) - _parse_iso(timestamp)).total_seconds()


INSERT_SQL = (
    "INSERT OR IGNORE INTO statements (id, stored, timestamp, actor, learner, verb, object, course,"
    " cycle, registration, authority, lea, success, scaled, response, lag, agent_name)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_JSON_SQL = "INSERT OR IGNORE INTO statement_json (id, raw) VALUES (?, ?)"
INVALID_SQL = "INSERT OR IGNORE INTO invalid_statements (id, stored, source, error, raw) VALUES (?, ?, ?, ?, ?)"


def insert(conn: sqlite3.Connection, rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert rows (inside the caller's transaction); return how many were new."""
    rows = list(rows)
    before = conn.total_changes
    conn.executemany(INSERT_SQL, (row[:-1] for row in rows))
    new = conn.total_changes - before
    conn.executemany(INSERT_JSON_SQL, ((row[0], row[-1]) for row in rows))
    return new


def apply_voids(conn: sqlite3.Connection) -> None:
    """Mark statements voided by a `voided` statement of the same authority. A void from any
    other login is not applied here: the report decides it (training.void_authorities) and
    lists the voids it ignores, so a learner cannot erase a colleague's record."""
    conn.execute(
        "UPDATE statements SET voided = 1 WHERE voided = 0 AND id IN"
        " (SELECT target.id FROM statements AS void JOIN statements AS target"
        "  ON target.id = void.object"
        f"  WHERE void.verb = '{VOIDED}' AND target.verb != '{VOIDED}'"
        "  AND void.authority = target.authority)"
    )


def record_sync(conn: sqlite3.Connection, lrs: str, *, full: bool,
                when: dt.datetime | None = None) -> None:
    """Note (inside the caller's transaction) that a pass over ``lrs`` completed; ``full``
    when it read everything (``--full`` or a first sync), a reconciliation with the LRS."""
    moment = utc_text(when or dt.datetime.now(dt.UTC))
    conn.execute(
        "INSERT INTO sync_log (lrs, last_sync, last_full) VALUES (?, ?, ?) ON CONFLICT (lrs)"
        " DO UPDATE SET last_sync = excluded.last_sync,"
        " last_full = coalesce(excluded.last_full, last_full)",
        (lrs, moment, moment if full else None),
    )


@dataclass(frozen=True)
class Freshness:
    """How fresh the store is: its latest complete sync and latest full sync (UTC text)."""

    last_sync: str | None
    last_full: str | None

    def describe(self) -> str:
        def when(text: str | None) -> str:
            return f"{text[:10]} {text[11:16]} UTC" if text else "never"

        if not self.last_sync:
            return "never synced from an LRS (run `isdp lrs sync`)"
        full = (f"last full sync {when(self.last_full)}" if self.last_full
                else "no full sync recorded (run `isdp lrs sync --full` to reconcile)")
        return f"last synced {when(self.last_sync)}, {full}"


def freshness(conn: sqlite3.Connection) -> Freshness:
    """The latest sync and full sync over every LRS the store reads. A store synced before
    sync_log existed has only its passes' `updated` time, and no known full sync."""
    last_sync, last_full = conn.execute("SELECT max(last_sync), max(last_full) FROM sync_log").fetchone()
    if last_sync is None:
        (last_sync,) = conn.execute(
            "SELECT max(updated) FROM sync_state WHERE cursor IS NULL").fetchone()
    return Freshness(last_sync, last_full)


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {
        "statements": conn.execute("SELECT count(*) FROM statements").fetchone()[0],
        "invalid": conn.execute("SELECT count(*) FROM invalid_statements").fetchone()[0],
    }
