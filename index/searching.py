"""Searching: one long-lived searcher, refreshed after commits, answering faceted queries.

A query's matching documents are computed once (no scoring), filtered and counted from the
facet arrays, and only the page of hits asked for is ranked (BM25, index.matching). Searches are
serialised by a lock: Whoosh readers are not made for concurrent use, and on the GIL a
second thread would not run a search faster anyway.
"""

from __future__ import annotations

import heapq
import statistics
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq

from index.facets import FACET_NAMES, FacetTable, buckets, select
from index.matching import Postings, PostingsCache, matching_docs, rank, scoring_terms
from index.lexicon import Lexicon
from index.query import ParsedQuery, parse, terms_by_field, widen_concepts, widen_words
from index.schema import SCHEMA_VERSION, TEXT_FIELDS
from index.spelling import suggest
from index.writing import current
from kb.core.errors import IndexDamaged
from kb.core.search_args import MAX_LIMIT, SearchRequest

# Key terms of a sheet's text for "similar initiatives": Whoosh's default of 5 finds little.
SIMILAR_TERMS = 15
# Shared themes weigh more than shared wording: they are curated, and cross languages.
THEME_BOOST = 1.5
# Spelling correction: a query of up to CORRECTED_WORDS words, or one finding fewer than
# FEW_HITS sheets, is corrected when a word of it is in no sheet.
CORRECTED_WORDS = 8
FEW_HITS = 3


@dataclass
class SearchResult:
    total: int
    hits: list[tuple[str, float | None]]          # (record id, score) of the page asked for
    facets: dict[str, list[dict[str, Any]]]
    suggestion: str | None
    terms: dict[str, set[str]]                    # indexed terms by field, for highlighting
    fallback: bool = False
    docs: list[int] = field(default_factory=list, repr=False)
    # The spelling correction searched instead of the query as typed (then `suggestion` is
    # None); the typed query is searched again with SearchRequest.verbatim.
    corrected: str | None = None


