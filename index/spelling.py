"""Spelling suggestions ("did you mean") from the words of the indexed sheets."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from index.lexicon import Lexicon, stems
from kb.core.text import fold
from kb.core.thesaurus import find_concepts

MIN_LENGTH = 4
# Longer words are not misspellings worth a fuzzy scan of the vocabulary (slow on long words).
MAX_LENGTH = 30


def suggest(searcher: Any, lexicon: Lexicon, query: str, words: list[str], found: int,
            count: Callable[[str], int]) -> str | None:
    """The query with each word no sheet uses corrected, if that finds sheets (at least
    `found`), or None.

    A word is replaced by the lexicon's word nearest in spelling (one edit for short words,
    two for longer ones) that sheets do use, the most used among equals; the rest of the
    query (operators, fields, phrases) stays as typed.
    """
    corrections: dict[str, str] = {}
    # A word of a thesaurus term is spelt right in its language, even if no sheet uses it:
    # the concept finds the sheets in the others ("vidéoprotection").
    known = {words[i] for start, end, _ in find_concepts(words) for i in range(start, end)}
    for word in dict.fromkeys(words):
        folded = fold(word)
        if (word in known or not MIN_LENGTH <= len(folded) <= MAX_LENGTH
                or _sheets_using(searcher, folded)):
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


def _sheets_using(searcher: Any, word: str) -> int:
    """About how many sheets use the word (its stem in each language's field, summed)."""
    return sum(searcher.doc_frequency(fieldname, text) for fieldname, text in stems(word))


def _nearest(searcher: Any, lexicon: Lexicon, word: str) -> str | None:
    for distance in (1, 2) if len(word) > 5 else (1,):
        used = [(_sheets_using(searcher, candidate), candidate)
                for candidate in lexicon.within(word, distance)]
        used = [pair for pair in used if pair[0]]
        if used:
            return max(used)[1]
    return None
