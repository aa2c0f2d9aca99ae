"""Personal launch links for deployments without an LMS (``isdp learners links``).

Each learner gets one Ralph login that may write statements and read only their own
(scopes ``statements/write`` + ``statements/read/mine``, agent = their account actor), and
a link whose URL *fragment* carries the endpoint, the actor and that credential: browsers
never send a fragment to the web server, so it is in no server log. tracking.js reads it,
keeps it in sessionStorage and removes it from the address bar.

The roster is read by the compliance reports' reader (build_tools/core/roster.py), so a
roster that produces links is one the training report accepts.
"""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote, urlencode, urlsplit

from build_tools.core import spreadsheet
from build_tools.core.errors import ContentError, ContentErrors
from build_tools.core.roster import COLUMNS as ROSTER_COLUMNS
from build_tools.core.roster import Employee as Learner
from build_tools.xapi.lrs.local import AUTH_FILE, Credential, remove_users, write_credentials
from build_tools.xapi.profile import account_actor

LEARNER_SCOPES = ("statements/write", "statements/read/mine")
USER_PREFIX = "learner-"
# Where a link lands: the training page, which lists the courses.
LANDING_PAGE = "courses/index.html"


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


def launch_link(
    base_url: str,
    endpoint: str,
    actor: dict[str, Any],
    auth: str,
    lea: str | None = None,
    page: str = LANDING_PAGE,
) -> str:
    """A personal link: everything secret sits after ``#``, where no server sees it."""
    fragment = {
        "endpoint": endpoint,
        "auth": auth,
        "actor": json.dumps(actor, separators=(",", ":")),
    }
    if lea:
        fragment["lea"] = lea
    base = base_url if base_url.endswith("/") else base_url + "/"
    return f"{base}{page}#{urlencode(fragment, quote_via=quote)}"


def plan(
    learners: list[Learner],
    app_dir: Path,
    *,
    home_page: str,
    rotate: bool = False,
    roster: Path | None = None,
) -> tuple[list[Credential], dict[str, str]]:
    """One new LRS login per learner; returns the logins and employee_id -> auth header.

    Nothing is written here. A learner who already has a login is an error unless
    ``rotate`` (a new password: the old link stops working once Ralph restarts).
    """
    existing = _existing_users(app_dir)
    clashes = [lr for lr in learners if USER_PREFIX + lr.employee_id in existing]
    if clashes and not rotate:
        raise ContentErrors(
            [
                ContentError(
                    roster or "roster",
                    lr.line,
                    f"employee {lr.employee_id} already has an LRS login in "
                    f"{Path(app_dir) / AUTH_FILE}; pass --rotate to issue a new link "
                    "(the old one stops working)",
                )
                for lr in clashes
            ]
        )
    credentials, auth = [], {}
    for learner in learners:
        username, password = USER_PREFIX + learner.employee_id, secrets.token_urlsafe(18)
        credentials.append(
            Credential(username, password, LEARNER_SCOPES, learner_actor(learner, home_page))
        )
        auth[learner.employee_id] = basic_auth(username, password)
    return credentials, auth


def apply(app_dir: Path, credentials: list[Credential]) -> None:
    """Write the logins into Ralph's auth.json, replacing a learner's previous one."""
    remove_users(app_dir, [cred.username for cred in credentials])
    write_credentials(app_dir, credentials)


def provision(
    learners: list[Learner],
    app_dir: Path,
    *,
    home_page: str,
    rotate: bool = False,
    roster: Path | None = None,
) -> dict[str, str]:
    credentials, auth = plan(learners, app_dir, home_page=home_page, rotate=rotate, roster=roster)
    apply(app_dir, credentials)
    return auth


def _existing_users(app_dir: Path) -> set[str]:
    path = Path(app_dir) / AUTH_FILE
    if not path.exists():
        return set()
    return {user["username"] for user in json.loads(path.read_text() or "[]")}


def write_links_csv(handle: TextIO, learners: list[Learner], links: dict[str, str]) -> None:
    """The mail-merge file (it holds secrets: the caller opens it private, through
    core/atomic.py); no cell can run as a formula (core/spreadsheet.py)."""
    writer = spreadsheet.writer(handle)
    writer.writerow([*ROSTER_COLUMNS, "link"])
    for lr in learners:
        writer.writerow(
            [
                lr.employee_id,
                lr.name,
                lr.email,
                lr.lea_code,
                lr.lea_name,
                lr.role,
                links[lr.employee_id],
            ]
        )
