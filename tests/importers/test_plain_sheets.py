"""Sheets as cities make them with simple tools: plain-line headings in a one-font PDF from
four different writers, budget lines joined into one paragraph, a running header above the
title of a one-page PDF, label | value boxes whose labels wrap or fill their cell, theme
lines joined with "et" / "und", other words and questions for the sections."""

from __future__ import annotations

import io
import zlib

import pytest
from docx import Document as WordDocument
from fpdf import FPDF
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from importers.fields import parse_budget
from importers.parse import parse_bytes
from kb.core.themes import themes_from_wording

TITLE = "Community garden on the Lindenhof estate"
CONTEXT = ("The Lindenhof estate had empty lawns between its blocks, and residents reported "
           "vandalism near the garages almost every week.")
OBJECTIVES = "Give residents a shared place to meet and reduce vandalism around the garages."
ACTIVITIES = "Residents built twelve raised beds with the youth club and planted them together."
EVALUATION = "Vandalism reports fell by a third in the first year, according to the police."
BUDGET_LINES = ["Seeds: 120 EUR", "Tools: 250 EUR", "Wood: 400 EUR", "Total: 770 EUR"]
LINES = [TITLE, "City: Leipzig", "Country: Germany", "Themes: Public spaces and urban design",
         "Period: 2019 - 2021", "Context", CONTEXT, "Objectives", OBJECTIVES, "Activities",
         ACTIVITIES, "Budget", *BUDGET_LINES, "Evaluation", EVALUATION]


def canvas_pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    y = 800
    for line in LINES:
        page.setFont("Helvetica", 10)
        page.drawString(72, y, line)
        y -= 14
    page.save()
    return buffer.getvalue()


def platypus_pdf() -> bytes:
    buffer = io.BytesIO()
    style = ParagraphStyle("body", fontName="Times-Roman", fontSize=11, leading=13.5)
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1).build(
        [Paragraph(line, style) for line in LINES])
    return buffer.getvalue()


def raw_pdf() -> bytes:
    """A PDF written operator by operator: one BT block, T* between lines, no widths."""
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = "BT /F1 10 Tf 12 TL 60 790 Td " + " ".join(f"({escape(line)}) Tj T*" for line in LINES)
    stream = zlib.compress((ops + " ET").encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def fpdf_pdf() -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("Helvetica", size=10)
    for line in LINES:
        document.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())


@pytest.mark.parametrize("writer", [canvas_pdf, platypus_pdf, raw_pdf, fpdf_pdf],
                         ids=lambda w: w.__name__)
def test_plain_line_headings_in_a_one_font_pdf(writer):
    record, _warnings = parse_bytes(writer(), "garden.pdf")
    assert record.title == TITLE
    assert (record.city, record.country, record.start_year, record.end_year) == (
        "Leipzig", "DE", 2019, 2021)
    assert (record.context, record.objectives, record.activities, record.evaluation) == (
        CONTEXT, OBJECTIVES, ACTIVITIES, EVALUATION)
    assert (record.budget.amount, record.budget.currency) == (770, "EUR")
    assert record.themes == ["public-spaces"]


@pytest.mark.parametrize("text", [
    " / ".join(BUDGET_LINES),
    " ".join(BUDGET_LINES),
    "Seeds 120 EUR, tools 250 EUR, wood 400 EUR. Total: EUR 770.",
    "Semences : 120 EUR ; outils : 250 EUR ; total : 770 EUR",
])
def test_the_stated_total_whatever_the_line_joining(text):
    assert parse_budget(text)["amount"] == 770


@pytest.mark.parametrize("text, amount", [
    ("195.000 euro in totale, di cui 156.000 euro dalla Regione", 195000),
    ("Il costo totale è di 195.000 euro, di cui 156.000 euro dalla Regione", 195000),
    ("EUR 5,000 from the council; the total is not known yet", 5000),
])
def test_a_total_word_does_not_steal_another_amount(text, amount):
    assert parse_budget(text)["amount"] == amount


# ---------------------------------------------------------------------------- boxes, headers

BODY = ParagraphStyle("b", fontName="Helvetica", fontSize=10, leading=12)
BOLD = ParagraphStyle("h", fontName="Helvetica-Bold", fontSize=10, leading=12)
BIG = ParagraphStyle("t", fontName="Helvetica-Bold", fontSize=18, leading=22)


