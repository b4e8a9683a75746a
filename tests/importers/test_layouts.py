"""Every layout family in every language: render a sheet in code, parse it, compare.

The sheets (tests/samples/sheets.py) carry what a perfect importer must produce; the renderers
(tests/samples/render*.py) write them as real Word and PDF files in each layout.
"""

from __future__ import annotations

import re

import pytest

from importers.parse import parse_bytes
from tests.samples.render import LAYOUTS, extension, render
from tests.samples.sheets import SHEETS, item_texts


def _words(text: str | None) -> set[str]:
    return set(re.findall(r"\w+", (text or "").casefold().replace("-", "")))


def _section_texts(sheet: dict, key: str) -> str:
    return " ".join(item_texts(sheet["sections"].get(key) or []))


def check(sheet: dict, layout: str) -> list[str]:
    """What the importer got wrong for this sheet in this layout (empty when all is right)."""
    data = render(sheet, layout)
    record, _warnings = parse_bytes(data, f"{sheet['id']}{extension(layout)}")
    got = record.to_dict()
    expected = sheet["expected"]
    wrong = []
    if got["title"].casefold() != sheet["title"].casefold():
        wrong.append(f"title {got['title']!r}")
    for field in ("city", "country", "organisation", "language", "start_year", "end_year",
                  "partners", "target_groups", "contact"):
        if field in expected and got[field] != expected[field]:
            wrong.append(f"{field} {got[field]!r} != {expected[field]!r}")
    if sorted(got["themes"]) != sorted(expected["themes"]):
        wrong.append(f"themes {got['themes']} != {expected['themes']}")
    budget = expected.get("budget")
    if budget is None:
        if got["budget"] is not None:
            wrong.append(f"budget {got['budget']['amount']} where none is stated")
    elif got["budget"] is None or (got["budget"]["amount"], got["budget"]["currency"]) != (
            budget["amount"], budget["currency"]):
        wrong.append(f"budget {got['budget'] and (got['budget']['amount'], got['budget']['currency'])}"
                     f" != {(budget['amount'], budget['currency'])}")
    for key in ("context", "objectives", "activities", "evaluation"):
        want = _words(_section_texts(sheet, key))
        have = _words(got[key])
        if want and len(want & have) / len(want | have) < 0.9:
            wrong.append(f"section {key}")
    # ALL-CAPS headings come back in sentence case: German nouns lose their capitals.
    extras = {h.casefold() for h in expected.get("extra_sections", [])}
    if {h.casefold() for h in got["extra_sections"]} != extras:
        wrong.append(f"extra sections {sorted(got['extra_sections'])} != {sorted(extras)}")
    return wrong


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("sheet", SHEETS, ids=lambda s: f"{s['id']}-{s['language']}")
def test_layout_and_language(sheet, layout):
    assert check(sheet, layout) == []


def test_every_language_and_layout_is_covered():
    assert {s["language"] for s in SHEETS} == {"en", "fr", "es", "it", "de", "pt", "nl"}
    assert len(LAYOUTS) >= 9
