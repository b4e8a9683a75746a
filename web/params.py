"""The search parameters in a URL, shared by the search page, the API, the exports and the feed.

    q                       words, "phrases", AND/OR/NOT, field:term, prefix*
    theme country city ...  facet values (the `param` of each facet of kb.core.facets),
                            each repeatable (any of them)
    year_from year_to       start year range
    budget_min budget_max   budget range in EUR
    sort page limit

A bad value raises BadParameter naming the parameter: the API answers 400 with it, the pages
show it as a message.
"""

from __future__ import annotations

import math
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from index.searching import MAX_LIMIT, SORTS, SearchRequest
from kb.core.errors import KbError
from kb.core.facets import FACET_OF_PARAM, FACETS

# URL parameter -> facet of the index (from the facet table).
FACET_PARAMS = {facet.param: facet.name for facet in FACETS}
PARAM_OF_FACET = {facet.name: facet.param for facet in FACETS}
RANGE_PARAMS = ("year_from", "year_to", "budget_min", "budget_max")
SEARCH_PARAMS = ("q", *FACET_PARAMS, *RANGE_PARAMS, "sort")
MAX_QUERY_LENGTH = 500
MAX_PAGE = 10_000
MAX_VALUES = 50          # values of one facet in one request


class BadParameter(KbError):
    kind = "bad-parameter"

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field

    def as_json(self) -> dict[str, Any]:
        return {"error": {"field": self.field, "message": self.message}}


def search_request(args: MultiDict, *, limit: int = 10, facet_limit: int | None = None
                   ) -> SearchRequest:
    """The SearchRequest of a URL's query string (published sheets only: this is the public)."""
    q = args.get("q", "").strip()
    if len(q) > MAX_QUERY_LENGTH:
        raise BadParameter("q", _("The query is too long: keep it under %(count)s characters.",
                                  count=MAX_QUERY_LENGTH))
    selections = {}
    for param, facet in FACET_PARAMS.items():
        values = [facet_value(param, v) for v in args.getlist(param) if v.strip()]
        if len(values) > MAX_VALUES:
            raise BadParameter(param, _("Too many values for %(name)s: at most %(count)s.",
                                        name=param, count=MAX_VALUES))
        if values:
            selections[facet] = set(values)
    year_from = _number(args, "year_from", int, 0, 9999)
    year_to = _number(args, "year_to", int, 0, 9999)
    if year_from is not None and year_to is not None and year_from > year_to:
        raise BadParameter("year_to", _("The end year is before the start year."))
    budget_min = _number(args, "budget_min", float, 0, 1e15)
    budget_max = _number(args, "budget_max", float, 0, 1e15)
    if budget_min is not None and budget_max is not None and budget_min > budget_max:
        raise BadParameter("budget_max", _("The maximum budget is below the minimum."))
    sort = args.get("sort", "") or "relevance"
    if sort not in SORTS:
        raise BadParameter("sort", _("Unknown sort %(value)s: use one of %(sorts)s.",
                                     value=repr(sort[:40]), sorts=", ".join(SORTS)))
    page = _number(args, "page", int, 1, MAX_PAGE)
    size = _number(args, "limit", int, 1, MAX_LIMIT)
    return SearchRequest(q=q, selections=selections, year_from=year_from, year_to=year_to,
                         budget_min=budget_min, budget_max=budget_max, sort=sort,
                         page=page or 1, limit=size or limit, facet_limit=facet_limit)


def facet_value(param: str, raw: str) -> str:
    """A facet value as the index keeps it: country codes upper case, language codes lower."""
    return FACET_OF_PARAM[param].normalise(raw)


def _number(args: MultiDict, name: str, kind: type, low: float, high: float) -> Any:
    raw = args.get(name, "").strip().replace(" ", "").replace("\u202f", "")
    if not raw:
        return None
    try:
        value = kind(raw)
    except ValueError:
        message = (_("%(name)s must be a whole number, not %(value)s.", name=name,
                     value=repr(raw[:40])) if kind is int else
                   _("%(name)s must be a number, not %(value)s.", name=name, value=repr(raw[:40])))
        raise BadParameter(name, message) from None
    if not (isinstance(value, int) or math.isfinite(value)) or not low <= value <= high:
        raise BadParameter(name, _("%(name)s must be between %(low)s and %(high)s.", name=name,
                                   low=f"{low:g}", high=f"{high:g}"))
    return value


def search_args(args: MultiDict) -> MultiDict:
    """Only the search parameters of a query string (what the page, feed and exports share)."""
    return MultiDict([(key, value) for key, value in args.items(multi=True)
                      if key in SEARCH_PARAMS and value.strip()])


def changed(args: MultiDict, *, drop: tuple[str, str | None] | None = None,
            **replace: Any) -> MultiDict:
    """A copy of `args` without one (name, value) pair (value None: all of that name), with
    some names replaced (None removes them). Used for chips, pages and sort links."""
    out = MultiDict()
    for key, value in args.items(multi=True):
        if drop and key == drop[0] and drop[1] in (None, value):
            continue
        if key in replace:
            continue
        out.add(key, value)
    for key, value in replace.items():
        if value is not None:
            out.add(key, value)
    return out

