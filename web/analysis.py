"""Analysis of the current search (counts, budgets in EUR by theme and country, charts) and
exports of its whole result set as CSV and JSON, streamed."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _

from kb.core.facets import BAND_ORDER, NO_BUDGET
from kb.core.search_args import SearchRequest
from kb.service.backup import CSV_COLUMNS, csv_row
from web import charts, i18n
from web.knowledge import knowledge_base
from kb.core.errors import BadParameter
from web.params import search_request

blueprint = Blueprint("analysis", __name__)


@blueprint.get("/analysis")
def page() -> Any:
    try:
        search = search_request(request.args, worded=True)
    except BadParameter as exc:
        return render_template("analysis.html", error=exc, data=None, search=SearchRequest()), 400
    data = knowledge_base().analyse(search)
    return render_template("analysis.html", error=None, data=data, search=search,
                           description=describe(search), **_charts(data))


def describe(search: SearchRequest) -> str:
    """The search in words: “youth”; Themes: Nightlife, Sport and social integration; ..."""
    parts = [_("“%(query)s”", query=search.q)] if search.q else []
    for facet, values in search.selections.items():
        labels = sorted(i18n.facet_label(facet, value) for value in values)
        parts.append(_("%(facet)s: %(value)s", facet=i18n.FACET_TITLES[facet],
                       value=", ".join(labels)))
    ranges = {"budget_min": _("Budget from %(amount)s", amount=i18n.euros(search.budget_min)),
              "budget_max": _("Budget up to %(amount)s", amount=i18n.euros(search.budget_max)),
              "year_from": _("Starting in %(year)s or later", year=search.year_from),
              "year_to": _("Starting in %(year)s or earlier", year=search.year_to)}
    parts.extend(text for name, text in ranges.items() if getattr(search, name) is not None)
    if not parts:
        return _("For all published sheets.")
    return _("For the current search: %(description)s.", description="; ".join(parts))


def _charts(data: dict[str, Any]) -> dict[str, Any]:
    bands = {b["value"]: b["count"] for b in data["facets"]["budget_band"]}
    histogram = [(i18n.facet_label("budget_band", band), bands.get(band, 0))
                 for band in BAND_ORDER if band != NO_BUDGET]
    years = {int(b["value"]): b["count"] for b in data["facets"]["start_year"]
             if str(b["value"]).isdigit()}
    per_year = ([(str(year), years.get(year, 0)) for year in range(min(years), max(years) + 1)]
                if years else [])
    by_theme = sorted(((i18n.theme_label(theme), stats) for theme, stats
                       in data["budget_by_theme"].items()), key=lambda row: -row[1]["total"])
    by_country = sorted(((i18n.facet_label("country", code), stats) for code, stats
                         in data["budget_by_country"].items()), key=lambda row: -row[1]["total"])
    return {
        "histogram": histogram, "per_year": per_year, "no_budget": bands.get(NO_BUDGET, 0),
        "by_theme": by_theme, "by_country": by_country,
        "histogram_svg": charts.horizontal_bars(
            histogram, _("Sheets by budget band (EUR)"), lambda v: i18n.number(v)),
        "years_svg": charts.columns(per_year, _("Sheets by start year")),
        "theme_svg": charts.horizontal_bars(
            [(label, stats["total"]) for label, stats in by_theme[:15]],
            _("Total budget by theme (EUR)"), i18n.number),
    }


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
        "Content-Disposition": 'attachment; filename="practice-sheets.csv"'})


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
            yield ("," if number else "") + "\n" + json.dumps(entry, ensure_ascii=False)
        yield "\n]\n"

    return Response(stream_with_context(parts()), mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="practice-sheets.json"'})


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
