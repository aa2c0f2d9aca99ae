"""Content-Security-Policy: every built page declares that it loads nothing from elsewhere.

The site must never send a learner's data to a third party (FERPA, COPPA), so each page
carries ``<meta http-equiv="Content-Security-Policy">`` that allows scripts, styles, fonts,
images, frames and connections from the site's own origin only; connections may also go to
the LRS origins of ``site.yaml`` (``xapi.lrs_origins``).

Inline code a page's content brings (a ``<script>`` written into Markdown or raw HTML, inside
the theme's ``<article role="main">``) is not trusted: the build fails unless site.yaml lists
the script's hash with a reason (``csp.inline_scripts``), so a pasted script never runs.

The theme writes a few inline blocks (furo's colour-scheme script, its Pygments colours,
``style`` attributes on its icons). Rather than allow any inline code ('unsafe-inline'), the
policy lists the SHA-256 hash of each block a page contains, so an injected script or style
still cannot run. The hashes can only be known once a page is rendered, so the policy goes in
as each page leaves the template engine (page_templates.py, Sphinx's ``template_bridge``):
only pages this build writes are parsed, and a change to site.yaml rewrites every page.

A ``<meta>`` policy cannot carry ``frame-ancestors`` (browsers ignore it there): a web server
that publishes the site should send ``Content-Security-Policy: frame-ancestors 'none'`` as a
header as well.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html
from sphinx.application import Sphinx

from build_tools.site.config import site_settings
from build_tools.site.diagnostics import Warn, warn

# Script types a browser executes; other types (application/json, text/x-template) are data.
_JS_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}
_META = re.compile(r'\s*<meta http-equiv="Content-Security-Policy"[^>]*>', re.IGNORECASE)
# _META's leading \s* makes it try every position of a page (4 ms at 1,000 pages, where each
# page's navigation lists every page); this, without it, finds in no time whether it has work.
_META_START = re.compile(r'<meta http-equiv="Content-Security-Policy"', re.IGNORECASE)
_CHARSET = re.compile(r"<meta charset=[^>]*>", re.IGNORECASE)
_HEAD = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)


@dataclass
class InlineCode:
    """The inline code of one page: what the policy must allow by hash, and what it blocks."""

    scripts: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    style_attributes: list[str] = field(default_factory=list)
    blocked: list[tuple[int, str]] = field(default_factory=list)  # (line, what)
    content_scripts: list[tuple[int, str]] = field(default_factory=list)  # (line, code)


# libxml2 finds what a browser would run or apply inline, without a Python loop per element.
# Of the links, only those with a scheme (a ':') come back to Python, which checks for
# javascript: a page links every page in its navigation by a relative URL, and a Python step
# per link was the largest cost per page that grew with the site (9 of 13 ms at 1,000 pages).
_INLINE = etree.XPath("//script[not(@src)] | //style | //@style | //@*[starts-with(name(), 'on')]"
                      " | //@href[contains(., ':')] | //@src[contains(., ':')] | //@action[contains(., ':')]")
_CONTENT = etree.XPath("//article[@role='main']//script[not(@src)]")  # what the page's author wrote


def _without_policy(html: str) -> str:
    return _META.sub("", html) if _META_START.search(html) else html


def inline_code(html: str) -> InlineCode:
    """What a page runs or applies inline; lxml reads a built page in about 1 ms."""
    found = InlineCode()
    document = lxml_html.document_fromstring(_without_policy(html))
    authored = _CONTENT(document)  # kept alive: lxml then hands out the same element objects
    content = {id(element) for element in authored}
    for item in _INLINE(document):
        if isinstance(item, str):  # an attribute value
            name, element = item.attrname, item.getparent()
            if name == "style":
                found.style_attributes.append(str(item))
            elif name.startswith("on"):
                found.blocked.append((element.sourceline, f"inline event handler {name}= on <{element.tag}>"))
            elif name in ("href", "src", "action") and item.strip().lower().startswith("javascript:"):
                found.blocked.append((element.sourceline, f"javascript: URL in {name}= on <{element.tag}>"))
        elif item.tag == "style":
            found.styles.append(item.text or "")
        elif (item.get("type") or "").strip().lower() in _JS_TYPES:
            if id(item) in content:
                found.content_scripts.append((item.sourceline, item.text or ""))
            else:
                found.scripts.append(item.text or "")
    return found


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


def apply(html: str, connect_origins: list[str], extra_scripts: Sequence[str] = (),
          allowed_content: Sequence[str] = ()) -> tuple[str, InlineCode]:
    """Return the page with its policy (replacing an older one) and what the page inlines.

    A content script runs only when its hash is in ``allowed_content`` (site.yaml); any other
    is added to ``blocked``, and its hash stays out of the policy."""
    code = inline_code(html)
    for line, text in code.content_scripts:
        digest = source_hash(text)
        if digest.strip("'") in allowed_content:
            code.scripts.append(text)
        else:
            code.blocked.append((line, f"inline <script> {digest} in the page's content"))
    content = policy(code, connect_origins, extra_scripts)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content}">'
    html = _without_policy(html)
    anchor = _CHARSET.search(html) or _HEAD.search(html)
    if anchor is None:
        return html, code
    return f"{html[:anchor.end()]}\n    {meta}{html[anchor.end():]}", code


# sphinx-autobuild (`isdp serve`) injects an inline live-reload script into every page it
# serves; `isdp serve` passes its address so the preview's policy can allow that one script.
# The same for every page of a build, so worked out once.
@functools.lru_cache(maxsize=4)
def _preview_sources(ws_address: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not ws_address:
        return (), ()
    from sphinx_autobuild.middleware import web_socket_script

    script = re.search(r"<script>(.*)</script>", web_socket_script(ws_address), re.DOTALL)
    return ((source_hash(script.group(1)),) if script else ()), (f"ws://{ws_address}",)


def with_policy(app: Sphinx, pagename: str, html: str) -> str:
    settings = site_settings(app)
    connect = list(settings.xapi.lrs_origins)
    preview_scripts, preview_connect = _preview_sources(app.config.isdp_preview_ws)
    allowed = [script.hash for script in settings.csp.inline_scripts]
    # The search page runs Pagefind's WebAssembly (search.py); no other page may compile any.
    wasm = ("'wasm-unsafe-eval'",) if pagename == "search" else ()
    new_html, code = apply(html, [*connect, *preview_connect], (*preview_scripts, *wasm), allowed)
    location = (pagename, None) if pagename in app.env.all_docs else f"{pagename}.html"
    for line, what in code.blocked:
        warn(Warn.CSP, f"{what} (line {line} of the built page) is blocked by the "
             "Content-Security-Policy: put the code in a script file under build_tools/static/"
             + (" (or list its hash with a reason under csp.inline_scripts in site.yaml)"
                if "page's content" in what else ""),
             location)
    return new_html


def setup_csp(app: Sphinx) -> None:
    # Set by `isdp serve` (host:port of sphinx-autobuild); empty for a published build. A
    # change rewrites every page, so none keeps a policy without the live-reload script.
    app.add_config_value("isdp_preview_ws", "", "html", types=[str])
