"""Staff review: the queue of drafts and warned sheets, the review page (fields beside the
original), editing, publishing, deleting and re-parsing a sheet, and the same writes in JSON.

    GET       /staff/review                     drafts and sheets imported with warnings,
                                                filtered by warning, status, language, country
    POST      /staff/review/bulk                mark as reviewed many; publish or unpublish
                                                many: the confirmation page, nothing changed
    POST      /staff/review/bulk/confirm        the confirmed publish or unpublish
    GET       /staff/sheets/<id>                the review page
    GET       /staff/sheets/<id>/original       the original file (drafts too)
    GET       /staff/sheets/<id>/pages/<n>.png  page n of a PDF original, drawn (the sheet's pages)
    GET POST  /staff/sheets/<id>/edit           every field, checked by RecordSchema, beside
                                                the original (as on the review page)
    POST      /staff/sheets/<id>/publish        /unpublish (never with a broken field)
    POST      /staff/sheets/<id>/reviewed       mark as reviewed: its warnings are cleared
    GET POST  /staff/sheets/<id>/delete         confirm, then delete (the original stays archived)
    GET POST  /staff/sheets/<id>/reparse        the current importers' per-field diff, then apply
    PUT DELETE /api/sheets/<id>                 JSON record in; 422 {"error": {"message", "fields"}}
    POST      /api/sheets/<id>/publish          /unpublish

Every write is in the audit log. Store and index change together (KnowledgeBase.save syncs the
index), so the search shows an edit at once.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from typing import Any

from flask import (Blueprint, flash, jsonify, redirect, render_template, request, send_file,
                   url_for)
from flask_babel import gettext as _, lazy_gettext as _l
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from importers.limits import DEFAULT_LIMITS
from kb.core.countries import country_code
from kb.core.errors import ImportFailure, InvalidRecord, NotFound
from kb.core.languages import SHEET_LANGUAGES
from kb.core.money import BASES, budget_basis, read_amount
from kb.core.record import message_paths, validated
from kb.core.themes import vocabulary
from kb.service.audit import AuditLog
from kb.service.doubts import broken, doubts
from kb.service.knowledge_base import KnowledgeBase
from kb.service.pages import page_image, page_range
from kb.service.queue import QueueRequest, bulk, preview, review_queue, shown_warnings
from kb.service.review import (LOCATABLE, Reparse, apply, changed_fields, flatten,
                               mark_reviewed, reparse, set_aside, staff_edited,
                               taken_by_default, waiting_version)
from kb.service.store import StoredRecord
from web.auth import current_user, staff_required
from web.errors import json_error
from web.i18n import worded
from web.knowledge import knowledge_base
from web.params import decimal_mark
from web.queue import (BULK_LABELS, CONFIRMED, bulk_messages, changed_since, confirmation,
                       load_bulk_form, load_confirm_form, load_queue_args, queue_chips,
                       queue_filters, queue_pages, queue_sorts, queue_url)

blueprint = Blueprint("review", __name__)
STAFF_LINK = ("review.queue", _l("Review queue"))

FIELD_LABELS = {
    "title": _l("Title"), "city": _l("City"), "country": _l("Country"),
    "organisation": _l("Lead organisation"), "language": _l("Language of the sheet"),
    "themes": _l("Themes"), "themes_inferred": _l("Themes inferred from the text"),
    "keywords": _l("Keywords"), "start_year": _l("Start year"), "end_year": _l("End year"),
    "context": _l("Context"), "objectives": _l("Objectives"), "activities": _l("Activities"),
    "evaluation": _l("Evaluation"), "extra_sections": _l("Other sections"),
    "budget": _l("Budget"), "budget.amount": _l("Budget amount"),
    "budget.currency": _l("Budget currency"), "budget.amount_eur": _l("Budget in EUR"),
    "budget.basis": _l("What the budget covers"),
    "budget.text": _l("Budget as written"), "budget.funding": _l("Funding"),
    "partners": _l("Partners"), "target_groups": _l("Target groups"),
    "contact": _l("Contact"), "contact.name": _l("Contact name"),
    "contact.email": _l("Contact e-mail"), "source": _l("Original file"),
    "source.filename": _l("Original file name"), "source.sha256": _l("Original file SHA-256"),
    "source.format": _l("Original file format"), "source.pages": _l("Pages of the original"),
    "_schema": _l("Sheet"),
}
REQUIRED = ("title", "language", "context", "objectives", "activities")
ONE_LINE = ("title", "city", "organisation")
SECTIONS = ("context", "objectives", "activities", "evaluation")
LINE_LISTS = ("keywords", "partners", "target_groups")


def field_label(name: str) -> str:
    """A field's name for people: "budget.amount" -> "Budget amount"."""
    if name.startswith("extra_sections."):
        return _("Section “%(heading)s”", heading=name.split(".", 1)[1])
    return str(FIELD_LABELS.get(name, name))


