"""The search parameters in a URL, shared by the search page, the API, the exports and the feed.

    q                       words, "phrases", AND/OR/NOT, field:term, prefix*
    theme country city ...  facet values (the `param` of each facet of kb.core.facets),
                            each repeatable (any of them)
    year_from year_to       start year range
    budget_min budget_max   budget range in EUR
    budget_per              "total" (the figure as stated) or "year" (the figure per year)
    sort page limit

A bad value raises BadParameter naming the parameter: the API answers 400 with it, the pages
show it as a message.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from kb.core.errors import BadParameter
from kb.core.facets import FACET_OF_PARAM, FACETS
from kb.core.messages import N_
from kb.core.money import read_amount
from kb.core.search_args import RANGE_ARGS, SearchRequest, load_search_args
from web import i18n

# URL parameter -> facet of the index (from the facet table).
FACET_PARAMS = {facet.param: facet.name for facet in FACETS}
PARAM_OF_FACET = {facet.name: facet.param for facet in FACETS}
RANGE_PARAMS = RANGE_ARGS
SEARCH_PARAMS = ("q", *FACET_PARAMS, *RANGE_PARAMS, "sort", "verbatim")
AMOUNT_PARAMS = ("budget_min", "budget_max")
# The sheets picked for comparison, carried by the search page's links (not a search parameter).
PICK = "pick"
# How a message names a parameter (msgids: translated when the message is worded).
PARAM_WORDS = {"budget_min": N_("The minimum budget"), "budget_max": N_("The maximum budget"),
               "budget_per": N_("The basis for comparing budgets"),
               "year_from": N_("The earliest start year"), "year_to": N_("The latest start year"),
               "page": N_("The page number"), "limit": N_("The number of results per page")}


def search_request(args: MultiDict, *, limit: int = 10, facet_limit: int | None = None,
                   worded: bool = False) -> SearchRequest:
    """The SearchRequest of a URL's query string (published sheets only: this is the public),
    checked by kb.core.search_args; a bad value raises BadParameter in the interface's
    language, naming the field in words when `worded` (pages), else by its parameter (API)."""
    given = {name: args.getlist(name) if name in FACET_PARAMS else args.get(name)
             for name in args}
    decimal = decimal_mark()
    for name in AMOUNT_PARAMS:
        # "50.000" and "50,000" as people write amounts, not 50 EUR.
        amount = read_amount(given[name], decimal) if given.get(name) else None
        if amount is not None:
            given[name] = str(amount)
    try:
        return load_search_args(given, limit=limit, facet_limit=facet_limit)
    except BadParameter as exc:
        # On a page the message names the field as the page labels it; the API's names the
        # URL's parameter, for the developer who wrote it.
        label = PARAM_WORDS.get(exc.field) if worded else None
        params = {**exc.params, "name": _(label)} if label and "name" in exc.params \
            else exc.params
        raise BadParameter(exc.field, _(exc.msgid, **params)) from None


def decimal_mark() -> str:
    """The interface language's decimal mark ("." in English, "," in French)."""
    return i18n.number(1.5, 1)[1]


def facet_value(param: str, raw: str) -> str:
    """A facet value as the index keeps it: country codes upper case, language codes lower."""
    return FACET_OF_PARAM[param].normalise(raw)


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

