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
    Currency("SEK", 0.088, ("SEK", "kronor")),
    Currency("NOK", 0.086, ("NOK",)),
    Currency("DKK", 0.134, ("DKK",)),
    Currency("ISK", 0.0067, ("ISK",)),
    Currency("PLN", 0.23, ("PLN", "złoty", "złotych", "złote", "zł")),
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


# What a budget figure covers, as the sheet states it: the whole project, one year of it, one
# unit (a camera, a flat, a session) or one participant. None: the sheet does not say.
BASES = ("total", "year", "unit", "participant")
# Cues of each basis, folded (kb.core.text.fold), in the sheets' languages; matched as whole
# words. A figure stated per year, unit or participant says so beside it; "total" cues only
# count where no other basis is stated ("total per year" is per year).
_BASIS_CUES: dict[str, re.Pattern[str]] = {
    "year": re.compile(
        r"\bp\. ?a\.|\b(per (year|annum)|a year|each year|every year|yearly|annual(ly)?|/ ?(year|yr|an"
        r"|jahr|jaar|ano|anno|ar|rok)|par an|par annee|chaque annee|annuel(le)?s?"
        r"|pro jahr|im jahr|jahrlich(e[nrs]?)?|per jaar|jaarlijks(e)?|per anno|all'anno|l'anno"
        r"|annu[oaie]|al ano|por ano|cada ano|anual(es|mente)?|ao ano|anuais|rocznie|na rok"
        r"|per ar|arligen|om aret|arlig(t|e)?)\b"),
    "participant": re.compile(
        r"\b(per (participant|person|head|child|young person|pupil|student|beneficiary|user"
        r"|deelnemer|persoon|partecipante|persona|utente|osoba|uczestnika)|par (participant|personne"
        r"|beneficiaire|jeune|enfant|eleve)|pro (teilnehmer(in)?|person|kopf|kind|jugendliche[nr]?)"
        r"|por (participante|persona|pessoa|beneficiario|nino|joven)|a testa|per capita)\b"),
    "unit": re.compile(
        r"\b(per (unit|camera|device|flat|household|site|session|event|school|vehicle|stuk|unita)"
        r"|par (unite|camera|logement|site|seance|session|ecole)|pro (stuck|einheit|kamera"
        r"|wohnung|standort|sitzung)|por (unidad|sesion|unidade|sessao)|each unit"
        r"|a unit|per piece)\b"),
    "total": re.compile(
        r"\b(total|in total|overall|all together|altogether|au total|en total|totale?|insgesamt"
        r"|gesamt\w*|totaal|in totaal|complessivo|complessivamente|ogolem|lacznie|sammanlagt"
        r"|i alt|no total|whole project|entire project|(whole|entire) (period|duration)|global|globale"
        r"|(l'ensemble|toute la duree) d[eu]|gesamte[nr]? laufzeit|todo el periodo|toda la duracion"
        r"|todo o periodo|toda a duracao|l'intero periodo|tutta la durata|hele looptijd|over (two|three|four|five|\d+) years"
        r"|sur (deux|trois|quatre|cinq|\d+) ans)\b"),
}


# A line stating the total, as the importers pick the figure from it (importers.fields).
_TOTAL_LINE = re.compile(r"^\W*(total|totale|totaal|gesamt\w*|insgesamt|in total|au total|en total)\b")


def budget_basis(text: str | None) -> str | None:
    """What the budget figure of a text covers ("GBP 950,000 per year" -> "year"), or None
    when the text does not say. A line stating the total is where the figure comes from: its
    basis is "total" unless that line says otherwise. Elsewhere a per-year, per-participant or
    per-unit cue wins over a "total" one (a "total per year" is per year)."""
    if not text:
        return None
    lines = [fold(line) for line in text.splitlines() if line.strip()]
    total_line = next((line for line in lines if _TOTAL_LINE.match(line)), None)
    if total_line is not None:
        return _stated_basis(total_line) or "total"
    return _stated_basis("\n".join(lines))


def _stated_basis(folded: str) -> str | None:
    for basis in ("year", "participant", "unit", "total"):
        if _BASIS_CUES[basis].search(folded):
            return basis
    return None


def basis_of(budget: dict | None) -> str | None:
    """A stored budget's basis: as recorded, else read from its text (records stored before
    the basis was a field)."""
    if not budget:
        return None
    return budget.get("basis") or budget_basis(budget.get("text"))


def yearly_amount(budget: dict | None, start_year: int | None, end_year: int | None
                  ) -> float | None:
    """The EUR figure of a budget per year of the initiative, where it can be worked out: a
    per-year figure as it is; a total (or a figure of unstated basis, which sheets write as the
    project's total) spread evenly over the years from start to end, both included. None for
    per-unit and per-participant figures, and for a total with no known period."""
    if not budget or budget.get("amount_eur") is None:
        return None
    basis = basis_of(budget)
    amount = budget["amount_eur"]
    if basis == "year":
        return amount
    if basis in ("unit", "participant"):
        return None
    if start_year and end_year and end_year >= start_year:
        return round(amount / (end_year - start_year + 1), 2)
    return None


_GROUPED = re.compile(r"\d{1,3}(?:([.,'’ ])\d{3})(?:\1\d{3})*")


def read_amount(text: str, decimal: str = ".") -> float | None:
    """An amount as a person types it, in a language whose decimal mark is `decimal`:
    "50.000", "50,000", "50 000" and "50'000" are fifty thousand in any language (amounts of
    money have no thousandths); "1,5" is one and a half where the comma is the decimal mark.
    None when the text is not an amount."""
    raw = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if _GROUPED.fullmatch(raw):
        return float(re.sub(r"\D", "", raw))
    whole, mark, cents = raw.rpartition(decimal)
    grouped = _GROUPED.fullmatch(whole) if mark else None
    if grouped and grouped.group(1) != decimal and cents.isdigit():     # "12,000.50"
        return float(re.sub(r"\D", "", whole) + "." + cents)
    raw = raw.replace(" ", "")
    other = "," if decimal == "." else "."
    if other in raw or raw.count(decimal) > 1:
        return None
    try:
        value = float(raw.replace(decimal, "."))
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None
