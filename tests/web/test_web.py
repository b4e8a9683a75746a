"""The web front end through Flask's test client, on a real knowledge base (the 12 demo sheets
imported from their files and a few hand-made records, built once: tests/web/conftest.py).

Expected answers come from the records themselves (the helpers below) or from another
door to the same data (the JSON API, the CLI); assertions read ids, names, hrefs, statuses and
JSON rather than the interface's wording, which is being translated.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import statistics
import xml.etree.ElementTree as ET
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import lxml.html
import pytest
from babel import Locale
from click.testing import CliRunner
from werkzeug.http import parse_options_header

from kb.core.search_args import SORTS
from kb.cli.main import main as kb_main
from kb.core.countries import country_name
from kb.service.knowledge_base import KnowledgeBase
from kb.core.record import Record, RecordSchema
from kb.core.themes import vocabulary
from web.app import create_app

# The demo sheets, where `kb demo` reads them (the tests are parametrized by their names).
DEMO_FILES = Path(str(resources.files("kb.cli") / "demo"))
RAW_HOSTILE = ("<script>alert", "<img src=x onerror")
ATOM = {"a": "http://www.w3.org/2005/Atom"}
SECTIONS = ("context", "objectives", "activities", "evaluation")


# Fixtures


def close_app(app) -> None:
    app.extensions["knowledge_base"].close()


@pytest.fixture(scope="module")
def app(corpus):
    application = create_app({"KB_HOME": corpus.home, "TESTING": True})
    yield application
    close_app(application)


@pytest.fixture
def client(app):
    return app.test_client()


# Helpers

# What the records themselves say (expected answers are worked out from these, not from the index)

# (value, lowest EUR included, highest EUR excluded), as the issue defines the budget bands.
BUDGET_BANDS = (("<10k", 0, 10_000), ("10k-50k", 10_000, 50_000), ("50k-250k", 50_000, 250_000),
                ("250k-1M", 250_000, 1_000_000), (">1M", 1_000_000, float("inf")))
# URL parameters whose values can be read off a record (eu_funded needs the funding rules).
RECORD_FACETS = ("theme", "country", "city", "language", "year", "budget_band", "evaluated")


def eur(record: dict[str, Any]) -> float | None:
    return (record.get("budget") or {}).get("amount_eur")


def facet_values(record: dict[str, Any], param: str) -> set[str]:
    """The values a sheet has for one facet, named by its URL parameter."""
    if param == "theme":
        return set(record.get("themes") or [])
    if param in ("country", "city", "language"):
        return {record[param]} if record.get(param) else set()
    if param == "year":
        return {str(record["start_year"])} if record.get("start_year") is not None else set()
    if param == "budget_band":
        amount = eur(record)
        if amount is None:
            return {"none"}
        return {band for band, low, high in BUDGET_BANDS if low <= amount < high}
    if param == "evaluated":
        return {"yes" if (record.get("evaluation") or "").strip() else "no"}
    raise ValueError(param)


def matches(record: dict[str, Any], params: list[tuple[str, str]]) -> bool:
    """Whether a sheet passes these URL filters: OR within a facet, AND across them."""
    chosen: dict[str, set[str]] = {}
    for name, value in params:
        chosen.setdefault(name, set()).add(value)
    for name, values in chosen.items():
        if name in RECORD_FACETS:
            if not facet_values(record, name) & values:
                return False
            continue
        [value] = values
        if name in ("year_from", "year_to"):
            year = record.get("start_year")
            if year is None or (year < int(value) if name == "year_from" else year > int(value)):
                return False
        elif name in ("budget_min", "budget_max"):
            amount = eur(record)
            if amount is None or (amount < float(value) if name == "budget_min"
                                  else amount > float(value)):
                return False
        else:
            raise ValueError(name)
    return True



def url(path: str, params: list[tuple[str, str]] | None = None) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def page(client, path: str, params: list[tuple[str, str]] | None = None, status: int = 200,
         **headers: str) -> lxml.html.HtmlElement:
    response = client.get(url(path, params), headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "text/html"
    return lxml.html.fromstring(response.get_data(as_text=True))


def api(client, path: str, params: list[tuple[str, str]] | None = None, status: int = 200
        ) -> dict[str, Any]:
    response = client.get(url(path, params))
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "application/json"
    return response.get_json()


def has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def first_number(text: str) -> float:
    """The first number written in a text, whatever the locale's separators (1,234 / 1 234)."""
    found = re.search(r"\d[\d,.\s\u202f\u00a0]*", text)
    assert found, text
    digits = re.sub(r"[\s,\u202f\u00a0]", "", found.group()).rstrip(".")
    return float(digits)


def squeeze(text: str) -> str:
    """Text without white space or bullets: compares what a page shows with what a record
    says, whatever line breaks or lists the page makes of it."""
    lines = (re.sub(r"^\s*[-•*]\s+", "", line) for line in text.splitlines())
    return "".join("".join(lines).split())


def query_pairs(href: str) -> list[tuple[str, str]]:
    return sorted(parse_qsl(urlsplit(href).query, keep_blank_values=True))


def hit_ids(doc: lxml.html.HtmlElement) -> list[str]:
    """The sheet ids of the search results (or similar initiatives), in order."""
    links = doc.xpath(f"//ol[{has_class('hits')}]//article//h3/a/@href")
    assert all(link.startswith("/sheets/") for link in links), links
    return [urlsplit(link).path.removeprefix("/sheets/") for link in links]


def total_of(doc: lxml.html.HtmlElement) -> int:
    [heading] = doc.xpath("//*[@id='results-heading']")
    return int(first_number(heading.text_content()))


def facet_boxes(doc: lxml.html.HtmlElement, param: str) -> dict[str, tuple[bool, int]]:
    """value -> (checked, count shown) of one facet's checkboxes."""
    out = {}
    for box in doc.xpath(f"//input[@type='checkbox'][@name='{param}']"):
        [label] = doc.xpath(f"//label[@for='{box.get('id')}']")
        [count] = label.xpath(f".//span[{has_class('count')}]")
        out[box.get("value")] = (box.get("checked") is not None, int(first_number(
            count.text_content())))
    return out


def published_where(corpus, params: list[tuple[str, str]]) -> set[str]:
    return {rid for rid, item in corpus.published.items() if matches(item.record, params)}


def api_ids(client, params: list[tuple[str, str]]) -> tuple[int, list[str]]:
    found = api(client, "/api/search", [*params, ("limit", "100")])
    return found["total"], [hit["id"] for hit in found["hits"]]


