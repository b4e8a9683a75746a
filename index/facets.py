"""Facets: per-document value arrays, selections and counts.

Whoosh's own facet counting (groupedby) scores and sorts on every query and rebuilds range
filters each time. Here each segment's facet column is read once into plain arrays, kept
while the segment lives, and a query's counts are Counter passes over the matching document
numbers: OR within a facet, AND across facets, each facet counted without its own selection.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from index.schema import FACETS, FORMS
from kb.core.facets import FACET, FACET_NAMES, FACETS as TABLE, NEWEST_FIRST



@dataclass
class Columns:
    """Per-document values for a range of document numbers (a segment, or all of them)."""

    ids: list[str | None] = field(default_factory=list)
    status: list[str | None] = field(default_factory=list)
    values: dict[str, list[Any]] = field(default_factory=lambda: {name: [] for name in FACET_NAMES})
    start_year: list[int | None] = field(default_factory=list)
    end_year: list[int | None] = field(default_factory=list)
    budget_eur: list[float | None] = field(default_factory=list)
    budget_basis: list[str | None] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    length: list[int] = field(default_factory=list)
    forms: list[bytes | None] = field(default_factory=list)    # index.forms signatures

    def extend(self, other: Columns) -> None:
        self.ids.extend(other.ids)
        self.status.extend(other.status)
        for name in FACET_NAMES:
            self.values[name].extend(other.values[name])
        self.start_year.extend(other.start_year)
        self.end_year.extend(other.end_year)
        self.budget_eur.extend(other.budget_eur)
        self.budget_basis.extend(other.budget_basis)
        self.title.extend(other.title)
        self.added.extend(other.added)
        self.length.extend(other.length)
        self.forms.extend(other.forms)

    def append_raw(self, raw: bytes | None) -> None:
        data = json.loads(raw) if raw else {}
        self.ids.append(data.get("id"))
        self.status.append(data.get("status"))
        year = data.get("start_year")
        for facet in TABLE:
            self.values[facet.name].append(facet.bucket(data.get(facet.stored_as)))
        self.start_year.append(year)
        self.end_year.append(data.get("end_year"))
        self.budget_eur.append(data.get("budget_eur"))
        self.budget_basis.append(data.get("budget_basis"))
        self.title.append((data.get("title") or "").casefold())
        self.added.append(data.get("added") or "")
        self.length.append(data.get("length") or 0)


def read_segment(reader: Any) -> Columns:
    """The columns of one leaf reader (deleted documents included: queries never match them)."""
    columns = Columns()
    facet_column = reader.column_reader(FACETS) if reader.has_column(FACETS) else None
    forms_column = reader.column_reader(FORMS) if reader.has_column(FORMS) else None
    for docnum in range(reader.doc_count_all()):
        deleted = reader.is_deleted(docnum)
        raw = None if deleted or facet_column is None else facet_column[docnum]
        columns.append_raw(raw)
        columns.forms.append(None if deleted or forms_column is None else forms_column[docnum])
    return columns


class FacetTable:
    """The columns of a whole searcher's documents, reusing the arrays of unchanged segments."""

    def __init__(self) -> None:
        self._segments: dict[tuple[str, int], Columns] = {}
        self.columns = Columns()

    def refresh(self, reader: Any) -> None:
        kept: dict[tuple[str, int], Columns] = {}
        combined = Columns()
        for leaf, _offset in reader.leaf_readers():
            segment = leaf.segment()
            # Deletions change a segment without changing its id.
            key = (segment.segment_id() if segment else "ram", segment.deleted_count() if segment else 0)
            columns = self._segments.get(key) or read_segment(leaf)
            kept[key] = columns
            combined.extend(columns)
        self._segments = kept
        self.columns = combined

    def matching(self, docs: Iterable[int], name: str, selected: set[str]) -> list[int]:
        """The documents whose value for facet `name` is one of `selected` (OR)."""
        values = self.columns.values[name]
        if FACET[name].many:
            return [d for d in docs if not selected.isdisjoint(values[d])]
        return [d for d in docs if values[d] in selected]

    def count(self, docs: Sequence[int], name: str) -> Counter:
        values = self.columns.values[name]
        if FACET[name].many:
            return Counter(chain.from_iterable(map(values.__getitem__, docs)))
        counts = Counter(map(values.__getitem__, docs))
        counts.pop(None, None)
        return counts


def select(table: FacetTable, docs: list[int], selections: dict[str, set[str]],
           want_counts: bool) -> tuple[list[int], dict[str, Counter]]:
    """Apply the selections; return the selected documents and each facet's counts.

    A facet's counts come from the documents that satisfy every *other* facet's selection,
    so its unselected values stay visible with the number of results they would add.
    """
    active = {name: values for name, values in selections.items() if values}
    passing = {name: set(table.matching(docs, name, values)) for name, values in active.items()}

    def narrowed(names: list[str]) -> list[int]:
        if not names:
            return docs
        keep = set.intersection(*(passing[name] for name in names))
        return [d for d in docs if d in keep]

    selected = narrowed(list(active))
    counts: dict[str, Counter] = {}
    if want_counts:
        for name in FACET_NAMES:
            base = selected if name not in active else narrowed([n for n in active if n != name])
            counts[name] = table.count(base, name)
    return selected, counts


def buckets(name: str, counts: Counter, selected: set[str], limit: int | None = None
            ) -> list[dict[str, Any]]:
    """A facet's buckets: {value, count, selected}; selected values always listed."""
    facet = FACET[name]
    if facet.choices is not None:
        order = [value for value in facet.choices if counts.get(value) or value in selected]
    elif facet.order == NEWEST_FIRST:
        order = sorted(set(counts) | selected, reverse=True)
    else:
        order = sorted(set(counts) | selected, key=lambda value: (-counts.get(value, 0), value))
    if limit is not None:
        shown = order[:limit]
        shown += [value for value in order[limit:] if value in selected]
        order = shown
    return [{"value": value, "count": counts.get(value, 0), "selected": value in selected}
            for value in order]
