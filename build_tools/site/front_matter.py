"""Page front matter: declared once, checked by ``isdp check`` and by every build."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sphinx.application import Sphinx

from build_tools.core import yamlfile
from build_tools.core.errors import ContentError, ContentErrors
from build_tools.site.diagnostics import Warn, warn_error

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(\n|\Z)", re.DOTALL)


class PageFrontMatter(BaseModel):
    """The keys a Markdown page may set between its opening ``---`` lines."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(
        min_length=20,
        max_length=300,
        description="One or two sentences shown by search engines and in link previews.",
    )
    title: str | None = Field(None, description="Overrides the first heading in the browser tab.")
    orphan: bool = Field(False, description="The page is not in any table of contents.")
    nosearch: bool = Field(False, description="Keep the page out of the site search.")
    tocdepth: int | None = Field(None, ge=1, le=6, description="Depth of the page's own contents.")
    myst: dict[str, Any] | None = Field(None, description="MyST settings for this page only.")
    html_meta: dict[str, str] | None = Field(None, description="Extra <meta> tags.")


def check_text(text: str, path: Path | str) -> list[ContentError]:
    """Errors in the front matter of one Markdown text (none when it is valid)."""
    match = FRONT_MATTER.match(text)
    if not match:
        return [ContentError(path, 1, "front matter is missing: start the page with '---', "
                                      "a 'description:' line and '---'")]
    try:
        located = yamlfile.parse(match.group(1) or "", path, offset=1)
        if not isinstance(located.data, dict):
            return [ContentError(path, 2, "front matter must be a mapping of 'key: value' lines")]
        yamlfile.validate(PageFrontMatter, located)
    except ContentError as exc:
        return [exc]
    except ContentErrors as exc:
        return [ContentError(e.path, e.line, f"front matter: {e.message}") for e in exc.errors]
    return []


def check_pages(srcdir: Path, pages: list[Path]) -> list[ContentError]:
    errors: list[ContentError] = []
    for page in pages:
        try:
            text = yamlfile.read_text(page)
        except ContentError as exc:  # binary or not UTF-8: the one error of that page
            errors.append(exc)
            continue
        errors.extend(check_text(text, page))
    return errors


def _check_on_read(app: Sphinx, docname: str, source: list[str]) -> None:
    path = Path(app.env.doc2path(docname))
    if path.suffix == ".md":
        for error in check_text(source[0], path):
            warn_error(Warn.FRONT_MATTER, error)


def setup_front_matter(app: Sphinx) -> None:
    yamlfile.route_myst()  # MyST reads front matter and directive options with our checks too
    app.connect("source-read", _check_on_read)