@blueprint.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"field_label": field_label}


# The queue and the review page

@blueprint.get("/staff/review")
@staff_required
def queue() -> Any:
    asked = load_queue_args(request.args)
    with _kb() as kb:
        found = review_queue(kb.store, asked)
    return render_template("staff/queue.html", found=found, items=found.items,
                           warnings_of=found.warnings, filters=queue_filters(found),
                           sorts=queue_sorts(found.request), chosen=queue_chips(found.request),
                           paging=queue_pages(found), actions=BULK_LABELS,
                           here=queue_url(found.request, page=found.request.page),
                           everything=queue_url(QueueRequest()))


@blueprint.post("/staff/review/bulk")
@staff_required
def bulk_action() -> Any:
    asked = load_bulk_form(request.form)
    user = current_user()
    if asked["action"] in CONFIRMED and asked["ids"]:
        # Publish and Unpublish change what the public sees: first the page that lists what
        # they would do, changing nothing (web.queue.CONFIRMED says why Mark as reviewed is not).
        with _kb() as kb:
            outcome = preview(kb.store, asked["action"], asked["ids"])
        return render_template("staff/confirm_bulk.html",
                               confirm=confirmation(outcome, asked["back"], user))
    with _kb() as kb:
        log = AuditLog(kb.store)
        outcome = bulk(kb, asked["action"], asked["ids"],
                       lambda action, record_id: log.record(user, action, record_id))
    for message in bulk_messages(outcome):
        flash(message)
    return redirect(asked["back"])


@blueprint.post("/staff/review/bulk/confirm")
@staff_required
def bulk_confirm() -> Any:
    user = current_user()
    asked = load_confirm_form(request.form, user)
    if asked["refused"]:
        return render_template("staff/confirm_bulk.html", refused=asked["refused"],
                               back=asked["back"]), 400
    with _kb() as kb:
        outcome = preview(kb.store, asked["action"], asked["ids"])
        changed = changed_since(outcome, asked)
        if not changed:
            log = AuditLog(kb.store)
            outcome = bulk(kb, asked["action"], asked["ids"],
                           lambda action, record_id: log.record(user, action, record_id))
    if changed:
        # Not what the page said any more: the page again, as the sheets are now.
        return render_template("staff/confirm_bulk.html", confirm=confirmation(
            outcome, asked["back"], user, changed=changed)), 409
    for message in bulk_messages(outcome):
        flash(message)
    return redirect(asked["back"])


@blueprint.get("/staff/sheets/<record_id>")
@staff_required
def sheet(record_id: str) -> Any:
    with _kb() as kb:
        item = _get(kb, record_id)
        history = AuditLog(kb.store).entries(record_id=record_id, limit=20)
    return render_template("staff/review.html", item=item, record=item.record,
                           fields=_shown_fields(item.record), locatable=LOCATABLE,
                           history=history, doubts=doubts(item.record),
                           warnings=shown_warnings(item.record, item.warnings),
                           **_beside(item, _row_id))


