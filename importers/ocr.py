"""Read a scanned PDF, or its scanned pages (no text layer, an image of the page), by OCR: pages rendered with PDFium, words
read by Debian's Tesseract.

Tesseract runs as a program, one page at a time (the image on its standard input, hOCR on its
output), with one thread (two cores serve every parsing worker) and within the file's time
limit; its hOCR gives each word's box and each line's baseline and letter height, which
become the positioned words a PDF's text layer gives, so importers.pdf_reader rebuilds lines,
columns, tables and paragraphs from them with the same rules.
"""

from __future__ import annotations

import functools
import math
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass

import numpy
import pycountry
import pypdfium2
from lxml import etree

from importers.language import detect_language
from importers.limits import Limits
from kb.core.errors import NoTextLayer, ParseTimeout, TooLarge, UnreadableFile
from kb.core.messages import say

# Tesseract reads best at 300 dpi; a page larger than A4 is rendered at less, so that one
# page never needs more than this many pixels (a 5 m MediaBox would otherwise ask gigabytes,
# and Tesseract's time grows with the pixels).
DPI = 300
MAX_PIXELS = 12_000_000
# Tesseract's hOCR "x_size" (ascender to descender) is about 0.9 of the font's size in
# Helvetica and Times.
X_SIZE_PER_POINT = 0.9
# Lines of one font measure a pixel or two apart on a scan: a line's size within this share
# of a size more of the page's words have is that size (a heading 1.3 times the body stays
# apart), so the reader's rules on sizes see one body size, as in a text layer.
SAME_SIZE = 0.12
# Tesseract's models say nothing of bold; a bold line's strokes are about 1.5 times as thick,
# so it puts that much more ink in its words' boxes than the page's usual line.
BOLD_INK = 1.3
# The time of a file not spent by OCR: the batch's worker is killed at limits.timeout, and
# OCR stops a little before so the message says what took the time.
OCR_SHARE_OF_TIMEOUT = 0.9
# The share of a page its images must cover for the page to be a scan (a scanner's page is
# one image of the whole sheet, or a few strips of it).
SCAN_COVER = 0.5


@dataclass(frozen=True)
class Word:
    """One word read by OCR, in PDF points (origin bottom left, y its line's baseline)."""

    x: float
    y: float
    width: float
    size: float
    text: str
    bold: bool = False


def tesseract() -> str | None:
    """The tesseract program, or None when it is not installed."""
    return shutil.which("tesseract")


@functools.cache
def _installed_languages(program: str) -> frozenset[str]:
    out = subprocess.run([program, "--list-langs"], capture_output=True, text=True, timeout=30,
                         check=False)
    return frozenset(line.strip() for line in out.stdout.splitlines()[1:] if line.strip())


def tesseract_model(program: str, language: str) -> str:
    """The "-l" argument for a sheet in `language`: its Tesseract model (ISO 639-2, as
    Debian's tesseract-ocr-LANG packages name them) with English for the names and
    addresses, or English alone when that model is not installed."""
    found = pycountry.languages.get(alpha_2=language)
    code = found.alpha_3 if found is not None else "eng"
    return f"{code}+eng" if code != "eng" and code in _installed_languages(program) else "eng"


def scanned_pages(data: bytes, name: str, candidates: list[int]) -> list[int]:
    """Of the `candidates` (0-based numbers of pages with no text layer), the pages that are
    scans: images cover at least half of the page. A page of a small picture or a diagram
    is not one, and OCR would only guess at its lines."""
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise UnreadableFile(say("pdf-damaged", name=name, reason=str(exc))) from exc
    try:
        return [number for number in candidates
                if number < len(pdf) and _image_share(pdf[number]) >= SCAN_COVER]
    finally:
        pdf.close()


def _image_share(page: pypdfium2.PdfPage) -> float:
    """How much of the page its images cover (each clipped to the page; overlaps counted
    twice, which scans do not have)."""
    try:
        left, bottom, right, top = page.get_bbox()
        area = max((right - left) * (top - bottom), 1.0)
        covered = 0.0
        for image in page.get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE]):
            x0, y0, x1, y1 = image.get_pos()
            covered += (max(0.0, min(x1, right) - max(x0, left))
                        * max(0.0, min(y1, top) - max(y0, bottom)))
        return covered / area
    finally:
        page.close()


def read_scanned(data: bytes, name: str, limits: Limits, started: float,
                 pages: list[int] | None = None, language: str | None = None
                 ) -> list[list[Word]]:
    """The words of each of `pages` (0-based; all when None) of a PDF, read by OCR; raises
    NoTextLayer when Tesseract is not installed, TooLarge past the OCR page limit,
    ParseTimeout past the file's time limit (counted from `started`, a time.monotonic()).

    Every model Tesseract loads makes each page slower (nine take three times one), so
    unless the sheet's `language` is known (from the pages that have text), the first page
    with words is read in English, the sheet's language told from its words (function words
    survive a model that lacks their accents), and every page read with that language's
    model."""
    program = tesseract()
    if program is None:
        raise NoTextLayer(say("pdf-scanned", name=name))
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise UnreadableFile(say("pdf-damaged", name=name, reason=str(exc))) from exc
    try:
        numbers = list(range(len(pdf))) if pages is None else pages
        if len(numbers) > limits.max_ocr_pages:
            raise TooLarge(say("ocr-too-many-pages", name=name, count=len(numbers),
                               limit=limits.max_ocr_pages))
        deadline = started + limits.timeout * OCR_SHARE_OF_TIMEOUT
        model = tesseract_model(program, language) if language else None
        read = []
        for number in numbers:
            page = _Page(pdf, number, name)
            words = page.read(program, model or "eng", name, limits, deadline)
            if model is None and words:
                model = tesseract_model(program, detect_language(" ".join(
                    word.text for word in words)))
                if model != "eng":
                    words = page.read(program, model, name, limits, deadline)
            read.append(words)
    finally:
        pdf.close()
    return read


