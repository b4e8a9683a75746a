"""The block model: what every reader produces and every extractor consumes.

A document is a flat list of blocks in reading order. Readers (pdf, docx) fill in what their
format knows (style, bold, font size, page); extraction never sees a library's objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kb.core.messages import Message, say

Kind = Literal["title", "heading", "paragraph", "item", "row"]


@dataclass
class Block:
    kind: Kind
    text: str
    # For rows: the cells' texts (a cell's paragraphs joined by newlines).
    cells: list[str] = field(default_factory=list)
    # Heading level from a Word style (1-3) or 0 when unknown.
    level: int = 0
    bold: bool = False
    # Opens with a bold run ending in a colon: "**Lessons learned:** text".
    lead_bold: bool = False
    size: float | None = None
    page: int | None = None

    @property
    def is_table_row(self) -> bool:
        return self.kind == "row"


@dataclass
class Document:
    blocks: list[Block]
    format: str
    pages: int | None = None
    # The document's text as the reader saw it, page by page, for review screens.
    page_texts: list[str] = field(default_factory=list)
    # What the reader tells staff to check, on every record of it.
    warnings: list[Message] = field(default_factory=list)
    # Pages (1-based) whose text was read by OCR, and scanned pages left unread (no
    # Tesseract): warned of on the record, or on a booklet's sheets that hold them.
    ocr_pages: list[int] = field(default_factory=list)
    unread_scans: list[int] = field(default_factory=list)

    def all_warnings(self) -> list[Message]:
        """The reader's warnings, with those naming the pages OCR read or could not read."""
        out = []
        if self.ocr_pages:
            out.append(say("ocr-read", pages=page_list(self.ocr_pages)))
        if self.unread_scans:
            out.append(say("ocr-scans-unread", pages=page_list(self.unread_scans)))
        return out + self.warnings

    def text(self) -> str:
        parts = []
        for block in self.blocks:
            parts.append(" | ".join(block.cells) if block.kind == "row" else block.text)
        return "\n".join(parts)


def page_list(numbers: list[int]) -> str:
    """Page numbers as a person writes them: "2", "1-3", "1, 4-5"."""
    runs: list[list[int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)
