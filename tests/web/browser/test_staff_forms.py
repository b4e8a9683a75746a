"""The staff edit form and the upload batch page in a real browser (issue 14, staff), at
desktop and phone widths, in English and French, with screenshots: an edit with several
errors shows each beside its field, the period's too, and saves nothing; a country typed as
a name and an amount as people write it are saved; a batch page names its time and
uploader, counts a zip's members and says why a refused file was refused."""

from __future__ import annotations

import re

from tests.web.browser.test_browser import no_horizontal_scroll
from tests.web.browser.test_staff import BOTH, reviewer, staff  # noqa: F401  (fixtures)
from tests.web.browser.test_staff_tools import save

NOTHING_SAVED = {"en": "Nothing was saved: correct these fields",
                 "fr": "Rien n’a été enregistré\u00a0: corrigez ces champs"}
PERIOD_REVERSED = {"en": "End year 2015 is before start year 2020.",
                   "fr": "L'année de fin 2015 est antérieure à l'année de début 2020."}
CURRENCY_UNKNOWN = {"en": "Budget currency 'XYZ' is not a supported ISO 4217 code.",
                    "fr": "La devise du budget 'XYZ' n'est pas un code ISO 4217 pris en charge."}
EMAIL_INVALID = {"en": "Contact e-mail is not a valid address.",
                 "fr": "L'adresse électronique du contact n'est pas valide."}
NOT_A_YEAR = {"en": "Not a valid integer.", "fr": "Ce n'est pas un nombre entier valide."}
COUNTRY = {"en": "Portugal", "fr": "Portugal"}     # as typed: the same name in both
COUNTRY_LABEL = {"en": "Country", "fr": "Pays"}
AMOUNT_SHOWN = {"en": "12,000 EUR", "fr": "12\u202f000 EUR"}
AMOUNT_TYPED = {"en": "12,000", "fr": "12 000"}


def stored(server, record_id: str) -> dict:
    from kb.service.knowledge_base import KnowledgeBase

    with KnowledgeBase(server.home) as kb:
        return kb.store.get(record_id).record


def error_beside(page, field: str) -> str:
    """The error shown right after a field's control, which the control points to."""
    control = page.locator(f"#field-{field}")
    assert control.get_attribute("aria-invalid") == "true", field
    assert f"error-{field}" in control.get_attribute("aria-describedby").split()
    follows = page.locator(f"#field-{field} + p.notice.error")
    assert follows.get_attribute("id") == f"error-{field}"
    return follows.inner_text()


def submit(page) -> None:
    page.problems.expected_status.add(page.url)        # a refused edit answers 422
    page.locator("p.actions button[type=submit]").first.click()
    page.wait_for_load_state()


def shown_errors(page) -> set[str]:
    return set(page.locator("p.notice.error[id^=error-]").evaluate_all(
        "ps => ps.map(p => p.id)"))


@BOTH
def test_an_edit_shows_every_error_beside_its_field_then_saves_what_people_write(
        staff, server, shoot):  # noqa: F811
    from tests.samples.records import make_record

    page, language = staff, staff.language
    tag = f"{page.size} {language}"
    [record_id] = save(server, (make_record(
        f"Night mediators for the edit form {tag}", city="Braga", country="ES",
        budget={"amount": 5000, "currency": "EUR", "amount_eur": 5000.0, "text": "",
                "funding": []}), "published", []))
    before = stored(server, record_id)
    page.goto(f"/staff/sheets/{record_id}/edit")
    page.fill("#field-start_year", "twenty twenty")
    page.fill("#field-end_year", "2015")
    page.fill("#field-contact_email", "not an address")
    page.fill("#field-budget_currency", "XYZ")
    submit(page)
    summary = page.locator("#error-summary")
    assert summary.locator("h2").inner_text() == NOTHING_SAVED[language]
    assert error_beside(page, "start_year") == NOT_A_YEAR[language]
    assert error_beside(page, "budget_currency") == CURRENCY_UNKNOWN[language]
    assert error_beside(page, "contact_email").startswith(EMAIL_INVALID[language])
    assert shown_errors(page) == {"error-start_year", "error-budget_currency",
                                  "error-contact_email"}
    assert len(summary.locator("li").all()) == 4      # the e-mail's two reasons, each listed
    # What was typed is kept, to correct rather than retype.
    assert page.locator("#field-start_year").input_value() == "twenty twenty"
    assert page.locator("#field-budget_currency").input_value() == "XYZ"
    assert stored(server, record_id) == before                      # nothing changed
    if page.size == "phone":
        no_horizontal_scroll(page)
    shoot(page, f"staff-edit-errors-{page.size}-{language}")

    # The start year as a number: the reversed period is named beside the end year, with
    # the other errors still there.
    page.fill("#field-start_year", "2020")
    submit(page)
    assert error_beside(page, "end_year") == PERIOD_REVERSED[language]
    assert error_beside(page, "budget_currency") == CURRENCY_UNKNOWN[language]
    assert error_beside(page, "contact_email").startswith(EMAIL_INVALID[language])
    assert shown_errors(page) == {"error-end_year", "error-budget_currency",
                                  "error-contact_email"}
    assert PERIOD_REVERSED[language] in page.locator("#error-summary").inner_text()
    assert stored(server, record_id) == before
    if page.size == "phone":
        no_horizontal_scroll(page)
    shoot(page, f"staff-edit-period-{page.size}-{language}")

    # Corrected, with the country as a name and the amount as people write it: saved.
    page.fill("#field-end_year", "2023")
    page.fill("#field-contact_email", "mediators@braga.example.pt")
    page.fill("#field-budget_currency", "EUR")
    page.fill("#field-country", COUNTRY[language])
    page.fill("#field-budget_amount", AMOUNT_TYPED[language])
    page.locator("p.actions button[type=submit]").first.click()
    page.wait_for_url(f"**/staff/sheets/{record_id}")
    after = stored(server, record_id)
    assert after["country"] == "PT" and after["budget"]["amount"] == 12_000
    assert (after["start_year"], after["end_year"]) == (2020, 2023)
    page.goto(f"/sheets/{record_id}")
    facts = dict(zip(page.locator("dl dt").all_inner_texts(),
                     page.locator("dl dd").all_inner_texts()))
    assert facts[COUNTRY_LABEL[language]] == "Portugal"
    assert facts["Budget"] == AMOUNT_SHOWN[language]
    assert "None" not in page.locator("main").inner_text()
    if page.size == "phone":
        no_horizontal_scroll(page)
    shoot(page, f"staff-edit-saved-sheet-{page.size}-{language}")


