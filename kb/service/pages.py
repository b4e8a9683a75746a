"""The pages of a PDF original drawn as PNG images, for staff to review a sheet beside them.

Pages are drawn by PDFium (pypdfium2) in a worker process within the import limits, like any
reading of an original: a file staff look at can never stall or crash the web app. Only the
sheet's own pages are drawn (a booklet's sheet: its first_page..last_page), at most
MAX_PAGES of them, at one width; the images of the last few originals are kept in memory.
"""

from __future__ import annotations

import shutil
import struct
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pypdfium2

from importers.batch import iter_results
from importers.limits import DEFAULT_LIMITS, Limits
from importers.parse import ParseResult
from kb.core.errors import UnreadableFile
from kb.core.messages import say
from kb.service.leftovers import work_folder
from kb.service.store import StoredRecord

if TYPE_CHECKING:       # workers import this module to draw pages: they need no index
    from kb.service.knowledge_base import KnowledgeBase

# Width of a drawn page in pixels: readable beside the fields on a desktop, sharp on a phone.
WIDTH = 900
# A page much taller than A4 (a poster, a scroll) is drawn smaller rather than huge.
MAX_HEIGHT = 3 * WIDTH
# A sheet has a few pages; more are left to the downloaded original.
MAX_PAGES = 12
# Images kept in memory, all originals together (a drawn page is 50-300 KB).
CACHE_BYTES = 64 * 1024 * 1024
_RANGE_FILE = "pages.txt"       # beside the copy a worker draws: which pages to draw


@dataclass
class PageRange:
    """The pages of an original that belong to one sheet, 1-based and inclusive, and how many
    of them are drawn."""
    first: int
    last: int

    @property
    def drawn(self) -> range:
        return range(self.first, min(self.last, self.first + MAX_PAGES - 1) + 1)

    @property
    def left_out(self) -> int:
        return self.last - self.first + 1 - len(self.drawn)


def page_range(item: StoredRecord) -> PageRange | None:
    """The sheet's pages of its PDF original, or None when it has no PDF original."""
    source = item.record.get("source") or {}
    if source.get("format") != "pdf" or not item.source_sha256:
        return None
    pages = source.get("pages") or 1
    first = max(1, source.get("first_page") or 1)
    last = min(pages, source.get("last_page") or pages)
    return PageRange(first, max(first, last))


@dataclass
class DrawnPages(ParseResult):
    """A worker's drawing of some pages: PNG bytes by page number."""
    images: dict[int, bytes] = field(default_factory=dict)


def draw_file(path: Path, limits: Limits) -> DrawnPages:
    """Worker side: draw the pages named in the range file beside `path`."""
    result = DrawnPages(str(path))
    first, last = (int(part) for part in (path.parent / _RANGE_FILE).read_text().split())
    try:
        pdf = pypdfium2.PdfDocument(path)
    except pypdfium2.PdfiumError as exc:
        result.error = UnreadableFile(say("pdf-damaged", name=path.name, reason=str(exc)))
        return result
    try:
        for number in range(first, min(last, len(pdf)) + 1):
            page = pdf[number - 1]
            try:
                width, height = page.get_size()
                scale = min(WIDTH / max(width, 1.0), MAX_HEIGHT / max(height, 1.0))
                bitmap = page.render(scale=scale, rev_byteorder=True)
                result.images[number] = png(bitmap)
            except pypdfium2.PdfiumError as exc:
                result.error = UnreadableFile(say("pdf-damaged", name=path.name,
                                                  reason=str(exc)))
                break
            finally:
                page.close()
    finally:
        pdf.close()
    return result


def png(bitmap: pypdfium2.PdfBitmap) -> bytes:
    """A PDFium bitmap (RGB or grey) as a PNG file, written without an imaging library."""
    channels = bitmap.n_channels
    colour = {1: 0, 3: 2, 4: 6}[channels]
    row = bitmap.width * channels
    buffer = memoryview(bitmap.buffer).cast("B")
    raw = b"".join(b"\x00" + bytes(buffer[y * bitmap.stride:y * bitmap.stride + row])
                   for y in range(bitmap.height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", bitmap.width, bitmap.height, 8, colour, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


class PageCache:
    """Drawn pages of the originals looked at last, within CACHE_BYTES, by (sha256, page).
    Drawing is done one original at a time, so that a review page's images, asked for
    together, draw their original once."""

    def __init__(self, budget: int = CACHE_BYTES):
        self.budget = budget
        self._images: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.drawing = threading.Lock()

    def get(self, key: tuple[str, int]) -> bytes | None:
        with self._lock:
            if key in self._images:
                self._images.move_to_end(key)
            return self._images.get(key)

    def put(self, key: tuple[str, int], image: bytes) -> None:
        with self._lock:
            if key in self._images:
                return
            self._images[key] = image
            self._size += len(image)
            while self._size > self.budget and len(self._images) > 1:
                _, dropped = self._images.popitem(last=False)
                self._size -= len(dropped)


def page_image(kb: KnowledgeBase, item: StoredRecord, number: int, cache: PageCache,
               limits: Limits = DEFAULT_LIMITS) -> bytes | None:
    """Page `number` of a sheet's PDF original as PNG; None when it is not one of the sheet's
    drawn pages. Raises the worker's error (UnreadableFile, ParseTimeout...) when the
    original cannot be drawn."""
    pages = page_range(item)
    if pages is None or number not in pages.drawn or item.source_sha256 not in kb.archive:
        return None
    sha = item.source_sha256
    image = cache.get((sha, number))
    if image is not None:
        return image
    with cache.drawing:
        image = cache.get((sha, number))      # drawn while this request waited
        if image is not None:
            return image
        name = Path((item.record.get("source") or {}).get("filename") or "original.pdf").name
        drawn = _draw(kb, sha, name, pages, limits)
        for page, png_bytes in drawn.images.items():
            cache.put((sha, page), png_bytes)
    if number in drawn.images:
        return drawn.images[number]
    if drawn.error is not None:
        raise drawn.error
    return None


def _draw(kb: KnowledgeBase, sha: str, name: str, pages: PageRange, limits: Limits
          ) -> DrawnPages:
    with work_folder(kb.home, "pages-") as workdir:
        target = Path(workdir) / name           # so that an error names the sheet's file
        shutil.copyfile(kb.archive.path(sha), target)
        (Path(workdir) / _RANGE_FILE).write_text(f"{pages.drawn.start} {pages.drawn[-1]}")
        results = iter_results([target], limits, workers=1, parser=draw_file)
        try:
            result = next(results)
        finally:
            results.close()
    return result if isinstance(result, DrawnPages) else DrawnPages(str(target),
                                                                    error=result.error)
