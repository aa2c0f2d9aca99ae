"""Markdown to a standalone, accessible HTML page for district packs (no external requests)."""

from __future__ import annotations

from html import escape

from markdown_it import MarkdownIt

MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")

STYLE = """
body { font-family: system-ui, sans-serif; line-height: 1.5; max-width: 50rem; margin: 2rem auto;
       padding: 0 1rem; color: #1a1a1a; background: #fff; }
table { border-collapse: collapse; margin: 1rem 0; width: 100%; }
th, td { border: 1px solid #666; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #eee; }
a { color: #0b4f9c; }
:focus-visible { outline: 3px solid #1a5fb4; outline-offset: 2px; }
nav { margin-bottom: 1rem; }
@media print { nav { display: none; } }
"""


def page(markdown: str, *, title: str, lang: str = "en", back: str | None = None) -> str:
    nav = f'<nav><a href="{escape(back)}">All policies of this pack</a></nav>\n' if back else ""
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f"{nav}<main>\n{MARKDOWN.render(markdown)}</main>\n</body>\n</html>\n")
