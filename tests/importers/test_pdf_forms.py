"""Fillable PDF forms (AcroForm): the answers are in the form's fields, not in the page text."""

from __future__ import annotations

import io
import time

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from importers.parse import parse_bytes
from kb.core.errors import TooLarge

ANSWERS = [
    ("title", "Title of the practice", "Safe routes to school in Porto"),
    ("city", "City", "Porto"),
    ("country", "Country", "Portugal"),
    ("period", "Period", "2017 - 2020"),
    ("partners", "Partners", "Schools; Parents' association; Municipal police"),
    ("q1", "What problem did the project address?",
     "Children walking to school crossed busy roads without any crossing guards."),
    ("q2", "What were its aims?", "Make the walk to school safe and let children walk alone."),
    ("q3", "Please describe the activities",
     "Volunteers and police guarded six crossings every school morning."),
    ("q4", "How much did it cost?", "Total: 30,000 EUR over three years."),
    ("q5", "How was it evaluated?", "Walking to school rose from 20 to 35 percent of pupils."),
]


def form_pdf(answers=ANSWERS, extra_fields: int = 0) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setFont("Helvetica-Bold", 14)
    page.drawString(50, 805, "Award application form")
    y = 770
    for name, question, value in answers:
        page.setFont("Helvetica", 9)
        page.drawString(50, y, question)
        page.acroForm.textfield(name=name, tooltip=question, value=value, x=50, y=y - 30,
                                width=490, height=24, fontSize=8, borderWidth=0.5)
        y -= 62
    for number in range(extra_fields):
        page.acroForm.textfield(name=f"f{number}", value="", x=10, y=10, width=5, height=5)
    page.save()
    return buffer.getvalue()


def test_the_answers_of_a_fillable_form_are_read_from_its_fields():
    record, _ = parse_bytes(form_pdf(), "porto.pdf")
    assert record.title == "Safe routes to school in Porto"
    assert (record.city, record.country, record.start_year, record.end_year) == (
        "Porto", "PT", 2017, 2020)
    assert record.partners == ["Schools", "Parents' association", "Municipal police"]
    assert record.context == ANSWERS[5][2]
    assert record.objectives == ANSWERS[6][2]
    assert record.activities == ANSWERS[7][2]
    assert record.evaluation == ANSWERS[9][2]
    assert (record.budget.amount, record.budget.currency) == (30000, "EUR")


def test_a_form_with_ten_thousand_fields_gets_a_clear_error_quickly():
    data = form_pdf(extra_fields=10_000)
    started = time.monotonic()
    with pytest.raises(TooLarge, match="10010 fields"):
        parse_bytes(data, "huge-form.pdf")
    assert time.monotonic() - started < 10
