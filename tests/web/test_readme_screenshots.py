"""The README shows the app (issue 14, "Done when"): screenshots of the search page, a sheet,
the analysis with its map and the staff review beside the original, each a PNG that exists in
the package at desktop width (bench/screenshots.py takes them again)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n"


def test_the_readme_shows_the_four_pages_as_screenshots():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    images = dict(re.findall(r"!\[([^\]]+)\]\(([^)]+\.png)\)", readme))
    assert {Path(path).stem for path in images.values()} >= {"search", "sheet", "analysis",
                                                              "review"}
    for alt, path in images.items():
        data = (ROOT / path).read_bytes()
        assert data.startswith(PNG), path
        width = int.from_bytes(data[16:20], "big")           # the IHDR chunk's width
        assert width == 1280, (path, width)
        assert alt.strip(), path                              # each says what it shows
