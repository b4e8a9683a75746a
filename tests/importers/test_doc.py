"""Legacy Word 97-2003 (.doc) sheets read through antiword (Debian's antiword): the record
as from any other format; without antiword, or for a .doc it cannot read, one clear message
naming the file."""

from __future__ import annotations

import pytest

from importers import guard
from importers.batch import parse_paths
from importers.parse import parse_bytes, parse_file
from kb.core.errors import UnreadableFile, UnsupportedFormat
from tests.importers.test_guard import cfb_bytes
from tests.importers.worddoc import word97

SHEET = "\n".join([
    "Night stewards in the old town",
    "City: Ghent",
    "Country: Belgium",
    "Themes: Nightlife; mediation",
    "Period: 2019 - 2022",
    "Contact: Eva Claes – eva.claes@gent.example.be",
    "Context",
    "Noise and fights near bars and cafés worried residents of the old town.",
    "Objectives",
    "Calm the streets at night and keep bars open.",
    "Activities",
    "Pairs of stewards walk the bar streets on weekend nights.",
    "Budget",
    "EUR 120,000 per year, funded by the City of Ghent.",
    "Evaluation",
    "Complaints fell by a third in two years.",
])


def test_a_doc_sheet_is_read_through_antiword():
    record, _warnings = parse_bytes(word97(SHEET), "stewards.doc")
    assert record.title == "Night stewards in the old town"
    assert (record.city, record.country, record.start_year, record.end_year) == (
        "Ghent", "BE", 2019, 2022)
    assert set(record.themes) == {"nightlife", "mediation"}
    # Read as Unicode: the accent and the dash of the cp1252 text come through.
    assert record.context == "Noise and fights near bars and cafés worried residents of the old town."
    assert (record.contact.name, record.contact.email) == ("Eva Claes", "eva.claes@gent.example.be")
    assert record.activities == "Pairs of stewards walk the bar streets on weekend nights."
    assert record.evaluation == "Complaints fell by a third in two years."
    assert (record.budget.amount, record.budget.currency) == (120000, "EUR")
    assert record.source.format == "doc"


def test_a_doc_through_the_parsing_workers(tmp_path):
    path = tmp_path / "stewards.doc"
    path.write_bytes(word97(SHEET))
    [result] = parse_paths([path], workers=1)
    assert result.ok and result.record.city == "Ghent"


def test_sniff_says_doc_for_word_97_and_still_refuses_other_binary_office_files():
    assert guard.sniff_format(word97(SHEET), "stewards.doc") == "doc"
    with pytest.raises(UnsupportedFormat):
        guard.sniff_format(cfb_bytes("Workbook"), "sheet.xls")


def test_without_antiword_a_doc_is_a_clear_unsupported_format(tmp_path, monkeypatch):
    path = tmp_path / "stewards.doc"
    path.write_bytes(word97(SHEET))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = parse_file(path)
    assert isinstance(result.error, UnsupportedFormat)
    assert result.error.kind == "unsupported-format"
    assert str(result.error) == (
        "stewards.doc is an old Word 97-2003 document (.doc) and antiword, which reads them, is "
        "not installed; install antiword (see Legacy Word files in the README), or save it as "
        ".docx or PDF and submit it again.")


@pytest.mark.parametrize("data", [
    cfb_bytes("WordDocument", "1Table"),
    # A .doc whose text mentions EncryptionInfo is still just an old .doc.
    cfb_bytes("WordDocument", stream=b"x" + "EncryptionInfo\0".encode("utf-16-le") * 4),
], ids=["empty-streams", "mentions-encryption"])
def test_a_doc_antiword_cannot_read_is_an_error_naming_the_file(tmp_path, data):
    path = tmp_path / "old.doc"
    path.write_bytes(data)
    result = parse_file(path)
    assert isinstance(result.error, UnreadableFile)
    message = str(result.error)
    assert message.startswith("old.doc is an old Word 97-2003 document (.doc) that antiword "
                              "could not read (")
    assert message.endswith("save it as .docx or PDF and submit it again.")
    assert "/tmp" not in message and "kb-doc-" not in message
