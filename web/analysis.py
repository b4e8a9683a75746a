"""Analysis of the current search (counts, budgets in EUR by theme and country, charts) and
exports of its whole result set as CSV and JSON, streamed."""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from flask import (Blueprint, Response, current_app, render_template, request,
                   stream_with_context, url_for)
from flask_babel import gettext as _, lazy_gettext as _l

from kb.core.budgets import KINDS, Entry, comparable
from kb.core.facets import BAND_ORDER, NO_BUDGET, budget_band, labelled
from kb.core.text import fold
from kb.core.search_args import SearchRequest
from kb.service.backup import CSV_COLUMNS, csv_row
from web import charts, filters, i18n
from web import map as city_map     # not shadowing the builtin map()
from web.knowledge import knowledge_base
from kb.core.errors import BadParameter
from web.params import search_request
from web.templating import search_url

blueprint = Blueprint("analysis", __name__)


@blueprint.get("/analysis")
def page() -> Any:
    try:
        search = search_request(request.args, worded=True)
    except BadParameter as exc:
        return render_template("analysis.html", error=exc, data=None, search=SearchRequest()), 400
    # The search page's filters beside the charts ("filters": the same facets, counts and
    # parameters) come from the analysis's own matching: a second search doubled the page's
    # cost, which an expansion bomb makes large.
    data = knowledge_base().analyse(search, sheets=True, filters=True)
    # Budgets compared per year need each sheet's basis and period, the map its city: the
    # index keeps them, so the page reads no records (it read 10,000 for a broad search).
    records = list(data.pop("sheets"))
    budgets = comparable(Entry.of(record) for record in records)
    sidebar = filters.facets({"facets": labelled(data.pop("filters"), **i18n.labelling())})
    return render_template("analysis.html", error=None, data=data, search=search,
                           facets=sidebar, facet_shown=filters.FACET_SHOWN,
                           budgets=budgets, description=describe(search),
                           kinds=_kinds(budgets), **_charts(data, budgets), **_map(records),
                           crosstab=theme_by_country(records, search))


def theme_by_country(records: list[dict[str, Any]], search: SearchRequest) -> dict[str, Any]:
    """Sheets by theme and country: each cell the number of sheets of that theme in that
    country, which is what the search for that theme and country finds (so its link). A sheet
    with several themes counts under each; one with no theme or no country in a row or column
    of its own. Where the search already chooses themes, only those are rows: a sheet found
    for a chosen theme may have others, which the search for one of them alone would not find
    within the same choice."""
    chosen = search.selections.get("themes") or set()
    cells: Counter = Counter()
    themes: Counter = Counter()
    countries: Counter = Counter()
    for record in records:
        country = record.get("country") or None
        countries[country] += 1
        for theme in (record.get("themes") or [None]):
            if chosen and theme not in chosen:
                continue
            cells[theme, country] += 1
            themes[theme] += 1
    columns = sorted(countries, key=lambda code: (code is None, -countries[code], code or ""))
    rows = sorted(themes, key=lambda theme: (theme is None, -themes[theme], theme or ""))
    return {
        "columns": [{"code": code, "count": countries[code],
                     "label": i18n.facet_label("country", code) if code
                     else _("Country not given")} for code in columns],
        "rows": [{"theme": theme, "count": themes[theme],
                  "label": i18n.theme_label(theme) if theme else _("No theme given"),
                  "cells": [cells[theme, code] for code in columns]} for theme in rows],
    }


def _map(records: list[dict[str, Any]]) -> dict[str, Any]:
    found, apart = city_map.points(records)
    rows = [{"label": point.label, "country": i18n.facet_label("country", point.country),
             "count": point.count, "url": city_map.city_url(point)} for point in found]
    unknown = sorted(apart["unknown"].items(), key=lambda item: (-item[1], fold(item[0])))
    return {"map_svg": city_map.svg(found, _("Map of the sheets by city")), "map_rows": rows,
            "map_apart": apart, "map_unknown": ", ".join(city for city, _count in unknown)}


