"""Sheet pages, their original files, and the side-by-side comparison of 2 to 4 sheets."""

from __future__ import annotations

import datetime
from typing import Any

from flask import Blueprint, redirect, render_template, request, send_file
from flask_babel import gettext as _

from web.knowledge import knowledge_base
from kb.core.errors import NotFound
from web.params import PICK, search_args
from web.templating import search_url

blueprint = Blueprint("sheets", __name__)
SIMILAR_COUNT = 5
COMPARE_MIN, COMPARE_MAX = 2, 4
# Picks kept in a URL at most (a tray, not a list).
MAX_PICKS = 12
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
    response = send_file(path, mimetype=mimetype, as_attachment=True, download_name=filename)
    # Asked again each time: a sheet sent back to draft is gone at once, from every cache.
    response.headers["Cache-Control"] = "no-cache"
    return response


@blueprint.get("/compare")
def compare() -> Any:
    """The picked sheets side by side. From the search page (its form says so) too few or too
    many picks go back to the results, ticks and search kept, with the message in the tray."""
    ids = picks(request.args)
    problem = None
    if len(ids) < COMPARE_MIN:
        problem = "few"
    elif len(ids) > COMPARE_MAX:
        problem = "many"
    if problem and request.args.get("from") == "search":
        back = search_url("search.page", page=request.args.get("page"))
        return redirect(f"{back}{'&' if '?' in back else '?'}tray={problem}")
    if problem:
        return render_template("compare.html", items=[],
                               message=tray_message(problem, len(ids))), 400
    items = knowledge_base().sheets(ids)
    return render_template("compare.html", items=items, message=None)


def picks(args: Any) -> list[str]:
    """The sheets picked for comparison: the form's ticks (`pick`, or `id` as older links
    write them), each once, in the order picked."""
    given = [*args.getlist(PICK), *args.getlist("id")]
    return list(dict.fromkeys(v.strip() for v in given if v.strip()))[:MAX_PICKS]


def tray(ids: list[str]) -> list[Any]:
    """The published sheets among `ids` (a pick unpublished since is dropped)."""
    shared, found = knowledge_base(), []
    for record_id in ids:
        try:
            found.append(shared.sheet(record_id))
        except NotFound:
            continue
    return found


def tray_message(problem: str | None, count: int) -> str | None:
    if problem == "few":
        return _("Choose at least two sheets to compare (tick “Compare” beside the results "
                 "or on a sheet's page).")
    if problem == "many":
        return _("You can compare at most four sheets at once; you chose %(count)s. Untick "
                 "some of them.", count=count)
    return None
