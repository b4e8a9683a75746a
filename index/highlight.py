"""Snippets: the best passages of a sheet's text with the query's words marked, safe for HTML.

The sheet's text is escaped; the only markup in a snippet is <mark>…</mark> around matches.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from whoosh.highlight import ContextFragmenter, HtmlFormatter, highlight

from index.analysis import FOLDING, LANGUAGES, plain_analyzer, text_analyzer
from kb.thesaurus import concepts

SNIPPET_CHARS = 240
# The stretch of a section analysed for a snippet: from a little before the first match.
WINDOW_BEFORE = 200
WINDOW = 3000
_BULLET = re.compile(r"(?m)^[ \t]*[-–*▪‣◦][ \t]+")


def snippet(text: str | list[str], language: str, terms: dict[str, set[str]],
            max_chars: int = SNIPPET_CHARS) -> str:
    """Up to two passages around the query's terms, or the beginning of the text.

    `text` may be a list of sections: they are tried in order and the first with a match
    gives the snippet, so a long sheet is not analysed whole for ten hits a page.
    """
    parts = [text] if isinstance(text, str) else [part for part in text if part]
    # List items read as one line in a snippet: "… stable life. • Reduce late-night …"
    parts = [_BULLET.sub("• ", part) for part in parts]
    language = language if language in LANGUAGES else "en"
    stemmed = terms.get(f"text_{language}", set())
    plain = terms.get("title", set())
    # Words of the thesaurus terms only where the query's own words are not in the text:
    # the sheet was found through a translation.
    translated = _concept_terms(frozenset(terms.get("concepts", ())), language)
    analyzer = text_analyzer(language)
    formatter = HtmlFormatter(tagname="mark", classname="hl", termclass="t", between=" … ")
    fragmenter = ContextFragmenter(maxchars=max_chars, surround=70)
    folded = [part.lower().translate(FOLDING) for part in parts]
    for analyzer, wanted in ((analyzer, stemmed), (plain_analyzer(), plain),
                             (analyzer, translated)):
        if not wanted:
            continue
        probes = {_probe(term) for term in wanted}
        for part, text in zip(parts, folded):
            # Analysing a whole section costs milliseconds: only where a term may be, and
            # only the stretch of text from a little before its first occurrence.
            found = [text.find(probe) for probe in probes]
            first = min((at for at in found if at >= 0), default=-1)
            if first < 0:
                continue
            start = max(0, part.rfind(" ", 0, max(0, first - WINDOW_BEFORE)) + 1)
            marked = highlight(part[start:start + WINDOW], wanted, analyzer, fragmenter,
                               formatter, top=2)
            if marked:
                # A passage from the middle of a sentence says so.
                return ("… " + marked) if marked[:1].islower() else marked
    return html.escape(_beginning(" ".join(parts), max_chars), quote=False)


def _probe(term: str) -> str:
    """A substring every word with this stem contains once folded: stemmers change at most
    the last letter of what they keep ("safety" -> "safeti", "cities" -> "citi")."""
    return term[:-1] if len(term) > 4 else term


@lru_cache(maxsize=4096)
def _concept_terms(concept_ids: frozenset[str], language: str) -> set[str]:
    """The stemmed words of the concepts' terms in the sheet's language (what a query in
    another language found through the thesaurus)."""
    analyzer = text_analyzer(language)
    by_id = {concept.id: concept for concept in concepts()}
    words: set[str] = set()
    for concept_id in concept_ids:
        concept = by_id.get(concept_id)
        for term in concept.terms.get(language, ()) if concept else ():
            words.update(token.text for token in analyzer(term, mode="query"))
    return words


def _beginning(text: str, max_chars: int) -> str:
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    cut = text.rfind(" ", 0, max_chars)
    return text[:cut if cut > 0 else max_chars] + " …"
