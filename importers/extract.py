"""From blocks to a draft record: find the title, metadata and sections, then parse the fields.

Works on the block model only, so every layout of every format goes through the same rules:
a label is recognised whether it is a heading, a bold or ALL-CAPS paragraph, a numbered line,
an inline "Label: text" lead-in or the first cell of a table row.
"""

from __future__ import annotations

import re
from collections import Counter

from importers import fields
from importers.blocks import Block, Document
from importers.labels import (PRIMARY, SECTIONS, cue_key, is_prompt, label_key, label_rank,
                              split_inline_label)
from importers.language import detect_language
from importers.text import clean
from kb.core.countries import country_code
from kb.core.errors import NotASheet
from kb.core.messages import Message, say
from kb.core.themes import infer_themes, themes_from_wording

_LIST_META = ("partners", "target_groups", "keywords")


class _Sheet:
    """What has been found so far while walking the blocks."""

    def __init__(self) -> None:
        self.title: str | None = None
        self.title_guessed = False  # taken from the first line, not a style or a label
        self.meta: dict[str, list[str]] = {}
        self.sections: dict[str, list[str]] = {}
        self.extras: dict[str, list[str]] = {}
        # Sections under a secondary label ("Results"): (section, heading) -> lines; they are
        # the section only when no label proper names it (see labels.py).
        self.secondary: dict[tuple[str, str], list[str]] = {}
        self.preamble: list[str] = []
        self.current: tuple[str, str] | None = None  # ("meta"|"section"|"extra", key)
        self.labels_seen = 0
        self.unread: list[str] = []  # labels of metadata rows no vocabulary entry names

    def open(self, key: str, value: str, rank: int = PRIMARY, heading: str = "") -> None:
        self.labels_seen += 1
        if key in SECTIONS and rank != PRIMARY:
            place = (key, _heading_text(heading) or key)
            self.secondary.setdefault(place, [])
            self.current = ("secondary", place)
            if value:
                self.append(value)
            return
        if key == "title":
            # A labelled title beats a first line taken as the title ("Application form").
            if clean(value) and (self.title is None or self.title_guessed):
                self.title = clean(value)
                self.title_guessed = False
            self.current = None
            return
        place = "section" if key in SECTIONS else "meta"
        target = self.sections if place == "section" else self.meta
        if key in target and place == "section":
            # The same section named twice (a summary table and the body): keep both texts.
            pass
        target.setdefault(key, [])
        self.current = (place, key)
        if value:
            self.append(value)

    def open_extra(self, heading: str) -> None:
        self.labels_seen += 1
        heading = _heading_text(heading)
        self.extras.setdefault(heading, [])
        self.current = ("extra", heading)

    def append(self, text: str) -> None:
        if self.current is None:
            self.preamble.append(text)
            return
        place, key = self.current
        target = {"meta": self.meta, "section": self.sections, "extra": self.extras,
                  "secondary": self.secondary}[place]
        target[key].append(text)


_SEPARATOR = re.compile(r"^[\s_=*~#.·-]{3,}$")
_NUMBERED = re.compile(r"^\s*(\d{1,2}|[IVX]{1,4})[.)]\s+")
_INLINE_HEADING = re.compile(r"^([^\W\d_][^:：.]{1,58}?)\s*[:：]\s+(\S.*)$", re.DOTALL)


