"""Shared fixtures: small sites in tmp_path, the shipped site built once, a loopback web
server, headless Chromium (Debian's, through Playwright) and a real Ralph LRS."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own site, built once per test session; it must build cleanly."""
    out = tmp_path_factory.mktemp("shipped") / "html"
    result = build(REPO, out, status=None)
    assert result.ok, "\n".join(result.warnings + [result.error or ""])
    return out


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


@pytest.fixture
def local_lrs(tmp_path: Path):
    """A real Ralph LRS on a free loopback port, with an all-scopes admin login ``ADMIN``."""
    from build_tools.xapi.lrs.local import Credential, LocalLRS, write_credentials

    app_dir = tmp_path / "lrs"
    write_credentials(app_dir, [Credential(ADMIN[0], ADMIN[1], ("all",),
                                           {"objectType": "Agent", "mbox": "mailto:lrs-admin@example.org"})])
    with LocalLRS(app_dir) as lrs:
        yield lrs
