"""Sheet pages, their original files, and the side-by-side comparison of 2 to 4 sheets."""

from __future__ import annotations

import datetime
from typing import Any

from flask import Blueprint, render_template, request, send_file
from flask_babel import gettext as _

from web.knowledge import knowledge_base
from web.params import search_args

blueprint = Blueprint("sheets", __name__)
SIMILAR_COUNT = 5
COMPARE_MIN, COMPARE_MAX = 2, 4
# The sections of a sheet, in reading order, with their headings.
SECTIONS = ("context", "objectives", "activities", "evaluation")


@blueprint.get("/sheets/<record_id>")
def sheet(record_id: str) -> Any:
    shared = knowledge_base()
    item = shared.sheet(record_id)          # read once, for the page and its similar sheets
    return render_template("sheet.html", item=item, record=item.record,
                           similar=shared.similar_to(item, SIMILAR_COUNT),
                           has_original=bool(item.source_sha256), files=shared.file_names(item),
                           today=datetime.date.today(), from_search=_from_search())


def _from_search() -> str | None:
    """The search a sheet was opened from, in a few words, or None when it was not."""
    args = search_args(request.args)
    if not args:
        return None
    query = args.get("q", "").strip()
    return _("Results for “%(query)s”", query=query) if query else _("Search results")


@blueprint.get("/sheets/<record_id>/original")
def original(record_id: str) -> Any:
    path, filename, mimetype = knowledge_base().original(record_id)
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=filename,
                     max_age=3600)


@blueprint.get("/compare")
def compare() -> Any:
    ids = list(dict.fromkeys(v for v in request.args.getlist("id") if v.strip()))
    message = None
    if len(ids) < COMPARE_MIN:
        message = _("Choose at least two sheets to compare (tick “Compare” beside the results "
                    "or on a sheet's page).")
    elif len(ids) > COMPARE_MAX:
        message = _("You can compare at most four sheets at once; you chose %(count)s.",
                    count=len(ids))
    if message:
        return render_template("compare.html", items=[], message=message), 400
    items = knowledge_base().sheets(ids)
    return render_template("compare.html", items=items, message=None)