def _heading_text(text: str) -> str:
    """An extra section's heading as it should show: no numbering or colon, no shouting."""
    heading = _NUMBERED.sub("", clean(text)).rstrip(":：").strip()
    letters = [c for c in heading if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        heading = heading[:1] + heading[1:].lower()
    return heading


def extract_record(document: Document, name: str) -> tuple[dict, list[Message]]:
    """The draft record (not yet validated) and the warnings for staff review."""
    sheet = _Sheet()
    body_size = text_size(document.blocks)
    for block in _without_page_header(document.blocks):
        _feed(sheet, block, body_size)
    if not sheet.sections and not sheet.secondary and len(sheet.meta) < 2:
        raise NotASheet(say("not-a-sheet", name=name))
    return _draft(sheet, document)


def _without_page_header(blocks: list[Block]) -> list[Block]:
    """The blocks less a running header above the title ("Practice database · EFUS"): on a
    one-page PDF it is not repeated, so the reader cannot tell it; here the title is the
    largest text before the first label, and short lines above it in smaller type go."""
    lead = []
    for block in blocks[:8]:
        if block.kind == "row" or label_key(block.text) or split_inline_label(block.text):
            break
        lead.append(block)
    sized = [b for b in lead if b.size]
    if len(sized) < 2:
        return blocks
    title = max(sized, key=lambda b: b.size or 0)
    at = next(i for i, block in enumerate(lead) if block is title)
    if at == 0 or any(not b.size or b.size >= title.size or len(b.text) > 120
                      for b in blocks[:at]):
        return blocks
    return blocks[at:]


def text_size(blocks: list[Block]) -> float | None:
    """The type size most of the running text has (None when the format has no sizes)."""
    sizes: Counter = Counter()
    for block in blocks:
        if block.size and block.kind in ("paragraph", "item"):
            sizes[block.size] += len(block.text)
    return sizes.most_common(1)[0][0] if sizes else None


def _is_heading(block: Block, body_size: float | None) -> bool:
    """Looks like a heading: styled, bold, larger, numbered or in capitals, and short."""
    text = block.text.strip()
    if block.kind in ("title", "heading"):
        return True
    if block.kind != "paragraph" or not text or len(text) > 120 or text.endswith((".", ";", ",")):
        return False
    if block.bold:
        return True
    if body_size and block.size and block.size >= body_size + 1.5:
        return True
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters) and len(text) <= 60


def _feed(sheet: _Sheet, block: Block, body_size: float | None) -> None:
    if block.kind == "row":
        _feed_row(sheet, block)
        return
    text = clean(block.text)
    if not text or _SEPARATOR.match(text):
        return
    if block.kind == "title" or (sheet.title is None and sheet.labels_seen == 0
                                 and not sheet.preamble and _title_like(block, text)):
        if sheet.title is None:
            sheet.title = text
            sheet.title_guessed = block.kind != "title"
            return
    found = label_rank(text)
    if found is not None and (len(text) <= 40 or _is_heading(block, body_size)):
        sheet.open(found[0], "", rank=found[1], heading=text)
        return
    # A question may ask for a fact ("In which country?"); a numbered or colon heading names
    # a section ("4. Was andere Städte lernen können" is no city).
    asks_fact = text.endswith(("?", "？")) or is_prompt(text)
    asked = (cue_key(text, among=None if asks_fact else SECTIONS)
             if block.kind != "item" and _asks(text) else None)
    if asked is None:
        asked = heading_cue(block, body_size)
    if asked is not None:
        sheet.open(asked, "", rank=_CUE_RANK, heading=text)
        return
    inline = split_inline_label(text)
    if inline is not None and not (block.kind == "item" and inline[0] in SECTIONS):
        key, label, rest = inline
        sheet.open(key, rest, rank=label_rank(label)[1], heading=label)
        return
    if _is_heading(block, body_size) and sheet.labels_seen:
        sheet.open_extra(text)
        return
    lead_in = _INLINE_HEADING.match(text) if block.lead_bold and sheet.labels_seen else None
    if lead_in is not None:  # "**Lessons learned:** text", a section no label names
        sheet.open_extra(lead_in.group(1))
        sheet.append(lead_in.group(2))
        return
    if sheet.current and sheet.current[0] == "meta" and sheet.current[1] not in _LIST_META:
        if len(text) > 200:
            sheet.current = None  # a long paragraph after the metadata is not part of a value
        elif sheet.meta.get(sheet.current[1]) and (lead := _leading_label(text)) is not None:
            # "Ciudad Sevilla" after "País | España": the next row of a box whose label and
            # value were read as one line, not more of the country.
            sheet.open(lead[0], lead[1])
            return
    sheet.append(f"- {text}" if block.kind == "item" else text)


