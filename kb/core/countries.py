"""Country names as sheets write them, in any of the network's languages, to ISO 3166-1 codes."""

from __future__ import annotations

import gettext
import re
from functools import lru_cache

import pycountry

from kb.core.languages import TRANSLATED_LANGUAGES
from kb.core.text import fold

# Usual short forms and the nations of the United Kingdom, which ISO does not list.
ALIASES = {
    "uk": "GB",
    "u.k.": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "angleterre": "GB",
    "ecosse": "GB",
    "inglaterra": "GB",
    "inghilterra": "GB",
    "england und wales": "GB",
    "usa": "US",
    "u.s.a.": "US",
    "us": "US",
    "u.s.": "US",
    "united states of america": "US",
    "america": "US",
    "etats-unis": "US",
    "estados unidos": "US",
    "stati uniti": "US",
    "vereinigte staaten": "US",
    "verenigde staten": "US",
    "holland": "NL",
    "the netherlands": "NL",
    "pays-bas": "NL",
    "russia": "RU",
    "czech republic": "CZ",
    "czechia": "CZ",
    "turkey": "TR",
    "kosovo": "XK",
    "moldova": "MD",
    "republic of ireland": "IE",
    "eire": "IE",
    "bosnia": "BA",
    "macedonia": "MK",
    "south korea": "KR",
    "iran": "IR",
    "vietnam": "VN",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "syria": "SY",
}


# Sheets also come from members writing in other EU languages ("Polska", "Sverige"): their
# country names are read too, after the network's languages (which win a shared spelling).
OTHER_NAME_LANGUAGES = ("pl", "sv", "da", "fi", "cs", "sk", "sl", "hr", "hu", "ro", "bg", "el",
                        "et", "lv", "lt")


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Every known name of every country (folded) -> alpha-2 code."""
    names: dict[str, str] = {}
    network = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
               for lang in TRANSLATED_LANGUAGES]
    others = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
              for lang in OTHER_NAME_LANGUAGES]
    for catalogs in (network, others):
        for country in pycountry.countries:
            code = country.alpha_2
            forms = {country.name, getattr(country, "common_name", None),
                     getattr(country, "official_name", None)}
            for form in list(forms):
                if form:
                    forms.update(catalog.gettext(form) for catalog in catalogs)
            for form in forms:
                if form:
                    names.setdefault(fold(form), code)
                    # "Netherlands, Kingdom of the" -> also "netherlands"
                    names.setdefault(fold(form.split(",")[0]), code)
            names.setdefault(code.lower(), code)
            names.setdefault(country.alpha_3.lower(), code)
    names.update(ALIASES)
    return names


def country_code(text: str | None) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country as written ("Allemagne" -> "DE"), or None."""
    if not text:
        return None
    names = _names()
    candidate = fold(text).strip(" .;:")
    if candidate in names:
        return names[candidate]
    # "England (UK)", "Canada (Québec)", "Italy / Italia": try each part.
    for part in re.split(r"[()/,;]|\s[-–]\s", candidate):
        part = part.strip(" .")
        if part in names:
            return names[part]
    without_article = re.sub(r"^(the|la|le|les|el|il|lo|die|der|das|de|het|o|a|l')\s*", "",
                             candidate)
    return names.get(without_article)


def is_country_code(code: str) -> bool:
    return code in {c.alpha_2 for c in pycountry.countries} or code == "XK"


@lru_cache(maxsize=None)
def country_name(code: str | None, language: str = "en") -> str:
    """The country's common name in a language ("DE", "fr" -> "Allemagne"); the code if unknown."""
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return "Kosovo" if code == "XK" else code
    name = getattr(country, "common_name", None) or country.name
    if language == "en":
        return name
    return _catalog(language).gettext(name)


@lru_cache(maxsize=None)
def _catalog(language: str) -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return gettext.NullTranslations()
