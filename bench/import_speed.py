"""Bulk import end to end against bare text extraction of the same files (target: at most 1.5x).

Generates N practice sheets as PDF and Word files (bench/synthetic.py, cycling through the
nine layouts), then times, on the same files:

    bare     pypdf extract_text() of every page / python-docx text of every paragraph and
             table cell, one file after another in this one process
    import   `kb import` of the folder into a new knowledge base: parse in worker processes
             on all cores, validate, archive, store, index (importers + kb.importing)

each RUNS times, interleaved, and prints every run, the medians and their ratio.

    python bench/import_speed.py [--count 1000] [--runs 3] [--workers N] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from parse_speed import bare_docx, bare_pdf  # noqa: E402
from synthetic import write_files  # noqa: E402

from kb.service.importing import ImportOptions, import_paths  # noqa: E402
from kb.service.knowledge_base import KnowledgeBase  # noqa: E402

TARGET_RATIO = 1.5


def bare(files: list[Path]) -> float:
    start = time.perf_counter()
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".pdf":
            bare_pdf(data)
        else:
            bare_docx(data)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--runs", type=int, default=3, help="interleaved bare/import runs")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kb-import-bench-"))
    sheets = workdir / "sheets"
    try:
        if not sheets.is_dir() or len(list(sheets.iterdir())) != args.count:
            shutil.rmtree(sheets, ignore_errors=True)
            sheets.mkdir(parents=True)
            start = time.perf_counter()
            write_files(args.count, sheets)
            print(f"generated {args.count} files in {time.perf_counter() - start:.0f} s")
        files = sorted(sheets.iterdir())
        pdfs = sum(1 for f in files if f.suffix == ".pdf")
        print(f"{len(files)} files: {pdfs} PDF, {len(files) - pdfs} Word, "
              f"{sum(f.stat().st_size for f in files) / 2**20:.1f} MB")
        bare(files[:20])                                  # warm the OS cache and imports
        bare_times, import_times = [], []
        for run in range(args.runs):          # interleaved, so drift hits both alike
            bare_times.append(bare(files))
            home = workdir / "kb"
            shutil.rmtree(home, ignore_errors=True)
            with KnowledgeBase(home) as kb:
                start = time.perf_counter()
                report = import_paths(kb, [sheets], ImportOptions(workers=args.workers))
                import_times.append(time.perf_counter() - start)
                consistent = kb.check().consistent
            print(f"run {run + 1}: bare {bare_times[-1]:.1f} s, import {import_times[-1]:.1f} s, "
                  f"ratio {import_times[-1] / bare_times[-1]:.2f}; "
                  f"{report.summary().splitlines()[0]} consistent: {consistent}", flush=True)
        bare_seconds = statistics.median(bare_times)
        import_seconds = statistics.median(import_times)
        print(f"bare extraction, one process: {bare_seconds:.1f} s "
              f"({len(files) / bare_seconds:.1f} files/s, median of {args.runs})")
        print(f"kb import, end to end: {import_seconds:.1f} s "
              f"({len(files) / import_seconds:.1f} files/s, median of {args.runs})")
        ratio = import_seconds / bare_seconds
        verdict = "met" if ratio <= TARGET_RATIO else "NOT MET"
        print(f"ratio import/bare (medians): {ratio:.2f} (target ≤ {TARGET_RATIO}): {verdict}")
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
