"""How much slower our parse is than the bare text extraction it is built on (target: 2x).

For each file, in this one process: "bare" is pypdf's extract_text() on every page,
python-docx's Document() plus the text of every paragraph and table cell, or odfdo's
Document() and its get_formatted_text(); "ours" is importers.parse.parse_bytes. A PDF with no
text layer is a scan, read by OCR: it has no bare counterpart, and its time is reported
apart, in seconds per page. After a warm-up, each file is timed N times, bare and ours
interleaved (alternating which goes first) so that drift hits both alike; the median is kept.

    python bench/parse_speed.py [FILES or FOLDERS ...] [--repeat N]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import docx
import odfdo
from pypdf import PdfReader

from importers.guard import sniff_format
from importers.parse import parse_bytes
from kb.core.errors import ImportFailure

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCES = [REPO.parent / "shared" / "samples" / "corpus", REPO / "kb" / "cli" / "demo"]
SUFFIXES = {".pdf", ".docx", ".odt"}
TARGET_RATIO = 2.0


@dataclass
class Timing:
    path: Path
    format: str
    pages: int
    bare: list[float] = field(default_factory=list)
    ours: list[float] = field(default_factory=list)
    failure: str = ""


def bare_pdf(data: bytes) -> int:
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        page.extract_text()
    return len(reader.pages)


def bare_odt(data: bytes) -> int:
    odfdo.Document(io.BytesIO(data)).get_formatted_text()
    return 1


def no_text_layer(data: bytes) -> bool:
    return not any(page.extract_text().strip() for page in PdfReader(io.BytesIO(data)).pages)


def bare_scan(data: bytes) -> int:
    """Nothing to extract without OCR: the page count, for seconds per page."""
    return len(PdfReader(io.BytesIO(data)).pages)



def bare_docx(data: bytes) -> int:
    document = docx.Document(io.BytesIO(data))
    texts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.extend(cell.text for cell in row.cells)
    return 1


BARE = {"pdf": bare_pdf, "docx": bare_docx, "odt": bare_odt, "scan": bare_scan}


def ours(data: bytes, name: str) -> str:
    try:
        parse_bytes(data, name)
    except ImportFailure as exc:
        return exc.kind
    return ""


def clock(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def measure(paths: list[Path], repeat: int) -> list[Timing]:
    loaded = [(path, path.read_bytes()) for path in paths]
    timings = []
    for path, data in loaded:  # warm-up, and the page count
        fmt = sniff_format(data, path.name)
        if fmt == "pdf" and no_text_layer(data):
            fmt = "scan"
        timing = Timing(path, fmt, BARE[fmt](data))
        timing.failure = ours(data, path.name)
        timings.append(timing)
    for round_number in range(repeat):
        for timing, (path, data) in zip(timings, loaded):
            bare = BARE[timing.format]
            if timing.format == "scan" and round_number:
                continue  # OCR takes seconds a page: one timed run is enough
            runs = [("bare", lambda: bare(data)), ("ours", lambda: ours(data, path.name))]
            if round_number % 2:
                runs.reverse()
            for label, run in runs:
                getattr(timing, label).append(clock(run))
    return timings


def report(timings: list[Timing], repeat: int) -> None:
    print(f"{'file':28s} {'fmt':4s} {'pages':>5s} {'bare s':>9s} {'ours s':>9s} {'ratio':>6s}  "
          "note")
    for t in timings:
        bare, mine = statistics.median(t.bare), statistics.median(t.ours)
        note = f"ours fails: {t.failure}" if t.failure else ""
        ratio = "-" if t.format == "scan" else f"{mine / bare:.2f}"
        print(f"{t.path.name[:28]:28s} {t.format:4s} {t.pages:5d} {bare:9.4f} {mine:9.4f} "
              f"{ratio:>6s}  {note}")
    print()
    print(f"medians of {repeat} runs after a warm-up; target: ours at most {TARGET_RATIO:g}x bare")
    print(f"{'format':6s} {'files':>5s} {'unit':9s} {'bare s':>9s} {'ours s':>9s} {'ratio':>6s}  "
          "verdict")
    for fmt, unit in (("pdf", "per page"), ("docx", "per file"), ("odt", "per file")):
        group = [t for t in timings if t.format == fmt]
        if not group:
            continue
        count = sum(t.pages for t in group) if fmt == "pdf" else len(group)
        bare = sum(statistics.median(t.bare) for t in group)
        mine = sum(statistics.median(t.ours) for t in group)
        ratio = mine / bare
        verdict = "ok" if ratio <= TARGET_RATIO else "OVER TARGET"
        print(f"{fmt:6s} {len(group):5d} {unit:9s} {bare / count:9.4f} {mine / count:9.4f} "
              f"{ratio:6.2f}  {verdict}")
    scans = [t for t in timings if t.format == "scan"]
    if scans:
        pages = sum(t.pages for t in scans)
        seconds = sum(statistics.median(t.ours) for t in scans)
        print(f"scans (OCR, one timed run each): {len(scans)} files, {pages} pages, "
              f"{seconds / pages:.2f} s per page")


def collect(sources: list[Path]) -> list[Path]:
    paths = []
    for source in sources:
        if source.is_dir():
            paths.extend(sorted(p for p in source.rglob("*")
                                if p.is_file() and p.suffix.lower() in SUFFIXES))
        elif source.is_file():
            paths.append(source)
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", type=Path,
                        help="files or folders (default: the shared sample corpus and "
                             "kb/cli/demo, where present)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per file (default 5)")
    args = parser.parse_args()
    paths = collect(args.sources or DEFAULT_SOURCES)
    if not paths:
        print("error: no .pdf or .docx files found in "
              + ", ".join(map(str, args.sources or DEFAULT_SOURCES)), file=sys.stderr)
        return 2
    report(measure(paths, max(1, args.repeat)), max(1, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
