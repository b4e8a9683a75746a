"""The arguments of a search, checked once for the web (query string) and the `kb search` CLI.

    q                       words, "phrases", AND/OR/NOT, field:term, prefix*
    verbatim                search the words as typed, without spelling correction
    theme country city ...  facet values (the `param` of each facet of kb.core.facets),
                            each a list (any of them)
    year_from year_to       start year range
    budget_min budget_max   budget range in EUR
    budget_per              what the budget range compares: "total", the figure as the sheet
                            states it (the default), or "year", its figure per year
                            (kb.core.money.yearly_amount; sheets with none are left out)
    sort page limit

`load_search_args` gives a SearchRequest, or raises BadParameter naming the argument; its
message is an English msgid with its parameters, which the web translates (`pybabel extract`
finds them with `-k Message -k N_`, see README "Translations").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validates_schema

from kb.core.errors import BadParameter
from kb.core.facets import FACETS
from kb.core.messages import N_, Message

SORTS = ("relevance", "newest", "oldest", "added", "budget_asc", "budget_desc", "title")
MAX_LIMIT = 100
MAX_QUERY_LENGTH = 500
MAX_PAGE = 10_000
MAX_VALUES = 50          # values of one facet in one request
# What the budget range compares (the `budget_per` argument), the first one the default.
BUDGET_PER = ("total", "year")
RANGE_ARGS = ("year_from", "year_to", "budget_min", "budget_max", "budget_per")
_UNEXPECTED = "%(name)s: %(problem)s"


@dataclass
class SearchRequest:
    q: str = ""
    selections: dict[str, set[str]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    budget_min: float | None = None
    budget_max: float | None = None
    budget_per: str = "total"
    status: str | None = "published"
    sort: str = "relevance"
    page: int = 1
    limit: int = 10
    facets: bool = True
    facet_limit: int | None = None
    verbatim: bool = False     # no spelling correction (the "search instead for" link)


class _Number(fields.Field):
    """A whole number or a number within bounds; typed text may group digits with spaces."""

    def __init__(self, kind: type, low: float, high: float, **kwargs: Any):
        super().__init__(load_default=None, allow_none=True, **kwargs)
        self.kind, self.low, self.high = kind, low, high

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        name = self.data_key or attr
        if isinstance(value, str):
            raw = value.strip().replace(" ", "").replace("\u202f", "")
            if not raw:
                return None
            try:
                value = self.kind(raw)
            except ValueError:
                msgid = (N_("%(name)s must be a whole number, not %(value)s.") if self.kind is int
                         else N_("%(name)s must be a number, not %(value)s."))
                raise ValidationError(Message(msgid, name=name, value=repr(raw[:40]))) from None
        if not (isinstance(value, int) or math.isfinite(value)) \
                or not self.low <= value <= self.high:
            raise ValidationError(Message("%(name)s must be between %(low)s and %(high)s.",
                                          name=name, low=format(self.low, "g"),
                                          high=format(self.high, "g")))
        return value


class _Query(fields.String):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = (super()._deserialize(value, attr, data, **kwargs) or "").strip()
        if len(text) > MAX_QUERY_LENGTH:
            raise ValidationError(Message(
                "The query is too long: keep it under %(count)s characters.",
                count=MAX_QUERY_LENGTH))
        return text


class _Values(fields.Field):
    """One facet's values (a list; blank ones dropped), as the index keeps them."""

    def __init__(self, facet: Any, **kwargs: Any):
        super().__init__(load_default=(), **kwargs)
        self.facet = facet

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> set[str]:
        items = [value] if isinstance(value, str) else list(value or ())
        values = [self.facet.normalise(str(item)) for item in items if str(item).strip()]
        if len(values) > MAX_VALUES:
            raise ValidationError(Message("Too many values for %(name)s: at most %(count)s.",
                                          name=self.facet.param, count=MAX_VALUES))
        return set(values)


class _Sort(fields.String):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        sort = super()._deserialize(value, attr, data, **kwargs) or "relevance"
        if sort not in SORTS:
            raise ValidationError(Message("Unknown sort %(value)s: use one of %(sorts)s.",
                                          value=repr(sort[:40]), sorts=", ".join(SORTS)))
        return sort


class _BudgetPer(fields.String):
    def __init__(self, **kwargs: Any):
        super().__init__(load_default=BUDGET_PER[0], allow_none=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        per = (super()._deserialize(value, attr, data, **kwargs) or "").strip().lower()
        if not per:         # the form's "as stated" choice sends nothing
            return BUDGET_PER[0]
        if per not in BUDGET_PER:
            raise ValidationError(Message("%(name)s must be one of %(choices)s, not %(value)s.",
                                          name=self.data_key or attr, value=repr(per[:40]),
                                          choices=", ".join(BUDGET_PER)))
        return per


class _SearchArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    @validates_schema
    def ranges_in_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        if None not in (data.get("year_from"), data.get("year_to")) \
                and data["year_from"] > data["year_to"]:
            raise ValidationError(Message("The end year is before the start year."), "year_to")
        if None not in (data.get("budget_min"), data.get("budget_max")) \
                and data["budget_min"] > data["budget_max"]:
            raise ValidationError(Message("The maximum budget is below the minimum."),
                                  "budget_max")

    @post_load
    def request(self, data: dict[str, Any], **kwargs: Any) -> SearchRequest:
        selections = {facet.name: data[facet.param] for facet in FACETS if data.get(facet.param)}
        return SearchRequest(q=data.get("q", ""), selections=selections,
                             **{name: data.get(name) for name in RANGE_ARGS},
                             sort=data.get("sort") or "relevance", page=data.get("page") or 1,
                             limit=data.get("limit") or 0, verbatim=bool(data.get("verbatim")))


# The fields in the order they are checked (the first wrong one is reported): the query, each
# facet of the table, the ranges, then sort, page and limit.
SearchArgsSchema = type("SearchArgsSchema", (_SearchArgs,), {
    "q": _Query(load_default="", allow_none=True),
    **{facet.param: _Values(facet) for facet in FACETS},
    "year_from": _Number(int, 0, 9999),
    "year_to": _Number(int, 0, 9999),
    "budget_min": _Number(float, 0, 1e15),
    "budget_max": _Number(float, 0, 1e15),
    "budget_per": _BudgetPer(),
    "sort": _Sort(load_default="relevance", allow_none=True),
    "page": _Number(int, 1, MAX_PAGE),
    "limit": _Number(int, 1, MAX_LIMIT),
    "verbatim": fields.Boolean(load_default=False, allow_none=True),
})
ARG_NAMES = tuple(SearchArgsSchema().fields)


def load_search_args(args: Mapping[str, Any], *, limit: int = 10, **options: Any
                     ) -> SearchRequest:
    """The SearchRequest of `args` (facet parameters as lists; missing or None: not given);
    `limit` when none is given, `options` for the rest (status, facet_limit)."""
    schema = SearchArgsSchema()
    given = {key: value for key, value in args.items() if value is not None}
    try:
        request = schema.load(given)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"q": exc.messages}
        name = next(name for name in (*ARG_NAMES, *messages) if name in messages)
        problem = messages[name]
        while isinstance(problem, (list, dict)):
            problem = problem[0] if isinstance(problem, list) else next(iter(problem.values()))
        # A marshmallow message of its own (a value of the wrong type): English only.
        message = problem if isinstance(problem, Message) else Message(
            _UNEXPECTED, name=name, problem=str(problem))
        raise BadParameter(name, message, msgid=message.msgid, params=message.params) from None
    return replace(request, limit=request.limit or limit, **options)
