"""The budget range per year in a real browser (issue 14): a person fills a budget range,
switches the sidebar's Compare choice to the figure per year and applies; the result count
changes to the number of published sheets whose yearly figure lies in the range (counted here
from the records themselves), the chip names the range per year, and the page holds no "None",
fits a 390 px phone, and is all French on the French side. Desktop and phone widths, English
and French, with screenshots."""

from __future__ import annotations

from tests.web.browser.test_analysis import open_filters
from tests.web.browser.test_browser import (BOTH, first_number, no_horizontal_scroll, query,
                                            shown_total)
from tests.web.browser.test_staff_tools import interface_english, sheet_text
from tests.web.test_french_pages import english_phrases

LOW, HIGH = 100_000, 1_000_000
# The amounts as a person of each language types them, and as the chip writes them back.
TYPED = {"en": ("100,000", "1,000,000"), "fr": ("100 000", "1 000 000")}
CHIP = {"en": "Budget per year from 100,000 EUR to 1,000,000 EUR",
        "fr": "Budget par an de 100 000 EUR à 1 000 000 EUR"}
PLAIN_CHIPS = {"en": ["Budget from 100,000 EUR", "Budget up to 1,000,000 EUR"],
               "fr": ["Budget à partir de 100 000 EUR", "Budget jusqu’à 1 000 000 EUR"]}
PER_YEAR = {"en": "the figure per year", "fr": "le montant par an"}
THAT_IS = {"en": ", that is ", "fr": ", soit "}


def counts_from_records(server) -> tuple[int, int]:
    """How many published sheets the range holds by the figure as stated, and by the figure
    per year (kb.core.money.yearly_amount, the rule the page states)."""
    from kb.core.money import yearly_amount
    from kb.service.knowledge_base import KnowledgeBase

    stated = yearly = 0
    with KnowledgeBase(server.home) as kb:
        for item in kb.store.records("published"):
            record = item.record
            budget = record.get("budget") or {}
            amount = budget.get("amount_eur")
            stated += amount is not None and LOW <= amount <= HIGH
            per_year = yearly_amount(budget, record.get("start_year"), record.get("end_year"))
            yearly += per_year is not None and LOW <= per_year <= HIGH
    return stated, yearly


def seen(text: str) -> str:
    """A text as a reader sees it: the no-break spaces French groups thousands with are spaces."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def chips(page) -> list[str]:
    return [seen(text).removesuffix(" ×")
            for text in page.locator("ul.chips a.chip").all_inner_texts()]


@BOTH
def test_a_budget_range_switched_to_per_year_counts_the_yearly_figures(ui, server, shoot,
                                                                       screenshots):
    page, language = ui, ui.language
    stated, yearly = counts_from_records(server)
    assert stated != yearly and yearly > 0          # the switch must show in the count
    page.goto("/")
    everything = shown_total(page)
    open_filters(page)
    low, high = TYPED[language]
    page.locator("#budget_min").fill(low)
    page.locator("#budget_max").fill(high)
    page.locator("#search button.apply").click()
    page.wait_for_url(lambda url: "budget_max" in query(url))
    assert shown_total(page) == stated != everything
    assert chips(page) == PLAIN_CHIPS[language]

    open_filters(page)
    select = page.locator("#budget_per")
    assert select.input_value() == ""
    select.select_option(label=PER_YEAR[language])
    page.locator("#search button.apply").click()
    page.wait_for_url(lambda url: query(url).get("budget_per") == ["year"])
    assert shown_total(page) == yearly
    assert chips(page) == [CHIP[language]]
    # A total is shown with the figure per year it was compared by, and that is in the range.
    worked_out = [seen(text) for text in page.locator("ol.hits .budget-figure").all_inner_texts()
                  if THAT_IS[language] in text]
    assert worked_out
    for text in worked_out:
        stated_figure, per_year = text.split(THAT_IS[language])
        assert LOW <= first_number(per_year) <= HIGH
        assert first_number(per_year) != first_number(stated_figure)    # a one-year total: once
        assert "(" not in per_year                # the figure as written stays by the total
    assert "None" not in page.locator("body").inner_text()
    if page.size == "phone":
        no_horizontal_scroll(page)
    if language == "fr":
        assert not interface_english(page.content(), sheet_text(server), english_phrases())
    shoot(page, f"search-budget-range-per-year-{page.size}-{language}")
    # The form comes back as it was sent: the range and the choice.
    open_filters(page)
    assert page.locator("#budget_per").input_value() == "year"
    assert seen(page.locator("#budget_min").input_value()) == low
    fieldset = page.locator("fieldset.range").first
    fieldset.scroll_into_view_if_needed()
    # The help line reads across the fieldset, not squeezed under the labels a word a line.
    help_width = page.locator("#budget_per-help").bounding_box()["width"]
    assert help_width > 0.9 * fieldset.bounding_box()["width"]
    if page.size == "phone":
        no_horizontal_scroll(page)
    fieldset.screenshot(
        path=str(screenshots / f"search-budget-range-form-{page.size}-{language}.png"))

    # The chip takes the whole per-year range away: back to every sheet.
    page.locator("ul.chips a.chip").click()
    page.wait_for_url(lambda url: not {"budget_min", "budget_max", "budget_per"} & set(query(url)))
    assert shown_total(page) == everything
