"""Staff review: the queue, the review page beside the original, editing with the schema's
errors, publishing, deleting, re-parsing (web and `kb reimport --diff`), the JSON writes and
the audit log of all of them."""

from __future__ import annotations

import html
import re
import shutil
import sqlite3

import pytest
from click.testing import CliRunner
from werkzeug.datastructures import MultiDict

from kb.service.audit import AuditLog
from kb.cli.main import main
from kb.service.importing import ImportOptions, import_paths
from kb.service.knowledge_base import KnowledgeBase
from kb.core.record import load_draft, validated
from kb.service.review import field_diff
from kb.service.store import _SCHEMA, Store
from kb.core.themes import vocabulary
from kb.service.users import Users
from web.review import form_values, record_from_form

DRAFT = {"title": "Zeppelin watch over the harbour", "language": "en", "city": "Bristol",
         "country": "GB", "objectives": "Watch the harbour from a zeppelin at night.",
         "themes": ["nightlife"]}


@pytest.fixture(scope="module")
def template(demo_files, password, tmp_path_factory):
    """A knowledge base imported once: the 12 demo sheets, a draft, a staff user."""
    home = tmp_path_factory.mktemp("review") / "kb"
    with KnowledgeBase(home) as kb:
        report = import_paths(kb, [demo_files], ImportOptions(workers=1))
        assert sum(1 for item in report.files if item.record_id) == 12, report
        draft, errors = load_draft(DRAFT)
        assert not errors
        kb.save(draft, "draft")
        Users(kb.store).add("alice", password)
    return home


@pytest.fixture
def home(template, tmp_path):
    copy = tmp_path / "kb"
    shutil.copytree(template, copy)
    return copy


@pytest.fixture
def staff(sign_in, client):
    assert sign_in(client).status_code == 302
    return client


@pytest.fixture
def token(token):
    """The CSRF token of a staff page's forms (the queue's, unless another path is given)."""
    return lambda client, path="/staff/": token(client, path)


def kb_of(app) -> KnowledgeBase:
    return app.extensions["knowledge_base"].kb


def demo(app, filename_start: str):
    [found] = [item for item in kb_of(app).store.records()
               if ((item.record.get("source") or {}).get("filename") or "")
               .startswith(filename_start)]
    return found


def draft(app):
    [found] = list(kb_of(app).store.records("draft"))
    return found


def audit(app) -> list[tuple[str, str, str | None]]:
    """(user, action, record_id) of the log, oldest first, without sign-ins."""
    return [(e.user, e.action, e.record_id) for e in reversed(AuditLog(kb_of(app).store).entries())
            if e.action not in ("sign-in", "sign-out")]


def form_data(record: dict, **changes: str) -> MultiDict:
    """What the edit form sends for a record as shown, with some fields changed."""
    values = form_values(record)
    data = MultiDict()
    for name, value in values.items():
        if name == "themes":
            data.setlist("themes", value)
        elif name == "extras":
            data.setlist("extra_heading", [heading for heading, _ in value])
            data.setlist("extra_text", [text for _, text in value])
        else:
            data[name] = value
    for name, value in changes.items():
        data[name] = value
    return data


@pytest.fixture
def edit(token):
    """edit(client, item, field=value...) posts the edit form of a stored record with changes."""
    def posting(client, item, **changes: str):
        path = f"/staff/sheets/{item.id}/edit"
        data = form_data(item.record, **changes)
        data["csrf_token"] = token(client, path)
        data["version"] = str(item.version)
        return client.post(path, data=data)
    return posting


def search_ids(client, q: str) -> list[str]:
    found = client.get("/api/search", query_string={"q": q}).get_json()
    return [hit["id"] for hit in found["hits"]]


# The queue and the review page

def test_the_queue_lists_drafts_and_sheets_imported_with_warnings(staff, app):
    warned = demo(app, "demo03")
    clean = demo(app, "demo01")
    assert warned.warnings == ["No budget figure was found."]
    assert clean.warnings == []
    home = staff.get("/staff/").get_data(as_text=True)
    assert 'href="/staff/review"' in home
    page = staff.get("/staff/review").get_data(as_text=True)
    assert DRAFT["title"] in page
    assert warned.record["title"] in page and "No budget figure was found." in page
    assert clean.record["title"] not in page
    assert f'href="/staff/sheets/{draft(app).id}/edit"' in page


