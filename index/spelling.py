"""Spelling suggestions ("did you mean") from the words of the indexed sheets and of the
thesaurus (a word of a thesaurus term is spelt right, and finds the sheets of its concept in
every language, even where no sheet writes it)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from index.embedding import load_embedder
from index.lexicon import Lexicon, stems
from kb.core.text import fold
from kb.core.thesaurus import concepts, find_concepts

MIN_LENGTH = 4
# Longer words are not misspellings worth a fuzzy scan of the vocabulary (slow on long words).
MAX_LENGTH = 30


def suggest(searcher: Any, lexicon: Lexicon, query: str, words: list[str], found: int,
            count: Callable[[str], int]) -> str | None:
    """The query with each word no sheet uses corrected, if that finds sheets (at least
    `found`), or None.

    A word is replaced by the word nearest in spelling (one edit for short words, two for
    longer ones), of the lexicon or of the thesaurus, that finds sheets, the one finding most
    among equals; the rest of the query (operators, fields, phrases) stays as typed.
    """
    corrections: dict[str, str] = {}
    # A word of a thesaurus term is spelt right in its language, even if no sheet uses it:
    # the concept finds the sheets in the others ("vidéoprotection").
    known = {words[i] for start, end, _ in find_concepts(words) for i in range(start, end)}
    for word in dict.fromkeys(words):
        folded = fold(word)
        if (word in known or not MIN_LENGTH <= len(folded) <= MAX_LENGTH
                or _sheets_using(searcher, folded) or _a_known_word(word)):
            continue
        best = _nearest(searcher, lexicon, folded)
        if best is not None:
            corrections[word] = best
    if not corrections:
        return None
    text = query
    for word, best in corrections.items():
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", best, text)
    return text if count(text) >= max(1, found) else None


def _a_known_word(word: str) -> bool:
    """Whether the embedding model's vocabulary holds the word whole: a word of one of its
    languages that no sheet happens to use ("financial", "conference"), not a misspelling
    to replace by the nearest word of the sheets ("financia", "confidence")."""
    model = load_embedder()
    holds = getattr(model, "holds_word", None)
    return bool(holds and holds(word))


def _sheets_using(searcher: Any, word: str) -> int:
    """About how many sheets use the word (its stem in each language's field, summed)."""
    return sum(searcher.doc_frequency(fieldname, text) for fieldname, text in stems(word))


def _sheets_finding(searcher: Any, word: str) -> int:
    """About how many sheets the word finds: those using it, and those naming a concept of
    which it is a whole term."""
    return _sheets_using(searcher, word) + sum(
        searcher.doc_frequency("concepts", concept_id)
        for concept_id in _thesaurus_words().get(word, ()))


def _nearest(searcher: Any, lexicon: Lexicon, word: str) -> str | None:
    for distance in (1, 2) if len(word) > 5 else (1,):
        candidates = set(lexicon.within(word, distance)) | set(_thesaurus_within(word, distance))
        used = [(_sheets_finding(searcher, candidate), candidate) for candidate in candidates]
        used = [pair for pair in used if pair[0]]
        if used:
            return max(used)[1]
    return None


@lru_cache(maxsize=1)
def _thesaurus_words() -> dict[str, tuple[str, ...]]:
    """Each folded word of a thesaurus term -> the concepts of which it is a whole term (none
    for a word that is only part of longer terms)."""
    words: dict[str, set[str]] = {}
    for concept in concepts():
        for term in concept.all_terms():
            parts = re.findall(r"[^\W_]+", fold(term))
            for part in parts:
                words.setdefault(part, set())
            if len(parts) == 1:
                words[parts[0]].add(concept.id)
    return {word: tuple(sorted(ids)) for word, ids in words.items()}


@lru_cache(maxsize=1)
def _thesaurus_by_letter() -> dict[str, tuple[tuple[str, frozenset[str]], ...]]:
    """The thesaurus words by first letter, each with its letter pairs."""
    by_letter: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for word in _thesaurus_words():
        by_letter.setdefault(word[0], []).append((word, _pairs(word)))
    return {letter: tuple(words) for letter, words in by_letter.items()}


def _pairs(word: str) -> frozenset[str]:
    return frozenset(word[i:i + 2] for i in range(len(word) - 1))


def _thesaurus_within(word: str, distance: int) -> list[str]:
    """Thesaurus words at most `distance` edits from `word`, with the same first letter (as
    Lexicon.within)."""
    pairs = _pairs(word)
    # An edit changes at most two of a word's letter pairs: a word within `distance` edits
    # keeps all but 2 x distance of them, which rules out nearly every other word cheaply.
    enough = len(pairs) - 2 * distance
    return [other for other, its_pairs in _thesaurus_by_letter().get(word[:1], ())
            if abs(len(other) - len(word)) <= distance and len(pairs & its_pairs) >= enough
            and _edits(word, other, distance) <= distance]


def _edits(a: str, b: str, bound: int) -> int:
    """Levenshtein distance of a and b, or bound + 1 once it is certainly more than bound."""
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, start=1):
        current = [i]
        for j, other in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (char != other)))
        if min(current) > bound:
            return bound + 1
        previous = current
    return previous[-1]