def body_of(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_the_module_knowledge_base(corpus):
    assert len(corpus.records) == 16
    assert len(corpus.published) == 15
    with KnowledgeBase(corpus.home) as kb:
        assert kb.check().consistent


# The search page: parameters, facets, chips, pages


def test_empty_query_lists_every_published_sheet(client, corpus):
    doc = page(client, "/")
    assert total_of(doc) == len(corpus.published)
    assert len(hit_ids(doc)) == 10                  # one page
    assert set(hit_ids(doc)) <= set(corpus.published)
    total, ids = api_ids(client, [])
    assert total == len(corpus.published) and set(ids) == set(corpus.published)


def test_words_find_the_sheet_that_has_them(client, corpus):
    doc = page(client, "/", [("q", "graffiti")])
    assert hit_ids(doc) == [corpus.ids["hostile"]]
    assert doc.xpath("//input[@id='q']/@value") == ["graffiti"]


FILTERS = [
    [("theme", "nightlife")],
    [("theme", "nightlife"), ("theme", "seniors")],
    [("theme", "nightlife"), ("theme", "seniors"), ("country", "GB")],
    [("country", "ES"), ("country", "DE")],
    [("city", "Bremen"), ("city", "Graz")],
    [("language", "fr"), ("language", "nl")],
    [("year", "2017"), ("year", "2019")],
    [("budget_band", "250k-1M"), ("budget_band", "none")],
    [("budget_band", ">1M"), ("language", "en")],
    [("evaluated", "no")],
    [("evaluated", "yes"), ("theme", "youth")],
    [("year_from", "2015"), ("year_to", "2018")],
    [("year_from", "2019")],
    [("budget_min", "50000"), ("budget_max", "250000")],    # both ends included
    [("budget_min", "250000")],
    [("theme", "youth"), ("year_from", "2015"), ("budget_max", "100000")],
    [("theme", "partnerships"), ("theme", "drugs"), ("country", "NL"), ("country", "GB")],
]


@pytest.mark.parametrize("params", FILTERS, ids=lambda p: urlencode(p))
def test_filters_or_within_a_facet_and_across_facets(client, corpus, params):
    expected = published_where(corpus, params)
    assert expected, "a filter case should find something"
    total, ids = api_ids(client, params)
    assert total == len(expected)
    assert set(ids) == expected
    doc = page(client, "/", params)
    assert total_of(doc) == len(expected)
    assert set(hit_ids(doc)) <= expected and len(hit_ids(doc)) == min(10, len(expected))


def test_eu_funding_facet(client, corpus):
    _, yes = api_ids(client, [("eu_funded", "yes")])
    _, no = api_ids(client, [("eu_funded", "no")])
    assert corpus.ids["rotterdam"] in yes               # Interreg
    assert corpus.ids["glasgow"] in no                  # no budget at all
    assert not set(yes) & set(no)
    assert set(yes) | set(no) == set(corpus.published)
    _, both = api_ids(client, [("eu_funded", "yes"), ("eu_funded", "no")])
    assert set(both) == set(corpus.published)
    _, dutch = api_ids(client, [("eu_funded", "yes"), ("country", "NL")])
    assert set(dutch) == {rid for rid in yes if corpus.records[rid].record["country"] == "NL"}


@pytest.mark.parametrize("demo, says", [
    ("demo11", "cofinanciados pelo Fundo Social Europeu"),
    ("demo07", "40 % aus dem Europäischen Sozialfonds"),
])
def test_eu_funding_is_read_in_the_sheets_language(client, corpus, demo, says):
    rid = corpus.demo_id(demo)
    assert says in corpus.records[rid].record["budget"]["text"]
    assert rid in api_ids(client, [("eu_funded", "yes")])[1]


def expected_facet_counts(corpus, params: list[tuple[str, str]], facet: str
                          ) -> dict[str, tuple[bool, int]]:
    """What a facet's checkboxes should show: counts over the sheets passing every *other*
    facet's selection, with the selected values always listed."""
    others = [(name, value) for name, value in params if name != facet]
    counter: Counter = Counter()
    for item in corpus.published.values():
        if matches(item.record, others):
            counter.update(facet_values(item.record, facet))
    selected = {value for name, value in params if name == facet}
    return {value: (value in selected, counter[value])
            for value in set(counter) | selected}


@pytest.mark.parametrize("params", [
    [],
    [("theme", "nightlife")],
    [("theme", "nightlife"), ("country", "ES")],
    [("language", "en"), ("language", "de"), ("year_from", "2015")],
    [("theme", "nope")],
], ids=lambda p: urlencode(p) or "nothing")
def test_facet_checkboxes_and_counts(client, corpus, params):
    doc = page(client, "/", params)
    for facet in RECORD_FACETS:
        assert facet_boxes(doc, facet) == expected_facet_counts(corpus, params, facet), facet
    # The API counts the same way.
    found = api(client, "/api/search", params)
    name_of = {"theme": "themes", "year": "start_year"}
    for facet in RECORD_FACETS:
        buckets = found["facets"][name_of.get(facet, facet)]
        assert {b["value"]: (b["selected"], b["count"]) for b in buckets} == \
            expected_facet_counts(corpus, params, facet), facet


def test_ticking_a_theme_keeps_the_other_themes_listed(client, corpus):
    doc = page(client, "/", [("theme", "nightlife")])
    boxes = facet_boxes(doc, "theme")
    every_theme = Counter(t for item in corpus.published.values() for t in item.record["themes"])
    assert boxes["nightlife"] == (True, every_theme["nightlife"])
    assert {value for value, (checked, _) in boxes.items() if not checked} == \
        set(every_theme) - {"nightlife"}


@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_orders_the_results(client, corpus, sort):
    q = [("q", "youth")] if sort == "relevance" else []
    found = api(client, "/api/search", [*q, ("sort", sort), ("limit", "100")])
    hits = found["hits"]
    assert len(hits) == found["total"] > 3
    records = [corpus.records[hit["id"]].record for hit in hits]

    def with_none_last(values: list, descending: bool = False) -> bool:
        known = [v for v in values if v is not None]
        first_none = next((i for i, v in enumerate(values) if v is None), len(values))
        return (all(v is None for v in values[first_none:])
                and known == sorted(known, reverse=descending))

    if sort == "relevance":
        scores = [hit["score"] for hit in hits]
        assert scores[0] is not None and scores == sorted(scores, reverse=True)
    elif sort in ("budget_asc", "budget_desc"):
        assert with_none_last([eur(r) for r in records], descending=sort == "budget_desc")
        assert eur(records[-1]) is None                 # Glasgow gives no budget
    elif sort in ("newest", "oldest"):
        assert with_none_last([r.get("start_year") for r in records],
                              descending=sort == "newest")
    elif sort == "title":
        titles = [r["title"].casefold() for r in records]
        assert titles == sorted(titles)
    elif sort == "added":
        created = [corpus.records[hit["id"]].created for hit in hits]
        assert created == sorted(created, reverse=True)
    # The page shows the same order, and says which sort is chosen.
    doc = page(client, "/", [*q, ("sort", sort)])
    assert hit_ids(doc) == [hit["id"] for hit in hits][:10]
    assert doc.xpath("//select[@name='sort']/option[@selected]/@value") == [sort]
    options = doc.xpath("//select[@name='sort']/option/@value")
    if q or sort == "newest":
        assert set(options) == set(SORTS)
    else:
        # Browsing with no words: "relevance" is the newest first, and is labelled so.
        assert set(options) == set(SORTS) - {"newest"}
        [relevance] = doc.xpath("//select[@name='sort']/option[@value='relevance']")
        [newest] = page(client, "/", [("q", "youth")]).xpath(
            "//select[@name='sort']/option[@value='newest']")
        assert relevance.text_content() == newest.text_content()


@pytest.fixture(scope="module")
def small_pages(corpus):
    """The same knowledge base with four sheets a page."""
    application = create_app({"KB_HOME": corpus.home, "TESTING": True, "PAGE_SIZE": 4})
    yield application.test_client()
    close_app(application)


PAGED = [("sort", "title"), ("year_from", "2010"), ("language", "en"), ("language", "es"),
         ("language", "nl"), ("language", "de")]


def test_pages_cover_the_results_and_their_links_keep_the_search(small_pages, corpus):
    expected = published_where(corpus, [p for p in PAGED if p[0] != "sort"])
    assert len(expected) == 10
    titles = sorted(expected, key=lambda rid: corpus.records[rid].record["title"].casefold())
    seen = []
    for number in (1, 2, 3):
        params = PAGED + ([("page", str(number))] if number > 1 else [])
        doc = page(small_pages, "/", params)
        seen += hit_ids(doc)
        assert doc.xpath(f"//ol[{has_class('hits')}]/@start") == [str((number - 1) * 4 + 1)]
        links = doc.xpath("//nav[" + has_class("pages") + "]//a/@href")
        assert links
        for link in links:
            pairs = query_pairs(link)
            assert [p for p in pairs if p[0] != "page"] == sorted(PAGED), link
            assert urlsplit(link).path == "/"
        targets = {dict(query_pairs(link)).get("page", "1") for link in links}
        assert targets == {"1", "2", "3"} - {str(number)}
        rel_next = doc.xpath("//nav[" + has_class("pages") + "]//a[@rel='next']/@href")
        assert [dict(query_pairs(h))["page"] for h in rel_next] == (
            [str(number + 1)] if number < 3 else [])
    assert seen == titles


def test_chips_each_remove_one_filter(client):
    # Whole amounts are left to the next test.
    params = [("q", "night"), ("theme", "nightlife"), ("theme", "youth"), ("country", "GB"),
              ("year_from", "2010"), ("year_to", "2024"), ("budget_min", "1000.5"),
              ("budget_max", "2000000.5"), ("sort", "title")]
    doc = page(client, "/", params)
    chips = doc.xpath(f"//a[{has_class('chip')}]/@href")
    filters = [p for p in params if p[0] not in ("q", "sort")]
    assert len(chips) == len(filters)
    remaining = sorted(sorted(set(params) - {f}) for f in filters)
    assert sorted(query_pairs(href) for href in chips) == remaining
    [clear] = doc.xpath(f"//a[{has_class('clear')}]/@href")
    assert query_pairs(clear) == [("q", "night")]


@pytest.mark.parametrize("params", [
    [("country", "gb")], [("language", "EN")], [("budget_max", "2000000")],
    [("budget_min", "50000.00")], [("year_from", "02010")],
], ids=lambda p: urlencode(p))
def test_a_chip_removes_its_filter_however_the_url_wrote_it(client, params):
    doc = page(client, "/", params)
    [chip] = doc.xpath(f"//a[{has_class('chip')}]/@href")
    assert query_pairs(chip) == [], f"the chip of {params} leads to {chip}"


def test_a_misspelled_query_shows_the_correction_and_the_way_back(client, corpus):
    doc = page(client, "/", [("q", "graffitti"), ("sort", "title")])
    assert hit_ids(doc) == [corpus.ids["hostile"]]
    [notice] = doc.xpath(f"//p[{has_class('corrected')}]")
    assert "Showing results for graffiti." in notice.text_content()
    [back] = notice.xpath(".//a/@href")
    assert query_pairs(back) == [("q", "graffitti"), ("sort", "title"), ("verbatim", "1")]
    typed = page(client, back)
    assert total_of(typed) == 0
    [link] = typed.xpath(f"//p[{has_class('suggestion')}]//a/@href")
    assert ("q", "graffiti") in query_pairs(link)


def test_the_correction_is_said_in_french(client):
    doc = page(client, "/", [("q", "graffitti")], **{"Accept-Language": "fr"})
    [notice] = doc.xpath(f"//p[{has_class('corrected')}]")
    assert "Résultats pour graffiti." in notice.text_content()
    assert "Rechercher plutôt graffitti" in notice.text_content()


def test_did_you_mean_leads_to_results_under_the_current_filters(client):
    """A suggestion is only worth showing if following it finds more sheets."""
    doc = page(client, "/", [("q", "graffitti"), ("theme", "nightlife")])
    for link in doc.xpath(f"//p[{has_class('suggestion')}]//a/@href"):
        assert total_of(page(client, link)) > 0, f"{link} finds nothing"


def test_no_suggestion_from_the_words_of_drafts(client):
    doc = page(client, "/", [("q", "zepelin")])
    assert not doc.xpath(f"//p[{has_class('suggestion')}]")


@pytest.mark.parametrize("params", [[("q", "zeppelin")], [("theme", "nope")],
                                    [("q", "graffiti"), ("country", "FR")]],
                         ids=lambda p: urlencode(p))
def test_empty_state(client, params):
    doc = page(client, "/", params)
    assert total_of(doc) == 0
    assert not hit_ids(doc)
    assert doc.xpath(f"//div[{has_class('empty')}]")
    assert not doc.xpath("//*[@role='alert']")


@pytest.mark.parametrize("q", ["graffiti", "script", "onerror", "alert"])
def test_snippets_mark_the_words_and_escape_everything_else(client, corpus, q):
    body = body_of(client, url("/", [("q", q)]))
    doc = lxml.html.fromstring(body)
    assert corpus.ids["hostile"] in hit_ids(doc)
    [raw] = re.findall(r'<p class="snippet"[^>]*>(.*?)</p>', body, re.S)
    assert set(re.findall(r"<\s*/?\s*([a-zA-Z]+)", raw)) == {"mark"}, raw
    assert "&lt;" in raw
    [snippet] = doc.xpath(f"//p[{has_class('snippet')}]")
    assert {element.tag for element in snippet.iterdescendants()} == {"mark"}
    assert {mark.text_content().lower() for mark in snippet.iter("mark")} == {q}


def test_feed_export_and_analysis_links_keep_the_search(client):
    params = [("q", "night"), ("theme", "nightlife"), ("year_from", "2010"), ("sort", "title")]
    doc = page(client, "/", params)
    [feed] = doc.xpath("//link[@rel='alternate'][@type='application/atom+xml']/@href")
    assert urlsplit(feed).path == "/feed.atom" and query_pairs(feed) == sorted(params)
    for target in ("/analysis", "/export.csv", "/export.json"):
        [link] = [h for h in doc.xpath("//main//a/@href") if urlsplit(h).path == target]
        assert query_pairs(link) == sorted(params), target


# Bad input: a message, never a server error


@pytest.mark.parametrize("q", ['"unclosed', "AND OR (", "title:", "(((", "*", 'theme:"x',
                               "NOT", "city:", "a" * 400])
def test_malformed_queries_are_answered(client, q):
    doc = page(client, "/", [("q", q)])
    assert total_of(doc) >= 0
    assert api(client, "/api/search", [("q", q)])["total"] >= 0


# (parameters, the parameter the error names)
BAD = [
    ([("page", "-1")], "page"),
    ([("page", "0")], "page"),
    ([("page", "abc")], "page"),
    ([("page", "1.5")], "page"),
    ([("page", "99999999")], "page"),
    ([("budget_min", "abc")], "budget_min"),
    ([("budget_max", "nan")], "budget_max"),
    ([("budget_min", "inf")], "budget_min"),
    ([("budget_min", "-5")], "budget_min"),
    ([("budget_min", "500"), ("budget_max", "100")], "budget_max"),
    ([("year_from", "2020"), ("year_to", "2010")], "year_to"),
    ([("year_from", "20x0")], "year_from"),
    ([("sort", "zzz")], "sort"),
    ([("q", "a" * 2000)], "q"),
    ([("theme", f"t{n}") for n in range(60)], "theme"),
]


@pytest.mark.parametrize("params, field", BAD, ids=[urlencode(p)[:40] for p, _ in BAD])
def test_bad_parameters_are_a_400_naming_them(client, params, field):
    doc = page(client, "/", params, status=400)
    [alert] = doc.xpath("//*[@role='alert']")
    assert alert.get("id") == f"error-{field}"
    assert alert.text_content().strip()
    error = api(client, "/api/search", params, status=400)["error"]
    assert error["field"] == field and error["message"]
    if field in ("page", "budget_min", "budget_max", "sort", "theme", "year_from") \
            and len(params) == 1:
        assert field in error["message"]
    # The page names the field as people read it, not the URL's parameter.
    if "_" in field:
        assert field not in alert.text_content()
    for path in ("/analysis", "/export.csv", "/export.json", "/feed.atom"):
        response = client.get(url(path, params))
        assert response.status_code == 400, path


def test_a_bad_parameter_keeps_the_words_in_the_search_box(client):
    doc = page(client, "/", [("q", "vie nocturne"), ("page", "-1")], status=400)
    assert doc.xpath("//input[@id='q']/@value") == ["vie nocturne"]


def test_a_page_past_the_last_goes_to_the_last(client, corpus):
    response = client.get(url("/", [("q", "youth"), ("page", "999")]))
    assert response.status_code == 302
    total = api(client, "/api/search", [("q", "youth")])["total"]
    last = -(-total // 10)
    assert query_pairs(response.location) == sorted([("q", "youth"), ("page", str(last))])
    doc = page(client, response.location)
    assert hit_ids(doc) and len(hit_ids(doc)) == total - (last - 1) * 10
    found = api(client, "/api/search", [("page", "999")])
    assert found["hits"] == [] and found["total"] == len(corpus.published)


@pytest.mark.parametrize("limit", ["1000", "0", "-1", "abc"])
def test_api_page_size_is_limited(client, limit):
    error = api(client, "/api/search", [("limit", limit)], status=400)["error"]
    assert error["field"] == "limit" and "limit" in error["message"]


def test_unknown_facet_value_is_an_empty_result(client):
    doc = page(client, "/", [("theme", "nope"), ("country", "ZZ")])
    assert total_of(doc) == 0
    assert api(client, "/api/search", [("theme", "nope")])["total"] == 0


def test_unknown_sheet_is_a_404(client):
    doc = page(client, "/sheets/no-such-sheet", status=404)
    assert doc.xpath("//*[@role='alert']")
    body = api(client, "/api/sheets/no-such-sheet", status=404)
    assert "no-such-sheet" in body["error"]["message"]
    assert api(client, "/api/sheets/no-such-sheet/similar", status=404)["error"]["message"]
    assert client.get("/sheets/no-such-sheet/original").status_code == 404


def test_unknown_pages_are_404(client):
    assert client.get("/nowhere").status_code == 404
    body = api(client, "/api/xyz", status=404)
    assert body["error"]["message"]


# Hostile text is shown as text


def hostile_urls(corpus) -> list[str]:
    hostile = corpus.ids["hostile"]
    return [f"/sheets/{hostile}", "/?q=graffiti", "/?q=script", "/?sort=added",
            f"/sheets/{corpus.demo_id('demo10')}",
            f"/compare?id={hostile}&id={corpus.ids['glasgow']}", "/analysis?q=graffiti"]


def test_hostile_text_is_escaped_in_pages(hostile, client, corpus):
    escaped_script = html.escape(hostile.script)                   # &lt;script&gt;alert(1)...
    escaped_img = html.escape(hostile.img.removeprefix('">'))     # &lt;img src=x onerror=...
    for path in hostile_urls(corpus):
        body = body_of(client, path)
        assert corpus.ids["hostile"] in body or "analysis" in path, path
        for raw in RAW_HOSTILE:
            assert raw not in body, path
    sheet_page = body_of(client, f"/sheets/{corpus.ids['hostile']}")
    assert escaped_script in sheet_page and escaped_img in sheet_page
    assert escaped_script in body_of(client, "/?q=graffiti")
    compare = body_of(client, f"/compare?id={corpus.ids['hostile']}&id={corpus.ids['glasgow']}")
    assert escaped_script in compare and escaped_img in compare


def test_hostile_text_is_escaped_in_the_feed(client, corpus):
    body = body_of(client, "/feed.atom?q=graffiti")
    for raw in RAW_HOSTILE:
        assert raw not in body
    [entry] = ET.fromstring(body.encode()).findall("a:entry", ATOM)
    assert entry.findtext("a:title", namespaces=ATOM) == corpus.record("hostile")["title"]


def test_hostile_text_is_escaped_in_the_api(client, corpus):
    """JSON can carry the text escaped (\\u003c): it reads back the same, and a browser
    sniffing the body never finds markup in it."""
    hostile = corpus.ids["hostile"]
    record = api(client, f"/api/sheets/{hostile}")["record"]
    assert record["title"] == corpus.record("hostile")["title"]
    for path in (f"/api/sheets/{hostile}", "/api/search?q=graffiti",
                 f"/api/sheets/{corpus.ids['glasgow']}/similar?limit=20"):
        body = body_of(client, path)
        assert hostile in body, path
        for raw in RAW_HOSTILE:
            assert raw not in body, path


# The sheet page


def test_sheet_page_shows_the_whole_sheet(client, corpus):
    rid = corpus.demo_id("demo01")
    record = corpus.records[rid].record
    doc = page(client, f"/sheets/{rid}")
    article = doc.xpath("//main//article")[0]
    assert article.xpath("string(.//h1)").strip() == record["title"]
    text = squeeze(article.text_content())
    for key in SECTIONS:
        assert squeeze(record[key]) in text, key
    for heading, body in record["extra_sections"].items():
        assert heading in [h.text_content().strip() for h in article.xpath(".//h2")]
        assert squeeze(body) in text
    # One heading per section, the extra ones and the budget.
    sections = [key for key in SECTIONS if record.get(key)]
    headings = article.xpath(f".//div[{has_class('sections')}]//h2")
    assert len(headings) == len(sections) + len(record["extra_sections"]) + 1
    # Metadata
    for value in (record["city"], country_name(record["country"]), record["organisation"],
                  f"{record['start_year']}–{record['end_year']}", *record["target_groups"],
                  *record["partners"], record["contact"]["name"], record["contact"]["email"]):
        assert squeeze(value) in text, value
    assert article.xpath(f".//a[@href='mailto:{record['contact']['email']}']")
    for theme in record["themes"]:
        assert article.xpath(f".//a[@href='/?theme={theme}']"), theme
    # Budget as written, converted to EUR, and its funding
    budget = record["budget"]
    assert squeeze(budget["text"]) in text
    assert f"{budget['amount_eur']:,.0f}" in article.text_content()
    assert f"{budget['amount']:,.0f}" in article.text_content() and budget["currency"] in text
    for funder in budget["funding"]:
        assert squeeze(funder) in text


@pytest.mark.parametrize("key", ["glasgow", "demo03", "hostile"])
def test_a_sheet_without_budget_year_or_evaluation_has_a_page(client, corpus, key):
    """Glasgow gives none of them, the Charleroi demo sheet no budget; the hostile sheet gives
    them all."""
    rid = corpus.ids.get(key) or corpus.demo_id(key)
    record = corpus.records[rid].record
    assert (record.get("budget") is None) == (key != "hostile")
    doc = page(client, f"/sheets/{rid}")
    assert doc.xpath("string((//main//article)[1]//h1)").strip() == record["title"]
    assert squeeze(record["objectives"]) in squeeze(doc.xpath("string((//main//article)[1])"))


def test_sheet_page_links(client, corpus):
    rid = corpus.demo_id("demo01")
    record = corpus.records[rid].record
    doc = page(client, f"/sheets/{rid}")
    assert doc.xpath(f"//a[@href='/sheets/{rid}/original']")
    [permalink] = doc.xpath("//a[@rel='bookmark']/@href")
    assert permalink == f"http://localhost/sheets/{rid}"
    [cite] = doc.xpath("//cite")
    citation = cite.text_content()
    for part in (record["title"], permalink, record["organisation"], str(record["start_year"])):
        assert part in citation
    assert doc.xpath(f"//a[@href='/api/sheets/{rid}']")


def test_sheet_page_lists_five_similar_initiatives(client, corpus):
    rid = corpus.demo_id("demo01")
    doc = page(client, f"/sheets/{rid}")
    [similar] = doc.xpath(f"//section[{has_class('similar')}]")
    ids = hit_ids(similar)
    assert len(ids) == 5
    assert rid not in ids and corpus.ids["draft"] not in ids
    assert set(ids) <= set(corpus.published)
    assert ids == [hit["id"] for hit in api(client, f"/api/sheets/{rid}/similar")["hits"]]


@pytest.mark.parametrize("name", sorted(p.name for p in DEMO_FILES.iterdir()))
def test_original_file_downloads_as_submitted(client, corpus, name):
    rid = corpus.demo_id(name)
    with client.get(f"/sheets/{rid}/original") as response:
        assert response.status_code == 200
        data = response.data
    disposition, options = parse_options_header(response.headers["Content-Disposition"])
    assert disposition == "attachment" and options["filename"] == name
    assert data == (DEMO_FILES / name).read_bytes()
    with KnowledgeBase(corpus.home) as kb:
        assert data == kb.archive.read(corpus.records[rid].source_sha256)
    assert response.mimetype == {
        ".pdf": "application/pdf",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }[Path(name).suffix]


def test_a_sheet_without_original_has_no_download(client, corpus):
    rid = corpus.ids["hostile"]
    doc = page(client, f"/sheets/{rid}")
    assert not doc.xpath(f"//a[@href='/sheets/{rid}/original']")
    assert client.get(f"/sheets/{rid}/original").status_code == 404


@pytest.mark.parametrize("ui, code, expected", [("en", "de", "German"), ("fr", "de", "allemand"),
                                                ("en", "nl", "Dutch")])
def test_sheet_names_its_language(client, corpus, ui, code, expected):
    assert Locale.parse(ui).languages[code] == expected
    rid = next(rid for rid, item in corpus.published.items() if item.record["language"] == code)
    doc = page(client, f"/sheets/{rid}", **{"Accept-Language": ui})
    assert doc.xpath("//main//article")[0].get("lang") == code
    assert expected in doc.xpath("string(//main//article//header)")
    hits = page(client, "/", [("language", code)], **{"Accept-Language": ui})
    assert expected in hits.xpath(f"string(//ol[{has_class('hits')}])")


def test_drafts_are_never_shown(client, corpus):
    draft = corpus.ids["draft"]
    assert client.get(f"/sheets/{draft}").status_code == 404
    assert client.get(f"/api/sheets/{draft}").status_code == 404
    assert client.get(f"/api/sheets/{draft}/similar").status_code == 404
    assert client.get(f"/sheets/{draft}/original").status_code == 404
    assert client.get(f"/compare?id={draft}&id={corpus.ids['glasgow']}").status_code == 404
    assert api(client, "/api/search", [("q", "zeppelin")])["total"] == 0
    assert "2024" not in facet_boxes(page(client, "/"), "year")
    for path in ("/export.csv", "/export.json", "/feed.atom", "/?sort=added",
                 "/analysis?q=harbour"):
        body = body_of(client, path)
        assert draft not in body and "Zeppelin" not in body, path


def test_ids_are_url_safe(client, corpus):
    for rid in corpus.records:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rid), rid
    doc = page(client, "/", [("limit", "100")])
    for link in doc.xpath(f"//ol[{has_class('hits')}]//h3/a/@href"):
        assert urlsplit(link).path.removeprefix("/sheets/") in corpus.published


# Compare


def columns_of(doc: lxml.html.HtmlElement) -> tuple[list[str], list[list[str]]]:
    """(sheet ids of the columns, one row per compared field: each column's text)."""
    [table] = doc.xpath("//main//table")
    heads = table.xpath(".//thead//th[@scope='col']")
    ids = [head.xpath("string(.//a/@href)").removeprefix("/sheets/") for head in heads]
    rows = [[cell.text_content() for cell in row.xpath("./td")]
            for row in table.xpath(".//tbody/tr")]
    return ids, rows


@pytest.mark.parametrize("count", [2, 3, 4])
def test_compare_puts_sheets_side_by_side(client, corpus, count):
    chosen = [corpus.demo_id("demo01"), corpus.ids["glasgow"], corpus.ids["rotterdam"],
              corpus.demo_id("demo07")][:count]
    doc = page(client, "/compare", [("id", rid) for rid in chosen])
    ids, rows = columns_of(doc)
    assert ids == chosen
    # Facts first, then the money, then the sheets' text.
    assert doc.xpath("//table[contains(@class, 'compare')]/tbody/tr/@data-field") == [
        "place", "period", "themes", "organisation", "target_groups", "partners", "budget",
        "context", "objectives", "activities", "evaluation"]
    assert len(rows) == 11 and all(len(row) == count for row in rows)
    (city, period, themes, organisation, target_groups, partners, budget, context, objectives,
     activities, evaluation) = rows
    for column, rid in enumerate(chosen):
        record = corpus.records[rid].record
        if record.get("organisation"):
            assert squeeze(record["organisation"]) in squeeze(organisation[column])
        for value in record.get("partners") or []:
            assert squeeze(value) in squeeze(partners[column])
        for value in record.get("target_groups") or []:
            assert squeeze(value) in squeeze(target_groups[column])
    for column, rid in enumerate(chosen):
        record = corpus.records[rid].record
        for key, row in zip(SECTIONS, (context, objectives, activities, evaluation)):
            if record.get(key):
                assert squeeze(record[key]) in squeeze(row[column]), key
        if eur(record) is not None:
            assert f"{eur(record):,.0f}" in budget[column]
        if record.get("start_year"):
            assert str(record["start_year"]) in period[column]
        for theme in record["themes"]:
            assert vocabulary()[theme].label("en") in themes[column]
        assert record["city"] in city[column]
    # A sheet without budget, year or evaluation says so rather than leaving a blank.
    glasgow = chosen.index(corpus.ids["glasgow"])
    for row in (budget, evaluation, period):
        assert row[glasgow].strip()


@pytest.mark.parametrize("how_many", [0, 1, 5])
def test_compare_needs_two_to_four_sheets(client, corpus, how_many):
    chosen = sorted(corpus.published)[:how_many]
    doc = page(client, "/compare", [("id", rid) for rid in chosen], status=400)
    [alert] = doc.xpath("//*[@role='alert']")
    assert alert.text_content().strip()
    assert not doc.xpath("//main//table")


def test_compare_the_same_sheet_twice_is_one_sheet(client, corpus):
    rid = corpus.ids["glasgow"]
    page(client, "/compare", [("id", rid), ("id", rid)], status=400)


def test_compare_unknown_sheet_is_a_404(client, corpus):
    doc = page(client, "/compare", [("id", corpus.ids["glasgow"]), ("id", "no-such-sheet")],
               status=404)
    assert "no-such-sheet" in doc.xpath("string(//*[@role='alert'])")


# Analysis


def stats_table(doc: lxml.html.HtmlElement, section: str) -> dict[str, list[float]]:
    """label -> [count, total, median, min, max] of a statistics table."""
    [table] = doc.xpath(f"//section[@aria-labelledby='{section}']//table")
    return {row.xpath("string(./th)").strip(): [first_number(td.text_content())
                                                for td in row.xpath("./td")]
            for row in table.xpath("./tbody/tr")}


def expected_stats(amounts: list[float]) -> list[float]:
    return [len(amounts), sum(amounts), statistics.median(amounts), min(amounts), max(amounts)]


def close_enough(shown: list[float], expected: list[float]) -> bool:
    """The page rounds to whole euros."""
    return len(shown) == len(expected) and all(abs(a - b) <= 1 for a, b in zip(shown, expected))


ANALYSED = [[], [("country", "GB")], [("theme", "youth")], [("year_from", "2016"),
            ("budget_max", "500000")], [("q", "night")]]


def per_year(record: dict[str, Any]) -> float | None:
    """The budget in EUR per year as the analysis page must count it: a per-year figure as
    it is, a total (or a figure of unstated basis) over the years from start to end; none for
    per-unit and per-participant figures, or a total with no period."""
    budget = record.get("budget") or {}
    if budget.get("amount_eur") is None or budget.get("basis") in ("unit", "participant"):
        return None
    if budget.get("basis") == "year":
        return budget["amount_eur"]
    start, end = record.get("start_year"), record.get("end_year")
    if start and end and end >= start:
        return budget["amount_eur"] / (end - start + 1)
    return None


@pytest.mark.parametrize("params", ANALYSED, ids=lambda p: urlencode(p) or "all")
def test_analysis_figures_agree_with_the_records(client, corpus, params):
    _, ids = api_ids(client, params)
    if not any(name == "q" for name, _ in params):
        assert set(ids) == published_where(corpus, params)
    records = [corpus.records[rid].record for rid in ids]
    doc = page(client, "/analysis", params)
    figures = [first_number(f.text_content())
               for f in doc.xpath(f"//ul[{has_class('figures')}]//*[{has_class('figure')}]")]
    amounts = [per_year(r) for r in records if per_year(r) is not None]
    assert amounts, "the corpus must have budgets to compare"
    assert figures[0] == len(records)
    assert figures[1] == len(amounts)
    assert close_enough(figures[2:4], [statistics.median(amounts), min(amounts)])
    by_theme: dict[str, list[float]] = {}
    by_country: dict[str, list[float]] = {}
    for record in records:
        if per_year(record) is None:
            continue
        for theme in record["themes"]:
            by_theme.setdefault(vocabulary()[theme].label("en"), []).append(per_year(record))
        country = country_name(record["country"]) if record.get("country") else "Country not given"
        by_country.setdefault(country, []).append(per_year(record))
    for section, expected in (("h-theme", by_theme), ("h-country", by_country)):
        shown = stats_table(doc, section)
        assert set(shown) == set(expected), section
        for label, amounts_of in expected.items():
            assert close_enough(shown[label], expected_stats(amounts_of)), (label, shown[label])
    # Every sheet is counted once in the table of what the budgets cover.
    kinds = doc.xpath("//table[contains(@class, 'kinds')]/tbody/tr")
    assert sum(first_number(row.xpath("string(./td[1])")) for row in kinds) == len(records)


def test_analysis_charts_are_inline_svg_with_tables(client):
    doc = page(client, "/analysis")
    charts = doc.xpath("//svg[@role='img']")
    assert len(charts) >= 3
    for chart in charts:
        assert chart.get("aria-label") or chart.xpath("./title")
        block = chart.xpath("ancestor::section[1]")[0]
        assert block.xpath(".//table"), "each chart has a table of its figures"


@pytest.mark.parametrize("path", ["/", "/analysis", "/analysis?theme=youth", "/compare"
                                  "?id=x", "/sheets/{bristol}", "/sheets/nope"])
def test_pages_load_nothing_from_elsewhere_and_run_no_inline_code(client, corpus, path):
    response = client.get(path.format(bristol=corpus.demo_id("demo01")))
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        for name in ("src", "href", "action", "poster", "data"):
            value = element.get(name)
            if value is None or value.startswith(("mailto:", "#")):
                continue
            parts = urlsplit(value)
            assert parts.scheme in ("", "http") and parts.netloc in ("", "localhost"), value
        # The Content-Security-Policy blocks inline scripts, styles and handlers.
        assert not [a for a in element.attrib if a.startswith("on")], element.tag
        assert "style" not in element.attrib, element.tag
        if element.tag == "script":
            assert element.get("src") and not (element.text or "").strip()
        assert element.tag != "style"


# Exports


def csv_rows(client, params: list[tuple[str, str]]) -> tuple[Any, list[dict[str, str]]]:
    response = client.get(url("/export.csv", params))
    assert response.status_code == 200
    return response, list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


@pytest.mark.parametrize("params", [[], [("sort", "title")], [("country", "GB")],
                                    [("q", "youth"), ("sort", "budget_desc")]],
                         ids=lambda p: urlencode(p) or "all")
def test_csv_export_has_every_row_of_the_search(client, corpus, params):
    response, rows = csv_rows(client, params)
    assert response.data.startswith("\ufeff".encode())
    assert response.mimetype == "text/csv"
    assert response.mimetype_params.get("charset", "").lower() == "utf-8"
    disposition, options = parse_options_header(response.headers["Content-Disposition"])
    assert disposition == "attachment" and options["filename"].endswith(".csv")
    total, ids = api_ids(client, params)
    assert [row["id"] for row in rows] == ids and len(rows) == total
    header = next(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert {"id", "title", "city", "country", "budget_eur", "themes", "url"} <= set(header)
    for row in rows:
        record = corpus.records[row["id"]].record
        assert row["url"] == f"http://localhost/sheets/{row['id']}"
        assert row["title"].lstrip("'") == record["title"]


def test_csv_export_names_its_charset_once(client):
    response, _ = csv_rows(client, [])
    assert response.headers["Content-Type"].lower().count("charset") == 1, \
        response.headers["Content-Type"]


def test_csv_export_spans_more_than_one_page(client, corpus):
    _, rows = csv_rows(client, [])
    assert len(rows) == len(corpus.published) > 10


def test_csv_export_neutralises_formulas(hostile, client, corpus):
    _, rows = csv_rows(client, [("q", "graffiti")])
    [row] = rows
    assert row["organisation"] == "'" + hostile.formula
    assert row["title"] == corpus.record("hostile")["title"]
    for row in csv_rows(client, [])[1]:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value


def test_csv_export_writes_lists_and_amounts_as_a_spreadsheet_shows_them(client, corpus):
    _, rows = csv_rows(client, [])
    bulleted = [row for row in rows if any(line.startswith(("- ", "* ", "▪ "))
                                           for key in ("objectives", "activities", "context")
                                           for line in (corpus.records[row["id"]].record[key]
                                                        or "").splitlines())]
    assert bulleted, "the corpus must have sheets with bullet lists"
    for row in bulleted:
        for key in ("objectives", "activities", "context"):
            assert not row[key].startswith("'"), row[key][:40]
            assert not re.search(r"(?m)^[-*▪] ", row[key]), row[key][:80]
    for row in rows:
        for key in ("budget_amount", "budget_eur", "budget_eur_per_year"):
            assert not row[key].endswith(".0"), (key, row[key])
        record = corpus.records[row["id"]].record
        assert row["budget_basis"] == ((record.get("budget") or {}).get("basis") or "")


def test_export_files_are_named_after_the_search_and_the_day(client):
    import datetime
    today = datetime.date.today().isoformat()
    for path, params, name in (
            ("/export.csv", [], f"practice-sheets-{today}.csv"),
            ("/export.csv", [("q", "Vie nocturne"), ("country", "FR")],
             f"practice-sheets-vie-nocturne-fr-{today}.csv"),
            ("/export.json", [("theme", "youth")], f"practice-sheets-youth-{today}.json")):
        with client.get(url(path, params)) as response:
            _, options = parse_options_header(response.headers["Content-Disposition"])
            assert options["filename"] == name


@pytest.mark.parametrize("params", [[], [("theme", "youth"), ("sort", "oldest")],
                                    [("q", "night")]], ids=lambda p: urlencode(p) or "all")
def test_json_export_has_every_sheet_of_the_search(client, corpus, params):
    response = client.get(url("/export.json", params))
    assert response.status_code == 200
    disposition, options = parse_options_header(response.headers["Content-Disposition"])
    assert disposition == "attachment" and options["filename"].endswith(".json")
    entries = json.loads(response.data)
    total, ids = api_ids(client, params)
    assert [entry["id"] for entry in entries] == ids and len(entries) == total
    for entry in entries:
        assert entry["record"] == corpus.records[entry["id"]].record
        assert entry["url"] == f"http://localhost/sheets/{entry['id']}"


# Atom feed


def feed_entries(client, params: list[tuple[str, str]]) -> tuple[ET.Element, list[ET.Element]]:
    response = client.get(url("/feed.atom", params))
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    return root, root.findall("a:entry", ATOM)


@pytest.mark.parametrize("params", [[], [("country", "GB")], [("q", "youth"), ("year_from",
                                                                               "2015")]],
                         ids=lambda p: urlencode(p) or "all")
def test_feed_lists_the_newest_matching_sheets(client, corpus, params):
    root, entries = feed_entries(client, params)
    _, ids = api_ids(client, params)
    links = [entry.find("a:link[@rel='alternate']", ATOM).get("href") for entry in entries]
    assert all(link.startswith("http://localhost/sheets/") for link in links)
    feed_ids = [urlsplit(link).path.removeprefix("/sheets/") for link in links]
    assert set(feed_ids) == set(ids)               # fewer than the feed's size
    published = [entry.findtext("a:published", namespaces=ATOM) for entry in entries]
    assert published == sorted(published, reverse=True)
    assert [corpus.records[rid].created for rid in feed_ids] == published
    for entry, rid in zip(entries, feed_ids):
        assert entry.findtext("a:title", namespaces=ATOM) == corpus.records[rid].record["title"]
    [page_link] = root.findall("a:link[@rel='alternate']", ATOM)
    assert query_pairs(page_link.get("href")) == sorted(params)


def test_feed_puts_a_newly_added_sheet_first(make_sheet, tmp_path, monkeypatch):
    home = tmp_path / "kb"
    with KnowledgeBase(home) as kb:
        monkeypatch.setattr("kb.service.versions.now", lambda: "2020-01-01T00:00:00+00:00")
        for number in range(22):
            kb.save(make_sheet(f"Older sheet {number:02}", city="Leeds", country="GB"))
        monkeypatch.setattr("kb.service.versions.now", lambda: "2021-06-01T00:00:00+00:00")
        newest = kb.save(make_sheet("Zebra crossings", city="Leeds", country="GB")).id
    application = create_app({"KB_HOME": home, "TESTING": True})
    try:
        _, entries = feed_entries(application.test_client(), [])
        assert len(entries) == 20                   # the feed's size, not the whole base
        first = entries[0].find("a:link", ATOM).get("href")
        assert first.endswith(f"/sheets/{newest}")
    finally:
        close_app(application)


# Languages of the interface


def html_lang(doc: lxml.html.HtmlElement) -> str:
    return doc.getroottree().getroot().get("lang")


def test_accept_language_chooses_french(client):
    assert html_lang(page(client, "/", **{"Accept-Language": "fr-BE,fr;q=0.9,en;q=0.5"})) == "fr"
    assert html_lang(page(client, "/", **{"Accept-Language": "de"})) == "en"
    assert html_lang(page(client, "/")) == "en"


def test_language_switch_remembers_the_choice_and_returns(client):
    doc = page(client, "/", [("q", "night"), ("theme", "nightlife")])
    [switch] = doc.xpath("//a[@hreflang='fr']/@href")
    parts = urlsplit(switch)
    assert parts.path == "/language/fr"
    back = dict(parse_qsl(parts.query))["next"]
    assert urlsplit(back).path == "/"
    assert query_pairs(back) == [("q", "night"), ("theme", "nightlife")]
    response = client.get(switch)
    assert response.status_code in (302, 303)
    assert response.headers["Location"] == back
    assert client.get_cookie("lang").value == "fr"
    # The cookie wins over the browser's language, both ways.
    assert html_lang(page(client, back, **{"Accept-Language": "en"})) == "fr"
    client.get("/language/en?next=/")
    assert html_lang(page(client, "/", **{"Accept-Language": "fr"})) == "en"


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example", "http:evil.example",
                                    "evil.example", "/\\evil.example", "\\\\evil.example",
                                    " //evil.example", "javascript:alert(1)"])