# Each kind of budget figure, as the page names it (kb.core.budgets.KINDS).
KIND_WORDS = {
    "per-year": _l("Stated per year: counted as stated"),
    "spread-total": _l("Totals over a known period: divided by its years"),
    "total-no-period": _l("Totals with no known period: not compared"),
    "per-participant": _l("Per participant: shown apart"),
    "per-unit": _l("Per unit: shown apart"),
    "no-budget": _l("No budget figure"),
}


def _kinds(budgets: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"kind": kind, "label": KIND_WORDS[kind], "count": budgets["kinds"][kind],
             "stats": budgets["apart"].get(kind)} for kind in KINDS]


def describe(search: SearchRequest) -> str:
    """The search in a sentence: For the current search: “youth”; Themes: Nightlife; ..."""
    words = search_words(search)
    if not words:
        return _("For all published sheets.")
    return _("For the current search: %(description)s.", description=words)


def search_words(search: SearchRequest) -> str:
    """The search in words: “youth”; Themes: Nightlife, Sport and social integration; ...
    (empty for all sheets)."""
    parts = [_("“%(query)s”", query=search.q)] if search.q else []
    for facet, values in search.selections.items():
        labels = sorted(i18n.facet_label(facet, value) for value in values)
        parts.append(_("%(facet)s: %(value)s", facet=i18n.FACET_TITLES[facet],
                       value=", ".join(labels)))
    if search.budget_per == "year":
        parts.append(yearly_range_words(search))
    else:
        parts.extend(text for name, text in (
            ("budget_min", _("Budget from %(amount)s", amount=i18n.euros(search.budget_min))),
            ("budget_max", _("Budget up to %(amount)s", amount=i18n.euros(search.budget_max))))
            if getattr(search, name) is not None)
    years = {"year_from": _("Starting in %(year)s or later", year=search.year_from),
             "year_to": _("Starting in %(year)s or earlier", year=search.year_to)}
    parts.extend(text for name, text in years.items() if getattr(search, name) is not None)
    return "; ".join(part for part in parts if part)


def yearly_range_words(search: SearchRequest) -> str:
    """A budget range per year in words ("Budget per year from X to Y", from X, up to Y); empty
    when neither amount is given or could be read."""
    low, high = i18n.euros(search.budget_min), i18n.euros(search.budget_max)
    if low and high:
        return _("Budget per year from %(low)s to %(high)s", low=low, high=high)
    if low:
        return _("Budget per year from %(amount)s", amount=low)
    return _("Budget per year up to %(amount)s", amount=high) if high else ""


def _charts(data: dict[str, Any], budgets: dict[str, Any]) -> dict[str, Any]:
    bands = Counter(budget_band(amount) for amount in budgets["yearly_amounts"])
    # Each band with the search for it: the per-year band facet counts the same figures.
    histogram = [(i18n.facet_label("budget_year_band", band), bands.get(band, 0),
                  search_url(budget_year=band)) for band in BAND_ORDER if band != NO_BUDGET]
    years = {int(b["value"]): b["count"] for b in data["facets"]["start_year"]
             if str(b["value"]).isdigit()}
    first, last = year_span(years)
    per_year = ([(str(year), years.get(year, 0)) for year in range(first, last + 1)]
                if years else [])
    years_apart = [(str(year), count) for year, count in sorted(years.items())
                   if not first <= year <= last]
    # Each row's label links to the search for its theme or country (none for "not given").
    by_theme = sorted(((i18n.theme_label(theme), stats, search_url(theme=theme)) for theme, stats
                       in budgets["by_theme"].items()), key=lambda row: -row[1]["total"])
    by_country = sorted(((i18n.facet_label("country", code) if code else _("Country not given"),
                          stats, search_url(country=code) if code else None)
                         for code, stats in budgets["by_country"].items()),
                        key=lambda row: -row[1]["total"])
    return {
        "histogram": histogram, "per_year": per_year, "years_apart": years_apart,
        "by_theme": by_theme, "by_country": by_country,
        "histogram_svg": charts.horizontal_bars(
            [(label, count) for label, count, _url in histogram],
            _("Sheets by yearly budget band (EUR per year)"), i18n.number),
        "years_svg": charts.columns(per_year, _("Sheets by start year"), i18n.number),
        # Every theme: a chart that drops some would hide them.
        "theme_svg": charts.horizontal_bars(
            [(label, stats["total"]) for label, stats, _url in by_theme],
            _("Yearly budgets by theme, added up (EUR per year)"), i18n.number),
    }


