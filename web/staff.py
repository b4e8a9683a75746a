"""Staff pages: sign in and out, the staff home, the audit log."""

from __future__ import annotations

import io
import math
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l

from kb.service.audit import AuditLog
from kb.service.users import Users
from web.auth import begin_session, current_user, end_session, staff_required
from web.knowledge import knowledge_base
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
    return {"audit_actions": ACTION_LABELS}


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


@blueprint.get("/audit")
@staff_required
def audit() -> Any:
    before = request.args.get("before", type=int)
    with knowledge_base().locked() as kb:
        log = AuditLog(kb.store)
        if request.args.get("format") == "csv":
            out = io.StringIO()
            log.write_csv(out)
            return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
                "Content-Disposition": 'attachment; filename="practice-kb-audit.csv"'})
        entries = log.entries(limit=AUDIT_PAGE, before=before)
    older = entries[-1].seq if len(entries) == AUDIT_PAGE else None
    return render_template("staff/audit.html", entries=entries, older=older)

