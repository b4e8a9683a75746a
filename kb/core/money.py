"""Currencies of Europe (and a few others sheets quote) and their reference rates to EUR."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.core.text import fold

# Reference rates: value of one unit in EUR, rounded from the ECB reference rates of
# 2024-06-28 (the date is part of the contract: amount_eur is reproducible). They are
# reference values for comparing budgets, not for accounting.
RATES_DATE = "2024-06-28"


@dataclass(frozen=True)
class Currency:
    """A currency: its ISO 4217 code, its reference rate, and how sheets write it."""

    code: str
    rate: float
    # Codes, symbols and names an amount is recognised by in a sheet (any case, accents
    # optional). Empty for codes that are also words ("ALL"): those are only accepted as
    # a record's currency, never read off the text.
    written: tuple[str, ...] = ()


CURRENCIES: tuple[Currency, ...] = (
    Currency("EUR", 1.0, ("EUR", "€", "euro", "euros")),
    Currency("GBP", 1.17, ("GBP", "£", "pound", "pounds", "sterling")),
    Currency("CHF", 1.05, ("CHF", "Fr.", "SFr", "francs suisses", "Franken")),
    Currency("SEK", 0.088, ("SEK",)),
    Currency("NOK", 0.086, ("NOK",)),
    Currency("DKK", 0.134, ("DKK",)),
    Currency("ISK", 0.0067, ("ISK",)),
    Currency("PLN", 0.23, ("PLN", "złoty", "zł")),
    Currency("CZK", 0.04, ("CZK", "Kč")),
    Currency("HUF", 0.0025, ("HUF",)),
    Currency("RON", 0.20, ("RON", "lei")),
    Currency("BGN", 0.511, ("BGN",)),
    Currency("RSD", 0.0085, ("RSD",)),
    Currency("BAM", 0.511),
    Currency("MKD", 0.0162),
    Currency("ALL", 0.0099),
    Currency("MDL", 0.052),
    Currency("UAH", 0.023, ("UAH",)),
    Currency("TRY", 0.028, ("TRY",)),
    Currency("GEL", 0.33),
    Currency("USD", 0.92, ("USD", "US$", "US $", "dollar", "dollars", "dólares", "dollari")),
    Currency("CAD", 0.68, ("CAD", "CA$", "C$", "CAN$", "$ CA", "$ CAN", "$ CAD")),
    Currency("AUD", 0.62, ("AUD", "A$")),
    Currency("BRL", 0.18, ("BRL", "R$")),
    Currency("MXN", 0.051, ("MXN",)),
    Currency("JPY", 0.0058),
)
RATES_TO_EUR: dict[str, float] = {currency.code: currency.rate for currency in CURRENCIES}
# Symbols several currencies share: the sheet's country decides, else the first one.
AMBIGUOUS_SYMBOLS: dict[str, tuple[str, dict[str, str]]] = {
    "$": ("USD", {"CA": "CAD", "AU": "AUD", "MX": "MXN", "NZ": "AUD", "BR": "BRL"}),
    "kr": ("SEK", {"SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK"}),
}


def to_eur(amount: float | None, currency: str | None) -> float | None:
    """The amount in EUR at the reference rate, or None when either is unknown."""
    if amount is None or currency is None:
        return None
    rate = RATES_TO_EUR.get(currency.upper())
    if rate is None:
        return None
    return round(amount * rate, 2)


# Words that name the European Union or one of its funding programmes, folded, in the
# languages of the sheets; matched as whole words in the funding lines of a budget.
_EU_FUNDING = re.compile(
    r"\b(eu|ue|eu-\w+|european union|union europeenne|union europea|unione europea|uniao europeia"
    r"|europese unie|europaische union|european commission|commission europeenne|erdf|feder|fesr"
    r"|efre|esf\+?|fse\+?|isf|fsi|amif|interreg|urbact|horizon 2020|horizon europe|erasmus\+?"
    r"|cerv|daphne|uia|urban innovative actions|european social fund|fonds social europeen"
    r"|fondo social europeo|fondo sociale europeo|fundo social europeu|europees sociaal fonds"
    r"|europaische[nrs]? sozialfonds|european regional development fund"
    r"|fonds europeen de developpement regional|fondo europeo de desarrollo regional"
    r"|fondo europeo di sviluppo regionale|fundo europeu de desenvolvimento regional"
    r"|europaische[nrs]? fonds fur regionale entwicklung|europees fonds voor regionale ontwikkeling"
    r"|internal security fund|fonds pour la securite interieure|fondo de seguridad interior"
    r"|fondo sicurezza interna|fundo para a seguranca interna|fonds voor interne veiligheid"
    r"|fonds fur die innere sicherheit)\b")


def eu_cofunded(funding: list[str], text: str = "") -> bool:
    """Whether a budget's funding lines (or its text) name EU money."""
    return any(_EU_FUNDING.search(fold(line)) for line in [*funding, text] if line)
