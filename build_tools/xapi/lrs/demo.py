"""Ralph beside the editor's preview (``isdp serve --lrs``) with a demo learner.

The demo learner's password is new on every start and lives only in Ralph's auth.json
(hashed) and in the launch link printed to the editor's terminal: never in the site.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from build_tools.core.settings import load_settings
from build_tools.xapi.links import LEARNER_SCOPES, basic_auth, default_home_page, launch_link
from build_tools.xapi.lrs.local import Credential, LocalLRS, remove_users, write_credentials
from build_tools.xapi.profile import account_actor

DEFAULT_DIR = Path(".isdp/lrs")
DEMO_USER = "demo-learner"
DEMO_LEA = "0000"


@dataclass
class Demo:
    lrs: LocalLRS
    link: str


def preview_origins(host: str, port: int) -> list[str]:
    hosts = {host, "127.0.0.1", "localhost"} if host in ("127.0.0.1", "localhost") else {host}
    return sorted(f"http://{name}:{port}" for name in hosts)


def start_demo(
    src: Path, host: str, port: int, lrs_port: int = 0, app_dir: Path | None = None
) -> Demo:
    """Start Ralph for the preview at ``http://host:port`` and return the demo launch link."""
    settings = load_settings(src)
    app_dir = Path(app_dir or Path(src) / DEFAULT_DIR)
    password = secrets.token_urlsafe(18)
    actor = account_actor(default_home_page(str(settings.site_url)), DEMO_USER)
    remove_users(app_dir, [DEMO_USER])
    write_credentials(app_dir, [Credential(DEMO_USER, password, LEARNER_SCOPES, actor)])
    lrs = LocalLRS(app_dir, port=lrs_port, cors_origins=preview_origins(host, port)).start()
    link = launch_link(
        f"http://{host}:{port}/", lrs.url, actor, basic_auth(DEMO_USER, password), lea=DEMO_LEA
    )
    return Demo(lrs, link)
