"""From the open filters to their results on a phone (issue 14, practitioners): the opened
filters make a page thousands of pixels tall, so a "Show N sheets" button stays in view at the
bottom of the screen while they scroll, says the number of results the page shows, and takes
the reader to them; a desktop, with the results beside the filters, does not show it. At 390
and 1280 px, in English and French, with screenshots."""

from __future__ import annotations

from tests.web.browser.test_analysis import open_filters
from tests.web.browser.test_browser import BOTH, first_number, no_horizontal_scroll, shown_total

SHOW = {"en": "Show", "fr": "Voir les"}


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size[
        "height"]


@BOTH
def test_the_open_filters_lead_to_their_results(ui, server, shoot, screenshots):
    page = ui
    page.goto("/?q=night")
    total = shown_total(page)
    button = page.locator("#search .filters .show-results")
    if page.size == "desktop":
        assert button.is_hidden()
        return
    assert button.is_hidden()                     # folded filters: the results are in view
    open_filters(page)
    assert button.is_visible()
    text = button.inner_text()
    assert text.startswith(SHOW[page.language]) and first_number(text) == total
    filters_height = page.locator("#search .filters").bounding_box()["height"]
    assert filters_height > 2 * page.viewport_size["height"]
    # Halfway down the filters, the button is still on the screen.
    page.locator("#facet-city").scroll_into_view_if_needed()
    assert in_view(page, button)
    no_horizontal_scroll(page)
    # What the screen shows there (a full-page picture would not show what stays in view).
    page.screenshot(path=str(screenshots / f"phone-filters-show-results-{page.language}.png"))
    button.click()
    page.wait_for_function("() => location.hash === '#results-heading'")
    assert in_view(page, page.locator("#results-heading"))
    shoot(page, f"phone-results-after-filters-{page.language}")
