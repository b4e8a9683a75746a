"""Scanned sheets (PDFs of images, no text layer) read by OCR with Tesseract: the record as
the text version gives it, with a warning to check it; a clear error, never a traceback, when
Tesseract is missing, fails, finds nothing, or the scan is over the page or time limit."""

from __future__ import annotations

import difflib
import io
import os
import stat
import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

from importers.batch import parse_paths
from importers.limits import Limits
from importers.parse import parse_bytes, parse_file
from kb.core.errors import NoTextLayer, ParseTimeout, TooLarge, UnreadableFile
from tests.importers.scans import blank_scan, scan
from tests.importers.test_plain_sheets import (ACTIVITIES, BUDGET_LINES, CONTEXT, EVALUATION,
                                               OBJECTIVES, TITLE, platypus_pdf)

BODY = ParagraphStyle("b", fontName="Helvetica", fontSize=11, leading=14)
HEAD = ParagraphStyle("h", fontName="Helvetica-Bold", fontSize=12, leading=16, spaceBefore=6)
BIG = ParagraphStyle("t", fontName="Helvetica-Bold", fontSize=18, leading=22, spaceAfter=8)

FRENCH = {
    "title": "Médiateurs de nuit dans le quartier de la gare",
    "meta": [("Ville", "Lyon"), ("Pays", "France"), ("Thèmes", "Médiation sociale ; vie nocturne"),
             ("Période", "2018 - 2022"), ("Contact", "Claire Dubois, claire.dubois@lyon.example.fr")],
    "sections": [
        ("Contexte", "Les habitants du quartier de la gare se plaignaient du bruit et des "
                     "bagarres près des bars, surtout le week-end."),
        ("Objectifs", "Apaiser les rues la nuit et rétablir le dialogue entre les habitants, "
                      "les gérants de bars et les jeunes."),
        ("Activités", "Des binômes de médiateurs parcourent les rues du jeudi au samedi, de "
                      "22 heures à 4 heures, et rencontrent chaque mois les riverains."),
        ("Budget", "Budget total : 45 000 EUR par an, financé par la Ville de Lyon."),
        ("Évaluation", "Les plaintes pour bruit ont baissé d'un tiers en deux ans selon la "
                       "police municipale."),
    ],
}


def french_pdf(page_break: bool = False) -> bytes:
    """A French sheet as a designed PDF: a large title, "Label : value" facts, bold headings;
    with `page_break`, the activities and what follows on a second page."""
    story = [Paragraph(FRENCH["title"], BIG)]
    story += [Paragraph(f"<b>{label} :</b> {value}", BODY) for label, value in FRENCH["meta"]]
    story.append(Spacer(1, 8))
    for heading, text in FRENCH["sections"]:
        if page_break and heading == "Activités":
            story.append(PageBreak())
        story += [Paragraph(heading, HEAD), Paragraph(text, BODY)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, invariant=1).build(story)
    return out.getvalue()


def similarity(a: str | None, b: str) -> float:
    return difflib.SequenceMatcher(None, a or "", b).ratio()


def sections(record) -> tuple:
    return (record.title, record.context, record.objectives, record.activities,
            record.evaluation)


def test_a_scan_is_read_by_ocr_as_its_text_version_with_a_warning():
    text_record, text_warnings = parse_bytes(platypus_pdf(), "garden.pdf")
    record, warnings = parse_bytes(scan(platypus_pdf()), "garden-scan.pdf")
    assert sections(record) == sections(text_record) == (TITLE, CONTEXT, OBJECTIVES,
                                                         ACTIVITIES, EVALUATION)
    assert (record.city, record.country, record.start_year, record.end_year) == (
        "Leipzig", "DE", 2019, 2021)
    assert (record.budget.amount, record.budget.currency) == (770, "EUR")
    assert record.themes == ["public-spaces"]
    assert [w.code for w in warnings] == ["ocr-read"] + [w.code for w in text_warnings]
    assert "OCR" in warnings[0] and "check" in warnings[0]
    assert not any(w.code == "ocr-read" for w in text_warnings)


