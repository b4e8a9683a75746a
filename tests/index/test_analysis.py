"""The index-time analyzer and the chain of Whoosh filters used for queries agree token for token."""

from __future__ import annotations

import pytest

from index.analysis import LANGUAGES, SECTION_MARK, _chain, concepts_near, text_analyzer
from index.schema import sheet_concepts
from tests.samples.sheets import SHEETS, item_texts

TRICKY = ("Straße, Œuvre; naïve façade — l'été à Saint-Étienne: 3 x 2 km, CO₂, "
          "e-mail info@example.org, ÉVALUATION 2019–2022, 40 000 €, a b c, x_y")


def tokens(analyzer, text: str, **options) -> list[tuple[str, int, float]]:
    return [(t.text, t.pos, t.boost)
            for t in analyzer(text, positions=True, mode="index", **options)]


def sheet_text(sheet: dict) -> str:
    sections = [sheet["title"]]
    sections += [" ".join(item_texts(items)) for items in sheet["sections"].values()]
    return SECTION_MARK.join([sections[0], sections[2] if len(sections) > 2 else "",
                              "\n".join(sections[1:])])


@pytest.mark.parametrize("sheet", SHEETS, ids=[s["id"] for s in SHEETS])
def test_fast_index_path_equals_the_filter_chain(sheet):
    language = sheet["language"]
    text = sheet_text(sheet) + SECTION_MARK + TRICKY
    fast = tokens(text_analyzer(language), text)
    assert fast == tokens(_chain(language), text)
    assert {boost for _, _, boost in fast} == {3.0, 1.5, 1.0}


@pytest.mark.parametrize("language", LANGUAGES)
def test_tricky_text_and_empty_sections(language):
    text = SECTION_MARK.join(["", TRICKY, "", "le la the der de", TRICKY])
    assert tokens(text_analyzer(language), text) == tokens(_chain(language), text)


def test_query_and_highlight_modes_use_the_chain():
    analyzer = text_analyzer("fr")
    query = [t.text for t in analyzer("Sécurité des aînés", mode="query")]
    assert query == [t.text for t in _chain("fr")("Sécurité des aînés", mode="query")]
    spans = [(t.startchar, t.endchar) for t in analyzer("la sécurité", chars=True,
                                                          mode="query", removestops=False)]
    assert spans == [(0, 2), (3, 11)]


# Concepts named in a sheet by the stems of a term within a short window

@pytest.mark.parametrize("language, text, concept", [
    ("en", "Women facing violence in the street at night.", "gender-violence"),
    ("fr", "Les médiateurs de nuit travaillent avec les bars.", "mediators"),
    ("en", "The night mediators work with bars.", "mediators"),
])
def test_a_term_is_named_by_its_stems_in_any_order_nearby(language, text, concept):
    assert concept in concepts_near(text, language)
    assert concept in sheet_concepts(text, language)


def test_stems_far_apart_do_not_name_a_term():
    text = ("Women " + "and other residents " * 10 + "reported violence.")
    assert "gender-violence" not in concepts_near(text, "en")


def test_only_the_sheets_own_language_is_stemmed_and_exact_terms_still_count():
    english = "Violence against women is the subject."
    assert "gender-violence" not in concepts_near(english, "fr")
    assert "gender-violence" in sheet_concepts(english, "fr")     # the exact English term