@blueprint.get("/staff/sheets/<record_id>/pages/<int:number>.png")
@staff_required
def page(record_id: str, number: int) -> Any:
    shared = knowledge_base()
    with _kb() as kb:
        item = _get(kb, record_id)
    # Drawn in a worker process, outside the lock (like the re-reading of the original).
    try:
        image = page_image(shared.kb, item, number, shared.pages)
    except ImportFailure as exc:
        # The page's <img> shows its alt text; opened alone, the page says why.
        return render_template("error.html", code=422, title=_("The original cannot be shown"),
                               message=worded(exc.message)), 422
    if image is None:
        raise NotFound(_("Sheet %(id)s has no drawn page %(page)s.", id=repr(record_id),
                         page=number))
    response = send_file(io.BytesIO(image), mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=3600"   # a draft's: not shared
    return response


@blueprint.get("/staff/sheets/<record_id>/original")
@staff_required
def original(record_id: str) -> Any:
    path, filename, mimetype = knowledge_base().original(record_id, published_only=False)
    response = send_file(path, mimetype=mimetype, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "private, no-store"     # a draft's: kept nowhere
    return response


# Editing

@blueprint.route("/staff/sheets/<record_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(record_id: str) -> Any:
    with _kb() as kb:
        item = _get(kb, record_id)
    if request.method == "GET":
        return _edit_page(item, form_values(item.record))
    publish = item.status == "draft" and "publish" in request.form
    status = "published" if publish else item.status
    values = form_values_from(request.form)
    data, form_errors = record_from_form(request.form, item.record, status)
    errors = dict(form_errors)
    record = None
    try:
        record = validated(data, status)
    except ValidationError as exc:
        errors.update(message_paths(exc.messages))
    if status == "published":
        for path, message in broken(data).items():
            errors.setdefault(path, []).append(message)
    if errors:
        return _edit_page(item, values, errors), 422
    assert record is not None
    with _kb() as kb:
        current = _get(kb, record_id)
        stale = str(current.version) != request.form.get("version")
        fields = changed_fields(current.record, record)
        reviewed = bool(current.warnings)
        if not stale:
            if fields or reviewed or publish:
                kb.save(record, status, record_id=record_id, warnings=[])
            log = AuditLog(kb.store)
            if fields or reviewed:
                log.record(current_user(), "edit", record_id, {"fields": fields})
            if publish:
                log.record(current_user(), "publish", record_id)
    if stale:
        # Made outside the lock: the page reads the original in a worker.
        return _edit_page(current, values, conflict=True), 409
    if publish:
        flash(_("Saved and published."))
    elif fields:
        flash(_("Saved: %(fields)s.", fields=", ".join(field_label(name) for name in fields)))
    elif reviewed:
        flash(_("Nothing changed; the sheet is marked as reviewed."))
    else:
        flash(_("Nothing changed."))
    return redirect(url_for("review.sheet", record_id=record_id))


def _edit_page(item: StoredRecord, values: dict[str, Any],
               errors: dict[str, list[str]] | None = None, *, conflict: bool = False,
               publishing: bool = False) -> str:
    errors = {path: [worded(text) for text in texts] for path, texts in (errors or {}).items()}
    # Typed by hand or saved by the API: no original, the form alone.
    beside = _beside(item, _control_id) if item.source_sha256 else {}
    return render_template(
        "staff/edit.html", item=item, values=values, errors=_form_errors(errors),
        summary=[(_error_field(path), field_label(path), text)
                 for path, texts in errors.items() for text in texts],
        conflict=conflict, publishing=publishing, languages=SHEET_LANGUAGES,
        themes=list(vocabulary()), bases=BASES, beside=beside,
        paths={_error_field(path): path for path in FIELD_LABELS
               if path.startswith(("budget.", "contact."))},
        doubts={_error_field(path): message for path, message in doubts(item.record).items()})


def form_values(record: dict[str, Any]) -> dict[str, Any]:
    """A stored record as the edit form shows it: text in inputs, lists one per line."""
    budget = record.get("budget") or {}
    contact = record.get("contact") or {}
    values = {name: record.get(name) or "" for name in (*ONE_LINE, "country", "language",
                                                         *SECTIONS)}
    values.update({name: "\n".join(record.get(name) or []) for name in LINE_LISTS})
    values["themes"] = list(record.get("themes") or [])
    values["start_year"] = _text(record.get("start_year"))
    values["end_year"] = _text(record.get("end_year"))
    values["budget_amount"] = _text(budget.get("amount"))
    values["budget_currency"] = budget.get("currency") or ""
    values["budget_text"] = budget.get("text") or ""
    # Shown only when staff chose it: otherwise the text says what the figure covers.
    values["budget_basis"] = (budget.get("basis") or "") if budget.get("basis") != \
        budget_basis(budget.get("text")) else ""
    values["budget_funding"] = "\n".join(budget.get("funding") or [])
    values["contact_name"] = contact.get("name") or ""
    values["contact_email"] = contact.get("email") or ""
    values["extras"] = [*(record.get("extra_sections") or {}).items(), ("", "")]
    return values


def form_values_from(form: MultiDict) -> dict[str, Any]:
    """What was typed, shown again as it was when the form comes back with errors."""
    values = {name: form.get(name, "") for name in (
        *ONE_LINE, "country", "language", *SECTIONS, *LINE_LISTS, "start_year", "end_year",
        "budget_amount", "budget_currency", "budget_basis", "budget_text", "budget_funding",
        "contact_name", "contact_email")}
    values["themes"] = form.getlist("themes")
    extras = list(zip(form.getlist("extra_heading"), form.getlist("extra_text")))
    values["extras"] = [pair for pair in extras if pair[0].strip() or pair[1].strip()] + [("", "")]
    return values


def record_from_form(form: MultiDict, stored: dict[str, Any], status: str
                     ) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The record the form describes, for RecordSchema to check, and the errors the form
    itself finds (a section's text without a heading)."""
    data: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in (*ONE_LINE, "country", "language", *SECTIONS):
        value = _multiline(form.get(name, ""))
        if name in ONE_LINE:
            value = " ".join(value.split())
        if name == "country":
            # A name in any of the importer's languages ("Portugal", "Allemagne"), or a code;
            # what is neither stays as typed, for the schema to name the problem.
            value = country_code(value) or value.upper()
        if value:
            data[name] = value
        elif name not in REQUIRED:
            data[name] = None
        elif status == "published":
            data[name] = ""           # the schema says which required field is empty
        # a draft may lack a required field: it is left out
    data["themes"] = form.getlist("themes")
    data["themes_inferred"] = False         # staff saw the themes and kept them
    for name in LINE_LISTS:
        data[name] = _lines(form.get(name, ""))
    for name in ("start_year", "end_year"):
        data[name] = form.get(name, "").strip() or None
    extras: dict[str, str] = {}
    for heading, text in zip(form.getlist("extra_heading"), form.getlist("extra_text")):
        heading, text = " ".join(heading.split()), _multiline(text)
        if text and not heading:
            errors.setdefault("extra_sections", []).append(
                _("Give every other section a heading, or empty its text to remove it."))
        elif heading and text:
            extras[heading] = text
    data["extra_sections"] = extras
    typed = form.get("budget_amount", "").strip()
    # "12,000" or "12 000" as people write amounts; what is not an amount goes on as typed.
    amount = read_amount(typed, decimal_mark()) if typed else None
    budget = {"amount": (amount if amount is not None else typed) or None,
              "currency": form.get("budget_currency", "").strip().upper() or None,
              "text": _multiline(form.get("budget_text", "")),
              "funding": _lines(form.get("budget_funding", ""))}
    basis = form.get("budget_basis", "").strip() or None
    data["budget"] = {**budget, "basis": basis} if any(budget.values()) else None
    contact = {"name": " ".join(form.get("contact_name", "").split()) or None,
               "email": form.get("contact_email", "").strip() or None}
    data["contact"] = contact if any(contact.values()) else None
    data["source"] = stored.get("source")
    return data, errors


def _multiline(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _error_field(path: str) -> str:
    """The form control an error belongs to: "budget.currency" -> "budget_currency"."""
    head, _, rest = path.partition(".")
    if head in ("budget", "contact") and rest:
        return f"{head}_{rest.split('.')[0]}"
    return head


def _form_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for path, texts in errors.items():
        out.setdefault(_error_field(path), []).extend(texts)
    return out


# Publishing, deleting

@blueprint.post("/staff/sheets/<record_id>/publish")
@staff_required
def publish(record_id: str) -> Any:
    with _kb() as kb:
        item = _get(kb, record_id)
        if item.status == "published":
            flash(_("This sheet is already published."))
            return redirect(url_for("review.sheet", record_id=record_id))
        # A field the importer knows is broken is never published, complete or not.
        errors: dict[str, list[str]] = {path: [message] for path, message
                                        in broken(item.record).items()}
        if not errors:
            try:
                kb.set_status(record_id, "published")
            except InvalidRecord as exc:
                errors = message_paths(exc.fields)
            else:
                AuditLog(kb.store).record(current_user(), "publish", record_id)
    if errors:
        # Why not, beside the fields, in the form that fixes it: it stays a draft.
        return _edit_page(item, form_values(item.record), errors, publishing=True), 422
    flash(_("Published: the sheet is now public."))
    return redirect(url_for("review.sheet", record_id=record_id))


@blueprint.post("/staff/sheets/<record_id>/reviewed")
@staff_required
def reviewed(record_id: str) -> Any:
    with _kb() as kb:
        item = _get(kb, record_id)
        mark_reviewed(kb, item)
        AuditLog(kb.store).record(current_user(), "review", record_id)
    if item.status == "draft":
        flash(_("Marked as reviewed. It stays in the queue as a draft until it is published."))
    else:
        flash(_("Marked as reviewed: the sheet has left the review queue."))
    return redirect(url_for("review.sheet", record_id=record_id))


@blueprint.post("/staff/sheets/<record_id>/unpublish")
@staff_required
def unpublish(record_id: str) -> Any:
    with _kb() as kb:
        item = _get(kb, record_id)
        if item.status == "draft":
            flash(_("This sheet is already a draft."))
            return redirect(url_for("review.sheet", record_id=record_id))
        kb.set_status(record_id, "draft")
        AuditLog(kb.store).record(current_user(), "unpublish", record_id)
    flash(_("Unpublished: the sheet is a draft again, hidden from the public."))
    return redirect(url_for("review.sheet", record_id=record_id))


@blueprint.route("/staff/sheets/<record_id>/delete", methods=["GET", "POST"])
@staff_required
def delete(record_id: str) -> Any:
    with _kb() as kb:
        item = _get(kb, record_id)
        if request.method == "POST":
            _delete(kb, item)
    if request.method == "GET":
        return render_template("staff/delete.html", item=item, record=item.record)
    flash(_("Deleted “%(title)s”. Its original file stays in the archive.",
            title=item.record.get("title") or record_id))
    return redirect(url_for("review.queue"))


def _delete(kb: KnowledgeBase, item: StoredRecord) -> None:
    kb.delete(item.id)
    AuditLog(kb.store).record(current_user(), "delete", item.id, {
        "title": item.record.get("title"), "status": item.status,
        "original_sha256": item.source_sha256})


# Re-parsing

@blueprint.route("/staff/sheets/<record_id>/reparse", methods=["GET", "POST"])
@staff_required
def reparse_sheet(record_id: str) -> Any:
    with _kb() as kb:
        item = _get(kb, record_id)
    # A new version uploaded for review is offered, field by field, like a re-reading.
    found = waiting_version(item) or _reparse(item)
    if request.method == "GET":
        return _reparse_page(found)
    if found.record is None:
        return _reparse_page(found), 422
    if request.form.get("digest") != found.digest or \
            request.form.get("version") != str(item.version):
        return _reparse_page(found, conflict=True), 409
    # Field by field: only the ticked changes are applied, the rest stays as stored.
    offered = {change.field for change in found.changes}
    chosen = set(request.form.getlist("apply")) & offered
    if not chosen and found.pending is not None:
        # Nothing of the new version is wanted: it waits no more.
        with _kb() as kb:
            set_aside(kb, _get(kb, record_id))
            AuditLog(kb.store).record(current_user(), "reparse", record_id, {"fields": []})
        flash(_("No change was ticked: the new version was set aside and the published sheet "
                "kept as it is."))
        return redirect(url_for("review.sheet", record_id=record_id))
    if not chosen:
        flash(_("No change was ticked: the sheet was kept as it is."))
        return redirect(url_for("review.sheet", record_id=record_id))
    fields = list(dict.fromkeys(name.split(".")[0] for name in sorted(chosen)))
    kept = sorted(offered - chosen)
    refused: InvalidRecord | None = None
    with _kb() as kb:
        stale = _get(kb, record_id).version != item.version
        if not stale:
            try:
                apply(kb, found, chosen)
            except InvalidRecord as exc:
                refused = exc
            else:
                AuditLog(kb.store).record(current_user(), "reparse", record_id,
                                          {"fields": fields, "kept": kept} if kept else
                                          {"fields": fields})
    # The page is made outside the lock: it reads the audit log under it.
    if stale:
        return _reparse_page(found, conflict=True), 409
    if refused is not None:
        return _reparse_page(found, errors=refused.message, chosen=chosen), 422
    if kept:
        flash(_("Re-parsed: %(fields)s taken from the original; %(kept)s kept as stored.",
                fields=", ".join(field_label(name) for name in sorted(chosen)),
                kept=", ".join(field_label(name) for name in kept)))
    else:
        flash(_("Re-parsed: the sheet now holds what the current importers read in its "
                "original."))
    return redirect(url_for("review.sheet", record_id=record_id))


def _reparse_page(found: Reparse, *, conflict: bool = False, errors: str | None = None,
                  chosen: set[str] | None = None) -> str:
    with _kb() as kb:
        edited = staff_edited(AuditLog(kb.store).entries(record_id=found.item.id))
    changes = found.changes
    if chosen is None:
        # Staff's own corrections are kept unless a person ticks them.
        chosen = taken_by_default(changes, edited)
    return render_template("staff/reparse.html", item=found.item, found=found,
                           changes=changes, conflict=conflict, edited=edited, chosen=chosen,
                           errors=errors)


def _reparse(item: StoredRecord) -> Reparse:
    """The importers' reading of the original, in a worker process, outside the lock: the
    archive and the scratch folder are files, no store or index is touched."""
    shared = knowledge_base()
    with closing(reparse(shared.kb, [item], DEFAULT_LIMITS, workers=1,
                         cache=shared.sources)) as found:
        return next(found)


def _beside(item: StoredRecord, target: Callable[[str], str]) -> dict[str, Any]:
    """What the original's pane needs (staff/_review_macros.html original_pane), for the review
    page and the edit form alike; `target` names the element of the page that holds a field."""
    with _kb() as kb:
        files = [row.filename for row in kb.store.files_of(item.id)]
    found = _reparse(item)
    return {"found": found, "locations": found.locations(), "drawn": page_range(item),
            "files": files, "target": target}


def _row_id(name: str) -> str:
    """The review table's row of a field."""
    return "field-" + name.replace(" ", "_")


def _control_id(name: str) -> str:
    """The edit form's control of a field: "budget.text" -> "field-budget_text"."""
    return "field-" + _error_field(name)


def _shown_fields(record: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(name, value) for name, value in flatten(record).items()
            if not name.startswith("source.") and name != "themes_inferred"]


# The same writes in JSON

@blueprint.put("/api/sheets/<record_id>")
@staff_required
def api_update(record_id: str) -> Any:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return json_error(400, _("Send the sheet's record as a JSON object."))
    with _kb() as kb:
        item = _get(kb, record_id)
        # The original file is provenance, not something to edit.
        data = {**body, "source": item.record.get("source")}
        try:
            record = validated(data, item.status)
        except ValidationError as exc:
            return json_error(422, _("The record is not valid: see fields."), fields=exc.messages)
        fields = changed_fields(item.record, record)
        if fields or item.warnings:
            item = kb.save(record, item.status, record_id=record_id, warnings=[])
            AuditLog(kb.store).record(current_user(), "edit", record_id, {"fields": fields})
        return jsonify(kb.sheet_json(item))


@blueprint.post("/api/sheets/<record_id>/publish")
@staff_required
def api_publish(record_id: str) -> Any:
    return _api_status(record_id, "published")


@blueprint.post("/api/sheets/<record_id>/unpublish")
@staff_required
def api_unpublish(record_id: str) -> Any:
    return _api_status(record_id, "draft")


def _api_status(record_id: str, status: str) -> Any:
    with _kb() as kb:
        item = _get(kb, record_id)
        if item.status != status:
            try:
                item = kb.set_status(record_id, status)
            except InvalidRecord as exc:
                return json_error(422, _("This draft cannot be published yet: see fields."),
                                  fields=exc.fields)
            AuditLog(kb.store).record(current_user(),
                                      "publish" if status == "published" else "unpublish",
                                      record_id)
        return jsonify(kb.sheet_json(item))


@blueprint.delete("/api/sheets/<record_id>")
@staff_required
def api_delete(record_id: str) -> Any:
    with _kb() as kb:
        _delete(kb, _get(kb, record_id))
    return jsonify({"id": record_id, "deleted": True})



# Shared

@contextmanager
def _kb() -> Iterator[KnowledgeBase]:
    with knowledge_base().locked() as kb:
        yield kb


def _get(kb: KnowledgeBase, record_id: str) -> StoredRecord:
    item = kb.store.get(record_id)
    if item is None:
        raise NotFound(_("No sheet with id %(id)s.", id=repr(record_id)))
    return item
