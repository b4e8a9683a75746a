"""The review queue and the audit log as tools, in a real browser (issue 14, staff), at desktop
and phone widths, in English and French, with screenshots: the queue filtered by a warning
shrinks to the sheets with it, a bulk Publish is confirmed on a page listing exactly the
ticked sheets (or all shown, without JavaScript too) before it changes their status, and says
which sheet failed and why, the audit log shows titles and filters by user, and no staff page is wider than a
390 px phone or holds English on the French side."""

from __future__ import annotations

import datetime
import re

import pytest

from tests.web.browser.conftest import TIMEOUT_MS
from tests.web.browser.test_browser import STAFF_PASSWORD, no_horizontal_scroll
from tests.web.browser.test_browser import demo_ids  # noqa: F401  (a fixture)
from tests.web.browser.test_staff import BOTH, LANGUAGES, reviewer, staff  # noqa: F401

NO_BUDGET = {"en": "No budget figure was found", "fr": "Aucun montant de budget n'a été trouvé"}
PUBLISH = {"en": "Publish", "fr": "Publier"}
ONE_PUBLISHED = {"en": "1 sheet published.", "fr": "1 fiche publiée."}
TWO_PUBLISHED = {"en": "2 sheets published.", "fr": "2 fiches publiées."}
CONFIRM_HEADING = {"en": "Publish these sheets?", "fr": "Publier ces fiches ?"}
PUBLISH_TWO = {"en": "Publish these 2 sheets", "fr": "Publier ces 2 fiches"}
PUBLISH_ONE = {"en": "Publish 1 sheet", "fr": "Publier 1 fiche"}
NO_WARNING = {"en": "no warning", "fr": "aucun avertissement"}
BACK = {"en": "Back to the queue", "fr": "Retour aux fiches à vérifier"}
# A country of its own for each run of the test without JavaScript: its filtered queue shows
# only that run's sheets.
COUNTRIES = {("desktop", "en"): "IS", ("desktop", "fr"): "LI", ("phone", "en"): "MT",
             ("phone", "fr"): "LU"}
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


def statuses(server, *titles) -> list[str]:
    """The status of the sheets of these titles, as the knowledge base holds them."""
    from kb.service.knowledge_base import KnowledgeBase

    with KnowledgeBase(server.home) as kb:
        found = {item.record.get("title"): item.status for item in kb.store.records()}
    return [found[title] for title in titles]


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
    second = f"Ready draft from Lille {tag}"
    save(server,
         (make_record(second, city="Lille", country="FR"), "draft", []),
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
    # The queue's text reads left to right (the issue saw it right-aligned).
    aligned = page.locator("table.review-queue tbody td").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c).textAlign)")
    assert aligned and set(aligned) <= {"left", "start"}, set(aligned)
    if page.size == "phone":
        no_horizontal_scroll(page)
    shoot(page, f"staff-queue-filtered-{page.size}-{page.language}")

    # Drafts only, then tick the two complete drafts and publish them at once: first the
    # page that lists them, nothing published yet.
    queue = "/staff/review?status=draft&sort=title"
    page.goto(queue)
    before = queue_count(page)
    for title in (complete, second):
        page.locator("table.review-queue tbody tr", has_text=title).locator(
            "input[name=id]").check()
    button = page.locator(".bulk-bar button[value=publish]")
    assert button.inner_text() == PUBLISH[page.language]
    button.click()
    page.wait_for_url("**/staff/review/bulk")
    assert page.locator("h1").inner_text() == CONFIRM_HEADING[page.language]
    assert sorted(listed(page)) == sorted([complete, second])
    assert set(listed(page).values()) == {NO_WARNING[page.language]}
    assert page.locator(".confirm-group li a").first.get_attribute("href").startswith(
        "/staff/sheets/")
    back = page.locator("main a", has_text=BACK[page.language])
    assert back.get_attribute("href") == queue                 # the queue's filters kept
    confirm = page.locator("form.confirm-bulk button")
    assert confirm.inner_text() == PUBLISH_TWO[page.language]
    check_page(page, server)
    shoot(page, f"staff-queue-confirm-{page.size}-{page.language}")
    assert statuses(server, complete, second) == ["draft", "draft"]   # nothing yet
    confirm.click()
    page.wait_for_url(f"**{queue}")
    assert TWO_PUBLISHED[page.language] in page.locator("main p.notice").all_inner_texts()
    shown = rows(page)
    assert complete not in shown and second not in shown       # published: off the drafts
    assert broken in shown
    assert queue_count(page) == before - 2                     # the queue shrank
    if page.size == "phone":
        no_horizontal_scroll(page)
    shoot(page, f"staff-queue-bulk-{page.size}-{page.language}")


