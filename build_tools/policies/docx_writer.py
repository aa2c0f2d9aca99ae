"""Markdown to an editable Word document with python-docx: real headings, numbered and
bulleted lists (each numbered list restarts at 1), and tables with a repeating header row,
column widths set from their content and rows that never split across pages. A running
header (text plus "Page X of Y" fields), an optional footer and an optional diagonal
watermark (Word's own VML form, which LibreOffice also reads) sit on every page; several
documents can share one file, each in its own section with its own header (a board packet).

Policy bodies use only CommonMark plus tables (templates.check enforces it), so walking
markdown-it's tokens covers everything a pack contains.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Emu, Inches, Pt, RGBColor
from docx.text.paragraph import Paragraph
from markdown_it import MarkdownIt
from markdown_it.token import Token

MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
# Headings that start a page: the certification is the page the board signs.
NEW_PAGE_BEFORE = ("Certification of",)
WRITE_IN = Inches(1.5)  # a column left empty to be filled in by hand (signature, date)
SHORT_CELL = 16  # characters: a cell this short (a date, a code) is kept on one line


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
            text = (
                " "
                if child.type == "softbreak"
                else "\n"
                if child.type == "hardbreak"
                else child.content
            )
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


def _no_split(row) -> None:
    split = OxmlElement("w:cantSplit")
    split.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(split)


def _text_width(text: str) -> int:
    """A generous printed width (EMU) at 10 pt in a wide serif (LibreOffice falls back to
    DejaVu Serif): capitals and digits are wider than the rest."""
    return sum(Inches(0.095) if c.isupper() or c.isdigit() else Inches(0.075) for c in text)


def column_widths(texts: list[list[str]], total: int) -> list[int]:
    """Widths (EMU) from the content: each column gets room for its longest word (a short
    cell such as a date, whole), then the rest is shared by the amount of text, so no word
    is broken and the wordy columns get the room."""
    columns = max(len(r) for r in texts)
    pad = Inches(0.2)  # cell margins

    def unbreakable(text: str) -> int:
        pieces = [text] if len(text) <= SHORT_CELL else text.split() or [""]
        return max(_text_width(piece) for piece in pieces)

    def room(c: int) -> int:
        cells = [r[c] for r in texts if c < len(r)]
        if not any(cells[1:]):  # only a header: a column to write in
            return WRITE_IN
        return min(max(unbreakable(text) for text in cells) + pad, total // 3)

    least = [room(c) for c in range(columns)]
    scale = min(1.0, total / sum(least))
    least = [int(w * scale) for w in least]
    spare = max(total - sum(least), 0)
    amount = [
        max(sum(len(r[c]) for r in texts if c < len(r)) - len(texts) * SHORT_CELL, 0) + 1
        for c in range(columns)
    ]
    return [int(least[c] + spare * amount[c] / sum(amount)) for c in range(columns)]


def _add_table(doc: DocumentType, rows: list[list[Token]], grid: Any, width: int) -> None:
    table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    table.style = grid
    table.autofit = False
    widths = column_widths([[cell.content for cell in row] for row in rows], width)
    for column, size in zip(table.columns, widths, strict=True):
        column.width = Emu(size)
    for r, (row, cells) in enumerate(zip(table.rows, rows, strict=True)):
        _no_split(row)
        for c, (cell, inline) in enumerate(zip(row.cells, cells, strict=False)):
            cell.width = Emu(widths[c])  # Word reads the cell widths, LibreOffice the grid
            paragraph = cell.paragraphs[0]
            _add_runs(paragraph, inline)
            for run in paragraph.runs:
                run.font.size = Pt(10)
                run.bold = True if r == 0 else run.bold
    _repeat_header(table.rows[0])
    if any(cell.content == "Signature" for cell in rows[0]):  # room to sign by hand
        for row in table.rows[1:]:
            row.height = Inches(0.5)
    doc.add_paragraph()  # two tables in a row would otherwise merge into one


@dataclass
class Part:
    """One document of a file: its Markdown and the text of its running header."""

    markdown: str
    header: str


def _field(paragraph: Paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


WATERMARK = """<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
 xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"><w:pict>
<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"
 path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas><v:f eqn="sum #0 0 10800"/>
<v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/>
<v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/><v:f eqn="if @0 21600 @1"/>
<v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/>
<v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/>
</v:formulas><v:path textpathok="t" o:connecttype="custom"
 o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>
