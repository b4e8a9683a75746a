"""Text fingerprints that find near-duplicate sheets: bottom-k sketches of word shingles.

A sketch keeps the K smallest hashes of the text's 3-word shingles. Two sketches estimate
the Jaccard similarity of the shingle sets (Broder's bottom-k estimator); two texts that
share most of their wording share their smallest hashes, so a lookup by the first few
hashes of a sketch finds the candidates without comparing against every sheet.
"""

from __future__ import annotations

import re
import zlib

from kb.core.text import fold

K = 64
# Hashes of a sketch that are looked up to find candidates: a near-duplicate (Jaccard 0.8)
# shares the smallest of them with probability above 0.99.
PROBES = 8
SHINGLE = 3
NEAR_DUPLICATE = 0.8

_WORD = re.compile(r"\w+")


def sketch(text: str) -> list[int]:
    """The K smallest shingle hashes of the text, ascending (fewer for very short texts)."""
    words = _WORD.findall(fold(text))
    if len(words) < SHINGLE:
        shingles = {" ".join(words)} if words else set()
    else:
        shingles = {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    hashes = {zlib.crc32(shingle.encode()) for shingle in shingles}
    return sorted(hashes)[:K]


def record_sketch(record: dict) -> list[int]:
    """The sketch of a record's wording: title, objectives, context and activities."""
    return sketch(" ".join(str(record.get(part) or "")
                           for part in ("title", "objectives", "context", "activities")))


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets, from 0 to 1."""
    if not a or not b:
        return 0.0
    k = min(K, len(set(a) | set(b)))
    union_bottom = sorted(set(a) | set(b))[:k]
    both = set(a) & set(b)
    return sum(1 for h in union_bottom if h in both) / k


def near_duplicates(sketch_hashes: list[int], candidates: dict[str, list[int]]) -> list[str]:
    """The candidates (id -> sketch) whose similarity to the sketch reaches NEAR_DUPLICATE.

    Sheets written from common templates share many hashes, so an import meets a hundred
    candidates per sheet. The estimate counts shared hashes among the k smallest of the
    union, so it can never exceed shared / k: most candidates are ruled out by that bound.
    """
    own = set(sketch_hashes)
    near = []
    for record_id, other in candidates.items():
        shared = len(own.intersection(other))
        k = min(K, len(own) + len(other) - shared)
        if shared >= NEAR_DUPLICATE * k and similarity(sketch_hashes, other) >= NEAR_DUPLICATE:
            near.append(record_id)
    return sorted(near)


def probes(sketch_hashes: list[int]) -> list[int]:
    return sketch_hashes[:PROBES]
