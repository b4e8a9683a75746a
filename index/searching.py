"""Searching: one long-lived searcher, refreshed after commits, answering faceted queries.

A query's matching documents are computed once (no scoring), filtered and counted from the
facet arrays, and only the page of hits asked for is ranked (BM25, index.matching). Searches are
serialised by a lock: Whoosh readers are not made for concurrent use, and on the GIL a
second thread would not run a search faster anyway.

Meaning (index.embedding, index.vectors), when the model is there: the sheets closest to the
query's vector join the words' matches (MEANING_DEPTH of them, above MEANING_FLOOR, under the same
filters and facet selections), and the two rankings are fused by reciprocal rank (RRF_K). A
query that requires something (AND, NOT, a phrase, field:value) keeps its matches as typed; the
vectors only re-rank them. When no sheet matches the words at all, the nearest sheets by meaning
are shown, marked as such (SearchResult.nearest).
"""

from __future__ import annotations

import heapq
import threading
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq

from index import forms
from index.analysis import any_stopwords
from index.facets import FACET_NAMES, FacetTable, as_docs, buckets, select
from index.embedding import QueryVectors, load_embedder
from index.matching import Postings, PostingsCache, matching_docs, rank, scoring_terms
from index.lexicon import Lexicon
from index.query import ParsedQuery, parse, terms_by_field, widen_concepts, widen_words
from index.schema import SCHEMA_VERSION, TEXT_FIELDS
from index.spelling import suggest
from index.vectors import Matrix, VectorStore
from index.writing import current
from kb.core.budgets import stats as budget_stats
from kb.core.errors import IndexDamaged
from kb.core.search_args import MAX_LIMIT, SearchRequest
from kb.core.text import fold_word

# Key terms of a sheet's text for "similar initiatives": Whoosh's default of 5 finds little.
SIMILAR_TERMS = 15
# Shared themes weigh more than shared wording: they are curated, and cross languages.
THEME_BOOST = 1.5
# Spelling correction: a query of up to CORRECTED_WORDS words, or one finding fewer than
# FEW_HITS sheets, is corrected when a word of it is in no sheet.
CORRECTED_WORDS = 8
FEW_HITS = 3
# Meaning. The floors come from the cosines of the model we ship (USE v3) between queries and
# sheets: unrelated pairs fall below 0.29 in 95 of 100 cases, highly relevant ones have a median
# of 0.30 (bench/relevance); a query of nonsense reaches 0.05.
MEANING_FLOOR = 0.25      # a sheet found by meaning alone must be at least this close
MEANING_DEPTH = 30        # and among the this many closest
NEAREST_FLOOR = 0.15      # nothing matched the words: the nearest sheets shown, marked
NEAREST_DEPTH = 10
RRF_K = 60                # reciprocal-rank fusion constant (Cormack et al. 2009)
FUSION_DEPTH = 100        # ranks of each list taken into the fusion
# A sheet writing a typed word exactly as typed (folded, not stemmed) scores this much more for
# it than one writing another word of the same stem ("policing" typed: a policing sheet above a
# police one); a share of it per word of the query.
EXACT_BONUS = 0.1


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
    # No sheet matched the words: the hits are the sheets nearest by meaning.
    nearest: bool = False
    # Ids of the hits found by meaning alone (no word of the query in them).
    by_meaning: set[str] = field(default_factory=set)


@dataclass
class _Found:
    """A query's result set: the matches of its words and those of its meaning, filtered."""

    selected: list[int]
    counts: dict[str, Counter]
    lexical: set[int]                  # the selected documents that match the words
    similarity: np.ndarray | None      # cosine of every document with the query, if known
    nearest: bool = False


