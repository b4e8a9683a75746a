"""Currencies of Europe (and a few others sheets quote) and their reference rates to EUR."""

from __future__ import annotations

import re

from kb.core.text import fold

# Reference rates: value of one unit in EUR, rounded from the ECB reference rates of
# 2024-06-28 (the date is part of the contract: amount_eur is reproducible). They are
# reference values for comparing budgets, not for accounting.
RATES_DATE = "2024-06-28"
RATES_TO_EUR: dict[str, float] = {
    "EUR": 1.0,
    "GBP": 1.17,
    "CHF": 1.05,
    "SEK": 0.088,
    "NOK": 0.086,
    "DKK": 0.134,
    "ISK": 0.0067,
    "PLN": 0.23,
    "CZK": 0.04,
    "HUF": 0.0025,
    "RON": 0.20,
    "BGN": 0.511,
    "RSD": 0.0085,
    "BAM": 0.511,
    "MKD": 0.0162,
    "ALL": 0.0099,
    "MDL": 0.052,
    "UAH": 0.023,
    "TRY": 0.028,
    "GEL": 0.33,
    "USD": 0.92,
    "CAD": 0.68,
    "AUD": 0.62,
    "BRL": 0.18,
    "MXN": 0.051,
    "JPY": 0.0058,
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
