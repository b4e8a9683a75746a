"""The review queue's page: its query string checked by a schema, its filters as buckets
{value, label, count, selected, url} with the links computed here (templates only loop), its
sort links, and the messages of a bulk action, sheet by sheet. A bulk Publish or Unpublish
is asked first and confirmed on a page of its own: the confirmation carries a signed token of
the sheets it lists, so a confirmation forged, older than an hour, or made before one of its
sheets changed publishes nothing.

    warning   a warning's kind (kb.service.queue.warning_kind)     status  draft | published
    language  the sheet's language code                           country a country code
    sort      newest | title | city | warnings                    page    1, 2...
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate
from werkzeug.datastructures import MultiDict

from kb.core.errors import BadParameter
from kb.service.queue import (ACTIONS, FILTERS, MAX_BULK, OTHER, SORTS, STATUSES, Outcome,
                              QueuePage, QueueRequest, shown_warnings)
from kb.service.store import StoredRecord
from web import i18n
from web.i18n import worded
from web.urls import local_path

# What each kind of warning means, as the queue's filter names it (the warning itself, with
# its values, is shown on each sheet).
WARNING_KINDS = {
    "budget-missing": _l("No budget figure was found"),
    "budget-unreadable": _l("Budget amount unreadable"),
    "evaluation-missing": _l("No evaluation section"),
    "themes-inferred": _l("Themes inferred from the text"),
    "themes-missing": _l("No theme"),
    "country-missing": _l("No country"),
    "country-unknown": _l("Unknown country name"),
    "city-without-country": _l("City without its country"),
    "contact-email-broken": _l("Broken contact e-mail"),
    "contact-email-domain-unknown": _l("Contact e-mail with an unknown domain"),
    "contact-name-label": _l("Contact name is a label word"),
    "contact-name-marks": _l("Contact name with stray marks"),
    "ocr-read": _l("Read by OCR"),
    "row-unread": _l("A row was not read"),
    "near-duplicate": _l("Near-duplicate of another sheet"),
    "name-shortened": _l("File name shortened"),
    "new-version-waiting": _l("New version waiting for review"),
    OTHER: _l("Other warnings"),
}
FILTER_TITLES = {"warning": _l("Warning"), "status": _l("Status"),
                 "language": _l("Language"), "country": _l("Country")}
STATUS_LABELS = {"draft": _l("Drafts"), "published": _l("Published, with warnings")}
SORT_LABELS = {"newest": _l("Newest"), "title": _l("Title"), "city": _l("City"),
               "warnings": _l("Most warnings")}
BULK_LABELS = {"review": _l("Mark as reviewed"), "publish": _l("Publish"),
               "unpublish": _l("Unpublish")}
# The bulk actions that change what the public sees, and so are confirmed on a page first.
# Mark as reviewed is one step: it only clears the review warnings (a sheet keeps its status,
# nothing public changes) and the audit log names each sheet it was done to.
CONFIRMED = ("publish", "unpublish")
# How long a confirmation page may wait before its button is refused.
CONFIRM_MAX_AGE = 3600
_CONFIRM_SALT = "bulk-confirm"


class QueueArgs(Schema):
    """The queue's query string; an empty value is no filter."""

    class Meta:
        unknown = EXCLUDE

    warning = fields.String(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    language = fields.String(load_default=None, validate=validate.Length(max=10))
    country = fields.String(load_default=None, validate=validate.Length(max=10))
    sort = fields.String(load_default="newest", validate=validate.OneOf(SORTS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))

    @pre_load
    def _blank_is_none(self, data: Any, **kwargs: Any) -> dict[str, Any]:
        return {key: value.strip() for key, value in data.items()
                if isinstance(value, str) and value.strip()}


def load_queue_args(args: MultiDict) -> QueueRequest:
    """The QueueRequest of the page's query string; a bad value raises BadParameter with a
    message saying what to do (the page shows it instead of the queue)."""
    try:
        loaded = QueueArgs().load(args.to_dict(flat=True))
    except ValidationError as exc:
        name = next(iter(exc.messages))
        value = args.get(name, "")
        message = {
            "status": _("“%(value)s” is not a status of the queue: choose drafts or published "
                        "sheets with warnings.", value=value),
            "sort": _("The queue cannot be sorted by “%(value)s”: sort it by date, title, city "
                      "or number of warnings.", value=value),
            "page": _("The page number must be a whole number, such as 2."),
        }.get(name, _("“%(value)s” is too long for a filter of the queue: use its links.",
                      value=value[:40]))
        raise BadParameter(name, message) from None
    return QueueRequest(**loaded)


def queue_url(request: QueueRequest, **changes: Any) -> str:
    """The queue's URL for `request` with some values changed (None removes one); the page
    goes back to 1 unless it is given."""
    values = {name: request.selected(name) for name in FILTERS}
    values["sort"] = request.sort if request.sort != "newest" else None
    values.update(changes)
    return url_for("review.queue", **{name: value for name, value in values.items()
                                      if value is not None and (name, value) != ("page", 1)})


def _label(name: str, value: str) -> str:
    if name == "warning":
        return str(WARNING_KINDS.get(value, value))
    if name == "status":
        return str(STATUS_LABELS[value])
    if not value:
        return _("Not given")
    if name == "language":
        return i18n.language_name(value)
    return i18n.facet_label("country", value)


def queue_filters(found: QueuePage) -> list[dict[str, Any]]:
    """Each filter of the queue: its title, the URL without it, and its buckets, most sheets
    first (a chosen value is kept even when no sheet has it any more)."""
    request = found.request
    out = []
    for name in FILTERS:
        counts = dict(found.counts[name])
        chosen = request.selected(name)
        if chosen is not None:
            counts.setdefault(chosen, 0)
        buckets = [{"value": value, "label": _label(name, value), "count": count,
                    "selected": value == chosen,
                    "url": queue_url(request, **{name: None if value == chosen else value})}
                   for value, count in counts.items()]
        buckets.sort(key=lambda bucket: (-bucket["count"], bucket["label"]))
        if len(buckets) > 1 or chosen is not None:
            out.append({"name": name, "title": FILTER_TITLES[name], "buckets": buckets,
                        "clear": queue_url(request, **{name: None}), "chosen": chosen})
    return out


def queue_sorts(request: QueueRequest) -> list[dict[str, Any]]:
    return [{"label": SORT_LABELS[sort], "selected": sort == request.sort,
             "url": queue_url(request, sort=None if sort == "newest" else sort)}
            for sort in SORTS]


def queue_chips(request: QueueRequest) -> list[dict[str, Any]]:
    """The filters chosen, each with the link that removes it."""
    return [{"title": FILTER_TITLES[name], "label": _label(name, request.selected(name)),
             "url": queue_url(request, **{name: None})}
            for name in FILTERS if request.selected(name) is not None]


# Bulk actions

def load_bulk_form(form: MultiDict) -> dict[str, Any]:
    """The bulk form: the action, the ticked sheets (or every sheet shown, when "all shown" is
    ticked) and the queue's URL to go back to."""
    action = form.get("action", "")
    if action not in ACTIONS:
        raise BadParameter("action", _("Choose what to do with the ticked sheets: mark them "
                                       "as reviewed, publish or unpublish them."))
    # "All shown" is a choice of the form ("which"), so it needs no script to tick the rows:
    # the sheets the page showed are in its hidden "shown" fields.
    ids = form.getlist("shown") if form.get("which") == "shown" else form.getlist("id")
    ids = [record_id for record_id in dict.fromkeys(ids) if record_id.strip()]
    if len(ids) > MAX_BULK:
        raise BadParameter("id", _("At most %(limit)s sheets can be changed at once; filter "
                                   "the queue to fewer.", limit=MAX_BULK))
    back = local_path(form.get("back")) or url_for("review.queue")
    return {"action": action, "ids": ids, "back": back}


def bulk_messages(outcome: Outcome) -> list[str]:
    """What a bulk action did: how many sheets changed, how many were already so, and each
    sheet that could not be changed, with why."""
    done, action = len(outcome.done), outcome.action
    if not (outcome.done or outcome.unchanged or outcome.failed or outcome.missing):
        return [_("No sheet was ticked: tick the sheets to change, or “All shown”, then "
                  "choose the action.")]
    messages = []
    if done or not (outcome.unchanged or outcome.failed):
        messages.append({
            "review": ngettext("%(num)s sheet marked as reviewed.",
                               "%(num)s sheets marked as reviewed.", done),
            "publish": ngettext("%(num)s sheet published.", "%(num)s sheets published.", done),
            "unpublish": ngettext("%(num)s sheet unpublished: it is a draft again.",
                                  "%(num)s sheets unpublished: they are drafts again.", done),
        }[action])
    same = len(outcome.unchanged)
    if same:
        messages.append({
            "review": ngettext("%(num)s sheet had no warning left to review.",
                               "%(num)s sheets had no warning left to review.", same),
            "publish": ngettext("%(num)s sheet was already published.",
                                "%(num)s sheets were already published.", same),
            "unpublish": ngettext("%(num)s sheet was already a draft.",
                                  "%(num)s sheets were already drafts.", same),
        }[action])
    if outcome.failed:
        messages.append(ngettext("%(num)s sheet was not published and stays a draft:",
                                 "%(num)s sheets were not published and stay drafts:",
                                 len(outcome.failed)))
        messages += [_("“%(title)s”: %(reason)s", title=item.record.get("title") or item.id,
                       reason=worded(reason)) for item, reason in outcome.failed]
    if outcome.missing:
        messages.append(ngettext("%(num)s sheet no longer exists (deleted meanwhile).",
                                 "%(num)s sheets no longer exist (deleted meanwhile).",
                                 len(outcome.missing)))
    return messages


# The confirmation of a bulk Publish or Unpublish

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_CONFIRM_SALT)


