"""A new version of a published sheet uploaded for review, in a real browser (issue 14, staff),
at desktop and phone widths, in English and French, with screenshots: the queue says it waits,
the public page keeps the published text, and staff apply it field by field."""

from __future__ import annotations

import copy

from tests.conftest import _MINIMAL_SHEET, _sheet_docx
from tests.web.browser.test_browser import no_horizontal_scroll
from tests.web.browser.test_staff import BOTH, reviewer, staff  # noqa: F401  (fixtures)

WAITING = {"en": "A new version of this sheet, from", "fr": "Une nouvelle version de cette fiche"}
REVIEW = {"en": "Review the new version", "fr": "Relire la nouvelle version"}
ENGLISH = ("waits for review", "the public sees", "Review the new version")


def _published_then_newer(home, tmp_path, title: str) -> str:
    """A sheet imported and published, then a new version of it uploaded for review; its id."""
    from kb.service.importing import ImportOptions, import_paths
    from kb.service.knowledge_base import KnowledgeBase

    sheet = copy.deepcopy(_MINIMAL_SHEET)
    sheet["title"] = title
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "sheet.docx").write_bytes(_sheet_docx(sheet))
    sheet["sections"] = [(heading, "Stewards now also patrol the riverbanks."
                          if heading == "Activities" else text)
                         for heading, text in sheet["sections"]]
    (second / "sheet-2025.docx").write_bytes(_sheet_docx(sheet))
    with KnowledgeBase(home) as kb:
        [published] = import_paths(kb, [first], ImportOptions(workers=1)).files
        [waiting] = import_paths(kb, [second], ImportOptions(workers=1, publish=False)).files
    assert waiting.outcome == "draft" and waiting.record_id == published.record_id
    return published.record_id


@BOTH
def test_a_new_version_waits_in_the_queue_and_is_applied_field_by_field(staff, server,  # noqa: F811
                                                                        tmp_path, shoot):
    page = staff
    title = f"Riverside stewards {page.size} {page.language}"
    record_id = _published_then_newer(server.home, tmp_path, title)

    page.goto(f"/sheets/{record_id}")
    sections = page.locator(".sections")          # the sheet's own text, not similar ones
    assert "walk the bar streets" in sections.inner_text()
    assert "riverbanks" not in sections.inner_text()

    page.goto("/staff/review")
    row = page.locator("table.review-queue tbody tr").filter(has_text=title)
    assert WAITING[page.language] in row.inner_text()
    if page.language == "fr":
        assert not any(text in row.inner_text() for text in ENGLISH)
    if page.size == "phone":
        no_horizontal_scroll(page)
    shoot(page, f"staff-new-version-queue-{page.size}-{page.language}")

    row.locator("th a").first.click()
    page.wait_for_url(f"**/staff/sheets/{record_id}")
    page.get_by_role("link", name=REVIEW[page.language]).click()
    page.wait_for_url(f"**/staff/sheets/{record_id}/reparse")
    assert page.locator("h1").inner_text() == REVIEW[page.language]
    activities = page.locator("input[name=apply][value=activities]")
    assert activities.is_checked()
    assert "riverbanks" in page.locator("table.diff").inner_text()
    if page.size == "phone":
        no_horizontal_scroll(page)
    shoot(page, f"staff-new-version-compare-{page.size}-{page.language}")
    page.locator("form button[type=submit]").filter(has_text={
        "en": "Apply the ticked changes", "fr": "Appliquer les modifications cochées"}[
        page.language]).click()
    page.wait_for_url(f"**/staff/sheets/{record_id}")
    assert page.get_by_role("link", name=REVIEW[page.language]).count() == 0

    page.goto(f"/sheets/{record_id}")
    assert "riverbanks" in page.locator(".sections").inner_text()
