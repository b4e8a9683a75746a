"""From what a user types to a Whoosh query: syntax, cross-language expansion, and fallback.

Supported: plain words (all must match), "phrases", AND/OR/NOT, parentheses, field:term for
the fields in schema.FIELD_ALIASES, and prefix* (three letters at least). A query the parser
cannot make sense of falls back to its plain words: a search box never answers with an error.
Runs of plain words that name a thesaurus concept also find the sheets whose text names the
concept in any language (index.schema records the concepts of each sheet) or that carry the
matching theme.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.qparser import (
    AndGroup,
    FieldAliasPlugin,
    MultifieldParser,
    PrefixPlugin,
    WildcardPlugin,
)
from whoosh.qparser.common import QueryParserError

from index.analysis import any_stopwords
from index.lexicon import Lexicon, stems
from index.schema import FIELD_ALIASES, TEXT_FIELDS
from kb.core.thesaurus import find_concepts
from kb.core.themes import theme_ids
from kb.core.text import fold

MAX_QUERY_CHARS = 500
MIN_PREFIX = 3
# Quoted phrases, field prefixes, parentheses, operators and words, in the order typed.
_TOKEN = re.compile(r'"[^"]*"?|\w+:|[()]|[^\s()"]+')
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_WORD = re.compile(r"\w+")
_PREFIX = re.compile(r"\w+\*")


@dataclass
class ParsedQuery:
    query: wq.Query | None     # None: no words at all (list everything)
    words: list[str]           # the plain words typed, for spelling suggestions
    fallback: bool = False     # the syntax was not understood; plain words were searched


def parse(text: str, schema) -> ParsedQuery:
    text = _shorten(text or "")
    words = plain_words(text)
    if not _WORD.search(text):
        return ParsedQuery(None, [])
    parser = _parser(schema)
    try:
        parsed = parser.parse(expand(tidy(text)))
        if _is_broken(parsed):
            raise QueryParserError("nothing searchable")
        return ParsedQuery(_guard(parsed), words)
    except (QueryParserError, ValueError, TypeError, IndexError):
        pass
    plain = " ".join(_without_stopwords([w.lower() for w in _WORD.findall(text)]))
    return ParsedQuery(_guard(parser.parse(plain)), words, fallback=True)


def _shorten(text: str) -> str:
    """At most MAX_QUERY_CHARS, cut between words."""
    text = text.strip()
    if len(text) <= MAX_QUERY_CHARS:
        return text
    cut = text.rfind(" ", 0, MAX_QUERY_CHARS + 1)
    return text[:cut if cut > 0 else MAX_QUERY_CHARS].strip()


def plain_words(text: str) -> list[str]:
    """The words typed outside field prefixes and operators (for spelling suggestions)."""
    words = []
    field_before = False
    for token in _TOKEN.findall(text):
        if not field_before and token not in _OPERATORS:
            words.extend(_WORD.findall(token.rstrip("*")) if not token.endswith("*") else [])
        field_before = token.endswith(":")
    return words


def _without_stopwords(words: list[str]) -> list[str]:
    """A stop word of any of the languages would be required in the others: drop it,
    unless the query has nothing else."""
    stop = any_stopwords()
    kept = [word for word in words if fold(word) not in stop]
    return kept or words


def tidy(text: str) -> str:
    """Drop operators with nothing to join: "night AND" searches "night", not "night and"."""
    tokens = _TOKEN.findall(text)
    kept: list[str] = []
    for index, token in enumerate(tokens):
        if token in _OPERATORS:
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if following is None or following == ")" or (following in _OPERATORS
                                                          and following != "NOT"):
                continue
            if token != "NOT" and (not kept or kept[-1] in _OPERATORS or kept[-1] == "("):
                continue
        kept.append(token)
    return _rejoin(text, kept) if len(kept) != len(tokens) else text


def _rejoin(text: str, tokens: list[str]) -> str:
    out = " ".join(tokens)
    return re.sub(r"(\w+:) ", r"\1", out)


def expand(text: str) -> str:
    """The query text with each run of plain words naming a concept widened to its terms."""
    out: list[str] = []
    run: list[str] = []
    position = 0
    field_before = False
    for match in _TOKEN.finditer(text):
        token = match.group()
        separator = text[position:match.start()]
        position = match.end()
        if (not field_before and token not in _OPERATORS
                and _WORD.fullmatch(token) is not None):
            run.append(token)
        elif not field_before and _PREFIX.fullmatch(token) and len(token) > MIN_PREFIX:
            # Prefixes are matched against the words as written, not their stems.
            out.append(f"{separator}words:{token}")
        else:
            if run:
                out.append(" " + _expand_run(run))
                run.clear()
            # Keep the separator as typed: "title:night" must stay one field query.
            out.append(separator + token)
        field_before = token.endswith(":")
    if run:
        out.append(" " + _expand_run(run))
    return "".join(out).strip()


def _expand_run(words: list[str]) -> str:
    words = _without_stopwords(words)
    parts: list[str] = []
    position = 0
    for start, end, concept in find_concepts(words):
        parts.extend(words[position:start])
        alternatives = [" ".join(words[start:end]) if end - start == 1
                        else "(" + " ".join(words[start:end]) + ")", f"concepts:{concept.id}"]
        if concept.id in theme_ids():
            alternatives.append(f"themes:{concept.id}")
        parts.append("(" + " OR ".join(alternatives) + ")")
        position = end
    parts.extend(words[position:])
    return " ".join(parts)


_PARSERS: dict[tuple[str, ...], MultifieldParser] = {}


def _parser(schema) -> MultifieldParser:
    """One parser per schema layout: building its plugins costs more than most parses."""
    key = tuple(schema.names())
    if key not in _PARSERS:
        _PARSERS[key] = _new_parser(schema)
    return _PARSERS[key]


def _new_parser(schema) -> MultifieldParser:
    parser = MultifieldParser(list(TEXT_FIELDS), schema, group=AndGroup)
    parser.remove_plugin_class(WildcardPlugin)
    parser.add_plugin(PrefixPlugin())
    aliases: dict[str, list[str]] = {}
    for alias, field in FIELD_ALIASES.items():
        if alias != field:
            aliases.setdefault(field, []).append(alias)
    parser.add_plugin(FieldAliasPlugin(aliases))
    return parser


def _is_broken(parsed: wq.Query) -> bool:
    """Nothing left to search: Whoosh dropped every part it could not read."""
    return isinstance(parsed, type(wq.NullQuery)) or next(parsed.leaves(), None) is None


def _guard(parsed: wq.Query) -> wq.Query:
    """Short prefixes would expand to most of the vocabulary: search them as words."""
    def visit(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.Prefix) and len(node.text) < MIN_PREFIX:
            return wq.Term(node.fieldname, node.text)
        if isinstance(node, wq.Or):
            # A tree of unions lets the top hits skip blocks that cannot reach them.
            node.matcher_type = wq.Or.DEFAULT_MATCHER
        return node.apply(visit) if node.is_leaf() is False else node
    return visit(parsed)


def widen_words(parsed: ParsedQuery, lexicon: Lexicon) -> ParsedQuery:
    """Answer prefixes (and short prefixes kept as words) from the lexicon.

    Each word of the lexicon beginning with the prefix finds the sheets through its stem in
    every language's text field, as a plain word does; so prefix hits are ranked like others.
    """
    if parsed.query is None:
        return parsed

    def visit(node: wq.Query) -> wq.Query:
        if isinstance(node, (wq.Prefix, wq.Term)) and node.fieldname == "words":
            words = (lexicon.starting_with(node.text) if isinstance(node, wq.Prefix)
                     else [node.text])
            terms = dict.fromkeys(term for word in words for term in stems(word))
            if not terms:
                return wq.NullQuery
            return wq.Or([wq.Term(fieldname, text) for fieldname, text in terms],
                         boost=node.boost)
        return node.apply(visit) if node.is_leaf() is False else node

    return ParsedQuery(visit(parsed.query), parsed.words, parsed.fallback)


def terms_by_field(parsed: wq.Query) -> dict[str, set[str]]:
    """The indexed terms a query looks for, by field (for highlighting)."""
    found: dict[str, set[str]] = {}
    for fieldname, text in parsed.iter_all_terms():
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        found.setdefault(fieldname, set()).add(text)
    return found
