"""The edit form beside the original (issue 14, staff): the review page's pane of the
original (a PDF's drawn pages, a Word file's text in its layout, the fields read there marked)
beside the form, each form field linked to the place it was read; a sheet with no original
shows the form alone; saving, errors and a conflict keep the original beside."""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from tests.samples.records import make_record
from tests.web.test_french_pages import english_in, english_phrases, record_texts, words
from tests.web.test_staff_pages import home, page_links, staff, stored, template  # noqa: F401
from tests.web.test_staff_review import form_data

PDF = "demo03-prevention-radicalismes-charleroi.pdf"
WORD = "demo04-agente-tutor-zaragoza.docx"


def label_of(html: str, control: str) -> str:
    return re.search(rf'<label for="field-{control}">.*?</label>', html, re.S).group(0)


def pane_of(html: str) -> str:
    return re.search(r'<aside class="panel original-pane".*?</aside>', html, re.S).group(0)


def filled(item, page: str, **changes: str) -> MultiDict:
    """The edit form as the page fills it (test_staff_review.form_data), with `changes`."""
    data = form_data(item.record, **changes)
    data["csrf_token"] = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data["version"] = str(item.version)
    return data


def test_a_pdf_sheet_s_form_has_its_pages_beside_with_the_fields_marked(app, staff):  # noqa: F811
    item = stored(app, PDF)
    html = staff.get(f"/staff/sheets/{item.id}/edit").get_data(as_text=True)
    review = staff.get(f"/staff/sheets/{item.id}").get_data(as_text=True)
    # The same pages as the review page, after the form (first on a phone), folded in a
    # <details> that a desktop shows open.
    assert page_links(html) == page_links(review) and len(page_links(html)) == 2
    assert html.index('<form class="stacked edit"') < html.index('class="panel original-pane"')
    assert '<div class="sheet-layout review edit-beside">' in html
    pane = pane_of(html)
    assert '<details class="original-fold">' in pane and "<summary>" in pane
    # Each page names the fields read on it, linking to their controls in the form.
    page_one = re.search(r'<figure class="original-page" id="page-1">.*?</figure>', pane,
                         re.S).group(0)
    assert "Fields read here:" in page_one
    for control in ("title", "context"):
        assert f'href="#field-{control}"' in page_one
        assert f'id="field-{control}"' in html
    # Each field says on which page it was read, as the review table does.
    assert 'href="#page-1"' in label_of(html, "title")
    assert 'href="#page-2"' in label_of(html, "evaluation")
    assert "None" not in re.sub(r"<[^>]+>", " ", html)


def test_a_word_sheet_s_form_has_its_layout_beside_with_the_fields_marked(app, staff):  # noqa: F811
    item = stored(app, WORD)
    html = staff.get(f"/staff/sheets/{item.id}/edit").get_data(as_text=True)
    assert not page_links(html)
    pane = pane_of(html)
    layout = re.search(r'<div class="original-layout".*?</aside>', pane, re.S).group(0)
    assert "Contexto: A comienzos de la década de 2010" in layout
    marked = " ".join(re.findall(
        r'class="marked[^"]*">\s*<span class="field-marks"[^>]*>(.*?)</span>', layout, re.S))
    # A mark leads to the form's control: budget.text to the budget_text box.
    for control in ("title", "context", "objectives", "budget_text", "contact_email"):
        assert f'href="#field-{control}"' in marked, control
        assert f'id="field-{control}"' in html, control
    # And the control's label leads back to its place in the layout.
    assert 'href="#at-title"' in label_of(html, "title") and 'id="at-title"' in layout
    assert 'href="#at-budget.text"' in label_of(html, "budget_text")