def _fingerprint(item: StoredRecord) -> str:
    """What changes when anyone edits, publishes, reviews or re-parses the sheet."""
    return f"{item.version}/{item.status}/{item.updated}"


def confirmation(outcome: Outcome, back: str, user: str | None,
                 changed: list[str] | None = None) -> dict[str, Any]:
    """The confirmation page of a bulk Publish or Unpublish `outcome` (bulk's preview): each
    sheet ticked, grouped by what the action would do to it, the button's words, and the
    signed token the button sends (the sheets asked, the state of those it would change)."""
    action, count = outcome.action, len(outcome.done)
    publish = action == "publish"

    def sheet(item: StoredRecord, note: str | None) -> dict[str, Any]:
        return {"title": item.record.get("title") or _("(untitled)"), "note": note,
                "url": url_for("review.sheet", record_id=item.id)}

    def warnings(item: StoredRecord) -> str:
        found = len(shown_warnings(item.record, item.warnings))
        return ngettext("%(num)s warning", "%(num)s warnings", found) if found else \
            _("no warning")

    groups = [{"name": "done", "sheets": [sheet(item, warnings(item)) for item in outcome.done],
               "title": (ngettext("%(num)s sheet will be published:",
                                  "%(num)s sheets will be published:", count) if publish else
                         ngettext("%(num)s sheet will be unpublished (a draft again, off the "
                                  "public site):",
                                  "%(num)s sheets will be unpublished (drafts again, off the "
                                  "public site):", count))},
              {"name": "failed", "sheets": [sheet(item, worded(reason))
                                            for item, reason in outcome.failed],
               "title": ngettext("%(num)s sheet cannot be published, and stays a draft:",
                                 "%(num)s sheets cannot be published, and stay drafts:",
                                 len(outcome.failed))},
              {"name": "unchanged", "sheets": [sheet(item, None) for item in outcome.unchanged],
               "title": (ngettext("%(num)s sheet is already published:",
                                  "%(num)s sheets are already published:",
                                  len(outcome.unchanged)) if publish else
                         ngettext("%(num)s sheet is already a draft:",
                                  "%(num)s sheets are already drafts:",
                                  len(outcome.unchanged)))}]
    asked = [item.id for item in [*outcome.done, *(item for item, _why in outcome.failed),
                                  *outcome.unchanged]]
    token = _serializer().dumps({"action": action, "user": user, "ids": asked,
                                 "sheets": {item.id: _fingerprint(item)
                                            for item in outcome.done}})
    return {
        "action": action, "count": count, "back": back, "token": token,
        "groups": [group for group in groups if group["sheets"]],
        "heading": _("Publish these sheets?") if publish else _("Unpublish these sheets?"),
        "intro": (_("Published, a sheet is found by the public search and has its public "
                    "page; its review warnings are cleared. Nothing is published until you "
                    "confirm.") if publish else
                  _("Unpublished, a sheet leaves the public search and its public page; staff "
                    "still find it in the review queue. Nothing changes until you confirm.")),
        "button": (ngettext("Publish %(num)s sheet", "Publish these %(num)s sheets", count)
                   if publish else
                   ngettext("Unpublish %(num)s sheet", "Unpublish these %(num)s sheets", count)),
        "none": (_("None of these sheets can be published: go back to the queue.") if publish
                 else _("None of these sheets is published: go back to the queue.")),
        "missing": len(outcome.missing),
        "changed": changed or [],
    }


