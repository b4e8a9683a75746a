"""The budget range per year (issue 14): `budget_per="year"` compares each sheet's figure per
year (kb.core.money.yearly_amount: a figure stated per year as it is, a total spread over its
known years) and leaves out sheets with no yearly figure; the plain range still compares the
figure as stated."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.core.errors import BadParameter
from kb.core.search_args import MAX_LIMIT, SearchRequest, load_search_args
from kb.service.knowledge_base import KnowledgeBase
from tests.samples.records import make_record

# title: (budget text, EUR as stated, start, end); the figure per year in the comment.
SHEETS = {
    "Night stewards": ("GBP 950,000 per year", 1_111_500, 2018, 2022),   # 1,111,500 a year
    "Street lighting": ("Total: 300.000 euros", 300_000, 2019, 2021),    # 100,000 a year
    "Big total": ("EUR 2,000,000 in total", 2_000_000, 2018, 2022),      # 400,000 a year
    "Unstated": ("EUR 600,000", 600_000, 2020, 2021),                    # 300,000 a year
    "Cameras": ("3.000 EUR per camera", 3_000, 2020, 2020),              # none: per unit
    "Mentoring": ("1 200 EUR por participante", 1_200, 2021, 2022),      # none: per participant
    "Old total": ("EUR 500,000 in total", 500_000, 2015, None),          # none: no end year
    "No figure": (None, None, 2019, 2020),                               # none: no budget
}
ALL = set(SHEETS)
YEARLY = {"Night stewards", "Street lighting", "Big total", "Unstated"}


def sheet(title: str) -> dict:
    text, amount, start, end = SHEETS[title]
    budget = None if amount is None else {"amount": amount, "currency": "EUR",
                                          "amount_eur": float(amount), "text": text,
                                          "funding": []}
    return make_record(title, start_year=start, end_year=end, budget=budget)


def saved(home: Path) -> Path:
    """A knowledge base at `home` holding the SHEETS, published (the CLI and web tests' too)."""
    with KnowledgeBase(home) as kb:
        for title in SHEETS:
            kb.save(sheet(title), "published", sync=False)
        kb.sync_index()
    return home


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> Iterator[KnowledgeBase]:
    with KnowledgeBase(saved(tmp_path_factory.mktemp("per-year") / "kb")) as knowledge_base:
        yield knowledge_base


def found(kb: KnowledgeBase, **args) -> set[str]:
    request = load_search_args({k: v for k, v in args.items()}, limit=MAX_LIMIT)
    return {hit["title"] for hit in kb.search(request)["hits"]}


@pytest.mark.parametrize("low, high, per_year, as_stated", [
    # At least 500,000: only the sheet spending that much each year, not the totals.
    (500_000, None, {"Night stewards"},
     {"Night stewards", "Big total", "Unstated", "Old total"}),
    (50_000, 400_000, {"Street lighting", "Big total", "Unstated"}, {"Street lighting"}),
    (None, 1_000_000, {"Street lighting", "Big total", "Unstated"},
     {"Street lighting", "Unstated", "Cameras", "Mentoring", "Old total"}),
    # Any figure: the yearly range keeps only sheets whose figure per year is known.
    (0, None, YEARLY, ALL - {"No figure"}),
    (100_000, 100_000, {"Street lighting"}, set()),
    (1_000, 5_000, set(), {"Cameras", "Mentoring"}),
])
def test_the_yearly_range_compares_figures_per_year(kb, low, high, per_year, as_stated):
    assert found(kb, budget_min=low, budget_max=high, budget_per="year") == per_year
    # The plain range, named or not, compares the figure as the sheet states it.
    assert found(kb, budget_min=low, budget_max=high) == as_stated
    assert found(kb, budget_min=low, budget_max=high, budget_per="total") == as_stated


def test_per_year_without_amounts_filters_nothing(kb):
    assert found(kb, budget_per="year") == ALL
    assert found(kb, budget_per="") == ALL


def test_the_yearly_range_counts_its_facets_over_the_sheets_it_keeps(kb):
    request = load_search_args({"budget_min": 200_000, "budget_per": "year"})
    result = kb.search(request)
    assert result["total"] == 3
    bands = {bucket["value"]: bucket["count"] for bucket in result["facets"]["budget_year_band"]}
    assert bands == {"250k-1M": 2, ">1M": 1}


@pytest.mark.parametrize("value", ["month", "yearly", "1"])
def test_a_wrong_basis_names_the_argument_and_the_choices(value):
    with pytest.raises(BadParameter) as caught:
        load_search_args({"budget_per": value})
    assert caught.value.field == "budget_per"
    assert str(caught.value.message) == (
        f"budget_per must be one of total, year, not {value!r}.")


def test_the_request_keeps_the_basis():
    assert load_search_args({}).budget_per == "total"
    assert load_search_args({"budget_per": " Year "}).budget_per == "year"
    assert SearchRequest().budget_per == "total"
