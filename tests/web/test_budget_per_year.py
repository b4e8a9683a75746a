"""The search page's budget range per year (issue 14): the sidebar's Compare choice, without
JavaScript; one chip "Budget per year from X to Y" removing the whole range; the choice kept by
paging, sorting, the exports and the feed; /api/search's `budget_per`; a wrong value named in
words on a French page."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import lxml.html
import pytest
from flask import Flask

from tests.index.test_budget_per_year import saved
from web.app import create_app

PAGE_SIZE = 2       # several pages for a handful of sheets: paging must keep the choice


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return saved(tmp_path_factory.mktemp("web-per-year") / "kb")


@pytest.fixture(scope="module")
def app(home) -> Iterator[Flask]:
    application = create_app({"KB_HOME": home, "TESTING": True, "PAGE_SIZE": PAGE_SIZE})
    yield application
    application.extensions["knowledge_base"].close()


def get(client, url: str, status: int = 200, **headers) -> lxml.html.HtmlElement:
    response = client.get(url, headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)[:400]
    return lxml.html.fromstring(response.get_data(as_text=True))


def args(link: str) -> list[tuple[str, str]]:
    return sorted(parse_qsl(urlsplit(link).query))


def all_titles(client, url: str) -> set[str]:
    """The titles of every page of a search, following its Next links."""
    seen: set[str] = set()
    while url:
        doc = get(client, url)
        seen |= {a.text_content().strip() for a in doc.xpath("//ol[@class='hits']//h3/a")}
        following = doc.xpath("//nav[@class='pages']//a[@rel='next']/@href")
        url = following[0] if following else ""
    return seen


def test_the_page_filters_on_the_figure_per_year_across_its_pages(client):
    yearly = "/?" + urlencode({"budget_min": "50000", "budget_max": "400000",
                               "budget_per": "year"})
    assert all_titles(client, yearly) == {"Street lighting", "Big total", "Unstated"}
    # The plain range, as before: the figure as stated.
    assert all_titles(client, "/?budget_min=50000&budget_max=400000") == {"Street lighting"}
    assert all_titles(client, "/?budget_min=500000&budget_per=year") == {"Night stewards"}
    assert all_titles(client, "/?budget_min=500000") == {
        "Night stewards", "Big total", "Unstated", "Old total"}


def test_the_sidebar_offers_the_choice_and_works_without_javascript(client):
    doc = get(client, "/")
    [select] = doc.xpath("//aside[contains(@class,'filters')]//select[@name='budget_per']")
    [label] = doc.xpath("//label[@for='budget_per']")
    assert label.text_content() == "Compare"
    options = {o.text_content(): o.get("value") for o in select.xpath("option")}
    assert options == {"the figure as stated": "", "the figure per year": "year"}
    assert select.value == ""
    # A person without JavaScript fills the range, picks per year and applies: the form's GET.
    form = doc.forms[0] if doc.forms[0].get("id") == "search" else doc.get_element_by_id("search")
    form.fields["budget_min"] = "500.000"
    form.fields["budget_per"] = "year"
    url = form.get("action") + "?" + urlencode(form.form_values())
    result = get(client, url)
    assert all_titles(client, url) == {"Night stewards"}
    [kept] = result.xpath("//select[@name='budget_per']")
    assert kept.value == "year"
    assert result.xpath("//input[@id='budget_min']/@value") == ["500.000"]


@pytest.mark.parametrize("query, text, language", [
    ({"budget_min": "50000", "budget_max": "400000"},
     "Budget per year from 50,000 EUR to 400,000 EUR", "en"),
    ({"budget_min": "500000"}, "Budget per year from 500,000 EUR", "en"),
    ({"budget_max": "400000"}, "Budget per year up to 400,000 EUR", "en"),
    ({"budget_min": "50.000", "budget_max": "400.000"},
     "Budget par an de 50\u202f000 EUR à 400\u202f000 EUR", "fr"),
    ({"budget_max": "400.000"}, "Budget par an jusqu’à 400\u202f000 EUR", "fr"),
])
def test_one_chip_says_the_yearly_range_and_removes_it(client, query, text, language):
    params = {"q": "", "theme": "nightlife", **query, "budget_per": "year"}
    doc = get(client, "/?" + urlencode(params), **{"Accept-Language": language})
    chips = {a.text_content().replace("×", "").strip(): a.get("href")
             for a in doc.xpath("//a[@class='chip']")}
    assert len(chips) == 2, chips          # the theme's and the range's
    assert text in chips
    # Removing it leaves the theme only: no amount, no basis left behind.
    assert args(chips[text]) == [("theme", "nightlife")]


def test_the_plain_range_keeps_its_two_chips(client):
    doc = get(client, "/?budget_min=50000&budget_max=400000&budget_per=total")
    chips = [a.text_content().replace("×", "").strip() for a in doc.xpath("//a[@class='chip']")]
    assert chips == ["Budget from 50,000 EUR", "Budget up to 400,000 EUR"]
    assert doc.xpath("//select[@name='budget_per']")[0].value == ""


def test_paging_sorting_exports_and_feed_keep_the_choice(client):
    doc = get(client, "/?budget_max=1000000&budget_per=year&sort=title")
    links = [*doc.xpath("//nav[@class='pages']//a/@href"),
             *doc.xpath("//*[contains(concat(' ', @class, ' '), ' results-tools ')]//a/@href")]
    assert len(links) >= 5
    for link in links:
        assert ("budget_per", "year") in args(link), link
        assert ("budget_max", "1000000") in args(link), link
    # The sort is a select of the same form: its hidden companions carry the choice too.
    assert doc.xpath("//form[@id='compare']/input[@name='budget_per']/@value") == ["year"]
    [csv_link] = [link for link in links if "/export.csv" in link]
    rows = list(csv.DictReader(io.StringIO(client.get(csv_link).get_data(as_text=True)
                                           .lstrip("\ufeff"))))
    assert sorted(row["title"] for row in rows) == ["Big total", "Street lighting", "Unstated"]
    assert all(float(row["budget_eur_per_year"]) <= 1_000_000 for row in rows)
    [json_link] = [link for link in links if "/export.json" in link]
    exported = json.loads(client.get(json_link).get_data(as_text=True))
    assert len(exported) == 3


def test_the_api_takes_budget_per(client):
    answer = client.get("/api/search?budget_min=500000&budget_per=year").get_json()
    assert [hit["title"] for hit in answer["hits"]] == ["Night stewards"]
    assert client.get("/api/search?budget_min=500000").get_json()["total"] == 4
    bad = client.get("/api/search?budget_min=1&budget_per=month")
    assert bad.status_code == 400
    assert bad.get_json()["error"]["field"] == "budget_per"
    assert bad.get_json()["error"]["message"] == (
        "budget_per must be one of total, year, not 'month'.")


@pytest.mark.parametrize("language, words", [
    ("en", "The basis for comparing budgets must be one of total, year, not 'mois'."),
    ("fr", "La base de comparaison des budgets doit être l’une des valeurs total, year, "
           "pas 'mois'."),
])
def test_a_wrong_basis_on_the_page_names_the_field_in_words(client, language, words):
    doc = get(client, "/?budget_min=10&budget_per=mois", 400, **{"Accept-Language": language})
    [alert] = doc.xpath("//*[@role='alert']")
    assert alert.get("id") == "error-budget_per"
    assert alert.text_content().strip() == words
    assert "budget_per" not in alert.text_content()


def test_the_french_sidebar_says_the_choice_in_french(client):
    doc = get(client, "/", **{"Accept-Language": "fr"})
    [select] = doc.xpath("//select[@name='budget_per']")
    assert [o.text_content() for o in select.xpath("option")] == [
        "le montant tel qu’indiqué", "le montant par an"]
    assert doc.xpath("//label[@for='budget_per']")[0].text_content() == "Comparer"
    assert "sans montant annuel" in doc.get_element_by_id("budget_per-help").text_content()