@BOTH
def test_all_shown_reaches_the_confirmation_without_javascript(staff, browser, server,
                                                               reviewer, shoot):  # noqa: F811
    from tests.samples.records import make_record

    size, language = staff.size, staff.language
    tag, country = f"{size} {language}", COUNTRIES[size, language]
    broken, complete = f"No-script cut e-mail {tag}", f"No-script draft {tag}"
    save(server,
         (make_record(broken, city="Leeds", country=country,
                      contact={"name": "Joost de Wit", "email": "joost@localhost"}), "draft",
          []),
         (make_record(complete, city="Lyon", country=country), "draft", []))
    context = browser.new_context(viewport=staff.viewport_size, base_url=server.url,
                                  java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.size, page.language = size, language
        page.goto(f"/language/{language}?next=/staff/sign-in")
        page.fill("#name", reviewer)
        page.fill("#password", STAFF_PASSWORD)
        page.locator("form.stacked button[type=submit]").click()
        page.wait_for_url("**/staff/")
        queue = f"/staff/review?status=draft&country={country}"
        page.goto(queue)
        shown = rows(page)
        assert sorted(shown) == sorted([broken, complete])
        page.locator(".bulk-bar input[name=which][value=shown]").check()   # nothing ticked
        page.locator(".bulk-bar button[value=publish]").click()
        page.wait_for_url("**/staff/review/bulk")
        assert page.locator("h1").inner_text() == CONFIRM_HEADING[language]
        assert sorted(listed(page)) == sorted(shown)
        [why] = listed(page, "failed").values()
        assert "joost@localhost" in why and NOT_AN_ADDRESS[language] in why
        assert page.locator("form.confirm-bulk button").inner_text() == PUBLISH_ONE[language]
        assert page.locator("main a", has_text=BACK[language]).get_attribute("href") == queue
        check_page(page, server)
        shoot(page, f"staff-queue-confirm-all-shown-{size}-{language}")
        page.locator("form.confirm-bulk button").click()
        page.wait_for_url(f"**{queue}")
        notices = page.locator("main p.notice").all_inner_texts()
        assert ONE_PUBLISHED[language] in notices and NOT_PUBLISHED[language] in notices
        assert rows(page) == [broken]
    finally:
        context.close()


def queue_count(page) -> int:
    """The number of sheets the queue's filters leave, as its count line says."""
    return int(re.search(r"\d+", page.locator("#queue-count").inner_text()).group(0))


def listed(page, group: str | None = None) -> dict[str, str]:
    """title -> what the confirmation page says of it (its warnings, or why not), in one
    group or in all."""
    where = f"#confirm-{group} li" if group else ".confirm-group li"
    found = {}
    for item in page.locator(where).all():
        title = item.locator("a").inner_text()
        found[title] = item.inner_text()[len(title):].strip(" —\n")
    return found


def check_page(page, server) -> None:
    """The confirmation page fits a phone and, in French, holds no English."""
    if page.size == "phone":
        no_horizontal_scroll(page)
    if page.language == "fr":
        from tests.web.test_french_pages import english_phrases

        problems = interface_english(page.content(), sheet_text(server), english_phrases())
        assert not problems, "English on the French confirmation page:\n  " + "\n  ".join(
            problems)


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
    # One line per time, readable, not the ISO stamp wrapped; its zone said (stored in UTC).
    when = page.locator("table.audit tbody td.when").first
    assert not re.search(r"\dT\d", when.inner_text()) and when.inner_text().endswith("UTC")
    assert when.evaluate("e => e.getClientRects().length") == 1
    # The detail reads left to right.
    assert page.locator("table.audit tbody td.detail").first.evaluate(
        "e => getComputedStyle(e).textAlign") in ("left", "start")
    if page.size == "phone":
        no_horizontal_scroll(page)
    shoot(page, f"staff-audit-{page.size}-{page.language}")
    # By action and day as well: today's "marked as reviewed" entries are the two sheets'.
    today = datetime.datetime.now(datetime.timezone.utc).date()
    page.select_option("#audit-action", "review")
    page.fill("#audit-since", today.isoformat())
    page.fill("#audit-until", today.isoformat())
    page.locator(".audit-filters button[type=submit]").click()
    page.wait_for_url("**/staff/audit?**action=review**")
    label = page.locator("#audit-action option:checked").inner_text()
    actions = page.locator("table.audit tbody td.action").all_inner_texts()
    assert actions and set(actions) == {label}, actions
    reviewed = page.locator("table.audit tbody td.sheet a").all_inner_texts()
    assert set(titles) <= set(reviewed)
    # The day before: nothing, said in the page's language.
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    page.fill("#audit-since", yesterday)
    page.fill("#audit-until", yesterday)
    page.locator(".audit-filters button[type=submit]").click()
    page.wait_for_url(f"**/staff/audit?**until={yesterday}**")
    assert page.locator("table.audit").count() == 0
    assert page.locator("p.empty").inner_text() == {
        "en": "No entry matches these filters.",
        "fr": "Aucune entrée ne correspond à ces filtres."}[page.language]
    if page.size == "phone":
        no_horizontal_scroll(page)
    shoot(page, f"staff-audit-filtered-{page.size}-{page.language}")


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
