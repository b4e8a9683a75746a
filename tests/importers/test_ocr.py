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
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

from importers.batch import parse_paths
from importers.limits import Limits
from importers.parse import parse_bytes, parse_file
from kb.core.errors import NoTextLayer, ParseTimeout, TooLarge, UnreadableFile
from tests.importers.scans import blank_scan, scan
from tests.importers.test_plain_sheets import (ACTIVITIES, CONTEXT, EVALUATION, OBJECTIVES,
                                               TITLE, platypus_pdf)

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
    assert str(caught.value) == ("big-scan.pdf is a scan of 2 pages, over the limit of 1 pages "
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


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