# A start year further than this from every other one, at either end, is shown apart when few
# sheets are out there: one sheet of 1981 does not stretch the chart over forty empty years.
YEAR_GAP = 5
YEARS_APART_SHARE = 0.1


def year_span(years: dict[int, int]) -> tuple[int, int]:
    """The first and last start year the chart shows: all of them, less the few sheets of
    years cut off from the rest by more than YEAR_GAP years at either end (listed apart)."""
    if not years:
        return 0, -1
    ordered = sorted(years)
    total = sum(years.values())
    low, high = 0, len(ordered) - 1
    moved = True
    while moved and low < high:
        moved = False
        for end in ("low", "high"):
            if low >= high:
                break
            if end == "low":
                gap, cut = ordered[low + 1] - ordered[low], ordered[:low + 1]
            else:
                gap, cut = ordered[high] - ordered[high - 1], ordered[high:]
            if gap > YEAR_GAP and sum(years[y] for y in cut) <= YEARS_APART_SHARE * total:
                low, high = (low + 1, high) if end == "low" else (low, high - 1)
                moved = True
    return ordered[low], ordered[high]


@blueprint.get("/export.csv")
def export_csv() -> Response:
    """Every sheet of the current search as CSV: UTF-8 with a byte order mark (so spreadsheet
    programs read the accents right), a header row, one row per sheet."""
    search = search_request(request.args)
    rows = knowledge_base().rows(search)

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(("url", *CSV_COLUMNS))
        yield "\ufeff" + _drain(buffer)
        for item in rows:
            writer.writerow((url_for("sheets.sheet", record_id=item.id, _external=True),
                             *csv_row(item)))
            yield _drain(buffer)

    return Response(stream_with_context(lines()), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{export_name(search, "csv")}"'})


@blueprint.get("/export.json")
def export_json() -> Response:
    """Every sheet of the current search as one JSON array of {id, url, record, ...}."""
    search = search_request(request.args)
    rows = knowledge_base().rows(search)

    def parts() -> Iterator[str]:
        yield "["
        for number, item in enumerate(rows):
            entry = {"id": item.id, "url": url_for("sheets.sheet", record_id=item.id,
                                                    _external=True),
                     "record": item.record, "updated": item.updated, "version": item.version}
            # As the API writes JSON: <, > and & escaped, so sheet text stays inert.
            yield ("," if number else "") + "\n" + current_app.json.dumps(entry)
        yield "\n]\n"

    return Response(stream_with_context(parts()), mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{export_name(search, "json")}"'})


def export_name(search: SearchRequest, extension: str) -> str:
    """practice-sheets-<the search's words and filters>-<date>.csv: downloads of different
    searches do not overwrite each other (ASCII only, so every browser keeps it)."""
    words = [search.q, *(value for values in search.selections.values()
                         for value in sorted(values))]
    slug = re.sub(r"[^a-z0-9]+", "-", fold(" ".join(words)).encode("ascii", "ignore")
                  .decode()).strip("-")[:60].strip("-")
    return "-".join(part for part in ("practice-sheets", slug, datetime.date.today().isoformat())
                    if part) + f".{extension}"


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