def test_language_switch_redirects_only_to_local_paths(client, target):
    response = client.get("/language/fr", query_string={"next": target})
    assert response.status_code in (302, 303)
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc and location.startswith("/")
    assert not location.startswith(("//", "/\\"))


def test_unknown_language_sets_no_cookie(client):
    response = client.get("/language/xx?next=/analysis")
    assert response.headers["Location"] == "/analysis"
    assert client.get_cookie("lang") is None


# The JSON API


@pytest.mark.parametrize("params, options", [
    ([("q", "night")], ["night"]),
    ([("theme", "youth"), ("country", "AT"), ("country", "ES"), ("sort", "title")],
     ["--theme", "youth", "--country", "AT", "--country", "ES", "--sort", "title"]),
    ([("year_from", "2015"), ("budget_max", "100000"), ("page", "2"), ("limit", "3")],
     ["--year-from", "2015", "--budget-max", "100000", "--page", "2", "--limit", "3"]),
], ids=["words", "facets", "ranges"])
def test_api_search_is_the_json_of_kb_search(client, corpus, params, options):
    found = api(client, "/api/search", params)
    result = CliRunner().invoke(kb_main, ["--home", str(corpus.home), "search", "--json",
                                          *options])
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    assert list(found) == list(cli)
    assert found["total"] == cli["total"] > 0
    assert [hit["id"] for hit in found["hits"]] == [hit["id"] for hit in cli["hits"]]
    assert [list(hit) for hit in found["hits"]] == [list(hit) for hit in cli["hits"]]
    assert found == cli


