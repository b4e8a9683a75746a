"""Country names, themes and languages as sheets write them."""

import pytest

from importers.language import detect_language
from kb.core.countries import country_code
from kb.core.themes import infer_themes, theme_ids, themes_from_wording, vocabulary


@pytest.mark.parametrize("text, code", [
    ("Allemagne", "DE"), ("Deutschland", "DE"), ("Germany", "DE"),
    ("the Netherlands", "NL"), ("Nederland", "NL"), ("Pays-Bas", "NL"), ("Países Bajos", "NL"),
    ("United Kingdom", "GB"), ("England (UK)", "GB"), ("UK", "GB"), ("Royaume-Uni", "GB"),
    ("United States", "US"), ("USA", "US"), ("Canada (Québec)", "CA"), ("México", "MX"),
    ("Italia", "IT"), ("España", "ES"), ("Espagne", "ES"), ("Österreich", "AT"),
    ("Belgique", "BE"), ("België", "BE"), ("Portugal", "PT"), ("Suisse", "CH"),
    ("Schweiz", "CH"), ("Poland", "PL"), ("Ireland", "IE"),
    ("Irlanda", "IE"), ("Grèce", "GR"), ("Dänemark", "DK"), ("Zweden", "SE"), ("FR", "FR"),
])
def test_country_names_in_every_language(text, code):
    assert country_code(text) == code


@pytest.mark.parametrize("text", ["Atlantis", "", None, "Europe"])
def test_unknown_countries(text):
    assert country_code(text) is None


@pytest.mark.parametrize("text, themes", [
    ("Topic: Prevention of radicalisation", ["polarisation"]),
    ("Thématique : vie nocturne", ["nightlife"]),
    ("Radicalización y extremismo violento", ["polarisation"]),
    ("Sicurezza degli anziani", ["seniors"]),
    ("Häusliche Gewalt; Opferschutz", ["gender-violence", "victims"]),
    ("Desporto e integração social", ["sport"]),
    ("Huiselijk geweld en slachtofferhulp", ["gender-violence", "victims"]),
    ("Organised crime; drug markets", ["organised-crime", "drugs"]),
    ("Movida e vivibilità notturna; mediazione dei conflitti", ["nightlife", "mediation"]),
    ("nightlife, public-spaces", ["public-spaces", "nightlife"]),
])
def test_theme_wording_maps_to_ids(text, themes):
    assert sorted(themes_from_wording(text)) == sorted(themes)


def test_vocabulary_has_labels_in_seven_languages():
    assert len(theme_ids()) == 16
    for theme in vocabulary().values():
        assert set(theme.labels) == {"en", "fr", "es", "it", "de", "pt", "nl"}
        # Wordings also in Polish and Swedish, whose sheets come from members of the network.
        assert set(theme.synonyms) == {"en", "fr", "es", "it", "de", "pt", "nl", "pl", "sv"}


def test_themes_inferred_from_text_when_none_stated():
    text = ("Night-time economy in the old town: the nightlife district draws crowds. "
            "Bars and clubs agree a code for the night time economy; nightlife stewards "
            "patrol. ") * 3
    assert infer_themes(text)[0] == "nightlife"
    assert infer_themes("A short text about nothing in particular.") == []


@pytest.mark.parametrize("language, text", [
    ("en", "The project was set up by the city council and the police to reduce burglary in the estate."),
    ("fr", "Le projet a été mis en place par la ville et la police pour réduire les cambriolages dans le quartier."),
    ("es", "El proyecto fue puesto en marcha por el ayuntamiento y la policía para reducir los robos en el barrio."),
    ("it", "Il progetto è stato avviato dal comune e dalla polizia per ridurre i furti nel quartiere."),
    ("de", "Das Projekt wurde von der Stadt und der Polizei eingerichtet, um Einbrüche im Viertel zu verringern."),
    ("pt", "O projeto foi criado pela câmara municipal e pela polícia para reduzir os assaltos no bairro."),
    ("nl", "Het project werd door de gemeente en de politie opgezet om inbraken in de wijk te verminderen."),
])
def test_language_detection(language, text):
    assert detect_language(text) == language
