"""The interface's languages (English and French, through gettext catalogs in
web/translations) and the words the interface shows for facet values, numbers and dates."""

from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import current_app, request
from flask_babel import get_locale, lazy_gettext as _l

from index.facets import NO_BUDGET
from kb.core.countries import country_name
from kb.core.themes import vocabulary

LOCALES = ("en", "fr")
LANGUAGE_COOKIE = "lang"
FACET_TITLES = {
    "themes": _l("Themes"),
    "country": _l("Country"),
    "city": _l("City"),
    "language": _l("Language of the sheet"),
    "start_year": _l("Start year"),
    "budget_band": _l("Budget (EUR)"),
    "evaluated": _l("Evaluation"),
    "eu_funded": _l("EU funding"),
}
BAND_LABELS = {
    "<10k": _l("under 10,000"),
    "10k-50k": _l("10,000 to 50,000"),
    "50k-250k": _l("50,000 to 250,000"),
    "250k-1M": _l("250,000 to 1 million"),
    ">1M": _l("over 1 million"),
    NO_BUDGET: _l("no budget given"),
}
YES_NO = {
    "evaluated": {"yes": _l("evaluated"), "no": _l("not evaluated")},
    "eu_funded": {"yes": _l("EU co-funded"), "no": _l("no EU funding")},
}


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
    if not code:
        return ""
    return Locale.parse(ui_language()).languages.get(code, code)


def theme_label(theme_id: str) -> str:
    theme = vocabulary().get(theme_id)
    return theme.label(ui_language()) if theme else theme_id


def facet_label(facet: str, value: str) -> str:
    if facet == "themes":
        return theme_label(value)
    if facet == "country":
        return country_name(value, ui_language())
    if facet == "language":
        return language_name(value)
    if facet == "budget_band":
        return str(BAND_LABELS.get(value, value))
    if facet in YES_NO:
        return str(YES_NO[facet].get(value, value))
    return value


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


def euros(value: Any) -> str:
    return f"{number(value)} EUR" if value is not None else ""