class SearchIndex:
    """Read access to the live index generation under `root`."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._lock = threading.Lock()
        self._generation: Path | None = None
        self._searcher: Any = None
        self._lexicon: Lexicon | None = None
        self._table = FacetTable()
        self._docnums: dict[str, int] = {}
        self._live: set[int] = set()
        self._published: set[int] = set()
        self._lengths: dict[str, Any] = {}
        self._live_mask = np.zeros(0, dtype=bool)
        self._postings_cache = PostingsCache()

    def close(self) -> None:
        with self._lock:
            self.close_unlocked()

    # Keeping the searcher current

    def _refresh(self) -> bool:
        """Bring the searcher up to date; False when there is no index yet."""
        live = current(self.root)
        if live is None:
            self.close_unlocked()
            return False
        folder, version = live
        if version != SCHEMA_VERSION:
            raise IndexDamaged(f"The search index in {folder} was built by another version of "
                               "practice-kb; run `kb reindex` to rebuild it from the store.")
        # A new searcher after each commit: Whoosh's refresh() keeps the readers of segments
        # it already had, and so misses documents deleted inside them.
        if (folder != self._generation or self._searcher is None
                or not self._searcher.up_to_date()):
            self.close_unlocked()
            try:
                self._searcher = whoosh_index.open_dir(folder).searcher()
                self._lexicon = Lexicon(folder)
            except (OSError, ValueError, EOFError, whoosh_index.IndexError) as exc:
                raise IndexDamaged(f"The search index in {folder} cannot be read ({exc}); run "
                                   "`kb reindex` to rebuild it from the store.") from exc
            self._generation = folder
            self._reload_table()
        return True

    def close_unlocked(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        if self._lexicon is not None:
            self._lexicon.close()
        self._searcher = None
        self._lexicon = None
        self._generation = None

    def _reload_table(self) -> None:
        self._table.refresh(self._searcher.reader())
        columns = self._table.columns
        self._docnums = {rid: n for n, rid in enumerate(columns.ids) if rid is not None}
        self._live = set(self._docnums.values())
        self._published = {n for n in self._live if columns.status[n] == "published"}
        self._live_mask = np.zeros(self._searcher.reader().doc_count_all(), dtype=bool)
        self._live_mask[list(self._live)] = True
        self._postings_cache = PostingsCache()       # postings of this generation only
        known = [columns.length[n] for n in self._live if columns.length[n]]
        average = sum(known) / len(known) if known else 0
        # Every sheet's words are in its own language's field: one length list serves all.
        lengths = np.array([length or 0 for length in columns.length], dtype=np.float64)
        self._lengths = ({name: (lengths, average) for name in TEXT_FIELDS}
                         if average else {})
        theme_counts = np.array([len(themes) for themes in columns.values["themes"]],
                                dtype=np.float64)
        tagged = [theme_counts[n] for n in self._live if theme_counts[n]]
        if tagged:
            self._lengths["themes"] = (theme_counts, sum(tagged) / len(tagged))

    # Queries

    def search(self, request: SearchRequest) -> SearchResult:
        with self._lock:
            if not self._refresh():
                return SearchResult(0, [], _empty_facets(request), None, {})
            return self._search(request)

    def _search(self, request: SearchRequest) -> SearchResult:
        searcher = self._searcher
        parsed = self._parse(request.q)
        postings = self._postings()
        docs = self._matching(parsed, request, postings)
        selected, counts = select(self._table, docs, request.selections, request.facets)
        facets = {name: buckets(name, counts[name], request.selections.get(name, set()),
                                request.facet_limit)
                  for name in counts}
        hits = self._page(parsed, request, selected, postings)
        suggestion = None
        # A long pasted text is not corrected unless it finds little: its rare words are
        # mostly names, and its other words find the sheets.
        if parsed.words and (len(selected) < FEW_HITS or len(parsed.words) <= CORRECTED_WORDS):
            suggestion = suggest(searcher, self._lexicon, request.q, parsed.words,
                                 len(selected), self._counter(request))
        if suggestion is not None and not request.verbatim:
            result = self._search(replace(request, q=suggestion, verbatim=True))
            return replace(result, corrected=suggestion, suggestion=None)
        terms = terms_by_field(parsed.typed) if parsed.typed is not None else {}
        return SearchResult(len(selected), hits, facets, suggestion, terms, parsed.fallback,
                            selected)

    def _postings(self) -> Postings:
        return Postings(self._searcher, self._postings_cache)

    def _parse(self, text: str) -> ParsedQuery:
        return widen_concepts(widen_words(parse(text, self._searcher.schema), self._lexicon))

    def _counter(self, request: SearchRequest):
        """How many sheets another query finds under the same filters and selections."""
        searcher = self._searcher

        def count(q: str) -> int:
            docs = self._matching(self._parse(q), request, self._postings())
            return len(select(self._table, docs, request.selections, False)[0])
        return count

    def _matching(self, parsed: ParsedQuery, request: SearchRequest,
                  postings: Postings) -> list[int]:
        columns = self._table.columns
        if parsed.query is None:
            docs = sorted(self._live)
        else:
            docs = np.flatnonzero(matching_docs(parsed.query, postings, self._live_mask)
                                  & self._live_mask).tolist()
        if request.status:
            status = columns.status
            docs = [d for d in docs if status[d] == request.status]
        if request.year_from is not None or request.year_to is not None:
            low = request.year_from if request.year_from is not None else -10**9
            high = request.year_to if request.year_to is not None else 10**9
            years = columns.start_year
            docs = [d for d in docs if years[d] is not None and low <= years[d] <= high]
        if request.budget_min is not None or request.budget_max is not None:
            low = request.budget_min if request.budget_min is not None else float("-inf")
            high = request.budget_max if request.budget_max is not None else float("inf")
            budgets = columns.budget_eur
            docs = [d for d in docs if budgets[d] is not None and low <= budgets[d] <= high]
        return docs

    def ordered_ids(self, request: SearchRequest) -> list[str]:
        """Every matching id in the request's sort order (for exports: no page, no facets)."""
        with self._lock:
            if not self._refresh():
                return []
            searcher = self._searcher
            parsed = self._parse(request.q)
            postings = self._postings()
            docs = self._matching(parsed, request, postings)
            selected, _ = select(self._table, docs, request.selections, False)
            ids = self._table.columns.ids
            if request.sort == "relevance" and parsed.query is not None:
                ranked = rank(scoring_terms(parsed.query), postings, selected,
                              self._lengths, len(selected))
                first = [d for d, _ in ranked]
                rest = set(selected).difference(first)    # matched, but by no scoring term
                return [ids[d] for d in first + sorted(rest, key=self._sort_key("newest", parsed))]
            return [ids[d] for d in sorted(selected, key=self._sort_key(request.sort, parsed))]

    def _page(self, parsed: ParsedQuery, request: SearchRequest, selected: list[int],
              postings: Postings) -> list[tuple[str, float | None]]:
        limit = max(1, min(request.limit, MAX_LIMIT))
        end = max(1, request.page) * limit
        start = end - limit
        if start >= len(selected):
            return []
        ids = self._table.columns.ids
        if request.sort == "relevance" and parsed.query is not None:
            ranked = rank(scoring_terms(parsed.query), postings, selected, self._lengths,
                          end)
            return [(ids[d], round(score, 4)) for d, score in ranked[start:end]]
        ordered = heapq.nsmallest(end, selected, key=self._sort_key(request.sort, parsed))
        return [(ids[d], None) for d in ordered[start:end]]

    def _sort_key(self, sort: str, parsed: ParsedQuery):
        columns = self._table.columns
        years, budgets, titles, added = (columns.start_year, columns.budget_eur, columns.title,
                                         columns.added)
        if sort == "relevance":      # no words to rank by: newest first
            sort = "newest"
        if sort == "newest":
            return lambda d: (-(years[d] or -10**6), _reverse(added[d]), titles[d])
        if sort == "oldest":
            return lambda d: (years[d] if years[d] is not None else 10**6, titles[d])
        if sort == "added":
            return lambda d: (_reverse(added[d]), titles[d])
        if sort == "budget_asc":
            return lambda d: (budgets[d] is None, budgets[d] or 0.0, titles[d])
        if sort == "budget_desc":
            return lambda d: (budgets[d] is None, -(budgets[d] or 0.0), titles[d])
        return lambda d: (titles[d], d)

    def similar(self, record_id: str, language: str, text: str, themes: list[str],
                target_groups: list[str], limit: int = 5) -> list[tuple[str, float]]:
        """Published sheets most like this one: its key terms, themes and target groups."""
        with self._lock:
            if not self._refresh():
                return []
            searcher = self._searcher
            fieldname = f"text_{language}"
            clauses: list[wq.Query] = []
            if fieldname in searcher.schema and text:
                for word, weight in searcher.key_terms_from_text(fieldname, text,
                                                                 numterms=SIMILAR_TERMS):
                    clauses.append(wq.Term(fieldname, word, boost=weight))
            clauses.extend(wq.Term("themes", theme.lower(), boost=THEME_BOOST) for theme in themes)
            analyzer = searcher.schema["target_groups"].analyzer
            for group in target_groups:
                clauses.extend(wq.Term("target_groups", token.text, boost=0.2)
                               for token in analyzer(group))
            if not clauses:
                return []
            columns = self._table.columns
            allowed = set(self._published)
            allowed.discard(self._docnums.get(record_id))
            terms = [(q.fieldname, q.text, q.boost) for q in clauses]
            postings = self._postings()
            ranked = rank(terms, postings, allowed, self._lengths, limit)
            return [(columns.ids[d], round(score, 4)) for d, score in ranked if score > 0]

    def stamps(self) -> dict[str, str]:
        """id -> stamp of every indexed record (to compare with the store)."""
        with self._lock:
            if not self._refresh():
                return {}
            return {fields["id"]: fields.get("stamp", "")
                    for fields in self._searcher.reader().all_stored_fields()}

    def analyse(self, request: SearchRequest) -> dict[str, Any]:
        """Counts and budget statistics (EUR) of a search's whole result set."""
        with self._lock:
            if not self._refresh():
                return _analysis([], self._table)
            parsed = self._parse(request.q)
            docs = self._matching(parsed, request, self._postings())
            selected, _ = select(self._table, docs, request.selections, False)
            return _analysis(selected, self._table)