def test_api_sheet_is_the_record_as_the_schema_dumps_it(client, corpus):
    for rid in (corpus.demo_id("demo01"), corpus.ids["hostile"], corpus.ids["glasgow"]):
        data = api(client, f"/api/sheets/{rid}")
        assert data["id"] == rid and data["status"] == "published"
        assert data["record"] == corpus.records[rid].record
        loaded = RecordSchema().load(data["record"])
        assert isinstance(loaded, Record)
        assert RecordSchema().dump(loaded) == data["record"]


def test_api_similar(client, corpus):
    rid = corpus.demo_id("demo01")
    five = api(client, f"/api/sheets/{rid}/similar")["hits"]
    assert len(five) == 5
    two = api(client, f"/api/sheets/{rid}/similar", [("limit", "2")])["hits"]
    assert [hit["id"] for hit in two] == [hit["id"] for hit in five][:2]
    ids = {hit["id"] for hit in api(client, f"/api/sheets/{rid}/similar",
                                    [("limit", "20")])["hits"]}
    assert rid not in ids and ids <= set(corpus.published)


@pytest.mark.parametrize("limit", ["0", "21", "-1", "abc", "1.5", ""])
def test_api_similar_bad_limit(client, corpus, limit):
    rid = corpus.demo_id("demo01")
    error = api(client, f"/api/sheets/{rid}/similar", [("limit", limit)], status=400)["error"]
    assert error["field"] == "limit" and error["message"]


