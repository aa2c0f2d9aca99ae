"""Notebook modules: a ``.ipynb`` read with nbformat becomes the same MyST text a ``.md`` is.

Markdown cells are content, verbatim (a ``{quiz}`` block may sit in one). A Markdown cell
whose metadata holds ``"isdp": {"quiz": "<id>", "kind": ..., "select": ...}`` is a quiz
cell: its source is the quiz body and gets wrapped in a ``{quiz}`` fence. A first raw cell
that starts with ``---`` is the page's front matter. Code cells are refused: modules are
read, never executed.

Each source line is put on the line it has in the notebook's JSON file, so every warning
(ours, MyST's, Sphinx's) names the line an editor finds in the ``.ipynb``. Only front
matter moves (to the top, where MyST expects it); ``linemap`` maps it back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from myst_parser.parsers.sphinx_ import MystParser

from build_tools.core import yamlfile
from build_tools.core.errors import ContentError, ContentErrors
from build_tools.site import front_matter
from build_tools.site.diagnostics import Warn, warn_error

if TYPE_CHECKING:  # nbformat (and jsonschema) load only when a notebook is read: 0.1 s
    import nbformat


@dataclass
class Converted:
    text: str
    linemap: dict[int, int] = field(default_factory=dict)
    """Text line -> file line, where they differ (front matter)."""

    def file_line(self, line: int | None) -> int | None:
        return self.linemap.get(line, line) if line else line


class _Placer:
    """Builds the text so that a line lands on a given line number when there is room."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def place(self, lines: list[str], at: int) -> None:
        while len(self.lines) < at - 1:
            self.lines.append("")
        if self.lines and self.lines[-1].strip():
            self.lines.append("")  # cells are separate blocks even when packed
        self.lines.extend(lines)


def _source_lines(located: yamlfile.Located, index: int, source: str) -> tuple[list[str], int]:
    lines = source.split("\n")
    return lines, located.line(("cells", index, "source", 0))


def notebook_to_myst(text: str, path: Path | str) -> Converted:
    """Convert notebook JSON text to MyST Markdown; raise ContentErrors with JSON lines."""
    import nbformat

    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises several types for unreadable JSON
        raise ContentError(path, None, f"not a readable Jupyter notebook: {exc}") from None
    # JSON is YAML: the composer gives the file line of every cell and source line.
    located = yamlfile.parse(text.replace("\t", "    "), path)
    placer, converted, errors = _Placer(), Converted(""), []
    for index, cell in enumerate(notebook.cells):
        cell_line = located.line(("cells", index))
        lines, at = _source_lines(located, index, cell.source)
        if cell.cell_type == "code":
            errors.append(
                ContentError(
                    path,
                    cell_line,
                    f"cell {index + 1} is a code cell; a module notebook holds Markdown cells only",
                )
            )
        elif cell.cell_type == "raw":
            if index == 0 and cell.source.startswith("---"):
                placer.place(lines, 1)
                converted.linemap.update({n + 1: at + n for n in range(len(lines))})
            else:
                errors.append(
                    ContentError(
                        path,
                        cell_line,
                        f"cell {index + 1} is a raw cell; only "
                        "the first cell may be raw (front matter)",
                    )
                )
        elif "quiz" in cell.metadata.get("isdp", {}):
            placer.place(*_quiz_cell(cell, lines, at))
            placer.lines.append(_fence(cell.source))
        else:
            placer.place(lines, at)
    if errors:
        raise ContentErrors(errors)
    converted.text = "\n".join(placer.lines) + "\n"
    return converted


def _fence(source: str) -> str:
    longest = max((len(m) for m in re.findall(r"^\s*(:{3,})", source, re.MULTILINE)), default=2)
    return ":" * max(longest + 1, 4)


def _quiz_cell(cell, lines: list[str], at: int) -> tuple[list[str], int]:
    meta = cell.metadata["isdp"]
    header = [f"{_fence(cell.source)}{{quiz}} {meta['quiz']}"]
    header += [f":{key}: {meta[key]}" for key in ("kind", "select") if key in meta]
    header.append("")
    return header + lines, at - len(header)


def check_notebook(path: Path) -> tuple[Converted | None, list[ContentError]]:
    """Convert a notebook and check its front matter; errors carry the notebook's lines."""
    try:
        converted = notebook_to_myst(path.read_text(encoding="utf-8"), path)
    except ContentError as exc:
        return None, [exc]
    except ContentErrors as exc:
        return None, exc.errors
    errors = [
        ContentError(e.path, converted.file_line(e.line), e.message)
        for e in front_matter.check_text(converted.text, path)
    ]
    return converted, errors


def markdown_to_notebook(text: str) -> nbformat.NotebookNode:
    """Split a Markdown module into notebook cells (front matter, one cell per heading,
    one quiz cell per top-level ``{quiz}``, marked in metadata). Editors use it to move a
    module to Jupyter; the tests use it to prove both routes give the same page."""
    import nbformat
    from myst_parser.parsers.directives import parse_directive_text

    from build_tools.courses.questions import QuizSpec, markdown_parser

    lines = text.split("\n")
    cells: list[nbformat.NotebookNode] = []
    chunk: list[str] = []

    def flush() -> None:
        while chunk and not chunk[-1].strip():
            chunk.pop()
        if any(line.strip() for line in chunk):
            cells.append(nbformat.v4.new_markdown_cell("\n".join(chunk)))
        chunk.clear()

    position = 0
    for token in markdown_parser().parse(text):
        if token.level != 0 or not token.map or token.nesting == -1:
            continue
        start, end = token.map
        if token.type == "front_matter":
            cells.append(nbformat.v4.new_raw_cell("\n".join(lines[start:end])))
        elif token.type == "heading_open":
            flush()
            chunk.extend(lines[start:end])
        elif token.type == "colon_fence" and token.info.strip().startswith("{quiz}"):
            flush()
            parsed = parse_directive_text(QuizSpec, token.info.strip()[6:].strip(), token.content)
            meta = {"quiz": parsed.arguments[0], **{k: v for k, v in parsed.options.items()}}
            cells.append(
                nbformat.v4.new_markdown_cell(
                    "\n".join(parsed.body).rstrip(), metadata={"isdp": meta}
                )
            )
        else:
            chunk.extend(lines[position:start] if chunk else [])
            chunk.extend(lines[start:end])
        position = end
    flush()
    notebook = nbformat.v4.new_notebook()
    for index, cell in enumerate(cells):
        cell.id = f"cell-{index + 1}"  # stable ids keep diffs of regenerated notebooks small
    notebook.cells = cells
    return notebook


class NotebookParser(MystParser):
    """Sphinx parser for ``.ipynb`` modules: convert, then parse as MyST."""

    supported = ("ipynb",)

    def parse(self, inputstring: str, document: nodes.document) -> None:
        path = Path(document.settings.env.doc2path(document.settings.env.docname))
        try:
            converted = notebook_to_myst(inputstring, path)
        except (ContentError, ContentErrors) as exc:
            for error in exc.errors if isinstance(exc, ContentErrors) else [exc]:
                warn_error(Warn.NOTEBOOK, error)
            return
        for error in front_matter.check_text(converted.text, path):
            warn_error(
                Warn.FRONT_MATTER,
                ContentError(error.path, converted.file_line(error.line), error.message),
            )
        super().parse(converted.text, document)
