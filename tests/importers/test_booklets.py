"""Booklets: one PDF or Word file holding several sheets one after another gives one record
per sheet, in order, each with its position in the file; a sheet that cannot be imported is
refused alone; a file of one sheet is read as before."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from docx import Document as WordDocument
from docx.enum.text import WD_BREAK
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from importers.limits import DEFAULT_LIMITS
from importers.parse import parse_file
from kb.core.errors import InvalidRecord

# (title, [(label, value)] metadata, [(heading, text)] sections), in four languages.
SHEETS = [
    ("Night buses for young people in Lyon",
     [("City", "Lyon"), ("Country", "France"), ("Themes", "Nightlife"), ("Period", "2018 - 2020")],
     [("Context", "Young people left the city centre late at night with no way home."),
      ("Objectives", "Bring young people home safely after midnight."),
      ("Activities", "Three night bus lines ran on Fridays and Saturdays with trained staff."),
      ("Budget", "Total: 45,000 EUR"),
      ("Evaluation", "Fights at the last tram stops fell by half in two years.")]),
    ("Médiateurs de nuit dans le quartier de la gare",
     [("Ville", "Marseille"), ("Pays", "France"), ("Thèmes", "Médiation"),
      ("Période", "2016 - 2019")],
     [("Contexte", "Les habitants se plaignaient du bruit et des conflits autour de la gare."),
      ("Objectifs", "Apaiser les conflits de voisinage la nuit par la médiation."),
      ("Activités", "Six médiateurs ont parcouru le quartier trois nuits par semaine."),
      ("Budget", "Total : 120 000 EUR"),
      ("Évaluation", "Les plaintes pour bruit ont baissé de 30 % en trois ans.")]),
    ("Patios escolares abiertos en verano",
     [("Ciudad", "Sevilla"), ("País", "España"), ("Temas", "Espacios públicos"),
      ("Periodo", "2019 - 2022")],
     [("Contexto", "Los barrios del sur no tenían espacios de juego a la sombra en verano."),
      ("Objetivos", "Abrir los patios de los colegios a las familias durante el verano."),
      ("Actividades", "Doce colegios abrieron sus patios con monitores por las tardes."),
      ("Presupuesto", "Total: 80.000 EUR"),
      ("Evaluación", "Más de 4.000 niños usaron los patios cada verano.")]),
    ("Nachbarschaftsgärten gegen Vandalismus",
     [("Stadt", "Leipzig"), ("Land", "Deutschland"), ("Themen", "Öffentlicher Raum"),
      ("Zeitraum", "2017 - 2021")],
     [("Kontext", "Zwischen den Wohnblöcken lagen leere Rasenflächen und Garagen."),
      ("Ziele", "Den Bewohnern einen gemeinsamen Ort geben und Vandalismus verringern."),
      ("Aktivitäten", "Die Bewohner bauten mit dem Jugendclub zwölf Hochbeete."),
      ("Kosten", "Gesamt: 18.000 EUR"),
      ("Evaluation", "Die Meldungen über Vandalismus sanken im ersten Jahr um ein Drittel.")]),
]
TITLES = [sheet[0] for sheet in SHEETS]


def _lines(sheet) -> list[tuple[str, str]]:
    """(kind, text) of one sheet: its title, metadata lines, section headings and texts."""
    title, meta, sections = sheet
    out = [("title", title)]
    out += [("meta", f"{label}: {value}") for label, value in meta]
    for heading, text in sections:
        out += [("heading", heading), ("body", text)]
    return out


def platypus_booklet(sheets=SHEETS) -> bytes:
    """A designed compendium: large bold titles, bold headings, a page per sheet."""
    styles = {"title": ParagraphStyle("t", fontName="Helvetica-Bold", fontSize=18, leading=22),
              "heading": ParagraphStyle("h", fontName="Helvetica-Bold", fontSize=12, leading=15),
              "meta": ParagraphStyle("m", fontName="Helvetica", fontSize=10, leading=12),
              "body": ParagraphStyle("b", fontName="Helvetica", fontSize=10, leading=12)}
    story = []
    for number, sheet in enumerate(sheets):
        if number:
            story.append(PageBreak())
        story += [Paragraph(text, styles[kind]) for kind, text in _lines(sheet)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1).build(story)
    return buffer.getvalue()


def plain_booklet(sheets=SHEETS) -> bytes:
    """One font and size throughout, drawn line by line: only the page breaks and the
    repeated labels show where a sheet ends."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    for sheet in sheets:
        y = 800
        for _, text in _lines(sheet):
            page.setFont("Helvetica", 10)
            page.drawString(60, y, text)
            y -= 14
        page.showPage()
    page.save()
    return buffer.getvalue()


