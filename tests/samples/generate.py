"""Write the demo sheets, each in its own layout: `python -m tests.samples.generate [OUTDIR]`.

The default OUTDIR is kb/cli/demo/, whose files are committed and parsed by the demo.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from tests.samples.render import extension, render
from tests.samples.sheets import SHEETS

FILES_DIR = Path(__file__).resolve().parents[2] / "kb" / "cli" / "demo"
# Files an earlier run may have written under another name (a renamed slug or layout).
_DEMO_FILE = re.compile(r"demo\d+-.*\.(docx|pdf)")


def filename(sheet: dict[str, Any]) -> str:
    """The demo file's name: "<id>-<slug><extension>", e.g. "demo01-night-safe-haven-bristol.docx"."""
    return f"{sheet['id']}-{sheet['slug']}{extension(sheet['layout'])}"


def write_all(outdir: Path = FILES_DIR) -> list[Path]:
    """Render every demo sheet into `outdir`, remove stale demo files, return the paths written."""
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for sheet in SHEETS:
        path = outdir / filename(sheet)
        path.write_bytes(render(sheet, sheet["layout"]))
        written.append(path)
    for stale in outdir.iterdir():
        if _DEMO_FILE.fullmatch(stale.name) and stale not in written:
            stale.unlink()
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1:
        print("usage: python -m tests.samples.generate [OUTDIR]", file=sys.stderr)
        return 2
    outdir = Path(args[0]) if args else FILES_DIR
    for path in write_all(outdir):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
