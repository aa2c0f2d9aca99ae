"""Fixtures for the tracking tests: the site with a quiz stand-in page, a logging web
server, and one real Ralph per session (CORS open to that server only) that gives each test
two fresh learners: new logins, new actors."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from build_tools.xapi.links import Learner, launch_link, learner_actor, provision
from build_tools.xapi.lrs.local import Credential, LocalLRS, write_credentials

from ..conftest import ADMIN, REPO, SessionRalph, build_once

HOME = "https://www.mdek12.org"
HEADERS = {"X-Experience-API-Version": "1.0.3"}
# A stand-in for a module page while no course is merged: the quiz container and the status
# region exactly as the courses' quiz directive renders them. Tests dispatch the quiz events.
FIXTURE_PAGE = """---
description: A test page that stands in for a training module page in the tracking tests.
orphan: true
---

# Tracking fixture

<div data-isdp-quiz data-isdp-course="security-awareness" data-isdp-module="phishing"></div>
<div data-isdp-tracking-status role="status" aria-live="polite"></div>
"""
FIXTURE_PATH = "courses/tracking-fixture.md"


def tracking_source(folder: Path) -> Path:
    """folder/src: the shipped site plus the fixture page (for these tests and
    benchmarks/tracking.py). Pages are copied (we add one); everything else is linked, so
    that traceability's feature paths (build_tools/..., benchmarks/...) resolve as in the
    repository."""
    src = folder / "src"
    src.mkdir()
    for entry in REPO.iterdir():
        if entry.name in ("content", "guidance", "courses"):
            shutil.copytree(entry, src / entry.name)
        elif not entry.name.startswith((".", "_")) and entry.name != "node_modules":
            (src / entry.name).symlink_to(entry)
    (src / FIXTURE_PATH).write_text(FIXTURE_PAGE, encoding="utf-8")
    return src


@pytest.fixture(scope="session")
def tracking_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_once(tmp_path_factory, "tracking", tracking_source)


# A strict policy like the one the site's CSP meta tag sets; pages asked for with
# ``?csp=strict`` get it as a header (the query is not secret; the fragment never arrives).
STRICT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
              "img-src 'self' data:; connect-src 'self' http://127.0.0.1:*")


class _LoggingHandler(http.server.SimpleHTTPRequestHandler):
    log_lines: list[str]

    def end_headers(self) -> None:
        if "csp=strict" in self.path:
            self.send_header("Content-Security-Policy", STRICT_CSP)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        self.log_lines.append(format % args)


@dataclass
class Web:
    url: str
    log: list[str]
    root: Path


@pytest.fixture(scope="session")
def web(tracking_site: Path) -> Iterator[Web]:
    """The tracking site on a free loopback port; ``log`` holds every request line."""
    handler = type("Handler", (_LoggingHandler,), {"log_lines": []})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(tracking_site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Web(f"http://127.0.0.1:{server.server_address[1]}", handler.log_lines, tracking_site)
    server.shutdown()


@dataclass
class Lrs:
    server: LocalLRS
    auth: dict[str, str] = field(default_factory=dict)
    learners: list[Learner] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def ada(self) -> str:
        """The employee id of this test's first learner (LEARNERS[0] under a new id)."""
        return self.learners[0].employee_id

    @property
    def ben(self) -> str:
        return self.learners[1].employee_id

    def link(self, web: Web, employee_id: str, page: str = "courses/tracking-fixture.html") -> str:
        learner = next(lr for lr in self.learners if lr.employee_id == employee_id)
        return launch_link(
            web.url,
            self.url,
            learner_actor(learner, HOME),
            self.auth[employee_id],
            lea=learner.lea_code,
            page=page,
        )

    def statements(self, auth: tuple[str, str] | str = ADMIN) -> list[dict]:
        """Every statement the LRS returns to this login (all pages of the answer); read as
        ADMIN, only those by or about this test's learners (other tests share the LRS)."""
        kwargs = (
            {"auth": auth}
            if isinstance(auth, tuple)
            else {"headers": {**HEADERS, "Authorization": auth}}
        )
        headers = kwargs.pop("headers", HEADERS)
        found, url = [], self.url + "statements?limit=500"
        while url:
            body = httpx.get(url, headers=headers, timeout=10, **kwargs).json()
            found += body["statements"]
            more = body.get("more")
            url = f"http://127.0.0.1:{self.server.port}{more}" if more else None
        if auth != ADMIN:
            return found
        ours = {learner.employee_id for learner in self.learners}
        return [s for s in found
                if {_account(s.get("actor")), _account(s.get("authority"))} & ours]


