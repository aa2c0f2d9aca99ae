"""The one way the directives build a docutils table (head row, body rows, column widths)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from docutils import nodes

Cell = str | nodes.Node


def table(headers: Sequence[Cell], rows: Iterable[Sequence[Cell]], *,
          widths: Sequence[int] | None = None, title: str | None = None,
          classes: Sequence[str] = ()) -> nodes.table:
    """A table node. A cell is text, an inline node (set in a paragraph) or a block node
    (a list, say) used as it is; ``widths`` are relative column widths (equal by default)."""
    node = nodes.table(classes=list(classes))
    if title:
        node += nodes.title(text=title)
    group = nodes.tgroup(cols=len(headers))
    node += group
    for width in widths or [1] * len(headers):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    head += _row(headers)
    group += head
    body = nodes.tbody()
    for cells in rows:
        body += _row(cells)
    group += body
    return node


def _row(cells: Sequence[Cell]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        if isinstance(cell, str):
            cell = nodes.Text(cell)
        block = isinstance(cell, nodes.Element) and not isinstance(cell, nodes.Inline)
        row += nodes.entry("", cell if block else nodes.paragraph("", "", cell))
    return row
