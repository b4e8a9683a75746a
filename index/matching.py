"""Evaluating a parsed query over Whoosh's posting lists, a block of postings at a time.

Whoosh's matchers walk postings one document at a time through several layers of Python
objects: at 10,000 sheets that is most of a search's time. Here each term's postings are read
as whole blocks (document numbers and weights), combined with set operations for AND, OR and
NOT, and the page of hits is ranked with BM25 over those arrays. Queries whose nodes this
module does not know (phrases, prefixes) are answered for that node by Whoosh's own matcher,
so the results are the same; only the work per posting changes.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from math import log
from typing import Any

from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

# Whoosh's BM25F defaults.
B = 0.75
K1 = 1.2


class Postings:
    """Per-search cache of the postings of each term: (global docnums, weights)."""

    def __init__(self, searcher: Any):
        self.searcher = searcher
        self.leaves = [(leaf, offset) for leaf, offset in searcher.reader().leaf_readers()]
        self._cache: dict[tuple[str, str], tuple[list[int], list[float]]] = {}

    def get(self, fieldname: str, text: str) -> tuple[list[int], list[float]]:
        key = (fieldname, text)
        if key not in self._cache:
            ids: list[int] = []
            weights: list[float] = []
            for leaf, offset in self.leaves:
                try:
                    matcher = leaf.postings(fieldname, text)
                except TermNotFound:
                    continue
                _read_all(matcher, offset, ids, weights)
            self._cache[key] = (ids, weights)
        return self._cache[key]


def _read_all(matcher: Any, offset: int, ids: list[int], weights: list[float]) -> None:
    """Append the matcher's postings; deleted documents are left in (callers drop them)."""
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            if matcher._weights is None:
                matcher._read_weights()
            start = matcher._i
            ids.extend(d + offset for d in matcher._ids[start:])
            weights.extend(matcher._weights[start:])
            matcher._next_block()
        return
    while matcher.is_active():           # any other matcher: one posting at a time
        ids.append(matcher.id() + offset)
        weights.append(matcher.weight())
        matcher.next()


def matching_docs(query: wq.Query, postings: Postings, all_docs: set[int]) -> set[int]:
    """The documents a query matches (deleted ones included)."""
    if isinstance(query, wq.Term):
        return set(postings.get(query.fieldname, query.text)[0])
    if isinstance(query, wq.And):
        positive = [sub for sub in query.subqueries if not isinstance(sub, wq.Not)]
        negative = [sub.query for sub in query.subqueries if isinstance(sub, wq.Not)]
        sets = sorted((matching_docs(sub, postings, all_docs) for sub in positive), key=len)
        result = set.intersection(*sets) if sets else set(all_docs)
        for sub in negative:
            if not result:
                break
            result -= matching_docs(sub, postings, all_docs)
        return result
    if isinstance(query, wq.Or):
        result: set[int] = set()
        for sub in query.subqueries:
            result |= matching_docs(sub, postings, all_docs)
        return result
    if isinstance(query, wq.Not):
        return all_docs - matching_docs(query.query, postings, all_docs)
    if isinstance(query, wq.AndNot):
        return matching_docs(query.a, postings, all_docs) - matching_docs(query.b, postings,
                                                                           all_docs)
    if isinstance(query, wq.AndMaybe):
        return matching_docs(query.a, postings, all_docs)
    if query is wq.NullQuery or isinstance(query, type(wq.NullQuery)):
        return set()
    return set(postings.searcher.docs_for_query(query))


def scoring_terms(query: wq.Query) -> list[tuple[str, str, float]]:
    """(field, text, boost) of the terms that rank a hit: not those under NOT."""
    found: list[tuple[str, str, float]] = []

    def walk(node: wq.Query, boost: float) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a, boost * node.boost)
            return
        if isinstance(node, wq.Term):
            found.append((node.fieldname, node.text, boost * node.boost))
        elif isinstance(node, wq.Phrase):
            found.extend((node.fieldname, word, boost * node.boost) for word in node.words)
        elif not node.is_leaf():
            for child in node.children():
                walk(child, boost * node.boost)

    walk(query, 1.0)
    return found


def rank(terms: Iterable[tuple[str, str, float]], postings: Postings, allowed: set[int],
         lengths: dict[str, Any], limit: int) -> list[tuple[int, float]]:
    """The `limit` best documents of `allowed` by BM25 over the terms, best first.

    `lengths[field]` is (per-document field lengths, average length); fields without it are
    not length-normalised.
    """
    searcher = postings.searcher
    doc_count = max(1, searcher.doc_count_all())
    scores: dict[int, float] = {}
    get = scores.get
    for fieldname, text, boost in terms:
        ids, weights = postings.get(fieldname, text)
        if not ids:
            continue
        idf = (log(doc_count / (searcher.doc_frequency(fieldname, text) + 1)) + 1) * boost
        field_lengths, average = lengths.get(fieldname, (None, None))
        if field_lengths is None:
            norm = K1
            for d, w in zip(ids, weights):
                if d in allowed:
                    scores[d] = get(d, 0.0) + idf * w * (K1 + 1) / (w + norm)
            continue
        scale = K1 * B / average
        base = K1 * (1 - B)
        for d, w in zip(ids, weights):
            if d in allowed:
                scores[d] = get(d, 0.0) + idf * w * (K1 + 1) / (w + base + scale * field_lengths[d])
    ranked = heapq.nsmallest(limit, scores.items(), key=lambda item: (-item[1], item[0]))
    missing = [d for d in sorted(allowed) if d not in scores][:max(0, limit - len(ranked))]
    return ranked[:limit] + [(d, 0.0) for d in missing]
