"""Snippets: the best passages of a sheet's text with the query's words marked, safe for HTML.

The sheet's text is escaped; the only markup in a snippet is <mark>…</mark> around matches.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from whoosh.highlight import (FIRST, BasicFragmentScorer, ContextFragmenter, Formatter,
                              get_text, highlight, top_fragments)

from index.analysis import (CONCEPT_SLACK, FOLDING, LANGUAGES, concept_stems, plain_analyzer,
                            text_analyzer)

SNIPPET_CHARS = 240
# The stretch of a section analysed for a snippet: from a little before the first match.
WINDOW_BEFORE = 200
WINDOW = 3000
_BULLET = re.compile(r"(?m)^[ \t]*[-–*▪‣◦][ \t]+")


# A snippet as data: (text, None) as written, (text, n) a match of the query's n-th term
# (numbers recycled past MARK_CLASSES). Each edge renders it: snippet_html, or plain text.
Snippet = list[tuple[str, int | None]]
MARK_CLASSES = 5
# Around each match while Whoosh joins the fragments; control characters, which a sheet's
# text never keeps (they are removed before).
_OPEN, _SEP, _CLOSE = "\x01", "\x02", "\x03"
_MARKED = re.compile("\x01(\\d+)\x02(.*?)\x03", re.S)
_CONTROL = str.maketrans("", "", _OPEN + _SEP + _CLOSE)


class _MarkFormatter(Formatter):
    """Whoosh's fragments with each match between markers, numbered by term as Whoosh's
    HtmlFormatter numbers its classes."""

    between = " … "

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def format_token(self, text: str, token: object, replace: bool = False) -> str:
        matched = get_text(text, token, replace)
        number = self.seen.setdefault(matched, len(self.seen) % MARK_CLASSES)
        return f"{_OPEN}{number}{_SEP}{matched}{_CLOSE}"


def _pieces(marked: str) -> Snippet:
    pieces: Snippet = []
    at = 0
    for match in _MARKED.finditer(marked):
        if match.start() > at:
            pieces.append((marked[at:match.start()], None))
        pieces.append((match.group(2), int(match.group(1))))
        at = match.end()
    if at < len(marked):
        pieces.append((marked[at:], None))
    return pieces


def snippet_html(pieces: Snippet) -> str:
    """The snippet for a page: the text escaped, each match in <mark class="hl tN">."""
    return "".join(html.escape(text, quote=False) if number is None else
                   f'<mark class="hl t{number}">{html.escape(text, quote=False)}</mark>'
                   for text, number in pieces)


def html_snippets(hits: list[dict]) -> list[dict]:
    """Hits as the JSON API and `kb search --json` give them: each snippet as HTML."""
    return [{**hit, "snippet": snippet_html(hit["snippet"])} for hit in hits]


def snippet_text(pieces: Snippet, mark: str = "*") -> str:
    """The snippet for a terminal: each match between `mark`s."""
    return "".join(text if number is None else f"{mark}{text}{mark}" for text, number in pieces)


def snippet(text: str | list[str], language: str, terms: dict[str, set[str]],
            max_chars: int = SNIPPET_CHARS) -> Snippet:
    """Up to two passages around the query's terms, or the beginning of the text.

    `text` may be a list of sections: they are tried in order and the first with a match
    gives the snippet, so a long sheet is not analysed whole for ten hits a page.
    """
    # The highlighter's control characters are taken out of a section only when it is read.
    parts = [part for part in ([text] if isinstance(text, str) else text) if part]
    language = language if language in LANGUAGES else "en"
    stemmed = terms.get(f"text_{language}", set())
    plain = terms.get("title", set())
    # Words of the thesaurus terms only where the query's own words are not in the text:
    # the sheet was found through a translation.
    # Those terms are kept whole: see _highlight_terms.
    translated = _concept_terms(frozenset(terms.get("concepts", ())), language)
    analyzer = text_analyzer(language)
    searches = [(a, set(wanted), whole) for a, wanted, whole in (
        (analyzer, stemmed, None), (plain_analyzer(), plain, None),
        (analyzer, {word for words in translated for word in words}, translated)) if wanted]
    # Each section is prepared (bullets, folding) only when it is looked at: ten hits a page,
    # most of them found in their first section, or shown without highlights at all.
    prepared: dict[int, tuple[str, str]] = {}

    def section(number: int) -> tuple[str, str]:
        if number not in prepared:
            part = _bulleted(parts[number].translate(_CONTROL))
            prepared[number] = part, part.lower().translate(FOLDING)
        return prepared[number]

    if searches:
        formatter = _MarkFormatter()
        fragmenter = ContextFragmenter(maxchars=max_chars, surround=70)
    for analyzer, wanted, whole in searches:
        probes = {_probe(term) for term in wanted}
        for number in range(len(parts)):
            part, text = section(number)
            # Analysing a whole section costs milliseconds: only where a term may be, and
            # only the stretch of text from a little before its first occurrence.
            found = [text.find(probe) for probe in probes]
            first = min((at for at in found if at >= 0), default=-1)
            if first < 0:
                continue
            start = max(0, part.rfind(" ", 0, max(0, first - WINDOW_BEFORE)) + 1)
            window = part[start:start + WINDOW]
            marked = (highlight(window, wanted, analyzer, fragmenter, formatter, top=2)
                      if whole is None else
                      _highlight_terms(window, whole, analyzer, fragmenter, formatter))
            if marked:
                # A passage from the middle of a sentence says so.
                pieces = _pieces(marked)
                return [("… ", None), *pieces] if marked[:1].islower() else pieces
    return [(_beginning(parts, max_chars), None)]


def _bulleted(text: str) -> str:
    """List items read as one line in a snippet: "… stable life. • Reduce late-night …"."""
    return _BULLET.sub("• ", text)


def _probe(term: str) -> str:
    """A substring every word with this stem contains once folded: stemmers change at most
    the last letter of what they keep ("safety" -> "safeti", "cities" -> "citi")."""
    return term[:-1] if len(term) > 4 else term


@lru_cache(maxsize=4096)
def _concept_terms(concept_ids: frozenset[str], language: str) -> tuple[tuple[str, ...], ...]:
    """The stemmed words of each of the concepts' terms in the sheet's language (what a query
    in another language found through the thesaurus)."""
    return tuple(dict.fromkeys(words for concept_id in sorted(concept_ids)
                               for words in concept_stems(concept_id, language)))


def _highlight_terms(text: str, terms: tuple[tuple[str, ...], ...], analyzer, fragmenter,
                     formatter) -> str:
    """Whoosh's highlight of the words of these terms, but a term of several words is marked
    only where its words stand together, within the window concepts are detected in
    (index.analysis.concepts_near): "life" of "night life" is not marked in "real-life"."""
    tokens = [token.copy() for token in analyzer(text, chars=True, mode="query",
                                                  removestops=False)]
    words = [token for token in tokens if not token.stopped]
    where: dict[str, list[int]] = {}
    for position, token in enumerate(words):
        where.setdefault(token.text, []).append(position)
    marked: set[int] = set()
    for term in terms:
        for position in where.get(term[0], ()):
            marked.update(_together(term, position, where))
    for token in tokens:
        token.matched = False
    for position in marked:
        words[position].matched = True
    fragments = fragmenter.fragment_tokens(text, tokens)
    return formatter(text, top_fragments(fragments, 2, BasicFragmentScorer(), FIRST))


def _together(term: tuple[str, ...], position: int, where: dict[str, list[int]]) -> list[int]:
    """The positions of the term's words nearest its first word at `position`, if each is
    within the window; none otherwise."""
    span = len(term) + CONCEPT_SLACK
    nearest = [min(where.get(word, ()), key=lambda other: abs(other - position), default=None)
               for word in term[1:]]
    if any(other is None or abs(other - position) >= span for other in nearest):
        return []
    return [position, *nearest]


def _beginning(parts: list[str], max_chars: int) -> str:
    """The first max_chars of the sections, spaces collapsed, cut between words."""
    taken: list[str] = []
    length = 0
    for part in parts:
        # Four times what is kept is enough however many spaces collapse.
        words = " ".join(_bulleted(part[:4 * max_chars].translate(_CONTROL)).split())
        if words:
            taken.append(words)
            length += len(words) + 1
        if length > max_chars:
            break
    text = " ".join(taken)
    if len(text) <= max_chars:
        return text
    cut = text.rfind(" ", 0, max_chars)
    return text[:cut if cut > 0 else max_chars] + " …"
