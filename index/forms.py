"""The words of each sheet as written (folded, not stemmed), as a small bit signature.

The text fields keep stems, so "policing" and "police" are one term to them; a word typed
exactly as a sheet writes it should weigh a little more than a sheet's other word of the same
stem. Unstemmed postings were removed for their cost (index.lexicon); instead each sheet keeps
a Bloom filter of its folded words: SIGNATURE_BYTES per sheet held in memory (5 MB at 10,000
sheets, 51 MB at 100,000), built from the set of words the lexicon is written from, and asked
with a few array operations over every sheet at once.

A Bloom filter can say yes for a word a sheet does not have (at HASHES = 2 and 4,096 bits:
about 1 in 70 for a sheet of 250 distinct words, 1 in 7 for 1,000), never no for one it has:
the cost of an error is a small bonus given once in a while, never one withheld.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np

SIGNATURE_BYTES = 512
HASHES = 2
_BITS = SIGNATURE_BYTES * 8


def _positions(word: str) -> list[int]:
    # A digest, not hash(): the signature is written by one process and read by others.
    digest = hashlib.blake2b(word.encode("utf-8"), digest_size=4 * HASHES).digest()
    return [int.from_bytes(digest[4 * i:4 * i + 4], "little") % _BITS for i in range(HASHES)]


def signature(words: Iterable[str]) -> bytes:
    """The signature of a sheet's folded words."""
    bits = np.zeros(_BITS, dtype=bool)
    for word in words:
        bits[_positions(word)] = True
    return np.packbits(bits, bitorder="little").tobytes()


def matrix(signatures: Sequence[bytes | None]) -> np.ndarray:
    """One row per document (all zero for a document without a signature)."""
    empty = bytes(SIGNATURE_BYTES)
    rows = b"".join(item if item and len(item) == SIGNATURE_BYTES else empty
                    for item in signatures)
    return np.frombuffer(rows, dtype=np.uint8).reshape(len(signatures), SIGNATURE_BYTES)


def containing(rows: np.ndarray, word: str) -> np.ndarray:
    """A mask of the documents whose signature holds the folded `word`."""
    found = np.ones(len(rows), dtype=bool)
    for position in _positions(word):
        found &= (rows[:, position >> 3] & (1 << (position & 7))) != 0
    return found
