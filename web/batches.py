"""Staff uploads: many PDF, Word and zip files at once, imported in the background by the same
bulk import as `kb import`; each batch has a page with its progress, then its report.

    GET  /staff/batches               the upload form and the recent batches
    POST /staff/batches               upload (field "files", several) -> 303 to the batch page
    GET  /staff/batches/<id>          progress while running, the per-file report when done
    GET  /staff/batches/<id>.json     the batch as JSON (also ?format=json), for polling
    GET  /staff/batches/<id>/report.csv
    POST /api/batches                 upload -> 202 {"id", "url", "page"}
    GET  /api/batches/<id>            the batch as JSON
"""

from __future__ import annotations

import io
import re
import shutil
import unicodedata
from dataclasses import asdict
from pathlib import Path, PurePosixPath
from typing import Any

from flask import (Blueprint, Response, current_app, jsonify, redirect, render_template,
                   request, url_for)
from flask_babel import gettext as _, lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from importers.limits import MB
from importers.report import OUTCOMES, FileOutcome, ImportReport
from importers.submissions import ARCHIVE_SUFFIX, NOT_A_SHEET, SHEET_SUFFIXES
from kb.service.backup import spreadsheet_safe
from kb.service.batches import Batch, Batches, Upload, batch_folder, files_folder, load_report, start
from kb.service.importing import ImportOptions, shortened_name
from kb.core.errors import NotFound, UploadRefused
from web.auth import current_user, staff_required
from web.errors import json_error
from web.i18n import number
from web.knowledge import knowledge_base

blueprint = Blueprint("batches", __name__, url_prefix="/staff/batches")
api = Blueprint("batches_api", __name__, url_prefix="/api/batches")

RECENT = 30
# Seconds between two looks at a running batch (the page's refresh, the script's polling).
POLL_SECONDS = 3
# What the file picker offers: every format the importers read, and zips of them.
ACCEPT = ",".join(sorted(SHEET_SUFFIXES | {ARCHIVE_SUFFIX}))
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
OUTCOME_LABELS = {
    "imported": _l("imported"),
    "updated": _l("updated"),
    "unchanged": _l("unchanged"),
    "duplicate": _l("duplicate"),
    "draft": _l("kept as draft"),
    "rejected": _l("rejected"),
}
# Why a file was refused (the kinds of kb.core.errors), as staff read it.
KIND_LABELS = {
    "unsupported-format": _l("not a sheet format"),
    "unreadable": _l("unreadable file"),
    "encrypted": _l("encrypted file"),
    "no-text": _l("no text layer"),
    "not-a-sheet": _l("not a practice sheet"),
    "invalid": _l("incomplete sheet"),
    "too-large": _l("too large"),
    "timeout": _l("took too long to read"),
    "unsafe-archive": _l("unsafe zip file"),
    "import-failure": _l("import failure"),
}
STATE_LABELS = {
    "queued": _l("waiting to start"),
    "running": _l("importing"),
    "done": _l("done"),
    "failed": _l("stopped on an error"),
    "interrupted": _l("interrupted"),
}


# Why an entry of a zip was skipped (importers.submissions, in English for the command line).
SKIP_LABELS = {
    NOT_A_SHEET: _l("not a PDF, Word or zip file"),
    "macOS or Windows folder metadata": _l("macOS or Windows folder metadata"),
    "hidden folder": _l("hidden folder"),
    "hidden file": _l("hidden file"),
    "Office lock file": _l("Office lock file"),
}
STAFF_LINK = ("batches.upload", _l("Upload sheets"))


# Pages

@blueprint.get("", endpoint="upload")
@blueprint.get("/new", endpoint="new")
@staff_required
def upload_page() -> Any:
    return _upload_page()


@blueprint.post("", endpoint="create")
@staff_required
def create() -> Any:
    try:
        batch = _receive()
    except UploadRefused as exc:
        return _upload_page(exc.message, exc.status)
    return redirect(url_for("batches.batch", batch_id=batch.id), 303)


@blueprint.get("/<batch_id>")
@staff_required
def batch(batch_id: str) -> Any:
    found, report = _load(batch_id)
    if request.args.get("format") == "json":
        return jsonify(_as_json(found, report))
    published: set[str] = set()
    titles: dict[str, str] = {}
    if report is not None:
        ids = sorted({item.record_id for item in report.files if item.record_id})
        with knowledge_base().locked() as kb:
            stored = kb.store.get_many(ids)
        published = {rid for rid, item in stored.items() if item.status == "published"}
        # A file already imported ("unchanged") reports no title of its own: the sheet's.
        titles = {rid: item.record.get("title") or "" for rid, item in stored.items()}
    return render_template("staff/batch.html", batch=found, report=report, published=published,
                           outcome_labels=OUTCOME_LABELS, state_labels=STATE_LABELS,
                           kind_labels=KIND_LABELS, skip_labels=SKIP_LABELS, titles=titles,
                           outcomes=OUTCOMES, poll_seconds=POLL_SECONDS)


@blueprint.get("/<batch_id>.json")
@staff_required
def batch_json(batch_id: str) -> Any:
    return jsonify(_as_json(*_load(batch_id)))


@blueprint.get("/<batch_id>/report.csv")
@staff_required
def report_csv(batch_id: str) -> Any:
    found, report = _load(batch_id)
    if report is None:
        raise NotFound(_("The report of upload %(id)s is not ready: wait until the batch is "
                         "done.", id=found.id))
    safe = ImportReport(files=[_spreadsheet_safe(item) for item in report.files])
    out = io.StringIO()
    safe.write_csv(out)
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="practice-kb-upload-{found.id}.csv"'})


# The API

