"""Jinja2 environment for the report pages (autoescaped, templates shipped in the package)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=jinja2.select_autoescape(["html"]), undefined=jinja2.StrictUndefined,
    trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render(template: str, **values: Any) -> str:
    return _ENV.get_template(template).render(**values)
