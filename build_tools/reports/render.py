"""Jinja2 environments for the report pages (templates shipped in the package).

HTML templates are autoescaped. Markdown templates escape ``|`` in every value, so a data
file's text cannot break a table (CommonMark renders ``\\|`` as ``|``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

_LOADER = jinja2.FileSystemLoader(Path(__file__).parent / "templates")
_COMMON = dict(
    loader=_LOADER,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_HTML = jinja2.Environment(autoescape=True, **_COMMON)
_MARKDOWN = jinja2.Environment(
    autoescape=False,
    finalize=lambda v: v.replace("|", "\\|").replace("\n", " ") if isinstance(v, str) else v,
    **_COMMON,
)


def render(template: str, **values: Any) -> str:
    env = _MARKDOWN if template.endswith(".md") else _HTML
    return env.get_template(template).render(**values)
