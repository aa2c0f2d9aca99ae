"""Markdown to a standalone, accessible HTML page for district packs (no external requests).

Printed (or saved as PDF) from a browser, each page carries a running header with the
district and the policy code and "Page X of Y" (CSS page margin boxes), and a draft carries
a diagonal "Proposed for adoption" watermark. The board packet puts every policy in one
file, each on its own pages with its own header (CSS named pages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from markdown_it import MarkdownIt

MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")

STYLE = """
body { font-family: system-ui, sans-serif; line-height: 1.5; max-width: 50rem; margin: 2rem auto;
       padding: 0 1rem; color: #1a1a1a; background: #fff; }
table { border-collapse: collapse; margin: 1rem 0; width: 100%; }
th, td { border: 1px solid #666; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #eee; }
tr { break-inside: avoid; }
h1, h2, h3 { break-after: avoid; }
a { color: #0b4f9c; }
:focus-visible { outline: 3px solid #1a5fb4; outline-offset: 2px; }
nav { margin-bottom: 1rem; }
.watermark { position: fixed; top: 45%; left: 0; right: 0; text-align: center;
             transform: rotate(-35deg); font-size: 3.2rem; font-weight: 700; white-space: nowrap;
             color: rgba(120, 120, 120, 0.18); pointer-events: none; z-index: -1; }
td.code { white-space: nowrap; }
@media print {
  nav { display: none; }
  body { margin: 0; max-width: none; padding: 0; font-size: 10.5pt; }
  section.policy + section.policy { break-before: page; }
}
@page { size: letter; margin: 0.9in 0.8in 0.8in;
        @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 9pt; } }
"""


@dataclass
class Part:
    """One document of a page: its Markdown, its running header and its anchor."""

    markdown: str
    header: str
    anchor: str


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _page_rule(name: str | None, header: str) -> str:
    selector = f"@page {name}" if name else "@page"
    return (
        f"{selector} {{ @top-left {{ content: {_css_string(header)}; font-size: 9pt; }} }}\n"
    )


def _html(markdown: str) -> str:
    """Markdown to HTML; a policy code (9901-11) is kept on one line."""
    return re.sub(r"<td>(\d{4}-\d{2})</td>", r'<td class="code">\1</td>', MARKDOWN.render(markdown))


def _document(
    title: str, lang: str, style: str, body: str, watermark: str | None, nav: str
) -> str:
    mark = f'<div class="watermark" aria-hidden="true">{escape(watermark)}</div>\n' if watermark else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}{style}</style>\n</head>\n<body>\n"
        f"{mark}{nav}<main>\n{body}</main>\n</body>\n</html>\n"
    )


def page(
    markdown: str,
    *,
    title: str,
    lang: str = "en",
    back: str | None = None,
    header: str | None = None,
    watermark: str | None = None,
) -> str:
    nav = f'<nav><a href="{escape(back)}">All policies of this pack</a></nav>\n' if back else ""
    return _document(
        title, lang, _page_rule(None, header or title), _html(markdown), watermark, nav
    )


def packet(
    parts: list[Part], *, title: str, lang: str = "en", watermark: str | None = None
) -> str:
    """Several documents in one printable page, each on new pages with its own header."""
    style, body = "", ""
    for index, part in enumerate(parts):
        name = f"part{index}"
        style += _page_rule(name, part.header) + f"#{part.anchor} {{ page: {name}; }}\n"
        body += (
            f'<section class="policy" id="{escape(part.anchor)}">\n'
            f"{_html(part.markdown)}</section>\n"
        )
    return _document(title, lang, style, body, watermark, "")
