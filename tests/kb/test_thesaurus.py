"""The search thesaurus: its data, and finding its concepts in a query's words in any language."""

import pytest

from kb.core import thesaurus
from kb.core.languages import LANGUAGES
from kb.core.text import fold
from kb.core.themes import theme_ids
from kb.core.thesaurus import Concept, _concept, broader_themes, concepts, find_concepts


def by_id(concept_id: str) -> Concept:
    return next(c for c in concepts() if c.id == concept_id)


def found(query: str) -> list[tuple[int, int, str]]:
    return [(start, end, concept.id) for start, end, concept in find_concepts(query.split())]


def test_every_concept_has_terms_in_all_seven_languages():
    for concept in concepts():
        assert set(concept.terms) == set(LANGUAGES), concept.id
        for language in LANGUAGES:
            assert 1 <= len(concept.terms[language]) <= 8, (concept.id, language)


def test_concept_ids_are_unique():
    ids = [concept.id for concept in concepts()]
    assert len(ids) == len(set(ids))


def test_every_theme_has_a_concept():
    assert set(theme_ids()) <= {concept.id for concept in concepts()}


def test_no_term_repeated_within_a_language():
    for concept in concepts():
        for language, terms in concept.terms.items():
            folded = [fold(term) for term in terms]
            assert len(folded) == len(set(folded)), (concept.id, language)


def test_all_terms_deduplicates_by_folded_form_in_language_order():
    terrorism = by_id("terrorism")
    terms = terrorism.all_terms()
    assert terms[0] == "terrorism"
    assert len({fold(t) for t in terms}) == len(terms)
    # "terrorismo" is written in es, it and pt; it appears once, where es put it.
    assert terms.count("terrorismo") == 1
    assert terms.index("terrorisme") < terms.index("terrorismo") < terms.index("Terrorismus")


def test_vie_nocturne_is_nightlife_over_both_words():
    [(start, end, concept)] = find_concepts(["vie", "nocturne"])
    assert (start, end, concept.id) == (0, 2, "nightlife")
    assert "nightlife" in concept.terms["en"]
    assert "night-time economy" in concept.all_terms()


def test_radicalizacion_finds_radicalisation():
    [(_, _, concept)] = find_concepts(["radicalización"])
    assert "radicalisation" in concept.terms["en"]


def test_videouberwachung_finds_cctv():
    [(_, _, concept)] = find_concepts(["Videoüberwachung"])
    english = {fold(term) for term in concept.terms["en"]}
    assert {"cctv", "video surveillance"} & english
    assert "vidéosurveillance" in concept.terms["fr"]


def test_longest_match_wins():
    assert found("extremism") == [(0, 1, "extremism")]
    assert found("violent extremism") == [(0, 2, "violent-extremism")]
    assert found("preventing violent extremism") == [(0, 3, "violent-extremism")]
    assert found("drugs") == [(0, 1, "drugs")]
    assert found("drug dealing") == [(0, 2, "drug-dealing")]


def test_matches_do_not_overlap():
    # "prévention de la délinquance" and "délinquance juvénile" share a word: the first, longer one wins.
    assert found("prévention de la délinquance juvénile") == [(0, 4, "crime-prevention")]
    assert found("la délinquance juvénile") == [(1, 3, "juvenile-delinquency")]


def test_several_concepts_in_one_query():
    assert found("vie nocturne et sécurité routière à Lyon") == [
        (0, 2, "nightlife"), (3, 5, "road-safety")]


@pytest.mark.parametrize("words", [[], ["hello", "world"], ["city"], ["project"], ["safety"],
                                   ["police"], ["vie"], ["nocturne"], ["--"]])
def test_words_outside_the_thesaurus_find_nothing(words):
    assert find_concepts(words) == []


@pytest.mark.parametrize("query, concept_id", [
    ("mediators", "mediators"),        # term "mediator"
    ("mediator", "mediators"),
    ("burglary", "burglary"),
    ("pickpockets", "pickpocketing"),  # term "pickpocket"
    ("terroristes", "terrorism"),      # term "terroriste"
    ("mediadores", "mediators"),       # term "mediador" + "es"
    ("public spaces", "public-spaces"),
])
def test_plural_and_singular_of_the_last_word(query, concept_id):
    assert found(query) == [(0, len(query.split()), concept_id)]


def test_plural_rule_applies_to_the_last_word_only():
    # "vie nocturne" is a term, but only its last word may take a plural.
    assert found("vie nocturnes") == [(0, 2, "nightlife")]
    assert found("vies nocturnes") == []


@pytest.mark.parametrize("query", ["SÉCURITÉ ROUTIÈRE", "securite routiere", "Sécurité Routière"])
def test_case_and_accents_are_ignored(query):
    assert found(query) == [(0, 2, "road-safety")]


def test_a_hyphenated_typed_word_matches_its_parts_and_positions_are_typed_words():
    assert found("night-time economy") == [(0, 2, "nightlife")]
    assert found("the night time economy") == [(1, 4, "nightlife")]
    # A match covers whole typed words: "drugs" is not found inside "drugs-policy".
    assert found("drugs") == [(0, 1, "drugs")]
    assert found("drugs-policy") == []


