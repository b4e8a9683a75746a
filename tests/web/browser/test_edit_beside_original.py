"""The staff edit form beside the original in a real browser (issue 14, staff part), at 1280
and 390 px, in English and French, with screenshots: side by side on a desktop, on a phone the
form first and the original folded below it; the fields read on each page marked."""

from __future__ import annotations

from tests.web.browser.conftest import TIMEOUT_MS
from tests.web.browser.test_browser import STAFF_PASSWORD, no_horizontal_scroll
from tests.web.browser.test_browser import demo_ids  # noqa: F401  (a fixture)
from tests.web.browser.test_staff import BOTH, READ_HERE, box, reviewer, staff  # noqa: F401
from tests.web.browser.test_staff_tools import interface_english, sheet_text
from tests.web.test_french_pages import english_phrases

SCREEN_HEIGHT = 900
TITLE = {"en": "Title", "fr": "Titre"}
ORIGINAL = {"en": "The original", "fr": "L’original"}


def overlap(one: dict, other: dict) -> bool:
    return (one["x"] < other["x"] + other["width"] and other["x"] < one["x"] + one["width"]
            and one["y"] < other["y"] + other["height"]
            and other["y"] < one["y"] + one["height"])


def loaded(page, image) -> None:
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=image.element_handle())


def reads_well(page, server) -> None:
    """No "None" shown, and on the French page no English."""
    assert "None" not in page.locator("body").inner_text()
    if page.language == "fr":
        problems = interface_english(page.content(), sheet_text(server), english_phrases())
        assert not problems, problems


def beside_or_below(page) -> None:
    """Side by side in the first screen on a desktop; on a phone the form, then the folded
    original, and nothing wider than the screen."""
    form = box(page, "form.edit")
    summary = page.locator("details.original-fold > summary")
    assert ORIGINAL[page.language] in summary.inner_text()
    if page.size == "desktop":
        first = page.locator("details.original-fold > :not(summary)").first
        assert first.is_visible()                    # open without a click
        original = box(page, "aside.original-pane")
        assert not overlap(form, original)
        assert original["x"] >= form["x"] + form["width"]
        assert form["y"] < SCREEN_HEIGHT and original["y"] < SCREEN_HEIGHT
        assert form["width"] > 400 and original["width"] > 400
    else:
        assert not page.locator("details.original-fold").evaluate("d => d.open")
        assert box(page, "details.original-fold")["y"] >= form["y"] + form["height"]
        no_horizontal_scroll(page)
        assert not page.locator("details.original-fold > :not(summary)").first.is_visible()


def unfold(page, shoot, name: str) -> None:
    """On a phone: the folded original's screenshot, then opened by its summary."""
    if page.size == "phone":
        shoot(page, f"{name}-folded")
        page.locator("details.original-fold > summary").click()
        no_horizontal_scroll(page)


@BOTH
def test_the_edit_form_has_the_pdf_pages_beside_it(staff, demo_ids, server, shoot):  # noqa: F811
    page = staff
    page.goto(f"/staff/sheets/{demo_ids['Bilbao']}/edit")
    reads_well(page, server)
    beside_or_below(page)
    if page.size == "phone":
        # Folded, the title's "Page 1" opens the original at that page.
        page.locator("label[for=field-title] .field-where a").click()
        assert page.evaluate("location.hash") == "#page-1"
        assert page.locator("details.original-fold").evaluate("d => d.open")
        page.goto(page.url.split("#")[0])
    unfold(page, shoot, f"staff-edit-pdf-{page.size}-{page.language}")
    images = page.locator("figure.original-page img")
    assert images.count() == 2
    for index in range(images.count()):
        loaded(page, images.nth(index))
        assert images.nth(index).evaluate("img => img.naturalWidth") == 900
    page.evaluate("window.scrollTo(0, 0)")
    image = box(page, "figure.original-page img")
    if page.size == "desktop":
        # The first page itself is on the first screen, right of the form.
        assert image["y"] < SCREEN_HEIGHT and not overlap(box(page, "form.edit"), image)
        assert image["width"] > 400
    else:
        assert 300 < image["width"] <= 390
    shoot(page, f"staff-edit-pdf-{page.size}-{page.language}")
    # The page names the fields read on it; a mark leads to the field's box in the form.
    caption = page.locator("#page-1 figcaption")
    assert READ_HERE[page.language] in caption.inner_text()
    caption.locator("a.field-mark", has_text=TITLE[page.language]).first.click()
    assert page.evaluate("location.hash") == "#field-title"
    # And the field says where it was read, leading to that page's image.
    where = page.locator("label[for=field-title] .field-where a")
    assert where.inner_text() == "Page 1"             # "Page 1" in French too
    where.click()
    assert page.evaluate("location.hash") == "#page-1"
    assert page.locator("#page-1 img").is_visible()


