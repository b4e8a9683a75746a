"""The facet table of kb.core.facets drives the index, the URL parameters, the CLI options, the
titles and the labels: a facet declared there shows up everywhere, labelled in the request's
language by one function."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po
from click.testing import CliRunner
from flask import Flask

from index.facets import Columns
from index.schema import facet_values
from kb.cli.main import main as kb_main
from kb.core.facets import FACETS, FACET_NAMES, facet_label
from kb.service.knowledge_base import KnowledgeBase
from web import i18n, params
from web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "web" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
# The files of kb/core whose messages the web translates (README "Translations").
GROUND_MESSAGES = ("kb/core/facets.py", "kb/core/search_args.py")


@pytest.fixture(scope="module")
def home(make_budget, make_sheet, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("facets") / "kb"
    with KnowledgeBase(home) as kb:
        kb.save(make_sheet("Night mediators in Lyon", city="Lyon", country="FR", language="fr",
                      themes=["nightlife"], start_year=2021, evaluation="Fewer fights.",
                      budget=make_budget(30_000)))
        kb.save(make_sheet("Safer streets in Bremen", city="Bremen", country="DE",
                      themes=["public-spaces"], start_year=2019))
    return home


@pytest.fixture(scope="module")
def app(home) -> Iterator[Flask]:
    app = create_app({"KB_HOME": home, "TESTING": True})
    yield app
    app.extensions["knowledge_base"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def kb(home: Path, *args: str):
    return CliRunner().invoke(kb_main, ["--home", str(home), *args])


def test_every_facet_has_a_url_parameter_a_cli_option_and_a_title():
    assert FACET_NAMES == ("themes", "country", "city", "language", "start_year",
                           "budget_band", "budget_year_band", "evaluated", "eu_funded")
    assert params.FACET_PARAMS == {facet.param: facet.name for facet in FACETS}
    assert len(set(params.FACET_PARAMS)) == len(FACETS)
    assert set(params.FACET_PARAMS) <= set(params.SEARCH_PARAMS)
    options = {option for parameter in kb_main.commands["search"].params
               for option in getattr(parameter, "opts", [])}
    assert {facet.option for facet in FACETS} <= options
    assert set(i18n.FACET_TITLES) == set(FACET_NAMES)


def test_the_french_catalog_translates_the_messages_of_the_ground():
    # Titles, fixed labels and search-argument messages live in kb/core; the web translates them.
    with PO.open("rb") as f:
        catalog = read_po(f)
    keywords = {**DEFAULT_KEYWORDS, "N_": None, "Message": None}
    found = {message for path in GROUND_MESSAGES
             for _line, message, *_ in extract_from_file("python", ROOT / path, keywords=keywords)}
    assert {facet.title for facet in FACETS} <= found
    assert "The maximum budget is below the minimum." in found
    untranslated = sorted(m for m in found if not (catalog.get(m) and catalog.get(m).string))
    assert not untranslated


def test_the_index_keeps_and_counts_each_facet_of_the_table(make_budget, make_sheet):
    record = make_sheet("A sheet", city="Porto", country="PT", language="pt", themes=["youth"],
                   start_year=2020, end_year=2023, budget=make_budget(2_000_000),
                   evaluation="Good.")
    columns = Columns()
    columns.append_raw(json.dumps(facet_values("x", "published", record, "2026-01-01")).encode())
    assert {name: values[0] for name, values in columns.values.items()} == {
        "themes": ("youth",), "country": "PT", "city": "Porto", "language": "pt",
        "start_year": "2020", "budget_band": ">1M", "evaluated": "yes", "eu_funded": "no",
        # 2,000,000 over 2020-2023: 500,000 a year.
        "budget_year_band": "250k-1M"}
    assert set(columns.values) == set(FACET_NAMES)


@pytest.mark.parametrize(("param", "typed", "kept"), [
    ("country", " fr ", "FR"), ("language", "FR", "fr"), ("city", " Lyon ", "Lyon")])
def test_url_values_are_normalised_by_the_table(param, typed, kept):
    assert params.facet_value(param, typed) == kept


def test_one_labelling_function_in_any_language():
    assert facet_label("country", "DE") == "Germany"
    assert facet_label("country", "DE", "fr") == "Allemagne"
    assert facet_label("language", "de", "fr") == "allemand"
    assert facet_label("budget_band", ">1M") == "over 1 million"
    assert facet_label("budget_band", ">1M", "fr", lambda m: f"<{m}>") == "<over 1 million>"
    assert facet_label("city", "Lyon", "fr") == "Lyon"


def labels(found: dict, name: str) -> dict[str, str]:
    return {bucket["value"]: bucket["label"] for bucket in found["facets"][name]}


@pytest.mark.parametrize("path", ["/api/search", "/api/facets"])
def test_api_labels_follow_the_interface_language(client, path):
    english = client.get(path).get_json()
    assert labels(english, "country") == {"FR": "France", "DE": "Germany"}
    assert labels(english, "themes")["nightlife"] == "Nightlife"
    french = client.get(path, headers={"Accept-Language": "fr"}).get_json()
    assert labels(french, "country") == {"FR": "France", "DE": "Allemagne"}
    assert labels(french, "themes")["nightlife"] == "Vie nocturne"
    assert labels(french, "language")["fr"] == "français"
    assert labels(french, "evaluated") == {"yes": "évaluée", "no": "non évaluée"}
    client.set_cookie("lang", "fr")
    assert labels(client.get(path).get_json(), "country")["DE"] == "Allemagne"


def test_kb_search_json_labels_in_english(home):
    result = kb(home, "search", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert labels(found, "country") == {"FR": "France", "DE": "Germany"}
    assert labels(found, "budget_band")["10k-50k"] == "10,000 to 50,000"


def test_cli_facet_options_select(home):
    result = kb(home, "search", "--json", "--country", "de", "--evaluated", "no")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert [hit["title"] for hit in found["hits"]] == ["Safer streets in Bremen"]
    assert kb(home, "search", "--evaluated", "maybe").exit_code == 2


def test_search_page_shows_the_french_labels(client):
    html = client.get("/", headers={"Accept-Language": "fr"}).get_data(True)
    assert "Allemagne" in html and "Vie nocturne" in html
    assert "<legend>Année de début</legend>" in html and "Start year" not in html
    assert ">de 10\u202f000 à 50\u202f000<" in html           # the French band label


# The CLI checks its arguments with the web's schema (kb.core.search_args).

@pytest.mark.parametrize(("args", "option", "says"), [
    (["x" * 501], "QUERY", "The query is too long: keep it under 500 characters."),
    (["--budget-min", "5000", "--budget-max", "100"], "--budget-max",
     "The maximum budget is below the minimum."),
    (["--year-from", "2022", "--year-to", "2020"], "--year-to",
     "The end year is before the start year."),
    ([arg for n in range(51) for arg in ("--city", f"City {n}")], "--city",
     "Too many values for city: at most 50."),
    (["--page", "10001"], "--page", "page must be between 1 and 10000."),
])
def test_cli_refuses_what_the_web_refuses(home, args, option, says):
    result = kb(home, "search", *args)
    assert result.exit_code == 2
    assert f"Invalid value for '{option}': {says}" in result.output
    assert "Traceback" not in result.output


def test_cli_accepts_the_limits_themselves(home):
    result = kb(home, "search", "x" * 500, "--budget-min", "100", "--budget-max", "100")
    assert result.exit_code == 0, result.output


def test_web_says_the_bad_parameter_in_french(client):
    # The same schema, its message translated by the web (the JSON error body is web/errors').
    page = client.get("/?q=" + "x" * 501, headers={"Accept-Language": "fr"})
    assert page.status_code == 400
    assert "La requête est trop longue" in page.get_data(True)
    page = client.get("/?budget_min=5000&budget_max=100")
    assert page.status_code == 400
    assert "The maximum budget is below the minimum." in page.get_data(True)
