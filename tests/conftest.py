"""Shared fixtures: a minimal practice sheet built in code."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

MINIMAL_SHEET = {
    "title": "Night stewards in the old town",
    "meta": [("City", "Ghent"), ("Country", "Belgium"), ("Themes", "Nightlife; mediation"),
             ("Period", "2019 – 2022"), ("Contact", "Eva Claes – eva.claes@gent.example.be")],
    "sections": [("Context", "Noise and fights near bars worried residents of the old town."),
                 ("Objectives", "Calm the streets at night and keep bars open."),
                 ("Activities", "Pairs of stewards walk the bar streets on weekend nights."),
                 ("Budget", "€120,000 per year, funded by the City of Ghent."),
                 ("Evaluation", "Complaints fell by a third in two years.")],
}


def sheet_docx(sheet: dict = MINIMAL_SHEET) -> bytes:
    """A Word practice sheet with heading styles and "Label: value" metadata lines."""
    document = docx.Document()
    document.add_paragraph(sheet["title"], style="Title")
    for label, value in sheet["meta"]:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    for heading, text in sheet["sections"]:
        document.add_heading(heading, level=1)
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def sheet_file(tmp_path: Path) -> Path:
    path = tmp_path / "ghent-stewards.docx"
    path.write_bytes(sheet_docx())
    return path
