"""Sheets from members outside the seven languages: Polish and Swedish sheets keep their
language, their themes and their budget's currency (PLN, SEK), from Word and from PDF."""

from __future__ import annotations

import io

import docx
import pytest
from marshmallow import ValidationError
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate

from importers.fields import parse_budget
from importers.language import detect_language
from importers.parse import parse_bytes
from kb.core.record import RecordSchema
from kb.core.themes import infer_themes, themes_from_wording

POLISH = {
    "title": "Asystenci bezpieczeństwa na osiedlu Retkinia",
    "meta": [("Miasto", "Łódź"), ("Kraj", "Polska"),
             ("Tematy", "Mediacja sąsiedzka; przemoc domowa"), ("Okres", "2017 - 2020")],
    "sections": [
        ("Kontekst", "Mieszkańcy osiedla skarżyli się na hałas i kłótnie między sąsiadami, a "
                     "policja była wzywana do spraw, które nie były przestępstwami."),
        ("Cele", "Rozwiązywać spory sąsiedzkie, zanim przerodzą się w groźby, i wspierać "
                 "osoby doznające przemocy w rodzinie."),
        ("Działania", "Dwunastu mieszkańców przeszkolono jako mediatorów. Prowadzili oni dyżury "
                      "w domu kultury i odwiedzali strony sporu w ich domach."),
        ("Budżet", "Łącznie 1,2 miliona złotych w ciągu trzech lat z budżetu miasta."),
        ("Ewaluacja", "Liczba interwencji policji w sprawach sąsiedzkich spadła o jedną "
                      "trzecią w ciągu dwóch lat."),
    ],
}
SWEDISH = {
    "title": "Trygghetsvärdar i centrala Malmö",
    "meta": [("Stad", "Malmö"), ("Land", "Sverige"), ("Teman", "Nattliv; ungdomar"),
             ("Period", "2018 - 2022")],
    "sections": [
        ("Bakgrund", "Boende i centrum klagade på oro och bråk vid krogarna under helgnätterna, "
                     "och många unga vistades på gatorna sent på kvällen."),
        ("Mål", "Öka tryggheten i centrum på natten och ge unga någon att vända sig till."),
        ("Aktiviteter", "Par av trygghetsvärdar går i centrum från torsdag till lördag och har "
                        "kontakt med krogarna, fritidsgårdarna och polisen."),
        ("Budget", "Cirka 2,4 miljoner kronor per år, delat mellan staden och krogarna."),
        ("Utvärdering", "Anmälningarna om våld i centrum minskade med en fjärdedel på två år."),
    ],
}


def word_sheet(sheet: dict) -> bytes:
    document = docx.Document()
    document.add_paragraph(sheet["title"], style="Title")
    for label, value in sheet["meta"]:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    for heading, text in sheet["sections"]:
        document.add_heading(heading, level=1)
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_sheet(sheet: dict) -> bytes:
    """The sheet as a PDF in DejaVu Sans (the standard fonts' encoding has no "ł")."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVu", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold",
                                   "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"))
    body = ParagraphStyle("b", fontName="DejaVu", fontSize=10, leading=13)
    head = ParagraphStyle("h", fontName="DejaVu-Bold", fontSize=12, leading=16)
    big = ParagraphStyle("t", fontName="DejaVu-Bold", fontSize=17, leading=21)
    story = [Paragraph(sheet["title"], big)]
    story += [Paragraph(f"{label}: {value}", body) for label, value in sheet["meta"]]
    for heading, text in sheet["sections"]:
        story += [Paragraph(heading, head), Paragraph(text, body)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, invariant=1).build(story)
    return out.getvalue()


@pytest.mark.parametrize("make", [word_sheet, pdf_sheet], ids=lambda make: make.__name__)
@pytest.mark.parametrize("sheet, language, country, themes, amount, currency", [
    (POLISH, "pl", "PL", {"mediation", "gender-violence"}, 1_200_000, "PLN"),
    (SWEDISH, "sv", "SE", {"nightlife", "youth"}, 2_400_000, "SEK"),
], ids=["polish", "swedish"])
def test_language_themes_and_currency_of_polish_and_swedish_sheets(
        make, sheet, language, country, themes, amount, currency):
    name = f"sheet-{language}.docx" if make is word_sheet else f"sheet-{language}.pdf"
    record, warnings = parse_bytes(make(sheet), name)
    assert record.language == language
    assert record.country == country
    assert set(record.themes) == themes and not record.themes_inferred
    assert (record.budget.amount, record.budget.currency) == (amount, currency)
    assert record.activities == dict(sheet["sections"])[
        "Działania" if language == "pl" else "Aktiviteter"]
    assert not any(w.code in ("themes-missing", "budget-unreadable") for w in warnings)


@pytest.mark.parametrize("text, language", [
    ("Projekt jest realizowany przez miasto we współpracy z policją, a jego celem było "
     "zmniejszenie liczby kradzieży, które zostały zgłoszone przez mieszkańców.", "pl"),
    ("Projektet har genomförts av staden och polisen, och målet var att minska antalet "
     "inbrott som anmäldes av de boende i området.", "sv"),
    ("Le projet a été mené par la ville avec la police, et son objectif était de réduire "
     "les cambriolages.", "fr"),
    ("Das Projekt wurde von der Stadt mit der Polizei durchgeführt und sollte die Zahl der "
     "Einbrüche senken.", "de"),
])
def test_polish_and_swedish_are_told_from_the_seven(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text, themes", [
    ("Przemoc domowa; młodzież", ["youth", "gender-violence"]),
    ("Bezpieczeństwo seniorów, oszustwa", ["seniors", "victims"]),
    ("Våld i nära relationer", ["gender-violence"]),
    ("Medling och konfliktlösning; narkotika", ["drugs", "mediation"]),
])
def test_polish_and_swedish_theme_wordings(text, themes):
    assert sorted(themes_from_wording(text)) == sorted(themes)


def test_themes_inferred_from_a_swedish_text():
    text = ("Unga i området fick stöd av fritidsgårdarna. Ungdomarna träffade skolan och "
            "ungdomsarbetare varje vecka, och unga som riskerade kriminalitet fick en mentor. ")
    assert "youth" in infer_themes(text * 2)


@pytest.mark.parametrize("text, amount, currency", [
    ("Łącznie 350 tys. zł na dwa lata", 350_000, "PLN"),
    ("Budżet: 2,5 mln zł", 2_500_000, "PLN"),
    ("Koszt 800 000 złotych rocznie", 800_000, "PLN"),
    ("Totalt 4,5 miljoner kronor under fyra år", 4_500_000, "SEK"),
    ("Kostnad: 900 000 kronor", 900_000, "SEK"),
])
def test_polish_and_swedish_budgets(text, amount, currency):
    budget = parse_budget(text, None)
    assert (budget["amount"], budget["currency"]) == (amount, currency)


def test_the_record_accepts_polish_and_swedish_and_no_other_language():
    base = {"title": "T", "context": "c", "objectives": "o", "activities": "a"}
    for language in ("pl", "sv"):
        assert RecordSchema().load({**base, "language": language}).language == language
    with pytest.raises(ValidationError) as caught:
        RecordSchema().load({**base, "language": "da"})
    assert "Language must be one of" in str(caught.value)