UPLOAD_OF = {"en": "Upload of {when} by {user}", "fr": "Envoi du {when} par {user}"}
FOUND = {"en": "3 sheet files found in them (zip members included)",
         "fr": "3 fichiers de fiches trouvés dedans (contenu des zip compris)"}
UPLOADED = {"en": "2 files uploaded", "fr": "2 fichiers envoyés"}
REJECTED = {"en": "rejected", "fr": "rejeté"}
UNCHANGED = {"en": "unchanged", "fr": "inchangé"}
PLAIN_TEXT = {"en": "notes.txt is a plain text file; paste it into the sheet template and "
                    "submit it as .docx or PDF.",
              "fr": "notes.txt est un fichier texte brut\u202f; collez-le dans le modèle de fiche et "
                    "soumettez-le en .docx ou en PDF."}


@BOTH
def test_the_batch_page_names_its_time_and_uploader_and_says_why_a_file_was_refused(
        staff, demo_files, reviewer, tmp_path, shoot):  # noqa: F811
    import zipfile

    page, language = staff, staff.language
    bundle = tmp_path / "sheets.zip"
    samples = sorted(demo_files.iterdir())[:2]
    with zipfile.ZipFile(bundle, "w") as archive:
        for sample in samples:
            archive.write(sample, sample.name)
    notes = tmp_path / "notes.txt"
    # Text of its own per run: a file already refused once comes back "unchanged".
    notes.write_text(f"Minutes of the partners' meeting, {page.size} {language}.\n", "utf-8")
    page.goto("/staff/batches")
    page.set_input_files("#files", [str(bundle), str(notes)])
    page.locator("form.upload button[type=submit]").click()
    page.wait_for_url("**/staff/batches/*")
    page.wait_for_selector("table.report", timeout=90_000)
    batch_id = page.url.rstrip("/").split("/")[-1]

    heading = page.locator("main h1").inner_text()
    when = re.fullmatch(UPLOAD_OF[language].format(when="(.+)", user=re.escape(reviewer)),
                        heading)
    assert when, heading                                  # a time and a name, not an id
    assert re.search(r"\d{1,2}:\d{2}", when.group(1)) and batch_id not in heading
    assert page.title().startswith(heading)
    meta = page.locator("main p.meta").inner_text()
    assert UPLOADED[language] in meta
    assert page.locator("main p.meta .processed").inner_text() == FOUND[language]

    report = page.locator("table.report tbody tr")
    assert report.count() == 3                            # the zip's two members, the text file
    for sample in samples:
        row = page.locator("table.report tbody tr", has_text=sample.name)
        assert row.locator("td").nth(0).inner_text() == UNCHANGED[language]
        href = row.locator("td a").get_attribute("href")
        assert re.fullmatch(r"/staff/sheets/[a-z0-9-]+", href), href
    refused = page.locator("table.report tbody tr", has_text="notes.txt")
    assert refused.get_attribute("class") == "outcome-rejected"
    assert refused.locator("td").nth(0).inner_text() == REJECTED[language]
    assert PLAIN_TEXT[language] in refused.locator("td.citation").inner_text()
    assert refused.locator("td a").count() == 0
    assert "None" not in page.locator("main").inner_text()
    if page.size == "phone":
        no_horizontal_scroll(page)
    shoot(page, f"staff-batch-report-{page.size}-{language}")

    # A sheet's link opens its review page.
    first = page.locator("table.report tbody tr", has_text=samples[0].name).locator("td a")
    target = first.get_attribute("href")
    first.click()
    page.wait_for_url(f"**{target}")
    assert page.locator("main h1").count() == 1
