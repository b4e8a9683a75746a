"""The interface's languages (English and French, through gettext catalogs in
web/translations) and the words the interface shows for facet values, numbers and dates."""

from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import current_app, request
from flask_babel import get_locale, gettext, lazy_gettext as _l

from kb.core import facets, messages, money
from kb.core.facets import FACETS

LOCALES = ("en", "fr")
LANGUAGE_COOKIE = "lang"
# Built per request language by lazy_gettext from the table's English msgids.
FACET_TITLES = {facet.name: _l(facet.title) for facet in FACETS}


def select_locale() -> str:
    """The language chosen with the switch (a cookie), else the browser's preferred one."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LOCALES:
        return chosen
    return request.accept_languages.best_match(LOCALES) or current_app.config["DEFAULT_LOCALE"]


def ui_language() -> str:
    return str(get_locale() or "en")


def language_name(code: str | None) -> str:
    """A sheet's language named in the interface's language ("de" -> "allemand")."""
    return facets.language_name(code, ui_language())


def theme_label(theme_id: str) -> str:
    return facets.facet_label("themes", theme_id, ui_language())


def facet_label(facet: str, value: str) -> str:
    """A facet value's label in the interface's language (kb.core.facets labels it)."""
    return facets.facet_label(facet, value, ui_language(), gettext)


def labelling() -> dict[str, Any]:
    """The language arguments of KnowledgeBase.search: facet labels in the interface's."""
    return {"language": ui_language(), "translate": gettext}


# marshmallow's own messages for the fields of the record schema (their defaults, which the
# schema does not replace): plain text from the library, worded through the catalog.
LIBRARY_MESSAGES = frozenset((
    messages.N_("Missing data for required field."), messages.N_("Field may not be null."),
    messages.N_("Invalid value."), messages.N_("Invalid type."),
    messages.N_("Not a valid integer."), messages.N_("Not a valid number."),
    messages.N_("Number too large."),
    messages.N_("Special numeric values (nan or infinity) are not permitted."),
    messages.N_("Not a valid string."), messages.N_("Not a valid utf-8 string."),
    messages.N_("Not a valid list."), messages.N_("Not a valid mapping type."),
    messages.N_("Not a valid boolean."), messages.N_("Not a valid email address."),
))


def worded(message: Any) -> str:
    """An error or warning in the interface's language (kb.core.messages); text stays text,
    but for marshmallow's own messages."""
    if type(message) is str and message in LIBRARY_MESSAGES:
        return gettext(message)
    return messages.worded(message, gettext)


def number(value: Any, digits: int = 0) -> str:
    """A number as the interface's language writes it (1,234,567 / 1 234 567)."""
    if value is None:
        return ""
    group, decimal = _separators(ui_language())
    text = f"{value:,.{digits}f}"
    return text.translate({ord(","): group, ord("."): decimal})


@lru_cache(maxsize=None)
def _separators(locale: str) -> tuple[str, str]:
    """The locale's grouping and decimal symbols (Babel's formatting is too slow for the
    hundreds of facet counts of a page)."""
    return get_group_symbol(locale), get_decimal_symbol(locale)


def date_text(value: datetime.date) -> str:
    """A date as the interface's language writes it (24 November 2026 / 24 novembre 2026)."""
    return format_date(value, format="long", locale=ui_language())


def moment(stamp: str | None) -> str:
    """A stored ISO timestamp as the interface's language writes it, to the minute and in UTC,
    saying so ("7 Dec 2026, 09:29 UTC"); text that is not a timestamp stays as it is."""
    if not stamp:
        return ""
    try:
        when = datetime.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    # Stored in UTC (kb.service.store); one without a zone is UTC too. Staff across Europe
    # would read a bare time as theirs: the zone is written, joined so it never wraps alone.
    utc = datetime.timezone.utc
    when = when.replace(tzinfo=utc) if when.tzinfo is None else when.astimezone(utc)
    written = format_datetime(when, format="d MMM y, HH:mm", tzinfo=utc, locale=ui_language())
    return f"{written}\N{NO-BREAK SPACE}UTC"


def euros(value: Any) -> str:
    return f"{number(value)} EUR" if value is not None else ""


# What a budget figure covers (kb.core.money.BASES), as written after the figure.
BASIS_WORDS = {"total": _l("in total"), "year": _l("per year"), "unit": _l("per unit"),
               "participant": _l("per participant")}


def budget_figure(amount_eur: Any, basis: str | None) -> str:
    """A budget in EUR with what it covers: "950,000 EUR per year"; no basis, no words."""
    if amount_eur is None:
        return ""
    words = BASIS_WORDS.get(basis or "")
    return f"{euros(amount_eur)} {words}" if words else euros(amount_eur)


def hit_basis(hit: dict[str, Any]) -> str | None:
    """A search hit's budget basis: as the hit gives it, else as its budget text states it."""
    return hit.get("budget_basis") or money.budget_basis(hit.get("budget_text"))


def hit_yearly(hit: dict[str, Any]) -> float | None:
    """A search hit's figure per year where it is not stated per year but worked out (a total
    over its known years, kb.core.money.yearly_amount), for a range compared per year to show
    the figure it compared; None where it is the stated figure (per year, or a one-year total)
    or none is known."""
    yearly = money.yearly_amount({"amount_eur": hit.get("budget_eur"), "basis": hit_basis(hit)},
                                 hit.get("start_year"), hit.get("end_year"))
    # A total of a single year is its figure per year: said once.
    return None if yearly == hit.get("budget_eur") else yearly
