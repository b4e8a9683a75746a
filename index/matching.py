"""Evaluating a parsed query over Whoosh's posting lists, as arrays.

Whoosh's matchers walk postings one document at a time through several layers of Python
objects, and an any-word query matches most of the sheets: that would be most of a search's
time. Here each term's postings are read once per index generation as whole blocks into numpy
arrays (document numbers and weights, kept in a bounded cache), AND, OR and NOT are boolean
masks over all documents, and hits are ranked with BM25 computed over those arrays. Queries
whose nodes this module does not know (phrases, prefixes) are answered for that node by
Whoosh's own matcher, so the results are the same; only the work per posting changes.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from math import log
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

# Whoosh's BM25F defaults.
B = 0.75
K1 = 1.2
# Fields whose term in an OR is another kind of evidence for the words beside it (a thesaurus
# concept, a theme): that OR scores its best kind and TIE_BREAKER of each other one.
EVIDENCE_FIELDS = ("concepts", "themes")
TIE_BREAKER = 0.5
# Decoded postings kept per index generation, in postings (12 bytes each): 64 MB at most.
CACHE_POSTINGS = 5_000_000
_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


class PostingsCache:
    """The decoded postings of one index generation, least recently used dropped first.

    Postings never change within a generation, so a term read by one search is reused by the
    next; a new generation gets a new cache.
    """

    def __init__(self, limit: int = CACHE_POSTINGS):
        self.limit = limit
        self.size = 0
        self._items: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()

    def get(self, key: tuple[str, str]) -> tuple[np.ndarray, np.ndarray] | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: tuple[str, str], value: tuple[np.ndarray, np.ndarray]) -> None:
        self._items[key] = value
        self.size += len(value[0])
        while self.size > self.limit and len(self._items) > 1:
            _, (ids, _) = self._items.popitem(last=False)
            self.size -= len(ids)


class Postings:
    """Reads each term's postings, as (global docnums, weights) arrays, through a cache."""

    def __init__(self, searcher: Any, cache: PostingsCache | None = None):
        self.searcher = searcher
        self.leaves = [(leaf, offset) for leaf, offset in searcher.reader().leaf_readers()]
        self.size = searcher.reader().doc_count_all()
        self.cache = cache if cache is not None else PostingsCache()

    def get(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        key = (fieldname, text)
        found = self.cache.get(key)
        if found is None:
            ids: list[np.ndarray] = []
            weights: list[np.ndarray] = []
            for leaf, offset in self.leaves:
                try:
                    matcher = leaf.postings(fieldname, text)
                except TermNotFound:
                    continue
                _read_all(matcher, offset, ids, weights)
            found = (np.concatenate(ids), np.concatenate(weights)) if ids else _EMPTY
            self.cache.put(key, found)
        return found

    def mask(self, docs: Iterable[int] | np.ndarray) -> np.ndarray:
        """A boolean mask over all documents from docnums (or a mask, returned as it is)."""
        if isinstance(docs, np.ndarray) and docs.dtype == bool:
            return docs
        mask = np.zeros(self.size, dtype=bool)
        mask[np.fromiter(docs, dtype=np.int64)] = True
        return mask


def _read_all(matcher: Any, offset: int, ids: list[np.ndarray],
              weights: list[np.ndarray]) -> None:
    """Append the matcher's postings; deleted documents are left in (callers drop them)."""
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if all(hasattr(matcher, name) for name in ("_read_data", "_next_block", "_byteids")):
        # Whoosh's block as it is stored, decoded by numpy: the ids are deltas (unless kept
        # as bytes), the weights one float, none (all 1) or an array. A tuple of Python ints
        # per block, as Whoosh's own _read_ids makes, was a third of a cold query's time.
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            raw_ids, raw_weights = matcher._data[0], matcher._data[1]
            block = np.asarray(raw_ids, dtype=np.int64)
            if not matcher._byteids:
                block = np.cumsum(block)
            if raw_weights is None:
                block_weights = np.ones(len(block))
            elif isinstance(raw_weights, float):
                block_weights = np.full(len(block), raw_weights)
            else:
                block_weights = np.asarray(raw_weights, dtype=np.float64)
            start = matcher._i
            ids.append(block[start:] + offset)
            weights.append(block_weights[start:])
            matcher._next_block()
        return
    found_ids: list[int] = []           # any other matcher: one posting at a time
    found_weights: list[float] = []
    while matcher.is_active():
        found_ids.append(matcher.id() + offset)
        found_weights.append(matcher.weight())
        matcher.next()
    ids.append(np.array(found_ids, dtype=np.int64))
    weights.append(np.array(found_weights, dtype=np.float64))


def matching_docs(query: wq.Query, postings: Postings, all_docs: np.ndarray) -> np.ndarray:
    """The documents a query matches, as a mask (deleted ones included); `all_docs` is the
    mask of the documents a NOT leaves."""
    if isinstance(query, wq.Term):
        mask = np.zeros(postings.size, dtype=bool)
        mask[postings.get(query.fieldname, query.text)[0]] = True
        return mask
    if isinstance(query, wq.And):
        positive = [sub for sub in query.subqueries if not isinstance(sub, wq.Not)]
        negative = [sub.query for sub in query.subqueries if isinstance(sub, wq.Not)]
        result = all_docs.copy()
        for sub in positive:
            result &= matching_docs(sub, postings, all_docs)
        for sub in negative:
            if not result.any():
                break
            result &= ~matching_docs(sub, postings, all_docs)
        return result
    if isinstance(query, wq.Or):
        result = np.zeros(postings.size, dtype=bool)
        for sub in query.subqueries:
            result |= matching_docs(sub, postings, all_docs)
        return result
    if isinstance(query, wq.Not):
        return all_docs & ~matching_docs(query.query, postings, all_docs)
    if isinstance(query, wq.AndNot):
        return matching_docs(query.a, postings, all_docs) & ~matching_docs(query.b, postings,
                                                                            all_docs)
    if isinstance(query, wq.AndMaybe):
        return matching_docs(query.a, postings, all_docs)
    if query is wq.NullQuery or isinstance(query, type(wq.NullQuery)):
        return np.zeros(postings.size, dtype=bool)
    return postings.mask(postings.searcher.docs_for_query(query))


Leaf = tuple  # (field, text, boost)


@dataclass
class Scoring:
    """How a query's terms add up to a hit's score: the best of alternatives ("max": one
    word in each language's field, which counts once), the sum of parts ("sum": the words of
    a query), or between the two ("best": the kinds of evidence for one word or concept, as
    typed, its concept, the concept's terms, its theme: the best one and half of the others).
    A sheet matching more of the words ranks higher; one that names a concept in its own
    words and is tagged with its theme ranks above one that does either, without the concept
    outweighing the other words typed (bench/ablation.py measures each choice)."""
    kind: str                                   # "max", "best" or "sum"
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
        if isinstance(node, wq.Or) and all(not isinstance(part, Scoring)
                                           and part[0].startswith("text_") for part in parts):
            return Scoring("max", parts)
        if isinstance(node, wq.Or) and any(not isinstance(part, Scoring)
                                           and part[0] in EVIDENCE_FIELDS for part in parts):
            return Scoring("best", parts)
        return Scoring("sum", parts)

    found = walk(query, 1.0)
    if found is None:
        return Scoring("sum", [])
    return found if isinstance(found, Scoring) else Scoring("sum", [found])


def rank(terms: Scoring | Iterable[Leaf], postings: Postings,
         allowed: Iterable[int] | np.ndarray, lengths: dict[str, Any],
         limit: int, factor: np.ndarray | None = None) -> list[tuple[int, float]]:
    """The `limit` best documents of `allowed` (docnums or a mask) by BM25 over the terms,
    best first, ties by docnum; allowed documents no term scores come last, with 0.

    `terms` is a Scoring, or plain (field, text, boost) terms whose scores add up.
    `lengths[field]` is (per-document field lengths as an array, average length); fields
    without it are not length-normalised. `factor`, if given, multiplies each document's
    score (an array over all documents).
    """
    if not isinstance(terms, Scoring):
        terms = Scoring("sum", list(terms))
    mask = postings.mask(allowed)
    scores = _scores(terms, postings, lengths)
    if scores is None:
        scores = np.zeros(postings.size)
    elif factor is not None:
        scores = scores * factor
    scores = np.where(mask, scores, -1.0)
    count = int(mask.sum())
    limit = min(limit, count)
    if limit <= 0:
        return []
    if limit < len(scores):
        top = np.argpartition(-scores, limit - 1)[:limit]
        # Ties at the cut: every document scoring as much as the last one kept competes.
        floor = scores[top].min()
        top = np.flatnonzero(scores >= floor)
    else:
        top = np.flatnonzero(mask)
    order = np.lexsort((top, -scores[top]))[:limit]
    return [(int(d), float(scores[d])) for d in top[order]]


def _scores(node: Scoring, postings: Postings, lengths: dict[str, Any]) -> np.ndarray | None:
    """Each document's score under the node (an array over all documents), None if no part
    of it is found."""
    frequency = None
    if node.kind == "max" and all(not isinstance(part, Scoring) and part[0] in lengths
                                  for part in node.parts):
        # One word in each language's field: how rare it is among all the sheets, whatever
        # their language (a place name is as rare in a French sheet as in a Dutch one).
        frequency = sum(len(postings.get(part[0], part[1])[0]) for part in node.parts)
    best = None if node.kind == "sum" else np.zeros(postings.size)
    total = None if node.kind == "max" else np.zeros(postings.size)
    found = False
    for part in node.parts:
        if isinstance(part, Scoring):
            scores = _scores(part, postings, lengths)
            if scores is None:
                continue
            ids, values = slice(None), scores
        else:
            ids, values = _bm25(part, postings, lengths, frequency)
            if not len(ids):
                continue
        found = True
        if best is not None:
            best[ids] = np.maximum(best[ids], values)
        if total is not None:
            total[ids] += values
    if not found:
        return None
    if node.kind == "max":
        return best
    if node.kind == "sum":
        return total
    # The best kind of evidence, and a share of the others (Lucene's dis-max tie breaker).
    return best + TIE_BREAKER * (total - best)


def _bm25(term: Leaf, postings: Postings, lengths: dict[str, Any],
          frequency: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The term's documents and BM25 score in each; `frequency`, the number of documents its
    word is in, when the word is looked for in several fields."""
    fieldname, text, boost = term
    ids, weights = postings.get(fieldname, text)
    if not len(ids):
        return ids, weights
    searcher = postings.searcher
    field_lengths, average = lengths.get(fieldname, (None, None))
    if frequency is None:
        # Whoosh's doc_frequency, without a second lookup of the term: the postings are
        # read already, deleted documents included as Whoosh counts them.
        frequency = len(ids)
    idf = (log((searcher.doc_count_all() + 1) / (frequency + 0.5)) + 1) * boost
    if field_lengths is None:
        return ids, idf * weights * (K1 + 1) / (weights + K1)
    norm = K1 * (1 - B) + (K1 * B / average) * field_lengths[ids]
    return ids, idf * weights * (K1 + 1) / (weights + norm)
