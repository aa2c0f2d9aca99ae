"""A local Ralph LRS on loopback, for ``isdp lrs serve``, ``isdp serve`` and the tests.

Ralph (PyPI ``ralph-malph``) is a real xAPI LRS. We run its ASGI app under uvicorn with the
``fs`` backend, scopes enforced, and CORS open to the site's origin only.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bcrypt

from build_tools.core.atomic import atomic_file

AUTH_FILE = "auth.json"
STATEMENTS_DIR = "statements"


@dataclass(frozen=True)
class Credential:
    """One LRS login: who may do what (Ralph scopes) as which agent."""

    username: str
    password: str
    scopes: tuple[str, ...]
    agent: dict[str, Any]


def write_credentials(app_dir: Path, credentials: Iterable[Credential], *, replace: bool = False) -> None:
    """Add logins to Ralph's auth.json (bcrypt hashes), written atomically."""
    path = Path(app_dir) / AUTH_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    users = [] if replace or not path.exists() else json.loads(path.read_text() or "[]")
    known = {user["username"] for user in users}
    for cred in credentials:
        if cred.username in known:
            raise ValueError(f"LRS user '{cred.username}' already exists in {path}")
        known.add(cred.username)
        users.append({
            "username": cred.username,
            # Cost 10 instead of bcrypt's default 12: a state roster has ~70,000 learners.
            "hash": bcrypt.hashpw(cred.password.encode(), bcrypt.gensalt(10)).decode("ascii"),
            "scopes": list(cred.scopes),
            "agent": cred.agent,
        })
    # Ralph's ServerUsersCredentials schema (importing it would start Ralph's backends).
    _write_users(path, users)


def remove_users(app_dir: Path, usernames: Iterable[str]) -> None:
    """Drop logins from auth.json (to rotate a credential or replace the demo learner)."""
    path = Path(app_dir) / AUTH_FILE
    if not path.exists():
        return
    gone = set(usernames)
    users = [user for user in json.loads(path.read_text() or "[]") if user["username"] not in gone]
    _write_users(path, users)


def _write_users(path: Path, users: list[dict[str, Any]]) -> None:
    """auth.json whole or not at all, readable by its owner only (it holds password hashes)."""
    with atomic_file(path, private=True) as handle:
        handle.write(json.dumps(users, indent=2))


def server_env(app_dir: Path, cors_origins: Iterable[str] = ()) -> dict[str, str]:
    app_dir = Path(app_dir).resolve()
    env = dict(os.environ)
    env.update({
        "RALPH_APP_DIR": str(app_dir),
        "RALPH_AUTH_FILE": str(app_dir / AUTH_FILE),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(app_dir / STATEMENTS_DIR),
        "RALPH_LRS_RESTRICT_BY_AUTHORITY": "True",
        "RALPH_LRS_RESTRICT_BY_SCOPES": "True",
    })
    origins = list(cors_origins)
    if origins:  # a JSON list, as pydantic-settings parses list values
        env["RALPH_RUNSERVER_CORS_ALLOW_ORIGINS"] = json.dumps(origins)
    return env


@dataclass
class LocalLRS:
    """Start and stop Ralph as a child process (``with LocalLRS(dir) as lrs: lrs.url``)."""

    app_dir: Path
    port: int = 0
    cors_origins: list[str] = field(default_factory=list)
    log_file: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self, timeout: float = 30.0) -> LocalLRS:
        # We bind the socket here and hand it to the child: no race for a "free" port, and a
        # busy port is reported at once. Ready means Ralph answers its heartbeat.
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind(("127.0.0.1", self.port))
        except OSError as exc:
            listener.close()
            raise RuntimeError(f"cannot listen on 127.0.0.1:{self.port}: {exc.strerror}") from None
        listener.listen(128)
        self.port = listener.getsockname()[1]
        Path(self.app_dir).mkdir(parents=True, exist_ok=True)
        log = open(self.log_file or Path(self.app_dir) / "ralph.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "build_tools.xapi.lrs.local", str(listener.fileno())],
            env=server_env(self.app_dir, self.cors_origins), stdout=log, stderr=subprocess.STDOUT,
            pass_fds=[listener.fileno()])
        listener.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph exited with {self.process.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__lbheartbeat__", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"Ralph did not answer on port {self.port} within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> LocalLRS:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _run(fd: int) -> None:
    """Child process entry point: patch the fs backend, then serve ``ralph.api:app``."""
    import uvicorn
    from ralph.backends.data.base import BaseOperationType
    from ralph.backends.data.fs import FSDataBackend

    # Ralph 5.1's fs backend writes each POST with operation type CREATE into one file, so the
    # second POST of a new statement fails with 500 ("already exists and overwrite is not
    # allowed"). Appending is what an LRS needs; tests/test_lrs_server.py shows upstream's
    # behaviour so we notice when it is fixed.
    if os.environ.get("ISDP_RALPH_UPSTREAM_FS") != "1":
        FSDataBackend.default_operation_type = BaseOperationType.APPEND
    if os.environ.get("ISDP_RALPH_UPSTREAM_SINCE") != "1":  # tests show upstream's behaviour
        _since_on_stored()
    uvicorn.run("ralph.api:app", fd=fd, log_level="warning")


def _since_on_stored() -> None:
    """Ralph 5.1's fs backend filters ``since``/``until`` on each statement's own
    ``timestamp``; xAPI 1.0.3 says ``stored``. A statement an outbox delivered days late
    (old timestamp, new stored) was then never read by an incremental sync. Compare
    ``stored``, as the standard says (tests/safety/test_sync.py shows both behaviours)."""
    import datetime as dt
    import operator

    from ralph.backends.lrs.fs import FSLRSBackend

    def moment(value: Any) -> dt.datetime:
        value = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)

    def on_stored(compare: Any) -> Any:
        def add_filter(self: Any, filters: list, limit: Any) -> None:
            if not limit:
                return
            bound = moment(limit)

            def match(statement: dict) -> bool:
                try:
                    return bool(compare(moment(statement.get("stored")), bound))
                except (TypeError, ValueError):
                    return False

            filters.append(match)

        return add_filter

    FSLRSBackend._add_filter_by_timestamp_since = on_stored(operator.gt)
    FSLRSBackend._add_filter_by_timestamp_until = on_stored(operator.le)


if __name__ == "__main__":
    _run(int(sys.argv[1]))
