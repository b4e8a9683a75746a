"""Read a Word .docx into blocks: styled paragraphs, list items and table rows in body order."""

from __future__ import annotations

import io
import logging
import re
import zipfile
from zipfile import BadZipFile

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.styles import BabelFish
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError

from importers import guard
from importers.blocks import Block, Document
from importers.limits import Limits
from importers.text import clean
from kb.core.errors import NotASheet, UnreadableFile
from kb.core.messages import say

log = logging.getLogger(__name__)

_HEADING_STYLE = re.compile(
    r"^(heading|titre|überschrift|berschrift|título|titulo|titolo|kop|cabeçalho)\s*(\d)",
    re.IGNORECASE)
_TITLE_STYLES = {"title", "titre", "titel", "título", "titulo", "titolo"}
P, TBL, SDT, TXBX = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:txbxContent")
FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def read_docx(data: bytes, name: str, limits: Limits,
              checked: guard.WordPackage | None = None) -> Document:
    """The blocks of a Word document; `checked` is guard.sniff's finding, if it ran."""
    package = guard.docx_package(data, name, limits, checked)
    try:
        document = docx.Document(io.BytesIO(package))
        styles = _Styles(document)
        blocks: list[Block] = []
        for element in _body_elements(document.element.body):
            if element.tag == P:
                blocks.extend(_paragraph_blocks(Paragraph(element, document), styles))
            else:
                blocks.extend(_table_blocks(Table(element, document), styles))
    except (BadZipFile, PackageNotFoundError, KeyError, ValueError, XMLSyntaxError,
            AttributeError, IndexError, TypeError, RecursionError) as exc:
        raise UnreadableFile(say("word-damaged", name=name, reason=type(exc).__name__)) from exc
    if not any(b.text.strip() for b in blocks):
        raise NotASheet(say("no-text", name=name))
    text = "\n".join(b.text for b in blocks)
    return Document(blocks=blocks, format="docx", pages=_page_count(package),
                    page_texts=[text])


def _body_elements(parent):
    """Paragraphs and tables in document order, looking inside content controls and text
    boxes (whose text python-docx leaves out of the paragraph that anchors them)."""
    for child in parent.iterchildren():
        if child.tag == P:
            yield child
            for box in child.iter(TXBX):
                # Word stores each text box twice (a modern form and a VML fallback).
                if not any(a.tag == FALLBACK for a in box.iterancestors()):
                    yield from _body_elements(box)
        elif child.tag == TBL:
            yield child
        elif child.tag == SDT:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_elements(content)


class _Styles:
    """Paragraph style names and boldness by style id, each looked up once per document.

    python-docx's `paragraph.style` scans every style of the document for each paragraph
    without an explicit style; that was most of the time spent reading a Word file.
    """

    def __init__(self, document) -> None:
        self._element = document.styles.element
        self._by_id: dict[str | None, tuple[str, bool]] = {}

    def of(self, paragraph: Paragraph) -> tuple[str, bool]:
        style_id = paragraph._p.style
        if style_id not in self._by_id:
            element = None
            if style_id is not None:
                element = self._element.get_by_id(style_id)
            if element is None:
                element = self._element.default_for(WD_STYLE_TYPE.PARAGRAPH)
            self._by_id[style_id] = _style_facts(element)
        return self._by_id[style_id]


def _style_facts(element) -> tuple[str, bool]:
    if element is None:
        return "", False
    name = element.name_val or element.styleId or ""
    rpr = element.rPr
    bold = rpr is not None and rpr.b is not None and rpr.b.val is not False
    # python-docx reports built-in names in their UI form ("heading 1" -> "Heading 1").
    return BabelFish.internal2ui(name), bool(bold)


def _is_bold(paragraph: Paragraph, style_bold: bool) -> bool:
    runs = [r for r in paragraph.runs if r.text.strip()]
    if not runs:
        return False
    if all(r.bold for r in runs):
        return True
    return style_bold and all(r.bold is not False for r in runs)


def _is_list(paragraph: Paragraph, style_name: str) -> bool:
    if "list" in style_name.lower() or "liste" in style_name.lower():
        return True
    ppr = paragraph._p.pPr
    return ppr is not None and ppr.numPr is not None


def _paragraph_blocks(paragraph: Paragraph, styles: _Styles) -> list[Block]:
    text = paragraph.text
    if not text.strip():
        return []
    style_name, style_bold = styles.of(paragraph)
    lower = style_name.lower()
    bold = _is_bold(paragraph, style_bold)
    heading = _HEADING_STYLE.match(style_name)
    if lower in _TITLE_STYLES:
        kind, level = "title", 0
    elif heading:
        kind, level = "heading", int(heading.group(2))
    elif _is_list(paragraph, style_name):
        kind, level = "item", 0
    else:
        kind, level = "paragraph", 0
    lines = [clean(line) for line in text.split("\n")]
    if kind in ("title", "heading"):
        return [Block(kind, " ".join(line for line in lines if line), level=level, bold=True)]
    # Lines broken inside one paragraph (a block of "Label: value" lines) become blocks of
    # their own; a bold lead-in ("Contexto:" in bold) is marked on the first line only.
    blocks = []
    for i, line in enumerate(lines):
        if line:
            blocks.append(Block(kind, line, bold=bold,
                                lead_bold=bold or (i == 0 and _bold_lead(paragraph))))
    return blocks


def _bold_lead(paragraph: Paragraph) -> bool:
    """The paragraph opens with a bold run ending in a colon: "**Context:** text"."""
    runs = paragraph.runs
    return bool(runs) and bool(runs[0].bold) and runs[0].text.rstrip().endswith(":")


def _table_blocks(table: Table, styles: _Styles) -> list[Block]:
    blocks = []
    for tr in table._tbl.tr_lst:
        cells = [_cell_text(_Cell(tc, table), styles) for tc in tr.tc_lst]
        cells = [c for i, c in enumerate(cells) if c or i == 0]
        if any(cells):
            blocks.append(Block("row", " | ".join(cells), cells=cells))
    return blocks


def _cell_text(cell: _Cell, styles: _Styles) -> str:
    """A cell's paragraphs on their own lines, list items as "- item", nested tables as rows."""
    lines = []
    for element in _body_elements(cell._tc):
        if element.tag == P:
            paragraph = Paragraph(element, cell)
            for block in _paragraph_blocks(paragraph, styles):
                lines.append(f"- {block.text}" if block.kind == "item" else block.text)
        else:
            for block in _table_blocks(Table(element, cell), styles):
                lines.append(block.text)
    return "\n".join(lines)


def _page_count(package: bytes) -> int | None:
    """Pages as Word last counted them (docProps/app.xml), when the file says."""
    try:
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            if "docProps/app.xml" not in archive.namelist():
                return None
            if archive.getinfo("docProps/app.xml").file_size > 1_000_000:
                return None
            match = re.search(rb"<Pages>(\d+)</Pages>", archive.read("docProps/app.xml"))
    except (BadZipFile, OSError, KeyError):
        return None
    return int(match.group(1)) if match else None
