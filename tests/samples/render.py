"""Render a practice sheet as a Word or PDF file in one of nine layout families."""

from __future__ import annotations

from typing import Any

from tests.samples.render_docx import LAYOUTS as DOCX_LAYOUTS
from tests.samples.render_docx import render_docx
from tests.samples.render_pdf import LAYOUTS as PDF_LAYOUTS
from tests.samples.render_pdf import render_pdf
from tests.samples.sheets import labels_for

LAYOUTS: tuple[str, ...] = DOCX_LAYOUTS + PDF_LAYOUTS


def extension(layout: str) -> str:
    """The file extension of a layout's files: ".docx" or ".pdf"."""
    if layout in DOCX_LAYOUTS:
        return ".docx"
    if layout in PDF_LAYOUTS:
        return ".pdf"
    raise ValueError(f"Unknown layout {layout!r}; use one of: {', '.join(LAYOUTS)}.")


def render(sheet: dict[str, Any], layout: str, *, labels: dict[str, str] | None = None) -> bytes:
    """The file's bytes for `sheet` in `layout`.

    `labels` overrides the labels of the sheet's language (all or some of them), for example
    LABELS["fr"] to print an English sheet with French labels.
    """
    merged = labels_for(sheet, labels)
    if extension(layout) == ".docx":
        return render_docx(sheet, layout, merged)
    return render_pdf(sheet, layout, merged)
