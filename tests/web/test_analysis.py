"""The analysis page compares budgets like with like (issue 14): on a knowledge base of sheets
whose figures are per year, totals over a period, a total with no period, per unit and per
participant, the per-year statistics hold only what can be brought to a year, and every sheet is
counted once by what its figure covers."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from kb.service.knowledge_base import KnowledgeBase
from tests.samples.records import make_record

SHEETS = {
    # title: (budget text, EUR amount, start, end, country) -> EUR per year
    "Night stewards": ("GBP 950,000 per year", 950_000, 2018, 2022, "GB"),
    "Street lighting": ("Total: 300.000 euros", 300_000, 2019, 2021, "FR"),
    "Cameras": ("3.000 EUR per camera", 3_000, 2020, 2020, "FR"),
    "Mentoring": ("1 200 EUR por participante", 1_200, 2021, 2022, "PT"),
    "Old total": ("EUR 500,000 in total", 500_000, 2015, None, None),
    "No figure": (None, None, 2019, 2020, "BE"),
}
PER_YEAR = {"Night stewards": 950_000, "Street lighting": 100_000}


def sheet(title: str) -> dict:
    text, amount, start, end, country = SHEETS[title]
    budget = None if amount is None else {"amount": amount, "currency": "EUR",
                                          "amount_eur": float(amount), "text": text,
                                          "funding": []}
    return make_record(title, city=None, country=country, start_year=start, end_year=end,
                       budget=budget, themes=["nightlife"])


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("analysis") / "kb"
    with KnowledgeBase(home) as kb:
        for title in SHEETS:
            kb.save(sheet(title), "published", sync=False)
        kb.sync_index()
    return home


def numbers(text: str) -> list[int]:
    import re
    return [int(re.sub(r"\D", "", n)) for n in re.findall(r"\d[\d,\u202f\u00a0 ]*", text)]


def test_per_year_statistics_hold_only_comparable_figures(client):
    doc = lxml.html.fromstring(client.get("/analysis").get_data(as_text=True))
    figures = [numbers(f.text_content()) for f in doc.xpath("//ul[@class='figures']/li")]
    assert figures[0] == [len(SHEETS)]
    assert figures[1] == [len(PER_YEAR)]                       # sheets with a budget per year
    assert figures[2] == [sorted(PER_YEAR.values())[0] + 425_000]   # median of 100k and 950k
    assert figures[3] == [100_000, 950_000]                    # smallest to largest, per year
    kinds = {row.get("data-kind"): numbers(row.xpath("string(./td[1])"))[0]
             for row in doc.xpath("//table[contains(@class, 'kinds')]/tbody/tr")}
    assert kinds == {"per-year": 1, "spread-total": 1, "total-no-period": 1,
                     "per-participant": 1, "per-unit": 1, "no-budget": 1}
    # The per-unit and per-participant figures are not added to yearly ones anywhere.
    [theme_row] = doc.xpath("//section[@aria-labelledby='h-theme']//tbody/tr")
    assert numbers(theme_row.xpath("string(./td[2])")) == [1_050_000]
    countries = {row.xpath("string(./th)").strip(): numbers(row.xpath("string(./td[2])"))[0]
                 for row in doc.xpath("//section[@aria-labelledby='h-country']//tbody/tr")}
    assert countries == {"United Kingdom": 950_000, "France": 100_000}
    # The rule is stated on the page.
    assert doc.xpath("//section[@aria-labelledby='h-rule']//p")


def test_sheet_and_results_say_what_a_figure_covers(client):
    page = client.get("/?q=stewards").get_data(as_text=True)
    assert "950,000 EUR per year" in page
    assert "1,200 EUR per participant" in client.get("/?q=mentoring").get_data(as_text=True)
    assert "3,000 EUR per unit" in client.get("/?q=cameras").get_data(as_text=True)


def titles(client, url: str) -> set[str]:
    doc = lxml.html.fromstring(client.get(url).get_data(as_text=True))
    return {a.text_content().strip() for a in doc.xpath("//ol[@class='hits']//h3/a")}


def test_the_search_filters_by_budget_per_year_where_the_basis_allows(client):
    # 950,000 stated per year; 300,000 over 2019-2021 is 100,000 a year.
    assert titles(client, "/?budget_year=250k-1M") == {"Night stewards"}
    assert titles(client, "/?budget_year=50k-250k") == {"Street lighting"}
    # Per unit, per participant, a total with no period and no figure: none per year.
    assert titles(client, "/?budget_year=none") == {"Cameras", "Mentoring", "Old total",
                                                    "No figure"}
    # The analysis's bands per year open those same searches, with the counts they show.
    doc = lxml.html.fromstring(client.get("/analysis").get_data(as_text=True))
    links = doc.xpath("//section[@aria-labelledby='h-hist']//tbody//a")
    assert len(links) == 2
    for link in links:
        assert len(titles(client, link.get("href"))) == int(link.text_content())


def test_the_analysis_reads_its_figures_from_the_index_not_the_records(client, monkeypatch):
    """The page's budgets, map and tables come from the index's columns: reading every record
    of a broad search from the store took about 1.5 s at 10,000 sheets. Only the page of hits
    the filters' search shows is read."""
    from kb.service.store import Store
    read: list[str] = []
    get_many = Store.get_many

    def counting(self, record_ids):
        read.extend(record_ids)
        return get_many(self, record_ids)

    monkeypatch.setattr(Store, "get_many", counting)
    page = client.get("/analysis").get_data(as_text=True)
    assert "950,000" in page
    assert len(read) == len(set(read)) <= len(SHEETS)


def test_a_misspelled_search_is_analysed_as_the_search_corrects_it(client):
    """The analysis counts the sheets the search shows: with its spelling correction, as the
    filters beside it do (it analysed the misspelled words: 0 sheets beside counts of 6)."""
    page = client.get("/analysis?q=complants").get_data(as_text=True)
    doc = lxml.html.fromstring(page)
    figures = [numbers(f.text_content()) for f in doc.xpath("//ul[@class='figures']/li")]
    assert figures[0] == [len(SHEETS)]
    assert "Showing results for" in page and "<strong>complaints</strong>" in page
