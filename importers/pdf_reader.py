"""Read a PDF into blocks: positioned text runs -> lines -> columns and table rows -> paragraphs.

pypdf's plain `extract_text` loses what a practice sheet's layout says (two-column pages,
label | value tables, running headers), so we collect each text run with its position and
font through the visitor callback and rebuild the reading order ourselves.
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections import Counter
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PyPdfError

from importers import ocr
from importers.blocks import Block, Document
from importers.labels import cue_key, label_key, split_inline_label
from importers.language import detect_language
from importers.limits import Limits
from importers.text import BULLET_CHARS, is_bullet_line, join_lines, resolve_hyphens, strip_bullet
from kb.core.errors import EncryptedFile, NoTextLayer, TooLarge, UnreadableFile
from kb.core.messages import say

log = logging.getLogger(__name__)

# Average glyph width as a share of the font size: used to estimate where a run ends,
# since the visitor gives a run's start but not its width.
GLYPH_WIDTH = 0.52
RUNNING_TEXT = re.compile(
    r"^(page|pagina|página|seite|pag\.?|p\.)?\s*\d{1,3}\s*((/|of|de|di|von|van|sur|sobre)\s*\d{1,3})?$",
    re.IGNORECASE)


@dataclass
class Span:
    x: float
    y: float
    text: str
    bold: bool
    size: float
    # Known for words read by OCR; a text layer's run gives only its start.
    width: float | None = None

    @property
    def end(self) -> float:
        if self.width is not None:
            return self.x + self.width
        return self.x + len(self.text) * self.size * GLYPH_WIDTH


@dataclass
class Line:
    """Text runs at one height; `segments` are groups of runs separated by a wide gap."""

    y: float
    page: int
    segments: list[list[Span]] = field(default_factory=list)

    @staticmethod
    def segment_text(segment: list[Span]) -> str:
        text = ""
        for span in segment:
            if text and not text.endswith(" ") and not span.text.startswith(" "):
                text += " " if _gap(previous, span) > span.size * 0.15 else ""
            text += span.text
            previous = span
        return re.sub(r"\s+", " ", text).strip()


def _gap(a: Span, b: Span) -> float:
    return b.x - a.end


@dataclass
class Piece:
    """One segment of a line, the unit paragraphs are built from."""

    x: float
    y: float
    page: int
    text: str
    bold: bool
    size: float
    lead_bold: bool = False  # opens with a bold run: a "Label:" lead-in
    width: float | None = None  # as Span.width

    @property
    def end(self) -> float:
        if self.width is not None:
            return self.x + self.width
        return self.x + len(self.text) * self.size * GLYPH_WIDTH


def read_pdf(data: bytes, name: str, limits: Limits) -> Document:
    started = time.monotonic()
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _opens_without_password(reader):
            raise EncryptedFile(say("pdf-encrypted", name=name))
        pages = reader.pages
        count = len(pages)
        if count > limits.max_pages:
            raise TooLarge(say("pdf-too-many-pages", name=name, count=count,
                               limit=limits.max_pages))
        page_pieces = []
        for number, page in enumerate(pages, start=1):
            page_pieces.append(_lines(_page_spans(page), number))
        form_rows = _form_rows(reader, name)
    except (FileNotDecryptedError, DependencyError) as exc:
        raise EncryptedFile(say("pdf-encrypted", name=name)) from exc
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError,
            IndexError, ZeroDivisionError, RecursionError, OverflowError, AssertionError) as exc:
        raise UnreadableFile(say("pdf-damaged", name=name, reason=type(exc).__name__)) from exc
    if count == 0:
        raise UnreadableFile(say("pdf-no-pages", name=name))
    ocr_pages, unread_scans = _read_scans(page_pieces, bool(form_rows), data, name, limits,
                                          started)
    page_pieces = _drop_running_text(page_pieces)
    blocks: list[Block] = []
    page_texts = []
    for pieces in page_pieces:
        page_blocks = _blocks(pieces)
        blocks.extend(page_blocks)
        page_texts.append("\n".join(b.text if b.kind != "row" else " | ".join(b.cells)
                                    for b in page_blocks))
    # A fillable form's answers are in its fields, not in the page's text: they follow the
    # page's text as label | value rows, so the printed questions stay where they are.
    blocks.extend(form_rows)
    if not any(b.text.strip() or any(b.cells) for b in blocks):
        raise NoTextLayer(say("pdf-scanned", name=name))
    blocks = _merge_across_pages(blocks)
    texts = resolve_hyphens([b.text for b in blocks] + [c for b in blocks for c in b.cells])
    for block in blocks:
        block.text = texts.pop(0)
    for block in blocks:
        block.cells = [texts.pop(0) for _ in block.cells]
    return Document(blocks=blocks, format="pdf", pages=count,
                    page_texts=resolve_hyphens(page_texts), ocr_pages=ocr_pages,
                    unread_scans=unread_scans)


# A scanned page may carry a little text of its own (a page number, a stamp, a scanner's
# header line): a page with fewer letters and digits than this is read as having none.
ALMOST_NO_TEXT = 40


def _read_scans(page_pieces: list[list[list[Piece]]], has_form: bool, data: bytes, name: str,
                limits: Limits, started: float) -> tuple[list[int], list[int]]:
    """Read the file's scanned pages by OCR, their lines put in `page_pieces` in place of
    their text layer's; the pages read (1-based), and the scanned pages left unread because
    Tesseract is not installed.

    A file with no text at all is a scan: every page is read (NoTextLayer without Tesseract
    or when OCR finds nothing). In a file with text, a page is read when it has (almost) no
    text and images cover it; a page of pictures is not, as OCR would guess at a diagram."""
    if not any(page_pieces) and not has_form:
        read = ocr.read_scanned(data, name, limits, started)
        if not any(read):
            raise NoTextLayer(say("ocr-no-text", name=name))
        numbers = list(range(len(page_pieces)))
    else:
        bare = [number for number, lines in enumerate(page_pieces)
                if sum(ch.isalnum() for line in lines for piece in line for ch in piece.text)
                < ALMOST_NO_TEXT]
        numbers = ocr.scanned_pages(data, name, bare) if bare else []
        if not numbers:
            return [], []
        if ocr.tesseract() is None:
            return [], [number + 1 for number in numbers]
        # The pages with text tell the sheet's language: its OCR model from the first page.
        text = " ".join(piece.text for lines in page_pieces for line in lines for piece in line)
        read = ocr.read_scanned(data, name, limits, started, numbers, detect_language(text))
    for number, words in zip(numbers, read):
        page_pieces[number] = _lines([Span(w.x, w.y, w.text, w.bold, w.size, w.width)
                                      for w in words], number + 1)
    return [number + 1 for number, words in zip(numbers, read) if words], []


# A practice sheet's form has a few dozen fields; thousands are a crafted or mistaken file.
MAX_FORM_FIELDS = 2000


def _form_rows(reader: PdfReader, name: str) -> list[Block]:
    """The filled text fields of an AcroForm as rows: (its tooltip or name | its value)."""
    root = reader.trailer["/Root"]
    form = root.get("/AcroForm")
    if form is None:
        return []
    form = form.get_object()
    fields = form.get("/Fields") or []
    if len(fields) > MAX_FORM_FIELDS:
        raise TooLarge(say("pdf-too-many-fields", name=name, count=len(fields),
                           limit=MAX_FORM_FIELDS))
    rows = []
    for field_name, field_ in (reader.get_fields() or {}).items():
        value = field_.get("/V")
        if field_.get("/FT") != "/Tx" or not isinstance(value, str) or not value.strip():
            continue
        label = str(field_.get("/TU") or field_name.rsplit(".", 1)[-1]).replace("_", " ")
        text = value.replace("\r", "\n").strip()
        rows.append(Block("row", f"{label} | {text}", cells=[label.strip(), text]))
    return rows


def _opens_without_password(reader: PdfReader) -> bool:
    """True when the user password is empty: the file opens for anyone, as in a viewer.

    pypdf's decrypt("") also succeeds when only the *owner* password is empty, for a file
    that a viewer would ask a password for; so the empty user password is checked itself
    (pypdf has no public call for that, hence its algorithm classes).
    """
    if not reader.decrypt(""):
        return False
    try:
        from pypdf._encryption import AlgV4, AlgV5
        enc = reader._encryption
        values = enc.values
        if enc.V >= 5:
            return bool(AlgV5.verify_user_password(enc.R, b"", values.U, values.UE))
        return bool(AlgV4.verify_user_password(b"", enc.R, enc.Length, values.O, values.U,
                                               enc.P, enc.id1_entry, enc.EncryptMetadata))
    except (ImportError, AttributeError, TypeError, ValueError):
        return True  # pypdf's internals moved: fall back to what decrypt("") said


# ---------------------------------------------------------------------------- page -> lines


def _page_spans(page) -> list[Span]:
    """The page's text runs with their positions, sizes and boldness."""
    spans: list[Span] = []
    metrics: dict[int, object | None] = {}

    def visit(text, cm, tm, font, size):
        if not text or not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(tm[3] * cm[3]) or abs(tm[0] * cm[0]) or 1.0
        base = str(font.get("/BaseFont", "")) if font else ""
        bold = bool(re.search(r"bold|black|heavy|semibold|demi", base, re.IGNORECASE))
        text = text.replace("\n", " ")
        size = round(size * scale, 1)
        if font is not None and id(font) not in metrics:
            metrics[id(font)] = _font_metrics(font)
        widths = metrics.get(id(font)) if font is not None else None
        # Spaces counted once: extraction doubles them where justified text is spread out.
        width = (widths.get_text_width(re.sub(r"\s+", " ", text)) / 1000 * size
                 if widths is not None else None)
        spans.append(Span(x, y, text, bold, size, width or None))

    page.extract_text(visitor_text=visit)
    return spans