def test_api_facets_respect_selections(client):
    params = [("theme", "nightlife"), ("theme", "youth"), ("year_from", "2015")]
    facets = api(client, "/api/facets", params)
    found = api(client, "/api/search", params)
    assert set(facets) == {"total", "facets"}
    assert facets["total"] == found["total"] > 0
    assert facets["facets"] == found["facets"]
    assert facets != api(client, "/api/facets")


# Security headers


@pytest.mark.parametrize("path", ["/", "/?page=abc", "/sheets/{bristol}", "/sheets/nope",
                                  "/compare?id=x", "/analysis", "/export.csv", "/export.json",
                                  "/feed.atom", "/api/search", "/api/xyz",
                                  "/sheets/{bristol}/original", "/language/fr?next=/"])
def test_security_headers(client, corpus, path):
    with client.get(path.format(bristol=corpus.demo_id("demo01"))) as response:
        response.get_data()
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src" not in csp or "'unsafe-inline'" not in csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy")


# The app and its knowledge base


def test_an_import_after_the_start_is_visible_without_restart(make_budget, make_sheet, tmp_path):
    home = tmp_path / "kb"
    with KnowledgeBase(home) as kb:
        first = kb.save(make_sheet("Night buses for students", city="Leeds", country="GB",
                                budget=make_budget(8_000))).id
    application = create_app({"KB_HOME": home, "TESTING": True})
    try:
        client = application.test_client()
        assert api_ids(client, [])[1] == [first]
        with KnowledgeBase(home) as other:
            second = other.save(make_sheet("Quiet courtyards", city="York", country="GB",
                                      themes=["public-spaces"], budget=make_budget(9_000))).id
        assert set(api_ids(client, [])[1]) == {first, second}
        assert hit_ids(page(client, "/", [("q", "courtyards")])) == [second]
        assert client.get(f"/sheets/{second}").status_code == 200
        assert facet_boxes(page(client, "/"), "theme") == {"public-spaces": (False, 1)}
        with KnowledgeBase(home) as other:
            other.delete(first)
        assert api_ids(client, [])[1] == [second]
        assert client.get(f"/sheets/{first}").status_code == 404
    finally:
        close_app(application)


