"""Staff pages in a real browser (issue 14, staff part), at desktop and phone widths, in
English and French, with screenshots: the review page beside the original's drawn pages."""

from __future__ import annotations

import pytest

from tests.web.browser.test_browser import STAFF_PASSWORD, no_horizontal_scroll
from tests.web.browser.test_browser import demo_ids  # noqa: F401  (a fixture)

SIZES = ("desktop", "phone")
LANGUAGES = ("en", "fr")
BOTH = pytest.mark.parametrize("staff", [(s, lang) for s in SIZES for lang in LANGUAGES],
                               indirect=True, ids=lambda p: "-".join(p))
READ_HERE = {"en": "Fields read here:", "fr": "Champs lus ici :"}


@pytest.fixture(scope="session")
def reviewer(server) -> str:
    """A staff user of its own (test_browser's is added once per session by its module).

    Other modules import this fixture, and pytest runs an imported fixture once per module
    that holds it: the user is added only the first time."""
    from kb.service.knowledge_base import KnowledgeBase
    from kb.service.users import Users

    with KnowledgeBase(server.home) as kb:
        users = Users(kb.store)
        if not users.exists("browser-reviewer"):
            users.add("browser-reviewer", STAFF_PASSWORD)
    return "browser-reviewer"


@pytest.fixture
def staff(page, server, viewports, reviewer, request):
    """A signed-in staff page at the width and in the language of the test's parameters."""
    size, language = request.param
    page.set_viewport_size(viewports[size])
    page.goto(f"/language/{language}?next=/staff/sign-in")
    page.fill("#name", reviewer)
    page.fill("#password", STAFF_PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/staff/")
    assert page.locator("html").get_attribute("lang") == language
    page.size, page.language = size, language
    return page


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


@BOTH
def test_the_review_page_shows_the_pdf_pages_beside_the_fields(staff, demo_ids, shoot):  # noqa: F811
    page = staff
    page.goto(f"/staff/sheets/{demo_ids['Bilbao']}")
    images = page.locator("figure.original-page img")
    assert images.count() == 2
    for index in range(images.count()):
        images.nth(index).scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=images.nth(index).element_handle())
        assert images.nth(index).evaluate("img => img.naturalWidth") == 900
    page.evaluate("window.scrollTo(0, 0)")
    fields, original = box(page, "#fields-heading"), box(page, "figure.original-page img")
    if page.size == "desktop":
        # Beside: the page image starts right of the fields, at the same height on screen.
        assert original["x"] > fields["x"] + fields["width"] and original["y"] < 900
        assert original["width"] > 400
    else:
        assert original["width"] > 300 and original["y"] > fields["y"]
        no_horizontal_scroll(page)
    caption = page.locator("#page-1 figcaption").inner_text()
    assert READ_HERE[page.language] in caption
    # A field's page link leads to its page's image.
    page.locator("#field-title a[href='#page-1']").click()
    assert page.evaluate("location.hash") == "#page-1"
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, f"staff-review-pdf-{page.size}-{page.language}")


@BOTH
def test_a_word_sheet_is_shown_in_its_layout_with_marked_fields(staff, demo_ids, shoot):  # noqa: F811
    page = staff
    page.goto(f"/staff/sheets/{demo_ids['Bristol']}")
    assert page.locator("figure.original-page").count() == 0
    layout = page.locator(".original-layout")
    assert "Bristol" in layout.inner_text()
    marked = layout.locator(".marked .field-mark").all_inner_texts()
    title = {"en": "Title", "fr": "Titre"}[page.language]
    assert title in marked and len(marked) >= 6, marked
    if page.size == "phone":
        no_horizontal_scroll(page)
    shoot(page, f"staff-review-word-{page.size}-{page.language}")


MARKED = {"en": "Marked as reviewed", "fr": "Marquée comme vérifiée"}


@BOTH
def test_the_queue_shows_what_to_check_and_mark_as_reviewed_takes_a_sheet_off(staff, server,
                                                                              shoot):
    from kb.core.messages import say
    from kb.service.knowledge_base import KnowledgeBase
    from tests.samples.records import make_record

    page = staff
    title = f"Queue check {page.size} {page.language}"
    with KnowledgeBase(server.home) as kb:
        # Imported with a warning, its contact named by a label word, its country missing.
        kb.save(make_record(title, city="Graz", country=None,
                            contact={"name": "mail", "email": "team@graz.example"}),
                "published", warnings=[say("budget-missing")])
    page.goto("/staff/review")
    rows = page.locator("table.review-queue tbody tr")
    assert rows.count() > 0
    if page.size == "phone":
        no_horizontal_scroll(page)
    shoot(page, f"staff-queue-{page.size}-{page.language}")
    row = rows.filter(has_text=title)
    doubts = {"en": ["Contact name mail is a label word", "City Graz is given without its country"],
              "fr": ["Le nom du contact mail est un mot d’étiquette",
                     "La ville Graz est indiquée sans son pays"]}[page.language]
    for doubt in doubts:
        assert doubt in row.inner_text()
    no_budget = {"en": "No budget figure was found.", "fr": "Aucun montant de budget"}
    assert no_budget[page.language] in row.inner_text()
    # Reviewed, it leaves the queue.
    link = row.locator("th a").first
    href = link.get_attribute("href")
    link.click()
    page.locator("form[action$='/reviewed'] button").click()
    page.wait_for_url(f"**{href}")
    assert MARKED[page.language] in page.locator("main").inner_text()
    page.goto("/staff/review")
    assert page.locator(f"table.review-queue a[href='{href}']").count() == 0


@BOTH
def test_reparse_offers_a_staff_correction_unticked(staff, demo_ids, shoot):  # noqa: F811
    page = staff
    record_id = demo_ids["Graz"]
    page.goto(f"/staff/sheets/{record_id}/edit")
    field = page.locator("#field-organisation")
    field.fill(field.input_value().split(" (checked)")[0] + " (checked)")
    page.locator("form.edit p.actions button[type=submit]").first.click()
    page.wait_for_url(f"**/staff/sheets/{record_id}")
    page.goto(f"/staff/sheets/{record_id}/reparse")
    boxes = page.locator("input[name=apply]")
    assert boxes.count() == 1 and boxes.first.get_attribute("value") == "organisation"
    assert not boxes.first.is_checked()               # the staff's correction is kept
    label = {"en": "corrected by staff", "fr": "corrigé par l’équipe"}[page.language]
    assert label in page.locator("tr.staff-edited").inner_text()
    if page.size == "phone":
        no_horizontal_scroll(page)
    shoot(page, f"staff-reparse-{page.size}-{page.language}")
