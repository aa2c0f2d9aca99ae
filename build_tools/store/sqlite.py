"""The local statement store: one SQLite file that the reports query.

Each statement keeps its raw JSON (table ``statement_json``), and the fields the reports
join and filter on are copied into columns (actor key, learner id, verb, object, course,
cycle, registration, authority key, LEA, stored, timestamp, success, score) with indexes
for the report queries, so a state's year of statements (about a million) is read in
seconds. Timestamps are stored as
fixed-width UTC text (``2026-09-01T08:00:00.000000Z``) so string order is time order.

Statements that fail validation go to ``invalid_statements`` with the reason: counted and
kept, never silently dropped. ``sync_state`` holds each LRS's watermark and resume cursor.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

DEFAULT_STORE = Path(".isdp/store.sqlite")
SCHEMA_VERSION = 1
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
_COURSE = re.compile(r"^(.+?/courses/[^/?#]+)")
_CYCLE = re.compile(r"/cycles/(\d{4}-\d{4})$")

PASSED = "http://adlnet.gov/expapi/verbs/passed"
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"

# The raw JSON lives in its own table: the statements table stays narrow (a few hundred
# bytes a row), so scans and lookups touch few pages. The two partial indexes cover the
# report queries completely (no table lookups); a query uses them when it repeats their
# WHERE clause literally (see PASSED_WHERE / ANSWERED_WHERE).
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS statements (
    id TEXT NOT NULL UNIQUE,        -- statement id (UUID): deduplication key
    stored TEXT NOT NULL,           -- when the LRS stored it (UTC, fixed width)
    timestamp TEXT NOT NULL,        -- when it happened (UTC, fixed width)
    actor TEXT NOT NULL,            -- agent key, see agent_key()
    learner TEXT,                   -- account name (employee id) or email: the roster join
    verb TEXT NOT NULL,
    object TEXT NOT NULL,           -- activity IRI (or referenced statement id)
    course TEXT,                    -- course activity IRI (object or context parent)
    cycle TEXT,                     -- training cycle from context grouping, e.g. 2026-2027
    registration TEXT,
    authority TEXT,                 -- agent key of the authority the LRS stamped
    lea TEXT,                       -- LEA code context extension, when sent
    success INTEGER,                -- result.success (1/0/NULL)
    scaled REAL,                    -- result.score.scaled
    voided INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS statement_json (
    id TEXT NOT NULL UNIQUE,        -- the statement's id
    raw TEXT NOT NULL               -- the statement as the LRS returned it
);
CREATE INDEX IF NOT EXISTS statements_verb_time ON statements (verb, timestamp);
CREATE INDEX IF NOT EXISTS statements_learner ON statements (learner, course);
CREATE INDEX IF NOT EXISTS statements_passed ON statements (course, timestamp, learner, actor, authority)
    WHERE verb = '{PASSED}' AND voided = 0 AND object = course;
CREATE INDEX IF NOT EXISTS statements_answered ON statements (course, object, timestamp, success)
    WHERE verb = '{ANSWERED}' AND voided = 0;
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
"""
# Only a `passed` whose object IS the course counts: module passes name the course as
# their parent, and one passed module must not pass the whole course.
PASSED_WHERE = f"verb = '{PASSED}' AND voided = 0 AND object = course"
ANSWERED_WHERE = f"verb = '{ANSWERED}' AND voided = 0"


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
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    return conn


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
    candidates += [a.get("id") for a in activities.get("parent") or [] if isinstance(a, dict)]
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
    return (
        statement["id"],
        utc_text(statement.get("stored")) or utc_text(timestamp),
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
        json.dumps(statement, separators=(",", ":"), sort_keys=True),
    )


INSERT_SQL = (
    "INSERT OR IGNORE INTO statements (id, stored, timestamp, actor, learner, verb, object, course,"
    " cycle, registration, authority, lea, success, scaled)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
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
    """Mark statements voided by a `voided` statement of the store (reports skip them)."""
    conn.execute(
        "UPDATE statements SET voided = 1 WHERE voided = 0 AND id IN"
        " (SELECT object FROM statements WHERE verb = ? AND voided = 0)",
        (VOIDED,),
    )


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {
        "statements": conn.execute("SELECT count(*) FROM statements").fetchone()[0],
        "invalid": conn.execute("SELECT count(*) FROM invalid_statements").fetchone()[0],
    }
