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
    """A staff user of its own (test_browser's is added once per session by its module)."""
    from kb.service.knowledge_base import KnowledgeBase
    from kb.service.users import Users

    with KnowledgeBase(server.home) as kb:
        Users(kb.store).add("browser-reviewer", STAFF_PASSWORD)
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
