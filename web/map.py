"""The map of a search's initiatives: one point per city, sized by its number of sheets, drawn
as inline SVG on the server over Natural Earth's country outlines (web/data/outlines.json, public
domain): no script, no tile server, nothing fetched.

Coordinates come from kb.core.places; sheets whose city is not given or not found are counted
apart, so the map, its table and that count add up to the search's sheets."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import request, url_for
from flask_babel import ngettext
from markupsafe import Markup, escape

from kb.core.places import Place, locate
from kb.core.text import fold
from web import i18n
from web.params import search_args

OUTLINES = Path(__file__).parent / "data" / "outlines.json"
WIDTH = 640
MARGIN = 2.0          # degrees around the outermost points
MIN_SPAN = (20.0, 12.0)   # degrees of longitude and latitude shown at least (one city: a region)
ASPECT = (0.55, 1.0)  # height / width of the map, kept within these
RADIUS = (7.0, 22.0)  # a point's radius for one sheet and for the most sheets
# City names' font sizes in map units: on a wide screen, and on a phone (where the map is drawn
# at about 0.55 of its width: 26 units are about 14 px). Each name says which sizes it fits at;
# the style sheet shows the names fitting at its size (fewer, larger ones on a phone).
LABEL_SIZES = (15, 26)


@dataclass
class Point:
    """One place on the map and the sheets of the search there."""

    place: Place
    country: str
    spellings: Counter        # the sheets' spellings of the city (each a facet value)
    count: int = 0

    @property
    def cities(self) -> list[str]:
        return sorted(self.spellings)

    @property
    def label(self) -> str:
        """The city as most of its sheets write it ("Genève" rather than GeoNames' "Geneva")."""
        return min(self.spellings, key=lambda name: (-self.spellings[name], name))


def points(records: Iterable[Mapping[str, Any]]) -> tuple[list[Point], dict[str, Any]]:
    """The search's sheets by place, most sheets first, and those not on the map:
    {"no_city": n, "unknown": {city name: n}}."""
    records = list(records)
    located = locate((r.get("city"), r.get("country")) for r in records)
    found: dict[tuple[float, float], Point] = {}
    apart: dict[str, Any] = {"no_city": 0, "unknown": {}}
    for record in records:
        city, country = record.get("city"), (record.get("country") or "").upper()
        place = located.get((city, country)) if city and country else None
        if place is None:
            if not city:
                apart["no_city"] += 1
            else:
                apart["unknown"][city] = apart["unknown"].get(city, 0) + 1
            continue
        point = found.setdefault((place.latitude, place.longitude),
                                 Point(place, country, Counter()))
        point.count += 1
        point.spellings[city] += 1
    ordered = sorted(found.values(), key=lambda p: (-p.count, fold(p.label)))
    apart["count"] = apart["no_city"] + sum(apart["unknown"].values())
    return ordered, apart


def city_url(point: Point) -> str:
    """The current search narrowed to this place: its city (every spelling) and country
    instead of any city or country chosen."""
    args = search_args(request.args)
    for name in ("city", "country", "page"):
        args.poplist(name)
    for city in point.cities:
        args.add("city", city)
    args.add("country", point.country)
    return url_for("search.page", **args.to_dict(flat=False))


def svg(found: list[Point], title: str) -> Markup:
    """The map: outlines of the countries in its frame, a linked point per place with a
    tooltip, the names of the places with most sheets where they do not overlap. A group, not
    an image, for assistive technology: its points are links, each named by its tooltip."""
    if not found:
        return Markup("")
    frame = _frame(found)
    project, height = _projection(frame)
    top = max(p.count for p in found)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
             f'class="map" role="group" aria-label="{escape(title)}"><title>{escape(title)}</title>'
             f'<rect width="{WIDTH}" height="{height:.0f}" class="map-sea"/>',
             _countries(frame)]
    placed: dict[float, list[tuple[float, ...]]] = {size: [] for size in LABEL_SIZES}
    texts = []
    for point in found:
        x, y = project(point.place.longitude, point.place.latitude)
        low, high = RADIUS
        radius = low + (high - low) * math.sqrt((point.count - 1) / (top - 1)) if top > 1 else low
        country = i18n.facet_label("country", point.country)
        tip = ngettext("%(place)s, %(country)s: %(num)s sheet",
                       "%(place)s, %(country)s: %(num)s sheets", point.count,
                       place=point.label, country=country)
        parts.append(f'<a href="{escape(city_url(point))}" class="map-point" '
                     f'data-count="{point.count}" data-place="{escape(point.label)}" '
                     f'data-country="{point.country}">'
                     f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}"/>'
                     f'<title>{escape(tip)}</title></a>')
        # A name where it overlaps no name already placed: tried at each size a screen uses.
        fits = [size for size in LABEL_SIZES if _place_label(placed[size], x, y, radius, size,
                                                             point.label)]
        if fits:
            sizes = " ".join(f"map-label-{size}" for size in fits)
            texts.append(f'<text x="{x + radius + 2:.1f}" y="{y:.1f}" dy=".35em" '
                         f'class="map-label {sizes}" aria-hidden="true">'
                         f'{escape(point.label)}</text>')
    parts.extend(texts)
    parts.append("</svg>")
    return Markup("".join(parts))


