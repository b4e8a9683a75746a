"""A budget range per year in words (issue 14), in English and French: the search as the
analysis page and the feed's title say it names the range per year (a plain range keeps its
words), and a result line beside a total shows the figure per year the range compared."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import lxml.etree
import lxml.html
import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from tests.index.test_budget_per_year import saved
from web.analysis import search_words
from web.app import create_app
from web.params import search_request

NBSP = "\N{NO-BREAK SPACE}"
NNBSP = "\N{NARROW NO-BREAK SPACE}"


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[Flask]:
    home: Path = saved(tmp_path_factory.mktemp("analysis-words") / "kb")
    application = create_app({"KB_HOME": home, "TESTING": True})
    yield application
    application.extensions["knowledge_base"].close()


def plain(text: str) -> str:
    """French groups thousands with a (narrow) no-break space: compare as a reader sees it."""
    return " ".join(text.replace(NBSP, " ").replace(NNBSP, " ").split())


CASES = [
    ({"budget_min": "50000", "budget_max": "400000", "budget_per": "year"},
     "Budget per year from 50,000 EUR to 400,000 EUR",
     "Budget par an de 50 000 EUR à 400 000 EUR"),
    ({"budget_min": "50000", "budget_per": "year"},
     "Budget per year from 50,000 EUR", "Budget par an à partir de 50 000 EUR"),
    ({"budget_max": "400000", "budget_per": "year"},
     "Budget per year up to 400,000 EUR", "Budget par an jusqu’à 400 000 EUR"),
    ({"budget_min": "50000", "budget_max": "400000"},
     "Budget from 50,000 EUR; Budget up to 400,000 EUR",
     "Budget à partir de 50 000 EUR; Budget jusqu’à 400 000 EUR"),
    ({"budget_min": "50000", "budget_max": "400000", "budget_per": "total"},
     "Budget from 50,000 EUR; Budget up to 400,000 EUR",
     "Budget à partir de 50 000 EUR; Budget jusqu’à 400 000 EUR"),
    ({"budget_per": "year", "year_from": "2015"}, "Starting in 2015 or later",
     "Débutant en 2015 ou après"),
]


@pytest.mark.parametrize(("args", "english", "french"), CASES)
def test_search_words_say_whether_the_budget_range_is_per_year(app, args, english, french):
    for language, expected in (("en", english), ("fr", french)):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            assert plain(search_words(search_request(MultiDict(args)))) == expected


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_analysis_page_and_the_feed_name_the_range_per_year(app, language):
    client = app.test_client()
    query = urlencode({"budget_min": "50000", "budget_max": "400000", "budget_per": "year"})
    english, french = CASES[0][1], CASES[0][2]
    expected = english if language == "en" else french
    headers = {"Accept-Language": language}
    response = client.get(f"/analysis?{query}", headers=headers)
    assert response.status_code == 200
    text = plain(lxml.html.fromstring(response.get_data(as_text=True)).text_content())
    assert expected in text
    assert "Budget from" not in text and "Budget à partir" not in text
    response = client.get(f"/feed.atom?{query}", headers=headers)
    assert response.status_code == 200
    title = lxml.etree.fromstring(response.data).findtext("{http://www.w3.org/2005/Atom}title")
    assert expected in plain(title)


def budget_lines(client, url: str, language: str) -> dict[str, str]:
    """title -> the budget figure its result line shows."""
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    return {hit.xpath("string(.//h3)").strip():
            plain(hit.xpath("string(.//*[@class='budget-figure'])"))
            for hit in doc.xpath("//ol[@class='hits']//article[@class='hit']")}


# The result lines of a range per year, and of the plain range, in each language.
LINES = {
    "en": {"Street lighting": "300,000 EUR in total, that is 100,000 EUR per year",
           "Big total": "2,000,000 EUR in total, that is 400,000 EUR per year",
           "Unstated": "600,000 EUR, that is 300,000 EUR per year",
           "Night stewards": "1,111,500 EUR per year", "plain": "300,000 EUR in total"},
    "fr": {"Street lighting": "300 000 EUR au total, soit 100 000 EUR par an",
           "Big total": "2 000 000 EUR au total, soit 400 000 EUR par an",
           "Unstated": "600 000 EUR, soit 300 000 EUR par an",
           "Night stewards": "1 111 500 EUR par an", "plain": "300 000 EUR au total"},
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_range_per_year_shows_beside_a_total_the_yearly_figure_it_compared(app, language):
    client = app.test_client()
    lines = LINES[language]
    yearly = budget_lines(client, "/?" + urlencode(
        {"budget_min": "50000", "budget_max": "400000", "budget_per": "year"}), language)
    assert yearly == {title: lines[title] for title in ("Street lighting", "Big total",
                                                        "Unstated")}
    # A figure stated per year is not repeated; the plain range shows the figures as stated.
    assert budget_lines(client, "/?budget_min=500000&budget_per=year", language) == {
        "Night stewards": lines["Night stewards"]}
    assert budget_lines(client, "/?budget_min=50000&budget_max=400000", language) == {
        "Street lighting": lines["plain"]}