class _Page:
    """One page rendered for OCR: its grey pixels, as an image Tesseract reads."""

    def __init__(self, pdf: pypdfium2.PdfDocument, number: int, name: str):
        self.number = number
        page = pdf[number]
        try:
            width, self.height = page.get_size()
            self.dpi = min(DPI, 72 * math.sqrt(MAX_PIXELS / max(width * self.height, 1.0)))
            try:
                bitmap = page.render(scale=self.dpi / 72, grayscale=True)
            except pypdfium2.PdfiumError as exc:
                raise UnreadableFile(say("pdf-damaged", name=name, reason=str(exc))) from exc
            pixels = bitmap.to_numpy()
        finally:
            page.close()
        rows, columns = pixels.shape[:2]
        self.pixels = pixels.reshape(rows, columns)
        # PGM: the plainest image format Tesseract reads, written without an imaging library.
        self.image = b"P5\n%d %d\n255\n" % (columns, rows) + self.pixels.tobytes()

    def read(self, program: str, model: str, name: str, limits: Limits,
             deadline: float) -> list[Word]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _timeout(name, limits)
        try:
            out = subprocess.run(
                [program, "stdin", "stdout", "-l", model, "--dpi", str(round(self.dpi)),
                 "hocr"],
                input=self.image, capture_output=True, timeout=remaining, check=False,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        except subprocess.TimeoutExpired as exc:
            raise _timeout(name, limits) from exc
        except OSError as exc:
            raise UnreadableFile(say("ocr-failed", name=name, page=self.number + 1,
                                     reason=exc.strerror or str(exc))) from exc
        if out.returncode != 0:
            reason = " ".join(out.stderr.decode("utf-8", "replace").split())[:200]
            raise UnreadableFile(say("ocr-failed", name=name, page=self.number + 1,
                                     reason=reason or f"exit code {out.returncode}"))
        try:
            return _words(out.stdout, 72 / self.dpi, self.height, self.pixels)
        except etree.XMLSyntaxError as exc:
            raise UnreadableFile(say("ocr-failed", name=name, page=self.number + 1,
                                     reason=f"its output is not hOCR: {exc}")) from exc


def _timeout(name: str, limits: Limits) -> ParseTimeout:
    return ParseTimeout(say("ocr-timeout", name=name,
                            seconds=f"{limits.timeout * OCR_SHARE_OF_TIMEOUT:g}"))


_BBOX = re.compile(r"bbox (-?\d+) (-?\d+) (-?\d+) (-?\d+)")
_BASELINE = re.compile(r"baseline (-?[\d.]+) (-?[\d.]+)")
_X_SIZE = re.compile(r"x_size ([\d.]+)")
_LINE_CLASSES = {"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"}


def _words(hocr: bytes, points_per_pixel: float, page_height: float,
           pixels: numpy.ndarray) -> list[Word]:
    """Words from Tesseract's hOCR (XHTML it writes itself; read with no entities or DTD);
    a line is bold when its words hold much more ink than the page's usual line's."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    root = etree.fromstring(hocr, parser)
    lines: list[tuple[float, float, list[tuple[float, float, float, str]]]] = []
    for line in root.iter("{*}span"):
        if line.get("class") not in _LINE_CLASSES:
            continue
        title = line.get("title", "")
        box, size = _BBOX.search(title), _X_SIZE.search(title)
        if box is None or size is None:
            continue
        baseline = _BASELINE.search(title)
        bottom = int(box.group(4)) + (float(baseline.group(2)) if baseline else 0.0)
        y = page_height - bottom * points_per_pixel
        words = []
        ink = area = 0
        for word in line.iter("{*}span"):
            if word.get("class") != "ocrx_word":
                continue
            text = "".join(word.itertext()).strip()
            found = _BBOX.search(word.get("title", ""))
            if not text or found is None:
                continue
            left, top, right, low = (int(found.group(n)) for n in range(1, 5))
            box = pixels[max(top, 0):max(low, 0), max(left, 0):max(right, 0)]
            ink += int((box < 128).sum())
            area += box.size
            words.append((left * points_per_pixel, y, (right - left) * points_per_pixel, text))
        if words:
            lines.append((float(size.group(1)) * points_per_pixel / X_SIZE_PER_POINT,
                          ink / area if area else 0.0, words))
    sizes = _common_sizes([(size, len(words)) for size, _ink, words in lines])
    usual = _usual_ink(lines)
    return [Word(x=x, y=y, width=width, size=sizes[size], text=text,
                 bold=usual > 0 and ink >= BOLD_INK * usual)
            for size, ink, words in lines for x, y, width, text in words]


def _usual_ink(lines: list[tuple[float, float, list]]) -> float:
    """The ink share of the page's usual line: the median over its words."""
    shares = sorted(ink for _size, ink, words in lines for _ in words)
    return shares[len(shares) // 2] if shares else 0.0


def _common_sizes(measured: list[tuple[float, int]]) -> dict[float, float]:
    """Each measured size -> the size it stands for: the most used size near it, rounded to
    a tenth of a point like a text layer's."""
    weight: dict[float, int] = {}
    for size, count in measured:
        weight[size] = weight.get(size, 0) + count
    centres: list[float] = []
    out = {}
    for size in sorted(weight, key=lambda size: -weight[size]):
        centre = next((c for c in centres if abs(c - size) <= SAME_SIZE * c), None)
        if centre is None:
            centres.append(size)
            centre = size
        out[size] = round(centre, 1)
    return out