def boxed_pdf(rows: list[tuple[str, str]], *, label_width: float = 80,
              header: str | None = None) -> bytes:
    """A title, a label | value box, then bold section headings, as a designed sheet."""
    buffer = io.BytesIO()

    def page_header(page, _doc):
        if header:
            page.setFont("Helvetica", 8)
            page.drawString(72, 810, header)

    box = Table([[Paragraph(a, BOLD), Paragraph(b, BODY)] for a, b in rows],
                colWidths=[label_width, 440 - label_width])
    box.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                             ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [Paragraph(TITLE, BIG), box, Spacer(1, 10)]
    for heading, text in (("Context", CONTEXT), ("Objectives", OBJECTIVES),
                          ("Activities", ACTIVITIES), ("Evaluation", EVALUATION)):
        story += [Paragraph(heading, BOLD), Paragraph(text, BODY)]
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1).build(story, onFirstPage=page_header)
    return buffer.getvalue()


def test_a_running_header_is_not_the_title_of_a_one_page_pdf():
    data = boxed_pdf([("City", "Leipzig"), ("Country", "Germany")],
                     header="European Forum for Urban Security - practice database")
    record, _ = parse_bytes(data, "garden.pdf")
    assert record.title == TITLE
    assert "practice database" not in (record.context or "")


@pytest.mark.parametrize("label", ["Partner organisations", "Main Partners", "Project partners",
                                   "Partenaires du projet"])
@pytest.mark.parametrize("label_width", [70, 80, 120])
def test_partners_from_a_box_whose_label_wraps_or_fills_its_cell(label, label_width):
    data = boxed_pdf([("City", "Leipzig"), ("Country", "Germany"),
                      (label, "City council; Youth club; Housing company"),
                      ("Period", "2019 - 2021")], label_width=label_width)
    record, _ = parse_bytes(data, "garden.pdf")
    assert record.partners == ["City council", "Youth club", "Housing company"]
    assert (record.country, record.start_year) == ("DE", 2019)


@pytest.mark.parametrize("label_width", [50, 80, 120])
def test_a_short_label_does_not_swallow_the_next_row(label_width):
    data = boxed_pdf([("Ciudad", "Sevilla"), ("País", "España"), ("Periodo", "2019 - 2021"),
                      ("Entidad responsable", "Ayuntamiento de Sevilla")],
                     label_width=label_width)
    record, _ = parse_bytes(data, "huertos.pdf")
    assert (record.city, record.country, record.start_year) == ("Sevilla", "ES", 2019)
    assert record.organisation == "Ayuntamiento de Sevilla"


def test_a_box_row_no_label_names_is_kept_apart_and_reported():
    data = boxed_pdf([("City", "Leipzig"), ("Country", "Germany"),
                      ("Godparents", "Mrs Weber; Mr Roth"), ("Period", "2019 - 2021")])
    record, warnings = parse_bytes(data, "garden.pdf")
    assert record.country == "DE"
    assert [w.code for w in warnings].count("row-unread") == 1
    assert "'Godparents'" in next(str(w) for w in warnings if w.code == "row-unread")


@pytest.mark.parametrize("wording, themes", [
    ("Médiation sociale et justice restaurative", ["mediation"]),
    ("Mediation und Täter-Opfer-Ausgleich", ["mediation"]),
    ("Social mediation and restorative justice; Youth", ["youth", "mediation"]),
    ("Jeunesse et médiation sociale", ["youth", "mediation"]),
    ("Vie nocturne et espaces publics", ["public-spaces", "nightlife"]),
])
def test_theme_labels_joined_with_and_give_no_extra_theme(wording, themes):
    assert themes_from_wording(wording) == themes


# ---------------------------------------------------------------------------- other words

def _word_file(paragraphs: list[str]) -> bytes:
    document = WordDocument()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("headings", [
    ["Background", "Aims", "What we did", "Costs", "Outcomes"],
    ["Problem", "Goals", "Approach", "Funding", "Results"],
    ["1. What problem did the project address?", "2. What were its aims?",
     "3. Please describe the activities", "4. How much did it cost?", "5. How was it evaluated?"],
    ["Bakgrund", "Syfte och mål", "Genomförande", "Kostnader", "Uppföljning"],
    ["Kontekst", "Cele", "Działania", "Budżet", "Ewaluacja"],
    ["Situation initiale :", "Buts :", "Démarche :", "Financement :", "Résultats :"],
])
def test_sections_under_other_words_and_questions(headings):
    body = [TITLE, "City: Leipzig", "Country: Germany"]
    for heading, text in zip(headings, (CONTEXT, OBJECTIVES, ACTIVITIES, "Total: 770 EUR",
                                        EVALUATION)):
        body += [heading, text]
    record, _ = parse_bytes(_word_file(body), "garden.docx")
    assert (record.context, record.objectives, record.activities, record.evaluation) == (
        CONTEXT, OBJECTIVES, ACTIVITIES, EVALUATION)
    assert record.budget.amount == 770


