"""Budgets, periods, contacts and lists as people write them."""

import pytest

from importers.fields import parse_budget, parse_contact, parse_funding, parse_number, parse_period, split_list


@pytest.mark.parametrize("text, amount, currency", [
    ("€250,000", 250_000, "EUR"),
    ("EUR 1.2 million", 1_200_000, "EUR"),
    ("250 000 €", 250_000, "EUR"),
    ("1.200.000 euros", 1_200_000, "EUR"),
    ("£40k", 40_000, "GBP"),
    ("CHF 80'000", 80_000, "CHF"),
    ("35 000 EUR per year over 3 years", 35_000, "EUR"),
    ("Approximately US$1.5 million for the first two years", 1_500_000, "USD"),
    ("USD 15,300,000 spent by the City", 15_300_000, "USD"),
    ("€6.5m for 2019, allocated by the Government", 6_500_000, "EUR"),
    ("1,1 million d'euros pour la saison, financé à 55 % par l'État", 1_100_000, "EUR"),
    ("Environ 45 000 $ CA par année", 45_000, "CAD"),
    ("Costo complessivo 195.000 euro, di cui 156.000 euro di contributo della Regione", 195_000, "EUR"),
    ("Für den zweiten Standort stellt die Stadt rund 370.000 € pro Jahr bereit.", 370_000, "EUR"),
    ("Ca. € 25.000,- per jaar voor jassen", 25_000, "EUR"),
    ("GBP 298,000 over both phases", 298_000, "GBP"),
    ("Un presupuesto de 2,5 millones de euros", 2_500_000, "EUR"),
    ("Orçamento: 120 mil euros", 120_000, "EUR"),
    ("Kosten: 1,2 Mio. Euro über drei Jahre", 1_200_000, "EUR"),
    ("SEK 2 400 000 from the municipality", 2_400_000, "SEK"),
])
def test_budget_amounts_as_written(text, amount, currency):
    budget = parse_budget(text)
    assert budget is not None
    assert budget["amount"] == pytest.approx(amount)
    assert budget["currency"] == currency
    assert budget["text"] == text


def test_breakdown_table_total_line_is_the_amount():
    text = ("Item | Amount\nTraining | £18,500\nAwards evening | £12,000\n"
            "Publicity | £6,500\nTotal | £37,000\nCosts are covered by sponsorship.")
    budget = parse_budget(text)
    assert (budget["amount"], budget["currency"]) == (37_000, "GBP")
    assert budget["amount_eur"] == pytest.approx(37_000 * 1.17)


def test_total_in_other_languages():
    assert parse_budget("Personal | 40.000 €\nGesamt | 95.000 €")["amount"] == 95_000
    assert parse_budget("Personnel | 10 000 €\nTotal | 30 000 €")["amount"] == 30_000


@pytest.mark.parametrize("text", [
    "Not available.", "No disponible.", "Non disponible", "No separate budget was created.", "",
    None, "The project was funded in 2019 by the council.",
])
def test_no_figure_means_no_budget(text):
    assert parse_budget(text) is None


@pytest.mark.parametrize("text, country, currency", [
    ("$ 40,000 per year", "CA", "CAD"),
    ("$ 40,000 per year", "US", "USD"),
    ("$ 40,000 per year", None, "USD"),
    ("kr 300 000", "NO", "NOK"),
    ("300 000 kr", "DK", "DKK"),
])
def test_ambiguous_symbols_follow_the_country(text, country, currency):
    assert parse_budget(text, country)["currency"] == currency


