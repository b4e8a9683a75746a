"""Snippets: the best passages of a sheet's text with the query's words marked, safe for HTML.

The sheet's text is escaped; the only markup in a snippet is <mark>…</mark> around matches.
"""

from __future__ import annotations

import html

from whoosh.highlight import ContextFragmenter, HtmlFormatter, highlight

from index.analysis import LANGUAGES, plain_analyzer, text_analyzer

SNIPPET_CHARS = 240


def snippet(text: str, language: str, terms: dict[str, set[str]],
            max_chars: int = SNIPPET_CHARS) -> str:
    """Up to two passages of `text` around the query's terms, or its beginning."""
    language = language if language in LANGUAGES else "en"
    stemmed = terms.get(f"text_{language}", set())
    plain = set().union(*(terms.get(name, set()) for name in ("title", "words")))
    formatter = HtmlFormatter(tagname="mark", classname="hl", termclass="t", between=" … ")
    fragmenter = ContextFragmenter(maxchars=max_chars, surround=70)
    for analyzer, wanted in ((text_analyzer(language), stemmed), (plain_analyzer(), plain)):
        if wanted:
            marked = highlight(text, wanted, analyzer, fragmenter, formatter, top=2)
            if marked:
                return marked
    return html.escape(_beginning(text, max_chars), quote=False)


def _beginning(text: str, max_chars: int) -> str:
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    cut = text.rfind(" ", 0, max_chars)
    return text[:cut if cut > 0 else max_chars] + " …"
