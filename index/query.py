"""From what a user types to a Whoosh query: syntax, cross-language expansion, and fallback.

Supported: plain words (ranked: any may match, sheets matching more of them and rarer ones
rank higher), "phrases", AND/OR/NOT, parentheses, field:term for the fields in
schema.FIELD_ALIASES, and prefix* (three letters at least). A query the parser cannot make
sense of falls back to its plain words: a search box never answers with an error.

What a query costs is bounded, whoever types it: the parser knows no ranges, wildcards or
fuzzy terms (their brackets and signs are not syntax), a field name it does not list is a
word, a phrase is searched only in fields that keep positions, and the prefixes of one query
share MAX_EXPANSIONS words or terms between them (the shortest first). Phrases are checked
word position by word position, sheet by sheet: the first MAX_PHRASES phrases of a query of
at most MAX_PHRASE_WORDS words each are phrases, any other "phrase" finds its words, all
required.

Questions and pasted paragraphs work as typed: punctuation, hyphens and apostrophes split
words ("night-time", "women's", "l'éclairage"), a "Word:" that names no field is a word, and
stop words are dropped only after the thesaurus has looked at the words, so terms such as
"prévention de la délinquance" are recognised. Runs of plain words that name a thesaurus
concept also find the sheets whose text names the concept in any language (index.schema
records the concepts of each sheet) or that carry the matching theme.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from whoosh import fields
from whoosh import query as wq
from whoosh.qparser import (
    AndGroup,
    FieldAliasPlugin,
    MultifieldParser,
    PrefixPlugin,
    RangePlugin,
    WildcardPlugin,
)
from whoosh.qparser.common import QueryParserError

from index.analysis import any_stopwords, concept_stems
from index.lexicon import Lexicon, stems
from index.schema import FIELD_ALIASES, TEXT_FIELDS
from kb.core.languages import LANGUAGES
from kb.core.thesaurus import broader_themes, find_concepts
from kb.core.themes import themes_from_wording
from kb.core.text import fold

MAX_QUERY_CHARS = 500
MIN_PREFIX = 3
# Words (from the lexicon) or terms (of a field) all the prefixes of one query expand to:
# each prefix gets its share, so that forty prefixes cost what one does.
# 300, not 600: a query of 120 new prefixes cost 242 ms of CPU at 10,000 sheets with 600 (half
# stemming the words in seven languages, half reading their postings), 152 ms with 300.
MAX_EXPANSIONS = 300
# The fields a parsed query may search: those users name, the languages' text fields and
# what index.query itself writes (concepts, themes, the lexicon's words).
SEARCHED_FIELDS = frozenset({*FIELD_ALIASES.values(), *TEXT_FIELDS, "concepts", "themes",
                             "words"})
# Each phrase costs tens of milliseconds at 10,000 sheets (positions read sheet by sheet).
MAX_PHRASES = 2
MAX_PHRASE_WORDS = 8
# The query nodes evaluated at a cost bounded by the words typed.
_BOUNDED = (wq.Term, wq.Phrase, wq.Prefix, wq.And, wq.Or, wq.Not, wq.AndNot, wq.AndMaybe)
# Quoted phrases, field prefixes, parentheses, operators and words, in the order typed.
_TOKEN = re.compile(r'"[^"]*"?|\w+:|[()]|[^\s()"]+')
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_WORD = re.compile(r"\w+")
_PREFIX = re.compile(r"\w+\*")
# A sheet found through a concept of the typed words (in another language, or tagged with
# its theme) ranks below one using the words themselves; the boost is per word it replaces.
CONCEPT_BOOST = 0.7
# A sheet found only by the theme it is tagged with (the broader theme of a concept, or the
# theme a word names) ranks lower still, per word.
THEME_BOOST = 0.5
MIN_THEME_WORD = 4
# An English possessive is not a word of its own: "women's safety" searches "women safety".
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b", re.IGNORECASE)


@dataclass
class ParsedQuery:
    query: wq.Query | None     # None: no words at all (list everything)
    words: list[str]           # the plain words typed, for spelling suggestions
    fallback: bool = False     # the syntax was not understood; plain words were searched
    # Before widen_concepts: what snippets mark (a concept's every term would mark words
    # that only share one of its words, "night" of "night mediators").
    typed: wq.Query | None = None


def parse(text: str, schema) -> ParsedQuery:
    text = _shorten(text or "")
    words = plain_words(text)
    if not _WORD.search(text):
        return ParsedQuery(None, [])
    parser = _parser(schema)
    try:
        # Not normalised: Whoosh would flatten the groups index.matching scores by.
        parsed = _prune(parser.parse(expand(tidy(text)), normalize=False))
        if _is_broken(parsed):
            raise QueryParserError("nothing searchable")
        _check(parsed, schema)
        return ParsedQuery(_guard(parsed), words)
    except (QueryParserError, ValueError, TypeError, IndexError):
        pass
    plain = " OR ".join(_without_stopwords([w.lower() for w in _WORD.findall(text)]))
    return ParsedQuery(_guard(_prune(parser.parse(plain, normalize=False))), words,
                       fallback=True)


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
        field = token.endswith(":") and _is_field(token)
        if not field_before and not field and token not in _OPERATORS:
            words.extend(_WORD.findall(token.rstrip("*")) if not token.endswith("*") else [])
        field_before = field
    return words


def _without_stopwords(words: list[str], keep_all: bool = True) -> list[str]:
    """A stop word of any of the languages would match most sheets in the others: drop it,
    unless the words are nothing else and `keep_all` (a query of stop words searches them)."""
    stop = any_stopwords()
    kept = [word for word in words if fold(word) not in stop]
    return kept or (words if keep_all else [])


def tidy(text: str) -> str:
    """Drop operators with nothing to join: "night AND" searches "night", not "night and";
    and a quote left open (a pasted paragraph's stray one) opens no phrase."""
    if text.count('"') % 2:
        cut = text.rfind('"')
        text = text[:cut] + " " + text[cut + 1:]
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
    """The query text with plain words made ranked alternatives, widened by the thesaurus.

    The plain words (and prefixes) between parentheses, phrases and fields become one OR
    group: any may match, and BM25 ranks the sheets matching more of them first. What the
    user marks stays as typed and required: field:term, "phrases", parentheses, and the word
    an AND joins or a NOT excludes ("stewards NOT midnight tilburg" excludes midnight only,
    and ranks stewards and tilburg as alternatives).
    """
    out: list[str] = []
    group: list[str] = []
    run: list[str] = []
    slot: list[int] = []                          # where in `out` the open group goes

    def open_slot() -> None:
        if not slot:
            out.append("")
            slot.append(len(out) - 1)

    def close_run() -> None:
        if run:
            open_slot()
        group.extend(_run_parts(run, keep_all=not group))
        run.clear()

    def close_group() -> None:
        close_run()
        if slot:
            out[slot.pop()] = (" " + (group[0] if len(group) == 1 else
                                      "(" + " OR ".join(group) + ")")) if group else ""
        group.clear()

    tokens = _TOKEN.findall(text)
    # Without an operator, parentheses group nothing: "(2019-2021)" in a pasted paragraph.
    grouping = any(token in _OPERATORS for token in tokens)
    position = 0
    field_before = False
    operand = False                               # the next word is an AND's or NOT's
    phrases = 0
    for index, match in enumerate(_TOKEN.finditer(text)):
        token = match.group()
        if token.startswith('"'):
            phrases += 1
            token = _bounded_phrase(token, phrases)
        separator = text[position:match.start()]
        position = match.end()
        if token.endswith(":") and not _is_field(token):
            token = token[:-1]                    # "Objectives:" in a pasted paragraph
        if token in ("(", ")") and not grouping:
            continue
        plain = (not field_before and token not in _OPERATORS and token not in ("(", ")")
                 and not match.group().startswith('"') and not token.endswith(":"))
        if plain and _PREFIX.fullmatch(token):
            # Prefixes are matched against the words as written, not their stems.
            prefix = f"words:{token}" if len(token) > MIN_PREFIX else token
            if operand:
                out.append(" " + prefix)
            else:
                close_run()
                open_slot()
                group.append(prefix)
        elif plain:
            words = _WORD.findall(_POSSESSIVE.sub("", token))
            if operand and words:
                out.append(" " + " ".join(_run_parts(words[:1])))
                words = words[1:]
            run.extend(words)
        elif token == "OR" and (run or group) and _is_plain_next(tokens, index):
            pass                                  # plain words are alternatives already
        elif token in _OPERATORS and token != "OR":
            close_run()
            if token != "NOT" and group:
                left = group.pop()                # the left operand of AND stands alone
                out.append(" " + left)
            elif token != "NOT":
                close_group()
            out.append(separator + token)
        else:
            close_group()
            # Keep the separator as typed: "title:night" must stay one field query.
            out.append(separator + token)
        operand = token in _OPERATORS and token != "OR"
        field_before = token.endswith(":")
    close_group()
    return "".join(out).strip()


def _bounded_phrase(token: str, number: int) -> str:
    """The phrase as typed, or its words all required when it is one too many or too long."""
    words = _WORD.findall(token)
    if number <= MAX_PHRASES and len(words) <= MAX_PHRASE_WORDS:
        return token
    return "(" + " AND ".join(words) + ")" if words else '""'


def _is_plain_next(tokens: list[str], index: int) -> bool:
    following = tokens[index + 1] if index + 1 < len(tokens) else ""
    return (following not in _OPERATORS and following not in ("", "(", ")")
            and not following.startswith('"') and not following.endswith(":"))


def _is_field(token: str) -> bool:
    return token[:-1].lower() in FIELD_ALIASES


def _run_parts(words: list[str], keep_all: bool = True) -> list[str]:
    """The alternatives a run of plain words searches: each word, and each thesaurus concept
    the words name (looked up with stop words, which go only after)."""
    parts: list[str] = []
    position = 0
    for start, end, concept in find_concepts(words):
        parts.extend(_without_stopwords(words[position:start], keep_all=False))
        typed = _without_stopwords(words[start:end])
        boost = round(CONCEPT_BOOST * len(typed), 2)     # the concept stands for its words
        # The typed words stay alternatives, as everywhere: "knife" alone finds a knife sheet.
        alternatives = [typed[0] if len(typed) == 1 else "(" + " OR ".join(typed) + ")",
                        f"concepts:{concept.id}^{boost:g}"]
        broader = round(THEME_BOOST * len(typed), 2)
        alternatives.extend(f"themes:{theme}^{boost if theme == concept.id else broader:g}"
                            for theme in broader_themes(concept.id))
        parts.append("(" + " OR ".join(alternatives) + ")")
        position = end
    rest = _without_stopwords(words[position:], keep_all=keep_all and not parts)
    parts.extend(_with_themes(word) for word in rest)
    return parts


def _with_themes(word: str) -> str:
    """A word the theme vocabulary's wording names ("radicalised", "police") also finds the
    sheets tagged with that theme, below those using the word."""
    themes = themes_from_wording(word) if len(word) >= MIN_THEME_WORD else []
    if not themes:
        return word
    return "(" + " OR ".join([word, *(f"themes:{theme}^{THEME_BOOST:g}" for theme in themes)]) \
        + ")"


_PARSERS: dict[tuple[str, ...], MultifieldParser] = {}


def _parser(schema) -> MultifieldParser:
    """One parser per schema layout: building its plugins costs more than most parses."""
    key = tuple(schema.names())
    if key not in _PARSERS:
        _PARSERS[key] = _new_parser(schema)
    return _PARSERS[key]


def _new_parser(schema) -> MultifieldParser:
    # The parser knows only the fields a query may search: any other name ("facets:",
    # "stamp:", "id:") is text to it, whatever the way it reaches the parser.
    searched = fields.Schema(**{name: schema[name] for name in schema.names()
                                if name in SEARCHED_FIELDS})
    parser = MultifieldParser(list(TEXT_FIELDS), searched, group=AndGroup)
    # Ranges and wildcards expand to every term they span (seconds over all text fields).
    parser.remove_plugin_class(WildcardPlugin)
    parser.remove_plugin_class(RangePlugin)
    parser.add_plugin(PrefixPlugin())
    aliases: dict[str, list[str]] = {}
    for alias, field in FIELD_ALIASES.items():
        if alias != field:
            aliases.setdefault(field, []).append(alias)
    parser.add_plugin(FieldAliasPlugin(aliases))
    return parser


def _prune(node: wq.Query) -> wq.Query:
    """Drop the empty groups and phrases Whoosh leaves for words that analyse to nothing
    ("()", "x", '"x y"'),
    without the rest of normalize(), which merges nested ORs into one."""
    if not isinstance(node, wq.CompoundQuery):
        if isinstance(node, wq.Phrase) and not node.words:
            return wq.NullQuery                   # a phrase of words analysed to nothing
        if isinstance(node, wq.Not):
            inner = _prune(node.query)
            return wq.NullQuery if inner is wq.NullQuery else wq.Not(inner, boost=node.boost)
        return node
    kept = [child for child in (_prune(child) for child in node.subqueries)
            if child is not wq.NullQuery]
    if isinstance(node, wq.Or):
        kept = _regrouped(kept)
    if not kept:
        return wq.NullQuery
    if len(kept) == 1 and not isinstance(kept[0], wq.Not):
        only = kept[0]
        only.boost *= node.boost
        return only
    return node.__class__(kept, boost=node.boost)


def _regrouped(children: list[wq.Query]) -> list[wq.Query]:
    """Whoosh's parser merges the first word of an OR group into the group: "night OR mayor"
    comes as (en:night, fr:night, ..., (en:mayor, ...)). Put the word's terms back into a group
    of their own, so that it counts once as the other words do (index.matching scores a word
    searched in each language's field by its best field)."""
    run = 0
    order = {name: position for position, name in enumerate(TEXT_FIELDS)}
    while (run < len(children) and isinstance(children[run], wq.Term)
           and children[run].fieldname in order
           and (run == 0 or order[children[run].fieldname]
                > order[children[run - 1].fieldname])):
        run += 1
    if run < 2 or run == len(children):
        return children
    return [wq.Or(children[:run]), *children[run:]]


def _is_broken(parsed: wq.Query) -> bool:
    """Nothing left to search: Whoosh dropped every part it could not read."""
    parsed = parsed.normalize()
    return isinstance(parsed, type(wq.NullQuery)) or next(parsed.leaves(), None) is None


def _check(parsed: wq.Query, schema) -> None:
    """Refuse (as a parse error, so the plain words are searched) what the search could not
    run, or not at a bounded cost: a node of another kind, a field no one may search, and
    a phrase where the field keeps no positions (theme:"a b")."""
    for node in _nodes(parsed):
        if not isinstance(node, _BOUNDED) and node is not wq.NullQuery:
            raise QueryParserError(f"{type(node).__name__} is not searched")
        fieldname = getattr(node, "fieldname", None)
        if node.is_leaf() and fieldname not in SEARCHED_FIELDS:
            raise QueryParserError(f"{fieldname} is not searched")
        if isinstance(node, wq.Phrase) and not schema[fieldname].format.supports("positions"):
            raise QueryParserError(f"{fieldname} has no positions")


def _nodes(node: wq.Query):
    yield node
    if not node.is_leaf():
        for child in node.children():
            yield from _nodes(child)


class BoundedPrefix(wq.Prefix):
    """A prefix of a field (title:secu*) expanding to at most `limit` of its terms."""

    def __init__(self, fieldname: str, text: str, boost: float = 1.0, limit: int = 0):
        super().__init__(fieldname, text, boost=boost)
        self.limit = limit

    def _btexts(self, ixreader):
        return islice(super()._btexts(ixreader), self.limit)


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
    prefixes = sum(isinstance(node, wq.Prefix) for node in _nodes(parsed.query))
    share = max(1, MAX_EXPANSIONS // max(1, prefixes))

    def visit(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.Prefix) and node.fieldname != "words":
            return BoundedPrefix(node.fieldname, node.text, node.boost, limit=share)
        if isinstance(node, (wq.Prefix, wq.Term)) and node.fieldname == "words":
            words = (lexicon.starting_with(node.text, share) if isinstance(node, wq.Prefix)
                     else [node.text])
            terms = dict.fromkeys(term for word in words for term in stems(word))
            if not terms:
                return wq.NullQuery
            return wq.Or([wq.Term(fieldname, text) for fieldname, text in terms],
                         boost=node.boost)
        return node.apply(visit) if node.is_leaf() is False else node

    return ParsedQuery(visit(parsed.query), parsed.words, parsed.fallback)


def widen_concepts(parsed: ParsedQuery) -> ParsedQuery:
    """A concept also finds its terms in each language, each in its own language's field.

    The sheets naming the concept are found by the concept term already (index.schema); its
    terms rank them by how much they say of it, at the concept's weight (below the typed
    words), and find sheets that name it with the words apart ("space ... public").
    """
    if parsed.query is None:
        return parsed

    def visit(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.Term) and node.fieldname == "concepts":
            expansions: list[wq.Query] = [node]
            for fieldname, words in _concept_terms(node.text):
                if len(words) == 1:
                    expansions.append(wq.Term(fieldname, words[0], boost=node.boost))
                else:    # as much as a one-word term: each word a share of the weight
                    expansions.append(wq.And([wq.Term(fieldname, word) for word in words],
                                             boost=node.boost / len(words)))
            return wq.Or(expansions)
        return node.apply(visit) if node.is_leaf() is False else node

    return ParsedQuery(visit(parsed.query), parsed.words, parsed.fallback, parsed.query)


def _concept_terms(concept_id: str) -> list[tuple[str, tuple[str, ...]]]:
    """(text field, its terms) of each of the concept's terms in each language."""
    return [(f"text_{language}", words) for language in LANGUAGES
            for words in concept_stems(concept_id, language)]


def terms_by_field(parsed: wq.Query) -> dict[str, set[str]]:
    """The indexed terms a query looks for, by field (for highlighting)."""
    found: dict[str, set[str]] = {}
    for fieldname, text in parsed.iter_all_terms():
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        found.setdefault(fieldname, set()).add(text)
    return found