<v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>
<v:shape id="PowerPlusWaterMarkObject{index}" o:spid="_x0000_s{spid}" type="#_x0000_t136"
 style="position:absolute;margin-left:0;margin-top:0;width:460pt;height:80pt;rotation:315;
 z-index:-251654144;mso-position-horizontal:center;mso-position-horizontal-relative:margin;
 mso-position-vertical:center;mso-position-vertical-relative:margin" o:allowincell="f"
 fillcolor="#c0c0c0" stroked="f"><v:fill opacity=".45"/>
<v:textpath style="font-family:&quot;Calibri&quot;;font-size:1pt" string="{text}"/>
</v:shape></w:pict></w:r>"""


def _running_header(section: Any, text: str, watermark: str | None, index: int) -> None:
    section.header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.text = ""
    width = section.page_width - section.left_margin - section.right_margin
    tabs = paragraph.paragraph_format.tab_stops
    tabs.add_tab_stop(Inches(3.25), WD_TAB_ALIGNMENT.CLEAR)  # the Header style's centre tab
    tabs.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    paragraph.add_run(text + "\t")
    for part in ("Page ", "PAGE", " of ", "NUMPAGES"):
        if part.isupper():
            _field(paragraph, part)
        else:
            paragraph.add_run(part)
    if watermark:
        paragraph._p.append(
            parse_xml(WATERMARK.format(text=escape(watermark), index=index, spid=2049 + index))
        )


def _footer(section: Any, text: str) -> None:
    section.footer.is_linked_to_previous = False
    paragraph = section.footer.paragraphs[0]
    paragraph.text = ""
    run = paragraph.add_run(text)
    run.font.color.rgb = RGBColor(0x40, 0x40, 0x40)


def write(
    markdown: str,
    path: Path,
    *,
    title: str,
    author: str,
    header: str | None = None,
    footer: str | None = None,
    watermark: str | None = None,
) -> None:
    """One document in one file."""
    write_parts(
        [Part(markdown, header or title)],
        path,
        title=title,
        author=author,
        footer=footer,
        watermark=watermark,
    )


def write_parts(
    parts: list[Part],
    path: Path,
    *,
    title: str,
    author: str,
    footer: str | None = None,
    watermark: str | None = None,
) -> None:
    """Several documents in one file, each starting on a new page with its own header."""
    doc = Document()
    # Word's document properties hold at most 255 characters (python-docx raises beyond)
    doc.core_properties.title = _property(title)
    doc.core_properties.author = _property(author)
    doc.styles["Normal"].font.size = Pt(11)
    doc.styles["Header"].font.size = doc.styles["Footer"].font.size = Pt(9)
    for index, part in enumerate(parts):
        if index:
            doc.add_section(WD_SECTION.NEW_PAGE)
        section = doc.sections[-1]
        section.left_margin = section.right_margin = Inches(1)
        _running_header(section, part.header, watermark, index)
        if footer:
            _footer(section, footer)
        _add_markdown(doc, part.markdown, section.page_width - 2 * Inches(1))
    doc.save(str(path))


def _add_markdown(doc: DocumentType, markdown: str, width: int) -> None:
    # python-docx looks a style name up by XPath on every use: resolve each name once.
    styles: dict[str, Any] = {}

    def style(name: str) -> Any:
        if name not in styles:
            styles[name] = doc.styles[name]
        return styles[name]

    tokens = MARKDOWN.parse(markdown)
    lists: list[tuple[str, int | None]] = []  # (kind, numbering id) of the open lists
    table_rows: list[list[Token]] | None = None
    first_in_item = False
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1])
            heading = doc.add_heading("", level=0 if level == 1 else level - 1)
            _add_runs(heading, tokens[index + 1])
            if tokens[index + 1].content.startswith(NEW_PAGE_BEFORE):
                heading.paragraph_format.page_break_before = True
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
                name = ("List Bullet" if kind == "bullet" else "List Number") + (
                    f" {depth}" if depth > 1 else ""
                )
                paragraph = doc.add_paragraph(style=style(name))
                if num_id is not None:
                    _set_num(paragraph, num_id, depth - 1)
                first_in_item = False
            elif lists:
                paragraph = doc.add_paragraph(
                    style=style(
                        "List Continue" + (f" {min(len(lists), 3)}" if len(lists) > 1 else "")
                    )
                )
            else:
                paragraph = doc.add_paragraph()
            _add_runs(paragraph, inline)
        elif token.type == "table_open":
            table_rows = []
        elif token.type == "tr_open" and table_rows is not None:
            table_rows.append([])
        elif (
            token.type == "inline"
            and table_rows is not None
            and tokens[index - 1].type in ("th_open", "td_open")
        ):
            table_rows[-1].append(token)
        elif token.type == "table_close" and table_rows is not None:
            _add_table(doc, table_rows, style("Table Grid"), width)
            table_rows = None


def _property(text: str, limit: int = 255) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
