"""What a budget figure covers (kb.core.money.budget_basis), amounts as people type them
(read_amount), and statistics that compare like with like (kb.core.budgets)."""

from __future__ import annotations

import pytest

from kb.core.budgets import Entry, comparable, kind_of
from kb.core.money import budget_basis, read_amount, yearly_amount
from kb.core.record import RecordSchema
from tests.samples.records import make_record


@pytest.mark.parametrize("text, basis", [
    ("GBP 950,000 per year", "year"),
    ("830.000 euros par an", "year"),
    ("Jährlich 20.000 €", "year"),
    ("Costo annuo: 40.000 euro", "year"),
    ("Coût annuel : 40 000 €", "year"),
    ("EUR 5,000 p.a.", "year"),
    ("Total: 480 000 EUR", "total"),
    ("Gesamtkosten 300.000 €", "total"),
    ("El coste total fue de 90.000 euros para todo el periodo", "total"),
    ("Total 480,000 EUR over three years\n(160,000 per year)", "total"),
    ("Staff 10,000 per year\nTotal: 30,000", "total"),
    ("1 200 EUR por participante", "participant"),
    ("€ 2.000 pro Teilnehmer", "participant"),
    ("3.000 EUR per camera", "unit"),
    ("Budget 50000 EUR", None),
    ("Financiado por Câmara Municipal de Coimbra: 19 000 euros", None),
    ("", None),
])
def test_budget_basis_as_the_text_states_it(text, basis):
    assert budget_basis(text) == basis


def test_the_record_keeps_the_basis_read_or_given():
    record = make_record(budget={"amount": 10, "currency": "EUR", "text": "10 EUR per year",
                                 "funding": []})
    assert record["budget"]["basis"] == "year"
    given = make_record(budget={"amount": 10, "currency": "EUR", "text": "10 EUR per year",
                                "funding": [], "basis": "total"})
    assert given["budget"]["basis"] == "total"
    with pytest.raises(Exception) as caught:
        RecordSchema().load({**given, "budget": {**given["budget"], "basis": "monthly"}})
    assert "basis" in str(caught.value)


@pytest.mark.parametrize("typed, decimal, amount", [
    ("50.000", ".", 50_000), ("50,000", ".", 50_000), ("50.000", ",", 50_000),
    ("50 000", ",", 50_000), ("50\u202f000", ",", 50_000), ("1.234.567", ",", 1_234_567),
    ("12,000.50", ".", 12_000.5), ("12.000,50", ",", 12_000.5), ("1,5", ",", 1.5),
    ("1.5", ".", 1.5), ("12000", ".", 12_000), ("1,5", ".", None), ("abc", ".", None),
    ("inf", ".", None), ("nan", ",", None),
])
def test_amounts_are_read_as_people_write_them(typed, decimal, amount):
    assert read_amount(typed, decimal) == amount


def entry(text, amount, start=2019, end=2021, country="FR", themes=("nightlife",)):
    budget = None if amount is None else {"amount_eur": float(amount), "text": text}
    return Entry(budget, start, end, tuple(themes), country)


def test_yearly_amounts_compare_like_with_like():
    assert yearly_amount({"amount_eur": 900.0, "text": "900 per year"}, 2019, 2021) == 900
    assert yearly_amount({"amount_eur": 900.0, "text": "Total 900"}, 2019, 2021) == 300
    assert yearly_amount({"amount_eur": 900.0, "text": "900"}, 2019, 2019) == 900
    assert yearly_amount({"amount_eur": 900.0, "text": "Total 900"}, 2019, None) is None
    assert yearly_amount({"amount_eur": 9.0, "text": "9 per participant"}, 2019, 2021) is None
    entries = [entry("900 per year", 900), entry("Total 3,000", 3000),
               entry("50 per unit", 50), entry("20 per participant", 20),
               entry("Total 1,000", 1000, end=None, country=None), entry(None, None)]
    assert [kind_of(e) for e in entries] == ["per-year", "spread-total", "per-unit",
                                            "per-participant", "total-no-period", "no-budget"]
    found = comparable(entries)
    assert found["yearly"] == {"count": 2, "total": 1900.0, "median": 950.0, "min": 900.0,
                               "max": 1000.0}
    assert found["by_country"] == {"FR": found["yearly"]}
    assert found["apart"]["per-unit"]["total"] == 50 and found["apart"]["per-participant"]["max"] == 20
    assert sum(found["kinds"].values()) == len(entries)


def test_a_sheet_without_country_has_its_own_row():
    found = comparable([entry("900 per year", 900, country=None), entry("100 per year", 100)])
    assert set(found["by_country"]) == {None, "FR"}