@BOTH
def test_the_edit_form_has_a_word_sheet_in_its_layout_beside_it(staff, demo_ids, server,  # noqa: F811
                                                                shoot):
    page = staff
    page.goto(f"/staff/sheets/{demo_ids['Bristol']}/edit")
    reads_well(page, server)
    beside_or_below(page)
    unfold(page, shoot, f"staff-edit-word-{page.size}-{page.language}")
    assert page.locator("figure.original-page").count() == 0
    layout = page.locator(".original-layout")
    assert layout.is_visible() and "Bristol" in layout.inner_text()
    marked = layout.locator(".marked .field-mark").all_inner_texts()
    assert TITLE[page.language] in marked and len(marked) >= 6, marked
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, f"staff-edit-word-{page.size}-{page.language}")
    # The title's mark in the layout leads to the title's box, and back.
    layout.locator(".field-mark", has_text=TITLE[page.language]).first.click()
    assert page.evaluate("location.hash") == "#field-title"
    page.locator("label[for=field-title] .field-where a").click()
    assert page.evaluate("location.hash") == "#at-title"


@BOTH
def test_a_sheet_with_no_original_has_the_form_alone(staff, server, shoot):
    from kb.service.knowledge_base import KnowledgeBase
    from tests.samples.records import make_record

    page = staff
    with KnowledgeBase(server.home) as kb:
        typed = kb.save(make_record(f"Typed by hand {page.size} {page.language}"), "draft")
    page.goto(f"/staff/sheets/{typed.id}/edit")
    reads_well(page, server)
    assert page.locator("form.edit").is_visible()
    assert page.locator("aside.original-pane, details.original-fold, .field-where").count() == 0
    if page.size == "phone":
        no_horizontal_scroll(page)
    shoot(page, f"staff-edit-typed-{page.size}-{page.language}")


@BOTH
def test_without_javascript_the_original_is_beside_or_folded_below(staff, browser, server,  # noqa: F811
                                                                  reviewer, demo_ids, shoot):  # noqa: F811
    context = browser.new_context(viewport=staff.viewport_size, base_url=server.url,
                                  java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.size, page.language = staff.size, staff.language
        page.goto(f"/language/{page.language}?next=/staff/sign-in")
        page.fill("#name", reviewer)
        page.fill("#password", STAFF_PASSWORD)
        page.locator("form.stacked button[type=submit]").click()
        page.wait_for_url("**/staff/")
        page.goto(f"/staff/sheets/{demo_ids['Bilbao']}/edit")
        beside_or_below(page)
        unfold(page, shoot, f"staff-edit-no-script-{page.size}-{page.language}")
        image = page.locator("figure.original-page img").first
        loaded(page, image)
        assert image.is_visible()
        reads_well(page, server)
        page.evaluate("window.scrollTo(0, 0)")
        shoot(page, f"staff-edit-no-script-{page.size}-{page.language}")
    finally:
        context.close()