@pytest.mark.parametrize("query, concept_id", [
    ("nightlife", "nightlife"),
    ("movida", "nightlife"),
    ("Nachtleben", "nightlife"),
    ("uitgaansleven", "nightlife"),
    ("vida noturna", "nightlife"),
    ("ocio nocturno", "nightlife"),
    ("radicalisering", "radicalisation"),
    ("vidéoprotection", "video-surveillance"),
    ("cameratoezicht", "video-surveillance"),
    ("häusliche Gewalt", "domestic-violence"),
    ("violencia de género", "gender-violence"),
    ("violenza domestica", "domestic-violence"),
    ("huiselijk geweld", "domestic-violence"),
    ("cambriolages", "burglary"),
    ("woninginbraak", "burglary"),
    ("Sicurezza degli anziani", "seniors"),
    ("personas mayores", "seniors"),
    ("justice restaurative", "restorative-justice"),
    ("herstelrecht", "restorative-justice"),
    ("décrochage scolaire", "school-dropout"),
    ("abandono escolar", "school-dropout"),
    ("polícia municipal", "local-police"),
    ("Obdachlosigkeit", "homelessness"),
    ("sem-abrigo", "homelessness"),
    ("Desporto", "sport"),
    ("overlast", "antisocial-behaviour"),
    ("harcèlement scolaire", "bullying"),
    ("Cybermobbing", "cyberbullying"),
    ("traite des êtres humains", "human-trafficking"),
    ("Menschenhandel", "human-trafficking"),
    ("sentiment d'insécurité", "fear-of-crime"),
    ("segurança rodoviária", "road-safety"),
    # Practitioners' jargon and abbreviations, each beside the standard words of its concept.
    ("ASB", "antisocial-behaviour"),
    ("coercive control", "domestic-violence"),
    ("Gewalt im sozialen Nahraum", "domestic-violence"),
    ("malamovida", "nightlife"),
    ("narcomenudeo", "drug-dealing"),
    ("wijkinspecteur", "community-policing"),
    ("maraudes", "homelessness"),
    ("désistance", "reintegration"),
    ("Tatausgleich", "restorative-justice"),
    ("importunação sexual", "sexual-harassment"),
    # Notions that had no concept: terms in each language find the same one.
    ("caméras-piétons", "body-worn-cameras"),
    ("Bodycams", "body-worn-cameras"),
    ("mineurs non accompagnés", "unaccompanied-minors"),
    ("minori stranieri non accompagnati", "unaccompanied-minors"),
    ("sluikstorten", "littering"),
    ("fly-tipping", "littering"),
    ("Täterarbeit", "perpetrator-programmes"),
    ("bestuurlijke aanpak", "administrative-approach"),
])
def test_terms_in_every_language_find_their_concept(query, concept_id):
    assert found(query) == [(0, len(query.split()), concept_id)]


def test_a_term_shared_by_two_concepts_goes_to_the_first(monkeypatch):
    first = Concept("a", {lang: ("shared term",) for lang in LANGUAGES})
    second = Concept("b", {lang: ("shared term", "other") for lang in LANGUAGES})
    monkeypatch.setattr("kb.core.thesaurus.concepts", lambda: (first, second))
    monkeypatch.setattr("kb.core.thesaurus._term_starts", thesaurus._term_starts.__wrapped__)
    assert found("shared term") == [(0, 2, "a")]
    assert found("other") == [(0, 1, "b")]


def test_a_concept_missing_a_language_is_refused_by_name():
    terms = {lang: ["term"] for lang in LANGUAGES if lang != "pt"}
    with pytest.raises(ValueError, match="'broken'.*pt"):
        _concept({"id": "broken", "terms": terms})


def test_a_concept_without_id_is_refused():
    with pytest.raises(ValueError, match="no id"):
        _concept({"terms": {lang: ["term"] for lang in LANGUAGES}})


def test_a_concept_with_an_empty_language_is_refused():
    terms = {lang: ["term"] for lang in LANGUAGES}
    terms["nl"] = []
    with pytest.raises(ValueError, match="'empty'.*nl"):
        _concept({"id": "empty", "terms": terms})


@pytest.mark.parametrize("concept, theme", [
    ("terrorism", "polarisation"), ("radicalisation", "polarisation"),
    ("video-surveillance", "public-spaces"), ("community-policing", "local-police"),
    ("domestic-violence", "gender-violence"), ("hate-crime", "discrimination"),
    ("recidivism", "reintegration"), ("nightlife", "nightlife"),
])
def test_concepts_are_linked_to_their_broader_themes(concept, theme):
    assert theme in broader_themes(concept)


def test_a_chance_match_in_one_language_links_no_theme():
    # "fraude" begins like no innovation word, but one language's prefix match is not enough.
    assert "innovation" not in broader_themes("fraud")
    assert broader_themes("no-such-concept") == ()
