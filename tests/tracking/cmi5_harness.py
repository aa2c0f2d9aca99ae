"""A small cmi5 launch harness: the LMS side of a cmi5 launch, in front of a real Ralph.

Ralph has no State API, no Agent Profile API and no fetch URL, so this stands in for an
LMS: it issues launch URLs (endpoint, fetch, actor, registration, activityId), writes the
``launched`` statement, answers the fetch URL once with an auth token, serves
``LMS.LaunchData`` and the AU's own state documents, answers the learner preferences
(``cmi5LearnerPreferences``) and forwards the AU's statements to Ralph under the learner's
own Ralph login.

It refuses what ADL's reference player, CATAPULT (adlnet/CATAPULT 806c0baa,
``player/service/plugins/routes/lrs.js``), refused when our AU ran in it, with the same
answer: ``403`` and ``RULE-ID - text (detail)``. The rules and their order follow that file:
learner preferences read first (11.0.0.0-3), the session counts as initialized only once a
request holding ``initialized`` has succeeded (9.3.0.0-4), nothing after terminated
(9.3.0.0-5), no cmi5-defined verb twice in a session (9.3.0.0-2), zero or one completed
(9.3.0.0-6) and passed (9.3.0.0-7, 9.3.0.0-8) per registration, context from the template
(10.2.1.0-6), masteryScore (9.3.4.0-2, 9.3.6.0-1, 9.6.3.2-2), Browse and Review (10.2.2.0-2,
10.2.2.0-3), results and durations (9.5.*), ids, timestamps, actor, registration, object.
Like CATAPULT, a new launch in a registration abandons its open sessions, and a token of an
ended session is refused (8.1.2.0-2). One rule is ours, not CATAPULT's: the issue found
``terminated`` sharing a millisecond with what came before, so a cmi5-defined statement must
be stamped later than every statement before it in the session (``isdp-timestamp-order``).

It is a test double: CATAPULT itself needs MariaDB, ADL's LRS and the player's sources,
which CI cannot fetch (tests/interop/catapult.py runs the same flows against it by hand).
"""

from __future__ import annotations

import copy
import datetime as dt
import http.server
import json
import re
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from build_tools.xapi.profile import CMI5_CATEGORY, CMI5_EXTENSIONS, CMI5_MOVEON_CATEGORY, VERBS

HEADERS = {"X-Experience-API-Version": "1.0.3"}
DEFINED = {VERBS[v]: v for v in ("initialized", "completed", "passed", "failed", "terminated")}
PREFERENCES = "cmi5LearnerPreferences"