def test_french_staff_pages_word_the_importers_warnings_in_french(staff, app):
    warned = demo(app, "demo03")
    store = kb_of(app).store
    legacy = store.get(demo(app, "demo01").id)
    legacy.warnings = ["Checked by hand in 2025."]         # as an older version stored it
    store.put(legacy)
    staff.set_cookie("lang", "fr")
    queue = html.unescape(staff.get("/staff/review").get_data(as_text=True))
    assert "Aucun montant de budget n'a été trouvé." in queue
    assert "No budget figure was found." not in queue
    assert "Checked by hand in 2025." in queue             # old English text still shows
    review = html.unescape(staff.get(f"/staff/sheets/{warned.id}").get_data(as_text=True))
    assert "Aucun montant de budget n'a été trouvé." in review
    staff.set_cookie("lang", "en")
    assert "No budget figure was found." in staff.get("/staff/review").get_data(as_text=True)


def test_an_incomplete_draft_says_what_is_missing_in_french(token, staff, app):
    item = draft(app)
    staff.set_cookie("lang", "fr")
    refused = staff.post(f"/staff/sheets/{item.id}/publish", data={"csrf_token": token(staff)})
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422
    assert "Contexte\xa0: manquant." in page and "is missing" not in page


def test_the_review_page_shows_the_fields_beside_the_original_pages(staff, app):
    item = demo(app, "demo03")                           # a PDF: the reader knows its pages
    response = staff.get(f"/staff/sheets/{item.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Page 1" in page and "Page 2" in page          # the original's text, page by page
    first_words = item.record["context"].split()[:4]
    assert " ".join(first_words) in html.unescape(page)
    title_row = re.search(r"<th scope=\"row\">Title</th>.*?</tr>", page, re.DOTALL).group(0)
    assert "Page 1" in title_row                          # where the title was found
    country_row = re.search(r"<th scope=\"row\">Country</th>.*?</tr>", page, re.DOTALL).group(0)
    assert "Not known" in country_row                     # a code is never "found"
    assert f'href="/staff/sheets/{item.id}/original"' in page
    with staff.get(f"/staff/sheets/{item.id}/original") as original:
        assert original.status_code == 200 and original.mimetype == "application/pdf"
        assert original.data == kb_of(app).archive.read(item.source_sha256)


def test_a_word_original_is_shown_as_one_text_without_pages(staff, app):
    item = demo(app, "demo01")
    page = staff.get(f"/staff/sheets/{item.id}").get_data(as_text=True)
    assert "Word and OpenDocument files have no fixed pages" in page
    title_row = re.search(r'<tr id="field-title".*?</tr>', page, re.DOTALL).group(0)
    assert '<a href="#at-title">In the text</a>' in title_row    # to its place in the layout
    assert 'id="at-title"' in page


def test_a_draft_without_an_original_says_so(staff, app):
    page = staff.get(f"/staff/sheets/{draft(app).id}").get_data(as_text=True)
    assert "is not in the archive" in page
    assert staff.get(f"/staff/sheets/{draft(app).id}/original").status_code == 404


def test_the_staff_download_of_the_original_works_for_drafts(token, staff, app, client):
    item = demo(app, "demo05")
    staff.post(f"/staff/sheets/{item.id}/unpublish", data={"csrf_token": token(staff)})
    assert client.get(f"/sheets/{item.id}/original").status_code == 404
    with staff.get(f"/staff/sheets/{item.id}/original") as original:
        assert original.status_code == 200


def test_unknown_sheets_are_not_found(staff):
    assert staff.get("/staff/sheets/no-such-sheet").status_code == 404
    assert staff.get("/staff/sheets/no-such-sheet/edit").status_code == 404


# Editing

def test_the_edit_form_has_every_field_and_a_csrf_token(staff, app):
    item = demo(app, "demo09")
    page = staff.get(f"/staff/sheets/{item.id}/edit").get_data(as_text=True)
    for name in ("title", "city", "country", "organisation", "language", "themes", "keywords",
                 "start_year", "end_year", "context", "objectives", "activities", "evaluation",
                 "extra_heading", "extra_text", "budget_amount", "budget_currency",
                 "budget_text", "budget_funding", "partners", "target_groups", "contact_name",
                 "contact_email"):
        assert f'name="{name}"' in page, name
    assert 'name="csrf_token"' in page
    assert item.record["title"] in page
    assert page.count('type="checkbox" name="themes"') == len(vocabulary())
    assert page.count('type="checkbox" name="themes" value="') == len(vocabulary())
    for theme in item.record["themes"]:
        assert f'name="themes" value="{theme}" checked' in page


def test_the_form_gives_back_every_stored_record_exactly(app):
    for item in kb_of(app).store.records():
        data, errors = record_from_form(form_data(item.record), item.record, item.status)
        assert not errors
        saved = validated(data, item.status)
        # Saving confirms the themes: only "inferred" may change. A draft's absent optional
        # fields come back as empty ones.
        assert [change.field for change in field_diff(item.record, saved)
                if change.field != "themes_inferred"] == [], item.id
        if item.status == "published":
            assert saved == {**item.record, "themes_inferred": False}, item.id


@pytest.mark.parametrize("changes, field, message", [
    ({"contact_email": "eva at example"}, "contact_email", "not a valid address"),
    ({"start_year": "2020", "end_year": "2012"}, "end_year", "before start year"),
    ({"language": "xx"}, "language", "Language must be one of"),
    ({"title": "  "}, "title", "Title must not be empty"),
    ({"start_year": "soon"}, "start_year", "Not a valid integer"),
    ({"budget_amount": "5000", "budget_currency": "XYZ"}, "budget_currency", "ISO 4217"),
    ({"extra_heading": "", "extra_text": "Text without a heading"}, "extra_sections", "heading"),
])
def test_an_invalid_edit_shows_the_errors_beside_the_fields_and_changes_nothing(edit, 
        staff, app, changes, field, message):
    item = demo(app, "demo09")
    response = edit(staff, item, objectives="Zorblax was never saved.", **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'role="alert"' in page and "Nothing was saved" in page
    error = re.search(rf'<p class="notice error" id="error-{field}">(.*?)</p>', page, re.DOTALL)
    assert error and message in error.group(1)
    if field != "extra_sections":
        control = re.search(rf'<(?:input|select)[^>]*id="field-{field}"[^>]*>', page).group(0)
        assert f"error-{field}" in control and 'aria-invalid="true"' in control
    assert "Zorblax was never saved." in page               # what was typed is kept
    after = kb_of(app).store.get(item.id)
    assert (after.content_hash, after.version, after.record) == (
        item.content_hash, item.version, item.record)
    assert search_ids(staff, "zorblax") == []
    assert audit(app) == []


def test_a_valid_edit_is_saved_searchable_at_once_and_audited(edit, staff, app, client):
    item = demo(app, "demo03")
    response = edit(staff, item, objectives=item.record["objectives"] + "\nZorblax patrols too.",
                    budget_amount="45000", budget_currency="eur", budget_text="45,000 EUR")
    assert response.status_code == 302
    assert response.location.endswith(f"/staff/sheets/{item.id}")
    assert "Saved: Objectives, Budget." in staff.get(response.location).get_data(as_text=True)
    after = kb_of(app).store.get(item.id)
    assert after.version == item.version + 1
    assert after.record["objectives"].endswith("Zorblax patrols too.")
    assert after.record["budget"]["amount"] == 45000
    assert after.record["budget"]["amount_eur"] == 45000       # worked out, not typed
    assert after.warnings == []                                # reviewed: out of the queue
    assert item.record["title"] not in staff.get("/staff/review").get_data(as_text=True)
    assert search_ids(client, "zorblax") == [item.id]
    assert "Zorblax patrols too." in client.get(f"/sheets/{item.id}").get_data(as_text=True)
    [entry] = AuditLog(kb_of(app).store).entries(record_id=item.id)
    assert (entry.user, entry.action) == ("alice", "edit")
    assert '"objectives"' in entry.detail and '"budget"' in entry.detail


@pytest.mark.parametrize("language, country, amount", [
    ("en", "Portugal", "12,000"), ("en", "portugal", "12000"), ("fr", "Portugal", "12 000"),
    ("fr", "PT", "12.000"), ("en", "pt", "12,000.00")])
def test_the_form_accepts_what_the_importer_accepts(edit, staff, app, language, country, amount):
    """Country names as the importer reads them and amounts as people write them."""
    staff.set_cookie("lang", language)
    item = demo(app, "demo03")
    response = edit(staff, item, country=country, budget_amount=amount, budget_currency="EUR")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    after = kb_of(app).store.get(item.id).record
    assert after["country"] == "PT"
    assert after["budget"]["amount"] == 12_000 and after["budget"]["amount_eur"] == 12_000


def test_staff_can_say_what_a_budget_covers_and_the_form_keeps_it(edit, staff, app):
    item = demo(app, "demo03")
    response = edit(staff, item, budget_amount="45000", budget_currency="EUR",
                    budget_text="45,000 EUR", budget_basis="year")
    assert response.status_code == 302
    after = kb_of(app).store.get(item.id)
    assert after.record["budget"]["basis"] == "year"
    form = staff.get(f"/staff/sheets/{item.id}/edit").get_data(as_text=True)
    assert re.search(r'<option value="year" selected>', form)
    bad = edit(staff, after, budget_amount="45000", budget_currency="EUR", budget_basis="monthly")
    assert bad.status_code == 422
    assert 'id="error-budget_basis"' in bad.get_data(as_text=True)


def test_saving_a_warned_sheet_unchanged_marks_it_reviewed(edit, staff, app):
    warned, clean = demo(app, "demo03"), demo(app, "demo01")
    assert edit(staff, warned).status_code == 302
    after = kb_of(app).store.get(warned.id)
    assert after.warnings == [] and after.record == warned.record
    assert warned.record["title"] not in staff.get("/staff/review").get_data(as_text=True)
    assert edit(staff, clean).status_code == 302
    assert kb_of(app).store.get(clean.id).version == clean.version     # nothing to save
    assert [(e.action, e.record_id, e.detail) for e in AuditLog(kb_of(app).store).entries()
            if e.action == "edit"] == [("edit", warned.id, '{"fields": []}')]


def test_an_edit_of_a_sheet_changed_meanwhile_is_refused(edit, staff, app):
    item = demo(app, "demo09")
    kb_of(app).save({**item.record, "city": "Limerick City"}, record_id=item.id)
    response = edit(staff, item, title="Mine")               # sent with the old version
    assert response.status_code == 409
    assert kb_of(app).store.get(item.id).record["title"] == item.record["title"]


# Publishing and unpublishing

def test_an_incomplete_draft_is_not_published_then_fixed_and_published(edit, token, staff, app, client):
    item = draft(app)
    refused = staff.post(f"/staff/sheets/{item.id}/publish", data={"csrf_token": token(staff)})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "cannot be published yet" in page
    assert re.search(r'id="error-context">[^<]*Context is missing', page)
    assert re.search(r'id="error-activities">[^<]*Activities is missing', page)
    assert kb_of(app).store.get(item.id).status == "draft"
    assert client.get(f"/sheets/{item.id}").status_code == 404

    saved = edit(staff, item, context="Night-time harbour crime worried the port.")
    assert saved.status_code == 302                      # a draft may stay incomplete
    item = kb_of(app).store.get(item.id)
    assert item.status == "draft" and item.record["context"].startswith("Night-time")

    published = edit(staff, item, activities="Crews fly twice a week.", publish="1")
    assert published.status_code == 302
    assert kb_of(app).store.get(item.id).status == "published"
    public = client.get(f"/sheets/{item.id}")
    assert public.status_code == 200 and "Crews fly twice a week." in public.get_data(as_text=True)
    assert search_ids(client, "zeppelin") == [item.id]
    assert audit(app) == [("alice", "edit", item.id), ("alice", "edit", item.id),
                          ("alice", "publish", item.id)]


def test_the_publish_button_publishes_a_complete_draft(token, staff, app, client):
    item = demo(app, "demo12")
    staff.post(f"/staff/sheets/{item.id}/unpublish", data={"csrf_token": token(staff)})
    assert client.get(f"/sheets/{item.id}").status_code == 404
    response = staff.post(f"/staff/sheets/{item.id}/publish", data={"csrf_token": token(staff)})
    assert response.status_code == 302
    assert client.get(f"/sheets/{item.id}").status_code == 200
    assert audit(app) == [("alice", "unpublish", item.id), ("alice", "publish", item.id)]


def test_unpublishing_hides_a_sheet_from_the_public(token, staff, app, client):
    item = demo(app, "demo08")
    word = "Nachtsport"
    assert item.id in search_ids(client, word)
    response = staff.post(f"/staff/sheets/{item.id}/unpublish", data={"csrf_token": token(staff)})
    assert response.status_code == 302
    assert kb_of(app).store.get(item.id).status == "draft"
    assert client.get(f"/sheets/{item.id}").status_code == 404
    assert client.get(f"/api/sheets/{item.id}").status_code == 404
    assert item.id not in search_ids(client, word)
    assert item.record["title"] in staff.get("/staff/review").get_data(as_text=True)
    assert audit(app) == [("alice", "unpublish", item.id)]


# Deleting

def test_delete_asks_for_confirmation_then_removes_the_sheet_and_keeps_the_original(token, 
        staff, app, client):
    item = demo(app, "demo06")
    confirm = staff.get(f"/staff/sheets/{item.id}/delete")
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "stays in the archive" in page
    assert kb_of(app).store.get(item.id) is not None            # asking deleted nothing
    response = staff.post(f"/staff/sheets/{item.id}/delete", data={"csrf_token": token(staff)})
    assert response.status_code == 302 and response.location.endswith("/staff/review")
    assert kb_of(app).store.get(item.id) is None
    assert client.get(f"/sheets/{item.id}").status_code == 404
    assert item.id not in search_ids(client, "mediazione")
    assert item.source_sha256 in kb_of(app).archive
    assert staff.get(f"/staff/sheets/{item.id}").status_code == 404
    assert audit(app) == [("alice", "delete", item.id)]


# Re-parsing

def altered(app, item):
    """The stored record changed by hand, as staff might have: the importers disagree."""
    record = {**item.record, "title": "A title typed by hand", "evaluation": None}
    return kb_of(app).save(record, item.status, record_id=item.id)


def test_reparse_shows_the_changed_fields_and_applying_restores_the_importers_values(csrf_of, 
        staff, app):
    item = demo(app, "demo05")
    changed = altered(app, item)
    response = staff.get(f"/staff/sheets/{item.id}/reparse")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 fields differ" in page
    rows = re.findall(r'<th scope="row"><label for="apply-\d+">(.*?)</label>', page)
    assert rows == ["Title", "Evaluation"]
    assert ticked(page) == ["title", "evaluation"]      # nobody corrected them on this page
    assert "A title typed by hand" in page and item.record["title"] in page
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', page).group(1)

    stale = staff.post(f"/staff/sheets/{item.id}/reparse", data={
        "csrf_token": csrf_of(page), "digest": "0" * 64, "version": str(changed.version)})
    assert stale.status_code == 409
    assert kb_of(app).store.get(item.id).record["title"] == "A title typed by hand"

    applied = staff.post(f"/staff/sheets/{item.id}/reparse", data={
        "csrf_token": csrf_of(page), "digest": digest, "version": str(changed.version),
        "apply": ticked(page)})
    assert applied.status_code == 302
    after = kb_of(app).store.get(item.id)
    assert after.record == item.record and after.content_hash == item.content_hash
    assert after.status == "published"
    assert "nothing to apply" in staff.get(f"/staff/sheets/{item.id}/reparse").get_data(
        as_text=True)
    [entry] = AuditLog(kb_of(app).store).entries(record_id=item.id)
    assert (entry.user, entry.action) == ("alice", "reparse")
    assert '"title"' in entry.detail and '"evaluation"' in entry.detail


def test_an_edit_shows_every_error_at_once_the_period_too(edit, staff, app):
    item = demo(app, "demo05")
    response = edit(staff, item, title="", start_year="2020", end_year="2015",
                    budget_currency="XYZ")
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "End year 2015 is before start year 2020." in page
    assert "Title must not be empty." in page and "XYZ" in page
    assert kb_of(app).store.get(item.id).record == item.record


def ticked(page: str) -> list[str]:
    """The changes a re-parse page offers ticked."""
    return re.findall(r'<input type="checkbox" name="apply" value="([^"]+)" id="apply-\d+" '
                      r'checked>', page)


def reparse_form(csrf_of, page: str, apply: list[str]) -> dict:
    return {"csrf_token": csrf_of(page), "apply": apply,
            "digest": re.search(r'name="digest" value="([0-9a-f]+)"', page).group(1),
            "version": re.search(r'name="version" value="(\d+)"', page).group(1)}


def test_reparse_keeps_staff_corrections_unless_ticked(edit, csrf_of, staff, app):
    item = demo(app, "demo05")
    # The importers' evaluation lost by some other means, the title corrected by staff.
    kb_of(app).save({**item.record, "evaluation": None}, item.status, record_id=item.id)
    assert edit(staff, kb_of(app).store.get(item.id),
                title="Puntos Violeta in Bilbao (corrected)").status_code == 302
    page = staff.get(f"/staff/sheets/{item.id}/reparse").get_data(as_text=True)
    assert ticked(page) == ["evaluation"]                 # the staff's title is not ticked
    title_row = re.search(r'<tr class="staff-edited">.*?</tr>', page, re.DOTALL).group(0)
    assert 'value="title"' in title_row and "corrected by staff" in title_row

    applied = staff.post(f"/staff/sheets/{item.id}/reparse",
                         data=reparse_form(csrf_of, page, ticked(page)))
    assert applied.status_code == 302
    after = kb_of(app).store.get(item.id).record
    assert after["title"] == "Puntos Violeta in Bilbao (corrected)"       # kept
    assert after["evaluation"] == item.record["evaluation"]               # restored
    entry = AuditLog(kb_of(app).store).entries(record_id=item.id)[0]
    assert entry.action == "reparse" and '"kept": ["title"]' in entry.detail

    # Still the staff's: offered again unticked; ticked by a person, the original wins.
    page = staff.get(f"/staff/sheets/{item.id}/reparse").get_data(as_text=True)
    assert "1 field differs" in page and ticked(page) == []
    nothing = staff.post(f"/staff/sheets/{item.id}/reparse",
                         data=reparse_form(csrf_of, page, []))
    assert nothing.status_code == 302
    assert kb_of(app).store.get(item.id).record["title"].endswith("(corrected)")
    staff.post(f"/staff/sheets/{item.id}/reparse", data=reparse_form(csrf_of, page, ["title"]))
    assert kb_of(app).store.get(item.id).record == item.record
    page = staff.get(f"/staff/sheets/{item.id}/reparse").get_data(as_text=True)
    assert "nothing to apply" in page


def test_reparse_refuses_ticks_that_do_not_make_a_valid_sheet(csrf_of, staff, app):
    item = demo(app, "demo05")
    assert item.record["budget"]["amount"] and item.record["budget"]["currency"]
    kb_of(app).save({**item.record, "budget": None}, item.status, record_id=item.id)
    page = staff.get(f"/staff/sheets/{item.id}/reparse").get_data(as_text=True)
    response = staff.post(f"/staff/sheets/{item.id}/reparse",
                          data=reparse_form(csrf_of, page, ["budget.amount"]))
    assert response.status_code == 422
    text = html.unescape(response.get_data(as_text=True))
    assert "do not make a valid sheet together" in text and "needs a currency" in text
    assert kb_of(app).store.get(item.id).record["budget"] is None


def test_kb_reimport_diff_prints_the_changes_and_stores_nothing(app, home):
    item = demo(app, "demo05")
    changed = altered(app, item)
    untouched = demo(app, "demo01")
    app.extensions["knowledge_base"].close()
    result = CliRunner().invoke(main, ["--home", str(home), "reimport", "--diff", item.id,
                                       untouched.id])
    assert result.exit_code == 0, result.output
    assert f"{item.id}: 2 field(s) would change" in result.output
    assert "  title:\n    - A title typed by hand\n    + " + item.record["title"] in result.output
    assert "  evaluation:" in result.output
    assert untouched.id not in result.output
    assert "1 sheet(s) would change, 1 unchanged, 0 could not be re-parsed" in result.output
    with KnowledgeBase(home) as kb:
        assert kb.store.get(item.id).content_hash == changed.content_hash


# The JSON API

def test_api_writes_need_a_signed_in_user_and_the_csrf_header(csrf_of, password, token, app, client):
    item = demo(app, "demo09")
    csrf = token(client, "/staff/sign-in")
    anonymous = client.put(f"/api/sheets/{item.id}", json=item.record,
                           headers={"X-CSRFToken": csrf})
    assert anonymous.status_code == 401 and anonymous.get_json()["error"]["message"]
    page = client.get("/staff/sign-in").get_data(as_text=True)
    client.post("/staff/sign-in", data={"name": "alice", "password": password,
                                        "csrf_token": csrf_of(page)})
    without = client.put(f"/api/sheets/{item.id}", json=item.record)
    assert without.status_code == 400
    assert kb_of(app).store.get(item.id).version == item.version


def test_api_put_saves_a_valid_record_and_refuses_an_invalid_one(token, staff, app):
    item = demo(app, "demo09")
    headers = {"X-CSRFToken": token(staff)}
    bad = {**item.record, "contact": {"name": "Eva", "email": "nope"}, "language": "xx"}
    refused = staff.put(f"/api/sheets/{item.id}", json=bad, headers=headers)
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["message"]
    assert "not a valid address" in error["fields"]["contact"]["email"][0]
    assert "Language" in error["fields"]["language"][0]
    assert kb_of(app).store.get(item.id).content_hash == item.content_hash
    unknown = staff.put(f"/api/sheets/{item.id}", json={**item.record, "colour": "red"},
                        headers=headers)
    assert unknown.status_code == 422 and "colour" in unknown.get_json()["error"]["fields"]

    good = {**item.record, "title": "Crossroads, renamed by the API"}
    saved = staff.put(f"/api/sheets/{item.id}", json=good, headers=headers)
    assert saved.status_code == 200
    assert saved.get_json()["record"]["title"] == "Crossroads, renamed by the API"
    assert search_ids(staff, "renamed") == [item.id]
    assert audit(app) == [("alice", "edit", item.id)]


def test_api_publish_unpublish_and_delete(token, staff, app, client):
    headers = {"X-CSRFToken": token(staff)}
    incomplete = draft(app)
    refused = staff.post(f"/api/sheets/{incomplete.id}/publish", headers=headers)
    assert refused.status_code == 422
    assert "context" in refused.get_json()["error"]["fields"]
    item = demo(app, "demo10")
    down = staff.post(f"/api/sheets/{item.id}/unpublish", headers=headers)
    assert down.status_code == 200 and down.get_json()["status"] == "draft"
    assert client.get(f"/api/sheets/{item.id}").status_code == 404
    up = staff.post(f"/api/sheets/{item.id}/publish", headers=headers)
    assert up.status_code == 200 and up.get_json()["status"] == "published"
    assert client.get(f"/api/sheets/{item.id}").status_code == 200
    gone = staff.delete(f"/api/sheets/{item.id}", headers=headers)
    assert gone.status_code == 200 and gone.get_json() == {"id": item.id, "deleted": True}
    assert client.get(f"/api/sheets/{item.id}").status_code == 404
    assert staff.delete(f"/api/sheets/{item.id}", headers=headers).status_code == 404
    assert audit(app) == [("alice", "unpublish", item.id), ("alice", "publish", item.id),
                          ("alice", "delete", item.id)]


# The audit log

def test_every_action_is_in_the_audit_log_with_user_action_and_sheet(edit, csrf_of, token, staff, app):
    item = demo(app, "demo11")
    edit(staff, item, city="Porto (city)")
    staff.post(f"/staff/sheets/{item.id}/unpublish", data={"csrf_token": token(staff)})
    staff.post(f"/staff/sheets/{item.id}/publish", data={"csrf_token": token(staff)})
    page = staff.get(f"/staff/sheets/{item.id}/reparse").get_data(as_text=True)
    staff.post(f"/staff/sheets/{item.id}/reparse", data=reparse_form(csrf_of, page, ["city"]))
    staff.post(f"/staff/sheets/{item.id}/delete", data={"csrf_token": token(staff)})
    assert audit(app) == [("alice", action, item.id) for action in
                          ("edit", "unpublish", "publish", "reparse", "delete")]
    log = staff.get("/staff/audit").get_data(as_text=True)
    for label in ("edited", "unpublished", "published", "re-parsed", "deleted"):
        assert f"<td class=\"action\">{label}</td>" in log


# The store

def test_a_database_from_before_review_warnings_is_migrated(tmp_path):
    path = tmp_path / "old.sqlite3"
    old_schema = _SCHEMA.replace(",\n    warnings TEXT NOT NULL DEFAULT '[]'", "")
    assert "warnings" not in old_schema
    with sqlite3.connect(path) as db:
        db.executescript(old_schema)
        db.execute("INSERT INTO records (id, status, sheet_key, content_hash, stamp, record,"
                   " created, updated) VALUES ('old', 'published', 'k', 'h', 's', '{}', 't', 't')")
    db.close()
    store = Store(path)
    try:
        assert store.get("old").warnings == []
        assert [item.id for item in store.review_queue()] == []
    finally:
        store.close()
