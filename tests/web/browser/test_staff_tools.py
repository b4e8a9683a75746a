"""The review queue and the audit log as tools, in a real browser (issue 14, staff), at desktop
and phone widths, in English and French, with screenshots: the queue filtered by a warning
shrinks to the sheets with it, a bulk action changes their status and says which sheet failed
and why, the audit log shows titles and filters by user, and no staff page is wider than a
390 px phone or holds English on the French side."""

from __future__ import annotations

import re

import pytest

from tests.web.browser.test_browser import no_horizontal_scroll
from tests.web.browser.test_browser import demo_ids  # noqa: F401  (a fixture)
from tests.web.browser.test_staff import BOTH, LANGUAGES, reviewer, staff  # noqa: F401

NO_BUDGET = {"en": "No budget figure was found", "fr": "Aucun montant de budget n'a été trouvé"}
PUBLISH = {"en": "Publish", "fr": "Publier"}
ONE_PUBLISHED = {"en": "1 sheet published.", "fr": "1 fiche publiée."}
NOT_PUBLISHED = {"en": "1 sheet was not published and stays a draft:",
                 "fr": "1 fiche n’a pas été publiée et reste un brouillon :"}
NOT_AN_ADDRESS = {"en": "is not a whole address", "fr": "n’est pas une adresse complète"}
REVIEWED = {"en": "2 sheets marked as reviewed.", "fr": "2 fiches marquées comme vérifiées."}
FILTER = {"en": "Filter", "fr": "Filtrer"}


def save(server, *sheets):
    """Save (record, status, warnings) triples into the server's knowledge base; their ids."""
    from kb.service.knowledge_base import KnowledgeBase

    with KnowledgeBase(server.home) as kb:
        return [kb.save(record, status, warnings=warnings).id
                for record, status, warnings in sheets]


def rows(page) -> list[str]:
    return page.locator("table.review-queue tbody th a").all_inner_texts()


def bucket(page, label: str):
    """The warning filter's link whose label is `label`, and the count it shows."""
    link = page.locator(".queue-filter a", has_text=re.compile(rf"^{re.escape(label)} \("))
    count = int(re.search(r"\((\d+)\)", link.first.inner_text()).group(1))
    return link.first, count


@BOTH
def test_the_queue_filtered_by_a_warning_shrinks_and_a_bulk_action_changes_the_status(
        staff, server, shoot):  # noqa: F811
    from kb.core.messages import say
    from tests.samples.records import make_record

    page = staff
    tag = f"{page.size} {page.language}"
    broken, complete = f"Cut e-mail draft {tag}", f"Complete draft {tag}"
    save(server,
         (make_record(f"Budgetless patrols {tag}", city="Split", country="HR"), "published",
          [say("budget-missing")]),
         (make_record(broken, city="Leeds", country="GB",
                      contact={"name": "Joost de Wit", "email": "joost@localhost"}), "draft",
          []),
         (make_record(complete, city="Lyon", country="FR"), "draft", []))
    page.goto("/staff/review")
    everything = page.locator("#queue-count").inner_text()
    link, count = bucket(page, NO_BUDGET[page.language])
    link.click()
    page.wait_for_url("**/staff/review?warning=budget-missing")
    shown = rows(page)
    assert len(shown) == min(count, 50) and f"Budgetless patrols {tag}" in shown
    assert page.locator("#queue-count").inner_text() != everything
    # Every sheet shown says it: the list shrank to the sheets with that warning.
    for text in page.locator("table.review-queue tbody td.text").all_inner_texts():
        assert NO_BUDGET[page.language] in text
    if page.size == "phone":
        no_horizontal_scroll(page)
    shoot(page, f"staff-queue-filtered-{page.size}-{page.language}")

    # Drafts only, then tick the two new drafts and publish them at once.
    page.goto("/staff/review?status=draft&sort=title")
    for title in (broken, complete):
        page.locator("table.review-queue tbody tr", has_text=title).locator(
            "input[name=id]").check()
    button = page.locator(".bulk-bar button[value=publish]")
    assert button.inner_text() == PUBLISH[page.language]
    button.click()
    page.wait_for_url("**/staff/review?status=draft&sort=title")
    notices = page.locator("main p.notice").all_inner_texts()
    assert ONE_PUBLISHED[page.language] in notices
    assert NOT_PUBLISHED[page.language] in notices
    [why] = [text for text in notices if broken in text]
    assert "joost@localhost" in why and NOT_AN_ADDRESS[page.language] in why
    shown = rows(page)
    assert broken in shown and complete not in shown        # published: off the drafts
    if page.size == "phone":
        no_horizontal_scroll(page)
    shoot(page, f"staff-queue-bulk-{page.size}-{page.language}")