# The rules' text as CATAPULT's @cmi5/requirements words them (shortened).
RULES = {
    "8.1.2.0-2": "The auth-token MUST be limited to the duration of the session",
    "8.1.3.0-3": "The AU MUST use the actor value in xAPI requests",
    "8.1.4.0-3": "The AU MUST use the registration value in xAPI requests",
    "8.1.5.0-6": "The AU MUST use the activityId value as the object id of cmi5 defined statements",
    "9.1.0.0-1": "The AU MUST assign a statement id",
    "9.3.0.0-1": "Unrecognized cmi5 defined verb",
    "9.3.0.0-2": "Verbs MUST NOT be duplicated in a session",
    "9.3.0.0-3": "Passed and Failed MUST NOT both be sent in a session",
    "9.3.0.0-4": "Initialized MUST be the first statement in a session",
    "9.3.0.0-5": "Terminated MUST be the last statement in a session",
    "9.3.0.0-6": 'Exactly zero or one "Completed" statement MUST be sent per registration',
    "9.3.0.0-7": 'Exactly zero or one "Passed" statement MUST be sent per registration',
    "9.3.0.0-8": 'A "Failed" statement MUST NOT follow a "Passed" one in a registration',
    "9.3.4.0-2": "A passed statement's scaled score MUST be at least the masteryScore",
    "9.3.6.0-1": "A failed statement's scaled score MUST be below the masteryScore",
    "9.5.1.0-2": "A score MUST only be in passed or failed statements",
    "9.5.1.0-3": "The AU MUST provide min and max with a raw score",
    "9.5.2.0-1": "A passed statement MUST have result.success true",
    "9.5.2.0-2": "A failed statement MUST have result.success false",
    "9.5.2.0-3": "result.success MUST only be in passed or failed statements",
    "9.5.3.0-1": "A completed statement MUST have result.completion true",
    "9.5.3.0-2": "result.completion MUST only be in completed statements",
    "9.5.4.1-1": "A terminated statement MUST include result.duration",
    "9.5.4.1-2": "A completed statement MUST include result.duration",
    "9.5.4.1-3": "A passed statement MUST include result.duration",
    "9.5.4.1-4": "A failed statement MUST include result.duration",
    "9.6.0.0-1": "Statements MUST have a context",
    "9.6.1.0-1": "The context registration MUST be the launch's",
    "9.6.2.2-1": "A statement with success or completion MUST carry the moveOn category",
    "9.6.2.2-2": "The moveOn category MUST only be on cmi5 defined completed, passed or failed",
    "9.6.3.1-4": "Statements MUST carry the session id extension",
    "9.6.3.2-2": "The masteryScore extension MUST be the LMS's when a score is judged",
    "9.7.0.0-1": "Statements MUST have a timestamp",
    "9.7.0.0-2": "Timestamps MUST be in UTC",
    "10.2.1.0-5": "The AU MUST NOT modify or delete LMS.LaunchData",
    "10.2.1.0-6": "The context MUST be built from the contextTemplate",
    "10.2.2.0-2": "In Browse mode the AU MUST NOT send completed, passed or failed",
    "10.2.2.0-3": "In Review mode the AU MUST NOT send completed, passed or failed",
    "11.0.0.0-3": "The AU MUST retrieve the Learner Preferences document from the Agent Profile "
    "on startup",
    "isdp-timestamp-order": "A cmi5 defined statement MUST be stamped after every earlier "
    "statement of its session (terminated last)",
}


class Refused(Exception):
    def __init__(self, rule: str, detail: str, status: int = 403) -> None:
        super().__init__(f"{rule} - {RULES[rule]} ({detail})")
        self.rule, self.status = rule, status


@dataclass
class AuRecord:
    """What the LMS keeps per registration and AU (CATAPULT's registrations_courses_aus)."""

    completed: bool = False
    passed: bool = False
    satisfied: bool = False
    state: dict[str, Any] = field(default_factory=dict)  # the AU's own State API documents


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
    record: AuRecord
    fetched: int = 0
    prefs_fetched: bool = False
    initialized: bool = False
    terminated: bool = False
    abandoned: bool = False
    verbs: set[str] = field(default_factory=set)  # cmi5 defined verbs stored this session
    received: list[str] = field(default_factory=list)  # verb names in arrival order
    ids: set[str] = field(default_factory=set)
    last_timestamp: str = ""
    duration: str | None = None  # terminated's result.duration


