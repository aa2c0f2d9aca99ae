"""A small cmi5 launch harness: the LMS side of a cmi5 launch, in front of a real Ralph.

Ralph has no State API and no fetch URL, so this stands in for an LMS: it issues launch
URLs (endpoint, fetch, actor, registration, activityId), writes the ``launched`` statement,
answers the fetch URL once with an auth token, serves ``LMS.LaunchData`` from its State
API, and forwards the AU's statements to Ralph under the learner's own Ralph login. It
also applies the LMS-side checks of the cmi5 spec that an AU can break (first statement
is initialized, nothing after terminated, registration and session id from the launch, the
cmi5 and moveOn categories), and rejects a statement that breaks one, as an LMS must.

It is a test double: no real LMS has run our AU yet.
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from build_tools.xapi.profile import CMI5_CATEGORY, CMI5_EXTENSIONS, CMI5_MOVEON_CATEGORY, MOVEON_VERBS, VERBS

HEADERS = {"X-Experience-API-Version": "1.0.3"}
DEFINED = {VERBS[v]: v for v in ("initialized", "completed", "passed", "failed", "terminated")}


@dataclass
class Session:
    token: str
    fetch_code: str
    actor: dict[str, Any]
    registration: str
    activity_id: str
    session_id: str
    launch_data: dict[str, Any]
    ralph_auth: str
    fetched: int = 0
    received: list[str] = field(default_factory=list)  # verb names in arrival order
    ids: set[str] = field(default_factory=set)
    terminated: bool = False


@dataclass
class Cmi5Harness:
    lrs_url: str
    lms_auth: tuple[str, str]
    origin: str
    sessions: dict[str, Session] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    server: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Cmi5Harness:
        harness = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                harness.requests.append(format % args)

            def do_OPTIONS(self) -> None:  # noqa: N802
                self._reply(204, None)

            def do_GET(self) -> None:  # noqa: N802
                harness._route(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                harness._route(self, "POST")

            def do_PUT(self) -> None:  # noqa: N802
                harness._route(self, "PUT")

            def _reply(self, status: int, body: Any) -> None:
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Access-Control-Allow-Origin", harness.origin)
                self.send_header("Access-Control-Allow-Methods", "GET, POST, PUT")
                self.send_header("Access-Control-Allow-Headers",
                                 "Authorization, Content-Type, X-Experience-API-Version")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.server:
            self.server.shutdown()

    # ------------------------------------------------------------------ the LMS's launch
    def launch(self, au_url: str, *, actor: dict[str, Any], ralph_auth: str, activity_id: str,
               publisher_id: str, course_id: str, launch_mode: str = "Normal", mastery_score: float | None = 0.8,
               move_on: str = "CompletedAndPassed") -> tuple[str, Session]:
        """Register a launch, write the launched statement and return the AU's launch URL."""
        registration, session_id = str(uuid.uuid4()), str(uuid.uuid4())
        template = {"contextActivities": {"grouping": [{"objectType": "Activity", "id": publisher_id}]},
                    "extensions": {CMI5_EXTENSIONS["sessionid"]: session_id}}
        launch_data = {"contextTemplate": template, "launchMode": launch_mode, "moveOn": move_on,
                       "returnURL": self.url + "/return"}
        if mastery_score is not None:
            launch_data["masteryScore"] = mastery_score
        session = Session(token=secrets.token_urlsafe(16), fetch_code=secrets.token_urlsafe(8), actor=actor,
                          registration=registration, activity_id=activity_id, session_id=session_id,
                          launch_data=launch_data, ralph_auth=ralph_auth)
        self.sessions[session.token] = session
        launched = {"id": str(uuid.uuid4()), "actor": actor,
                    "verb": {"id": "http://adlnet.gov/expapi/verbs/launched", "display": {"en-US": "launched"}},
                    "object": {"objectType": "Activity", "id": activity_id},
                    "context": {"registration": registration,
                                "contextActivities": {**template["contextActivities"],
                                                      "category": [{"id": CMI5_CATEGORY}],
                                                      "parent": [{"id": course_id}]},
                                "extensions": {**template["extensions"],
                                               "https://w3id.org/xapi/cmi5/context/extensions/launchmode": launch_mode,
                                               "https://w3id.org/xapi/cmi5/context/extensions/moveon": move_on,
                                               "https://w3id.org/xapi/cmi5/context/extensions/launchurl": au_url}},
                    "timestamp": dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")}
        response = httpx.post(self.lrs_url + "statements", json=launched, auth=self.lms_auth, headers=HEADERS)
        response.raise_for_status()
        session.received.append("launched")
        query = {"endpoint": self.url + "/xapi/", "fetch": f"{self.url}/fetch/{session.fetch_code}",
                 "actor": json.dumps(actor), "registration": registration, "activityId": activity_id}
        return f"{au_url}?{urlencode(query)}", session

    # ------------------------------------------------------------------ requests
    def _route(self, handler: Any, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        if method == "POST" and parts.path.startswith("/fetch/"):
            code = parts.path.rsplit("/", 1)[1]
            session = next((s for s in self.sessions.values() if s.fetch_code == code), None)
            if session is None:
                return handler._reply(404, {"error-code": "3", "error-text": "unknown launch"})
            session.fetched += 1
            if session.fetched > 1:  # cmi5 8.2: the fetch URL gives the token once
                return handler._reply(200, {"error-code": "1", "error-text": "already in use"})
            return handler._reply(200, {"auth-token": session.token})
        session = self._session(handler)
        if session is None:
            return handler._reply(401, {"message": "no valid cmi5 auth token"})
        if parts.path == "/xapi/activities/state" and method == "GET":
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if (query.get("stateId") != "LMS.LaunchData" or query.get("activityId") != session.activity_id
                    or query.get("registration") != session.registration
                    or json.loads(query.get("agent", "{}")) != session.actor):
                return handler._reply(404, {"message": "no such state"})
            return handler._reply(200, session.launch_data)
        if parts.path == "/xapi/statements" and method in ("POST", "PUT"):
            statements = json.loads(body or b"[]")
            statements = statements if isinstance(statements, list) else [statements]
            problems, order = [], list(session.received)
            for statement in statements:  # in the order sent, as the LMS would store them
                problems += self._check(session, statement, order)
                if statement["id"] not in session.ids:
                    order.append(statement["verb"]["id"].rsplit("/", 1)[1])
            if problems:
                self.violations.extend(problems)
                return handler._reply(403, {"message": "; ".join(problems)})
            forwarded = httpx.post(self.lrs_url + "statements", json=statements, timeout=10,
                                   headers={**HEADERS, "Authorization": session.ralph_auth})
            if forwarded.status_code in (200, 204):
                session.received = order
                session.ids.update(s["id"] for s in statements)
                session.terminated = "terminated" in order
            return handler._reply(forwarded.status_code, forwarded.json() if forwarded.content else None)
        return handler._reply(404, {"message": "not served by the harness"})

    def _session(self, handler: Any) -> Session | None:
        header = handler.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        return self.sessions.get(header.split(" ", 1)[1])

    def _check(self, session: Session, statement: dict[str, Any], order: list[str]) -> list[str]:
        """The LMS-side rules of cmi5 (sections 9, 10) that an AU's statement can break."""
        verb = DEFINED.get(statement["verb"]["id"])
        context = statement.get("context", {})
        categories = {c["id"] for c in context.get("contextActivities", {}).get("category", [])}
        problems = []
        if statement["id"] in session.ids:
            return []  # a resend is the outbox doing its job; Ralph judges identical or 409
        if "terminated" in order:
            problems.append(f"{statement['id']}: statement after terminated")
        if order == ["launched"] and verb != "initialized":
            problems.append(f"{statement['id']}: the first AU statement must be initialized")
        if context.get("registration") != session.registration:
            problems.append(f"{statement['id']}: registration is not the launch's")
        if context.get("extensions", {}).get(CMI5_EXTENSIONS["sessionid"]) != session.session_id:
            problems.append(f"{statement['id']}: session id missing")
        if statement.get("actor") != session.actor:
            problems.append(f"{statement['id']}: actor is not the launch's")
        if verb:
            if statement["object"]["id"] != session.activity_id:
                problems.append(f"{statement['id']}: {verb} object is not the AU")
            if CMI5_CATEGORY not in categories:
                problems.append(f"{statement['id']}: {verb} lacks the cmi5 category")
            if (verb in MOVEON_VERBS) != (CMI5_MOVEON_CATEGORY in categories):
                problems.append(f"{statement['id']}: moveOn category wrong on {verb}")
            if verb in MOVEON_VERBS and session.launch_data["launchMode"] != "Normal":
                problems.append(f"{statement['id']}: {verb} in {session.launch_data['launchMode']} mode")
            if verb in ("passed", "failed") and "masteryScore" in session.launch_data:
                scaled = statement["result"]["score"]["scaled"]
                if (scaled >= session.launch_data["masteryScore"]) != (verb == "passed"):
                    problems.append(f"{statement['id']}: {verb} contradicts masteryScore")
            if verb in ("completed", "passed", "failed", "terminated") and "duration" not in statement.get("result", {}):
                problems.append(f"{statement['id']}: {verb} lacks result.duration")
        elif CMI5_CATEGORY in categories:
            problems.append(f"{statement['id']}: a cmi5 allowed statement carries the cmi5 category")
        return problems
