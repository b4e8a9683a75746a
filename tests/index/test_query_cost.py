"""What a query may cost (issue 15): no construct of the query language expands to every term
of a field, prefixes share a bounded number of words, phrases are few and short, and what
the search cannot run falls back to plain words instead of an error."""

from __future__ import annotations

import pytest
from whoosh import query as wq

from index import query as query_module
from index.query import (MAX_EXPANSIONS, MAX_PHRASE_WORDS, MAX_PHRASES, BoundedPrefix,
                         expand, parse, widen_words)
from index.schema import make_schema
from kb.core.search_args import SearchRequest
from kb.service.knowledge_base import KnowledgeBase
from tests.samples.records import make_record, other_record

BOUNDED = (wq.Term, wq.Phrase, wq.Prefix, wq.And, wq.Or, wq.Not, wq.AndNot, wq.AndMaybe)


def nodes(node: wq.Query):
    yield node
    if not node.is_leaf():
        for child in node.children():
            yield from nodes(child)


@pytest.mark.parametrize("text", [
    "[a TO z]", "title:[aTOz]", "partners:[0 TO zzzz]", "partners:[0TOzzzz]",
    "title:{a TO}", "city:[TO z}", "organisation:['a'TOz]", "title:[a TO z] night",
    "ni?ht", "title:n*t", "title:*", "night~2", "title:night~", "theme:[0TOz]", "*:*",
    "text_en:[aTOz]", "stamp:[aTOz]", "id:[aTOz]",
])
def test_no_query_expands_to_a_range_wildcard_or_fuzzy_term(text):
    parsed = parse(text, make_schema())
    if parsed.query is not None:
        kinds = {type(node) for node in nodes(parsed.query)} - {type(wq.NullQuery)}
        assert all(issubclass(kind, BOUNDED) for kind in kinds), kinds


@pytest.mark.parametrize("text", ["stamp:x", "id:abc", "facets:x", "text_en:word", "CITY::facets:0",
                                  'theme:"a b"', 'concepts:"x y"', 'language:"en fr"'])
def test_only_the_documented_fields_are_searched(text):
    parsed = parse(text, make_schema())
    fields = {node.fieldname for node in nodes(parsed.query) if node.is_leaf()
              and node is not wq.NullQuery}
    assert fields <= query_module.SEARCHED_FIELDS
    assert not {"stamp", "id", "facets"} & fields


class Lexicon:
    """As many words beginning with any prefix as asked for (index.lexicon's interface)."""

    def __init__(self):
        self.asked: list[int] = []

    def starting_with(self, prefix: str, limit: int = 500) -> list[str]:
        self.asked.append(limit)
        return [f"{prefix}{n:04d}" for n in range(min(limit, 500))]


@pytest.mark.parametrize("count", [1, 10, 60])
def test_the_prefixes_of_a_query_share_a_bounded_number_of_words(count):
    text = " ".join(f"p{chr(97 + n // 26)}{chr(97 + n % 26)}*" for n in range(count))
    lexicon = Lexicon()
    widened = widen_words(parse(text, make_schema()), lexicon)
    words = {node.text for node in nodes(widened.query) if isinstance(node, wq.Term)}
    assert not any(isinstance(node, wq.Prefix) for node in nodes(widened.query))
    assert len(lexicon.asked) == count
    assert sum(lexicon.asked) <= MAX_EXPANSIONS
    # Each word is one stem per language at most.
    assert len(words) <= MAX_EXPANSIONS


def test_a_prefix_of_a_field_becomes_a_bounded_prefix():
    widened = widen_words(parse("title:prevent* city:ghe*", make_schema()), Lexicon())
    prefixes = [node for node in nodes(widened.query) if isinstance(node, wq.Prefix)]
    assert [type(node) for node in prefixes] == [BoundedPrefix] * 2
    assert all(node.limit == MAX_EXPANSIONS // 2 for node in prefixes)


def test_a_prefix_of_a_field_expands_to_its_share_of_terms(tmp_path, monkeypatch):
    monkeypatch.setattr(query_module, "MAX_EXPANSIONS", 4)
    with KnowledgeBase(tmp_path / "kb") as kb:
        for n in range(12):
            kb.save(other_record(f"Prevent{chr(97 + n)}x scheme", city=f"Town{n}"))
        kb.reindex()          # one segment: a prefix expands per segment of the index
        assert kb.search(SearchRequest(q="title:prevent*"), highlight=False)["total"] == 4
        assert kb.search(SearchRequest(q="title:prevent*"))["total"] == 4
        assert kb.search(SearchRequest(q="prevent*"))["total"] == 4


def test_phrases_past_the_first_ones_find_their_words():
    phrases = ['"night stewards"', '"old town"', '"bar streets"']
    searched = expand(" ".join(phrases))
    assert MAX_PHRASES == 2
    assert '"night stewards"' in searched and '"old town"' in searched
    assert '"bar streets"' not in searched and "(bar AND streets)" in searched
    long_phrase = '"' + " ".join(f"w{n}" for n in range(MAX_PHRASE_WORDS + 1)) + '"'
    assert expand(long_phrase) == "(" + " AND ".join(
        f"w{n}" for n in range(MAX_PHRASE_WORDS + 1)) + ")"


@pytest.fixture
def kb(tmp_path):
    with KnowledgeBase(tmp_path / "kb") as knowledge_base:
        knowledge_base.save(make_record())
        knowledge_base.save(other_record("Stamp collectors against fraud"))
        yield knowledge_base


@pytest.mark.parametrize("text", ['theme:"a b"', 'themes:"nightlife mediation"',
                                  'language:"en fr"'])
def test_a_phrase_on_a_field_without_positions_falls_back_to_words(kb, text):
    result = kb.search(SearchRequest(q=text))
    assert result["query_fallback"] is True
    assert isinstance(result["total"], int)


@pytest.mark.parametrize("text", ['concepts:"x y"', 'stamp:"x y"', 'title:"x y" night', '"x"'])
def test_a_phrase_of_words_analysed_to_nothing_is_dropped(kb, text):
    result = kb.search(SearchRequest(q=text))
    assert isinstance(result["total"], int)


def test_an_unknown_field_is_a_plain_word(kb):
    found = kb.search(SearchRequest(q="stamp:fraud"))
    assert [hit["title"] for hit in found["hits"]] == ["Stamp collectors against fraud"]
    assert kb.search(SearchRequest(q="stamp:anything"))["total"] == 1


def test_a_third_phrase_still_finds_its_words_apart(kb):
    # "streets bar" is no phrase of the sheet, but both words are in it.
    assert kb.search(SearchRequest(q='"night stewards" "old town" "streets bar"'))["total"] == 1
    assert kb.search(SearchRequest(q='"streets bar"'))["total"] == 0