@dataclass
class Cmi5Harness:
    lrs_url: str
    lms_auth: tuple[str, str]
    origin: str
    sessions: dict[str, Session] = field(default_factory=dict)
    records: dict[tuple[str, str], AuRecord] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    refused_requests: list[str] = field(default_factory=list)  # other than statements
    requests: list[str] = field(default_factory=list)
    learner_preferences: dict[str, Any] | None = None  # None: the LRS answers 404
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

            def do_DELETE(self) -> None:  # noqa: N802
                harness._route(self, "DELETE")

            def _reply(self, status: int, body: Any) -> None:
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Access-Control-Allow-Origin", harness.origin)
                self.send_header("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE")
                self.send_header(
                    "Access-Control-Allow-Headers",
                    "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match",
                )
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
    def launch(
        self,
        au_url: str,
        *,
        actor: dict[str, Any],
        ralph_auth: str,
        activity_id: str,
        publisher_id: str,
        course_id: str,
        launch_mode: str | None = None,
        mastery_score: float | None = 0.8,
        move_on: str = "Passed",
        registration: str | None = None,
        return_url: str | None = "/return",
        template_additions: dict[str, Any] | None = None,
    ) -> tuple[str, Session]:
        """Register a launch, write the launched statement and return the AU's launch URL.

        As in CATAPULT: reusing REGISTRATION abandons its open sessions, and a satisfied AU
        is launched in Review mode unless LAUNCH_MODE says otherwise.
        """
        registration = registration or str(uuid.uuid4())
        record = self.records.setdefault((registration, activity_id), AuRecord())
        for old in self.sessions.values():
            if old.registration == registration and not (old.terminated or old.abandoned):
                old.abandoned = True
        launch_mode = launch_mode or ("Review" if record.satisfied else "Normal")
        session_id = str(uuid.uuid4())
        template: dict[str, Any] = {
            "contextActivities": {"grouping": [{"objectType": "Activity", "id": publisher_id}]},
            "extensions": {CMI5_EXTENSIONS["sessionid"]: session_id},
        }
        for key, value in (template_additions or {}).items():  # Hoek.merge, as CATAPULT
            if isinstance(value, dict) and isinstance(template.get(key), dict):
                template[key] = {**template[key], **value}
            else:
                template[key] = value
        launch_data: dict[str, Any] = {
            "contextTemplate": template,
            "launchMode": launch_mode,
            "moveOn": move_on,
        }
        if return_url is not None:
            launch_data["returnURL"] = self.url + return_url if return_url.startswith("/") else return_url
        if mastery_score is not None:
            launch_data["masteryScore"] = mastery_score
        session = Session(
            token=secrets.token_urlsafe(16),
            fetch_code=secrets.token_urlsafe(8),
            actor=actor,
            registration=registration,
            activity_id=activity_id,
            session_id=session_id,
            launch_data=launch_data,
            ralph_auth=ralph_auth,
            record=record,
        )
        self.sessions[session.token] = session
        launched = {
            "id": str(uuid.uuid4()),
            "actor": actor,
            "verb": {
                "id": "http://adlnet.gov/expapi/verbs/launched",
                "display": {"en-US": "launched"},
            },
            "object": {"objectType": "Activity", "id": activity_id},
            "context": {
                "registration": registration,
                "contextActivities": {
                    **template["contextActivities"],
                    "category": [{"id": CMI5_CATEGORY}],
                    "parent": [{"id": course_id}],
                },
                "extensions": {
                    **template["extensions"],
                    "https://w3id.org/xapi/cmi5/context/extensions/launchmode": launch_mode,
                    "https://w3id.org/xapi/cmi5/context/extensions/moveon": move_on,
                    "https://w3id.org/xapi/cmi5/context/extensions/launchurl": au_url,
                },
            },
            "timestamp": dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z"),
        }
        response = httpx.post(
            self.lrs_url + "statements", json=launched, auth=self.lms_auth, headers=HEADERS
        )
        response.raise_for_status()
        session.received.append("launched")
        query = {
            "endpoint": self.url + "/xapi/",
            "fetch": f"{self.url}/fetch/{session.fetch_code}",
            "actor": json.dumps(actor),
            "registration": registration,
            "activityId": activity_id,
        }
        return f"{au_url}?{urlencode(query)}", session

    # ------------------------------------------------------------------ requests
    def _route(self, handler: Any, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        if parts.path == "/return":
            return handler._reply(200, {"returned": True})
        if method == "POST" and parts.path.startswith("/fetch/"):
            code = parts.path.rsplit("/", 1)[1]
            session = next((s for s in self.sessions.values() if s.fetch_code == code), None)
            if session is None:
                return handler._reply(404, {"error-code": "3", "error-text": "unknown launch"})
            session.fetched += 1
            if session.fetched > 1:  # cmi5 8.2: the fetch URL gives the token once
                return handler._reply(200, {"error-code": "1", "error-text": "already in use"})
            return handler._reply(200, {"auth-token": session.token})
        try:
            session = self._session(handler)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/xapi/statements":
                return self._statements(handler, session, method, query, body)
            if parts.path == "/xapi/activities/state":
                return self._state(handler, session, method, query, body)
            if parts.path == "/xapi/agents/profile":
                self._match_actor(session, query.get("agent"), "agents/profile")
                if query.get("profileId") != PREFERENCES or method != "GET":
                    raise Refused("11.0.0.0-3", f"{method} {query.get('profileId')}")
                session.prefs_fetched = True
                if self.learner_preferences is None:
                    return handler._reply(404, {"message": "no learner preferences"})
                return handler._reply(200, self.learner_preferences)
        except Refused as refused:
            if parts.path == "/xapi/statements" and method in ("POST", "PUT"):
                self.violations.append(str(refused))  # a refused statement, as CATAPULT counts
            else:
                self.refused_requests.append(str(refused))
            return handler._reply(refused.status, {"message": str(refused)})
        return handler._reply(404, {"message": "not served by the harness"})

    def _session(self, handler: Any) -> Session:
        header = handler.headers.get("Authorization", "")
        session = self.sessions.get(header.split(" ", 1)[1]) if " " in header else None
        if session is None:
            raise Refused("8.1.2.0-2", "no valid cmi5 auth token", 401)
        if session.fetched == 0:
            raise Refused("8.1.2.0-2", "Token not yet fetched")
        if session.terminated:
            raise Refused("8.1.2.0-2", "Session terminated")
        if session.abandoned:
            raise Refused("8.1.2.0-2", "Session abandoned")
        return session

    def _match_actor(self, session: Session, agent: str | None, what: str) -> None:
        if json.loads(agent or "null") != session.actor:
            raise Refused("8.1.3.0-3", what)

    def _state(self, handler: Any, session: Session, method: str, query: dict, body: bytes) -> None:
        self._match_actor(session, query.get("agent"), f"state request: {query.get('stateId')}")
        if query.get("registration") and query["registration"] != session.registration:
            raise Refused("8.1.4.0-3", f"state request: {query.get('stateId')}")
        state_id = query.get("stateId")
        if state_id == "LMS.LaunchData":
            if method != "GET":
                raise Refused("10.2.1.0-5", method)
            return handler._reply(200, session.launch_data)
        if query.get("activityId") != session.activity_id or not state_id:
            return handler._reply(404, {"message": "no such state"})
        documents = session.record.state
        if method == "GET":
            if state_id not in documents:
                return handler._reply(404, {"message": "no such state"})
            return handler._reply(200, documents[state_id])
        if method == "DELETE":
            documents.pop(state_id, None)
            return handler._reply(204, None)
        value = json.loads(body or b"{}")
        if method == "POST" and isinstance(documents.get(state_id), dict):
            value = {**documents[state_id], **value}  # xAPI: POST merges JSON documents
        documents[state_id] = value
        return handler._reply(204, None)

    def _statements(self, handler: Any, session: Session, method: str, query: dict, body: bytes) -> None:
        if method == "GET":  # e.g. ?statementId= to tell a stored copy from a lost one
            forwarded = httpx.get(
                self.lrs_url + "statements",
                params=query,
                timeout=10,
                headers={**HEADERS, "Authorization": session.ralph_auth},
            )
            return handler._reply(forwarded.status_code, forwarded.json() if forwarded.content else None)
        if method not in ("POST", "PUT"):
            return handler._reply(405, {"message": method})
        statements = json.loads(body or b"[]")
        statements = statements if isinstance(statements, list) else [statements]
        verbs = self.check(session, statements)  # raises Refused
        forwarded = httpx.post(
            self.lrs_url + "statements",
            json=statements,
            timeout=10,
            headers={**HEADERS, "Authorization": session.ralph_auth},
        )
        if forwarded.status_code in (200, 204):
            self._stored(session, statements, verbs)
        return handler._reply(forwarded.status_code, forwarded.json() if forwarded.content else None)

    def _stored(self, session: Session, statements: list[dict], verbs: list[str]) -> None:
        """What CATAPULT's afterLRSRequest records once the LRS has stored a request."""
        for statement in statements:
            session.received.append(statement["verb"]["id"].rsplit("/", 1)[1])
            session.ids.add(statement["id"])
            session.last_timestamp = max(session.last_timestamp, statement["timestamp"])
        session.verbs.update(verbs)
        record = session.record
        for verb in verbs:
            if verb == "initialized":
                session.initialized = True
            elif verb == "terminated":
                session.terminated = True
                session.duration = next(
                    s["result"]["duration"] for s in statements if DEFINED.get(s["verb"]["id"]) == verb
                )
            elif verb == "completed":
                record.completed = True
            elif verb == "passed":
                record.passed = True
            move_on = session.launch_data["moveOn"]
            if (
                (move_on == "Passed" and record.passed)
                or (move_on == "Completed" and record.completed)
                or (move_on == "CompletedOrPassed" and (record.passed or record.completed))
                or (move_on == "CompletedAndPassed" and record.passed and record.completed)
            ):
                record.satisfied = True

    # ------------------------------------------------------------------ the rules
    def check(self, session: Session, statements: list[dict]) -> list[str]:
        """CATAPULT's beforeLRSRequest for a statements POST: the cmi5 verbs it would record,
        or Refused for the first rule the request breaks (nothing of it is stored then)."""
        if not session.prefs_fetched:
            raise Refused("11.0.0.0-3", "Learner Prefs not yet retrieved")
        request_verbs: list[str] = []
        latest = session.last_timestamp
        for st in statements:
            sid = st.get("id")
            if not sid:
                raise Refused("9.1.0.0-1", "Statement id missing")
            timestamp = st.get("timestamp")
            if not timestamp:
                raise Refused("9.7.0.0-1", sid)
            if not re.search(r"(Z|\+00:?(?:00)?)$", timestamp):
                raise Refused("9.7.0.0-2", sid)
            if st.get("actor") != session.actor:
                raise Refused("8.1.3.0-3", sid)
            context = st.get("context")
            if not context:
                raise Refused("9.6.0.0-1", f"no context: {sid}")
            if not context.get("contextActivities"):
                raise Refused("10.2.1.0-6", f"no contextActivities: {sid}")
            _match_template(context, session.launch_data["contextTemplate"])
            categories = {c.get("id") for c in context["contextActivities"].get("category", [])}
            verb = DEFINED.get(st["verb"]["id"]) if CMI5_CATEGORY in categories else None
            if CMI5_MOVEON_CATEGORY in categories and verb not in ("completed", "passed", "failed"):
                raise Refused("9.6.2.2-2", sid)
            if context.get("registration") != session.registration:
                raise Refused("9.6.1.0-1", f"registration does not match in {sid}")
            if not (context.get("extensions") or {}).get(CMI5_EXTENSIONS["sessionid"]):
                raise Refused("9.6.3.1-4", sid)
            if not session.initialized and verb != "initialized":
                raise Refused("9.3.0.0-4", sid)
            if session.terminated or "terminated" in request_verbs:
                raise Refused("9.3.0.0-5", sid)
            if CMI5_CATEGORY in categories and verb is None:
                raise Refused("9.3.0.0-1", f"Unrecognized cmi5 defined statement: {sid}")
            if verb:
                self._check_defined(session, st, verb, categories, request_verbs)
                if timestamp <= latest:
                    raise Refused("isdp-timestamp-order", f"{verb} at {timestamp}, after {latest}")
                request_verbs.append(verb)
            latest = max(latest, timestamp)
        return request_verbs

    def _check_defined(
        self, session: Session, st: dict, verb: str, categories: set, request_verbs: list[str]
    ) -> None:
        sid, mode = st["id"], session.launch_data["launchMode"]
        if st["object"].get("id") != session.activity_id:
            raise Refused("8.1.5.0-6", sid)
        if mode in ("Browse", "Review") and verb in ("completed", "passed", "failed"):
            raise Refused("10.2.2.0-2" if mode == "Browse" else "10.2.2.0-3", sid)
        result = st.get("result")
        if not result:
            rule = {"completed": "9.5.3.0-1", "passed": "9.5.2.0-1", "failed": "9.5.2.0-2",
                    "terminated": "9.5.4.1-1"}.get(verb)
            if rule:
                raise Refused(rule, sid)
        else:
            if "completion" in result and verb != "completed":
                raise Refused("9.5.3.0-2", sid)
            if verb == "completed" and result.get("completion") is not True:
                raise Refused("9.5.3.0-1", sid)
            if "success" in result and verb not in ("passed", "failed"):
                raise Refused("9.5.2.0-3", sid)
            if verb == "passed" and result.get("success") is not True:
                raise Refused("9.5.2.0-1", sid)
            if verb == "failed" and result.get("success") is not False:
                raise Refused("9.5.2.0-2", sid)
            if ("completion" in result or "success" in result) and CMI5_MOVEON_CATEGORY not in categories:
                raise Refused("9.6.2.2-1", sid)
            if result.get("score"):
                score = result["score"]
                if verb not in ("passed", "failed"):
                    raise Refused("9.5.1.0-2", sid)
                if "raw" in score and ("min" not in score or "max" not in score):
                    raise Refused("9.5.1.0-3", sid)
                mastery = session.launch_data.get("masteryScore")
                if mastery is not None:
                    value = st["context"]["extensions"].get(CMI5_EXTENSIONS["masteryscore"])
                    if value != mastery:
                        raise Refused("9.6.3.2-2", f"extension value '{value}' in {sid}")
            if "duration" not in result and verb != "initialized":
                rule = {"terminated": "9.5.4.1-1", "completed": "9.5.4.1-2",
                        "passed": "9.5.4.1-3", "failed": "9.5.4.1-4"}[verb]
                raise Refused(rule, sid)
        seen = session.verbs | set(request_verbs)
        mastery = session.launch_data.get("masteryScore")
        scaled = ((st.get("result") or {}).get("score") or {}).get("scaled")
        if verb in seen and verb != "terminated" or verb == "terminated" and verb in request_verbs:
            raise Refused("9.3.0.0-2", f"Already {verb}: {sid}")
        if verb == "completed" and session.record.completed:
            raise Refused("9.3.0.0-6", f"Already completed: {sid}")
        if verb == "passed":
            if mastery is not None and scaled is not None and scaled < mastery:
                raise Refused("9.3.4.0-2", f"Score '{scaled}' less than mastery score '{mastery}'")
            if "failed" in seen:
                raise Refused("9.3.0.0-3", f"Already failed: {sid}")
            if session.record.passed:
                raise Refused("9.3.0.0-7", f"Already passed: {sid}")
        if verb == "failed":
            if mastery is not None and scaled is not None and scaled >= mastery:
                raise Refused("9.3.6.0-1", f"Score '{scaled}' not less than mastery score '{mastery}'")
            if "passed" in seen:
                raise Refused("9.3.0.0-3", f"Already passed: {sid}")
            if session.record.passed:
                raise Refused("9.3.0.0-8", f"Already passed: {sid}")


def _match_template(provided: dict, template: dict) -> None:
    """CATAPULT's matchContextTemplate: every template property, activities at their index."""
    for prop, expected in template.items():
        if prop == "contextActivities":
            for kind, activities in expected.items():
                given = provided["contextActivities"].get(kind) or []
                for i, act in enumerate(activities):
                    if i >= len(given) or given[i].get("id") != act.get("id"):
                        raise Refused("10.2.1.0-6", f"'{prop}' '{kind}' '{i}' value differs")
        elif prop not in provided:
            raise Refused("10.2.1.0-6", f"'{prop}' missing")
        elif isinstance(expected, dict):
            for key, value in expected.items():
                if key not in provided[prop] or provided[prop][key] != value:
                    raise Refused("10.2.1.0-6", f"'{prop}' '{key}' value differs")
        elif provided[prop] != expected:  # CATAPULT iterates a scalar's keys: none differ
            raise Refused("10.2.1.0-6", f"'{prop}' value differs")


def defined_statement(session: Session, verb: str, timestamp: str, **result: Any) -> dict:
    """A valid cmi5 defined statement of SESSION (for the harness's own tests)."""
    template = copy.deepcopy(session.launch_data["contextTemplate"])
    categories = [{"id": CMI5_CATEGORY}]
    if verb in ("completed", "passed", "failed"):
        categories.append({"id": CMI5_MOVEON_CATEGORY})
    context = {**template, "registration": session.registration}
    context["contextActivities"] = {**template["contextActivities"], "category": categories}
    if verb in ("passed", "failed") and "masteryScore" in session.launch_data:
        context["extensions"] = {**template["extensions"],
                                 CMI5_EXTENSIONS["masteryscore"]: session.launch_data["masteryScore"]}
    body = {
        "id": str(uuid.uuid4()),
        "actor": session.actor,
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": {"objectType": "Activity", "id": session.activity_id},
        "context": context,
        "timestamp": timestamp,
    }
    if result:
        body["result"] = result
    return body
