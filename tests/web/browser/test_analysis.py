"""What an analyst meets in a real browser (issue 14): the map of the matching initiatives, its
table, tables whose cells open the search they count, the search's filters beside the charts,
a year chart with an axis. Each check runs at desktop and phone widths, in English and French,
with screenshots."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from babel.support import Translations

from tests.web.browser.test_browser import (BOTH, first_number, no_horizontal_scroll, query,
                                            shown_total)


def analysis_total(page) -> int:
    return first_number(page.locator("ul.figures li").first.inner_text())


@BOTH
def test_the_map_shows_every_sheet_once_with_its_table(ui, server, shoot):
    requests: list[str] = []
    ui.on("request", lambda r: requests.append(r.url))
    ui.goto("/analysis")
    points = ui.locator("svg.map a.map-point")
    assert points.count() > 5
    on_map = {p.get_attribute("data-place"): int(p.get_attribute("data-count"))
              for p in points.all()}
    apart = ui.locator(".map-apart")
    not_on_map = int(apart.get_attribute("data-count")) if apart.count() else 0
    # Every sheet is on the map or counted under it (the fixtures have a sheet with no city).
    assert not_on_map >= 1
    assert sum(on_map.values()) + not_on_map == analysis_total(ui)
    # The table says the same as the map, place by place.
    ui.locator(".map-table summary").click()
    rows = ui.locator(".map-table tbody tr")
    table = {row.locator("th").inner_text(): first_number(row.locator("td a").inner_text())
             for row in rows.all()}
    assert table == on_map
    # Each point is large enough to tap and has a tooltip naming its place and count.
    first = points.first
    box = first.locator("circle").bounding_box()
    assert box["width"] >= 8, box
    tip = first.locator("title").text_content()
    assert first.get_attribute("data-place") in tip and str(on_map[first.get_attribute(
        "data-place")]) in tip
    # Nothing is fetched from elsewhere: the outlines and points are in the page.
    assert all(urlsplit(url).netloc == urlsplit(server.url).netloc for url in requests), requests
    if ui.size == "phone":
        no_horizontal_scroll(ui)
        assert ui.locator("svg.map").bounding_box()["width"] <= 390
    shoot(ui, f"analysis-map-{ui.size}-{ui.language}")
    # A point opens the search for its city, with as many results as the point counts.
    place, count = max(on_map.items(), key=lambda item: item[1])
    ui.locator(f"svg.map a.map-point[data-place='{place}']").click()
    ui.wait_for_url("**/?*city=*")
    assert shown_total(ui) == count


@BOTH
def test_a_filtered_map_holds_only_the_filtered_sheets(ui, server):
    ui.goto("/analysis?country=CH")
    points = ui.locator("svg.map a.map-point")
    places = {p.get_attribute("data-place") for p in points.all()}
    # Every point in Switzerland, named as the sheets write the city.
    assert {p.get_attribute("data-country") for p in points.all()} == {"CH"}
    assert {"Geneva", "Zürich"} <= places
    total = analysis_total(ui)
    counted = sum(int(p.get_attribute("data-count")) for p in points.all())
    apart = ui.locator(".map-apart")
    assert counted + (int(apart.get_attribute("data-count")) if apart.count() else 0) == total
    # "Genève" and "Geneva" are one point, whose search asks for both spellings.
    geneva = ui.locator("svg.map a.map-point[data-place='Geneva']")
    count = int(geneva.get_attribute("data-count"))
    assert {"Genève", "Geneva"} <= set(query(geneva.get_attribute("href"))["city"])
    geneva.click()
    ui.wait_for_url("**/?*city=*")
    assert shown_total(ui) == count


def open_filters(page) -> None:
    """On a phone the filters are folded behind a button."""
    toggle = page.locator("#search .filters [aria-expanded]")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()


@BOTH
def test_the_search_filters_stand_beside_the_charts(ui, server, shoot):
    ui.goto("/analysis?theme=nightlife")
    open_filters(ui)
    box = ui.locator("#facet-country input[type=checkbox]").first
    value = box.get_attribute("value")
    expected = first_number(ui.locator(f"label[for='{box.get_attribute('id')}'] .count")
                            .inner_text())
    box.check()
    ui.wait_for_url(f"**/analysis?*country={value}*")
    args = query(ui.url)
    assert args["theme"] == ["nightlife"] and args["country"] == [value]
    # The analysis counts what the facet promised, and the search at the sibling URL agrees.
    total = analysis_total(ui)
    assert total == expected
    assert ui.locator("#facet-country input:checked").count() == 1
    if ui.size == "phone":
        no_horizontal_scroll(ui)
    shoot(ui, f"analysis-filters-{ui.size}-{ui.language}")
    ui.goto(ui.url.replace("/analysis?", "/?"))
    assert shown_total(ui) == total


@BOTH
def test_theme_by_country_cells_open_the_search_they_count(ui, server, shoot):
    ui.goto("/analysis")
    table = ui.locator("table.crosstab")
    table.scroll_into_view_if_needed()
    links = table.locator("tbody td a")
    assert links.count() > 5
    if ui.size == "phone":
        no_horizontal_scroll(ui)
        shoot(ui, f"analysis-crosstab-{ui.size}-{ui.language}")
    link = links.nth(2)
    count = first_number(link.inner_text())
    link.click()
    ui.wait_for_url("**/?*theme=*country=*")
    assert shown_total(ui) == count


@BOTH
def test_the_year_chart_has_a_y_axis(ui, server, shoot, screenshots):
    ui.goto("/analysis")
    chart = ui.locator("section[aria-labelledby='h-years'] svg")
    chart.scroll_into_view_if_needed()
    ticks = [int(t) for t in chart.locator("text.chart-tick").all_text_contents()]
    tallest = max(int(c.split(": ")[1]) for c in
                  chart.locator("rect.chart-bar title").all_text_contents())
    assert ticks[0] == 0 and ticks[-1] >= tallest and len(ticks) >= 3
    assert chart.locator("text.chart-tick").first.is_visible()
    if ui.size == "phone":
        no_horizontal_scroll(ui)
    shoot(ui, f"analysis-years-{ui.size}-{ui.language}")
    chart.screenshot(path=str(screenshots / f"analysis-year-chart-{ui.size}-{ui.language}.png"))


@BOTH
def test_the_search_page_filters_by_budget_per_year(ui, server, shoot):
    ui.goto("/")
    open_filters(ui)
    facet = ui.locator("#facet-budget_year")
    assert facet.is_visible()
    box = facet.locator("input[type=checkbox][value='50k-250k']")
    expected = first_number(facet.locator(f"label[for='{box.get_attribute('id')}'] .count")
                            .inner_text())
    box.check()
    ui.wait_for_url("**/?*budget_year=50k-250k*")
    assert shown_total(ui) == expected
    if ui.size == "phone":
        no_horizontal_scroll(ui)
    shoot(ui, f"search-budget-per-year-{ui.size}-{ui.language}")
    # The analysis of that search counts the same sheets in that band of its histogram.
    ui.goto(ui.url.replace("/?", "/analysis?"))
    [row] = [r for r in ui.locator("section[aria-labelledby='h-hist'] tbody tr").all()
             if r.locator("a").count()]
    assert first_number(row.locator("a").text_content()) == expected


@BOTH
def test_a_phone_is_told_to_swipe_the_theme_chart_which_scrolls_in_its_box(ui, server, shoot):
    ui.goto("/analysis")
    hint = ui.locator("p.scroll-hint")
    figure = ui.locator("section[aria-labelledby='h-theme'] figure")
    figure.scroll_into_view_if_needed()
    catalogue = Translations.load(Path(__file__).parents[3] / "web" / "translations",
                                  [ui.language])
    said = catalogue.gettext("On a narrow screen, swipe a chart or a table sideways to see all "
                             "of it.")
    if ui.size == "desktop":
        # The whole chart fits: no hint, nothing to swipe.
        assert not hint.is_visible()
        assert figure.evaluate("f => f.scrollWidth <= f.clientWidth")
        shoot(ui, f"analysis-theme-chart-{ui.size}-{ui.language}")
        return
    assert hint.is_visible()
    assert " ".join(hint.inner_text().split()) == " ".join(said.split())
    # The chart is wider than its box, which scrolls sideways; the page itself does not.
    wide, box = figure.evaluate("f => [f.scrollWidth, f.clientWidth]")
    assert wide > box and box <= 390, (wide, box)
    assert figure.evaluate("f => getComputedStyle(f).overflowX") in ("auto", "scroll")
    figure.evaluate("f => { f.scrollLeft = f.scrollWidth; }")
    assert figure.evaluate("f => f.scrollLeft") >= wide - box - 1
    no_horizontal_scroll(ui)
    assert ui.evaluate("window.scrollX") == 0
    shoot(ui, f"analysis-theme-chart-{ui.size}-{ui.language}")
