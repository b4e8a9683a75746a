"""Legacy Word 97-2003 (.doc) sheets read through antiword (Debian's antiword): the record
as from any other format; without antiword and LibreOffice, or for a .doc they cannot read,
one clear message naming the file (LibreOffice's part: tests/importers/test_doc_soffice.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from importers import guard
from importers.batch import parse_paths
from importers.parse import parse_bytes, parse_file
from kb.core.errors import UnreadableFile, UnsupportedFormat
from tests.importers.test_guard import cfb_bytes
from tests.importers.worddoc import word97

def hide_programs(monkeypatch: pytest.MonkeyPatch, folder: Path, *names: str) -> None:
    """Set PATH to a folder of links to every program on PATH but `names` (LibreOffice's
    launcher script needs the usual tools)."""
    folder.mkdir()
    for directory in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(directory):
            continue
        for entry in os.scandir(directory):
            link = folder / entry.name
            if entry.name not in names and not link.exists() and os.access(entry.path, os.X_OK):
                link.symlink_to(entry.path)
    monkeypatch.setenv("PATH", str(folder))


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
    assert_sheet_read(record)


def assert_sheet_read(record) -> None:
    """SHEET's fields, whichever program read the .doc."""
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


def test_without_antiword_or_libreoffice_a_doc_is_a_clear_unsupported_format(tmp_path,
                                                                          monkeypatch):
    path = tmp_path / "stewards.doc"
    path.write_bytes(word97(SHEET))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = parse_file(path)
    assert isinstance(result.error, UnsupportedFormat)
    assert result.error.kind == "unsupported-format"
    assert str(result.error) == (
        "stewards.doc is an old Word 97-2003 document (.doc) and neither antiword nor "
        "LibreOffice, which read them, is installed; install antiword or LibreOffice (see Legacy "
        "Word files in the README), or save it as .docx or PDF and submit it again.")


@pytest.mark.parametrize("data", [
    cfb_bytes("WordDocument", "1Table"),
    # A .doc whose text mentions EncryptionInfo is still just an old .doc.
    cfb_bytes("WordDocument", stream=b"x" + "EncryptionInfo\0".encode("utf-16-le") * 4),
], ids=["empty-streams", "mentions-encryption"])
def test_a_doc_antiword_cannot_read_is_an_error_naming_the_file(tmp_path, monkeypatch, data):
    hide_programs(monkeypatch, tmp_path / "bin", "soffice", "libreoffice")
    path = tmp_path / "old.doc"
    path.write_bytes(data)
    result = parse_file(path)
    assert isinstance(result.error, UnreadableFile)
    message = str(result.error)
    assert message.startswith("old.doc is an old Word 97-2003 document (.doc) that antiword "
                              "could not read (")
    assert message.endswith("save it as .docx or PDF and submit it again.")
    assert "/tmp" not in message and "kb-doc-" not in message
