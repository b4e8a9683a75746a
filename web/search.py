"""The public search page and its Atom feed, both driven by the URL's search parameters."""

from __future__ import annotations

import math
from itertools import islice
from typing import Any

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kb.core.search_args import MAX_QUERY_LENGTH, SORTS, SearchRequest
from web import filters, i18n, sheets
from web.analysis import search_words, yearly_range_words
from web.knowledge import knowledge_base
from web.templating import search_url
from kb.core.errors import BadParameter
from web.params import (AMOUNT_PARAMS, FACET_PARAMS, RANGE_PARAMS, facet_value,
                        search_args, search_request)

blueprint = Blueprint("search", __name__)
FEED_SIZE = 20


@blueprint.get("/")
# A URL people guess (and other sites' search boxes use): the same page.
@blueprint.get("/search", endpoint="guessed")
def page() -> Any:
    size = current_app.config["PAGE_SIZE"]
    error: BadParameter | None = None
    try:
        search = search_request(request.args, limit=size, worded=True)
    except BadParameter as exc:
        # The form keeps the user's words; the message says which parameter to correct.
        error, search = exc, SearchRequest(q=request.args.get("q", "")[:MAX_QUERY_LENGTH],
                                           limit=size)
    result = None if error else knowledge_base().search(search, **i18n.labelling())
    if result is not None and not result["hits"] and search.page > 1 and result["total"]:
        # A page past the end (an old link, a shrunken search): its last page.
        return redirect(search_url(page=math.ceil(result["total"] / search.limit)))
    # With no words to rank by, "relevance" lists the newest first: the option says so (and
    # stays "relevance", so words typed next are ranked by relevance).
    browsing = not search.q.strip() and search.sort != "newest"
    sorts = tuple(s for s in SORTS if s != "newest") if browsing else SORTS
    picked = sheets.tray(sheets.picks(request.args))
    problem = request.args.get("tray")
    return render_template(
        "search.html", search=search, result=result, error=error, sorts=sorts,
        browsing=browsing, tray=picked, picked={item.id for item in picked},
        tray_message=sheets.tray_message(problem, len(picked)),
        facets=filters.facets(result), chips=_chips(search),
        pages=_pages(result, search), facet_shown=filters.FACET_SHOWN,
    ), 400 if error else 200


def _chips(search: SearchRequest) -> list[dict[str, Any]]:
    """One removable chip per active filter, removing the (parameter, value) pair exactly as
    the URL wrote it; a budget range per year is one chip, removing the whole range."""
    chips = []
    yearly = search.budget_per == "year"
    for param, raw in search_args(request.args).items(multi=True):
        if param == "budget_per":
            continue
        if yearly and param in AMOUNT_PARAMS:
            if not any(chip.get("yearly") for chip in chips):
                chips.append(_yearly_chip(search))
            continue
        if param in FACET_PARAMS:
            facet = FACET_PARAMS[param]
            text = _("%(facet)s: %(value)s", facet=i18n.FACET_TITLES[facet],
                     value=i18n.facet_label(facet, facet_value(param, raw)))
        elif param in RANGE_PARAMS:
            value = getattr(search, param)
            if value is None:       # a value that could not be read: the message says so
                continue
            text = {"budget_min": _("Budget from %(amount)s", amount=i18n.euros(value)),
                    "budget_max": _("Budget up to %(amount)s", amount=i18n.euros(value)),
                    "year_from": _("Starting in %(year)s or later", year=value),
                    "year_to": _("Starting in %(year)s or earlier", year=value)}[param]
        else:
            continue
        chips.append({"url": search_url(drop=(param, raw)), "text": text})
    return [chip for chip in chips if chip["text"]]


def _yearly_chip(search: SearchRequest) -> dict[str, Any]:
    """The chip of a budget range per year ("Budget per year from X to Y"), removing it whole;
    no words when neither amount could be read (the message says so)."""
    return {"url": search_url(budget_min=None, budget_max=None, budget_per=None),
            "text": yearly_range_words(search), "yearly": True}


def _pages(result: dict[str, Any] | None, search: SearchRequest) -> dict[str, Any]:
    if not result or not result["total"]:
        return {"count": 0, "numbers": []}
    count = math.ceil(result["total"] / search.limit)
    current = search.page
    numbers = sorted({1, count, *range(max(1, current - 2), min(count, current + 2) + 1)})
    return {"count": count, "current": current, "numbers": numbers}


@blueprint.get("/feed.atom")
def feed() -> Response:
    """The newest sheets matching a search, as an Atom feed (same parameters as the page)."""
    search = search_request(request.args)
    search.sort = "added"
    shared = knowledge_base()
    items = list(islice(shared.rows(search), FEED_SIZE))
    page_url = url_for("search.page", _external=True, **request.args.to_dict(flat=False))
    # A browser (it asks for HTML first) gets a readable page of the feed with a subscribe
    # hint: it shows an Atom type as raw text, and browsers are dropping XSLT, which would
    # have turned the XML into a page. Feed readers ask for Atom, or for anything, and get it.
    wanted = request.accept_mimetypes.best_match(("application/atom+xml", "text/html"))
    searched = search_words(search)
    site = current_app.config["SITE_NAME"]
    title = (_("%(site)s: new sheets for %(search)s", site=site, search=searched) if searched
             else _("%(site)s: new sheets", site=site))
    if wanted == "text/html":
        hits = [shared.kb.hit_json(item, None, None) for item in items]
        return Response(render_template("feed.html", hits=hits, feed_title=title,
                                        feed_url=request.url, page_url=page_url),
                        mimetype="text/html")
    body = render_template("feed.xml", items=items, feed_title=title,
                           updated=max(
        (item.updated for item in items), default="1970-01-01T00:00:00+00:00"),
        self_url=request.url, page_url=page_url)
    return Response(body, mimetype="application/atom+xml")
