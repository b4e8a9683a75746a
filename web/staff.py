"""Staff pages: sign in and out, the staff home, the audit log (filtered by user, action and
dates, newest first, each entry's sheet by its title and its detail in words)."""

from __future__ import annotations

import io
import math
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from marshmallow import (EXCLUDE, Schema, ValidationError, fields, pre_load, validate,
                         validates_schema)

from kb.core.errors import BadParameter
from kb.service.audit import ACTIONS, AuditLog, Entry
from kb.service.users import Users
from web.auth import begin_session, current_user, end_session, staff_required
from web.batches import OUTCOME_LABELS
from web.knowledge import knowledge_base
from web.review import field_label
from web.urls import local_path

blueprint = Blueprint("staff", __name__, url_prefix="/staff")
AUDIT_PAGE = 100
ACTION_LABELS = {
    "import": _l("imported"), "edit": _l("edited"), "publish": _l("published"),
    "unpublish": _l("unpublished"), "delete": _l("deleted"), "reparse": _l("re-parsed"),
    "review": _l("marked as reviewed"),
    "sign-in": _l("signed in"), "sign-out": _l("signed out"),
}


@blueprint.app_context_processor
def audit_labels() -> dict[str, Any]:
    return {"audit_actions": ACTION_LABELS, "audit_summary": audit_summary}


def audit_summary(entry: Entry) -> str:
    """What an entry's detail says, in words: the fields changed, where a sheet came from, the
    address signed in from; never the raw JSON."""
    data = entry.data
    if data is None:
        if entry.action == "sign-in" and entry.detail:
            return _("from %(address)s", address=entry.detail)
        return entry.detail
    if entry.action in ("edit", "reparse"):
        names = ", ".join(field_label(name) for name in data.get("fields") or [])
        kept = ", ".join(field_label(name) for name in data.get("kept") or [])
        if entry.action == "edit":
            text = _("Changed: %(fields)s", fields=names) if names else \
                _("Nothing changed; marked as reviewed")
        else:
            text = _("Taken from the original: %(fields)s", fields=names)
        return text + ("; " + _("kept as stored: %(fields)s", fields=kept) if kept else "")
    if entry.action == "delete":
        return _("It was a draft.") if data.get("status") == "draft" else \
            _("It was published.")
    if entry.action == "import" and "files" in data:
        return ngettext("Upload of %(num)s file finished", "Upload of %(num)s files finished",
                        int(data["files"]))
    if entry.action == "import":
        outcome = OUTCOME_LABELS.get(data.get("outcome"), data.get("outcome") or "")
        return _("%(file)s: %(outcome)s", file=data.get("file") or "", outcome=outcome)
    return "; ".join(f"{key}: {value}" for key, value in data.items())


@blueprint.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    target = local_path(request.values.get("next")) or url_for("staff.home")
    if request.method == "GET":
        if current_user():
            return redirect(target)
        return render_template("staff/sign_in.html", target=target, error=None)
    name = request.form.get("name", "").strip()
    password = request.form.get("password", "")
    address = request.remote_addr or "?"
    with knowledge_base().locked() as kb:
        users = Users(kb.store)
        wait = users.blocked_for(name, address)
        if wait:
            error = _("Too many failed sign-ins. Try again in %(minutes)s minutes.",
                      minutes=math.ceil(wait / 60))
            return render_template("staff/sign_in.html", target=target, error=error,
                                   name=name), 429
        if not users.verify(name, password):
            users.failed(name, address)
            return render_template("staff/sign_in.html", target=target, name=name, error=_(
                "Wrong name or password.")), 401
        users.succeeded(name, address)
        AuditLog(kb.store).record(name, "sign-in", detail=address)
        begin_session(users, name)
    return redirect(target)


@blueprint.post("/sign-out")
def sign_out() -> Any:
    name = current_user()
    with knowledge_base().locked() as kb:
        if name:
            AuditLog(kb.store).record(name, "sign-out")
        end_session(Users(kb.store))
    flash(_("You are signed out."))
    return redirect(url_for("search.page"))


@blueprint.get("/")
@staff_required
def home() -> Any:
    with knowledge_base().locked() as kb:
        counts = {"published": kb.store.count("published"), "draft": kb.store.count("draft")}
        recent = AuditLog(kb.store).entries(limit=10)
    return render_template("staff/home.html", counts=counts, recent=recent)


class AuditArgs(Schema):
    """The audit log's query string; an empty value is no filter."""

    class Meta:
        unknown = EXCLUDE

    user = fields.String(load_default=None, validate=validate.Length(max=200))
    action = fields.String(load_default=None, validate=validate.OneOf(ACTIONS))
    since = fields.Date(load_default=None)
    until = fields.Date(load_default=None)
    before = fields.Integer(load_default=None, validate=validate.Range(min=1))

    @pre_load
    def _blank_is_none(self, data: Any, **kwargs: Any) -> dict[str, Any]:
        return {key: value.strip() for key, value in data.items()
                if isinstance(value, str) and value.strip()}

    @validates_schema
    def _dates_in_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            raise ValidationError("order", "until")


AUDIT_ARG_PROBLEMS = {
    "action": _l("Choose an action from the list."),
    "since": _l("Write the first day as a date, such as 2026-12-01."),
    "until": _l("Write the last day as a date, such as 2026-12-31, on or after the first "
                "day."),
    "before": _l("The page link is broken: open the audit log again."),
    "user": _l("The name is too long: choose a person from the list."),
}


def load_audit_args(args: Any) -> dict[str, Any]:
    """The audit log's filters; a bad value raises BadParameter saying what to do."""
    try:
        return AuditArgs().load(args.to_dict(flat=True))
    except ValidationError as exc:
        name = next(iter(exc.messages))
        raise BadParameter(name, str(AUDIT_ARG_PROBLEMS[name])) from None


@blueprint.get("/audit")
@staff_required
def audit() -> Any:
    if request.args.get("format") == "csv":
        with knowledge_base().locked() as kb:
            out = io.StringIO()
            AuditLog(kb.store).write_csv(out)
        return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
            "Content-Disposition": 'attachment; filename="practice-kb-audit.csv"'})
    chosen = load_audit_args(request.args)
    with knowledge_base().locked() as kb:
        log = AuditLog(kb.store)
        entries = log.entries(limit=AUDIT_PAGE + 1, **chosen)
        users = log.users()
    filters = {name: value for name, value in chosen.items()
               if value is not None and name != "before"}
    older = entries[AUDIT_PAGE - 1].seq if len(entries) > AUDIT_PAGE else None
    return render_template(
        "staff/audit.html", entries=entries[:AUDIT_PAGE], users=users, chosen=chosen,
        filtered=bool(filters), actions=ACTION_LABELS,
        older=url_for("staff.audit", **filters, before=older) if older else None,
        newest=url_for("staff.audit", **filters) if chosen["before"] else None)
