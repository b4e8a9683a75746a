"""Analyzers: words folded to plain lowercase ASCII, stemmed in the sheet's own language.

Words are folded (kb.core.text) before stemming, on both sides, so "securite" and "sécurité"
meet. The
full text of a sheet goes to one field per language, as sections separated by SECTION_MARK;
each section's words carry that section's weight (title > objectives > the rest), which is
how BM25 sees the field boosts without one field per section.
"""

from __future__ import annotations

import re
from functools import lru_cache

from whoosh.analysis import (
    Analyzer,
    Filter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Tokenizer,
)
from whoosh.analysis.acore import Token
from whoosh.lang import stemmer_for_language, stopwords_for_language

from kb.core.languages import LANGUAGES
from kb.core.thesaurus import concept_by_id, concepts
from kb.core.text import FOLD_TABLE, fold_word

SECTION_MARK = "\x1e"
# Weights of the sections in the order the text field receives them: title, objectives, rest.
SECTION_WEIGHTS = (3.0, 1.5, 1.0)
# Positions left between sections so that a phrase never spans two of them.
SECTION_GAP = 100
_WORDS = re.compile(r"\w+")
# The ground's folding as a str.translate table, for code that folds text it then searches in.
FOLDING = FOLD_TABLE


class FoldFilter(Filter):
    """Each token's text folded as kb.core.text folds words (case, accents, ligatures)."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = fold_word(token.text)
            yield token


class SectionTokenizer(Tokenizer):
    """Words of a text made of sections; in index mode each word carries its section's weight."""

    def __init__(self, weights: tuple[float, ...] = SECTION_WEIGHTS):
        self.weights = weights
        self.words = RegexTokenizer(r"\w+")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SectionTokenizer) and other.weights == self.weights

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs):
        if not tokenize or mode != "index":
            yield from self.words(value, positions=positions, chars=chars,
                                  keeporiginal=keeporiginal, removestops=removestops,
                                  start_pos=start_pos, start_char=start_char,
                                  tokenize=tokenize, mode=mode, **kwargs)
            return
        pos = start_pos
        offset = start_char
        last = len(self.weights) - 1
        for number, section in enumerate(value.split(SECTION_MARK)):
            weight = self.weights[min(number, last)]
            token: Token | None = None
            for token in self.words(section, positions=positions, chars=chars,
                                    keeporiginal=keeporiginal, removestops=removestops,
                                    start_pos=pos, start_char=offset, mode=mode, **kwargs):
                token.boost = weight
                yield token
            if token is not None and positions:
                pos = token.pos + SECTION_GAP
            offset += len(section) + 1


class TextAnalyzer(Analyzer):
    """Sections' words, lowercased, folded, stop words dropped, stemmed in one language.

    Indexing is most of the cost of importing a sheet, so the index path does the whole
    chain in one loop; queries and highlighting (which needs character offsets) go through
    the equivalent chain of Whoosh filters. tests/test_analysis.py holds the two equal.
    """

    def __init__(self, language: str):
        self.language = language

    def __getstate__(self) -> dict:
        return {"language": self.language}      # the schema is pickled: no caches

    def __setstate__(self, state: dict) -> None:
        self.language = state["language"]

    def chain(self):
        return _chain(self.language)

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 mode: str = "", start_pos: int = 0, **kwargs):
        if mode != "index" or chars or kwargs.get("tokenize") is False:
            return self.chain()(value, positions=positions, chars=chars, mode=mode,
                                start_pos=start_pos, **kwargs)
        return self._index_tokens(value, positions, start_pos,
                                  kwargs.get("removestops", True))

    def _index_tokens(self, value: str, positions: bool, start_pos: int, removestops: bool):
        stop = _stopwords(self.language)
        stem = _stemmer(self.language)
        token = Token(positions=positions, chars=False, removestops=removestops, mode="index")
        pos = start_pos
        last = len(SECTION_WEIGHTS) - 1
        for number, section in enumerate(value.split(SECTION_MARK)):
            weight = SECTION_WEIGHTS[min(number, last)]
            last_pos = None
            for last_pos, word in enumerate(_WORDS.findall(section), pos):
                text = fold_word(word)
                stopped = len(text) < 2 or text in stop
                if stopped and removestops:
                    continue
                token.text = text if stopped else stem(text)
                token.stopped = stopped
                token.boost = weight
                if positions:
                    token.pos = last_pos
                yield token
            if last_pos is not None:
                pos = last_pos + SECTION_GAP


@lru_cache(maxsize=None)
def text_analyzer(language: str) -> TextAnalyzer:
    """The analyzer of the full-text field of one language."""
    return TextAnalyzer(language)


@lru_cache(maxsize=None)
def _chain(language: str):
    return (SectionTokenizer() | FoldFilter()
            | StopFilter(stoplist=_stopwords(language), minsize=2, renumber=False)
            | StemFilter(lang=language, cachesize=100_000))


@lru_cache(maxsize=None)
def _stemmer(language: str):
    return lru_cache(maxsize=100_000)(stemmer_for_language(language))


@lru_cache(maxsize=None)
def concept_stems(concept_id: str, language: str) -> tuple[tuple[str, ...], ...]:
    """Each of a concept's terms in one language as that language's field indexes it (the
    stems of its words, stop words out); none for an unknown concept."""
    concept = concept_by_id(concept_id)
    analyzer = text_analyzer(language)
    terms = (tuple(token.text for token in analyzer(term, mode="query"))
             for term in (concept.terms.get(language, ()) if concept else ()))
    return tuple(dict.fromkeys(words for words in terms if words))


@lru_cache(maxsize=None)
def plain_analyzer():
    """Folded words, no stemming: titles, names, places, spelling suggestions."""
    return RegexTokenizer(r"\w+") | FoldFilter()


@lru_cache(maxsize=None)
def any_stopwords() -> frozenset[str]:
    """Words that are stop words in one of the languages (folded)."""
    return frozenset().union(*(_stopwords(language) for language in LANGUAGES))


@lru_cache(maxsize=None)
def _stopwords(language: str) -> frozenset[str]:
    folded = {fold_word(word) for word in stopwords_for_language(language)}
    return frozenset(folded)



# A concept's term of n words is named in a sheet when the stems of its words all occur within
# n + CONCEPT_SLACK words of each other, in any order ("women facing violence" names "violence
# against women"), stop words not counted.
CONCEPT_SLACK = 2


def concepts_near(text: str, language: str) -> set[str]:
    """Ids of the concepts a text names in its own language, by the stems of their terms
    within a short window (the thesaurus's exact matching misses inflections and word order)."""
    stems = [token.text for token in text_analyzer(language)(text, mode="index")]
    where: dict[str, list[int]] = {}
    for position, stem in enumerate(stems):
        where.setdefault(stem, []).append(position)
    found: set[str] = set()
    for first, terms in _concept_term_table(language).items():
        starts = where.get(first)
        if not starts:
            continue
        for concept_id, rest in terms:
            if concept_id in found:
                continue
            span = len(rest) + 1 + CONCEPT_SLACK
            if all(any(abs(p - q) < span for q in where.get(stem, ()) for p in starts)
                   for stem in rest):
                found.add(concept_id)
    return found


@lru_cache(maxsize=None)
def _concept_term_table(language: str) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Each concept term of a language as stems: its rarest-looking (longest) stem -> the
    concept and the other stems."""
    table: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for concept in concepts():
        for stems in concept_stems(concept.id, language):
            first = max(stems, key=len)
            rest = list(stems)
            rest.remove(first)
            table.setdefault(first, []).append((concept.id, tuple(rest)))
    return table