class SearchIndex:
    """Read access to the live index generation under `root`."""

    def __init__(self, root: Path, vectors: VectorStore | None = None):
        self.root = Path(root)
        self.vectors = vectors
        self._query_vectors: QueryVectors | None = None
        self._rows_of_docs: tuple[Any, int, np.ndarray] | None = None
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
        self._forms = forms.matrix([])

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
        self._forms = forms.matrix(columns.forms)
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
        parsed = self._parse(request.q)
        postings = self._postings()
        docs = self._matching(parsed, request, postings)
        suggestion = self._suggestion(request, parsed, docs)
        if suggestion is not None and not request.verbatim:
            result = self._search(replace(request, q=suggestion, verbatim=True))
            return replace(result, corrected=suggestion, suggestion=None)
        found = self._found(parsed, request, docs, request.facets)
        facets = _filters(found, request)
        hits = self._page(parsed, request, found, postings)
        ids = self._table.columns.ids
        by_meaning = {ids[d] for d in found.selected if d not in found.lexical}
        terms = terms_by_field(parsed.typed) if parsed.typed is not None else {}
        return SearchResult(len(found.selected), hits, facets, suggestion, terms,
                            parsed.fallback, found.selected, nearest=found.nearest,
                            by_meaning={rid for rid, _ in hits if rid in by_meaning})

    def _suggestion(self, request: SearchRequest, parsed: ParsedQuery,
                    docs: list[int]) -> str | None:
        """The spelling correction of a query that finds `docs`, or None."""
        # A long pasted text is not corrected unless it finds little: its rare words are
        # mostly names, and its other words find the sheets.
        if parsed.words and (len(docs) < FEW_HITS or len(parsed.words) <= CORRECTED_WORDS):
            return suggest(self._searcher, self._lexicon, request.q, parsed.words,
                           len(docs), self._counter(request))
        return None

    def _found(self, parsed: ParsedQuery, request: SearchRequest, docs: list[int],
               facets: bool) -> _Found:
        """The words' matches `docs` and the sheets closest in meaning, selected and counted."""
        similarity = self._similarity(parsed, request)
        meaning: list[int] = []
        if similarity is not None and _open(parsed):
            meaning = self._closest(similarity, request, MEANING_FLOOR, MEANING_DEPTH)
        union = sorted(set(docs).union(meaning)) if meaning else docs
        selected, counts = select(self._table, union, request.selections, facets)
        lexical = set(docs).intersection(selected) if meaning else set(selected)
        if lexical or similarity is None:
            return _Found(selected, counts, lexical, similarity)
        nearest = self._closest(similarity, request, NEAREST_FLOOR, NEAREST_DEPTH)
        selected, counts = select(self._table, sorted(nearest), request.selections, facets)
        return _Found(selected, counts, set(), similarity, nearest=bool(selected))

    def _similarity(self, parsed: ParsedQuery, request: SearchRequest) -> np.ndarray | None:
        """Cosine of every document's vector with the query's (-1 without one), or None."""
        if not parsed.words or self.vectors is None:
            return None
        embedder = load_embedder()
        if embedder is None:
            return None
        if self._query_vectors is None or self._query_vectors.embedder is not embedder:
            self._query_vectors = QueryVectors(embedder)
        matrix = self.vectors.matrix(embedder.name, embedder.dim)
        if not matrix.ids:
            return None
        # The words as typed, but the operators of a query that requires something.
        text = request.q if _open(parsed) else " ".join(parsed.words)
        return self._similarity_to(self._query_vectors(text), matrix)

    def _similarity_to(self, vector: np.ndarray, matrix: Matrix) -> np.ndarray:
        """Cosine of every document of this generation with `vector` (-1: no vector)."""
        key = (self._generation, matrix.seq)
        if self._rows_of_docs is None or self._rows_of_docs[:2] != key:
            docs_of_rows = np.array([self._docnums.get(rid, -1) for rid in matrix.ids],
                                    dtype=np.int64)
            self._rows_of_docs = (*key, docs_of_rows)
        docs_of_rows = self._rows_of_docs[2]
        # einsum, not BLAS: a multi-threaded BLAS product spins on cores the other workers
        # need (measured 2 ms against 25 ms on a loaded 2-core machine, 10,000 sheets).
        scores = np.einsum("ij,j->i", matrix.rows, vector)
        similarity = np.full(len(self._live_mask), -1.0, dtype=np.float32)
        known = docs_of_rows >= 0
        similarity[docs_of_rows[known]] = scores[known]
        return similarity

    def _closest(self, similarity: np.ndarray, request: SearchRequest, floor: float,
                 depth: int) -> list[int]:
        """The `depth` documents closest to the query, at least `floor`, filtered and selected."""
        if depth <= 0:
            return []
        near = np.flatnonzero((similarity >= floor) & self._live_mask)
        # Closest first, filtered a few at a time: most filters keep most of them.
        ordered = near[np.argsort(-similarity[near], kind="stable")]
        found: list[int] = []
        for start in range(0, len(ordered), 4 * depth):
            chunk = self._filtered(ordered[start:start + 4 * depth].tolist(), request)
            chunk, _ = select(self._table, chunk, request.selections, False)
            found.extend(chunk)
            if len(found) >= depth:
                break
        return found[:depth]

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
        if parsed.query is None:
            docs = sorted(self._live)
        else:
            docs = np.flatnonzero(matching_docs(parsed.query, postings, self._live_mask)
                                  & self._live_mask).tolist()
        return self._filtered(docs, request)

    def _filtered(self, docs: list[int], request: SearchRequest) -> list[int]:
        """`docs` that pass the request's status, year and budget filters (the budget as
        stated, or per year with budget_per="year")."""
        columns = self._table.columns
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
            budgets = (columns.budget_year_eur if request.budget_per == "year"
                       else columns.budget_eur)
            docs = [d for d in docs if budgets[d] is not None and low <= budgets[d] <= high]
        return docs

    def ordered_ids(self, request: SearchRequest) -> list[str]:
        """Every matching id in the request's sort order (for exports: no page, no facets)."""
        with self._lock:
            if not self._refresh():
                return []
            parsed = self._parse(request.q)
            postings = self._postings()
            found = self._found(parsed, request, self._matching(parsed, request, postings), False)
            ids = self._table.columns.ids
            if request.sort == "relevance" and parsed.query is not None:
                first = [d for d, _ in self._ranked(parsed, found, postings, len(found.selected))]
                rest = set(found.selected).difference(first)  # matched, by no scoring term
                return [ids[d] for d in first + sorted(rest, key=self._sort_key("newest", parsed))]
            return [ids[d] for d in sorted(found.selected,
                                           key=self._sort_key(request.sort, parsed))]

    def _page(self, parsed: ParsedQuery, request: SearchRequest, found: _Found,
              postings: Postings) -> list[tuple[str, float | None]]:
        limit = max(1, min(request.limit, MAX_LIMIT))
        end = max(1, request.page) * limit
        start = end - limit
        selected = found.selected
        if start >= len(selected):
            return []
        ids = self._table.columns.ids
        if request.sort == "relevance" and parsed.query is not None:
            ranked = self._ranked(parsed, found, postings, end)
            return [(ids[d], round(score, 4)) for d, score in ranked[start:end]]
        ordered = heapq.nsmallest(end, selected, key=self._sort_key(request.sort, parsed))
        return [(ids[d], None) for d in ordered[start:end]]

    def _ranked(self, parsed: ParsedQuery, found: _Found, postings: Postings,
                end: int) -> list[tuple[int, float]]:
        """The first `end` documents by relevance: BM25, fused with meaning when known."""
        lexical = [d for d in found.selected if d in found.lexical]
        similarity = found.similarity
        exact = self._exact(parsed)
        if similarity is None:
            return rank(scoring_terms(parsed.query), postings, lexical, self._lengths, end,
                        exact)
        depth = max(end, FUSION_DEPTH)
        by_words = [d for d, _ in rank(scoring_terms(parsed.query), postings, lexical,
                                       self._lengths, depth, exact)]
        return fuse([by_words, closest(found.selected, similarity, depth)])[:end]

    def _exact(self, parsed: ParsedQuery) -> np.ndarray | None:
        """Each document's score factor for the typed words it writes exactly (EXACT_BONUS)."""
        stop = any_stopwords()
        words = {fold_word(word) for word in parsed.words} - stop
        if not words or not len(self._forms):
            return None
        exact = np.zeros(len(self._forms))
        for word in words:
            exact += forms.containing(self._forms, word)
        return 1.0 + EXACT_BONUS * exact / len(words)

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
            columns = self._table.columns
            allowed = set(self._published)
            allowed.discard(self._docnums.get(record_id))
            terms = [(q.fieldname, q.text, q.boost) for q in clauses]
            depth = max(limit, FUSION_DEPTH)
            ranked = [(d, score) for d, score in rank(terms, self._postings(), allowed,
                                                      self._lengths, depth) if score > 0]
            similarity = self._sheet_similarity(record_id, text)
            if similarity is None:
                return [(columns.ids[d], round(score, 4)) for d, score in ranked[:limit]]
            by_words = [d for d, _ in ranked]
            near = [d for d in allowed if similarity[d] >= MEANING_FLOOR]
            by_meaning = closest(near, similarity, depth)
            return [(columns.ids[d], round(score, 4))
                    for d, score in fuse([by_words, by_meaning])[:limit]]

    def _sheet_similarity(self, record_id: str, text: str) -> np.ndarray | None:
        """Cosine of every document with a sheet's vector (made now if it has none yet)."""
        embedder = load_embedder() if self.vectors is not None else None
        if embedder is None:
            return None
        matrix = self.vectors.matrix(embedder.name, embedder.dim)
        row = matrix.position.get(record_id)
        if row is not None:
            vector = matrix.rows[row]
        elif text:
            vector = embedder.passages([text])[0]
        else:
            return None
        return self._similarity_to(vector, matrix)

    def stamps(self) -> dict[str, str]:
        """id -> stamp of every indexed record (to compare with the store)."""
        with self._lock:
            if not self._refresh():
                return {}
            return {fields["id"]: fields.get("stamp", "")
                    for fields in self._searcher.reader().all_stored_fields()}

    def analyse(self, request: SearchRequest, sheets: bool = False,
                filters: bool = False) -> dict[str, Any]:
        """Counts and budget statistics (EUR) of a search's whole result set; with `sheets`,
        also what the analysis page needs of each sheet ("sheets": city, country, themes,
        budget amount and basis, start and end year), read from the columns, not the store;
        with `filters`, the search's facets for the same request ("filters": what
        SearchResult.facets holds), counted from the same matching rather than a second
        search."""
        with self._lock:
            if not self._refresh():
                return {**_analysis([], self._table, sheets),
                        **({"filters": _empty_facets(request)} if filters else {})}
            parsed = self._parse(request.q)
            postings = self._postings()
            docs = self._matching(parsed, request, postings)
            # The same sheets the search shows: its spelling correction included.
            corrected = None if request.verbatim else self._suggestion(request, parsed, docs)
            if corrected is not None:
                request = replace(request, q=corrected, verbatim=True)
                parsed = self._parse(corrected)
                docs = self._matching(parsed, request, postings)
            found = self._found(parsed, request, docs, filters and request.facets)
            return {**_analysis(found.selected, self._table, sheets), "corrected": corrected,
                    **({"filters": _filters(found, request)} if filters else {})}