def load_confirm_form(form: MultiDict, user: str | None) -> dict[str, Any]:
    """The confirmed bulk action, its signed token checked (made by this site, for this user,
    within the hour); when it is not, "refused" says so and that nothing was changed."""
    back = local_path(form.get("back")) or url_for("review.queue")
    again = _("Go back to the queue and choose the sheets again.")
    try:
        data = _serializer().loads(form.get("token", ""), max_age=CONFIRM_MAX_AGE)
    except SignatureExpired:
        return {"back": back, "refused": " ".join((_(
            "This confirmation is more than an hour old, so nothing was changed."), again))}
    except BadSignature:
        data = None
    if not isinstance(data, dict) or data.get("user") != user or \
            data.get("action") not in CONFIRMED:
        return {"back": back, "refused": " ".join((_(
            "This confirmation was not made by this site for you, so nothing was changed."),
            again))}
    return {"action": data["action"], "ids": list(data["ids"]), "sheets": data["sheets"],
            "back": back, "refused": None}


def changed_since(outcome: Outcome, confirmed: dict[str, Any]) -> list[str]:
    """The titles of the sheets that changed since the confirmation page was shown (edited,
    published, unpublished, fixed, deleted...): the action would no longer do what it said."""
    now = {item.id: item for item in outcome.done}
    every = {**{item.id: item for item, _why in outcome.failed},
             **{item.id: item for item in outcome.unchanged}, **now}
    asked = confirmed["sheets"]
    changed = [record_id for record_id, fingerprint in asked.items()
               if record_id not in now or _fingerprint(now[record_id]) != fingerprint]
    changed += [record_id for record_id in now if record_id not in asked]
    return [every[record_id].record.get("title") or record_id if record_id in every
            else _("a sheet since deleted") for record_id in changed]


def queue_pages(found: QueuePage) -> dict[str, Any]:
    """The links to the previous and next pages of the queue (None at either end)."""
    page = found.request.page
    return {"page": page, "pages": found.pages,
            "prev": queue_url(found.request, page=page - 1) if page > 1 else None,
            "next": queue_url(found.request, page=page + 1) if page < found.pages else None}
