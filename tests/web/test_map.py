"""The analysis page's map (issue 14): cities found in the gazetteer by name and country,
accents and case ignored; one point per place sized by its sheets, each linking to the search for
its city; the sheets not on the map counted under it; the map's table holding the same counts;
everything drawn from files in the package (no request leaves the server)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest

from kb.core.places import locate
from kb.service.knowledge_base import KnowledgeBase
from tests.samples.records import make_record
from web import map as city_map

# (city, country) -> the gazetteer's name of the place, or None: not found.
PLACES = [
    (("Genève", "CH"), "Geneva"),
    (("geneve", "ch"), "Geneva"),
    (("GENF", "CH"), "Geneva"),
    (("Liège", "BE"), "Liège"),
    (("liege", "BE"), "Liège"),
    (("Bruxelles", "BE"), "Brussels"),
    (("Lisboa", "PT"), "Lisbon"),
    (("Den Haag (Laak)", "NL"), "The Hague"),
    (("Valencia", "ES"), "Valencia"),
    (("Ciudad de México", "MX"), "Mexico City"),
    (("Zürich", "CH"), "Zürich"),
    (("Paris", "BE"), None),            # the name in another country
    (("Atlantis", "GR"), None),
]


@pytest.mark.parametrize(("pair", "name"), PLACES, ids=lambda v: str(v))
def test_a_city_is_found_by_name_and_country(pair, name):
    found = locate([pair])
    key = (pair[0], pair[1].upper())
    assert (found[key].name if found[key] else None) == name


def test_pairs_missing_a_city_or_a_country_are_left_out():
    assert locate([(None, "FR"), ("Paris", None), ("", "FR")]) == {}


SHEETS = [
    ("Night mediators", "Genève", "CH"),
    ("Street lighting", "Geneva", "CH"),
    ("School mediators", "Geneva", "CH"),
    ("Harbour walks", "Rotterdam", "NL"),
    ("Fan coaching", "Lisboa", "PT"),
    ("National charter", None, "FR"),
    ("Lost village", "Nowhereville", "FR"),
    ("A city without country", "Paris", None),
]


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("map") / "kb"
    with KnowledgeBase(home) as kb:
        for title, city, country in SHEETS:
            kb.save(make_record(title, city=city, country=country, themes=["mediation"]),
                    "published", sync=False)
        kb.sync_index()
    return home


def test_points_group_spellings_and_count_the_rest_apart():
    found, apart = city_map.points([{"city": c, "country": k} for _, c, k in SHEETS])
    assert [(p.label, p.country, p.count) for p in found] == [
        ("Geneva", "CH", 3), ("Lisboa", "PT", 1), ("Rotterdam", "NL", 1)]
    assert found[0].cities == ["Geneva", "Genève"]
    assert apart == {"no_city": 1, "unknown": {"Nowhereville": 1, "Paris": 1}, "count": 3}


def test_the_map_and_its_table_count_the_same_sheets(client):
    doc = lxml.html.fromstring(client.get("/analysis").get_data(as_text=True))
    [svg] = doc.xpath("//svg[@class='map']")
    points = {a.get("data-place"): int(a.get("data-count"))
              for a in svg.xpath(".//a[@class='map-point']")}
    table = {row.xpath("string(./th)"): int(row.xpath("string(./td/a)"))
             for row in doc.xpath("//details[@class='map-table']//tbody/tr")}
    assert points == table == {"Geneva": 3, "Lisboa": 1, "Rotterdam": 1}
    [apart] = doc.xpath("//p[@class='map-apart']")
    assert int(apart.get("data-count")) == 3
    assert "Nowhereville" in apart.text_content()
    assert sum(points.values()) + 3 == len(SHEETS)
    # Drawn from the package: no address but the SVG namespace and the app's own links.
    markup = lxml.html.tostring(svg, encoding="unicode")
    assert set(re.findall(r"https?://[^\"' ]+", markup)) <= {"http://www.w3.org/2000/svg"}
    assert len(svg.xpath(".//path[@class='map-land']")) > 5


def test_a_point_links_to_the_search_for_its_city(client):
    doc = lxml.html.fromstring(client.get("/analysis?theme=mediation&city=Rotterdam")
                               .get_data(as_text=True))
    [point] = doc.xpath("//svg[@class='map']//a[@class='map-point']")
    args = parse_qs(urlsplit(point.get("href")).query)
    # The search's other filters kept; its city choice replaced by the point's.
    assert args == {"theme": ["mediation"], "city": ["Rotterdam"], "country": ["NL"]}
    page = client.get(point.get("href")).get_data(as_text=True)
    assert "Harbour walks" in page and "Night mediators" not in page
    geneva = lxml.html.fromstring(client.get("/analysis").get_data(as_text=True)).xpath(
        "//svg[@class='map']//a[@data-place='Geneva']")[0]
    assert parse_qs(urlsplit(geneva.get("href")).query)["city"] == ["Geneva", "Genève"]


def test_no_sheet_with_a_place_draws_no_map(client):
    doc = lxml.html.fromstring(client.get("/analysis?q=charter").get_data(as_text=True))
    assert not doc.xpath("//svg[@class='map']")
    assert doc.xpath("//p[@class='map-apart']")[0].get("data-count") == "1"


def test_the_outlines_shipped_are_small_and_say_their_source():
    data = json.loads(city_map.OUTLINES.read_text(encoding="utf-8"))
    assert city_map.OUTLINES.stat().st_size < 300_000
    assert "Natural Earth" in data["source"] and "public domain" in data["source"]
    codes = {country["iso"] for country in data["countries"]}
    assert {"FR", "DE", "GB", "PT", "CH", "US", "MA"} <= codes
