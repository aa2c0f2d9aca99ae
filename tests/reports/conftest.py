"""Helpers for the compliance tests: statements made by the profile code, a store, courses."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest

from build_tools.reports.courses import RequiredCourse, load_required_courses
from build_tools.store import sqlite as store
from build_tools.xapi import profile as xp

BASE = "https://www.mdek12.org/isdp/xapi"  # site.yaml's base_iri
HOME = "https://www.mdek12.org"
PROFILE = xp.Profile(BASE)
REPO = Path(__file__).resolve().parents[2]
# The shipped courses' modules and keys (from the sources), under short titles.
_SHIPPED = {course.id: course for course in load_required_courses(REPO)}
COURSES = [
    RequiredCourse(cid, title, frozenset({"all"}), _SHIPPED[cid].mastery_score,
                   _SHIPPED[cid].modules, _SHIPPED[cid].keys)
    for cid, title in (("ferpa", "FERPA"), ("security-awareness", "Security Awareness"))
]
LMS = {
    "objectType": "Agent",
    "account": {"homePage": "https://lms.example.org", "name": "isdp-lms"},
}
ROSTER_HEADER = "employee_id,name,email,lea_code,lea_name,role\n"


def actor(employee_id: str) -> dict[str, Any]:
    return xp.account_actor(HOME, employee_id)


def at(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def make(
    employee_id: str,
    verb: str,
    course: str,
    when: str,
    *,
    question: str | None = None,
    success: bool | None = None,
    cycle: str = "2026-2027",
    registration: str | None = None,
    label: str | None = None,
) -> dict[str, Any]:
    """A statement exactly as the browser runtime would send it (the profile code)."""
    if question:
        obj = xp.activity(PROFILE.question(course, question), "question", label or question)
    else:
        obj = xp.activity(PROFILE.course(course), "course", course)
    result = None if success is None else {"success": success}
    if verb == "passed":
        result = {"success": True, "score": xp.score(9, 10)}
    if verb == "failed":
        result = {"success": False, "score": xp.score(4, 10)}
    return xp.statement(
        PROFILE,
        actor=actor(employee_id),
        verb=verb,
        obj=obj,
        course=course,
        cycle=cycle,
        registration=registration or str(uuid.uuid4()),
        lea="2500",
        result=result,
        timestamp=at(when),
    )


def evidence(employee_id: str, course: str, when: str, *, right: bool = True,
             authority: dict[str, Any] | None = None, registration: str | None = None,
             modules: list[str] | None = None) -> list[dict[str, Any]]:
    """One attempt per module whose answers are all right (or all wrong), as stored."""
    info = next(c for c in COURSES if c.id == course)
    out = []
    for module in modules or info.modules:
        reg = registration or str(uuid.uuid4())
        for qid, key in info.keys.items():
            if key.module != module:
                continue
            statement = make(employee_id, "answered", course, when, question=qid,
                             success=True, registration=reg)
            statement["result"]["response"] = "[,]".join(sorted(key.correct)) if right else "x"
            out.append(as_stored(statement, authority))
    return out


def as_stored(
    statement: dict[str, Any], authority: dict[str, Any] | None = None, stored: str | None = None
) -> dict[str, Any]:
    """What an LRS returns: plus stored, authority (the writer; by default the learner), version."""
    return {
        **statement,
        "stored": stored or statement["timestamp"],
        "version": "1.0.3",
        "authority": authority or statement["actor"],
    }


@pytest.fixture
def conn(tmp_path: Path):
    connection = store.connect(tmp_path / "store.sqlite")
    yield connection
    connection.close()


def put(conn, *statements: dict[str, Any]) -> None:
    conn.execute("BEGIN")
    store.insert(conn, [store.columns(s) for s in statements])
    conn.execute("COMMIT")


def write_roster(path: Path, rows: list[str]) -> Path:
    path.write_text(ROSTER_HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path
