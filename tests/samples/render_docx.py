"""Practice sheets as Word documents (python-docx), in five layout families."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any, Callable

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Cm, Pt
from docx.table import Table, _Cell

from tests.samples.sheets import meta_fields, meta_lines, section_list

LAYOUTS = ("docx-styles", "docx-bold-inline", "docx-numbered", "docx-caps", "docx-table")

BULLET = "\u2022 "
# Fixed document dates and zip entry times, so that regenerating a sheet gives the same bytes.
FIXED_DATE = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def render_docx(sheet: dict[str, Any], layout: str, labels: dict[str, str]) -> bytes:
    """The sheet as a .docx file in `layout` (one of LAYOUTS)."""
    doc = Document()
    props = doc.core_properties
    props.author = props.last_modified_by = "practice-kb demo sheets"
    props.title = sheet["title"]
    props.created = props.modified = FIXED_DATE
    props.revision = 1
    _BUILDERS[layout](doc, sheet, labels)
    buffer = io.BytesIO()
    doc.save(buffer)
    return _with_fixed_times(buffer.getvalue())


def _with_fixed_times(data: bytes) -> bytes:
    """The same zip package with every entry's timestamp fixed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(zipfile.ZipInfo(info.filename, ZIP_TIME), source.read(info.filename),
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --------------------------------------------------------------------------- shared pieces

def _bold_title(doc: DocxDocument, title: str) -> None:
    run = doc.add_paragraph().add_run(title)
    run.bold = True
    run.font.size = Pt(16)


def _labelled_meta(doc: DocxDocument, sheet: dict, labels: dict) -> None:
    for label, value in meta_lines(sheet, labels):
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)


def _word_table(container: DocxDocument | _Cell, rows: list[list[str]]) -> Table:
    columns = max(len(row) for row in rows)
    table = container.add_table(rows=len(rows), cols=columns)
    table.style = "Table Grid"
    for i, row in enumerate(rows):
        for j in range(columns):
            run = table.cell(i, j).paragraphs[0].add_run(row[j] if j < len(row) else "")
            # Header and total rows are bold, as in a typical budget breakdown.
            run.bold = i == 0 or row[0].strip().lower().startswith("total")
    return table


def _items(doc: DocxDocument, items: list, *, bullet: str | None, tables: str = "word") -> None:
    """Paragraphs, bullets (List Bullet style when `bullet` is None, else typed) and tables."""
    for item in items:
        if isinstance(item, str):
            doc.add_paragraph(item)
        elif item[0] == "bullet":
            if bullet is None:
                doc.add_paragraph(item[1], style="List Bullet")
            else:
                doc.add_paragraph(bullet + item[1])
        elif tables == "word":
            _word_table(doc, item[1])
        else:
            for row in item[1]:
                doc.add_paragraph("\t".join(row))


# --------------------------------------------------------------------------- layouts

def _styles(doc: DocxDocument, sheet: dict, labels: dict) -> None:
    doc.add_heading(sheet["title"], level=0)
    _labelled_meta(doc, sheet, labels)
    for _, heading, items in section_list(sheet, labels):
        doc.add_heading(heading, level=1)
        _items(doc, items, bullet=None)


def _bold_inline(doc: DocxDocument, sheet: dict, labels: dict) -> None:
    _bold_title(doc, sheet["title"])
    _labelled_meta(doc, sheet, labels)
    for _, heading, items in section_list(sheet, labels):
        if items and isinstance(items[0], str):
            paragraph = doc.add_paragraph()
            paragraph.add_run(f"{heading}: ").bold = True
            paragraph.add_run(items[0])
            items = items[1:]
        else:
            doc.add_paragraph().add_run(f"{heading}:").bold = True
        _items(doc, items, bullet=BULLET)


def _numbered(doc: DocxDocument, sheet: dict, labels: dict) -> None:
    _bold_title(doc, sheet["title"])
    _labelled_meta(doc, sheet, labels)
    sections = section_list(sheet, labels)
    # Some editors put the activities first; the rest keep their order.
    sections.sort(key=lambda section: section[0] != "activities")
    for number, (_, heading, items) in enumerate(sections, 1):
        doc.add_paragraph().add_run(f"{number}. {heading}").bold = True
        _items(doc, items, bullet=BULLET)


def _caps(doc: DocxDocument, sheet: dict, labels: dict) -> None:
    _bold_title(doc, sheet["title"])
    block = doc.add_paragraph()
    lines = meta_lines(sheet, labels)
    for i, (label, value) in enumerate(lines):
        run = block.add_run(f"{label}: {value}")
        if i < len(lines) - 1:
            run.add_break()
    doc.add_paragraph("_" * 40)
    for _, heading, items in section_list(sheet, labels):
        doc.add_paragraph(heading.upper())
        _items(doc, items, bullet="- ", tables="tabs")


def _fill_cell(cell: _Cell, items: list, *, bold: bool = False) -> None:
    """Put items in a cell, using the cell's own empty paragraph (and the one Word requires
    after a nested table) before adding new ones."""
    spare = cell.paragraphs[0]

    def paragraph(style: str | None = None):
        nonlocal spare
        if spare is None:
            return cell.add_paragraph(style=style)
        p, spare = spare, None
        if style:
            p.style = style
        return p

    for item in items:
        if isinstance(item, str):
            paragraph().add_run(item).bold = bold
        elif item[0] == "bullet":
            paragraph("List Bullet").add_run(item[1])
        else:
            spare = None
            _word_table(cell, item[1])
            spare = cell.paragraphs[-1]


def _table(doc: DocxDocument, sheet: dict, labels: dict) -> None:
    metas = meta_fields(sheet, labels)
    sections = section_list(sheet, labels)
    table = doc.add_table(rows=1 + len(metas) + len(sections), cols=2)
    table.style = "Table Grid"
    rows = [(labels["title"], [sheet["title"]], True)]
    for field, label, value in metas:
        if isinstance(value, list):
            rows.append((label, [("bullet", v) for v in value] if len(value) > 1 else value, False))
        else:
            rows.append((label, [value], False))
    rows.extend((heading, items, False) for _, heading, items in sections)
    for i, (label, items, bold) in enumerate(rows):
        left, right = table.cell(i, 0), table.cell(i, 1)
        left.width, right.width = Cm(4.2), Cm(12.3)
        left.paragraphs[0].add_run(label).bold = True
        _fill_cell(right, items, bold=bold)


_BUILDERS: dict[str, Callable[[DocxDocument, dict, dict], None]] = {
    "docx-styles": _styles,
    "docx-bold-inline": _bold_inline,
    "docx-numbered": _numbered,
    "docx-caps": _caps,
    "docx-table": _table,
}
