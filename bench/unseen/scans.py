"""Scanned versions of the unseen corpus's PDFs, for scoring OCR (issue 13).

Each PDF of bench/unseen/corpus (six layout families, nine languages) is rendered to page
images as a scanner gives them (200 dpi, a little askew, blurred, speckled, JPEG; the
factory of tests/importers/scans.py) and wrapped in a PDF with no text layer; its truth is
the PDF's own. The files are large, so they are written to bench/out (not committed):

    python bench/unseen/scans.py [--out DIR] [--every N]
    python bench/accuracy.py --corpus DIR          # default DIR: bench/out/unseen-scans
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))

from tests.importers.scans import scan  # noqa: E402  (the one scan factory)

DEFAULT_OUT = REPO / "bench" / "out" / "unseen-scans"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--every", type=int, default=1,
                        help="scan every Nth PDF only (default: all)")
    args = parser.parse_args()
    pdfs = sorted((HERE / "corpus").glob("*.pdf"))[::args.every]
    corpus, truth = args.out / "corpus", args.out / "truth"
    for folder in (corpus, truth):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    for number, pdf in enumerate(pdfs):
        # Each page askew its own way, as sheets fed to a scanner are.
        data = scan(pdf.read_bytes(), skew=(-0.5, 0.3, 0.6, -0.2)[number % 4], seed=number)
        (corpus / f"{pdf.stem}--scan.pdf").write_bytes(data)
        expected = json.loads((HERE / "truth" / f"{pdf.stem}.json").read_text("utf-8"))
        expected.update(file=f"{pdf.stem}--scan.pdf", layout=f"{expected['layout']}-scan")
        (truth / f"{pdf.stem}--scan.json").write_text(
            json.dumps(expected, ensure_ascii=False, indent=1), "utf-8")
    print(f"{len(pdfs)} scans in {corpus}, their truth in {truth}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
