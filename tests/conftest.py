"""Shared fixtures: small sites in tmp_path, the shipped site built once per run (shared by
the xdist workers), a loopback web server, headless Chromium (Debian's, through Playwright)
and a real Ralph LRS per session that gives each test fresh logins."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from build_tools.site.build import BuildResult, build

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
# Flags that keep Chromium off the network it cannot reach here (no background services).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


MINIMAL_DUTIES = """duties:
  - id: 55.1-7
    source: Rule 55.1 section 7
    summary: Notify the MDE ISO within 24 hours.
"""
MINIMAL_MAP = "55.1-7: {pages: [content/index]}\n"


def page_text(title: str, body: str = "", description: str = "A small test page of the ISDP site.") -> str:
    """A valid Markdown page with front matter."""
    return f"---\ndescription: {description}\n---\n\n# {title}\n\n{body}\n"


@pytest.fixture
def make_site(tmp_path: Path):
    """Create a small site: the real conf.py and site.yaml plus the given files.

    ``make_site({"content/index.md": "..."})`` returns the source directory. Without
    ``copy_content`` the site gets the real data files but a one-duty traceability map
    served by ``content/index`` (override any file through ``pages``); with it, a full copy
    of the shipped content.
    """

    def _make(pages: dict[str, str] | None = None, *, copy_content: bool = False) -> Path:
        src = tmp_path / "site"
        src.mkdir(exist_ok=True)
        shutil.copy(REPO / "conf.py", src)
        shutil.copy(REPO / "site.yaml", src)
        if copy_content:
            for folder in ("content", "guidance", "courses"):
                if (REPO / folder).exists():
                    shutil.copytree(REPO / folder, src / folder, dirs_exist_ok=True)
        else:
            shutil.copytree(REPO / "content" / "data", src / "content" / "data")
            (src / "content" / "data" / "duties.yaml").write_text(MINIMAL_DUTIES, encoding="utf-8")
            (src / "content" / "data" / "traceability.yaml").write_text(MINIMAL_MAP, encoding="utf-8")
        for name, text in (pages or {}).items():
            path = src / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return src

    return _make


@pytest.fixture
def build_site(tmp_path: Path):
    """Build a source directory into tmp_path/out and return the result."""

    def _build(src: Path, builder: str = "html") -> BuildResult:
        return build(src, tmp_path / "out", builder=builder, status=None)

    return _build


def build_once(tmp_path_factory: pytest.TempPathFactory, name: str, make_src: Callable[[Path], Path]) -> Path:
    """Build a site once per test run, whatever the number of xdist workers: the first worker
    to ask builds it under a file lock, the others wait and reuse the output (or its failure).

    ``make_src(folder)`` returns the source directory to build; the HTML goes to
    ``<run temp>/<name>/html``.
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, shared by the workers (as xdist's docs do)
    folder = root / name
    outcome = root / f"{name}.json"
    with FileLock(str(root / f"{name}.lock")):
        if not outcome.exists():
            folder.mkdir(exist_ok=True)
            result = build(make_src(folder), folder / "html", status=None)
            outcome.write_text(json.dumps({"ok": result.ok, "problems": result.warnings + [result.error or ""]}))
    built = json.loads(outcome.read_text())
    assert built["ok"], "\n".join(built["problems"])
    return folder / "html"


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own site, built once per test run; it must build cleanly."""
    return build_once(tmp_path_factory, "shipped", lambda folder: REPO)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    log_lines: list[str]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        self.log_lines.append(format % args)


@pytest.fixture(scope="session")
def site_server(shipped_site: Path) -> Iterator[str]:
    """Serve the shipped site on a free loopback port; yields its base URL."""
    handler = type("Handler", (_QuietHandler,), {"log_lines": []})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(shipped_site)))
    server.request_log = handler.log_lines  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def chromium():
    """Debian's headless Chromium driven by Playwright (never a downloaded browser)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run .ci/install (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    page = context.new_page()
    yield page
    context.close()


ADMIN = ("isdp-admin", "admin-password-for-tests")


class SessionRalph:
    """One real Ralph for the whole session (per xdist worker); each test takes fresh logins.

    Ralph reads its auth.json once, at its first request, so logins are written in batches
    before a start: ``provision(app_dir, n)`` writes the n-th set (as the test will use it) and
    returns what the test needs. When a batch is used up, the next one is written and Ralph
    restarts (on a new port) with the statements it already stored.
    """

    def __init__(self, app_dir: Path, provision: Callable[[Path, int], Any], *,
                 cors_origins: list[str] | None = None, batch: int = 12):
        self.app_dir, self.provision, self.batch = app_dir, provision, batch
        self.cors_origins = cors_origins or []
        self.server = None
        self.ready: list[Any] = []
        self.made = 0

    def take(self) -> tuple[Any, Any]:
        from build_tools.xapi.lrs.local import LocalLRS

        if not self.ready:
            self.stop()
            self.ready = [self.provision(self.app_dir, self.made + i) for i in range(self.batch)]
            self.made += self.batch
            self.server = LocalLRS(self.app_dir, cors_origins=self.cors_origins).start()
        return self.server, self.ready.pop(0)

    def stop(self) -> None:
        if self.server:
            self.server.stop()


@dataclass
class LrsLogin:
    """A running Ralph and a login of this test only: it may write, and read what it wrote."""

    server: Any
    admin: tuple[str, str]
    mbox: str  # the login's agent, which Ralph stamps as the authority of what it writes

    @property
    def url(self) -> str:
        return self.server.url


def _writer_login(app_dir: Path, n: int) -> tuple[tuple[str, str], str]:
    from build_tools.xapi.lrs.local import Credential, write_credentials

    login = (f"writer-{n}", f"writer-{n}-password-for-tests")
    # Not "all": a login without statements/read sees only the statements it wrote, so the
    # tests sharing this Ralph never see each other's.
    mbox = f"mailto:writer-{n}@example.org"
    write_credentials(app_dir, [Credential(*login, ("statements/write", "statements/read/mine"),
                                           {"objectType": "Agent", "mbox": mbox})])
    return login, mbox


@pytest.fixture(scope="session")
def session_ralph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SessionRalph]:
    ralph = SessionRalph(tmp_path_factory.mktemp("ralph"), _writer_login)
    yield ralph
    ralph.stop()


@pytest.fixture
def local_lrs(session_ralph: SessionRalph) -> LrsLogin:
    """A real Ralph LRS on loopback and a fresh login ``local_lrs.admin`` of this test."""
    server, (admin, mbox) = session_ralph.take()
    return LrsLogin(server, admin, mbox)
