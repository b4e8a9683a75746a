"""No "None" in any page (issue 14, "Done when"): every public page (searches with and
without results and filters, a sheet of each demo file and of the hand-made ones, compare,
analysis, the feed page, error pages) and every staff page (home, queue, the review of a PDF
and of a Word sheet, edit, reparse, uploads, a batch, audit, the delete and the bulk
confirmations, a refused edit), at 1280 and 390 px, in English and French. What a person
sees (the visible text, the values shown in the fields, the window's title) holds no "None",
"null", "undefined" or "nan" and no "{{", "{%" or "%(" left from a template or a message; at
390 px no page is wider than the phone. A screenshot of each page's first screen."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from tests.web.browser.conftest import awkward_records
from tests.web.browser.test_browser import (BOTH, STAFF_PASSWORD, no_horizontal_scroll,
                                            top_values)
from tests.web.browser.test_staff import reviewer  # noqa: F401  (a fixture)
from tests.web.browser.test_staff_tools import save, upload_page

# A value a template printed from nothing (Python's None, JSON's null, a script's undefined,
# a missing number), or a placeholder nobody filled in. Glued to the next word too, as in
# "NoneFrance" (issue 14), where a word boundary would miss it; not inside a word ("Nonet",
# "nullify", "Nantes").
LEFT_OVER = re.compile(r"(?<![A-Za-z])(?:None|null|undefined)(?![a-z])"
                       r"|(?<![A-Za-z])(?:nan|NaN)(?![A-Za-z])|\{\{|\}\}|\{%|%\(")
# Everything a person reads on the page: its text as shown, the values of its visible
# fields and the window's title.
SEEN = """() => {
    const shown = e => e.getClientRects().length > 0;
    const fields = [...document.querySelectorAll(
        'input:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea')]
        .filter(shown).map(e => (e.name || e.id) + '=' + e.value);
    const chosen = [...document.querySelectorAll('select')].filter(shown)
        .map(s => s.selectedOptions.length ? s.selectedOptions[0].textContent : '');
    return {text: document.body.innerText, fields, chosen, title: document.title}; }"""
DRAFT_TITLE = "Draft waiting for a bulk publish on the walk of every page"


def left_over(page) -> list[str]:
    """Each place of the page where something a template left shows, with its context."""
    seen = page.evaluate(SEEN)
    found = []
    for where, text in [("title", seen["title"]), *(("field", f) for f in seen["fields"]),
                        *(("select", s) for s in seen["chosen"]), ("text", seen["text"])]:
        for match in LEFT_OVER.finditer(text):
            start = max(0, match.start() - 50)
            found.append(f"{where}: …{text[start:match.end() + 50]!r}…")
    return found


def demo_sheets(server) -> dict[str, str]:
    """name -> id: a sheet of each demo file and each hand-made sheet of the browser tests."""
    from kb.service.knowledge_base import KnowledgeBase

    awkward = {record["title"]: name for name, record in awkward_records().items()}
    found = {}
    with KnowledgeBase(server.home) as kb:
        for item in kb.store.records("published"):
            filename = (item.record.get("source") or {}).get("filename") or ""
            if filename.startswith("demo"):
                found.setdefault(filename.rsplit(".", 1)[0], item.id)
            elif item.record.get("title") in awkward:
                found.setdefault(awkward[item.record["title"]], item.id)
    assert len(found) >= 12 + len(awkward), sorted(found)
    return found


def public_pages(server, sheets: dict[str, str]) -> dict[str, str]:
    theme = top_values(server, "themes", {"q": "night"}, count=1)[0]
    country = top_values(server, "country", count=1)[0]
    bristol, bilbao = sheets["demo01-night-safe-haven-bristol"], sheets["demo05-puntos-violeta-bilbao"]
    pages = {
        "browse": "/",
        "browse-page-2": "/?page=2",
        "browse-past-the-end": "/?page=99",
        "browse-filtered": "/?" + urlencode({"country": country, "sort": "title"}),
        "search": "/?q=night",
        "search-filtered": "/?" + urlencode({"q": "night", "theme": theme,
                                             "budget_min": "10000", "budget_per": "year"}),
        "search-budget-sort": "/?q=youth&sort=budget_desc",
        "search-no-result": "/?q=night&country=IS&year_from=1990&year_to=1991",
        "search-nonsense": "/?q=qqxzvv",
        "search-misspelled": "/?q=nightlfe",
        "search-guessed-url": "/search?q=night",
        "search-picks": f"/?q=night&pick={bristol}&pick={bilbao}",
        "compare": f"/compare?id={bristol}&id={bilbao}",
        "compare-hand-made": "/compare?" + urlencode({"id": [sheets["no city"], sheets["table"],
                                                             sheets["per participant"]]},
                                                     doseq=True),
        "compare-one": f"/compare?from=search&q=night&pick={bristol}",
        "analysis": "/analysis",
        "analysis-filtered": "/analysis?" + urlencode({"q": "night", "theme": theme}),
        "analysis-empty": "/analysis?q=qqxzvv",
        "analysis-per-year": "/analysis?budget_min=10000&budget_per=year",
        "sheet-from-a-search": f"/sheets/{sheets['no city']}?q=night&country=FR",
        "feed": "/feed.atom?q=night",
        "error-bad-parameter": "/?budget_min=lots",
        "error-bad-page": "/?page=zero",
        "error-no-sheet": "/sheets/no-such-sheet",
        "error-no-page": "/no/such/page",
        "sign-in": "/staff/sign-in",
    }
    pages.update({f"sheet-{name}": f"/sheets/{id_}" for name, id_ in sheets.items()})
    return pages


def check(page, name: str, shoot_first_screen) -> list[str]:
    """The problems of the page shown: what a template left, and at 390 px a sideways scroll."""
    problems = [f"{name} ({page.url}): {found}" for found in left_over(page)]
    if page.size == "phone":
        try:
            no_horizontal_scroll(page)
        except AssertionError as wide:
            problems.append(f"{name}: {wide}")
    shoot_first_screen(page, name)
    return problems


@BOTH
def test_no_page_shows_none_or_a_placeholder(ui, server, reviewer, demo_files,  # noqa: F811
                                             screenshots):
    page = ui

    def shoot_first_screen(page, name):
        page.screenshot(path=str(screenshots / f"no-none-{page.size}-{page.language}-{name.replace(' ', '-')}.png"))

    sheets = demo_sheets(server)
    problems = []
    for name, path in public_pages(server, sheets).items():
        if name.startswith("error"):
            page.problems.expected_status.add(server.url.rstrip("/") + path)
        response = page.goto(path)
        assert response.status < 500, (name, response.status)
        assert name.startswith("error") == (response.status >= 400), (name, response.status)
        problems += check(page, name, shoot_first_screen)
    # Chromium's own XML handling of the feed tries inline styles and handlers the site's CSP
    # blocks, and asks for a favicon.ico (none of them ours: test_practitioners says so).
    page.problems.items[:] = [
        item for item in page.problems.items
        if not ("/feed.atom" in item and "Content Security Policy" in item)
        and not item.startswith(f"console error on {server.url}favicon.ico")]

    # A refused sign-in, then the staff side, signed in.
    page.goto("/staff/sign-in")
    page.problems.expected_status.add(page.url)                       # 401, as it should
    page.fill("#name", reviewer)
    page.fill("#password", "not the password")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_load_state()
    problems += check(page, "sign-in-refused", shoot_first_screen)
    page.goto(f"/language/{page.language}?next=/staff/sign-in")
    page.fill("#name", reviewer)
    page.fill("#password", STAFF_PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/staff/")
    problems += check(page, "staff-home", shoot_first_screen)
    pdf, word = sheets["demo05-puntos-violeta-bilbao"], sheets["demo01-night-safe-haven-bristol"]
    no_city = sheets["no city"]
    staff_pages = {
        "staff-queue": "/staff/review",
        "staff-queue-drafts": "/staff/review?status=draft&sort=warnings",
        "staff-queue-warning": "/staff/review?warning=budget-missing&sort=title",
        "staff-review-pdf": f"/staff/sheets/{pdf}",
        "staff-review-word": f"/staff/sheets/{word}",
        "staff-review-no-city": f"/staff/sheets/{no_city}",
        "staff-edit-pdf": f"/staff/sheets/{pdf}/edit",
        "staff-edit-no-city": f"/staff/sheets/{no_city}/edit",
        "staff-reparse-pdf": f"/staff/sheets/{pdf}/reparse",
        "staff-reparse-word": f"/staff/sheets/{word}/reparse",
        "staff-reparse-no-original": f"/staff/sheets/{no_city}/reparse",
        "staff-delete": f"/staff/sheets/{word}/delete",
        "staff-uploads": "/staff/batches",
        "staff-upload-new": "/staff/batches/new",
        "staff-audit": "/staff/audit",
        "staff-audit-filtered": "/staff/audit?action=review",
        "staff-error-no-sheet": "/staff/sheets/no-such-sheet",
    }
    for name, path in staff_pages.items():
        if "error" in name:
            page.problems.expected_status.add(server.url.rstrip("/") + path)
        response = page.goto(path)
        assert response.status < 500, (name, response.status)
        assert ("error" in name) == (response.status >= 400), (name, response.status)
        problems += check(page, name, shoot_first_screen)

    # A refused edit: the form again, with its errors beside the fields.
    page.goto(f"/staff/sheets/{no_city}/edit")
    page.problems.expected_status.add(page.url)                       # 422, as it should
    page.fill("#field-start_year", "2024")
    page.fill("#field-end_year", "2001")
    page.locator("form.stacked.edit button[type=submit]").first.click()
    page.wait_for_load_state()
    problems += check(page, "staff-edit-refused", shoot_first_screen)

    # A batch: the report of an upload of one demo sheet.
    page.goto(upload_page(page, demo_files))
    problems += check(page, "staff-batch", shoot_first_screen)

    # The bulk confirmation: a draft ticked in the queue, then Publish.
    from tests.samples.records import make_record

    title = f"{DRAFT_TITLE} {page.size} {page.language}"
    save(server, (make_record(title, city=None, country="FR"), "draft", []))
    page.goto("/staff/review?status=draft&sort=title")
    page.locator("table.review-queue tbody tr", has_text=title).locator("input[name=id]").check()
    page.locator(".bulk-bar button[value=publish]").click()
    page.wait_for_url("**/staff/review/bulk")
    problems += check(page, "staff-bulk-confirm", shoot_first_screen)

    assert not problems, f"{len(problems)} problems:\n  " + "\n  ".join(problems)