@pytest.mark.parametrize("text, expected", [
    ("The project is co-financed by the European Commission.", ["European Commission"]),
    ("1,1 million d'euros, financé à 55 % par l'État et à 45 % par la Ville de Marseille.",
     ["État", "Ville de Marseille"]),
    ("Costs are covered by sponsorship from drinks companies and by Manchester City Council; "
     "police time is provided in kind.", ["Drinks companies", "Manchester City Council"]),
    ("the research component was funded by the National Institute of Justice.",
     ["National Institute of Justice"]),
    ("betaald uit een subsidie van de gemeente Den Haag.", ["Gemeente Den Haag"]),
    ("Gefördert von der Stadt Stuttgart.", ["Stadt Stuttgart"]),
    ("No funding information.", []),
    # "e dalla": the Italian article joined to "da" is not cut in the middle of the word.
    ("35.000 euro l'anno, finanziati dalla Compagnia di San Paolo e dalla Città di Torino; "
     "i locali sono gratuiti.", ["Compagnia di San Paolo", "Città di Torino"]),
    ("Funded by the city and daily volunteers.", ["City", "Daily volunteers"]),
])
def test_funding_sources(text, expected):
    assert parse_funding(text) == expected


@pytest.mark.parametrize("text, value", [
    ("250,000", 250000), ("1.200.000", 1200000), ("1,1", 1.1), ("6.5", 6.5), ("80'000", 80000),
    ("250 000", 250000), ("1.234,56", 1234.56), ("1,234.56", 1234.56), ("12", 12),
])
def test_numbers(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text, start, end", [
    ("2016 – 2019", 2016, 2019),
    ("2016-2019", 2016, 2019),
    ("since 2012", 2012, None),
    ("since February 2011 (pilot in Devonport, then city-wide)", 2011, None),
    ("Duration: 3 years from March 2018", 2018, 2021),
    ("3 years from 2018", 2018, 2020),
    ("2018 - ongoing", 2018, None),
    ("1999 – ongoing", 1999, None),
    ("1985 – 1990 (two phases)", 1985, 1990),
    ("May 1996 – 2000", 1996, 2000),
    ("giugno – dicembre 2021 (prorogabile)", 2021, 2021),
    ("depuis 2008", 2008, None),
    ("desde 2008", 2008, None),
    ("seit Juni 1999", 1999, None),
    ("sinds 2004", 2004, None),
    ("lancé en mars 2011", 2011, None),
    ("July 2016", 2016, None),
    ("de 2015 à 2018", 2015, 2018),
    ("2019/20", 2019, 2020),
    ("no dates given", None, None),
    (None, None, None),
])
def test_periods(text, start, end):
    assert parse_period(text) == (start, end)


@pytest.mark.parametrize("text, name, email", [
    ("Rachel Penrose – rachel.penrose@dc-police.example.org.uk", "Rachel Penrose",
     "rachel.penrose@dc-police.example.org.uk"),
    ("Tom Ashworth, tom.ashworth@citycentresafe.example.org.uk", "Tom Ashworth",
     "tom.ashworth@citycentresafe.example.org.uk"),
    ("Louise Gagnon (louise.gagnon@fadoq-estrie.example.ca)", "Louise Gagnon",
     "louise.gagnon@fadoq-estrie.example.ca"),
    ("Alan Whitworth (project archive)", "Alan Whitworth", None),
    ("movida.centro@comune-bologna.example.it", None, "movida.centro@comune-bologna.example.it"),
    ("Ana Sousa, tel. +351 21 000 0000, e-mail: ana@lisboa.example.pt", "Ana Sousa",
     "ana@lisboa.example.pt"),
    # A space beside the "@" (OCR splits a word there) is no part of the address; an "@"
    # between words that make no address stays text.
    ("Claire Dubois, claire.dubois @lyon.example.fr", "Claire Dubois",
     "claire.dubois@lyon.example.fr"),
    ("Jan Peeters, jan.peeters@ gent.example.be", "Jan Peeters", "jan.peeters@gent.example.be"),
    ("Reception desk @ 5 pm", "Reception desk @ 5 pm", None),
])
def test_contacts(text, name, email):
    assert parse_contact(text) == {"name": name, "email": email}


def test_no_contact():
    assert parse_contact("") is None
    assert parse_contact(None) is None


def test_lists_split_at_semicolons_or_lines():
    assert split_list("City Council; Police; Schools.") == ["City Council", "Police", "Schools"]
    assert split_list("- Harvard University, Kennedy School\n- Boston Streetworkers") == [
        "Harvard University, Kennedy School", "Boston Streetworkers"]
    assert split_list(None) == []