def test_a_sheet_with_no_original_shows_the_form_alone(app, staff):  # noqa: F811
    kb = app.extensions["knowledge_base"].kb
    typed = kb.save(make_record("Typed by hand in Ghent"), "draft")
    html = staff.get(f"/staff/sheets/{typed.id}/edit").get_data(as_text=True)
    assert '<form class="stacked edit"' in html and 'value="Typed by hand in Ghent"' in html
    for absent in ("original-pane", "original-fold", "sheet-layout", "field-where",
                   "/pages/", "The original"):
        assert absent not in html, absent
    # Saved through the API, still none.
    response = staff.put(f"/api/sheets/{typed.id}", json=make_record("Saved by the API"),
                         headers={"X-CSRF-Token": re.search(
                             r'name="csrf_token" value="([^"]+)"', html).group(1)})
    assert response.status_code == 200, response.get_data(as_text=True)
    html = staff.get(f"/staff/sheets/{typed.id}/edit").get_data(as_text=True)
    assert 'value="Saved by the API"' in html and "original-pane" not in html


def test_the_form_beside_the_original_still_saves(app, staff):  # noqa: F811
    item = stored(app, PDF)
    page = staff.get(f"/staff/sheets/{item.id}/edit").get_data(as_text=True)
    response = staff.post(f"/staff/sheets/{item.id}/edit",
                          data=filled(item, page, organisation="Ville de Charleroi"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/sheets/{item.id}")
    assert stored(app, PDF).record["organisation"] == "Ville de Charleroi"


def test_errors_show_with_the_original_beside_and_what_was_typed(app, staff):  # noqa: F811
    item = stored(app, PDF)
    page = staff.get(f"/staff/sheets/{item.id}/edit").get_data(as_text=True)
    response = staff.post(f"/staff/sheets/{item.id}/edit", data=filled(
        item, page, start_year="soon", contact_email="not an address"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="error-summary"' in html and 'id="error-start_year"' in html
    assert 'id="error-contact_email"' in html and 'value="soon"' in html
    assert page_links(html) == page_links(page)
    assert 'href="#page-1"' in label_of(html, "title")
    assert stored(app, PDF).version == item.version            # nothing saved


def test_a_conflict_shows_the_original_beside_and_saves_nothing(app, staff):  # noqa: F811
    item = stored(app, PDF)
    page = staff.get(f"/staff/sheets/{item.id}/edit").get_data(as_text=True)
    kb = app.extensions["knowledge_base"].kb
    kb.save({**item.record, "city": "Charleroi (changed)"}, item.status, record_id=item.id,
            source_sha256=item.source_sha256)
    response = staff.post(f"/staff/sheets/{item.id}/edit",
                          data=filled(item, page, organisation="Mine"))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone changed this sheet" in html and len(page_links(html)) == 2
    assert stored(app, PDF).record["organisation"] != "Mine"


def test_a_doubtful_field_is_marked_in_the_form(app, staff):  # noqa: F811
    item = stored(app, PDF)
    kb = app.extensions["knowledge_base"].kb
    kb.save({**item.record, "contact": {"name": "mail", "email": "team@charleroi.example"}},
            item.status, record_id=item.id, source_sha256=item.source_sha256)
    html = staff.get(f"/staff/sheets/{item.id}/edit").get_data(as_text=True)
    note = re.search(r'<p class="doubt" role="note" id="doubt-contact_name">(.*?)</p>', html,
                     re.S)
    assert note and "label word" in note.group(1)
    control = re.search(r'<input id="field-contact_name"[^>]*>', html).group(0)
    assert "doubt-contact_name" in control                  # read out with the field


def test_the_french_forms_beside_their_originals_hold_no_english(app, staff):  # noqa: F811
    phrases = english_phrases()
    kb = app.extensions["knowledge_base"].kb
    sheet_text = " " + " \n ".join(words(text) for item in kb.store.records()
                                   for text in record_texts(item.record)) + " "
    staff.set_cookie("lang", "fr")
    for filename in (PDF, WORD):
        html = staff.get(f"/staff/sheets/{stored(app, filename).id}/edit").get_data(
            as_text=True)
        assert '<html lang="fr">' in html and "original-pane" in html
        assert "L’original" in pane_of(html) or "L'original" in pane_of(html)
        problems = english_in(html, sheet_text, phrases)
        assert not problems, f"English on the French edit form of {filename}: {problems}"
