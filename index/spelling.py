"""Spelling suggestions ("did you mean") from the words of the indexed sheets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from index.analysis import fold

MIN_LENGTH = 4
# Longer words are not misspellings worth a fuzzy scan of the vocabulary (slow on long words).
MAX_LENGTH = 30


def suggest(searcher: Any, words: list[str], found: int, count: Callable[[str], int]
            ) -> str | None:
    """A corrected query that finds more sheets than `found`, or None.

    Each word unknown to the index is replaced by the known word nearest in spelling (one
    edit for short words, two for longer ones), the most frequent among equals.
    """
    reader = searcher.reader()
    corrected = []
    changed = False
    for word in words:
        folded = fold(word)
        if (not MIN_LENGTH <= len(folded) <= MAX_LENGTH
                or reader.doc_frequency("words", folded)):
            corrected.append(folded)
            continue
        best = _nearest(reader, folded)
        changed |= best is not None
        corrected.append(best or folded)
    if not changed:
        return None
    text = " ".join(corrected)
    return text if count(text) > found else None


def _nearest(reader: Any, word: str) -> str | None:
    for distance in (1, 2) if len(word) > 5 else (1,):
        candidates = list(reader.terms_within("words", word, distance, prefix=1))
        if candidates:
            return max(candidates, key=lambda term: (reader.doc_frequency("words", term), term))
    return None