def _filters(found: _Found, request: SearchRequest) -> dict[str, list[dict[str, Any]]]:
    """The facets of a search: each facet's buckets, the request's selections ticked."""
    return {name: buckets(name, found.counts[name], request.selections.get(name, set()),
                          request.facet_limit)
            for name in found.counts}


def closest(docs: list[int], similarity: np.ndarray, depth: int) -> list[int]:
    """The `depth` documents of `docs` most similar, most similar first (ties by docnum)."""
    if not docs:
        return []
    docs_array = np.asarray(docs, dtype=np.int64)
    scores = similarity[docs_array]
    if len(docs_array) > depth:
        keep = np.argpartition(-scores, depth - 1)[:depth]
        docs_array, scores = docs_array[keep], scores[keep]
    order = np.lexsort((docs_array, -scores))
    return docs_array[order].tolist()


def fuse(rankings: list[list[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Reciprocal-rank fusion: each list adds 1 / (k + rank) to the documents it ranks."""
    scores: dict[int, float] = defaultdict(float)
    for ranking in rankings:
        for position, doc in enumerate(ranking, start=1):
            scores[doc] += 1.0 / (k + position)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def _open(parsed: ParsedQuery) -> bool:
    """Whether the query only offers alternatives (plain words), requiring nothing.

    Asked of the query as typed: the terms of several words its concepts expand into are
    alternatives too, although each requires its own words."""
    query = parsed.typed if parsed.typed is not None else parsed.query
    if not isinstance(query, wq.Or):
        return False
    stack = list(query.children())
    while stack:
        node = stack.pop()
        if isinstance(node, (wq.Phrase, wq.And, wq.Not, wq.AndNot, wq.Require)):
            return False
        stack.extend(node.children())
    return True


def _analysis(docs: list[int], table: FacetTable, sheets: bool = False) -> dict[str, Any]:
    """The figures of `docs` (in ascending order, so each group's amounts are added in the
    order a loop over the documents would add them), counted with numpy: a search matching
    every sheet is analysed under the searcher's lock."""
    selected = as_docs(docs)
    amounts = table.budgets()[selected]
    budgeted = selected[~np.isnan(amounts)]
    return {
        "total": len(docs),
        "budget": budget_stats(amounts[~np.isnan(amounts)].tolist()),
        "budget_by_theme": _budgets_by(table, "themes", budgeted),
        "budget_by_country": _budgets_by(table, "country", budgeted),
        "facets": {name: buckets(name, table.count(selected, name), set())
                   for name in FACET_NAMES},
        **({"sheets": SheetFacts(table.columns, docs)} if sheets else {}),
    }


def _budgets_by(table: FacetTable, name: str, budgeted: np.ndarray) -> dict[str, Any]:
    """Budget statistics of the documents `budgeted` by their values of facet `name`."""
    coded = table.coded(name)
    if coded.docs is None:
        codes = coded.codes[budgeted]
        docs = budgeted[codes >= 0]
        codes = codes[codes >= 0]
    else:
        pairs = coded.pairs(budgeted)
        docs, codes = coded.docs[pairs], coded.codes[pairs]
    order = np.argsort(codes, kind="stable")
    docs, codes = docs[order], codes[order]
    amounts = table.budgets()
    starts = np.flatnonzero(np.diff(codes, prepend=-2))
    groups = {coded.values[codes[start]]: amounts[docs[start:end]].tolist()
              for start, end in zip(starts, [*starts[1:], len(codes)])}
    return {value: budget_stats(group) for value, group in sorted(groups.items()) if value}


class SheetFacts(Sequence):
    """Each document's facts the analysis page counts, shaped as the record holds them: made
    when read, after the searcher's lock is let go (the columns of a generation never change)."""

    def __init__(self, columns: Any, docs: list[int]):
        self._columns, self._docs = columns, docs

    def __len__(self) -> int:
        return len(self._docs)

    def __getitem__(self, position):
        if isinstance(position, slice):
            return [self._fact(d) for d in self._docs[position]]
        return self._fact(self._docs[position])

    def __iter__(self):
        return map(self._fact, self._docs)

    def _fact(self, d: int) -> dict[str, Any]:
        columns = self._columns
        values = columns.values
        amount = columns.budget_eur[d]
        return {"city": values["city"][d], "country": values["country"][d],
                "themes": list(values["themes"][d]),
                "budget": ({"amount_eur": amount, "basis": columns.budget_basis[d]}
                           if amount is not None else None),
                "start_year": columns.start_year[d], "end_year": columns.end_year[d]}


def _empty_facets(request: SearchRequest) -> dict[str, list[dict[str, Any]]]:
    if not request.facets:
        return {}
    return {name: buckets(name, Counter(), request.selections.get(name, set()))
            for name in FACET_NAMES}


def _reverse(text: str) -> tuple[int, ...]:
    """A key that sorts strings in reverse order inside an ascending sort."""
    return tuple(-ord(c) for c in text)

