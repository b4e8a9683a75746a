"""Search over a real knowledge base: query syntax, languages, facets, filters, sorting, snippets.

A module-wide knowledge base holds about twenty hand-made sheets in the seven languages of the
network (and two drafts); tests that change records build their own small knowledge base.
Expected answers are written from what each sheet says, not from what the index stores.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest

from index.analysis import text_analyzer
from index.highlight import html_snippets, snippet, snippet_html
from index.searching import FEW_HITS
from kb.core.search_args import MAX_LIMIT, MAX_QUERY_LENGTH, SORTS, SearchRequest
from kb.service.knowledge_base import KnowledgeBase
from kb.core.record import RecordSchema, record_from_dict


# Factories


def budget(amount: float, currency: str = "EUR", amount_eur: float | None = None,
           funding: tuple[str, ...] = (), text: str = "") -> dict[str, Any]:
    """A budget as an importer would give it: amount_eur is the converted amount."""
    return {"amount": amount, "currency": currency,
            "amount_eur": amount if amount_eur is None else amount_eur,
            "text": text or f"{amount:,.2f} {currency}", "funding": list(funding)}


def sheet(title: str, *, language: str = "en", objectives: str = "Objectives of the initiative.",
          context: str = "Context of the initiative.", activities: str = "Activities carried out.",
          **fields: Any) -> dict[str, Any]:
    """A valid record dict, exactly as RecordSchema().dump gives it."""
    data = {"title": title, "language": language, "objectives": objectives, "context": context,
            "activities": activities, **fields}
    return RecordSchema().dump(record_from_dict(data))


# The corpus: key -> (record, status). Words that tests rely on are noted beside each sheet.

SHEETS: dict[str, tuple[dict[str, Any], str]] = {
    # "stewards" in the title, "nightlife", "mediator" (singular), "community", "midnight".
    "bristol": (sheet(
        "Night stewards in Bristol city centre", city="Bristol", country="GB",
        objectives="Reduce violence near bars and keep the streets calm after midnight.",
        context="The nightlife of the old harbour district draws large crowds on weekend nights.",
        activities="Trained stewards walk the bar streets in pairs; a community mediator calms "
                   "disputes before they escalate.",
        evaluation="Assaults fell by a fifth in two years.",
        themes=["nightlife", "mediation"], start_year=2019, end_year=2022,
        budget=budget(120_000, "GBP", 140_400.0, ("Bristol City Council",)),
        organisation="Bristol City Council", partners=["Avon and Somerset Police"],
        target_groups=["night-time visitors"]), "published"),
    # Tagged nightlife, but its text names no nightlife term in any language; "wijk".
    "tilburg": (sheet(
        "Gastheren bij de taxistandplaats", language="nl", city="Tilburg", country="NL",
        objectives="Rust en veiligheid bij de taxistandplaats in de wijk.",
        context="Lange rijen en ruzies bij de taxi's in de vroege ochtend.",
        activities="Gastheren begeleiden de rij en spreken wachtenden aan.",
        themes=["nightlife"], start_year=2021,
        budget=budget(10_000, funding=("Interreg Vlaanderen-Nederland",))), "published"),
    # "vie nocturne" in French; organisation "Ville de Nantes"; FEDER money.
    "nantes": (sheet(
        "Tranquillité de la vie nocturne à Nantes", language="fr", city="Nantes", country="FR",
        objectives="Apaiser les nuits du centre-ville et garantir la sécurité des riverains.",
        context="Les riverains se plaignent du bruit des terrasses.",
        activities="Des correspondants de nuit circulent entre les bars jusqu'à l'aube.",
        evaluation="Les plaintes pour bruit ont baissé.", organisation="Ville de Nantes",
        themes=["nightlife"], start_year=2020, budget=budget(50_000, funding=("FEDER",))),
        "published"),
    # "radicalisation", "jeune" (singular), "œuvre" with the ligature.
    "charleroi": (sheet(
        "Prévention de la radicalisation à Charleroi", language="fr", city="Charleroi",
        country="BE",
        objectives="Repérer tôt les signes de radicalisation chez une jeune personne.",
        context="Plusieurs départs vers la Syrie ont inquiété les services de sécurité.",
        activities="La mise en œuvre associe éducateurs, police et familles.",
        evaluation="Évaluation externe en 2019.", themes=["polarisation"],
        start_year=2016, end_year=2019,
        budget=budget(250_000, funding=("European Union – ISF",))), "published"),
    # "Kinder", "Straße" with ß; 9,999.99 EUR is the top of the lowest band.
    "bremen": (sheet(
        "Nachtsport für Jugendliche in Bremen", language="de", city="Bremen", country="DE",
        objectives="Sport statt Langeweile an Wochenenden.",
        context="Viele Kinder verbringen den Abend auf der Straße.",
        activities="Turnhallen öffnen Freitag und Samstag bis Mitternacht.",
        themes=["sport", "youth"], start_year=2018,
        budget=budget(9_999.99, funding=("Stadt Bremen",))), "published"),
    # "Strasse" written the Swiss way; exactly 1,000,000 EUR.
    "zurich": (sheet(
        "Sichere Strasse am Bahnhof", language="de", city="Zürich", country="CH",
        objectives="Mehr Präsenz an der Strasse vor dem Bahnhof.",
        context="Die Anwohner fühlen sich abends unsicher.",
        activities="Eine Patrouille der Stadtpolizei geht regelmässig vorbei.",
        themes=["local-police", "public-spaces"], start_year=2022,
        budget=budget(1_000_000, funding=("Kanton Zürich",))), "published"),
    # "barrio" (singular), "ocio nocturno".
    "bilbao": (sheet(
        "Puntos violeta en las fiestas de Bilbao", language="es", city="Bilbao", country="ES",
        objectives="Prevenir las agresiones sexistas en el ocio nocturno.",
        context="Cada barrio organiza sus fiestas en agosto.",
        activities="Voluntarias informan y acompañan a las mujeres agredidas.",
        evaluation="Encuesta a 800 personas.", themes=["gender-violence"], start_year=2017,
        budget=budget(49_999.99, funding=("Gobierno Vasco",))), "published"),
    # "piazza" (singular); an empty evaluation is no evaluation; no budget.
    "milano": (sheet(
        "Mediazione sociale a Barriera di Milano", language="it", city="Milano", country="IT",
        objectives="Ridurre i conflitti di vicinato nella piazza del mercato.",
        context="Il quartiere conta molte nazionalità diverse.",
        activities="Mediatori di comunità ascoltano gli abitanti.",
        evaluation="", themes=["mediation"], start_year=2015), "published"),
    # "bairro" (singular); 999,999.99 EUR is the top of the 250k-1M band.
    "porto": (sheet(
        "Mediadores municipais no Porto", language="pt", city="Porto", country="PT",
        objectives="Aproximar os serviços municipais de cada bairro.",
        context="Conflitos entre vizinhos em habitação social.",
        activities="Dez mediadores trabalham em parceria com a polícia.",
        evaluation="Relatório anual.", themes=["mediation", "partnerships"], start_year=2020,
        budget=budget(999_999.99, funding=("Câmara Municipal do Porto",))), "published"),
    # Seniors, English (1 of 3 sheets on one subject, for "similar initiatives").
    "limerick": (sheet(
        "Doorstep fraud protection for older residents", city="Limerick", country="IE",
        objectives="Protect elderly residents from doorstep fraud and bogus callers.",
        context="Older people living alone were targeted by rogue traders and bogus callers.",
        activities="Volunteers visit elderly residents, fit door chains and explain how to "
                   "check the identity of callers.",
        evaluation="Fewer repeat victims.", themes=["seniors", "victims"], start_year=2018,
        budget=budget(30_000)), "published"),
    # Seniors, English (2 of 3).
    "leeds": (sheet(
        "Bogus caller warnings for elderly residents", city="Leeds", country="GB",
        objectives="Warn elderly residents about bogus callers and doorstep fraud.",
        context="Rogue traders target older residents who live alone.",
        activities="Police and volunteers send warnings and visit elderly people at home.",
        themes=["seniors"], start_year=2021,
        budget=budget(20_000, "GBP", 23_400.0, ("Home Office",))), "published"),
    # Seniors, French (3 of 3); "Sécurité" accented.
    "lyon": (sheet(
        "Sécurité des aînés face aux escroqueries à domicile", language="fr", city="Lyon",
        country="FR",
        objectives="Protéger les personnes âgées contre les faux démarcheurs.",
        context="Des personnes âgées vivant seules sont victimes de vols par ruse.",
        activities="Des bénévoles rendent visite aux aînés et les informent.",
        evaluation="Questionnaire aux participants.", themes=["seniors", "victims"],
        start_year=2019, budget=budget(15_000, funding=("Fonds social européen",))),
        "published"),
    # "beacon" in the title (field boosts); no budget.
    "manchester": (sheet(
        "Beacon project for safer parks", city="Manchester", country="GB",
        objectives="Make parks safer for families at dusk.",
        context="Parks were avoided after dark by families.",
        activities="Wardens open the park gates and organise activities.",
        themes=["public-spaces"], start_year=2014), "published"),
    # "beacon" in the objectives; "stewards" only in the text; Erasmus+ money.
    "cardiff": (sheet(
        "Safer routes to school", city="Cardiff", country="GB",
        objectives="A beacon of safety on the routes children take.",
        context="Parents worried about traffic and harassment.",
        activities="Volunteers escort pupils; stewards guard the crossings.",
        themes=["youth"], start_year=2023, budget=budget(60_000, funding=("Erasmus+",))),
        "published"),
    # "beacon" in the context; "street lighting".
    "glasgow": (sheet(
        "Lighting the canal path", city="Glasgow", country="GB",
        objectives="Improve street lighting on the canal towpath.",
        context="Residents described the path as a dark beacon of fear.",
        activities="New lamps were installed along the towpath.",
        themes=["public-spaces"], start_year=2020), "published"),
    # Hostile text; no year, no budget; a blank evaluation is no evaluation.
    "london": (sheet(
        "Graffiti reporting app", city="London", country="GB",
        objectives="Let residents report graffiti quickly.",
        context='The old form said <script>alert(1)</script> and "><img src=x '
                'onerror=alert(1)> in its help text.',
        activities="Reports go to the cleaning team.", evaluation="   ",
        themes=["innovation"]), "published"),
    # "youth centre" as adjacent words.
    "sheffield": (sheet(
        "Open doors on Fridays", city="Sheffield", country="GB",
        objectives="Offer a warm place on Friday evenings.",
        context="Teenagers gathered in the car park.",
        activities="The youth centre stays open until eleven with sports and music.",
        themes=["youth"], start_year=2016, budget=budget(5_000, "GBP", 5_850.0)), "published"),
    # "youth" and "centre", not adjacent.
    "york": (sheet(
        "Street football league", city="York", country="GB",
        objectives="Youth work in the town centre through weekly football.",
        context="Few activities existed for young people.",
        activities="Coaches run matches in the square.",
        themes=["sport", "youth"], start_year=2016), "published"),
    # "securite" and "oeuvre" typed without accents or ligature.
    "grenoble": (sheet(
        "Diagnostic de securite du quartier Mistral", language="fr", city="Grenoble",
        country="FR",
        objectives="Etablir un etat des lieux partage de la securite.",
        context="Un quartier ou les habitants se sentent delaisses.",
        activities="Marches et ateliers avec les habitants; mise en oeuvre d'un plan d'action.",
        themes=["partnerships"], start_year=2012, budget=budget(75_000, funding=("Etat FIPD",))),
        "published"),
    # "carteristas": found from the English "pickpocketing".
    "barcelona": (sheet(
        "Alerta contra carteristas en el metro", language="es", city="Barcelona", country="ES",
        objectives="Reducir los hurtos a turistas en el transporte.",
        context="Los carteristas actúan en las estaciones más concurridas.",
        activities="Agentes de paisano y avisos sonoros en los andenes.",
        evaluation="Las denuncias bajaron un 15 %.", themes=["organised-crime"],
        start_year=2019, budget=budget(300_000, funding=("Ajuntament de Barcelona",))),
        "published"),
    # Drafts: hidden from the public; one nearly copies the Lyon sheet.
    "draft_en": (sheet(
        "Zeppelin watch over the harbour", city="Bristol", country="GB",
        objectives="Draft: a zeppelin watch over the nightlife district.",
        themes=["nightlife"], start_year=2024, budget=budget(5_000)), "draft"),
    "draft_fr": (sheet(
        "Brouillon zeppelin pour les aînés", language="fr", city="Lyon", country="FR",
        objectives="Protéger les personnes âgées contre les faux démarcheurs.",
        context="Des personnes âgées vivant seules sont victimes de vols par ruse.",
        activities="Des bénévoles rendent visite aux aînés et les informent.",
        themes=["seniors", "victims"], start_year=2024, budget=budget(15_000)), "draft"),
}

PUBLISHED = {key for key, (_, status) in SHEETS.items() if status == "published"}
DRAFTS = {key for key, (_, status) in SHEETS.items() if status == "draft"}
GB = {key for key in PUBLISHED if SHEETS[key][0]["country"] == "GB"}


def record(key: str) -> dict[str, Any]:
    return SHEETS[key][0]


def eur(key: str) -> float | None:
    return (record(key).get("budget") or {}).get("amount_eur")


# Fixtures and helpers


@dataclass
class Corpus:
    kb: KnowledgeBase
    ids: dict[str, str]                # key -> record id

    def __post_init__(self) -> None:
        self.keys = {record_id: key for key, record_id in self.ids.items()}

    def search(self, q: str = "", **options: Any) -> dict[str, Any]:
        options.setdefault("limit", MAX_LIMIT)
        # Snippets as the pages and the API show them: HTML.
        found = self.kb.search(SearchRequest(q=q, **options))
        return {**found, "hits": html_snippets(found["hits"])}

    def found(self, q: str = "", **options: Any) -> set[str]:
        return set(self.ordered(q, **options))

    def ordered(self, q: str = "", **options: Any) -> list[str]:
        return [self.keys[hit["id"]] for hit in self.search(q, **options)["hits"]]

    def hit(self, q: str, key: str, **options: Any) -> dict[str, Any]:
        [found] = [h for h in self.search(q, **options)["hits"] if h["id"] == self.ids[key]]
        return found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    kb = KnowledgeBase(tmp_path_factory.mktemp("search") / "kb")
    ids = {key: kb.save(rec, status).id for key, (rec, status) in SHEETS.items()}
    assert len(set(ids.values())) == len(SHEETS)
    yield Corpus(kb, ids)
    kb.close()


@pytest.fixture
def kb(tmp_path) -> KnowledgeBase:
    with KnowledgeBase(tmp_path / "kb") as knowledge_base:
        yield knowledge_base


def facet(result: dict[str, Any], name: str) -> dict[str, dict[str, Any]]:
    return {bucket["value"]: bucket for bucket in result["facets"][name]}


def counts(result: dict[str, Any], name: str) -> dict[str, int]:
    return {value: bucket["count"] for value, bucket in facet(result, name).items()}


def expected_counts(keys: set[str], name: str) -> dict[str, int]:
    """What a facet should count over these sheets, worked out from the records themselves."""
    counter: Counter = Counter()
    for key in keys:
        rec = record(key)
        if name == "themes":
            counter.update(rec["themes"])
        elif name == "start_year":
            if rec["start_year"] is not None:
                counter[str(rec["start_year"])] += 1
        else:
            value = {"country": rec["country"], "city": rec["city"],
                     "language": rec["language"]}[name]
            counter[value] += 1
    return dict(counter)


def test_the_module_knowledge_base_is_consistent(corpus):
    assert corpus.kb.check().consistent


# Query syntax


@pytest.mark.parametrize("query, expected", [
    # Plain words: any may match, in any field of the sheet's text (ranking: see below).
    ("stewards", {"bristol", "cardiff"}),
    ("stewards midnight", {"bristol", "cardiff"}),
    ("stewards taxistandplaats", {"bristol", "cardiff", "tilburg"}),
    ("stewards AND midnight", {"bristol"}),       # AND requires both
    ("stewards AND taxistandplaats", set()),      # each word is in a different sheet
    # Phrases: adjacent words only.
    ('"youth centre"', {"sheffield"}),
    ("youth AND centre", {"sheffield", "york"}),
    ('"centre youth"', set()),
    # A phrase never spans two sections (the title ends "parks", the objectives begin "Make").
    ('"safer parks make"', set()),
    ('"safer parks"', {"manchester"}),
    # Operators and parentheses.
    ("stewards OR taxistandplaats", {"bristol", "cardiff", "tilburg"}),
    ("stewards NOT midnight", {"cardiff"}),
    ("(stewards OR taxistandplaats) AND tilburg", {"tilburg"}),
    ("(stewards OR taxistandplaats) NOT (midnight OR tilburg)", {"cardiff"}),
    # Fields.
    ("title:stewards", {"bristol"}),
    ("title:beacon", {"manchester"}),
    ("city:tilburg", {"tilburg"}),
    ("city:Bristol", {"bristol"}),
    ("country:DE", {"bremen"}),
    ("country:de", {"bremen"}),
    ("country:germany", {"bremen"}),
    ("country:allemagne", {"bremen"}),
    ("country:Deutschland", {"bremen"}),
    ("country:suisse", {"zurich"}),
    ("country:GB", GB),
    ("country:royaume", GB),                       # Royaume-Uni
    ("theme:seniors", {"limerick", "leeds", "lyon"}),
    ("theme:public-spaces", {"manchester", "glasgow", "zurich"}),
    ("theme:nightlife", {"bristol", "tilburg", "nantes"}),
    ("language:fr", {"nantes", "charleroi", "lyon", "grenoble"}),
    ("language:pt", {"porto"}),
    ("org:nantes", {"nantes"}),
    ('org:"city council"', {"bristol"}),
    ("organisation:bristol", {"bristol"}),
    ("partner:somerset", {"bristol"}),
    ("theme:seniors country:FR", {"lyon"}),
    ("theme:seniors NOT country:FR", {"limerick", "leeds"}),
    # Prefixes of three letters or more.
    ("stewar*", {"bristol", "cardiff"}),
    ("taxist*", {"tilburg"}),
    ("towp*", {"glasgow"}),
    ("communit*", {"bristol"}),                    # "community" in the Bristol sheet
    ("activit*", {"manchester", "york"}),          # "activities"
    ("identit*", {"limerick"}),                    # "identity"
    # Short prefixes are searched as words, not expanded to half the vocabulary.
    ("st*", set()),
    ("b*", set()),
])
def test_query_syntax(corpus, query, expected):
    assert corpus.found(query) == expected


@pytest.mark.parametrize("query", ["a*", "co*", "re*"])
def test_short_prefix_is_the_plain_word(corpus, query):
    as_prefix = corpus.search(query)
    as_word = corpus.search(query.rstrip("*"))
    assert as_prefix["total"] == as_word["total"] < len(PUBLISHED)
    assert as_prefix["query_fallback"] is False


def test_words_are_case_insensitive(corpus):
    assert corpus.ordered("STEWARDS Midnight") == corpus.ordered("stewards midnight")
    assert corpus.found("STEWARDS AND Midnight") == {"bristol"}


def test_sheets_matching_more_of_the_words_rank_first(corpus):
    # Bristol's stewards work at midnight; Cardiff has stewards only.
    assert corpus.ordered("stewards midnight") == ["bristol", "cardiff"]
    assert corpus.ordered("midnight stewards") == ["bristol", "cardiff"]


def test_a_word_no_sheet_uses_does_not_empty_the_results(corpus):
    assert corpus.found("stewards xylophone") == corpus.found("stewards")


def test_plain_words_beside_a_filter_or_not_stay_alternatives(corpus):
    # The filter and the NOT are required; the plain words around them rank.
    assert corpus.found("stewards NOT midnight taxistandplaats") == {"cardiff", "tilburg"}
    assert corpus.found("theme:nightlife stewards midnight") <= corpus.found("theme:nightlife")
    assert "bristol" in corpus.found("theme:nightlife stewards midnight")


def test_common_words_of_the_query_language_do_not_empty_the_results(corpus):
    """Stop words ("the", "la", "de") carry no meaning in any language and must not exclude.

    "the" is dropped from English sheets' index, so requiring it in the other languages'
    fields leaves no sheet at all.
    """
    assert corpus.found("the nightlife") == corpus.found("nightlife")
    assert "bristol" in corpus.found("the nightlife")
    assert "charleroi" in corpus.found("la radicalisation")
    assert "lyon" in corpus.found("la sécurité des aînés")


# Malformed queries


MALFORMED = [
    '"night stewards',
    'stewards"',
    '(stewards OR taxistandplaats',
    'stewards)',
    '((((',
    '))))',
    '"',
    '""',
    'AND',
    'OR',
    'NOT',
    'NOT NOT',
    'AND OR NOT',
    'stewards AND',
    'OR stewards',
    'stewards AND OR midnight',
    '*',
    '**',
    '*stewards',
    'title:',
    'title:"unclosed',
    'theme:',
    ':',
    'a:b:c',
    'unknownfield:stewards',
    'stewards^',
    'stewards^abc',
    '[a TO',
    '[a TO z]',
    '{',
    'stewards~',
    '+stewards -midnight',
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "\x00\x01\x02",
    "\ufffd\ufeff\u200b\u202e",
    "💥🔥 𝕏𝕪𝕫 ̷̧͔",
    "رمز 漢字 Ελληνικά",
    "stewards " * 600,
    "x" * 5000,
    ("night (" * 800)[:5000],
]


@pytest.mark.parametrize("query", MALFORMED, ids=lambda q: repr(q[:30]))
def test_malformed_queries_answer_without_error(corpus, query):
    result = corpus.search(query)
    assert isinstance(result["query_fallback"], bool)
    assert isinstance(result["total"], int) and 0 <= result["total"] <= len(PUBLISHED)
    assert len(result["hits"]) == min(result["total"], MAX_LIMIT)
    assert {corpus.keys[hit["id"]] for hit in result["hits"]} <= PUBLISHED
    json.dumps(result)


@pytest.mark.parametrize("query, same_as", [
    ('"night stewards', "night stewards"),
    ("(stewards OR taxistandplaats", "stewards OR taxistandplaats"),
    ("stewards)", "stewards"),
    ("stewards AND", "stewards"),
    ("OR stewards", "stewards"),
    ("stewards AND OR midnight", "stewards OR midnight"),
    ("stewards " * 600, "stewards"),
    ("*", ""),
    ("**", ""),
], ids=lambda value: repr(value[:30]))
def test_malformed_queries_search_what_was_meant(corpus, query, same_as):
    assert corpus.found(query) == corpus.found(same_as)


def test_lone_operator_falls_back_without_listing_everything(corpus):
    result = corpus.search("AND")
    assert result["query_fallback"] is True
    assert result["total"] < len(PUBLISHED)


def test_markup_in_a_query_is_searched_as_words(corpus):
    # The London sheet quotes the markup: it is the best match.
    assert corpus.ordered("<script>alert(1)</script>")[0] == "london"
    assert corpus.ordered('"><img src=x onerror=alert(1)>')[0] == "london"


def test_query_is_cut_to_its_first_500_characters(corpus):
    # 9 + 70 * 7 + 1 = 500 characters before "midnight": it and what follows are left out.
    query = "stewards " + "nights " * 70 + " midnight taxistandplaats"
    assert "tilburg" in corpus.found("stewards nights midnight taxistandplaats")
    assert corpus.ordered(query) == corpus.ordered("stewards nights")
    assert "tilburg" not in corpus.found(query)


# Languages: accents, stemming, thesaurus


@pytest.mark.parametrize("query, expected", [
    ("securite", {"lyon", "grenoble", "nantes", "charleroi"}),
    ("sécurité", {"lyon", "grenoble", "nantes", "charleroi"}),
    ("SÉCURITÉ", {"lyon", "grenoble", "nantes", "charleroi"}),
    ("strasse", {"bremen", "zurich"}),
    ("straße", {"bremen", "zurich"}),
    ("oeuvre", {"charleroi", "grenoble"}),
    ("œuvre", {"charleroi", "grenoble"}),
    ("zurich", {"zurich"}),
    ("Zürich", {"zurich"}),
    ("tranquillite", {"nantes"}),
])
def test_accents_and_ligatures_fold_both_ways(corpus, query, expected):
    assert corpus.found(query) == expected


@pytest.mark.parametrize("language, query, key", [
    ("en", "mediators", "bristol"),     # the sheet says "mediator"
    ("fr", "jeunes", "charleroi"),      # "jeune"
    ("es", "barrios", "bilbao"),        # "barrio"
    ("it", "piazze", "milano"),         # "piazza"
    ("de", "Kindern", "bremen"),        # "Kinder"
    ("pt", "bairros", "porto"),         # "bairro"
    ("nl", "wijken", "tilburg"),        # "wijk"
])
def test_stemming_in_the_sheet_language(corpus, language, query, key):
    assert record(key)["language"] == language
    assert query.lower() not in record(key)["objectives"].lower() + record(key)["context"].lower()
    assert key in corpus.found(query)


def test_title_ranks_above_objectives_above_context(corpus):
    assert corpus.ordered("beacon") == ["manchester", "cardiff", "glasgow"]
    scores = [hit["score"] for hit in corpus.search("beacon")["hits"]]
    assert scores[0] > scores[1] > scores[2] > 0


@pytest.mark.parametrize("query, expected", [
    # French query, English sheet saying "nightlife", Dutch sheet only tagged nightlife,
    # Spanish sheet saying "ocio nocturno", and the French sheet itself.
    ("vie nocturne", {"bristol", "tilburg", "bilbao", "nantes"}),
    ("nightlife", {"bristol", "tilburg", "bilbao", "nantes"}),
    ("radicalización", {"charleroi"}),
    ("Radikalisierung", {"charleroi"}),
    ("pickpocketing", {"barcelona"}),
    ("alumbrado público", {"glasgow"}),
    ("personas mayores", {"limerick", "leeds", "lyon"}),
])
def test_thesaurus_finds_sheets_in_other_languages(corpus, query, expected):
    # Any word may match ("mayores" alone), but the sheets on the concept come first.
    ranked = corpus.ordered(query)
    assert set(ranked[:len(expected)]) == expected


def test_thesaurus_expansion_ranks_with_the_other_words(corpus):
    # Of the sheets on nightlife, the one in the place typed ranks above the others that use
    # the concept's words as much (Tilburg's sheet has only its theme: it is found, lower).
    ranked = corpus.ordered("vie nocturne bristol")
    assert ranked.index("bristol") < min(ranked.index("bilbao"), ranked.index("tilburg"))
    assert "tilburg" in corpus.found("vie nocturne tilburg")
    assert corpus.found("vie nocturne AND tilburg") == {"tilburg"}



# Facets


FACET_ORACLE = ("themes", "country", "city", "language", "start_year")


@pytest.mark.parametrize("name", FACET_ORACLE)
def test_facet_counts_over_all_published_sheets(corpus, name):
    result = corpus.search()
    assert counts(result, name) == expected_counts(PUBLISHED, name)
    assert all(bucket["selected"] is False for bucket in result["facets"][name])


def test_facet_counts_follow_the_query(corpus):
    result = corpus.search("vie nocturne")
    assert counts(result, "country") == {"GB": 1, "NL": 1, "ES": 1, "FR": 1}
    assert counts(result, "themes") == {"nightlife": 3, "mediation": 1, "gender-violence": 1}


def test_most_frequent_values_come_first_and_years_newest_first(corpus):
    result = corpus.search()
    countries = [bucket["count"] for bucket in result["facets"]["country"]]
    assert countries == sorted(countries, reverse=True)
    assert result["facets"]["country"][0]["value"] == "GB"
    years = [bucket["value"] for bucket in result["facets"]["start_year"]]
    assert years == sorted(years, reverse=True)


def test_facet_labels(corpus):
    result = corpus.search()
    assert facet(result, "country")["DE"]["label"] == "Germany"
    assert facet(result, "themes")["seniors"]["label"] == "Seniors' safety"


def test_two_themes_select_their_union(corpus):
    result = corpus.search(selections={"themes": {"seniors", "sport"}})
    assert {corpus.keys[h["id"]] for h in result["hits"]} == {
        "limerick", "leeds", "lyon", "bremen", "york"}
    assert result["total"] == 5


def test_theme_and_country_select_their_intersection(corpus):
    assert corpus.found(selections={"themes": {"seniors"}, "country": {"FR"}}) == {"lyon"}
    assert corpus.found(selections={"themes": {"seniors", "nightlife"},
                                    "country": {"FR", "NL"}}) == {"lyon", "nantes", "tilburg"}


def test_a_facet_is_counted_without_its_own_selection(corpus):
    result = corpus.search(selections={"country": {"FR"}})
    french = {key for key in PUBLISHED if record(key)["country"] == "FR"}
    assert {corpus.keys[h["id"]] for h in result["hits"]} == french
    # The country facet still offers the other countries, with what they would add.
    assert counts(result, "country") == expected_counts(PUBLISHED, "country")
    assert facet(result, "country")["FR"]["selected"] is True
    assert facet(result, "country")["GB"]["selected"] is False
    # The other facets count only the French sheets.
    assert counts(result, "themes") == expected_counts(french, "themes")
    assert counts(result, "language") == {"fr": 3}


def test_each_facet_excludes_only_its_own_selection(corpus):
    result = corpus.search(selections={"country": {"GB"}, "themes": {"youth"}})
    youth = {key for key in PUBLISHED if "youth" in record(key)["themes"]}
    assert {corpus.keys[h["id"]] for h in result["hits"]} == youth & GB
    assert counts(result, "country") == expected_counts(youth, "country")
    assert counts(result, "themes") == expected_counts(GB, "themes")
    assert counts(result, "city") == expected_counts(youth & GB, "city")


def test_selected_values_stay_listed_with_count_zero(corpus):
    result = corpus.search("taxistandplaats", selections={"country": {"FR"}})
    assert result["total"] == 0 and result["hits"] == []
    assert facet(result, "country") == {
        "FR": {"value": "FR", "count": 0, "selected": True, "label": "France"},
        "NL": {"value": "NL", "count": 1, "selected": False, "label": "Netherlands"}}
    assert counts(result, "themes") == {}
    result = corpus.search("taxistandplaats", selections={"budget_band": {">1M"},
                                                         "themes": {"drugs"}})
    assert result["total"] == 0
    assert [(b["value"], b["count"], b["selected"]) for b in result["facets"]["budget_band"]] == [
        (">1M", 0, True)]
    assert (facet(result, "themes")["drugs"]["count"],
            facet(result, "themes")["drugs"]["selected"]) == (0, True)
    # Themes are counted without their own selection, but within the >1M band: none there.
    assert counts(result, "themes") == {"drugs": 0}
    assert counts(corpus.search("taxistandplaats", selections={"budget_band": {">1M"}}),
                  "budget_band") == {"10k-50k": 1, ">1M": 0}


def test_facet_limit_keeps_selected_values(corpus):
    result = corpus.search(selections={"city": {"York"}}, facet_limit=2)
    cities = [bucket["value"] for bucket in result["facets"]["city"]]
    assert len(cities) == 3 and cities[-1] == "York"


def test_start_year_facet_and_selection(corpus):
    result = corpus.search(selections={"start_year": {"2019", "2016"}})
    expected = {k for k in PUBLISHED if record(k)["start_year"] in (2019, 2016)}
    assert {corpus.keys[h["id"]] for h in result["hits"]} == expected
    assert counts(result, "start_year")["2019"] == 3
    assert counts(result, "start_year")["2016"] == 3
    assert counts(result, "start_year")["2020"] == 3


def test_budget_band_counts_in_fixed_order(corpus):
    result = corpus.search()
    assert [(b["value"], b["count"]) for b in result["facets"]["budget_band"]] == [
        ("<10k", 2), ("10k-50k", 5), ("50k-250k", 4), ("250k-1M", 3), (">1M", 1), ("none", 5)]


@pytest.mark.parametrize("band, expected", [
    ("<10k", {"bremen", "sheffield"}),                              # 9,999.99 and 5,850
    ("10k-50k", {"tilburg", "bilbao", "limerick", "leeds", "lyon"}),  # 10,000 ... 49,999.99
    ("50k-250k", {"nantes", "bristol", "cardiff", "grenoble"}),     # 50,000 ... 140,400
    ("250k-1M", {"charleroi", "porto", "barcelona"}),               # 250,000 ... 999,999.99
    (">1M", {"zurich"}),                                            # exactly 1,000,000
    ("none", {"milano", "manchester", "glasgow", "london", "york"}),
])
def test_budget_band_boundaries(corpus, band, expected):
    assert corpus.found(selections={"budget_band": {band}}) == expected


def test_evaluated_facet(corpus):
    result = corpus.search()
    evaluated = {"bristol", "nantes", "charleroi", "bilbao", "porto", "limerick", "lyon",
                 "barcelona"}
    assert [(b["value"], b["count"]) for b in result["facets"]["evaluated"]] == [
        ("yes", len(evaluated)), ("no", len(PUBLISHED) - len(evaluated))]
    assert corpus.found(selections={"evaluated": {"yes"}}) == evaluated
    # An empty or blank evaluation is no evaluation.
    assert {"milano", "london"} <= corpus.found(selections={"evaluated": {"no"}})


def test_eu_funded_facet(corpus):
    result = corpus.search()
    # Interreg, FEDER, European Union – ISF, Fonds social européen, Erasmus+.
    eu = {"tilburg", "nantes", "charleroi", "lyon", "cardiff"}
    assert [(b["value"], b["count"]) for b in result["facets"]["eu_funded"]] == [
        ("yes", len(eu)), ("no", len(PUBLISHED) - len(eu))]
    assert corpus.found(selections={"eu_funded": {"yes"}}) == eu
    assert corpus.found(selections={"eu_funded": {"no"}}) == PUBLISHED - eu


def test_facets_can_be_left_out(corpus):
    result = corpus.search("stewards", facets=False)
    assert result["facets"] == {}
    assert result["total"] == 2


# Filters


@pytest.mark.parametrize("low, high, expected", [
    (140_400, 140_400, {"bristol"}),                 # 120,000 GBP, inclusive at both ends
    (120_000, 130_000, set()),                       # the amount in GBP is not compared
    (10_000, 50_000, {"tilburg", "bilbao", "nantes", "limerick", "leeds", "lyon"}),
    (None, 9_999.99, {"bremen", "sheffield"}),
    (1_000_000, None, {"zurich"}),
    (0, None, {k for k in PUBLISHED if eur(k) is not None}),
])
def test_budget_filter_in_euros(corpus, low, high, expected):
    assert corpus.found(budget_min=low, budget_max=high) == expected


def test_budget_filter_excludes_sheets_without_budget(corpus):
    found = corpus.found(budget_min=0)
    assert "milano" not in found and "london" not in found
    assert len(found) == len(PUBLISHED) - 5


@pytest.mark.parametrize("low, high, expected", [
    (2019, 2020, {"bristol", "lyon", "barcelona", "nantes", "porto", "glasgow"}),
    (2022, None, {"zurich", "cardiff"}),
    (None, 2014, {"grenoble", "manchester"}),
    (2012, 2012, {"grenoble"}),
    (2030, None, set()),
])
def test_year_filter_on_start_year(corpus, low, high, expected):
    assert corpus.found(year_from=low, year_to=high) == expected


def test_year_filter_excludes_sheets_without_year(corpus):
    assert "london" not in corpus.found(year_from=1900)
    assert len(corpus.found(year_from=1900)) == len(PUBLISHED) - 1


def test_filters_combine_with_query_and_facets(corpus):
    assert corpus.found("vie nocturne", year_from=2020, budget_max=100_000,
                        selections={"eu_funded": {"yes"}}) == {"tilburg", "nantes"}


def test_drafts_are_hidden_by_default(corpus):
    assert corpus.found("zeppelin") == set()
    assert corpus.found("zeppelin", status="draft") == DRAFTS
    assert corpus.found("zeppelin", status=None) == DRAFTS
    assert corpus.search()["total"] == len(PUBLISHED)
    assert corpus.found(status="draft") == DRAFTS
    assert corpus.found(status=None) == PUBLISHED | DRAFTS


def test_drafts_are_left_out_of_facet_counts(corpus):
    result = corpus.search(selections={"themes": {"seniors"}})
    assert facet(result, "themes")["seniors"]["count"] == 3
    assert "2024" not in counts(result, "start_year")
    everything = corpus.search(status=None)
    assert counts(everything, "start_year")["2024"] == 2


# Listing, sorting, pagination


def test_empty_query_lists_every_published_sheet(corpus):
    result = corpus.search()
    assert result["total"] == len(PUBLISHED)
    assert {corpus.keys[h["id"]] for h in result["hits"]} == PUBLISHED
    assert result["suggestion"] is None and result["query_fallback"] is False
    assert all(h["score"] is None for h in result["hits"])


def test_sorts_are_the_documented_ones():
    assert set(SORTS) >= {"relevance", "newest", "oldest", "budget_asc", "budget_desc", "title"}


def years_of(keys: list[str]) -> list[int | None]:
    return [record(key)["start_year"] for key in keys]


def test_sort_newest_and_oldest_put_undated_sheets_last(corpus):
    newest = corpus.ordered(sort="newest")
    years = years_of(newest)
    assert years[-1] is None and None not in years[:-1]
    assert years[:-1] == sorted(years[:-1], reverse=True)
    oldest = corpus.ordered(sort="oldest")
    years = years_of(oldest)
    assert years[-1] is None and years[:-1] == sorted(years[:-1])
    assert oldest[0] == "grenoble" and newest[0] == "cardiff"


def test_relevance_without_words_is_newest_first(corpus):
    assert years_of(corpus.ordered(sort="relevance")) == years_of(
        corpus.ordered(sort="newest"))


@pytest.mark.parametrize("sort", ["budget_asc", "budget_desc"])
def test_budget_sorts_put_sheets_without_budget_last(corpus, sort):
    keys = corpus.ordered(sort=sort)
    amounts = [eur(key) for key in keys]
    known = [a for a in amounts if a is not None]
    assert amounts == known + [None] * 5
    assert known == sorted(known, reverse=(sort == "budget_desc"))
    assert keys[0] == ("zurich" if sort == "budget_desc" else "sheffield")


def test_sort_by_title(corpus):
    titles = [record(key)["title"] for key in corpus.ordered(sort="title")]
    assert titles == sorted(titles, key=str.casefold)


def test_sort_applies_to_a_query(corpus):
    assert corpus.ordered("vie nocturne", sort="oldest") == ["bilbao", "bristol", "nantes",
                                                            "tilburg"]
    assert corpus.ordered("vie nocturne", sort="budget_desc") == ["bristol", "nantes",
                                                                 "bilbao", "tilburg"]


def test_relevance_scores_descend(corpus):
    scores = [hit["score"] for hit in corpus.search("vie nocturne")["hits"]]
    assert len(scores) == 4 and all(s > 0 for s in scores)
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("q, sort", [("", "title"), ("", "newest"), ("", "budget_desc"),
                                     ("mediators OR residents OR nuit", "relevance")])
def test_pages_continue_without_overlap(corpus, q, sort):
    everything = corpus.ordered(q, sort=sort)
    assert len(everything) > 5
    pages = []
    page = 1
    while True:
        result = corpus.search(q, sort=sort, page=page, limit=3)
        assert result["total"] == len(everything) and result["page"] == page
        if not result["hits"]:
            break
        pages.append([corpus.keys[h["id"]] for h in result["hits"]])
        page += 1
    flat = [key for chunk in pages for key in chunk]
    assert flat == everything
    assert len(flat) == len(set(flat))
    assert all(len(chunk) == 3 for chunk in pages[:-1])


def test_page_past_the_end_is_empty_with_the_total(corpus):
    result = corpus.search("stewards", page=50, limit=10)
    assert result["hits"] == [] and result["total"] == 2


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """More sheets than one page may hold."""
    kb = KnowledgeBase(tmp_path_factory.mktemp("crowded") / "kb")
    for number in range(MAX_LIMIT + 5):
        kb.save(sheet(f"Neighbourhood patrol number {number:03d}", city=f"Town {number}",
                      start_year=2000 + number % 20), sync=False)
    kb.sync_index()
    yield kb
    kb.close()


def test_limit_is_capped(crowded):
    result = crowded.search(SearchRequest(q="patrol", limit=10_000))
    assert result["total"] == MAX_LIMIT + 5
    assert len(result["hits"]) == MAX_LIMIT
    result = crowded.search(SearchRequest(limit=10_000, sort="title"))
    assert len(result["hits"]) == MAX_LIMIT
    assert result["hits"][0]["title"] == "Neighbourhood patrol number 000"


def test_capped_limit_is_the_limit_reported(crowded):
    """A client pages with the limit the answer reports: it must be the one applied."""
    first = crowded.search(SearchRequest(limit=10_000, sort="title"))
    assert first["limit"] == MAX_LIMIT
    second = crowded.search(SearchRequest(limit=10_000, sort="title", page=2))
    assert len(first["hits"]) + len(second["hits"]) == first["total"]


@pytest.mark.parametrize("limit, page, count", [(0, 1, 1), (-5, 1, 1), (3, 0, 3), (3, -2, 3)])
def test_nonsense_paging_is_clamped(corpus, limit, page, count):
    result = corpus.search("", sort="title", limit=limit, page=page)
    assert len(result["hits"]) == count
    assert corpus.keys[result["hits"][0]["id"]] == corpus.ordered(sort="title")[0]


# Snippets


TAG = re.compile(r"<[^>]*>")


def only_mark_tags(snippet: str) -> bool:
    return all(re.fullmatch(r'<mark class="[\w ]+">|</mark>', tag) for tag in TAG.findall(snippet))


def marked(snippet: str) -> list[str]:
    return [word.lower() for word in re.findall(r"<mark[^>]*>(.*?)</mark>", snippet)]


def test_snippet_marks_matched_words(corpus):
    snippet = corpus.hit("stewards", "bristol")["snippet"]
    assert "stewards" in marked(snippet)
    assert only_mark_tags(snippet)


def test_snippet_marks_stemmed_forms(corpus):
    snippet = corpus.hit("mediators", "bristol")["snippet"]
    assert marked(snippet) == ["mediator"]


def test_snippet_marks_the_words_a_translation_found(corpus):
    assert "nightlife" in marked(corpus.hit("vie nocturne", "bristol")["snippet"])
    assert "carteristas" in marked(corpus.hit("pickpocketing", "barcelona")["snippet"])


def test_snippet_of_a_field_query(corpus):
    assert "stewards" in marked(corpus.hit("title:stewards", "bristol")["snippet"])


@pytest.mark.parametrize("query, shows_hostile_text", [
    ("alert", True), ("onerror", True), ("script", True), ("img src", True), ("title:app", True),
    ("", True), ("graffiti", False), ("cleaning", False)])
def test_snippets_escape_hostile_text(corpus, query, shows_hostile_text):
    snippet = corpus.hit(query, "london")["snippet"]
    lowered = snippet.lower()
    assert "<script" not in lowered and "<img" not in lowered
    assert only_mark_tags(snippet)
    # The snippet comes from the first section with a match; where that section holds the
    # hostile text, it is there escaped.
    assert ("&lt;script&gt;" in snippet or "&lt;img" in snippet) == shows_hostile_text


def test_snippet_marks_a_word_inside_hostile_text(corpus):
    snippet = corpus.hit("alert", "london")["snippet"]
    assert "&lt;script&gt;<mark" in snippet
    assert marked(snippet) == ["alert", "alert"]


def test_snippet_without_a_match_is_the_beginning_of_the_text(corpus):
    for query in ("", "title:app"):
        snippet = corpus.hit(query, "london")["snippet"]
        assert snippet.startswith("Let residents report graffiti quickly.")
        assert "<mark" not in snippet
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in snippet


def test_snippets_are_short(corpus):
    for hit in corpus.search("")["hits"] + corpus.search("residents")["hits"]:
        text = re.sub(r"<[^>]+>", "", hit["snippet"])
        assert 0 < len(text) <= 2 * 240 + 10, hit["title"]


# Spelling correction


@pytest.mark.parametrize("typo, corrected", [
    ("nigthlife", "nightlife"),
    ("radicalisaton", "radicalisation"),
    ("carterstas", "carteristas"),
])
def test_a_misspelled_word_is_corrected_and_said(corpus, typo, corrected):
    result = corpus.search(typo)
    assert result["corrected_query"] == corrected and result["suggestion"] is None
    assert result["total"] > 0
    assert corpus.ordered(typo) == corpus.ordered(corrected)


def test_verbatim_searches_the_words_as_typed_and_suggests(corpus):
    result = corpus.search("nigthlife", verbatim=True)
    assert result["total"] == 0 and result["corrected_query"] is None
    assert result["suggestion"] == "nightlife"


def test_correction_keeps_the_correct_words_and_the_syntax(corpus):
    result = corpus.search("stewards midnigt")
    assert result["corrected_query"] == "stewards midnight"
    assert corpus.ordered("stewards midnigt") == corpus.ordered("stewards midnight")
    result = corpus.search("stewards AND midnigt")
    assert result["corrected_query"] == "stewards AND midnight"
    assert corpus.found("stewards AND midnigt") == {"bristol"}
    assert corpus.search("theme:nightlife nigthlife")["corrected_query"] == \
        "theme:nightlife nightlife"


def test_a_long_pasted_text_is_not_corrected(corpus):
    # Its rare words are mostly names; its other words find the sheets.
    text = "stewards midnight patrols in the city centre with Zorblatt volunteers every weekend"
    result = corpus.search(text)
    assert result["total"] >= FEW_HITS
    assert result["corrected_query"] is None


@pytest.mark.parametrize("query", ["stewards", "taxistandplaats", "nightlife", "radicalisation",
                                   "Zürich", ""])
def test_correct_query_gets_no_suggestion(corpus, query):
    result = corpus.search(query)
    assert result["suggestion"] is None and result["corrected_query"] is None


# Similar initiatives


def similar_keys(corpus: Corpus, key: str, limit: int = 5) -> list[str]:
    return [corpus.keys[item["id"]] for item in corpus.kb.similar(corpus.ids[key], limit)]


def test_similar_prefers_sheets_on_the_same_subject(corpus):
    found = similar_keys(corpus, "limerick")
    assert set(found[:2]) == {"leeds", "lyon"}
    found = similar_keys(corpus, "leeds")
    assert set(found[:2]) == {"limerick", "lyon"}


def test_similar_works_across_languages_through_themes(corpus):
    found = similar_keys(corpus, "lyon")
    assert set(found[:2]) == {"limerick", "leeds"}


def test_similar_leaves_out_the_sheet_itself_and_drafts(corpus):
    for key in ("lyon", "limerick", "bristol", "milano"):
        found = similar_keys(corpus, key, limit=20)
        assert key not in found
        assert not set(found) & DRAFTS
        assert set(found) <= PUBLISHED


def test_similar_answers_hits(corpus):
    [first] = html_snippets(corpus.kb.similar(corpus.ids["limerick"], 1))
    assert first["status"] == "published" and first["score"] > 0
    assert first["snippet"] and "<mark" not in first["snippet"]


# Changing records


def test_deleted_sheet_leaves_results_and_facets(kb):
    a = kb.save(sheet("Bike marking against theft", country="NL", themes=["innovation"],
                      objectives="Mark bicycles so that stolen ones are returned."))
    b = kb.save(sheet("Bike parking guards", country="BE", themes=["public-spaces"],
                      objectives="Guarded bicycles parking at the station."))
    before = kb.search(SearchRequest(q="bicycles"))
    assert before["total"] == 2
    kb.delete(a.id)
    after = kb.search(SearchRequest(q="bicycles"))
    assert after["total"] == 1
    assert [h["id"] for h in after["hits"]] == [b.id]
    assert counts(after, "country") == {"BE": 1}
    assert counts(after, "themes") == {"public-spaces": 1}
    assert counts(kb.search(SearchRequest()), "country") == {"BE": 1}
    assert kb.search(SearchRequest(q="marking"))["total"] == 0
    assert kb.check().consistent


def test_new_version_replaces_the_old_words(kb):
    first = kb.save(sheet("Pedestrian tunnel lighting", country="GB", start_year=2015,
                          objectives="Brighter lamps in the underpass."))
    kb.save(sheet("Unrelated sheet", objectives="Something else entirely."))
    assert kb.search(SearchRequest(q="underpass"))["total"] == 1
    second = kb.save(sheet("Pedestrian tunnel lighting", country="IE", start_year=2016,
                           objectives="Murals and mirrors in the subway."), record_id=first.id)
    assert second.id == first.id and second.version == 2
    assert kb.search(SearchRequest(q="underpass"))["total"] == 0
    assert [h["id"] for h in kb.search(SearchRequest(q="murals mirrors"))["hits"]] == [first.id]
    result = kb.search(SearchRequest())
    assert result["total"] == 2
    assert counts(result, "country") == {"IE": 1}
    assert counts(result, "start_year") == {"2016": 1}
    assert kb.check().consistent


def test_publishing_a_draft_shows_it(kb):
    draft = kb.save(sheet("Quiet courtyards", objectives="Planting in courtyards."), "draft")
    assert kb.search(SearchRequest(q="courtyards"))["total"] == 0
    kb.save(draft.record, "published", record_id=draft.id)
    assert [h["id"] for h in kb.search(SearchRequest(q="courtyards"))["hits"]] == [draft.id]
    assert kb.search(SearchRequest(q="courtyards", status="draft"))["total"] == 0
    assert kb.check().consistent


def test_a_long_lived_knowledge_base_sees_every_write(kb):
    """The web app keeps one KnowledgeBase: each search must see the writes made before it."""
    ids = []
    for number in range(12):
        ids.append(kb.save(sheet(f"Patrol route {number}",
                                 objectives=f"Walk the route marked {number}.",
                                 country="FR" if number % 2 else "DE")).id)
        result = kb.search(SearchRequest(q="patrol", limit=MAX_LIMIT))
        assert result["total"] == number + 1
        assert sorted(h["id"] for h in result["hits"]) == sorted(ids)
    kb.save(sheet("Patrol route 0", objectives="Cycle along the riverbank.", country="DE"),
            record_id=ids[0])
    assert kb.search(SearchRequest(q="riverbank"))["total"] == 1
    assert kb.search(SearchRequest(q="walk marked"))["total"] == 11
    kb.delete(ids[1])
    result = kb.search(SearchRequest(q="patrol", limit=MAX_LIMIT))
    assert result["total"] == 11 and len(result["hits"]) == 11
    assert counts(result, "country") == {"DE": 6, "FR": 5}
    assert kb.check().consistent


def test_search_before_anything_is_saved(kb):
    result = kb.search(SearchRequest(q="anything", selections={"country": {"FR"}}))
    assert result["total"] == 0 and result["hits"] == []
    assert facet(result, "country")["FR"]["selected"] is True
    assert kb.analyse(SearchRequest())["total"] == 0
    assert kb.check().consistent


# Analysis


def test_analyse_all_published_sheets(corpus):
    analysis = corpus.kb.analyse(SearchRequest())
    assert analysis["total"] == 20
    # 15 budgets: 5,850  9,999.99  10,000  15,000  23,400  30,000  49,999.99  50,000  60,000
    #             75,000  140,400  250,000  300,000  999,999.99  1,000,000
    assert analysis["budget"] == {"count": 15, "total": 3_019_649.97, "median": 50_000.0,
                                  "min": 5_850.0, "max": 1_000_000.0}
    # The hand computation is about the corpus above: keep them in step.
    amounts = sorted(eur(k) for k in PUBLISHED if eur(k) is not None)
    assert (len(amounts), round(sum(amounts), 2), statistics.median(amounts)) == (
        15, 3_019_649.97, 50_000.0)


def test_analyse_by_theme_and_country(corpus):
    analysis = corpus.kb.analyse(SearchRequest())
    assert analysis["budget_by_theme"]["seniors"] == {
        "count": 3, "total": 68_400.0, "median": 23_400.0, "min": 15_000.0, "max": 30_000.0}
    # Milano has no budget: the mediation theme counts Bristol and Porto only.
    assert analysis["budget_by_theme"]["mediation"] == {
        "count": 2, "total": 1_140_399.99, "median": 570_199.99, "min": 140_400.0,
        "max": 999_999.99}
    assert "innovation" not in analysis["budget_by_theme"]        # London has no budget
    assert analysis["budget_by_country"]["GB"] == {
        "count": 4, "total": 229_650.0, "median": 41_700.0, "min": 5_850.0, "max": 140_400.0}
    assert analysis["budget_by_country"]["FR"] == {
        "count": 3, "total": 140_000.0, "median": 50_000.0, "min": 15_000.0, "max": 75_000.0}
    assert "IT" not in analysis["budget_by_country"]
    assert set(analysis["budget_by_country"]) == {
        record(k)["country"] for k in PUBLISHED if eur(k) is not None}


def test_analyse_follows_query_and_selections(corpus):
    analysis = corpus.kb.analyse(SearchRequest(q="vie nocturne",
                                               selections={"eu_funded": {"yes"}}))
    assert analysis["total"] == 2
    assert analysis["budget"] == {"count": 2, "total": 60_000.0, "median": 30_000.0,
                                  "min": 10_000.0, "max": 50_000.0}
    analysis = corpus.kb.analyse(SearchRequest(selections={"country": {"IT"}}))
    assert analysis["total"] == 1
    assert analysis["budget"] == {"count": 0, "total": 0.0, "median": None, "min": None,
                                  "max": None}


def test_analyse_counts_facets(corpus):
    analysis = corpus.kb.analyse(SearchRequest())
    assert {b["value"]: b["count"] for b in analysis["facets"]["country"]} == expected_counts(
        PUBLISHED, "country")
    assert {b["value"]: b["count"] for b in analysis["facets"]["budget_band"]}["none"] == 5


def test_analyse_leaves_out_drafts(corpus):
    assert corpus.kb.analyse(SearchRequest(q="zeppelin"))["total"] == 0
    everything = corpus.kb.analyse(SearchRequest(status=None))
    assert everything["total"] == len(PUBLISHED) + len(DRAFTS)
    assert everything["budget"]["count"] == 17


@pytest.mark.parametrize("query, fallback", [
    ("night", False), ("title:night AND bus", False), ('"night bus"', False), ("secur*", False),
    ('"a b"', True)])
def test_only_unreadable_queries_fall_back(query, fallback):
    from index.query import parse
    from index.schema import make_schema
    assert parse(query, make_schema()).fallback is fallback


# Questions and pasted paragraphs


@pytest.mark.parametrize("key", sorted(PUBLISHED))
def test_a_sheets_own_pasted_paragraph_finds_it_first(corpus, key):
    record = SHEETS[key][0]
    paragraph = " ".join(filter(None, [record.get("objectives"), record.get("context"),
                                       record.get("activities")]))
    assert corpus.ordered(paragraph[:MAX_QUERY_LENGTH])[0] == key


def test_a_question_finds_the_sheets_on_its_subject(corpus):
    ranked = corpus.ordered("How do other cities calm disputes near bars after midnight?")
    assert ranked[0] == "bristol"
    ranked = corpus.ordered("Quels projets contre la radicalisation des jeunes ?")
    assert "charleroi" in ranked[:3]


def test_a_question_in_french_finds_an_english_sheet_with_no_shared_word(corpus):
    # Bristol's sheet is in English; "vie nocturne" is its nightlife in French.
    assert "bristol" in corpus.found("que faire pour la vie nocturne ?")


def test_a_narrower_concept_finds_the_sheets_of_its_broader_theme_below_its_own(corpus):
    # "médiateurs" (concept mediators) -> theme mediation, derived from the theme wording.
    ranked = corpus.ordered("médiateurs")
    tagged = {key for key in PUBLISHED if "mediation" in SHEETS[key][0]["themes"]}
    assert tagged <= set(ranked)


def test_a_word_naming_a_theme_finds_the_sheets_tagged_with_it(corpus):
    tagged = {key for key in PUBLISHED if "local-police" in SHEETS[key][0]["themes"]}
    assert tagged and tagged <= corpus.found("police")


@pytest.mark.parametrize("term", ["prisão", "vittime", "médiateur"])
def test_a_thesaurus_term_no_sheet_uses_is_not_corrected(corpus, term):
    # Spelt right in its language ("prisão" would become "paisano"): the concept searches.
    result = corpus.search(term)
    assert result["corrected_query"] is None and result["suggestion"] is None


@pytest.mark.parametrize("language, one, other", [
    ("en", "policing", "police"),          # English: both stem to "polic"
    ("fr", "vols", "voler"),               # French: both stem to "vol"
    ("de", "Jugendliche", "Jugendlichen"),
    ("es", "vecinales", "vecinal"),
])
def test_an_exact_form_ranks_above_another_word_of_the_same_stem(kb, language, one, other):
    """Two sheets alike but for one word of the same stem: each typed form finds both, and
    the sheet writing it as typed comes first, whichever was saved first."""
    def make(word: str, city: str):
        return kb.save(sheet(f"{city} {word}", language=language, city=city,
                             objectives=f"{word} {word} {word} in the neighbourhood.",
                             context="The district asked for it.",
                             activities="Weekly meetings with residents."), "published").id
    first, second = make(one, "Arlon"), make(other, "Arlon")
    stems = {token.text for word in (one, other) for token in text_analyzer(language)(word)}
    assert len(stems) == 1, stems           # the two words are one term to the index
    by_one = [hit["id"] for hit in kb.search(SearchRequest(q=one))["hits"]]
    by_other = [hit["id"] for hit in kb.search(SearchRequest(q=other))["hits"]]
    assert by_one == [first, second]
    assert by_other == [second, first]


def test_a_word_of_a_translated_term_is_marked_only_beside_its_other_words():
    # "vie nocturne" finds English sheets through the concept whose terms include "night
    # life": its "life" alone, in "real-life", is not what was found.
    terms = {"concepts": {"nightlife"}}
    alone = snippet("Volunteers share real-life stories with pupils.", "en", terms)
    assert not [text for text, number in alone if number is not None]
    both = snippet_html(snippet("Volunteers share real-life stories of the night life of the "
                                "old town.", "en", terms))
    assert marked(both) == ["night", "life"]
    assert "real-<mark" not in both
    # A term of one word is marked wherever it stands.
    assert marked(snippet_html(snippet("A calm nightlife.", "en", terms))) == ["nightlife"]


@pytest.mark.parametrize("typo, corrected, found", [
    # No sheet writes these words: their thesaurus concepts find sheets in other languages.
    ("pickpockting", "pickpocketing", "barcelona"),
    ("Nachtlebn", "nachtleben", "bristol"),
])
def test_a_misspelt_thesaurus_word_is_corrected_though_no_sheet_writes_it(corpus, typo,
                                                                        corrected, found):
    result = corpus.search(typo)
    assert result["corrected_query"] == corrected
    assert found in {corpus.keys[hit["id"]] for hit in result["hits"]}
