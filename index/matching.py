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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from math import log
from typing import Any

from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

# Whoosh's BM25F defaults.
B = 0.75
K1 = 1.2
# Fields whose term in an OR stands for the words beside it (a thesaurus concept, a theme):
# that OR scores its best alternative, not their sum.
ALTERNATIVE_FIELDS = ("concepts", "themes")


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


Leaf = tuple  # (field, text, boost)


@dataclass
class Scoring:
    """How a query's terms add up to a hit's score: the best of alternatives ("max": one
    word in each language's field, or a concept and the words that name it), or the sum of
    parts ("sum": the words of a query). A word found in several fields, or both as typed and
    as its concept, counts once, so a sheet matching more of the words ranks higher."""
    kind: str                                   # "max" or "sum"
    parts: list["Scoring | Leaf"]

    def leaves(self) -> Iterator[Leaf]:
        for part in self.parts:
            if isinstance(part, Scoring):
                yield from part.leaves()
            else:
                yield part


def scoring_terms(query: wq.Query) -> Scoring:
    """The terms that rank a hit, not those under NOT, as alternatives and parts."""
    def walk(node: wq.Query, boost: float) -> Scoring | Leaf | None:
        boost *= node.boost
        if isinstance(node, wq.Not):
            return None
        if isinstance(node, wq.AndNot):
            return walk(node.a, boost)
        if isinstance(node, wq.Term):
            return (node.fieldname, node.text, boost)
        if isinstance(node, wq.Phrase):
            return Scoring("sum", [(node.fieldname, word, boost) for word in node.words])
        if node.is_leaf():
            return None
        parts = [part for part in (walk(child, boost) for child in node.children())
                 if part is not None]
        alternatives = isinstance(node, wq.Or) and (
            all(not isinstance(part, Scoring) for part in parts)
            or any(not isinstance(part, Scoring) and part[0] in ALTERNATIVE_FIELDS
                   for part in parts))
        return Scoring("max" if alternatives else "sum", parts)

    found = walk(query, 1.0)
    if found is None:
        return Scoring("sum", [])
    return found if isinstance(found, Scoring) else Scoring("sum", [found])


def rank(terms: Scoring | Iterable[Leaf], postings: Postings, allowed: set[int],
         lengths: dict[str, Any], limit: int) -> list[tuple[int, float]]:
    """The `limit` best documents of `allowed` by BM25 over the terms, best first.

    `terms` is a Scoring, or plain (field, text, boost) terms whose scores add up.
    `lengths[field]` is (per-document field lengths, average length); fields without it are
    not length-normalised.
    """
    if not isinstance(terms, Scoring):
        terms = Scoring("sum", list(terms))
    scores = _scores(terms, postings, allowed, lengths)
    ranked = heapq.nsmallest(limit, scores.items(), key=lambda item: (-item[1], item[0]))
    missing = [d for d in sorted(allowed) if d not in scores][:max(0, limit - len(ranked))]
    return ranked[:limit] + [(d, 0.0) for d in missing]


def _scores(node: Scoring, postings: Postings, allowed: set[int],
            lengths: dict[str, Any]) -> dict[int, float]:
    combined: dict[int, float] = {}
    frequency = None
    if node.kind == "max" and all(not isinstance(part, Scoring) and part[0] in lengths
                                  for part in node.parts):
        # One word in each language's field: how rare it is among all the sheets, whatever
        # their language (a place name is as rare in a French sheet as in a Dutch one).
        searcher = postings.searcher
        frequency = sum(searcher.doc_frequency(part[0], part[1]) for part in node.parts)
    for part in node.parts:
        scores = (_scores(part, postings, allowed, lengths) if isinstance(part, Scoring)
                  else _bm25(part, postings, allowed, lengths, frequency))
        if not combined:
            combined = scores
            continue
        get = combined.get
        if node.kind == "max":
            for d, score in scores.items():
                if score > get(d, 0.0):
                    combined[d] = score
        else:
            for d, score in scores.items():
                combined[d] = get(d, 0.0) + score
    return combined


def _bm25(term: Leaf, postings: Postings, allowed: set[int], lengths: dict[str, Any],
          frequency: int | None = None) -> dict[int, float]:
    """The term's BM25 score in each allowed document; `frequency`, the number of documents
    its word is in, when the word is looked for in several fields."""
    fieldname, text, boost = term
    ids, weights = postings.get(fieldname, text)
    if not ids:
        return {}
    searcher = postings.searcher
    field_lengths, average = lengths.get(fieldname, (None, None))
    if frequency is None:
        frequency = searcher.doc_frequency(fieldname, text)
    idf = (log((searcher.doc_count_all() + 1) / (frequency + 0.5)) + 1) * boost
    if field_lengths is None:
        norm = K1
        return {d: idf * w * (K1 + 1) / (w + norm) for d, w in zip(ids, weights) if d in allowed}
    scale = K1 * B / average
    base = K1 * (1 - B)
    return {d: idf * w * (K1 + 1) / (w + base + scale * field_lengths[d])
            for d, w in zip(ids, weights) if d in allowed}