def _place_label(placed: list[tuple[float, ...]], x: float, y: float, radius: float,
                 size: int, label: str) -> bool:
    """Whether a name of this font size fits right of its point (within the map, over no name
    placed so far); if so it is placed."""
    box = (x + radius + 2, y - size * 0.6, x + radius + 2 + 0.58 * size * len(label),
           y + size * 0.5)
    if box[2] > WIDTH or any(_overlap(box, other) for other in placed):
        return False
    placed.append(box)
    return True


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _frame(found: list[Point]) -> tuple[float, float, float, float]:
    """Longitudes and latitudes shown: the points with a margin, at least MIN_SPAN."""
    lons = [p.place.longitude for p in found]
    lats = [p.place.latitude for p in found]
    west, east = min(lons) - MARGIN, max(lons) + MARGIN
    south, north = min(lats) - MARGIN, max(lats) + MARGIN
    grow_lon = max(0.0, MIN_SPAN[0] - (east - west)) / 2
    grow_lat = max(0.0, MIN_SPAN[1] - (north - south)) / 2
    west, east, south, north = west - grow_lon, east + grow_lon, south - grow_lat, north + grow_lat
    # Within the aspect range: widen or heighten the frame around its centre.
    scale = math.cos(math.radians((south + north) / 2))
    width, height = (east - west) * scale, north - south
    if height / width < ASPECT[0]:
        extra = (ASPECT[0] * width - height) / 2
        south, north = south - extra, north + extra
    elif height / width > ASPECT[1]:
        extra = (height / ASPECT[1] / scale - (east - west)) / 2
        west, east = west - extra, east + extra
    return (max(-180.0, west), max(-85.0, south), min(180.0, east), min(85.0, north))


def _projection(frame: tuple[float, float, float, float]):
    """Equirectangular, longitudes shrunk by the cosine of the frame's middle latitude (shapes
    stay recognisable at this scale; no library needed)."""
    west, south, east, north = frame
    scale = math.cos(math.radians((south + north) / 2))
    unit = WIDTH / ((east - west) * scale)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon - west) * scale * unit, (north - lat) * unit

    return project, (north - south) * unit


@lru_cache(maxsize=64)
def _countries(frame: tuple[float, float, float, float]) -> str:
    """The outlines of the countries that reach into the frame, as one path each (rings whose
    points all lie outside the frame on one side left out: they cannot be seen)."""
    project, _ = _projection(frame)
    west, south, east, north = frame
    paths = []
    for country in _outlines():
        rings = []
        for ring in country["rings"]:
            lons = [p[0] for p in ring]
            lats = [p[1] for p in ring]
            if max(lons) < west or min(lons) > east or max(lats) < south or min(lats) > north:
                continue
            xy = [project(lon, lat) for lon, lat in ring]
            rings.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in xy) + "Z")
        if rings:
            paths.append(f'<path d="{"".join(rings)}" class="map-land" '
                         f'data-country="{escape(country["iso"] or "")}"/>')
    return "".join(paths)


@lru_cache(maxsize=1)
def _outlines() -> list[dict[str, Any]]:
    return json.loads(OUTLINES.read_text(encoding="utf-8"))["countries"]