@BOTH
def test_the_audit_log_shows_titles_and_filters_by_user(staff, server, reviewer, shoot):  # noqa: F811
    from kb.core.messages import say
    from tests.samples.records import make_record

    page = staff
    tag = f"{page.size} {page.language}"
    titles = [f"Audited patrols {tag}", f"Audited wardens {tag}"]
    save(server, *[(make_record(title, city="Graz", country="AT"), "published",
                    [say("budget-missing")]) for title in titles])
    page.goto("/staff/review?warning=budget-missing&sort=title")
    for title in titles:
        page.locator("table.review-queue tbody tr", has_text=title).locator(
            "input[name=id]").check()
    page.locator(".bulk-bar button[value=review]").click()
    assert REVIEWED[page.language] in page.locator("main p.notice").all_inner_texts()

    page.goto("/staff/audit")
    page.select_option("#audit-user", reviewer)
    page.locator(".audit-filters button[type=submit]").click()
    page.wait_for_url(f"**/staff/audit?user={reviewer}**")
    who = page.locator("table.audit tbody td.user").all_inner_texts()
    assert who and set(who) == {reviewer}
    sheets = page.locator("table.audit tbody td.sheet a").all_inner_texts()
    for title in titles:
        assert title in sheets                               # titles, not id slugs
    link = page.locator("table.audit tbody td.sheet a", has_text=titles[0]).first
    assert re.fullmatch(r"/staff/sheets/[\w-]+", link.get_attribute("href"))
    table = page.locator("table.audit").inner_text()
    assert "{" not in table and '"fields"' not in table
    # One line per time, readable, not the ISO stamp wrapped.
    when = page.locator("table.audit tbody td.when").first
    assert "T" not in when.inner_text() and when.evaluate("e => e.getClientRects().length") == 1
    # The detail reads left to right.
    assert page.locator("table.audit tbody td.detail").first.evaluate(
        "e => getComputedStyle(e).textAlign") in ("left", "start")
    if page.size == "phone":
        no_horizontal_scroll(page)
    shoot(page, f"staff-audit-{page.size}-{page.language}")


def sheet_text(server) -> str:
    """Every word the sheets hold, for the French check to leave out (as test_french_pages)."""
    from kb.service.knowledge_base import KnowledgeBase
    from tests.web.test_french_pages import record_texts, words

    with KnowledgeBase(server.home) as kb:
        return " " + " \n ".join(words(text) for item in kb.store.records()
                                  for text in record_texts(item.record)) + " "


def interface_english(html: str, sheet_words: str, phrases: list[str]) -> list[str]:
    """The English of the page's interface: what is marked as in another language (a sheet's
    text, an original's layout) is the sheets', not the interface's."""
    import lxml.html

    from tests.web.test_french_pages import english_in

    doc = lxml.html.fromstring(html)
    for element in doc.xpath("//body//*[@lang and not(starts-with(@lang, 'fr'))]"):
        element.drop_tree()
    return english_in(lxml.html.tostring(doc, encoding="unicode"), sheet_words, phrases)


def upload_page(page, demo_files) -> str:
    """The page of an upload of one demo sheet, once its report is shown."""
    page.goto("/staff/batches")
    page.set_input_files("#files", str(sorted(demo_files.glob("*.docx"))[0]))
    page.locator("form.upload button[type=submit]").click()
    page.wait_for_url("**/staff/batches/*")
    page.wait_for_selector("table.report", timeout=90_000)
    return page.url.split(page.url.split("/staff/")[0], 1)[1]


STAFF_PAGES = ("/staff/", "/staff/review", "/staff/review?status=draft&sort=warnings",
               "/staff/audit", "/staff/audit?action=review", "/staff/batches")
SHEET_PAGES = ("/staff/sheets/{id}", "/staff/sheets/{id}/edit", "/staff/sheets/{id}/reparse",
               "/staff/sheets/{id}/delete")


@pytest.mark.parametrize("staff", [("phone", language) for language in LANGUAGES],
                         indirect=True, ids=lambda p: "-".join(p))
def test_every_staff_page_fits_a_phone_and_the_french_ones_hold_no_english(
        staff, server, demo_ids, demo_files, shoot):  # noqa: F811
    from tests.web.test_french_pages import english_phrases

    page = staff
    phrases, text = (english_phrases(), sheet_text(server)) if page.language == "fr" else \
        ([], "")
    paths = [*STAFF_PAGES, *(path.format(id=demo_ids["Bilbao"]) for path in SHEET_PAGES),
             *(path.format(id=demo_ids["Bristol"]) for path in SHEET_PAGES[:1])]
    paths.append(upload_page(page, demo_files))
    for path in paths:
        page.goto(path)
        no_horizontal_scroll(page)
        if page.language == "fr":
            problems = interface_english(page.content(), text, phrases)
            assert not problems, f"English on the French page {path}:\n  " + "\n  ".join(
                problems)
        name = re.sub(r"[^a-z0-9]+", "-", path.replace(demo_ids["Bilbao"], "sheet")
                      .replace(demo_ids["Bristol"], "word")).strip("-")
        shoot(page, f"staff-phone-{name}-{page.language}")
