"""Personal launch links for deployments without an LMS (``isdp learners links``).

Each learner gets one Ralph login that may write statements and read only their own
(scopes ``statements/write`` + ``statements/read/mine``, agent = their account actor), and
a link whose URL *fragment* carries the endpoint, the actor and that credential: browsers
never send a fragment to the web server, so it is in no server log. tracking.js reads it,
keeps it in sessionStorage and removes it from the address bar.

The roster reader here is deliberately minimal (columns and non-empty ids); the compliance
reports own the full roster rules.
"""

from __future__ import annotations

import base64
import csv
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from ..errors import ContentError, ContentErrors
from .lrs_server import AUTH_FILE, Credential, remove_users, write_credentials
from .profile import account_actor

ROSTER_COLUMNS = ("employee_id", "name", "email", "lea_code", "lea_name", "role")
LEARNER_SCOPES = ("statements/write", "statements/read/mine")
USER_PREFIX = "learner-"
# Where a link lands: the training page, which lists the courses.
LANDING_PAGE = "courses/index.html"


@dataclass(frozen=True)
class Learner:
    employee_id: str
    name: str
    email: str
    lea_code: str
    lea_name: str
    role: str
    line: int


def read_roster(path: Path) -> list[Learner]:
    """Read a roster CSV; every problem is a ``path:line: message`` error."""
    errors: list[ContentError] = []
    try:
        handle = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115
    except OSError as exc:
        raise ContentError(path, None, f"cannot read the roster: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ROSTER_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ContentError(path, 1, f"roster lacks column(s) {', '.join(missing)} "
                               f"(required: {', '.join(ROSTER_COLUMNS)})")
        learners: list[Learner] = []
        seen: dict[str, int] = {}
        for row in reader:
            line = reader.line_num
            values = {c: (row.get(c) or "").strip() for c in ROSTER_COLUMNS}
            if not values["employee_id"]:
                errors.append(ContentError(path, line, "employee_id is empty"))
                continue
            if values["employee_id"] in seen:
                errors.append(ContentError(path, line, f"employee_id {values['employee_id']} is "
                                           f"listed twice (first on line {seen[values['employee_id']]})"))
                continue
            if not values["lea_code"]:
                errors.append(ContentError(path, line, f"employee {values['employee_id']} has no lea_code"))
                continue
            seen[values["employee_id"]] = line
            learners.append(Learner(**values, line=line))
    if errors:
        raise ContentErrors(errors)
    if not learners:
        raise ContentError(path, 1, "the roster lists no learner")
    return learners


def default_home_page(site_url: str) -> str:
    """The account homePage of every learner: the agency's web origin (one value state-wide,
    so that a learner's actor is the same in every district and every report)."""
    parts = urlsplit(site_url)
    return f"{parts.scheme}://{parts.netloc}"


def learner_actor(learner: Learner, home_page: str) -> dict[str, Any]:
    # No name: the LRS needs only the account; reports take names from the roster.
    return account_actor(home_page, learner.employee_id)


def basic_auth(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


def launch_link(base_url: str, endpoint: str, actor: dict[str, Any], auth: str, lea: str | None = None,
                page: str = LANDING_PAGE) -> str:
    """A personal link: everything secret sits after ``#``, where no server sees it."""
    fragment = {"endpoint": endpoint, "auth": auth, "actor": json.dumps(actor, separators=(",", ":"))}
    if lea:
        fragment["lea"] = lea
    base = base_url if base_url.endswith("/") else base_url + "/"
    return f"{base}{page}#{urlencode(fragment, quote_via=quote)}"


def plan(learners: list[Learner], app_dir: Path, *, home_page: str, rotate: bool = False,
         roster: Path | None = None) -> tuple[list[Credential], dict[str, str]]:
    """One new LRS login per learner; returns the logins and employee_id -> auth header.

    Nothing is written here. A learner who already has a login is an error unless
    ``rotate`` (a new password: the old link stops working once Ralph restarts).
    """
    existing = _existing_users(app_dir)
    clashes = [lr for lr in learners if USER_PREFIX + lr.employee_id in existing]
    if clashes and not rotate:
        raise ContentErrors([ContentError(roster or "roster", lr.line,
                                          f"employee {lr.employee_id} already has an LRS login in "
                                          f"{Path(app_dir) / AUTH_FILE}; pass --rotate to issue a new link "
                                          "(the old one stops working)") for lr in clashes])
    credentials, auth = [], {}
    for learner in learners:
        username, password = USER_PREFIX + learner.employee_id, secrets.token_urlsafe(18)
        credentials.append(Credential(username, password, LEARNER_SCOPES, learner_actor(learner, home_page)))
        auth[learner.employee_id] = basic_auth(username, password)
    return credentials, auth


def apply(app_dir: Path, credentials: list[Credential]) -> None:
    """Write the logins into Ralph's auth.json, replacing a learner's previous one."""
    remove_users(app_dir, [cred.username for cred in credentials])
    write_credentials(app_dir, credentials)


def provision(learners: list[Learner], app_dir: Path, *, home_page: str, rotate: bool = False,
              roster: Path | None = None) -> dict[str, str]:
    credentials, auth = plan(learners, app_dir, home_page=home_page, rotate=rotate, roster=roster)
    apply(app_dir, credentials)
    return auth


def _existing_users(app_dir: Path) -> set[str]:
    path = Path(app_dir) / AUTH_FILE
    if not path.exists():
        return set()
    return {user["username"] for user in json.loads(path.read_text() or "[]")}


def write_links_csv(out: Path, learners: list[Learner], links: dict[str, str]) -> Path:
    """The mail-merge file, readable by its owner only (it holds secrets), written beside
    ``out`` under a temporary name: the caller moves it into place when all else is done."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        tmp.chmod(0o600)
        writer = csv.writer(handle)
        writer.writerow([*ROSTER_COLUMNS, "link"])
        for lr in learners:
            writer.writerow([lr.employee_id, lr.name, lr.email, lr.lea_code, lr.lea_name, lr.role,
                             links[lr.employee_id]])
    return tmp
