"""Currencies of Europe (and a few others sheets quote) and their reference rates to EUR."""

from __future__ import annotations

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