def test_a_secondary_word_stays_an_extra_section_beside_the_section_it_could_name():
    body = [TITLE, "City: Leipzig", "Context", CONTEXT, "Objectives", OBJECTIVES, "Activities",
            ACTIVITIES, "Results", "Twelve beds were built.", "Evaluation", EVALUATION]
    record, _ = parse_bytes(_word_file(body), "garden.docx")
    assert record.evaluation == EVALUATION
    assert record.extra_sections == {"Results": "Twelve beds were built."}


def test_an_application_form_as_a_table_of_questions_and_answers():
    document = WordDocument()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=0, cols=2)
    for question, answer in (
            ("Which city or municipality?", "Leipzig"), ("In which country?", "Germany"),
            ("When did it run?", "2019 - 2021"), ("Who were the partners?", "Youth club; Police"),
            ("What problem did the project address?", CONTEXT), ("What were its aims?", OBJECTIVES),
            ("Please describe the activities", ACTIVITIES),
            ("How much did it cost and who paid?", "Total: 770 EUR"),
            ("How was it evaluated?", EVALUATION)):
        row = table.add_row().cells
        row[0].text, row[1].text = question, answer
    buffer = io.BytesIO()
    document.save(buffer)
    record, _ = parse_bytes(buffer.getvalue(), "form.docx")
    assert (record.city, record.country, record.start_year, record.end_year) == (
        "Leipzig", "DE", 2019, 2021)
    assert record.partners == ["Youth club", "Police"]
    assert (record.context, record.objectives, record.activities, record.evaluation) == (
        CONTEXT, OBJECTIVES, ACTIVITIES, EVALUATION)
    assert record.budget.amount == 770


def test_the_title_in_a_header_table_beside_the_logo():
    document = WordDocument()
    header = document.add_table(rows=1, cols=2)
    header.cell(0, 0).text, header.cell(0, 1).text = "[logo] City of Leipzig", TITLE
    for text in ("City: Leipzig", "Context", CONTEXT, "Objectives", OBJECTIVES, "Activities",
                 ACTIVITIES, "Evaluation", EVALUATION):
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    record, _ = parse_bytes(buffer.getvalue(), "garden.docx")
    assert record.title == TITLE


def test_a_numbered_heading_with_a_city_word_is_no_city():
    body = [TITLE, "City: Leipzig", "1. Context", CONTEXT, "2. Objectives", OBJECTIVES,
            "3. Activities", ACTIVITIES, "4. Evaluation", EVALUATION,
            "5. What other cities can learn", "Start small."]
    record, _ = parse_bytes(_word_file(body), "garden.docx")
    assert record.city == "Leipzig"


@pytest.mark.parametrize("line, code", [("Kraj: Polska", "PL"), ("Land: Sverige", "SE"),
                                        ("Maa: Suomi", None), ("Country: Suomi", "FI")])
def test_country_names_in_other_eu_languages(line, code):
    body = [TITLE, line, "Context", CONTEXT, "Objectives", OBJECTIVES, "Activities", ACTIVITIES]
    record, _ = parse_bytes(_word_file(body), "garden.docx")
    assert record.country == code


@pytest.mark.parametrize("lines, joined", [
    (["Jorge Sánchez, jsanchez@medioabierto-murcia.exa", "mple.es"],
     "Jorge Sánchez, jsanchez@medioabierto-murcia.example.es"),
    (["Jan Petersen, jan.petersen@fanprojekt-hh.example", ".de"],
     "Jan Petersen, jan.petersen@fanprojekt-hh.example.de"),
    (["Write to a@b.org", "and we answer."], "Write to a@b.org and we answer."),
])
def test_an_email_broken_by_a_narrow_cell_is_joined(lines, joined):
    from importers.text import join_lines
    assert join_lines(lines) == joined


@pytest.mark.parametrize("question, key", [
    ("¿A quién contactar?", "contact"), ("¿A quién se dirige?", "target_groups"),
    ("A quem se destina?", "target_groups"), ("Quem contactar?", "contact"),
])
def test_who_to_contact_is_not_who_it_is_for(question, key):
    from importers.labels import cue_key
    assert cue_key(question) == key
