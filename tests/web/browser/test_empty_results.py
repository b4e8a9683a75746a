"""The page of a search that finds nothing (issue 14, practitioners), in a real browser: no
facet saying "No values", the themes the words find without the filters, each linked to its
search and counting what that search finds, the advice to remove a filter, and the staff
sign-in in the footer. At 1280 and 390 px, in English and French, with screenshots."""

from __future__ import annotations

from tests.web.browser.test_browser import (BOTH, api, first_number, no_horizontal_scroll,
                                            shown_total)
from tests.web.browser.test_staff_tools import interface_english, sheet_text
from tests.web.test_french_pages import english_phrases

WORDS = "night"
NO_MATCH = {"en": "No sheet matches this search.", "fr": "Aucune fiche ne correspond"}


def a_country_without(server, words: str) -> str:
    """A country with sheets, none of which has the words: the filter empties the search."""
    every = {b["value"] for b in api(server, "/api/facets")["facets"]["country"]}
    with_words = {b["value"] for b in api(server, "/api/facets", {"q": words})["facets"]
                  ["country"] if b["count"]}
    return sorted(every - with_words)[0]


@BOTH
def test_an_empty_search_offers_the_themes_its_words_find(ui, server, shoot):
    page = ui
    country = a_country_without(server, WORDS)
    page.goto(f"/?q={WORDS}&country={country}")
    assert shown_total(page) == 0
    assert NO_MATCH[page.language] in page.locator(".empty").inner_text()
    # No facet with nothing to choose; the chosen country stays, to be unticked.
    for facet in page.locator("#search .filters .facet").all():
        assert facet.locator("li[data-value]").count() >= 1
    assert page.locator(f"#search .filters input[name=country][value={country}]").count() == 1
    links = page.locator("ul.themes-nearby li")
    assert links.count() >= 1
    offered = [(item.locator("a").get_attribute("href"),
                first_number(item.locator(".count").inner_text())) for item in links.all()]
    assert page.locator("footer a[href='/staff/sign-in']").count() == 1
    body = page.locator("body").inner_text()
    assert "None" not in body
    if page.size == "phone":
        no_horizontal_scroll(page)
    if page.language == "fr":
        assert not interface_english(page.content(), sheet_text(server), english_phrases())
    shoot(page, f"search-empty-{page.size}-{page.language}")
    # Each theme opens its search, which finds as many sheets as it said.
    href, count = offered[0]
    page.locator("ul.themes-nearby a").first.click()
    page.wait_for_url(lambda url: "theme=" in url)
    assert shown_total(page) == count
    assert api(server, "/api/search", href.split("?", 1)[1])["total"] == count