def heading_cue(block: Block, body_size: float | None) -> str | None:
    """The section a short heading no label names calls by its words' cues ("Objetivos do
    projeto", "Situación de partida"): only a section, as a heading such as "Was andere
    Städte lernen können" is no city. booklet.py splits sheets by the same reading."""
    text = clean(block.text)
    if _is_heading(block, body_size) and len(text.split()) <= _HEADING_WORDS:
        return cue_key(text, among=SECTIONS)
    return None


# A section found by a question's words ranks as one under a secondary label: a sheet with
# "Evaluation" and "What were the results?" keeps the second as an extra section.
_CUE_RANK = 2
_QUESTION_WORDS = 25
# A heading by its typography that no label names is a section when its words have a cue
# ("Situación de partida"): headings are short, sentences that happen to be bold are not.
_HEADING_WORDS = 6


def _asks(text: str, in_cell: bool = False) -> bool:
    """A question or prompt standing as a heading: "3. What problem did the project
    address?", "Who were the partners?", "Describe the activities:", or a table's label."""
    words = len(text.split())
    if text.endswith(("?", "？")) and words <= _QUESTION_WORDS:
        return True
    if text.endswith((":", "：")) and words <= (_QUESTION_WORDS if in_cell else 8):
        return True
    if words > 12 or text.endswith((".", ";", ",")):
        return False
    return is_prompt(text) or not in_cell and _NUMBERED.match(text) is not None


def _title_like(block: Block, text: str) -> bool:
    return block.kind in ("heading", "paragraph") and len(text) <= 250 and \
        split_inline_label(text) is None and label_key(text) is None


def _feed_row(sheet: _Sheet, block: Block) -> None:
    cells = [c.strip() for c in block.cells]
    while len(cells) > 1 and not cells[-1]:
        cells.pop()
    if len(cells) >= 2:
        found = label_rank(cells[0])
        if found is not None:
            sheet.open(found[0], "\n".join(cells[1:]), rank=found[1], heading=cells[0])
            return
        asked = cue_key(cells[0]) if _asks(clean(cells[0]), in_cell=True) else None
        if asked is not None:
            sheet.open(asked, "\n".join(cells[1:]), rank=_CUE_RANK, heading=cells[0])
            return
        label, value = clean(cells[0]), "\n".join(cells[1:])
        if sheet.title is None and not sheet.labels_seen and not sheet.preamble:
            # A header table (logo | title) above the first label: its longest cell.
            title = max((clean(c) for c in cells), key=len)
            if 0 < len(title) <= 250 and "\n" not in title:
                sheet.title = title
                return
        if len(cells) == 2 and sheet.labels_seen and _label_like(label) and (
                len(value) > 80 or "\n" in value):
            sheet.open_extra(label)  # a row of the sheet's table that no label names
            sheet.append(value)
            return
        if (len(cells) == 2 and sheet.current and sheet.current[0] == "meta"
                and _label_like(label) and len(value) <= 200):
            # A metadata row no label names: not more of the value above it (that would
            # garble both), and staff are told to copy it by hand.
            sheet.current = None
            sheet.unread.append(label)
            return
        sheet.append(" | ".join(clean(c).replace("\n", " ") for c in cells))
        return
    if cells and cells[0]:
        for line in cells[0].splitlines():
            _feed(sheet, Block("paragraph", line), None)


def _leading_label(text: str) -> tuple[str, str] | None:
    """(metadata key, value) of a line opening with a metadata label and no colon."""
    words = text.split()
    for n in (3, 2, 1):
        if len(words) > n:
            key = label_key(" ".join(words[:n]))
            if key is not None and key not in SECTIONS:
                return key, " ".join(words[n:])
    return None