def _analysis(docs: list[int], table: FacetTable) -> dict[str, Any]:
    columns = table.columns
    budgets = columns.budget_eur
    by_theme: dict[str, list[float]] = defaultdict(list)
    by_country: dict[str, list[float]] = defaultdict(list)
    themes, countries = columns.values["themes"], columns.values["country"]
    for d in docs:
        amount = budgets[d]
        if amount is None:
            continue
        for theme in themes[d]:
            by_theme[theme].append(amount)
        if countries[d]:
            by_country[countries[d]].append(amount)
    counts = {name: table.count(docs, name) for name in FACET_NAMES}
    return {
        "total": len(docs),
        "budget": budget_stats([budgets[d] for d in docs if budgets[d] is not None]),
        "budget_by_theme": {key: budget_stats(values) for key, values in sorted(by_theme.items())},
        "budget_by_country": {key: budget_stats(values)
                              for key, values in sorted(by_country.items())},
        "facets": {name: buckets(name, counts[name], set()) for name in FACET_NAMES},
    }


def budget_stats(amounts: list[float]) -> dict[str, Any]:
    if not amounts:
        return {"count": 0, "total": 0.0, "median": None, "min": None, "max": None}
    return {"count": len(amounts), "total": round(sum(amounts), 2),
            "median": round(statistics.median(amounts), 2), "min": min(amounts),
            "max": max(amounts)}


def _empty_facets(request: SearchRequest) -> dict[str, list[dict[str, Any]]]:
    if not request.facets:
        return {}
    return {name: buckets(name, Counter(), request.selections.get(name, set()))
            for name in FACET_NAMES}


def _reverse(text: str) -> tuple[int, ...]:
    """A key that sorts strings in reverse order inside an ascending sort."""
    return tuple(-ord(c) for c in text)