def _account(agent: dict | None) -> str | None:
    return ((agent or {}).get("account") or {}).get("name")


LEARNERS = [
    Learner(
        "100234",
        "Ada Test",
        "ada@example.org",
        "2520",
        "Jackson Public School District",
        "teacher",
        2,
    ),
    Learner(
        "100777",
        "Ben Test",
        "ben@example.org",
        "4820",
        "Madison County School District",
        "clerk",
        3,
    ),
]


def _learner_logins(app_dir: Path, n: int) -> tuple[list[Learner], dict[str, str]]:
    learners = [lr._replace(employee_id=f"{lr.employee_id}{n:03d}") for lr in LEARNERS]
    return learners, provision(learners, app_dir, home_page=HOME)


@pytest.fixture(scope="session")
def tracking_ralph(tmp_path_factory: pytest.TempPathFactory, web: Web) -> Iterator[SessionRalph]:
    app_dir = tmp_path_factory.mktemp("tracking-lrs")
    write_credentials(
        app_dir,
        [
            Credential(
                *ADMIN, ("all",), {"objectType": "Agent", "mbox": "mailto:lrs-admin@example.org"}
            )
        ],
    )
    ralph = SessionRalph(app_dir, _learner_logins, cors_origins=[web.url], batch=6)
    yield ralph
    ralph.stop()


@pytest.fixture
def lrs(tracking_ralph: SessionRalph) -> Lrs:
    """Ralph with an admin and two fresh learners (``lrs.learners``: LEARNERS with new
    employee ids), CORS open to the tracking site's origin."""
    server, (learners, auth) = tracking_ralph.take()
    return Lrs(server, auth, learners)


def dispatch(page, name: str, detail: dict) -> None:
    page.evaluate(
        "([n, d]) => document.dispatchEvent(new CustomEvent(n, {detail: d}))", [name, detail]
    )


def attempt_events(
    course: str = "security-awareness", module: str = "phishing", n: int = 3, passed: bool = True
) -> list[tuple[str, dict]]:
    """The events the quiz runtime dispatches for one attempt of ``n`` questions."""
    attempt = str(uuid.uuid4())
    base = {"course": course, "module": module, "attempt": attempt}
    events = [
        (
            "isdp:attempt-started",
            {
                **base,
                "questions": [f"q{i}" for i in range(n)],
                "masteryScore": 0.8,
                "startedAt": "2026-11-23T10:00:00Z",
            },
        )
    ]
    kinds = ["single", "multiple", "true-false"]
    for i in range(n):
        kind = kinds[i % 3]
        choices = (
            [{"id": "true", "text": "True"}, {"id": "false", "text": "False"}]
            if kind == "true-false"
            else [
                {"id": "a", "text": "Report it"},
                {"id": "b", "text": "Reply"},
                {"id": "c", "text": "Delete"},
            ]
        )
        correct = (
            ["true"] if kind == "true-false" else (["a", "c"] if kind == "multiple" else ["a"])
        )
        response = correct if passed or i else (["false"] if kind == "true-false" else ["b"])
        events.append(
            (
                "isdp:question-answered",
                {
                    **base,
                    "question": f"q{i}",
                    "kind": kind,
                    "prompt": f"Question {i}?",
                    "choices": choices,
                    "response": response,
                    "correctResponse": correct,
                    "correct": response == correct,
                },
            )
        )
    raw = n if passed else n - 1
    events.append(
        (
            "isdp:module-completed",
            {
                **base,
                "score": {"raw": raw, "max": n, "scaled": raw / n},
                "passed": passed,
                "masteryScore": 0.8,
                "durationMs": 61234,
            },
        )
    )
    return events


def ralph_valid(statement: dict) -> None:
    from ralph.models.xapi.base.statements import BaseXapiStatement

    BaseXapiStatement.model_validate(statement)


def dump(obj) -> str:
    return json.dumps(obj, indent=1, sort_keys=True)
