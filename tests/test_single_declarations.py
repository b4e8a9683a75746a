"""Concepts declared once (issue 11): one fold, one language list, one currency table, one
folder walk, one table of zip limits; each former copy now gives the declaration's answer."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

import importers.text
import index.analysis
import kb.core.countries
from importers import guard, submissions
from importers.fields import parse_budget
from importers.language import STOPWORDS
from importers.limits import ZIP_LIMITS
from index.analysis import plain_analyzer
from kb.cli.main import main
from kb.core import languages, money, record
from kb.core.text import fold
from kb.core.thesaurus import _words

SAMPLE = "Œuvre Straße Ĳssel Ærø"


def test_the_ground_folds_accents_case_and_ligatures():
    assert fold(SAMPLE) == "oeuvre strasse ijssel aero"


def test_no_module_declares_a_fold_of_its_own():
    for module in (kb.core.countries, importers.text, index.analysis):
        assert getattr(module, "fold", fold) is fold


def test_the_thesaurus_and_the_index_fold_words_alike():
    assert _words(SAMPLE) == ("oeuvre", "strasse", "ijssel", "aero")
    assert [t.text for t in plain_analyzer()(SAMPLE)] == ["oeuvre", "strasse", "ijssel", "aero"]


def test_one_language_list():
    assert languages.LANGUAGES is index.analysis.LANGUAGES
    # The record accepts the network's seven and the other languages sheets come in.
    assert record.SHEET_LANGUAGES is languages.SHEET_LANGUAGES
    assert languages.SHEET_LANGUAGES[:len(languages.LANGUAGES)] == languages.LANGUAGES
    assert set(STOPWORDS) == set(languages.SHEET_LANGUAGES)
    assert set(languages.TRANSLATED_LANGUAGES) == set(languages.LANGUAGES) - {"en"}


def test_rates_and_written_forms_come_from_one_currency_table():
    assert set(money.RATES_TO_EUR) == {currency.code for currency in money.CURRENCIES}
    # "zł" folds to "zl" now that the fold spells "ł" out: both read as zloty.
    assert parse_budget("12 000 złoty")["currency"] == "PLN"
    assert parse_budget("12 000 zl")["currency"] == "PLN"
    # A code that is also a word is never read off the text.
    assert (parse_budget("all 5000 spent") or {}).get("currency") != "ALL"


def test_kb_parse_skips_in_a_folder_what_kb_import_skips(sheet_file, tmp_path):
    folder = tmp_path / "sheets"
    folder.mkdir()
    kept = folder / "sheet.pdf"
    kept.write_bytes(sheet_file.read_bytes())
    (folder / ".hidden.pdf").write_bytes(sheet_file.read_bytes())
    (folder / "~$lock.docx").write_bytes(b"lock")
    (folder / "link.pdf").symlink_to(kept)
    collected = submissions.collect([folder], tmp_path / "work")
    assert [s.name for s in collected.submissions] == [str(kept)]
    assert submissions.sheet_files([folder]) == [kept]
    result = CliRunner().invoke(main, ["parse", str(folder), "--workers", "1"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("{")]
    assert len(lines) == 1 and "sheet.pdf" in lines[0]


def test_the_zip_limits_live_in_one_table():
    assert submissions.MAX_MEMBERS == ZIP_LIMITS.max_archive_members == 10_000
    assert submissions.MAX_ARCHIVE_DEPTH == ZIP_LIMITS.max_archive_depth == 3
    assert guard.MAX_ZIP_MEMBERS == ZIP_LIMITS.max_package_members
    assert submissions.MAX_COMPRESSION_RATIO == guard.MAX_COMPRESSION_RATIO
    readme = " ".join((Path(__file__).parents[1] / "README.md").read_text("utf-8").split())
    assert re.search(r"more than 10,000 members or nesting deeper than three zips", readme)
