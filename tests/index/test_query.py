"""From typed text to the query searched: plain words become ranked alternatives, and the
thesaurus recognises its terms however a practitioner writes them (articles, hyphens,
apostrophes, trailing punctuation, capitals), before stop words are dropped."""

from __future__ import annotations

import re

import pytest

from index.query import expand, parse, plain_words, tidy
from index.schema import make_schema


def concepts_of(text: str) -> set[str]:
    return set(re.findall(r"concepts:([\w-]+)", expand(tidy(text))))


@pytest.mark.parametrize("text, concept", [
    # Multi-word terms with articles and prepositions (stop words) inside.
    ("lutter contre la délinquance des mineurs", "juvenile-delinquency"),
    ("la violencia contra las mujeres", "gender-violence"),
    ("violencia contra las mujeres en el transporte", "gender-violence"),
    ("violência nas relações de intimidade", "domestic-violence"),
    ("Gewalt in der Familie", "domestic-violence"),
    ("sicurezza delle donne", "women-safety"),
    ("veiligheid van vrouwen", "women-safety"),
    # Apostrophes that elide an article.
    ("prévention de l'extrémisme violent", "violent-extremism"),
    ("crimini d'odio online", "hate-crime"),
    ("vol à l’étalage", "theft"),
    # Hyphens.
    ("ex-gedetineerden begeleiden", "reintegration"),
    ("rechts-extremisme bij jongeren", "extremism"),
    ("night-time economy", "nightlife"),
    # Possessives and trailing punctuation.
    ("women's safety", "women-safety"),
    ("Domestic violence, stalking.", "domestic-violence"),
    ("Gewalt gegen Frauen:", "gender-violence"),
    ("¿Cómo reducir la violencia de género?", "gender-violence"),
])
def test_thesaurus_terms_are_recognised_as_written(text, concept):
    assert concept in concepts_of(text)


def test_plain_words_are_alternatives_and_marked_parts_required():
    assert expand("stewards midnight") .startswith("(") and " OR midnight" in expand("stewards midnight")
    assert expand("theme:seniors country:FR") == "theme:seniors country:FR"
    assert "NOT midnight" in expand("stewards NOT midnight tilburg")
    assert "OR tilburg" in expand("stewards NOT midnight tilburg")


def test_stop_words_are_dropped_over_the_whole_query():
    searched = expand(tidy("What can a city do, and how, against the burglaries?"))
    words = set(re.findall(r"\b\w+\b", searched.replace("concepts:", "")))
    assert not words & {"what", "can", "a", "do", "and", "how", "against", "the"}
    assert {"city", "burglaries"} <= words


def test_a_query_of_stop_words_only_still_searches_them():
    assert expand("the") == "the"


def test_a_label_in_a_pasted_paragraph_is_a_word_not_a_field():
    assert expand("Objectives: reduce burglary.").startswith("(Objectives OR reduce")
    assert "stamp" in expand("stamp:x")
    assert parse("Objectives: reduce burglary.", make_schema()).fallback is False


def test_parentheses_group_only_beside_an_operator():
    assert expand(tidy("Safer nights (2019-2021) in Leeds")) == \
        "(Safer OR nights OR 2019 OR 2021 OR Leeds)"
    assert expand(tidy("(stewards OR taxistandplaats) NOT (midnight)")).count("(") >= 2


def test_field_names_are_not_plain_words():
    assert plain_words("country:DE theme:nightlife stewards") == ["stewards"]