def test_a_french_scan_of_two_pages_keeps_accents_facts_and_sections():
    record, warnings = parse_bytes(scan(french_pdf(page_break=True), skew=-0.3, seed=3),
                                   "mediateurs-scan.pdf")
    assert record.language == "fr"
    assert record.source.pages == 2
    assert (record.title, record.city, record.country) == (FRENCH["title"], "Lyon", "FR")
    assert (record.start_year, record.end_year) == (2018, 2022)
    assert set(record.themes) == {"mediation", "nightlife"}
    # OCR misreads a letter here and there ("prés" for "près"): the sections are the
    # sheet's, all but a few characters, which is what the warning asks staff to check.
    texts = dict(FRENCH["sections"])
    for field, heading in (("context", "Contexte"), ("objectives", "Objectifs"),
                           ("activities", "Activités"), ("evaluation", "Évaluation")):
        assert similarity(getattr(record, field), texts[heading]) >= 0.97, field
    assert (record.budget.amount, record.budget.currency) == (45000, "EUR")
    assert record.contact.email == "claire.dubois@lyon.example.fr"
    assert warnings[0].code == "ocr-read"


def test_a_scan_through_the_parsing_workers_keeps_the_warning(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(scan(french_pdf()))
    [result] = parse_paths([path], workers=1)
    assert result.ok and result.record.city == "Lyon"
    assert "ocr-read" in result.as_json()["warning_codes"]


def fake_tesseract(folder: Path, body: str) -> Path:
    """A `tesseract` program on PATH that lists the languages and then does `body`."""
    program = folder / "tesseract"
    program.write_text("#!/bin/sh\nif [ \"$1\" = --list-langs ]; then\n"
                       "  echo 'List of available languages (2):'; echo eng; echo fra; exit 0\n"
                       f"fi\n{body}\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return folder


def test_without_tesseract_a_scan_is_a_clear_error_naming_the_file(tmp_path, monkeypatch):
    path = tmp_path / "garden-scan.pdf"
    path.write_bytes(scan(platypus_pdf()))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = parse_file(path)
    assert isinstance(result.error, NoTextLayer)
    assert result.error.kind == "no-text"
    message = str(result.error)
    assert message.startswith("garden-scan.pdf has no text layer")
    assert "tesseract-ocr" in message and "README" in message


def test_a_scan_past_the_ocr_page_limit_is_refused_before_any_ocr():
    data = scan(french_pdf(page_break=True))
    started = time.monotonic()
    with pytest.raises(TooLarge) as caught:
        parse_bytes(data, "big-scan.pdf", Limits(max_ocr_pages=1))
    assert time.monotonic() - started < 1.0
    assert str(caught.value) == ("big-scan.pdf has 2 scanned pages, over the limit of 1 pages "
                                 "read by OCR; split it, or submit the original document.")


def test_ocr_stops_at_the_files_time_limit(tmp_path, monkeypatch):
    folder = fake_tesseract(tmp_path, "sleep 30")
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    started = time.monotonic()
    with pytest.raises(ParseTimeout) as caught:
        parse_bytes(scan(platypus_pdf()), "slow-scan.pdf", Limits(timeout=2.0))
    assert time.monotonic() - started < 6.0
    assert str(caught.value).startswith("slow-scan.pdf is a scan and reading it by OCR took "
                                        "longer than 1.8 s")


def test_a_failing_tesseract_is_an_error_naming_file_page_and_reason(tmp_path, monkeypatch):
    folder = fake_tesseract(tmp_path, "echo 'Error, could not initialize tesseract.' >&2; exit 1")
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    result = parse_file(_write(tmp_path / "scan.pdf", scan(platypus_pdf())))
    assert isinstance(result.error, UnreadableFile)
    assert str(result.error) == ("scan.pdf is a scan and Tesseract could not read its page 1 "
                                 "(Error, could not initialize tesseract.); scan it again, or "
                                 "submit the original document.")


def test_tesseract_writing_garbage_is_an_error_not_a_traceback(tmp_path, monkeypatch):
    folder = fake_tesseract(tmp_path, "cat > /dev/null; echo '<html><body><p>'")
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    result = parse_file(_write(tmp_path / "scan.pdf", scan(platypus_pdf())))
    assert isinstance(result.error, UnreadableFile)
    assert str(result.error).startswith("scan.pdf is a scan and Tesseract could not read its "
                                        "page 1 (")


def test_a_scan_of_blank_pages_says_ocr_found_no_text(tmp_path):
    result = parse_file(_write(tmp_path / "blank.pdf", blank_scan(2)))
    assert isinstance(result.error, NoTextLayer)
    assert str(result.error).startswith("blank.pdf has no text layer and OCR found no text")


# A sheet on three pages: its facts and context, then what it did and spent, then how it was
# evaluated.
THREE_PAGES = [
    [(TITLE, BIG), ("<b>City:</b> Leipzig", BODY), ("<b>Country:</b> Germany", BODY),
     ("<b>Themes:</b> Public spaces and urban design", BODY), ("<b>Period:</b> 2019 - 2021", BODY),
     ("Context", HEAD), (CONTEXT, BODY)],
    [("Objectives", HEAD), (OBJECTIVES, BODY), ("Activities", HEAD), (ACTIVITIES, BODY),
     ("Budget", HEAD), *((line, BODY) for line in BUDGET_LINES)],
    [("Evaluation", HEAD), (EVALUATION, BODY)],
]


def three_page_pdf(scanned: tuple[int, ...]) -> bytes:
    """The three-page sheet with the `scanned` pages (1-based) as scans (images, no text
    layer) and the others as text, as a city's office assembles a signed page into a PDF."""
    story = []
    for number, page in enumerate(THREE_PAGES):
        if number:
            story.append(PageBreak())
        story += [Paragraph(text, style) for text, style in page]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, invariant=1).build(story)
    text = out.getvalue()
    return _assembled(text, scan(text, seed=5), scanned)


def _assembled(text: bytes, images: bytes, scanned: tuple[int, ...]) -> bytes:
    writer = PdfWriter()
    for number, (page, image) in enumerate(zip(PdfReader(io.BytesIO(text)).pages,
                                               PdfReader(io.BytesIO(images)).pages), start=1):
        writer.add_page(image if number in scanned else page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_scanned_page_of_a_pdf_with_text_is_read_by_ocr_and_named():
    record, warnings = parse_bytes(three_page_pdf(scanned=(2,)), "garden-signed.pdf")
    # Objectives, activities and the budget are only on the scanned page.
    assert similarity(record.objectives, OBJECTIVES) >= 0.97
    assert similarity(record.activities, ACTIVITIES) >= 0.97
    assert (record.budget.amount, record.budget.currency) == (770, "EUR")
    assert (record.title, record.city, record.start_year) == (TITLE, "Leipzig", 2019)
    assert (record.context, record.evaluation) == (CONTEXT, EVALUATION)
    assert record.source.pages == 3
    assert warnings[0].code == "ocr-read"
    assert warnings[0].startswith("The text of the scanned page(s) 2 was read by OCR; check")


def test_a_pdf_with_text_and_no_scan_is_not_given_to_ocr(tmp_path, monkeypatch):
    # A page of one small picture (a photo of a poster, a logo) has no text layer either: it
    # is not a scan of the page, and OCR would only guess at it. Tesseract, if run, fails.
    folder = fake_tesseract(tmp_path, "exit 1")
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=1)
    picture = Image.new("L", (300, 200), 255)
    ImageDraw.Draw(picture).text((10, 90), "Objectives: none of these words", fill=0)
    png = io.BytesIO()
    picture.save(png, "PNG")
    page.drawImage(ImageReader(io.BytesIO(png.getvalue())), 200, 400, 180, 120)
    page.showPage()
    page.save()
    picture_page = PdfReader(io.BytesIO(out.getvalue())).pages[0]
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(platypus_pdf())))
    writer.add_page(picture_page)
    data = io.BytesIO()
    writer.write(data)
    record, warnings = parse_bytes(data.getvalue(), "garden-photo.pdf")
    assert record.objectives == OBJECTIVES
    assert not any(w.code.startswith("ocr") for w in warnings)


def test_without_tesseract_the_scanned_pages_unread_are_named(tmp_path, monkeypatch):
    path = _write(tmp_path / "garden-signed.pdf", three_page_pdf(scanned=(2,)))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = parse_file(path)
    # What was on the scan is missing, and the sheet says why and what to do.
    assert result.error.kind == "invalid"
    [unread] = [w for w in result.error.warnings if w.code == "ocr-scans-unread"]
    assert unread.startswith("Page(s) 2 are scans and were not read")
    assert "tesseract-ocr" in unread


def test_scanned_pages_past_the_ocr_page_limit_are_refused_before_any_ocr():
    data = three_page_pdf(scanned=(2, 3))
    started = time.monotonic()
    with pytest.raises(TooLarge) as caught:
        parse_bytes(data, "signed.pdf", Limits(max_ocr_pages=1))
    assert time.monotonic() - started < 1.5
    assert str(caught.value).startswith("signed.pdf has 2 scanned pages, over the limit of 1 ")


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
