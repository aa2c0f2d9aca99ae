"""Markdown to an editable Word document with python-docx: real headings, numbered and
bulleted lists (each numbered list restarts at 1), and tables with a repeating header row.

Policy bodies use only CommonMark plus tables (templates.check enforces it), so walking
markdown-it's tokens covers everything a pack contains.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from markdown_it import MarkdownIt
from markdown_it.token import Token

MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def _add_runs(paragraph: Paragraph, inline: Token) -> None:
    bold = italic = False
    for child in inline.children or []:
        if child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type == "em_open":
            italic = True
        elif child.type == "em_close":
            italic = False
        elif child.type in ("text", "code_inline", "softbreak", "hardbreak"):
            text = " " if child.type == "softbreak" else "\n" if child.type == "hardbreak" else child.content
            run = paragraph.add_run(text)
            run.bold, run.italic = bold or None, italic or None
            if child.type == "code_inline":
                run.font.name = "Consolas"


def _restart_numbering(doc: DocumentType) -> int:
    """A fresh numbering instance of the 'List Number' style, starting again at 1."""
    numbering = doc.part.numbering_part.numbering_definitions._numbering
    style_num = doc.styles["List Number"].element.pPr.numPr.numId.val
    abstract = numbering.num_having_numId(style_num).abstractNumId.val
    num = numbering.add_num(abstract)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return int(num.numId)


def _set_num(paragraph: Paragraph, num_id: int, level: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _add_table(doc: DocumentType, rows: list[list[Token]]) -> None:
    table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    table.style = "Table Grid"
    for r, cells in enumerate(rows):
        for c, inline in enumerate(cells):
            paragraph = table.cell(r, c).paragraphs[0]
            _add_runs(paragraph, inline)
            if r == 0:
                for run in paragraph.runs:
                    run.bold = True
    _repeat_header(table.rows[0])


def write(markdown: str, path: Path, *, title: str, author: str) -> None:
    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.author = author
    doc.styles["Normal"].font.size = Pt(11)
    tokens = MARKDOWN.parse(markdown)
    lists: list[tuple[str, int | None]] = []  # (kind, numbering id) of the open lists
    table_rows: list[list[Token]] | None = None
    first_in_item = False
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1])
            heading = doc.add_heading("", level=0 if level == 1 else level - 1)
            _add_runs(heading, tokens[index + 1])
        elif token.type == "bullet_list_open":
            lists.append(("bullet", None))
        elif token.type == "ordered_list_open":
            lists.append(("number", _restart_numbering(doc)))
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            first_in_item = True
        elif token.type == "paragraph_open" and table_rows is None:
            inline = tokens[index + 1]
            if lists and first_in_item:
                kind, num_id = lists[-1]
                depth = min(len(lists), 3)
                style = ("List Bullet" if kind == "bullet" else "List Number") + (f" {depth}" if depth > 1 else "")
                paragraph = doc.add_paragraph(style=style)
                if num_id is not None:
                    _set_num(paragraph, num_id, depth - 1)
                first_in_item = False
            elif lists:
                paragraph = doc.add_paragraph(style="List Continue" + (f" {min(len(lists), 3)}" if len(lists) > 1 else ""))
            else:
                paragraph = doc.add_paragraph()
            _add_runs(paragraph, inline)
        elif token.type == "table_open":
            table_rows = []
        elif token.type == "tr_open" and table_rows is not None:
            table_rows.append([])
        elif token.type == "inline" and table_rows is not None and tokens[index - 1].type in ("th_open", "td_open"):
            table_rows[-1].append(token)
        elif token.type == "table_close" and table_rows is not None:
            _add_table(doc, table_rows)
            table_rows = None
    doc.save(str(path))
