"""The search's filters as the search page and the analysis page show them beside their
results: every facet's values with their counts, labels and ticks (templates/_filters.html)."""

from __future__ import annotations

from typing import Any

from flask_babel import ngettext

from kb.core.facets import FACETS
from kb.core.text import fold
from web import i18n

# Facet values shown before "show more".
FACET_SHOWN = 8


def facets(result: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The sidebar: every facet with its buckets ready to show (selected ones first), each with
    its label from the search result. Built here rather than in the template: a page lists
    hundreds of values."""
    if result is None:
        return []
    sheets: dict[int, str] = {}         # count -> "(12 sheets)" for screen readers
    out = []
    for facet in FACETS:
        param = facet.param
        values = []
        for number, bucket in enumerate(sorted(result["facets"].get(facet.name, []),
                                               key=lambda b: not b["selected"])):
            count = bucket["count"]
            if count not in sheets:
                sheets[count] = ngettext("%(count)s sheet", "%(count)s sheets", count,
                                         count=i18n.number(count))
            label = bucket["label"]
            values.append({"value": bucket["value"], "label": label, "key": fold(label),
                           "id": f"{param}-{number}", "count": i18n.number(count),
                           "sheets": sheets[count], "selected": bucket["selected"]})
        out.append({"name": facet.name, "param": param, "entries": values})
    return out
