"""Two-column PDFs read column by column, by two writers (reportlab platypus frames, fpdf2
cells placed by hand), including a page whose second column holds only a few lines beside a
long first column (the last page of a sheet: its budget beside the end of its activities)."""

from __future__ import annotations

import io

import pytest
from fpdf import FPDF
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import BaseDocTemplate, Frame, FrameBreak, PageTemplate, Paragraph

from importers.parse import parse_bytes

TITLE = "Second chance: neighbourhood mediators in Brasov"
FACTS = ["City: Brasov", "Country: Romania", "Themes: Social mediation", "Period: 2016 - 2019"]
CONTEXT = ("Quarrels between neighbours over noise, parking and rubbish had been rising for "
           "years in the Tractorul estate, and the police were called for most of them although "
           "few were offences. Residents said that nobody listened to them and that conflicts "
           "often grew into threats and damage before anyone stepped in.")
OBJECTIVES = ("Settle conflicts between neighbours early, before they turn into threats or "
              "damage, and give residents a place where they are heard by someone neutral.")
ACTIVITIES = ("Twelve residents were trained as volunteer mediators over six weekends with the "
              "university's law clinic. They held an open office twice a week in the community "
              "centre, visited the parties of each conflict at home and brought them together "
              "for a mediation meeting when both agreed. A coordinator from the city council "
              "followed every case, kept a register of agreements and called the parties again "
              "after three months to ask whether the agreement still held. Posters in every "
              "stairwell and a stand at the estate's summer fair made the service known.")
BUDGET = ("The initiative cost RON 400,000 over the whole period, mostly for the coordinator. "
          "Co-funded by the European Social Fund.")
LEFT = [("Context", CONTEXT), ("Objectives", OBJECTIVES), ("Activities", ACTIVITIES)]
RIGHT = [("Budget", BUDGET)]


def platypus_two_columns() -> bytes:
    """Title and facts across the page, then two frames: the sections flow down the left
    one, the budget stands at the top of the right one (a few lines)."""
    out = io.BytesIO()
    body = ParagraphStyle("b", fontName="Times-Roman", fontSize=10, leading=12.5)
    head = ParagraphStyle("h", fontName="Times-Bold", fontSize=12, leading=15, spaceBefore=4)
    big = ParagraphStyle("t", fontName="Times-Bold", fontSize=17, leading=21)
    width, height = A4
    top = Frame(50, height - 170, width - 100, 120, id="top")
    left = Frame(50, 60, (width - 100) / 2 - 8, height - 240, id="left")
    right = Frame(width / 2 + 8, 60, (width - 100) / 2 - 8, height - 240, id="right")
    document = BaseDocTemplate(out, pagesize=A4, invariant=1)
    document.addPageTemplates([PageTemplate(frames=[top, left, right])])
    story = [Paragraph(TITLE, big)] + [Paragraph(fact, body) for fact in FACTS] + [FrameBreak()]
    for heading, text in LEFT:
        story += [Paragraph(heading, head), Paragraph(text, body)]
    story.append(FrameBreak())
    for heading, text in RIGHT:
        story += [Paragraph(heading, head), Paragraph(text, body)]
    document.build(story)
    return out.getvalue()


def fpdf_two_columns() -> bytes:
    """The same sheet with fpdf2 cells placed by hand in two columns (Helvetica)."""
    document = FPDF(format="A4")
    document.set_auto_page_break(False)
    document.add_page()
    document.set_font("Helvetica", "B", 16)
    document.set_xy(15, 15)
    document.multi_cell(180, 8, TITLE)
    document.set_font("Helvetica", size=10)
    for fact in FACTS:
        document.set_x(15)
        document.cell(180, 6, fact, new_x="LMARGIN", new_y="NEXT")
    column_top = document.get_y() + 6
    for x, sections in ((15, LEFT), (110, RIGHT)):
        document.set_xy(x, column_top)
        for heading, text in sections:
            document.set_font("Helvetica", "B", 11)
            document.set_x(x)
            document.cell(85, 7, heading, new_x="LEFT", new_y="NEXT")
            document.set_font("Helvetica", size=10)
            document.set_x(x)
            document.multi_cell(85, 5, text, new_x="LEFT", new_y="NEXT")
    return bytes(document.output())


@pytest.mark.parametrize("writer", [platypus_two_columns, fpdf_two_columns],
                         ids=lambda writer: writer.__name__)
def test_a_short_second_column_is_read_after_the_first(writer):
    record, _warnings = parse_bytes(writer(), "brasov.pdf")
    assert record.title == TITLE
    assert (record.city, record.country, record.start_year, record.end_year) == (
        "Brasov", "RO", 2016, 2019)
    assert (record.context, record.objectives, record.activities) == (
        CONTEXT, OBJECTIVES, ACTIVITIES)
    assert (record.budget.amount, record.budget.currency) == (400000, "RON")
    assert record.budget.text == BUDGET