def test_two_apps_on_two_homes_see_their_own_sheets(make_budget, make_sheet, tmp_path):
    ids = {}
    for name in ("one", "two"):
        with KnowledgeBase(tmp_path / name) as kb:
            ids[name] = kb.save(make_sheet(f"Sheet of home {name}", city="Leeds", country="GB",
                                          budget=make_budget(1_000))).id
    apps = {name: create_app({"KB_HOME": tmp_path / name, "TESTING": True})
            for name in ("one", "two")}
    try:
        for _ in range(2):              # interleaved requests
            for name, application in apps.items():
                client = application.test_client()
                other = ids["two" if name == "one" else "one"]
                assert api_ids(client, [])[1] == [ids[name]]
                assert client.get(f"/sheets/{ids[name]}").status_code == 200
                assert client.get(f"/sheets/{other}").status_code == 404
    finally:
        for application in apps.values():
            close_app(application)


def test_each_feed_is_named_after_its_search_and_reads_in_a_browser(client):
    titles = {}
    for params in ([], [("q", "youth")], [("country", "GB")], [("q", "youth"), ("country", "GB")]):
        root, _ = feed_entries(client, params)
        titles[urlencode(params)] = root.findtext("a:title", namespaces=ATOM)
        assert root.findtext("a:subtitle", namespaces=ATOM)
    assert len(set(titles.values())) == 4, titles
    assert "youth" in titles["q=youth"] and "United Kingdom" in titles["country=GB"]
    # A feed reader asking for anything gets the Atom feed itself.
    assert client.get("/feed.atom", headers={"Accept": "*/*"}).mimetype == \
        "application/atom+xml"
    # A browser (asking for HTML first) gets a page: the same title and entries, the feed's
    # address to copy, the way back to the search; no XSLT, which browsers are dropping.
    params = [("q", "youth")]
    root, entries = feed_entries(client, params)
    browsing = client.get("/feed.atom?" + urlencode(params), headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert browsing.mimetype == "text/html"
    doc = lxml.html.fromstring(browsing.get_data(as_text=True))
    assert doc.xpath("string(//h1)") == root.findtext("a:title", namespaces=ATOM)
    assert doc.xpath("//input[@id='feed-address']/@value")[0].endswith(
        "/feed.atom?" + urlencode(params))
    assert doc.xpath("//link[@rel='alternate'][@type='application/atom+xml']")
    shown = doc.xpath("//ol[@class='hits']//article[@class='hit']//h3/a/text()")
    assert shown == [entry.findtext("a:title", namespaces=ATOM) for entry in entries]
    assert shown


def test_an_empty_result_lists_no_empty_facets_and_pages_link_the_staff_sign_in(client):
    doc = page(client, "/", [("q", "zzqxwv")])
    assert not doc.xpath("//fieldset[contains(@class, 'facet')]")
    assert doc.xpath("//footer//a[@href='/staff/sign-in']")


def test_an_empty_result_offers_the_themes_its_words_find_without_the_filters(client):
    # "graffiti" in France finds nothing; without the country the words find sheets.
    doc = page(client, "/", [("q", "graffiti"), ("country", "FR")])
    assert total_of(doc) == 0
    links = doc.xpath(f"//ul[{has_class('themes-nearby')}]//a")
    assert links
    for link in links:
        shown = int(re.search(r"\d+", link.getparent().text_content().replace(link.text_content(), "")).group())
        query = dict(parse_qsl(urlsplit(link.get("href")).query))
        assert query.keys() == {"q", "theme"} and query["q"] == "graffiti"
        # Each theme's count is the count of the search it links to.
        assert total_of(page(client, link.get("href"))) == shown
    french = page(client, "/", [("q", "graffiti"), ("country", "FR")], **{"Accept-Language": "fr"})
    assert "Without the filters" not in french.text_content()
    assert french.xpath(f"//p[{has_class('themes-nearby')}]")


def test_an_empty_result_of_nonsense_offers_no_themes(client):
    doc = page(client, "/", [("q", "zzqxwv")])
    assert not doc.xpath(f"//*[{has_class('themes-nearby')}]")