def word_booklet(sheets=SHEETS) -> bytes:
    """Heading 1 titles, Heading 2 sections, a page break before each sheet."""
    document = WordDocument()
    for number, sheet in enumerate(sheets):
        if number:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        for kind, text in _lines(sheet):
            if kind == "title":
                document.add_heading(text, level=1)
            elif kind == "heading":
                document.add_heading(text, level=2)
            else:
                document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _parse(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return parse_file(path)


@pytest.mark.parametrize("name, make", [("compendium.pdf", platypus_booklet),
                                        ("plain-compendium.pdf", plain_booklet),
                                        ("compendium.docx", word_booklet)])
def test_a_booklet_gives_one_record_per_sheet_in_order(tmp_path, name, make):
    result = _parse(tmp_path, name, make())
    assert result.ok, [part.error for part in result.sheets() if part.error]
    records = [part.record for part in result.sheets()]
    assert [record.title for record in records] == TITLES
    assert [record.city for record in records] == ["Lyon", "Marseille", "Sevilla", "Leipzig"]
    assert [record.language for record in records] == ["en", "fr", "es", "de"]
    assert [record.budget.amount for record in records] == [45000, 120000, 80000, 18000]
    assert [record.source.part for record in records] == [1, 2, 3, 4]
    assert all(record.source.filename == name for record in records)
    assert records[2].objectives.startswith("Abrir los patios")
    assert "Zwischen den Wohnblöcken" not in records[2].evaluation


@pytest.mark.parametrize("make", [platypus_booklet, plain_booklet])
def test_each_sheet_of_a_pdf_booklet_knows_its_pages(tmp_path, make):
    result = _parse(tmp_path, "compendium.pdf", make())
    pages = [(part.record.source.first_page, part.record.source.last_page)
             for part in result.sheets()]
    assert pages == [(1, 1), (2, 2), (3, 3), (4, 4)]
    assert result.sheets()[1].where == "part 2 of 4, page 2"


def test_a_bad_sheet_is_refused_alone_and_named_by_its_place(tmp_path):
    title, meta, sections = SHEETS[1]
    broken = (title, meta, [s for s in sections if s[0] != "Contexte"])  # no context
    result = _parse(tmp_path, "compendium.pdf",
                    platypus_booklet([SHEETS[0], broken, SHEETS[2]]))
    assert not result.ok
    parts = result.sheets()
    assert [part.ok for part in parts] == [True, False, True]
    assert [parts[0].record.title, parts[2].record.title] == [TITLES[0], TITLES[2]]
    assert isinstance(parts[1].error, InvalidRecord)
    assert "compendium.pdf (part 2 of 3, page 2)" in str(parts[1].error.message)
    assert parts[1].error.draft["title"] == title


@pytest.mark.parametrize("make", [platypus_booklet, plain_booklet, word_booklet])
def test_a_file_of_one_sheet_is_one_record_as_before(tmp_path, make):
    result = _parse(tmp_path, "sheet.pdf" if make is not word_booklet else "sheet.docx",
                    make(SHEETS[:1]))
    assert result.ok and not result.parts
    assert result.record.title == TITLES[0]
    assert result.record.source.part is None
    assert "part" not in result.record.to_dict()["source"]


def test_a_section_named_twice_in_one_sheet_does_not_split_it(tmp_path):
    """A summary box naming the objectives and activities, then the body naming them again
    under the same headings, with no title between: one sheet."""
    title, meta, sections = SHEETS[0]
    summary = [("Objectives", "In short: safe journeys home."),
               ("Activities", "In short: night buses.")]
    result = _parse(tmp_path, "sheet.pdf", platypus_booklet([(title, meta, summary + sections)]))
    assert result.ok and not result.parts
    assert "night bus lines" in result.record.activities


@pytest.mark.parametrize("make", [platypus_booklet, word_booklet])
def test_a_sheet_naming_its_objectives_in_other_words_still_ends_at_the_next(tmp_path, make):
    """A heading no label names but whose words do ("Objectives of the project", "Ziele des
    Projekts"), which extraction reads as the section: the splitter reads it so too, and
    the sheet after it is a sheet of its own, not more of it."""
    renamed = {"Objectives": "Objectives of the project", "Ziele": "Ziele des Projekts"}
    sheets = [(title, meta, [(renamed.get(heading, heading), text) for heading, text in sections])
              for title, meta, sections in SHEETS]
    result = _parse(tmp_path, "compendium.pdf" if make is platypus_booklet else "compendium.docx",
                    make(sheets))
    assert result.ok, [part.error for part in result.sheets() if part.error]
    records = [part.record for part in result.sheets()]
    assert [record.title for record in records] == TITLES
    assert records[0].objectives == "Bring young people home safely after midnight."
    assert records[3].objectives.startswith("Den Bewohnern einen gemeinsamen Ort")
    assert [record.city for record in records] == ["Lyon", "Marseille", "Sevilla", "Leipzig"]


def test_a_booklet_of_300_pages_gives_its_75_sheets_in_time(tmp_path):
    """The page limit's worth of booklet (300 pages, 75 sheets of four pages each, their
    activities running over two pages) is split within the per-file time limit."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    titles = []
    for number in range(75):
        title, meta, sections = SHEETS[number % len(SHEETS)]
        titles.append(f"{title} ({number + 1})")
        lines = _lines((titles[-1], meta, sections))
        # title, metadata, context, objectives | activities | more activities | the rest
        pages = [lines[:9], lines[9:11], [("body", f"Activity report {n}.") for n in range(40)],
                 lines[11:]]
        for lines_of_page in pages:
            y = 800
            for _, text in lines_of_page:
                page.setFont("Helvetica", 10)
                page.drawString(60, y, text)
                y -= 14
            page.showPage()
    page.save()
    started = time.monotonic()
    result = _parse(tmp_path, "compendium.pdf", buffer.getvalue())
    elapsed = time.monotonic() - started
    assert result.ok
    assert [part.record.title for part in result.sheets()] == titles
    assert result.sheets()[-1].where == "part 75 of 75, pages 297-300"
    assert "Activity report 39." in result.sheets()[10].record.activities
    assert elapsed < DEFAULT_LIMITS.timeout / 2, elapsed


# An award's entry forms bound into one PDF: every sheet's page opens with its title and the
# same numbered questions, the answers below them (no label names a section by itself).
QUESTIONS = ["1. In which city?", "2. In which country?", "3. Which themes does it address?",
             "4. What problem did the project address?", "5. What were its aims?",
             "6. Please describe the activities", "7. How much did it cost?",
             "8. How was it evaluated?"]


def forms_booklet(sheets=SHEETS) -> bytes:
    title = ParagraphStyle("t", fontName="Helvetica-Bold", fontSize=15, leading=19)
    question = ParagraphStyle("q", fontName="Helvetica-Bold", fontSize=10, leading=13,
                              spaceBefore=6)
    answer = ParagraphStyle("a", fontName="Helvetica", fontSize=10, leading=13)
    story = []
    for number, (name, meta, sections) in enumerate(sheets):
        if number:
            story.append(PageBreak())
        values = dict(meta)
        answers = [values[meta[0][0]], values[meta[1][0]], values[meta[2][0]],
                   *[text for _heading, text in sections]]
        story.append(Paragraph(name, title))
        for asked, text in zip(QUESTIONS, answers):
            story += [Paragraph(asked, question), Paragraph(text, answer)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, invariant=1).build(story)
    return out.getvalue()


def test_a_booklet_of_entry_forms_splits_at_each_sheets_questions(tmp_path):
    result = _parse(tmp_path, "entries.pdf", forms_booklet())
    records = [part.record for part in result.parts]
    assert all(records), [str(part.error) for part in result.parts]
    assert [record.title for record in records] == TITLES
    # The first question opens every page, as a running header would, and is kept.
    assert [record.city for record in records] == ["Lyon", "Marseille", "Sevilla", "Leipzig"]
    assert [record.evaluation for record in records] == [sheet[2][4][1] for sheet in SHEETS]
    assert [part.where for part in result.parts] == [
        f"part {n} of 4, page {n}" for n in range(1, 5)]
