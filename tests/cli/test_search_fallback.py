"""`kb search` on what the public search once answered with a 500 (issue 15, item 3): an
unknown field is a plain word, a phrase on a keyword field falls back to its words; never a
traceback, and the JSON says when the query was read as plain words."""

from __future__ import annotations

import json

import pytest

from tests.samples.records import other_record


@pytest.mark.parametrize("query", ["stamp:x", "stamp:harbour", 'theme:"a b"',
                                   'concepts:"x y"', "CITY::facets:0", "[a TO z]",
                                   "partners:[0TOzzzz]", "harbour~2", "*:*"])
def test_kb_search_answers_every_query_without_a_traceback(invoke, kb, home, query):
    kb.save(other_record("Harbour patrol at night"))
    result = invoke(home, "search", query, "--json")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    answer = json.loads(result.output)
    assert set(answer) >= {"total", "hits", "query_fallback"}


def test_an_unknown_field_is_searched_as_its_words(invoke, kb, home):
    stored = kb.save(other_record("Harbour patrol at night"))
    answer = json.loads(invoke(home, "search", "stamp:harbour", "--json").output)
    assert [hit["id"] for hit in answer["hits"]] == [stored.id]