def _font_metrics(font):
    """The font's glyph widths (its /Widths, or the standard 14 fonts' metrics) as pypdf
    reads them, so a run's end is where it is drawn, not guessed from its length: a narrow
    font's column (Times) would otherwise seem to run into the next column. None when pypdf
    cannot tell (the length estimate is used)."""
    # A composite (Type0) font's widths are by glyph id, which the extracted text no longer
    # tells: only simple fonts, whose widths are by character code.
    if font.get("/Subtype") not in ("/Type1", "/TrueType", "/MMType1"):
        return None
    try:
        from pypdf.generic._font import Font  # pypdf has no public call for widths
        found = Font.from_font_resource(font)
    except (ImportError, AttributeError, KeyError, TypeError, ValueError, IndexError,
            PyPdfError):
        return None
    widths = found.character_widths
    # Without /Widths nor known metrics pypdf answers a flat default: no better than ours.
    return found if set(widths) - {"default", " "} else None


def _lines(spans: list[Span], number: int) -> list[list[Piece]]:
    """The page's lines, top to bottom, each a list of pieces left to right."""
    lines: list[Line] = []
    for span in sorted(spans, key=lambda s: (-round(s.y), s.x)):
        line = lines[-1] if lines else None
        if line is not None and abs(line.y - span.y) <= max(2.0, span.size * 0.4):
            line.segments[0].append(span)
        else:
            lines.append(Line(span.y, number, [[span]]))
    # A narrow gutter can be closer than any gap rule allows: where the page's text is in two
    # columns, a run starting at the second column always starts a new segment.
    split = _column_split([[Piece(s.x, s.y, number, s.text.strip(), s.bold, s.size,
                                  width=s.width)
                            for s in line.segments[0]] for line in lines])
    value_columns = _value_columns(lines)
    result = []
    for line in lines:
        runs = sorted(line.segments[0], key=lambda s: s.x)
        segments: list[list[Span]] = [[runs[0]]]
        for span in runs[1:]:
            last = segments[-1][-1]
            crosses = (split is not None and last.x < split - 4 <= span.x
                       or last.x < span.x - 10 and any(abs(span.x - x) <= 1.5
                                                       for x in value_columns))
            if crosses or _gap(last, span) > max(span.size, last.size) * 1.6:
                segments.append([span])
            else:
                segments[-1].append(span)
        pieces = []
        for segment in segments:
            text = Line.segment_text(segment)
            if text:
                words = ([s for s in segment if s.text.strip() not in BULLET_CHARS]
                         or segment)
                known = all(s.width is not None for s in segment)
                pieces.append(Piece(
                    x=segment[0].x, y=line.y, page=number, text=text,
                    bold=all(s.bold for s in words),
                    size=max(s.size for s in words), lead_bold=words[0].bold,
                    width=segment[-1].end - segment[0].x if known else None))
        if pieces:
            result.append(pieces)
    return result


