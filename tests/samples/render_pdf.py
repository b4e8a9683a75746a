"""Practice sheets as PDF files (reportlab), in four layout families; all text is real text."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, FrameBreak, NextPageTemplate,
                                PageTemplate, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle)

from tests.samples.sheets import meta_fields, meta_lines, section_list

LAYOUTS = ("pdf-flow", "pdf-report", "pdf-two-column", "pdf-table")

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
AUTHOR = "practice-kb demo sheets"
HEADER = "Practice sheet"
PAGE_W, PAGE_H = A4


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    # Helvetica's WinAnsi bullet is code 0x7F, which text extraction returns as a control character.
    bullet: str = "\u2022"


@lru_cache(maxsize=1)
def fonts() -> Fonts:
    """DejaVu Sans when installed (any character), else the built-in Helvetica (Latin-1 and €)."""
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if not (regular.is_file() and bold.is_file()):
        return Fonts("Helvetica", "Helvetica-Bold", bullet="-")
    pdfmetrics.registerFont(TTFont("KbSans", str(regular)))
    pdfmetrics.registerFont(TTFont("KbSans-Bold", str(bold)))
    pdfmetrics.registerFontFamily("KbSans", normal="KbSans", bold="KbSans-Bold",
                                  italic="KbSans", boldItalic="KbSans-Bold")
    return Fonts("KbSans", "KbSans-Bold")


def render_pdf(sheet: dict[str, Any], layout: str, labels: dict[str, str]) -> bytes:
    """The sheet as a PDF file in `layout` (one of LAYOUTS)."""
    return _BUILDERS[layout](sheet, labels)


# --------------------------------------------------------------------------- platypus pieces

def _styles(f: Fonts, size: float, leading: float) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=f.regular, fontSize=size, leading=leading,
                          bulletFontName=f.regular, spaceAfter=size * 0.45)
    return {
        "title": ParagraphStyle("title", fontName=f.bold, fontSize=size * 1.7, leading=size * 2.15,
                                spaceAfter=size),
        "meta": ParagraphStyle("meta", parent=body, spaceAfter=1),
        "heading": ParagraphStyle("heading", fontName=f.bold, fontSize=size * 1.25,
                                  leading=size * 1.6, spaceBefore=size * 0.9, spaceAfter=size * 0.35),
        "body": body,
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=size * 1.3, bulletIndent=size * 0.3,
                                 spaceAfter=size * 0.2),
        "cell": ParagraphStyle("cell", parent=body, spaceAfter=0),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName=f.bold, spaceAfter=0),
    }


def _p(text: str, style: ParagraphStyle, **kwargs: Any) -> Paragraph:
    return Paragraph(escape(text), style, **kwargs)


def _labelled(label: str, value: str, style: ParagraphStyle, f: Fonts) -> Paragraph:
    return Paragraph(f'<font name="{f.bold}">{escape(label)}:</font> {escape(value)}', style)


def _is_total(row: list[str]) -> bool:
    return bool(row) and row[0].strip().lower().startswith("total")


def _rows_table(rows: list[list[str]], st: dict, width: float) -> Table:
    """A table item as label-aligned rows: a wide first column, bold header and total rows."""
    columns = max(len(row) for row in rows)
    first = width * 0.62 if columns > 1 else width
    widths = [first] + [(width - first) / (columns - 1)] * (columns - 1)
    data = []
    for i, row in enumerate(rows):
        style = st["cell_bold"] if i == 0 or _is_total(row) else st["cell"]
        data.append([_p(row[j] if j < len(row) else "", style) for j in range(columns)])
    commands = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black)]
    if _is_total(rows[-1]):
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black))
    return Table(data, colWidths=widths, hAlign="LEFT", style=TableStyle(commands))


def _flowables(items: list, st: dict, width: float) -> list[Flowable]:
    out: list[Flowable] = []
    for item in items:
        if isinstance(item, str):
            out.append(_p(item, st["body"]))
        elif item[0] == "bullet":
            out.append(_p(item[1], st["bullet"], bulletText=fonts().bullet))
        else:
            out.extend([_rows_table(item[1], st, width), Spacer(1, 4)])
    return out


# --------------------------------------------------------------------------- pdf-flow

def _flow(sheet: dict, labels: dict) -> bytes:
    f = fonts()
    st = _styles(f, 10.5, 14.5)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=2.5 * cm, rightMargin=2.5 * cm,
                            topMargin=2.5 * cm, bottomMargin=2.5 * cm, title=sheet["title"],
                            author=AUTHOR, invariant=1)
    story: list[Flowable] = [_p(sheet["title"], st["title"])]
    story += [_labelled(label, value, st["meta"], f) for label, value in meta_lines(sheet, labels)]
    for _, heading, items in section_list(sheet, labels):
        story.append(_p(heading, st["heading"]))
        story += _flowables(items, st, doc.width)
    doc.build(story)
    return buffer.getvalue()


# --------------------------------------------------------------------------- pdf-report

_VOWELS = set("aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüÿœ")
_DIGRAPHS = {"ch", "ck", "gh", "ph", "qu", "sh", "th"}
_TRAILING = ".,;:!?)»\"'"
_ONSETS = {"bl", "cl", "fl", "gl", "pl", "br", "cr", "dr", "fr", "gr", "kr", "pr", "tr"}


def _hyphen_point(word: str, room: float, font: str, size: float) -> int:
    """Where to break `word` so that its head and a hyphen fit in `room`; 0 when nowhere.

    Breaks where a syllable starts (a consonant or a cluster like "pr" before a vowel), keeping
    at least three letters before and four after: good enough for "preven-tion", "inter-preta"
    or "Jugend-liche", and a demo needs no more.
    """
    core = word.rstrip(_TRAILING)
    if len(core) < 8 or not core.isalpha():
        return 0
    lower = core.lower()
    best = 0
    for k in range(3, len(core) - 3):
        if pdfmetrics.stringWidth(core[:k] + "-", font, size) > room:
            break
        consonant = lower[k] not in _VOWELS
        # A syllable starts at a consonant before a vowel, or at a cluster such as "pr", "bl".
        onset = lower[k + 1] in _VOWELS or (lower[k:k + 2] in _ONSETS and lower[k + 2] in _VOWELS)
        inside_cluster = lower[k - 1:k + 1] in _ONSETS
        if (consonant and onset and not inside_cluster and lower[k - 1:k + 1] not in _DIGRAPHS
                and any(c in _VOWELS for c in lower[:k])):
            best = k
    return best


def wrap(text: str, font: str, size: float, width: float, *, hyphenate: bool = True) -> list[str]:
    """Lines of `text` no wider than `width`, hyphenating long words at line ends when asked."""
    words = text.split()
    lines: list[str] = []
    line = ""
    while words:
        word = words[0]
        candidate = f"{line} {word}" if line else word
        if pdfmetrics.stringWidth(candidate, font, size) <= width:
            line = candidate
            words.pop(0)
            continue
        if line and hyphenate:
            room = width - pdfmetrics.stringWidth(line + " ", font, size)
            split = _hyphen_point(word, room, font, size)
            if split:
                lines.append(f"{line} {word[:split]}-")
                words[0] = word[split:]
                line = ""
                continue
        if line:
            lines.append(line)
            line = ""
        else:  # a single word wider than the line stays whole
            lines.append(word)
            words.pop(0)
    if line:
        lines.append(line)
    return lines


Segment = tuple[float, str, float, str]  # x, font, size, text


class _Report:
    """Lays out text lines page by page; pages are drawn once their number is known.

    A line's segments (a bold label and its value, a bullet and its text) go into one PDF text
    object, so that text extraction keeps them on one line.
    """

    MARGIN_X, TOP, BOTTOM = 2.3 * cm, PAGE_H - 2.6 * cm, 2.4 * cm
    BODY = (12.0, 18.0)
    META = (11.0, 16.0)
    HEADING = (14.5, 22.0)
    TITLE = (19.0, 24.0)

    def __init__(self, f: Fonts):
        self.f = f
        self.width = PAGE_W - 2 * self.MARGIN_X
        self.pages: list[list[tuple[float, list[Segment]]]] = [[]]
        self.y = self.TOP

    def _advance(self, leading: float) -> None:
        if self.y - leading < self.BOTTOM:
            self.pages.append([])
            self.y = self.TOP
        self.y -= leading

    def _put(self, *segments: Segment) -> None:
        self.pages[-1].append((self.y, list(segments)))

    def title(self, text: str) -> None:
        size, leading = self.TITLE
        for line in wrap(text, self.f.bold, size, self.width, hyphenate=False):
            self._advance(leading)
            self._put((self.MARGIN_X, self.f.bold, size, line))
        self.y -= 8

    def labelled(self, label: str, value: str) -> None:
        size, leading = self.META
        head = f"{label}: "
        indent = pdfmetrics.stringWidth(head, self.f.bold, size)
        for i, line in enumerate(wrap(value, self.f.regular, size, self.width - indent, hyphenate=False)):
            self._advance(leading)
            value = (self.MARGIN_X + indent, self.f.regular, size, line)
            if i == 0:
                self._put((self.MARGIN_X, self.f.bold, size, head), value)
            else:
                self._put(value)

    def heading(self, text: str) -> None:
        size, leading = self.HEADING
        # Keep a heading with at least two lines of its section.
        if self.y - 10 - leading - 2 * self.BODY[1] < self.BOTTOM:
            self.pages.append([])
            self.y = self.TOP
        else:
            self.y -= 10
        self._advance(leading)
        self._put((self.MARGIN_X, self.f.bold, size, text))

    def paragraph(self, text: str, *, bullet: bool = False) -> None:
        size, leading = self.BODY
        indent = 0.65 * cm if bullet else 0
        for i, line in enumerate(wrap(text, self.f.regular, size, self.width - indent)):
            self._advance(leading)
            text = (self.MARGIN_X + indent, self.f.regular, size, line)
            if bullet and i == 0:
                self._put((self.MARGIN_X + 0.15 * cm, self.f.regular, size, self.f.bullet + " "), text)
            else:
                self._put(text)
        self.y -= 4

    def rows(self, rows: list[list[str]]) -> None:
        size, leading = self.BODY
        first = self.width * 0.6
        for i, row in enumerate(rows):
            font = self.f.bold if i == 0 or _is_total(row) else self.f.regular
            left = wrap(row[0], font, size, first - 0.4 * cm, hyphenate=False)
            right = wrap(" ".join(row[1:]), font, size, self.width - first, hyphenate=False)
            for k in range(max(len(left), len(right))):
                self._advance(leading)
                cells = [(self.MARGIN_X, font, size, left[k]) if k < len(left) else None,
                         (self.MARGIN_X + first, font, size, right[k]) if k < len(right) else None]
                self._put(*[cell for cell in cells if cell])
        self.y -= 4

    def draw(self, title: str) -> bytes:
        buffer = io.BytesIO()
        c = canvas.Canvas(buffer, pagesize=A4, invariant=1)
        c.setTitle(title)
        c.setAuthor(AUTHOR)
        total = len(self.pages)
        for number, operations in enumerate(self.pages, 1):
            c.setFillColor(colors.grey)
            c.setFont(self.f.regular, 9)
            c.drawString(self.MARGIN_X, PAGE_H - 1.5 * cm, HEADER)
            c.setStrokeColor(colors.lightgrey)
            c.line(self.MARGIN_X, PAGE_H - 1.7 * cm, PAGE_W - self.MARGIN_X, PAGE_H - 1.7 * cm)
            c.drawCentredString(PAGE_W / 2, 1.3 * cm, f"Page {number} / {total}")
            c.setFillColor(colors.black)
            for y, segments in operations:
                line = c.beginText()
                for x, font, size, text in segments:
                    line.setTextOrigin(x, y)
                    line.setFont(font, size)
                    line.textOut(text)
                c.drawText(line)
            c.showPage()
        c.save()
        return buffer.getvalue()


def _report(sheet: dict, labels: dict) -> bytes:
    report = _Report(fonts())
    report.title(sheet["title"])
    for label, value in meta_lines(sheet, labels):
        report.labelled(label, value)
    for _, heading, items in section_list(sheet, labels):
        report.heading(heading)
        for item in items:
            if isinstance(item, str):
                report.paragraph(item)
            elif item[0] == "bullet":
                report.paragraph(item[1], bullet=True)
            else:
                report.rows(item[1])
    return report.draw(sheet["title"])


# --------------------------------------------------------------------------- pdf-two-column

def _two_column(sheet: dict, labels: dict) -> bytes:
    f = fonts()
    st = _styles(f, 9.5, 12.8)
    margin, gap = 1.8 * cm, 0.8 * cm
    full = PAGE_W - 2 * margin
    column = (full - gap) / 2
    small = ParagraphStyle("small", parent=st["cell"], fontSize=8.5, leading=11)
    small_bold = ParagraphStyle("small_bold", parent=small, fontName=f.bold)

    title = _p(sheet["title"], st["title"])
    box = Table([[_p(label, small_bold), _p(value, small)] for label, value in meta_lines(sheet, labels)],
                colWidths=[3.6 * cm, full - 3.6 * cm],
                style=TableStyle([("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#1f4e79")),
                                  ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#eef3f8")),
                                  ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                  ("TOPPADDING", (0, 0), (-1, -1), 2),
                                  ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    top = title.wrap(full, PAGE_H)[1] + st["title"].spaceAfter + box.wrap(full, PAGE_H)[1] + 16
    body_height = PAGE_H - 2 * margin - top

    def frame(x: float, y: float, width: float, height: float, name: str) -> Frame:
        return Frame(x, y, width, height, id=name, leftPadding=0, rightPadding=0,
                     topPadding=0, bottomPadding=0)

    first_page = [frame(margin, PAGE_H - margin - top, full, top, "top"),
                  frame(margin, margin, column, body_height, "left1"),
                  frame(margin + column + gap, margin, column, body_height, "right1")]
    later_pages = [frame(margin, margin, column, PAGE_H - 2 * margin, "left"),
                   frame(margin + column + gap, margin, column, PAGE_H - 2 * margin, "right")]

    def footer(c: canvas.Canvas, doc: BaseDocTemplate) -> None:
        c.setFont(f.regular, 7.5)
        c.setFillColor(colors.grey)
        c.drawRightString(PAGE_W - margin, 1.0 * cm, str(doc.page))

    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=A4, title=sheet["title"], author=AUTHOR, invariant=1)
    doc.addPageTemplates([PageTemplate("first", first_page, onPage=footer),
                          PageTemplate("later", later_pages, onPage=footer)])
    story: list[Flowable] = [NextPageTemplate("later"), title, box, FrameBreak()]
    for _, heading, items in section_list(sheet, labels):
        story.append(_p(heading, st["heading"]))
        story += _flowables(items, st, column)
    doc.build(story)
    return buffer.getvalue()


# --------------------------------------------------------------------------- pdf-table

def _table(sheet: dict, labels: dict) -> bytes:
    f = fonts()
    st = _styles(f, 10, 13.5)
    st["bullet"] = ParagraphStyle("cell_bullet", parent=st["bullet"], spaceAfter=1)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm,
                            topMargin=2 * cm, bottomMargin=2 * cm, title=sheet["title"],
                            author=AUTHOR, invariant=1)
    label_width = 4.2 * cm
    value_width = doc.width - label_width
    padding = 5
    inner = value_width - 2 * padding

    rows: list[list[Any]] = [[_p(labels["title"], st["cell_bold"]), _p(sheet["title"], st["cell_bold"])]]
    for _, label, value in meta_fields(sheet, labels):
        if isinstance(value, list) and len(value) > 1:
            cell: Any = [_p(v, st["bullet"], bulletText=f.bullet) for v in value]
        else:
            cell = _p("; ".join(value) if isinstance(value, list) else value, st["cell"])
        rows.append([_p(label, st["cell_bold"]), cell])
    for _, heading, items in section_list(sheet, labels):
        rows.append([_p(heading, st["cell_bold"]), _flowables(items, st, inner)])
    table = Table(rows, colWidths=[label_width, value_width], style=TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), padding), ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    doc.build([table])
    return buffer.getvalue()


_BUILDERS: dict[str, Callable[[dict, dict], bytes]] = {
    "pdf-flow": _flow,
    "pdf-report": _report,
    "pdf-two-column": _two_column,
    "pdf-table": _table,
}
