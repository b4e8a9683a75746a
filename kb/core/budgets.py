"""Budget statistics that compare like with like: every figure brought to EUR per year of the
initiative where it can be (kb.core.money.yearly_amount), the others counted by what they cover.

The rule, stated on the analysis page: a per-year figure counts as it is; a total (or a figure
whose sheet does not say what it covers) is spread evenly over the years from start to end,
both included. Per-participant and per-unit figures, and totals without a known period, are
not added to per-year figures: they are counted apart, per-participant and per-unit figures
with statistics of their own.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kb.core.money import basis_of, yearly_amount

# How each sheet's budget enters the statistics, in the order the page lists them.
KINDS = ("per-year", "spread-total", "total-no-period", "per-participant", "per-unit",
         "no-budget")


@dataclass(frozen=True)
class Entry:
    """What the statistics need of one sheet."""

    budget: dict[str, Any] | None
    start_year: int | None
    end_year: int | None
    themes: tuple[str, ...]
    country: str | None

    @classmethod
    def of(cls, record: dict[str, Any]) -> Entry:
        return cls(record.get("budget"), record.get("start_year"), record.get("end_year"),
                   tuple(record.get("themes") or ()), record.get("country"))


def kind_of(entry: Entry) -> str:
    budget = entry.budget
    if not budget or budget.get("amount_eur") is None:
        return "no-budget"
    basis = basis_of(budget)
    if basis == "year":
        return "per-year"
    if basis == "participant":
        return "per-participant"
    if basis == "unit":
        return "per-unit"
    if yearly_amount(budget, entry.start_year, entry.end_year) is None:
        return "total-no-period"
    return "spread-total"


def stats(amounts: list[float]) -> dict[str, Any]:
    if not amounts:
        return {"count": 0, "total": 0.0, "median": None, "min": None, "max": None}
    return {"count": len(amounts), "total": round(sum(amounts), 2),
            "median": round(statistics.median(amounts), 2), "min": min(amounts),
            "max": max(amounts)}


def comparable(entries: Iterable[Entry]) -> dict[str, Any]:
    """Statistics of the sheets' budgets in EUR per year, overall, by theme and by country
    (None: no country given), each sheet's kind counted, and the figures per participant and
    per unit apart. Every sheet is counted in exactly one kind."""
    kinds: dict[str, int] = dict.fromkeys(KINDS, 0)
    yearly: list[float] = []
    by_theme: dict[str, list[float]] = defaultdict(list)
    by_country: dict[str | None, list[float]] = defaultdict(list)
    apart: dict[str, list[float]] = {"per-participant": [], "per-unit": []}
    for entry in entries:
        kind = kind_of(entry)
        kinds[kind] += 1
        if kind in apart:
            apart[kind].append(entry.budget["amount_eur"])
        if kind not in ("per-year", "spread-total"):
            continue
        amount = yearly_amount(entry.budget, entry.start_year, entry.end_year)
        yearly.append(amount)
        for theme in entry.themes:
            by_theme[theme].append(amount)
        by_country[entry.country].append(amount)
    return {
        "kinds": kinds,
        "yearly": stats(yearly),
        "yearly_amounts": yearly,
        "by_theme": {theme: stats(values) for theme, values in sorted(by_theme.items())},
        "by_country": {country: stats(values) for country, values
                       in sorted(by_country.items(), key=lambda item: item[0] or "")},
        "apart": {kind: stats(values) for kind, values in apart.items()},
    }
