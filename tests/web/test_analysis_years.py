"""The year chart (issue 14): a y axis with round steps, and a range not stretched by a lone old
sheet: years cut off from the rest are listed apart, linked to their search, and still in the
chart's table."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from kb.service.knowledge_base import KnowledgeBase
from tests.samples.records import make_record

YEARS = {1981: 1, 2015: 2, 2016: 7, 2018: 3, 2020: 1}


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("years") / "kb"
    with KnowledgeBase(home) as kb:
        for year, count in YEARS.items():
            for number in range(count):
                kb.save(make_record(f"Sheet {number} of {year}", city=None, country="FR",
                                    start_year=year, themes=["youth"]), "published", sync=False)
        kb.sync_index()
    return home


def test_the_year_chart_has_an_axis_and_shows_the_outlier_apart(client):
    doc = lxml.html.fromstring(client.get("/analysis").get_data(as_text=True))
    [section] = doc.xpath("//section[@aria-labelledby='h-years']")
    [svg] = section.xpath(".//svg")
    columns = svg.xpath(".//rect[@class='chart-bar']")
    assert len(columns) == 2020 - 2015 + 1                       # not 40 years from 1981
    assert [c.xpath("string(./title)") for c in columns][1] == "2016: 7"
    ticks = [int(t.text) for t in svg.xpath(".//text[contains(@class, 'chart-tick')]")]
    assert ticks[0] == 0 and ticks[-1] >= 7 and len(ticks) in (3, 4, 5, 6)
    assert len(set(b - a for a, b in zip(ticks, ticks[1:]))) == 1   # even steps
    [apart] = section.xpath(".//p[@class='years-apart']/a")
    assert (apart.get("data-year"), apart.get("data-count")) == ("1981", "1")
    found = client.get(apart.get("href")).get_data(as_text=True)
    assert "Sheet 0 of 1981" in found and "of 2016" not in found
    table = {row.xpath("string(./th)"): int(row.xpath("string(./td)"))
             for row in section.xpath(".//tbody/tr")}
    assert table["1981"] == 1 and sum(table.values()) == sum(YEARS.values())
    assert list(table) == sorted(table)


@pytest.mark.parametrize(("years", "span"), [
    ({1981: 1, 2005: 3, 2010: 5, 2020: 10}, (2005, 2020)),
    ({1981: 1, 2015: 3, 2020: 10, 2040: 1}, (2015, 2020)),
    ({1990: 5, 2020: 5}, (1990, 2020)),               # half the sheets: not an outlier
    ({2015: 1}, (2015, 2015)),
    ({2010: 2, 2013: 3, 2016: 1}, (2010, 2016)),       # gaps of three years: one range
])
def test_year_span(years, span):
    from web.analysis import year_span
    assert year_span(years) == span
