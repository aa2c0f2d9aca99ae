"""Browser helpers of the quality tests: record everything a page does while it loads.

A page is opened in a fresh browser context and everything the quality gates look at is
recorded: every request (requests to another
origin are recorded and aborted, so nothing leaves the machine even when a test fails),
console errors, uncaught exceptions, Content-Security-Policy violations, cookies, and
axe-core's WCAG 2.0/2.1 A and AA results in the light and the dark colour scheme.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCHEMES = ("light", "dark")
VIEWPORT = {"width": 1280, "height": 900}

# Recorded from the first moment of each document, before the page's own scripts run.
RECORDER = """
window.__isdp = {csp: []};
document.addEventListener("securitypolicyviolation", (event) => {
  window.__isdp.csp.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline code"}`
    + ` at ${event.sourceFile || "?"}:${event.lineNumber}`);
});
"""

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((node) => node.target.join(" ")),
  }));
}"""

_REFRESH = re.compile(rb'<meta http-equiv="refresh"[^>]*>', re.IGNORECASE)


@dataclass
class PageAudit:
    path: str
    requests: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)  # requests that carry data (not GET/HEAD)
    foreign_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    cookies: list[str] = field(default_factory=list)
    axe: dict[str, list[dict]] = field(default_factory=dict)


def same_origin(url: str, origin: str) -> bool:
    """True for the site's own origin, and for data:/blob: URLs that never leave the page."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return f"{parts.scheme}://{parts.netloc}" == origin


class Recorder:
    """One browser context that records everything its page does, page after page.

    The context is reused from page to page, so the theme's files come from the browser's
    cache as they do for a reader; a request to another origin is never cached (it is
    aborted), so it is caught on every page that makes it.
    """

    def __init__(self, chromium, base_url: str, scheme: str = "light"):
        self.base_url = base_url
        self.audit = PageAudit("")
        self.context = chromium.new_context(viewport=VIEWPORT, color_scheme=scheme)
        self.context.add_init_script(RECORDER)
        own = re.escape(base_url + "/")
        self.context.route(re.compile(f"^(?!{own})"), self._abort_foreign)
        self.context.route(re.compile(f"^{own}.*\\.html(\\?.*)?$"), self._without_refresh)
        self.page = self.context.new_page()
        self.page.on("request", self._record)
        self.page.on("console", lambda message: self.audit.console_errors.append(message.text)
                     if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.audit.page_errors.append(str(error)))

    def _record(self, request) -> None:
        self.audit.requests.append(request.url)
        if request.method not in ("GET", "HEAD"):
            self.audit.sent.append(f"{request.method} {request.url}")

    def _abort_foreign(self, route, request) -> None:
        self.audit.foreign_requests.append(request.url)
        route.abort()

    def _without_refresh(self, route, request) -> None:
        # Narrow exception: a page that only redirects (the root index.html, by meta
        # refresh) is audited with the refresh removed, so that axe and the recorders see
        # that page itself rather than the page it leads to.
        response = route.fetch()
        route.fulfill(response=response, body=_REFRESH.sub(b"", response.body()))

    def visit(self, audit: PageAudit):
        """Open ``audit.path``, record into ``audit``, and return the page once it is idle."""
        self.audit = audit
        self.page.goto(f"{self.base_url}/{audit.path}")
        self.page.wait_for_load_state("networkidle")
        return self.page

    def finish(self) -> PageAudit:
        """Collect what the page recorded itself; then forget cookies before the next page."""
        audit = self.audit
        audit.csp_violations += self.page.evaluate("window.__isdp.csp")
        audit.cookies += [f"{c['name']} ({c['domain']})" for c in self.context.cookies()]
        if self.page.evaluate("document.cookie"):
            audit.cookies.append(f"document.cookie = {self.page.evaluate('document.cookie')!r}")
        self.context.clear_cookies()
        return audit

    def close(self) -> None:
        self.context.close()


def open_recorded(chromium, base_url: str, path: str, audit: PageAudit):
    """A fresh recorder on one page; returns the recorder and the page."""
    recorder = Recorder(chromium, base_url)
    return recorder, recorder.visit(audit)


def run_axe(page, axe_source: str) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which a page's CSP does not govern; the
        # library stays in node_modules (npm), never in the site or the repository.
        page.evaluate(axe_source)
    return page.evaluate(RUN_AXE, AXE_TAGS)


def report(failures: dict[str, list[str]]) -> str:
    """A readable failure message: each failing page with its problems."""
    lines = []
    for path, problems in failures.items():
        lines.append(f"{path}:")
        lines += [f"  - {problem}" for problem in problems]
    return "\n".join(lines)
