"""The lexicon: every word of the indexed sheets as written (folded, not stemmed).

Prefix queries (secur*) and "did you mean" need the words as written, which the stemmed text
fields do not keep. Indexing every word of every sheet a second time, one posting per word and
sheet, was half of all postings and a fifth of the work of storing and indexing an import;
the lexicon keeps each word once instead. It is a small
Whoosh index of its own in the index generation's folder, written under the same lock: each
write adds one document holding the words it is the first to bring.

Words are never taken out (a deleted sheet's words stay until `kb reindex`), so the lexicon
only says which words exist; what a word finds, and how many sheets use it, is always asked of
the sheets' index, through the word's stem in each language's text field.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from whoosh import fields
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError

from index.analysis import LANGUAGES, text_analyzer

INDEX_NAME = "lexicon"
WORD = "word"
# A prefix naming more words than this is searched for its shortest ones (the closest to what
# was typed), so that "pre*" cannot turn into a query of thousands of terms.
MAX_PREFIX_WORDS = 500


def _schema() -> fields.Schema:
    return fields.Schema(word=fields.KEYWORD(scorable=False))


def add(folder: Path, words: Iterable[str]) -> int:
    """Record the words in the lexicon of the index in `folder`; returns how many were new.

    The caller holds the index's write lock.
    """
    storage = FileStorage(str(folder))
    if storage.index_exists(INDEX_NAME):
        ix = storage.open_index(INDEX_NAME)
    else:
        ix = storage.create_index(_schema(), INDEX_NAME)
    with ix.reader() as reader:
        new = sorted(word for word in set(words) if word and (WORD, word) not in reader)
    if new:
        writer = ix.writer()
        writer.add_document(word=" ".join(new))
        writer.commit()
    return len(new)


@lru_cache(maxsize=50_000)
def stems(word: str) -> tuple[tuple[str, str], ...]:
    """(text field, term) of the word in each language: what the word finds in the sheets."""
    found = []
    for language in LANGUAGES:
        for token in text_analyzer(language)(word, mode="query"):
            found.append((f"text_{language}", token.text))
    return tuple(dict.fromkeys(found))


class Lexicon:
    """Read access to the lexicon of one index generation (empty when it has none)."""

    def __init__(self, folder: Path):
        try:
            self._reader: Any = FileStorage(str(folder)).open_index(INDEX_NAME).reader()
        except (EmptyIndexError, OSError, ValueError, EOFError):
            self._reader = None

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def starting_with(self, prefix: str, limit: int = MAX_PREFIX_WORDS) -> list[str]:
        """The words beginning with `prefix`, at most `limit` (and MAX_PREFIX_WORDS) of them,
        the shortest first when there are more."""
        if self._reader is None:
            return []
        limit = min(limit, MAX_PREFIX_WORDS)
        words = _texts(self._reader.expand_prefix(WORD, prefix))
        if len(words) > limit:
            words = sorted(words, key=lambda w: (len(w), w))[:limit]
        return words

    def within(self, word: str, distance: int) -> list[str]:
        """Words at most `distance` edits from `word`, with the same first letter."""
        if self._reader is None:
            return []
        return _texts(self._reader.terms_within(WORD, word, distance, prefix=1))


def _texts(terms: Iterable[str | bytes]) -> list[str]:
    return [t.decode("utf-8") if isinstance(t, bytes) else t for t in terms]