def _label_like(text: str) -> bool:
    return 0 < len(text) <= 60 and not re.search(r"\d", text) and not text.endswith(".")


def _section_text(lines: list[str] | None) -> str | None:
    if not lines:
        return None
    text = "\n".join(clean(line) for line in lines if clean(line))
    return text or None


def _meta_text(sheet: _Sheet, key: str) -> str | None:
    lines = sheet.meta.get(key)
    if not lines:
        return None
    return "\n".join(line for line in lines if line.strip()) or None


def _one_line(text: str | None) -> str | None:
    if not text:
        return None
    value = clean(re.sub(r"\s*\n\s*", " ", text)).strip(" ;,")
    if value.endswith(".") and not re.search(r"\b\w{1,3}\.$", value):
        value = value[:-1]  # a sentence's full stop, not an abbreviation's ("e. V.", "Ltd.")
    return value or None


def _draft(sheet: _Sheet, document: Document) -> tuple[dict, list[Message]]:
    warnings: list[Message] = []
    sections = {key: _section_text(sheet.sections.get(key)) for key in SECTIONS}
    for (key, heading), lines in sheet.secondary.items():
        text = _section_text(lines)
        if not text:
            continue
        if sheet.sections.get(key) and _section_text(sheet.sections[key]):
            sheet.extras.setdefault(heading, []).extend(lines)
        else:
            sections[key] = f"{sections[key]}\n{text}" if sections[key] else text
    if not sections["context"] and sheet.preamble:
        sections["context"] = _section_text(sheet.preamble)
    all_text = document.text()
    country_text = _one_line(_meta_text(sheet, "country"))
    country = country_code(country_text)
    if country_text and country is None:
        warnings.append(say("country-unknown", country=repr(country_text)))
    elif country is None:
        warnings.append(say("country-missing"))

    theme_text = _meta_text(sheet, "themes") or ""
    keywords = fields.split_list(_meta_text(sheet, "keywords"))
    themes = themes_from_wording(theme_text) or themes_from_wording(" ; ".join(keywords))
    inferred = False
    if not themes:
        themes = infer_themes(all_text)
        inferred = bool(themes)
        if inferred:
            warnings.append(say("themes-inferred"))
        else:
            warnings.append(say("themes-missing"))

    period_text = _meta_text(sheet, "period")
    start, end = fields.parse_period(period_text)
    if start is None and _meta_text(sheet, "started"):
        start, _ = fields.parse_period(_meta_text(sheet, "started"))
        end = None

    budget_text = sections["budget"] or _meta_text(sheet, "budget")
    budget = fields.parse_budget(budget_text, country)
    if budget is None:
        warnings.append(say("budget-missing" if not budget_text or
                            fields.budget_not_available(budget_text) else "budget-unreadable"))

    if not sections["evaluation"]:
        warnings.append(say("evaluation-missing"))
    for label in sheet.unread:
        warnings.append(say("row-unread", label=repr(label)))

    contact = fields.parse_contact(" ".join(filter(None, [_meta_text(sheet, "contact"),
                                                          _meta_text(sheet, "email")])))
    extras = {heading: text for heading, lines in sheet.extras.items()
              if (text := _section_text(lines))}
    draft = {
        "title": _one_line(sheet.title) or "",
        "city": _one_line(_meta_text(sheet, "city")),
        "country": country,
        "organisation": _one_line(_meta_text(sheet, "organisation")),
        "language": detect_language(all_text),
        "themes": themes,
        "themes_inferred": inferred,
        "keywords": keywords,
        "start_year": start,
        "end_year": end if end is None or start is None or end >= start else None,
        "context": sections["context"],
        "objectives": sections["objectives"],
        "activities": sections["activities"],
        "evaluation": sections["evaluation"],
        "extra_sections": extras,
        "budget": budget,
        "partners": fields.split_list(_meta_text(sheet, "partners")),
        "target_groups": fields.split_list(_meta_text(sheet, "target_groups")),
        "contact": contact,
    }
    return draft, warnings
