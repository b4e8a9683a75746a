"""The analysis tables open the search they count (issue 14): a theme x country table whose
every number is the number of results of the search its link opens, row and column totals, rows
and columns for sheets with no theme or no country; the budget tables' rows and the year table
linked the same way."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest

from kb.service.knowledge_base import KnowledgeBase
from tests.samples.records import make_record

SHEETS = [
    # title, country, themes
    ("Night stewards", "GB", ["nightlife", "mediation"]),
    ("Street mediators", "FR", ["mediation"]),
    ("Club charter", "FR", ["nightlife"]),
    ("Harbour walks", "NL", ["public-spaces"]),
    ("Loose sheet", None, ["mediation"]),
    ("No theme", "FR", []),
]


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("tables") / "kb"
    with KnowledgeBase(home) as kb:
        for number, (title, country, themes) in enumerate(SHEETS):
            kb.save(make_record(title, city=None, country=country, themes=themes,
                                start_year=2018 + number % 2,
                                budget={"amount": 10_000, "currency": "EUR", "basis": "year",
                                        "amount_eur": 10_000.0, "text": "10,000 EUR per year",
                                        "funding": []}),
                    "published", sync=False)
        kb.sync_index()
    return home


def results_of(client, url: str) -> int:
    page = client.get(url).get_data(as_text=True)
    heading = lxml.html.fromstring(page).xpath("string(//*[@id='results-heading'])")
    return int(re.search(r"\d+", heading).group())


def crosstab(doc) -> tuple[list[str], dict[str, list]]:
    [table] = doc.xpath("//table[contains(@class, 'crosstab')]")
    columns = [th.get("data-country", "") for th in table.xpath("./thead/tr/th")[1:-1]]
    rows = {tr.get("data-theme"): [td for td in tr.xpath("./td")]
            for tr in table.xpath("./tbody/tr")}
    return columns, rows


def test_every_cell_counts_what_its_link_finds(client):
    doc = lxml.html.fromstring(client.get("/analysis").get_data(as_text=True))
    columns, rows = crosstab(doc)
    assert columns[:2] == ["FR", "GB"] and columns[-1] == ""      # most sheets first, none last
    assert set(rows) == {"mediation", "nightlife", "public-spaces", ""}
    expected = {(t, c or ""): 0 for t in rows for c in columns}
    for _, country, themes in SHEETS:
        for theme in themes or [""]:
            expected[theme, country or ""] += 1
    links = 0
    for theme, cells in rows.items():
        for code, cell in zip(columns, cells):
            shown = int(cell.text_content() or 0)
            assert shown == expected[theme, code], (theme, code)
            for link in cell.xpath("./a"):
                assert results_of(client, link.get("href")) == shown
                links += 1
            # A cell of no theme or no country opens no search: none would find just those.
            if not theme or not code:
                assert not cell.xpath("./a")
        total = cells[-1]
        assert int(total.text_content()) == sum(expected[theme, c] for c in columns)
    assert links >= 5
    footer = doc.xpath("//table[contains(@class, 'crosstab')]/tfoot/tr/td")
    assert [int(td.text_content()) for td in footer] == [3, 1, 1, 1, len(SHEETS)]
    for td in footer[:-1]:
        for link in td.xpath("./a"):
            assert results_of(client, link.get("href")) == int(td.text_content())


def test_a_search_choosing_a_theme_keeps_only_that_row_exact(client):
    doc = lxml.html.fromstring(client.get("/analysis?theme=nightlife").get_data(as_text=True))
    columns, rows = crosstab(doc)
    assert list(rows) == ["nightlife"]        # not "mediation", which Night stewards also has
    for code, cell in zip(columns, rows["nightlife"]):
        for link in cell.xpath("./a"):
            assert results_of(client, link.get("href")) == int(cell.text_content())


def test_budget_and_year_rows_open_their_search(client):
    doc = lxml.html.fromstring(client.get("/analysis").get_data(as_text=True))
    for row in doc.xpath("//section[@aria-labelledby='h-theme']//tbody/tr"):
        [link] = row.xpath("./th/a")
        assert results_of(client, link.get("href")) == int(row.xpath("string(./td[1])"))
    countries = doc.xpath("//section[@aria-labelledby='h-country']//tbody/tr")
    assert len(countries) == 4
    for row in countries:
        for link in row.xpath("./th/a"):
            assert results_of(client, link.get("href")) == int(row.xpath("string(./td[1])"))
    assert [row.xpath("./th/a") for row in countries
            if row.xpath("string(./th)") == "Country not given"] == [[]]
    for link in doc.xpath("//section[@aria-labelledby='h-years']//tbody//a"):
        cell = link.text_content()
        assert results_of(client, link.get("href")) == int(cell)
