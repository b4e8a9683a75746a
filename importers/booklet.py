"""Booklets: one file holding several sheets one after another, split into one document each.

A network's compendium repeats the same pattern for every practice: a title, then the
metadata and the sections. A new sheet starts where a label the current sheet has already
used comes again (its objectives and activities read), after a title that looks like the
first sheet's title (same style, or same type size), or after a page break. A sheet that
merely names a section twice (a summary table, then the body) has no such title between the
two and stays one sheet.
"""

from __future__ import annotations

from dataclasses import dataclass

from importers.blocks import Block, Document
from importers.extract import heading_cue, text_size
from importers.labels import cue_key, is_prompt, label_key, split_inline_label

# A sheet is complete enough to end once it has these; before, a repeated label is the same
# sheet naming a section twice.
_COMPLETE = frozenset({"objectives", "activities"})


@dataclass
class Part:
    """One sheet of a booklet: its document, its position (1-based) and its pages."""

    document: Document
    number: int
    first_page: int | None
    last_page: int | None

    def where(self, count: int) -> str:
        """'part 2 of 5, pages 3-4' for messages and listings."""
        text = f"part {self.number} of {count}"
        if self.first_page is not None:
            pages = (str(self.first_page) if self.first_page == self.last_page
                     else f"{self.first_page}-{self.last_page}")
            text += f", page{'s' if '-' in pages else ''} {pages}"
        return text


def split_sheets(document: Document) -> list[Part]:
    """The sheets of a document: one part (the whole document) unless it is a booklet."""
    blocks = document.blocks
    keys = [_label_of(block) for block in blocks]
    first_label = next((i for i, key in enumerate(keys) if key is not None), None)
    if first_label is None:
        return [_part(document, blocks, 1)]
    title = _first_title(blocks[:first_label])
    # A heading that names its section by other words ("Objetivos do projeto") is that
    # section's label, as extraction reads it: else a sheet using one seems never to name
    # its objectives, and the next sheet is not split from it.
    body_size = text_size(blocks)
    keys = [key if key is not None or _looks_like(block, title) else heading_cue(block, body_size)
            for block, key in zip(blocks, keys)]
    starts = [0]
    seen: set[str] = set()
    last_label = first_label
    for i, key in enumerate(keys):
        if key is None:
            continue
        if key in seen and _COMPLETE <= seen:
            start = i if key == "title" else _title_before(blocks, last_label + 1, i, title)
            if start is not None:
                starts.append(start)
                seen = set()
        seen.add(key)
        last_label = i
    if starts[1:] and not _COMPLETE <= seen:
        # The last part never names its objectives and activities: a label repeated at the
        # end of one sheet ("Contact" again), not a sheet of its own.
        starts.pop()
    if len(starts) == 1:
        return [_part(document, blocks, 1)]
    ends = starts[1:] + [len(blocks)]
    return [_part(document, blocks[a:b], n) for n, (a, b) in enumerate(zip(starts, ends), 1)]


def _label_of(block: Block) -> str | None:
    """The field or section a block's label names, or None for text."""
    if block.kind == "row":
        return label_key(block.cells[0]) if block.cells else None
    text = block.text.strip()
    if (text.endswith(("?", "？")) or is_prompt(text)) and len(text.split()) <= _QUESTION_WORDS:
        # A form's question or prompt ("1. In which city?", "5. Please describe the activities")
        # is its label, as extraction reads it.
        return label_key(text) or cue_key(text)
    if not text or len(text) > 60 and ":" not in text[:60]:
        return None
    key = label_key(text) if len(text) <= 60 else None
    if key is None and (inline := split_inline_label(text)) is not None:
        key = inline[0]
    return key


# As long as a question standing for a label may be (importers.extract).
_QUESTION_WORDS = 25


def _first_title(lead: list[Block]) -> Block | None:
    """The first sheet's title among the blocks before its first label: a title style, or
    the largest type."""
    styled = [b for b in lead if b.kind == "title" or b.kind == "heading"]
    if styled:
        return styled[0]
    sized = [b for b in lead if b.size]
    return max(sized, key=lambda b: b.size or 0) if sized else None


def _title_before(blocks: list[Block], low: int, high: int, title: Block | None) -> int | None:
    """Where the next sheet starts among blocks[low:high] (the text after the last label
    and before the repeated one): at its title, or else at a page break; None when neither."""
    for i in range(high - 1, low - 1, -1):
        if _looks_like(blocks[i], title):
            return i
    for i in range(max(low, 1), high):
        block = blocks[i]
        if (block.page is not None and blocks[i - 1].page is not None
                and block.page > blocks[i - 1].page and _title_shaped(block)):
            return i
    return None


def _title_shaped(block: Block) -> bool:
    text = block.text.strip()
    return block.kind != "row" and 0 < len(text) <= 250 and not text.endswith((".", ";", ","))


def _looks_like(block: Block, title: Block | None) -> bool:
    """Styled or sized as the first sheet's title was."""
    if title is None or not _title_shaped(block):
        return False
    if title.kind in ("title", "heading"):
        return block.kind == title.kind and block.level == title.level
    return (block.kind == title.kind and block.size is not None and title.size is not None
            and abs(block.size - title.size) < 0.5 and block.bold == title.bold)


def _part(document: Document, blocks: list[Block], number: int) -> Part:
    pages = [b.page for b in blocks if b.page is not None]
    first, last = (min(pages), max(pages)) if pages else (None, None)
    texts = document.page_texts
    if first is not None and len(texts) == document.pages:
        texts = texts[first - 1:last]

    def on_part(numbers: list[int]) -> list[int]:
        return [n for n in numbers if first is None or first <= n <= last]

    return Part(Document(blocks=list(blocks), format=document.format, pages=document.pages,
                         page_texts=list(texts), warnings=list(document.warnings),
                         ocr_pages=on_part(document.ocr_pages),
                         unread_scans=on_part(document.unread_scans)),
                number, first, last)
