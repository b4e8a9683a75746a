"""Read a scanned PDF (pages with no text layer) by OCR: pages rendered with PDFium, words
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

import pycountry
import pypdfium2
from lxml import etree

from importers.limits import Limits
from kb.core.errors import NoTextLayer, ParseTimeout, TooLarge, UnreadableFile
from kb.core.languages import SHEET_LANGUAGES
from kb.core.messages import say

# Tesseract reads best at 300 dpi; a page larger than A3 is rendered at less, so that one
# page never needs more than this many pixels (a 5 m MediaBox would otherwise ask gigabytes).
DPI = 300
MAX_PIXELS = 40_000_000
# Tesseract's hOCR "x_size" (ascender to descender) is about 0.9 of the font's size in
# Helvetica and Times.
X_SIZE_PER_POINT = 0.9
# Lines of one font measure a pixel or two apart on a scan: a line's size within this share
# of a size more of the page's words have is that size (a heading 1.3 times the body stays
# apart), so the reader's rules on sizes see one body size, as in a text layer.
SAME_SIZE = 0.08
# The time of a file not spent by OCR: the batch's worker is killed at limits.timeout, and
# OCR stops a little before so the message says what took the time.
OCR_SHARE_OF_TIMEOUT = 0.9


@dataclass(frozen=True)
class Word:
    """One word read by OCR, in PDF points (origin bottom left, y its line's baseline)."""

    x: float
    y: float
    width: float
    size: float
    text: str


def tesseract() -> str | None:
    """The tesseract program, or None when it is not installed."""
    return shutil.which("tesseract")


@functools.cache
def _installed_languages(program: str) -> frozenset[str]:
    out = subprocess.run([program, "--list-langs"], capture_output=True, text=True, timeout=30,
                         check=False)
    return frozenset(line.strip() for line in out.stdout.splitlines()[1:] if line.strip())


def tesseract_languages(program: str) -> str:
    """The "-l" argument: every language of the sheets whose Tesseract model is installed
    (ISO 639-2 codes, as Debian's tesseract-ocr-LANG packages name them), English first."""
    installed = _installed_languages(program)
    codes = []
    for language in SHEET_LANGUAGES:
        found = pycountry.languages.get(alpha_2=language)
        if found is not None and found.alpha_3 in installed:
            codes.append(found.alpha_3)
    return "+".join(codes or ["eng"])


def read_scanned(data: bytes, name: str, limits: Limits, started: float) -> list[list[Word]]:
    """The words of each page of a PDF with no text layer, read by OCR; raises NoTextLayer
    when Tesseract is not installed, TooLarge past the OCR page limit, ParseTimeout past the
    file's time limit (counted from `started`, a time.monotonic())."""
    program = tesseract()
    if program is None:
        raise NoTextLayer(say("pdf-scanned", name=name))
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise UnreadableFile(say("pdf-damaged", name=name, reason=str(exc))) from exc
    try:
        count = len(pdf)
        if count > limits.max_ocr_pages:
            raise TooLarge(say("ocr-too-many-pages", name=name, count=count,
                               limit=limits.max_ocr_pages))
        deadline = started + limits.timeout * OCR_SHARE_OF_TIMEOUT
        languages = tesseract_languages(program)
        pages = []
        for number in range(count):
            pages.append(_read_page(pdf, number, program, languages, name, limits, deadline))
    finally:
        pdf.close()
    if not any(pages):
        raise NoTextLayer(say("ocr-no-text", name=name))
    return pages


def _read_page(pdf: pypdfium2.PdfDocument, number: int, program: str, languages: str,
               name: str, limits: Limits, deadline: float) -> list[Word]:
    page = pdf[number]
    try:
        width, height = page.get_size()
        dpi = min(DPI, 72 * math.sqrt(MAX_PIXELS / max(width * height, 1.0)))
        try:
            bitmap = page.render(scale=dpi / 72, grayscale=True)
        except pypdfium2.PdfiumError as exc:
            raise UnreadableFile(say("pdf-damaged", name=name, reason=str(exc))) from exc
        pixels = bitmap.to_numpy()
    finally:
        page.close()
    rows, columns = pixels.shape[:2]
    # PGM: the plainest image format Tesseract reads, written without an imaging library.
    image = b"P5\n%d %d\n255\n" % (columns, rows) + pixels.reshape(rows, columns).tobytes()
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _timeout(name, limits)
    try:
        out = subprocess.run(
            [program, "stdin", "stdout", "-l", languages, "--dpi", str(round(dpi)), "hocr"],
            input=image, capture_output=True, timeout=remaining, check=False,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    except subprocess.TimeoutExpired as exc:
        raise _timeout(name, limits) from exc
    except OSError as exc:
        raise UnreadableFile(say("ocr-failed", name=name, page=number + 1,
                                 reason=exc.strerror or str(exc))) from exc
    if out.returncode != 0:
        reason = " ".join(out.stderr.decode("utf-8", "replace").split())[:200]
        raise UnreadableFile(say("ocr-failed", name=name, page=number + 1,
                                 reason=reason or f"exit code {out.returncode}"))
    try:
        return _words(out.stdout, 72 / dpi, height)
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(say("ocr-failed", name=name, page=number + 1,
                                 reason=f"its output is not hOCR: {exc}")) from exc


def _timeout(name: str, limits: Limits) -> ParseTimeout:
    return ParseTimeout(say("ocr-timeout", name=name,
                            seconds=f"{limits.timeout * OCR_SHARE_OF_TIMEOUT:g}"))


_BBOX = re.compile(r"bbox (-?\d+) (-?\d+) (-?\d+) (-?\d+)")
_BASELINE = re.compile(r"baseline (-?[\d.]+) (-?[\d.]+)")
_X_SIZE = re.compile(r"x_size ([\d.]+)")
_LINE_CLASSES = {"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"}


def _words(hocr: bytes, points_per_pixel: float, page_height: float) -> list[Word]:
    """Words from Tesseract's hOCR (XHTML it writes itself; read with no entities or DTD)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    root = etree.fromstring(hocr, parser)
    lines: list[tuple[float, list[tuple[float, float, float, str]]]] = []
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
        for word in line.iter("{*}span"):
            if word.get("class") != "ocrx_word":
                continue
            text = "".join(word.itertext()).strip()
            found = _BBOX.search(word.get("title", ""))
            if not text or found is None:
                continue
            left, right = int(found.group(1)), int(found.group(3))
            words.append((left * points_per_pixel, y, (right - left) * points_per_pixel, text))
        if words:
            lines.append((float(size.group(1)) * points_per_pixel / X_SIZE_PER_POINT, words))
    sizes = _common_sizes([(size, len(words)) for size, words in lines])
    return [Word(x=x, y=y, width=width, size=sizes[size], text=text)
            for size, words in lines for x, y, width, text in words]


def _common_sizes(measured: list[tuple[float, int]]) -> dict[float, float]:
    """Each measured size -> the size it stands for: the most used size near it, rounded to
    a tenth of a point like a text layer's."""
    weight: dict[float, int] = {}
    for size, count in measured:
        weight[size] = weight.get(size, 0) + count
    by_use = sorted(weight, key=lambda size: -weight[size])
    return {size: round(next(common for common in by_use
                             if abs(common - size) <= SAME_SIZE * common), 1)
            for size in weight}
