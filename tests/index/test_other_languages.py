"""A sheet in a language the index has no analyser for (Polish, Swedish) keeps its language:
the facet and `language:` find it as what it is, though its words are analysed as English."""

from __future__ import annotations

from kb.core.search_args import SearchRequest
from kb.service.knowledge_base import KnowledgeBase
from tests.samples.records import make_record


def test_a_polish_sheet_is_found_as_polish(tmp_path):
    with KnowledgeBase(tmp_path / "kb") as kb:
        kb.save(make_record("Bezpieczne osiedle w Gdańsku", language="pl", city="Gdańsk",
                            country="PL"), "published", sync=False)
        kb.save(make_record("Night stewards in the old town"), "published", sync=False)
        kb.sync_index()
        by_field = kb.search(SearchRequest(q="language:pl"))
        assert [hit["title"] for hit in by_field["hits"]] == ["Bezpieczne osiedle w Gdańsku"]
        facets = kb.search(SearchRequest(q="", facets=True))["facets"]["language"]
        assert {bucket["value"]: bucket["count"] for bucket in facets} == {"pl": 1, "en": 1}
