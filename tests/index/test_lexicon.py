"""The index's lexicon: word prefixes and spelling suggestions follow new versions, deletions
and reindexing; prefix hits ranked by how much they use the words."""

from __future__ import annotations



from kb.core.search_args import SearchRequest
from tests.samples.records import make_record, other_record


def test_prefixes_and_suggestions_follow_new_versions_deletions_and_reindex(search_ids, kb):
    first = kb.save(make_record("Night stewards", context="Streetlights were repaired."))
    other = kb.save(other_record("Burglary forecasting"))
    assert search_ids(kb, "streetlig*") == [first.id]
    assert search_ids(kb, "forecas*") == [other.id]
    assert kb.search(SearchRequest(q="streetlihgts"))["corrected_query"] == "streetlights"

    kb.save(make_record("Night stewards", context="Lanterns were repaired."))
    assert search_ids(kb, "streetlig*") == []
    assert search_ids(kb, "lantern*") == [first.id]
    # The lexicon keeps the old word, but no sheet uses it any more: no suggestion of it.
    assert kb.search(SearchRequest(q="streetlihgts"))["corrected_query"] is None
    kb.delete(other.id)
    assert search_ids(kb, "forecas*") == []

    kb.reindex()
    assert search_ids(kb, "lantern*") == [first.id]
    assert search_ids(kb, "streetlig*") == []
    assert kb.search(SearchRequest(q="lantrens"))["corrected_query"] == "lanterns"


def test_prefix_hits_are_ranked_by_how_much_they_use_the_words(kb):
    once = kb.save(make_record("Night stewards", context="One patrol."))
    often = kb.save(make_record("Patrols", city="Geneva",
                                context="Patrols and patrolling: patrol routes."))
    result = kb.search(SearchRequest(q="patrol*"), highlight=False)
    assert [hit["id"] for hit in result["hits"]] == [often.id, once.id]
    assert result["hits"][1]["score"] > 0


def test_a_prefix_of_too_many_words_searches_the_shortest(tmp_path):
    from index import lexicon
    words = [f"pre{'x' * (n % 7)}{n:04d}" for n in range(lexicon.MAX_PREFIX_WORDS + 100)]
    assert lexicon.add(tmp_path, words) == len(words)
    assert lexicon.add(tmp_path, words[:10] + ["other"]) == 1
    reader = lexicon.Lexicon(tmp_path)
    found = reader.starting_with("pre")
    reader.close()
    assert len(found) == lexicon.MAX_PREFIX_WORDS
    assert sorted(found, key=lambda w: (len(w), w)) == sorted(
        words, key=lambda w: (len(w), w))[:lexicon.MAX_PREFIX_WORDS]


def test_one_word_of_a_multi_word_thesaurus_term_finds_a_sheet(search_ids, kb):
    # "night-time economy" names the nightlife concept; a sheet saying only "economy" (no
    # nightlife word) is still found by that word, as by any other typed word.
    sheet = kb.save(make_record("Shop fronts", themes=["public-spaces"],
                                context="The local economy of the square.",
                                objectives="Fewer empty shops.", activities="Grants."))
    assert sheet.id in search_ids(kb, "night-time economy")
