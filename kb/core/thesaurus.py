"""The cross-language search thesaurus (data/thesaurus.json) and finding its concepts in a query."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from kb.core.languages import LANGUAGES
from kb.core.text import fold
from kb.core.themes import theme_ids, themes_from_wording

# A theme is a concept's broader theme when its wording names the concept's terms in most of
# the languages (one language's match may be a chance prefix: "fraude" is not innovation).
BROADER_LANGUAGES = 4
_PLURAL_ENDINGS = ("s", "es")
_FAST_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Concept:
    id: str
    terms: dict[str, tuple[str, ...]]

    def all_terms(self) -> list[str]:
        """Every term in every language, as written, the first of each folded form only."""
        seen: set[str] = set()
        terms = []
        for language in LANGUAGES:
            for term in self.terms.get(language, ()):
                key = fold(term)
                if key not in seen:
                    seen.add(key)
                    terms.append(term)
        return terms


def _words(text: str) -> tuple[str, ...]:
    return tuple(_FAST_WORD.findall(fold(text)))


def _concept(data: dict) -> Concept:
    concept_id = data.get("id")
    if not isinstance(concept_id, str) or not concept_id:
        raise ValueError(f"A thesaurus concept has no id: {data!r}.")
    terms = data.get("terms") or {}
    missing = [lang for lang in LANGUAGES if not terms.get(lang)]
    if missing:
        raise ValueError(f"Thesaurus concept {concept_id!r} has no terms in {', '.join(missing)}.")
    for language in LANGUAGES:
        for term in terms[language]:
            if not isinstance(term, str) or not _words(term):
                raise ValueError(f"Thesaurus concept {concept_id!r} has an empty term in {language}.")
    return Concept(concept_id, {lang: tuple(terms[lang]) for lang in LANGUAGES})


@lru_cache(maxsize=1)
def concepts() -> tuple[Concept, ...]:
    """All concepts, in the file's order."""
    data = json.loads(resources.files("kb.core").joinpath("data/thesaurus.json").read_text("utf-8"))
    loaded = tuple(_concept(item) for item in data["concepts"])
    ids = [concept.id for concept in loaded]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ValueError(f"Thesaurus concept ids are not unique: {', '.join(duplicated)}.")
    return loaded


def concept_by_id(concept_id: str) -> Concept | None:
    """The concept with this id, or None."""
    return _by_id().get(concept_id)


@lru_cache(maxsize=1)
def _by_id() -> dict[str, Concept]:
    return {concept.id: concept for concept in concepts()}


def _same_or_plural(query_word: str, term_word: str) -> bool:
    return query_word == term_word or any(
        query_word == term_word + end or term_word == query_word + end for end in _PLURAL_ENDINGS)


def _match(tokens: list[str], start: int, pattern: tuple[str, ...]) -> bool | None:
    """None if `pattern` does not occur at `start`, else whether it occurs without the plural rule."""
    n = len(pattern)
    if start + n > len(tokens) or tokens[start:start + n - 1] != list(pattern[:-1]):
        return None
    last = tokens[start + n - 1]
    if not _same_or_plural(last, pattern[-1]):
        return None
    return last == pattern[-1]


def find_concepts(words: Sequence[str]) -> list[tuple[int, int, Concept]]:
    """Concepts named in a query's plain words, as (start, end exclusive, concept), longest first.

    Words are compared folded; a term's last word also matches its simple plural or singular.
    Matches do not overlap: scanning left to right, the longest term starting at a word wins,
    then an exact one over a plural one, then the concept that comes first in the file.
    """
    # A typed word may hold several folded words ("night-time"): match on those, report typed positions.
    tokens: list[str] = []
    owner: list[int] = []
    starts: dict[int, int] = {}
    for i, word in enumerate(words):
        pieces = _words(word)
        if pieces:
            starts[len(tokens)] = i
        tokens.extend(pieces)
        owner.extend([i] * len(pieces))
    ends = {t for t in range(1, len(tokens) + 1) if t == len(tokens) or owner[t] != owner[t - 1]}

    all_concepts = concepts()
    term_starts = _term_starts()
    found: list[tuple[int, int, Concept]] = []
    t = 0
    while t < len(tokens):
        best: tuple[int, bool, int] | None = None  # (length, exact, concept position)
        if t in starts:
            for pattern, position in term_starts.get(tokens[t], ()):
                exact = _match(tokens, t, pattern)
                if exact is None or t + len(pattern) not in ends:
                    continue
                candidate = (len(pattern), exact, position)
                if best is None or (candidate[0], candidate[1], -candidate[2]) > (
                        best[0], best[1], -best[2]):
                    best = candidate
        if best is None:
            t += 1
            continue
        length, _, position = best
        found.append((starts[t], owner[t + length - 1] + 1, all_concepts[position]))
        t += length
    return found


def concept_ids_in(text: str) -> list[str]:
    """The ids of the concepts whose terms occur in a text (any language), in file order.

    The index records them per sheet, so a query naming a concept in any language finds
    the sheet by one term instead of a phrase per language. This runs on every indexed
    sheet, so it looks each word up once in a table of the words that can start a term.
    """
    tokens = list(_words(text))
    starts = _term_starts()
    found: set[int] = set()
    for t, token in enumerate(tokens):
        for pattern, position in starts.get(token, ()):
            if position not in found and _match(tokens, t, pattern) is not None:
                found.add(position)
    all_concepts = concepts()
    return [all_concepts[position].id for position in sorted(found)]


@lru_cache(maxsize=1)
def _term_starts() -> dict[str, list[tuple[tuple[str, ...], int]]]:
    """Every word that can start a term (a one-word term's plural or singular too) -> terms."""
    starts: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for position, concept in enumerate(concepts()):
        for term in concept.all_terms():
            words = _words(term)
            if not words:
                continue
            keys = {words[0]}
            if len(words) == 1:
                word = words[0]
                keys.update(word + end for end in _PLURAL_ENDINGS)
                keys.update(word[:-len(end)] for end in _PLURAL_ENDINGS
                            if word.endswith(end) and len(word) > len(end))
            for key in keys:
                entries = starts.setdefault(key, [])
                if (words, position) not in entries:
                    entries.append((words, position))
    return starts


@lru_cache(maxsize=None)
def broader_themes(concept_id: str) -> tuple[str, ...]:
    """The themes a concept belongs to (terrorism -> polarisation), derived from the theme
    vocabulary's wording: none kept by hand. A concept that is a theme is its own."""
    concept = concept_by_id(concept_id)
    if concept is None:
        return ()
    languages_naming: dict[str, int] = {}
    for terms in concept.terms.values():
        for theme in {theme for term in terms for theme in themes_from_wording(term)}:
            languages_naming[theme] = languages_naming.get(theme, 0) + 1
    broader = [theme for theme in theme_ids()
               if theme == concept_id or languages_naming.get(theme, 0) >= BROADER_LANGUAGES]
    return tuple(broader)