@api.post("", endpoint="create")
@staff_required
def api_create() -> Any:
    try:
        batch = _receive()
    except UploadRefused as exc:
        return json_error(exc.status, exc.message)
    url = url_for("batches_api.status", batch_id=batch.id)
    return jsonify({"id": batch.id, "url": url,
                    "page": url_for("batches.batch", batch_id=batch.id)}), 202, {"Location": url}


@api.get("/<batch_id>")
@staff_required
def status(batch_id: str) -> Any:
    return jsonify(_as_json(*_load(batch_id)))


def too_large(exc: Exception) -> Any:
    """413: the upload is over MAX_CONTENT_LENGTH, or has more parts than Flask reads."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    length = request.content_length
    if limit and length is not None and length <= limit:
        message = _("There are too many files in this upload: send them in several uploads, "
                    "or put them in a zip.")
    else:
        message = _("The upload is larger than %(size)s MB: send fewer files at once or a "
                    "smaller zip.", size=_megabytes(limit))
    if request.path.startswith("/api/"):
        return json_error(413, message)
    if current_user() is None:
        return render_template("error.html", code=413, title=_("Upload too large"),
                               message=message), 413
    return _upload_page(message, 413)


blueprint.register_error_handler(413, too_large)
api.register_error_handler(413, too_large)


# Helpers

def _upload_page(error: str | None = None, status: int = 200) -> Any:
    with knowledge_base().locked() as kb:
        recent = Batches(kb.store).recent(RECENT)
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return render_template("staff/upload.html", error=error, recent=recent, accept=ACCEPT,
                           max_bytes=limit or 0, max_mb=_megabytes(limit) if limit else None,
                           state_labels=STATE_LABELS, outcome_labels=OUTCOME_LABELS), status


def _receive() -> Batch:
    """Save the uploaded files under the home, record the batch and start its import."""
    files = [storage for storage in request.files.getlist("files") if storage.filename]
    if not files:
        raise UploadRefused(_("Choose at least one PDF, Word or zip file to upload."))
    user = current_user()
    assert user is not None                     # staff_required
    home = knowledge_base().kb.home
    batch_id = Batches.new_id()
    try:
        uploads = _save(files, files_folder(home, batch_id))
    except OSError as exc:
        shutil.rmtree(batch_folder(home, batch_id), ignore_errors=True)
        current_app.logger.error("Upload %s could not be saved: %s", batch_id, exc)
        raise UploadRefused(_("The files could not be saved on the server (%(reason)s); try "
                              "again later or tell the site team.",
                              reason=exc.strerror or exc), 507) from exc
    with knowledge_base().locked() as kb:
        batch = Batches(kb.store).create(batch_id, user, len(uploads))
    # Uploaded sheets wait for review as drafts unless the uploader publishes them at once.
    options = ImportOptions(workers=current_app.config.get("UPLOAD_WORKERS"),
                            draft=request.form.get("draft") == "1",
                            publish=request.form.get("publish") == "1")
    start(home, batch_id, user, uploads, options)
    return batch


def _save(files: list[FileStorage], folder: Path) -> list[Upload]:
    """Each file in a numbered folder of its own, under a safe name: names may repeat."""
    uploads = []
    for number_, storage in enumerate(files):
        name = _given_name(storage.filename or "")
        path = folder / f"{number_:05d}" / _safe_name(name)
        path.parent.mkdir(parents=True)
        try:
            storage.save(path)          # copied from werkzeug's spooled file in chunks
        finally:
            storage.close()
        uploads.append(Upload(path, name))
    return uploads


def _given_name(filename: str) -> str:
    """The file's own name, without a folder some browsers send along."""
    return filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or "upload"


def _safe_name(name: str) -> str:
    """A name safe on disk that keeps the file's extension (the importer reads it) and its
    letters in any script (the record names its file by it, as `kb import` does): separators,
    control and reserved characters become "_", and a name too long for a file system is cut
    (a 3,000-character name is no storage failure)."""
    name = unicodedata.normalize("NFC", name)
    suffix = PurePosixPath(name).suffix
    suffix = suffix if suffix[1:].isalnum() and len(suffix) <= 8 else ""
    stem = name[:-len(suffix)] if suffix else name
    stem = _UNSAFE.sub("_", stem).strip(" .") or "upload"
    return shortened_name(stem + suffix)


def _load(batch_id: str) -> tuple[Batch, ImportReport | None]:
    found = None
    if Batches.valid_id(batch_id):
        with knowledge_base().locked() as kb:
            found = Batches(kb.store).get(batch_id)
            home = kb.home
    if found is None:
        raise NotFound(_("There is no upload %(id)s; the list of uploads links to each one.",
                         id=repr(batch_id)))
    report = None
    if found.status == "done" and found.report:
        try:
            report = load_report(home / found.report)
        except FileNotFoundError:
            current_app.logger.error("The report of upload %s is missing", batch_id)
    return found, report


def _as_json(found: Batch, report: ImportReport | None) -> dict[str, Any]:
    data = found.as_json()
    data["page"] = url_for("batches.batch", batch_id=found.id)
    if report is not None:
        data["report_csv"] = url_for("batches.report_csv", batch_id=found.id)
        data["files"] = [item.as_dict() for item in report.files]
        data["ignored"] = [{"file": name, "reason": reason} for name, reason in report.ignored]
    return data


def _spreadsheet_safe(item: FileOutcome) -> FileOutcome:
    """A report line whose text cells a spreadsheet will not run as formulas."""
    fields = {key: spreadsheet_safe(value) if isinstance(value, str) else value
              for key, value in asdict(item).items()}
    fields["warnings"] = [spreadsheet_safe(text) for text in item.warnings]
    return FileOutcome(**fields)


def _megabytes(size: int | None) -> str:
    value = (size or 0) / MB
    return number(value, 0 if value == int(value) else 2)