def _value_columns(lines: list[Line]) -> list[float]:
    """Where the values of a label | value table start: the x at which the second run of
    several two-run lines with a short first run begins. A label that fills its cell leaves
    no visible gap before its value, so the gap rule alone would join them."""
    starts: dict[int, set[int]] = {}
    for line in lines:
        runs = sorted(line.segments[0], key=lambda s: s.x)
        if len(runs) == 2 and len(runs[0].text.strip()) <= 40 and runs[1].x > runs[0].x + 20:
            starts.setdefault(round(runs[1].x), set()).add(len(runs[0].text.strip()))
    # Values aligned after labels of different lengths: a column, not two "Label: value"
    # lines whose labels happen to be as long ("Country:", "Contact:").
    return [float(x) for x, lengths in starts.items() if max(lengths) - min(lengths) >= 3]


def _drop_running_text(pages: list[list[list[Piece]]]) -> list[list[list[Piece]]]:
    """Remove running headers and footers: page numbers, and lines repeated on most pages."""
    def key(line):
        return re.sub(r"\d+", "#", " ".join(p.text for p in line)).casefold()

    repeated: Counter = Counter()
    for lines in pages:
        repeated.update({key(line) for line in lines[:3] + lines[-3:]})
    many = max(2, (len(pages) + 1) // 2)
    cleaned = []
    for lines in pages:
        edge = {id(line) for line in lines[:3] + lines[-3:]}
        kept = []
        for line in lines:
            text = " ".join(p.text for p in line)
            if id(line) in edge and (RUNNING_TEXT.match(text.strip())
                                     or (len(pages) > 1 and repeated[key(line)] >= many
                                         and not _names_a_field(text))):
                continue
            kept.append(line)
        cleaned.append(kept)
    return cleaned


def _names_a_field(text: str) -> bool:
    """A label or a form's question ("1. In which city?"): in a booklet it opens every
    sheet's page, the way a running header would, and must stay."""
    text = text.strip()
    return label_key(text) is not None or (text.endswith(("?", "？")) and len(text) <= 150
                                            and cue_key(text) is not None)


# ---------------------------------------------------------------------------- lines -> blocks


def _blocks(lines: list[list[Piece]]) -> list[Block]:
    """Reading order for one page: a two-column zone column by column, tables row by row."""
    split = _column_split(lines)
    if split is None:
        return _flow(lines)
    # The columns start after the last full-width line (title, metadata box) above the first
    # text of the right column; a table inside a column does not end them.
    first_right = next(i for i, line in enumerate(lines)
                       if any(p.x >= split - 4 and len(p.text) > 25 for p in line))
    start = 0
    for i, line in enumerate(lines[:first_right + 1]):
        if any(p.x < split - 4 and p.end > split + 20 for p in line):
            start = i + 1
    # A wrapped title's last line is short, but it is still the title's, not the column's.
    while (0 < start < first_right and len(lines[start]) == 1 and len(lines[start - 1]) == 1
           and lines[start][0].size == lines[start - 1][0].size
           and lines[start][0].bold == lines[start - 1][0].bold
           and lines[start][0].size > min(p.size for line in lines for p in line)):
        start += 1
    head, body = lines[:start], lines[start:]
    left = [[p for p in line if p.x < split - 4] for line in body]
    right = [[p for p in line if p.x >= split - 4] for line in body]
    return _flow(head) + _flow([line for line in left if line]) + _flow([line for line in right if line])


def _column_split(lines: list[list[Piece]]) -> float | None:
    """The x where a second text column starts, when the page has body text in two columns.

    Long pieces of text starting at one x in the middle of the page, with long pieces that end
    before it on the left: columns (a table's left cells are short labels instead).
    """
    pieces = [p for line in lines for p in line]
    if not pieces:
        return None
    left_edge = min(p.x for p in pieces)
    right_edge = max(p.end for p in pieces)
    width = right_edge - left_edge
    starts = Counter(round(p.x / 4) * 4 for p in pieces
                     if len(p.text) > 25 and p.x > left_edge + width * 0.3)
    if not starts:
        return None
    x, count = starts.most_common(1)[0]
    if count < 2:
        return None
    # The column's left edge: its bullets stand a little left of its text.
    split = min(p.x for p in pieces if x - 20 <= p.x <= x + 4)

    def left_long(p: Piece) -> bool:
        return len(p.text) > 25 and p.x < split - 40 and p.end < split + 15

    if sum(1 for p in pieces if left_long(p)) < 4:
        return None
    if count >= 4:
        return split
    # A second column of a few lines (a sheet's budget beside the end of its activities):
    # columns when those lines stand beside long lines of a first column that end before
    # them, which a table's label cells or a paragraph across the page do not.
    beside = sum(1 for line in lines
                 if any(left_long(p) for p in line)
                 and any(len(p.text) > 25 and x - 20 <= p.x <= x + 4 for p in line))
    return split if beside >= 2 else None


def _flow(lines: list[list[Piece]]) -> list[Block]:
    """Blocks from lines in reading order: label | value rows, then paragraphs and items."""
    blocks: list[Block] = []
    row: list[list[Piece]] | None = None  # [label pieces, value pieces]
    value_x = 0.0
    run: list[Piece] = []

    def flush_run():
        if run:
            blocks.extend(_paragraphs(run))
            run.clear()

    def flush_row():
        nonlocal row
        if row is not None:
            label = join_lines([p.text for p in row[0]])
            value = _cell_text(row[1])
            blocks.append(Block("row", f"{label} | {value}", cells=[label, value],
                                bold=all(p.bold for p in row[0]), page=row[0][0].page))
            row = None

    for line in lines:
        if (row is not None and len(line) >= 2 and abs(line[0].x - row[0][0].x) < 4
                and line[0].text[:1].islower() and len(row[0]) < 3
                and row[0][-1].y - line[0].y < line[0].size * 1.8):
            row[0].append(line[0])  # a label wrapped onto a second line ("Entidad" "responsable")
            row[1].extend(line[1:])
            continue
        if len(line) >= 2 and _is_label_cell(line[0]) and line[1].x - line[0].x > 40:
            flush_run()
            flush_row()
            row = [[line[0]], list(line[1:])]
            value_x = line[1].x
            continue
        if row is not None:
            if line[0].x >= value_x - 8:
                row[1].extend(line)
                continue
            if (len(line) == 1 and abs(line[0].x - row[0][0].x) < 4 and len(row[0]) < 3
                    and len(line[0].text) < 30 and abs(line[0].y - row[0][-1].y) < line[0].size * 1.6):
                row[0].append(line[0])  # a label wrapped onto a second line
                continue
            flush_row()
        run.extend(line if len(line) == 1 else [_merged(line)])
    flush_row()
    flush_run()
    return blocks


def _is_label_cell(piece: Piece) -> bool:
    text = piece.text.strip()
    return 0 < len(text) <= 40 and not is_bullet_line(text) and not text.endswith((".", ","))


def _merged(line: list[Piece]) -> Piece:
    first = line[0]
    known = all(p.width is not None for p in line)
    return Piece(first.x, first.y, first.page, " ".join(p.text for p in line),
                 all(p.bold for p in line), max(p.size for p in line), first.lead_bold,
                 width=line[-1].end - first.x if known else None)


def _cell_text(pieces: list[Piece]) -> str:
    """A table cell's text: paragraphs on their own lines, bullet items as "- item"."""
    parts = []
    for block in _paragraphs(pieces):
        parts.append(f"- {block.text}" if block.kind == "item" else block.text)
    return "\n".join(parts)


def _paragraphs(pieces: list[Piece]) -> list[Block]:
    """Join wrapped lines into paragraphs and bullet items."""
    blocks: list[Block] = []
    lines: list[Piece] = []
    kind = "paragraph"
    pitch = _line_pitch(pieces)

    def flush():
        nonlocal lines
        if lines:
            text = join_lines([p.text for p in lines])
            if kind == "item":
                text = strip_bullet(text)
            if text:
                blocks.append(Block(kind, text, bold=all(p.bold for p in lines),
                                    lead_bold=lines[0].lead_bold,
                                    size=max(p.size for p in lines), page=lines[0].page))
        lines = []

    pending_bullet = False
    item_left = 0.0  # x of an item's bullet: a line starting there again is not a continuation
    # Where lines of each font size end when they wrap: a title's lines are measured
    # against the title's, the body's against the body's.
    right_edges: dict[float, float] = {}
    for p in pieces:
        right_edges[p.size] = max(right_edges.get(p.size, 0.0), p.end)
    left_edge = min((p.x for p in pieces), default=0.0)
    for piece in pieces:
        text = piece.text.strip()
        if text in BULLET_CHARS:  # a bullet glyph drawn apart from its text
            flush()
            kind, pending_bullet, item_left = "item", True, piece.x
            continue
        if pending_bullet:
            lines = [piece]
            pending_bullet = False
            continue
        if not lines:
            kind = "item" if is_bullet_line(text) else "paragraph"
            item_left = piece.x
            lines = [piece]
            continue
        previous = lines[-1]
        same_page = piece.page == previous.page
        new = (
            is_bullet_line(text)
            or not same_page and not _continues(previous, piece)
            or same_page and previous.y - piece.y > pitch.get(previous.size, previous.size * 1.3) * 1.45
            or abs(piece.size - previous.size) > 0.6
            or piece.bold != previous.bold and not _continues(previous, piece)
            or (_starts_label(piece) or split_inline_label(piece.text) is not None)
            and not previous.text.rstrip().endswith((",", "-"))
            or kind == "item" and same_page and piece.x <= item_left + 2
            or same_page and _broken_on_purpose(previous, piece, left_edge,
                                                right_edges[previous.size])
            or _own_line_label(previous, piece)
        )
        if new:
            flush()
            kind = "item" if is_bullet_line(text) else "paragraph"
            item_left = piece.x
        lines.append(piece)
    flush()
    return blocks


def _broken_on_purpose(previous: Piece, piece: Piece, left: float, right: float) -> bool:
    """The line ended where its writer pressed Enter: the next line's first word would have
    fitted after it, so no wrapping put it there ("Context" above its text, budget lines in
    a PDF where headings have the body's font). Widths are estimates, hence the margin."""
    if _continues(previous, piece):
        return False
    first_word = piece.text.split(" ", 1)[0]
    room = right - previous.end
    return room > (len(first_word) + 1) * piece.size * GLYPH_WIDTH + (right - left) * 0.12


def _own_line_label(previous: Piece, piece: Piece) -> bool:
    """A section's name alone on a line is a heading, whatever its font: it starts a
    paragraph after a finished sentence and ends its own."""
    if label_key(previous.text) is not None:
        return True
    return (label_key(piece.text) is not None
            and previous.text.rstrip()[-1:] in tuple(".!?:;)"))


def _continues(previous: Piece, piece: Piece) -> bool:
    """A line that carries on a sentence left open (hyphen, no final punctuation)."""
    end = previous.text.rstrip()
    return bool(end) and end[-1] not in ".!?:;" and piece.text[:1].islower()


def _starts_label(piece: Piece) -> bool:
    return piece.lead_bold and bool(re.match(r"^[^\W\d_][\w'’ ()./-]{0,38}:(\s|$)", piece.text))


def _line_pitch(pieces: list[Piece]) -> dict[float, float]:
    """The usual distance between lines of each font size: a larger gap ends a paragraph."""
    gaps: dict[float, Counter] = {}
    for a, b in zip(pieces, pieces[1:]):
        if a.page == b.page and a.size == b.size and 0 < a.y - b.y < a.size * 3:
            gaps.setdefault(a.size, Counter())[round(a.y - b.y)] += 1
    return {size: float(counter.most_common(1)[0][0]) for size, counter in gaps.items()}


def _merge_across_pages(blocks: list[Block]) -> list[Block]:
    """Join a paragraph split by a page break (text flowing onto the next page)."""
    merged: list[Block] = []
    for block in blocks:
        previous = merged[-1] if merged else None
        if (previous is not None and previous.kind in ("paragraph", "item")
                and block.kind == "paragraph" and previous.page != block.page
                and previous.size == block.size and previous.bold == block.bold
                and previous.text and previous.text[-1] not in ".!?:;"
                and block.text[:1].islower()):
            previous.text = join_lines([previous.text, block.text])
            continue
        merged.append(block)
    return merged
