"""parse_bytes/parse_file: a record, or an error with a kind and a message naming the file."""

import io

import docx
import pytest

from importers.limits import Limits
from importers.parse import parse_bytes, parse_file
from kb.core.errors import InvalidRecord, NotASheet, TooLarge


def test_minimal_sheet_parses_to_a_record(sheet_file):
    result = parse_file(sheet_file)
    assert result.ok, result.error
    record = result.record
    assert record.title == "Night stewards in the old town"
    assert (record.city, record.country, record.language) == ("Ghent", "BE", "en")
    assert record.themes == ["nightlife", "mediation"]
    assert (record.start_year, record.end_year) == (2019, 2022)
    assert record.budget.amount == 120000 and record.budget.funding == ["City of Ghent"]
    assert record.contact.email == "eva.claes@gent.example.be"
    assert record.source.format == "docx" and record.source.filename == "ghent-stewards.docx"
    assert len(record.source.sha256) == 64


def test_missing_sections_are_named(minimal_sheet, sheet_docx):
    sheet = {**minimal_sheet, "sections": [("Context", "Only a context.")]}
    with pytest.raises(InvalidRecord) as info:
        parse_bytes(sheet_docx(sheet), "partial.docx")
    message = info.value.message
    assert message.startswith("partial.docx is not a complete practice sheet")
    assert "Objectives is missing" in message and "Activities is missing" in message
    assert set(info.value.fields) == {"objectives", "activities"}


def test_a_letter_is_not_a_sheet():
    document = docx.Document()
    document.add_paragraph("Dear colleagues, please find our report attached. Best regards.")
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(NotASheet) as info:
        parse_bytes(out.getvalue(), "letter.docx")
    assert "letter.docx" in info.value.message


def test_size_limit(sheet_file):
    result = parse_file(sheet_file, Limits(max_bytes=1000))
    assert isinstance(result.error, TooLarge)
    assert "ghent-stewards.docx" in result.error.message


def test_missing_file_is_a_clear_error(tmp_path):
    result = parse_file(tmp_path / "nowhere.pdf")
    assert result.error.kind == "unreadable" and "nowhere.pdf" in result.error.message


def test_wrong_extension_is_read_by_content(sheet_docx, tmp_path):
    path = tmp_path / "sheet.pdf"
    path.write_bytes(sheet_docx())
    result = parse_file(path)
    assert result.ok and result.record.source.format == "docx"


def test_warnings_for_review(minimal_sheet, sheet_docx):
    sheet = {**minimal_sheet,
             "meta": [("City", "Ghent"), ("Country", "Narnia")],
             "sections": [s for s in minimal_sheet["sections"] if s[0] not in ("Budget", "Evaluation")]}
    record, warnings = parse_bytes(sheet_docx(sheet), "w.docx")
    text = " ".join(warnings)
    assert "'Narnia' is not a known country" in text
    assert "No budget figure" in text and "no evaluation" in text
    assert record.country is None and record.evaluation is None
