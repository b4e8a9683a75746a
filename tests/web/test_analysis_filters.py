"""The analysis page's filters (issue 15): the sidebar beside the charts counts what the search
page's filters count for the same query and selections, and the page matches the query once
(its sidebar no longer runs a second search, which doubled what an expansion bomb costs)."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

import index.searching
from kb.core.facets import FACETS
from kb.service.knowledge_base import KnowledgeBase
from tests.samples.records import make_record

SHEETS = [
    # title, country, city, themes, start year
    ("Night stewards", "GB", "Leeds", ["nightlife", "mediation"], 2018),
    ("Night buses home", "GB", "Leeds", ["nightlife", "local-police"], 2019),
    ("Street mediators at night", "FR", "Lyon", ["mediation"], 2019),
    ("Club charter for the night", "FR", "Nantes", ["nightlife"], 2020),
    ("Harbour walks", "NL", "Rotterdam", ["public-spaces"], 2021),
    ("Stewards in the park", "BE", "Ghent", ["public-spaces", "mediation"], 2020),
    ("Youth sport evenings", "FR", "Lyon", ["sport", "youth"], 2018),
]

SEARCHES = [
    "",
    "q=night",
    "q=nigth",                                   # corrected to "night", as the search does
    "q=night&theme=nightlife",
    "q=night&theme=nightlife&theme=mediation&country=FR",
    "country=FR&theme=mediation",
    "q=stewards&year_from=2019",
    "city=Lyon",
    "q=zzzqqq",                                  # nothing found
]


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("analysis-filters") / "kb"
    with KnowledgeBase(home) as kb:
        for title, country, city, themes, year in SHEETS:
            # Each sheet's text its title's words only, so that a query finds some of them.
            kb.save(make_record(title, city=city, country=country, themes=themes,
                                start_year=year, context=f"{title}: why the city began.",
                                objectives=f"What {title} should change.",
                                activities=f"How {title} runs.", evaluation=None),
                    "published", sync=False)
        kb.sync_index()
    return home


def sidebar(client, query: str) -> dict[str, dict[str, tuple[int, bool]]]:
    """The analysis page's filters: facet parameter -> value -> (count, ticked)."""
    response = client.get(f"/analysis?{query}")
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    out: dict[str, dict[str, tuple[int, bool]]] = {}
    for item in doc.xpath("//aside[contains(@class, 'filters')]//fieldset[@class='facet']//li"):
        [box] = item.xpath(".//input[@type='checkbox']")
        count = int(item.xpath("string(.//span[@class='count'])").replace(",", ""))
        out.setdefault(box.get("name"), {})[box.get("value")] = (count, box.get("checked")
                                                                  is not None)
    return out


def search_filters(client, query: str) -> dict[str, dict[str, tuple[int, bool]]]:
    """The search's facets for the same query string, as the search page's filters show them
    (a facet with no value is not listed)."""
    facets = client.get(f"/api/search?{query}").get_json()["facets"]
    params = {facet.name: facet.param for facet in FACETS}
    return {params[name]: {str(bucket["value"]): (bucket["count"], bucket["selected"])
                           for bucket in buckets}
            for name, buckets in facets.items() if buckets}


@pytest.mark.parametrize("query", SEARCHES)
def test_the_sidebar_counts_what_the_search_counts(client, query):
    shown = sidebar(client, query)
    assert shown == search_filters(client, query)
    if query:
        assert shown != sidebar(client, ""), "the query should change the counts"


def test_the_page_matches_the_query_once(client, monkeypatch):
    calls = []
    real = index.searching.matching_docs

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(index.searching, "matching_docs", counting)
    query = "q=night+stewards&theme=nightlife"
    assert client.get(f"/api/search?{query}").status_code == 200
    by_search = len(calls)
    calls.clear()
    assert client.get(f"/analysis?{query}").status_code == 200
    assert by_search and len(calls) == by_search
