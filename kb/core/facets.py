"""The facet table: each facet of the search declared once, and its buckets' labels.

The index's columns and counts, the facet values it keeps per document, the URL parameters,
the CLI options, the titles and the labels of the web and the API all derive from FACETS.
A new facet is one more entry here (and the French translation of its title).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError

from kb.core.countries import country_name
from kb.core.messages import N_
from kb.core.money import eu_cofunded, yearly_amount
from kb.core.themes import vocabulary

# Orders of a facet's buckets other than a fixed list of values.
MOST_FREQUENT = "most frequent"
NEWEST_FIRST = "newest first"

# (value, lower bound included, upper bound excluded) in EUR.
BUDGET_BANDS = (
    ("<10k", 0.0, 10_000.0),
    ("10k-50k", 10_000.0, 50_000.0),
    ("50k-250k", 50_000.0, 250_000.0),
    ("250k-1M", 250_000.0, 1_000_000.0),
    (">1M", 1_000_000.0, float("inf")),
)
NO_BUDGET = "none"
BAND_ORDER = [band for band, _, _ in BUDGET_BANDS] + [NO_BUDGET]
YES_NO = ("yes", "no")


def budget_band(amount_eur: float | None) -> str:
    if amount_eur is None:
        return NO_BUDGET
    for band, low, high in BUDGET_BANDS:
        if low <= amount_eur < high:
            return band
    return NO_BUDGET


def _budget(record: Mapping[str, Any]) -> Mapping[str, Any]:
    return record.get("budget") or {}


def _yes_no(value: Any) -> str:
    return "yes" if value else "no"


def _text(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Facet:
    """One facet: how the index keeps it, how the URL and the CLI name it, how it is shown."""

    name: str                                   # as the index keeps it ("themes")
    param: str                                  # the URL parameter ("theme")
    title: str                                  # English msgid of its title
    read: Callable[[Mapping[str, Any]], Any]    # the value kept for a record (JSON)
    key: str = ""                               # where the index keeps it (default: name)
    bucket: Callable[[Any], Any] = _text        # kept value -> bucket value (None: none)
    order: tuple[str, ...] | str = MOST_FREQUENT
    normalise: Callable[[str], str] = str.strip  # a value as typed -> as the index keeps it
    many: bool = False                          # a record has several values (themes)
    labels: Mapping[str, str] = field(default_factory=dict)   # value -> English msgid
    named: Callable[[str, str], str] | None = None           # (value, language) -> label
    help: str = ""                              # the CLI option's (default: the title)

    @property
    def stored_as(self) -> str:
        return self.key or self.name

    @property
    def option(self) -> str:
        """The CLI option ("--budget-band")."""
        return "--" + self.param.replace("_", "-")

    @property
    def choices(self) -> tuple[str, ...] | None:
        return self.order if isinstance(self.order, tuple) else None


def _theme_label(value: str, language: str) -> str:
    theme = vocabulary().get(value)
    return theme.label(language) if theme else value


@lru_cache(maxsize=None)
def _languages(language: str) -> Mapping[str, str]:
    try:
        return Locale.parse(language).languages
    except (UnknownLocaleError, ValueError):
        return {}


def language_name(code: str | None, language: str = "en") -> str:
    """A language code named in `language` ("de" in French -> "allemand")."""
    if not code:
        return ""
    return _languages(language).get(code, code)


FACETS: tuple[Facet, ...] = (
    Facet("themes", "theme", N_("Themes"), lambda r: list(r.get("themes") or []),
          bucket=lambda kept: tuple(kept or ()), many=True, named=_theme_label,
          help="Theme id, e.g. nightlife."),
    Facet("country", "country", N_("Country"), lambda r: r.get("country"),
          normalise=lambda value: value.strip().upper(), named=country_name,
          help="Country code, e.g. FR."),
    Facet("city", "city", N_("City"), lambda r: r.get("city"), help="City."),
    Facet("language", "language", N_("Language of the sheet"), lambda r: r.get("language"),
          normalise=lambda value: value.strip().lower(), named=language_name,
          help="Language code, e.g. fr."),
    Facet("start_year", "year", N_("Start year"), lambda r: r.get("start_year"),
          bucket=lambda year: str(year) if year is not None else None, order=NEWEST_FIRST,
          help="Start year."),
    Facet("budget_band", "budget_band", N_("Budget (EUR)"),
          lambda r: _budget(r).get("amount_eur"), key="budget_eur", bucket=budget_band,
          order=tuple(BAND_ORDER),
          labels={"<10k": N_("under 10,000"), "10k-50k": N_("10,000 to 50,000"),
                  "50k-250k": N_("50,000 to 250,000"), "250k-1M": N_("250,000 to 1 million"),
                  ">1M": N_("over 1 million"), NO_BUDGET: N_("no budget given")},
          help="Budget band."),
    # The same bands for the figure per year (kb.core.money.yearly_amount): a figure stated
    # per year, or a total over its known years; "none" where no per-year figure can be had
    # (no budget, per unit or participant, a total with no period).
    Facet("budget_year_band", "budget_year", N_("Budget per year (EUR)"),
          lambda r: yearly_amount(r.get("budget"), r.get("start_year"), r.get("end_year")),
          key="budget_year_eur", bucket=budget_band, order=tuple(BAND_ORDER),
          labels={"<10k": N_("under 10,000"), "10k-50k": N_("10,000 to 50,000"),
                  "50k-250k": N_("50,000 to 250,000"), "250k-1M": N_("250,000 to 1 million"),
                  ">1M": N_("over 1 million"), NO_BUDGET: N_("no figure per year")},
          help="Budget band per year."),
    Facet("evaluated", "evaluated", N_("Evaluation"),
          lambda r: bool((r.get("evaluation") or "").strip()), bucket=_yes_no, order=YES_NO,
          labels={"yes": N_("evaluated"), "no": N_("not evaluated")}),
    Facet("eu_funded", "eu_funded", N_("EU funding"),
          lambda r: eu_cofunded(_budget(r).get("funding") or [], _budget(r).get("text") or ""),
          bucket=_yes_no, order=YES_NO,
          labels={"yes": N_("EU co-funded"), "no": N_("no EU funding")}),
)
FACET = {facet.name: facet for facet in FACETS}
FACET_NAMES = tuple(FACET)
FACET_OF_PARAM = {facet.param: facet for facet in FACETS}


def facet_label(name: str, value: str, language: str = "en",
                translate: Callable[[str], str] | None = None) -> str:
    """A bucket's label in `language`; `translate` turns an English msgid into that language
    (the web's gettext; None keeps English)."""
    facet = FACET.get(name)
    if facet is None or value is None:
        return value
    if facet.named is not None:
        return facet.named(value, language)
    message = facet.labels.get(value)
    if message is None:
        return value
    return translate(message) if translate else message


def labelled(facets: Mapping[str, list[dict[str, Any]]], language: str = "en",
             translate: Callable[[str], str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Each facet's buckets {value, count, selected} with their label in `language`."""
    return {name: [{**bucket, "label": facet_label(name, bucket["value"], language, translate)}
                   for bucket in buckets]
            for name, buckets in facets.items()}
