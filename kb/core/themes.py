"""The theme vocabulary (kept as data in data/themes.json) and mapping wording to theme ids."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from kb.core.text import fold

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Theme:
    id: str
    labels: dict[str, str]
    synonyms: dict[str, tuple[str, ...]]

    def label(self, language: str = "en") -> str:
        return self.labels.get(language) or self.labels["en"]


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Theme]:
    """All themes by id, in the vocabulary's order."""
    data = json.loads(resources.files("kb.core").joinpath("data/themes.json").read_text("utf-8"))
    return {
        t["id"]: Theme(t["id"], t["labels"], {lang: tuple(words) for lang, words in t["synonyms"].items()})
        for t in data["themes"]
    }


def theme_ids() -> tuple[str, ...]:
    return tuple(vocabulary())


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text).replace("_", " "))


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, tuple[str, ...]]]:
    """(theme id, folded word prefixes) for every synonym, label and the id itself, longest first."""
    patterns = set()
    for theme in vocabulary().values():
        phrases = [theme.id.replace("-", " "), *theme.labels.values()]
        for words in theme.synonyms.values():
            phrases.extend(words)
        for phrase in phrases:
            words = tuple(_words(phrase))
            if words:
                patterns.add((theme.id, words))
    return sorted(patterns, key=lambda p: -len(p[1]))


@lru_cache(maxsize=1)
def _patterns_by_start() -> tuple[dict[str, list[tuple[str, tuple[str, ...]]]], list]:
    """Patterns indexed by the first three letters of their first word (short ones apart)."""
    index: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    short = []
    for theme_id, pattern in _patterns():
        if len(pattern[0]) >= 3:
            index.setdefault(pattern[0][:3], []).append((theme_id, pattern))
        else:
            short.append((theme_id, pattern))
    return index, short


def _count_hits(text: str) -> Counter:
    """How many times each theme's wording occurs in `text` (words match by prefix)."""
    words = _words(text)
    index, short = _patterns_by_start()
    hits: Counter = Counter()
    for i, word in enumerate(words):
        for theme_id, pattern in index.get(word[:3], []) + short:
            n = len(pattern)
            if word.startswith(pattern[0]) and i + n <= len(words) and all(
                    words[i + k].startswith(pattern[k]) for k in range(1, n)):
                hits[theme_id] += 1
    return hits


def themes_from_wording(text: str) -> list[str]:
    """Theme ids named by a sheet's theme line ("Thématique : vie nocturne" -> ["nightlife"]).

    A theme's label, written whole, names that theme only: "Médiation sociale et justice
    restaurative" is mediation, although "justice restaurative" alone also names
    reintegration. Other wordings count wherever they occur.
    """
    words = _words(text)
    used = [False] * len(words)
    found: set[str] = set()
    for theme_id, label in _label_patterns():
        n = len(label)
        for i in range(len(words) - n + 1):
            if not any(used[i:i + n]) and all(words[i + k].startswith(label[k])
                                              for k in range(n)):
                found.add(theme_id)
                used[i:i + n] = [True] * n
    rest = " ".join(word if not used[i] else "|" for i, word in enumerate(words))
    found |= {theme_id for theme_id, count in _count_hits(rest).items() if count}
    return [theme_id for theme_id in vocabulary() if theme_id in found]


@lru_cache(maxsize=1)
def _label_patterns() -> list[tuple[str, tuple[str, ...]]]:
    """(theme id, folded words) of every theme label of two words or more, longest first."""
    labels = {(theme.id, tuple(_words(label))) for theme in vocabulary().values()
              for label in theme.labels.values()}
    return sorted((p for p in labels if len(p[1]) >= 2), key=lambda p: -len(p[1]))


def infer_themes(text: str, *, limit: int = 3) -> list[str]:
    """Themes a sheet's text is most about, for sheets that state none."""
    hits = _count_hits(text)
    words = max(len(_words(text)), 1)
    # A theme must come up repeatedly, relative to the text's length, to be inferred.
    threshold = max(3, words // 250)
    ranked = [t for t, n in hits.most_common() if n >= threshold]
    return ranked[:limit]
