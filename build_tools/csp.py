"""Content-Security-Policy: every built page declares that it loads nothing from elsewhere.

The site must never send a learner's data to a third party (FERPA, COPPA), so each page
carries ``<meta http-equiv="Content-Security-Policy">`` that allows scripts, styles, fonts,
images, frames and connections from the site's own origin only; connections may also go to
the LRS origins of ``site.yaml`` (``xapi.lrs_origins``).

The theme writes a few inline blocks (furo's colour-scheme script, its Pygments colours,
``style`` attributes on its icons). Rather than allow any inline code ('unsafe-inline'), the
policy lists the SHA-256 hash of each block a page contains, so an injected script or style
still cannot run. The hashes can only be known once a page is rendered, so the policy is
written into the pages after the build (``build-finished``); pages an incremental build left
alone get their policy refreshed too, which keeps it in step with site.yaml.

A ``<meta>`` policy cannot carry ``frame-ancestors`` (browsers ignore it there): a web server
that publishes the site should send ``Content-Security-Policy: frame-ancestors 'none'`` as a
header as well.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from sphinx.application import Sphinx

from .logging import Warn, warn
from .site import site_settings

# Script types a browser executes; other types (application/json, text/x-template) are data.
_JS_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}
_META = re.compile(r'\s*<meta http-equiv="Content-Security-Policy"[^>]*>', re.IGNORECASE)
_CHARSET = re.compile(r"<meta charset=[^>]*>", re.IGNORECASE)
_HEAD = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)


@dataclass
class InlineCode:
    """The inline code of one page: what the policy must allow by hash, and what it blocks."""

    scripts: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    style_attributes: list[str] = field(default_factory=list)
    blocked: list[tuple[int, str]] = field(default_factory=list)  # (line, what)


class _InlineCodeParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = InlineCode()
        self._open: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        script_type = (values.get("type") or "").strip().lower()
        if tag == "script" and "src" not in values and script_type in _JS_TYPES:
            self._open = ("script", [])
        elif tag == "style":
            self._open = ("style", [])
        for name, value in attrs:
            if name == "style" and value is not None:
                self.found.style_attributes.append(value)
            elif name.startswith("on"):
                self.found.blocked.append((self.getpos()[0], f"inline event handler {name}= on <{tag}>"))
            elif name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.blocked.append((self.getpos()[0], f"javascript: URL in {name}= on <{tag}>"))

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag == self._open[0]:
            kind, parts = self._open
            (self.found.scripts if kind == "script" else self.found.styles).append("".join(parts))
            self._open = None


def inline_code(html: str) -> InlineCode:
    parser = _InlineCodeParser()
    parser.feed(_META.sub("", html))
    parser.close()
    return parser.found


def source_hash(text: str) -> str:
    """A CSP hash source for an inline block or attribute, exactly as the browser hashes it."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _hashes(texts: list[str]) -> list[str]:
    return sorted({source_hash(text) for text in texts})


def policy(code: InlineCode, connect_origins: list[str], extra_scripts: Sequence[str] = ()) -> str:
    """The policy of one page. Every fetch directive is 'self' plus what the page needs."""
    attribute_hashes = _hashes(code.style_attributes)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *_hashes(code.scripts), *extra_scripts],
        "style-src": ["'self'", *_hashes(code.styles)],
        # 'unsafe-hashes' lets listed hashes match style="" attributes (the theme's icons and
        # index tables). It is far narrower than 'unsafe-inline': only these exact values.
        "style-src-attr": ["'unsafe-hashes'", *attribute_hashes] if attribute_hashes else ["'none'"],
        # data: images are the theme's CSS icons, drawn inside the page, never fetched.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'", *connect_origins],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def apply(html: str, connect_origins: list[str], extra_scripts: Sequence[str] = ()) -> tuple[str, InlineCode]:
    """Return the page with its policy (replacing an older one) and what the page inlines."""
    code = inline_code(html)
    content = policy(code, connect_origins, extra_scripts)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content}">'
    html = _META.sub("", html)
    anchor = _CHARSET.search(html) or _HEAD.search(html)
    if anchor is None:
        return html, code
    return f"{html[:anchor.end()]}\n    {meta}{html[anchor.end():]}", code


# sphinx-autobuild (`isdp serve`) injects an inline live-reload script into every page it
# serves; `isdp serve` passes its address so the preview's policy can allow that one script.
def _preview_sources(ws_address: str) -> tuple[list[str], list[str]]:
    if not ws_address:
        return [], []
    from sphinx_autobuild.middleware import web_socket_script

    script = re.search(r"<script>(.*)</script>", web_socket_script(ws_address), re.DOTALL)
    return ([source_hash(script.group(1))] if script else []), [f"ws://{ws_address}"]


def _location(app: Sphinx, page: Path, line: int) -> object:
    """The source of a built page where there is one (its lines differ: no line number)."""
    docname = page.relative_to(app.outdir).with_suffix("").as_posix()
    return (docname, None) if docname in app.env.all_docs else f"{page}:{line}"


def _write_policies(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    connect = list(site_settings(app).xapi.lrs_origins)
    preview_scripts, preview_connect = _preview_sources(app.config.isdp_preview_ws)
    for page in sorted(Path(app.outdir).rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        new_html, code = apply(html, [*connect, *preview_connect], preview_scripts)
        for line, what in code.blocked:
            warn(Warn.CSP, f"{what} (line {line} of the built page) is blocked by the "
                 "Content-Security-Policy: put the code in a script file under build_tools/static/",
                 _location(app, page, line))
        if new_html != html:
            page.write_text(new_html, encoding="utf-8")


def setup_csp(app: Sphinx) -> None:
    # Set by `isdp serve` (host:port of sphinx-autobuild); empty for a published build.
    app.add_config_value("isdp_preview_ws", "", "", types=[str])
    app.connect("build-finished", _write_policies)
