"""A file name too long for a file system (3,000 characters, inside a zip) is imported under
a shortened name, and its outcome says so (issue 15, item 11): never lost as 'unreadable'."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from click.testing import CliRunner

from kb.cli.main import main
from kb.service.importing import MAX_NAME_BYTES, shortened_name
from kb.service.knowledge_base import KnowledgeBase

LONG = "Sécurité urbaine " + "n" * 3000 + ".docx"


def test_a_long_name_in_a_zip_is_imported_shortened_and_the_outcome_says_so(
        tmp_path: Path, home: Path, sheet_docx):
    bundle = tmp_path / "sheets.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr(LONG, sheet_docx())
    report = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["--home", str(home), "import", str(bundle),
                                       "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert "1 imported" in result.output and "Traceback" not in result.output
    [outcome] = json.loads(report.read_text())["files"]
    assert outcome["outcome"] == "imported" and outcome["file"] == f"{bundle}!/{LONG}"
    [warning] = [item for item in outcome["warnings_data"] if item["code"] == "name-shortened"]
    kept = warning["params"]["name"]
    assert warning["params"]["length"] == len(LONG)
    assert kept.startswith("Sécurité urbaine nnn") and kept.endswith(".docx")
    assert len(kept.encode()) <= MAX_NAME_BYTES
    assert f"{len(LONG)} characters long" in " ".join(outcome["warnings"])
    with KnowledgeBase(home) as kb:
        assert kb.get(outcome["record_id"]).record["source"]["filename"] == kept


def test_a_name_that_fits_is_kept_whole(tmp_path: Path, home: Path, sheet_docx):
    bundle = tmp_path / "sheets.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("Ghent – night stewards.docx", sheet_docx())
    report = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["--home", str(home), "import", str(bundle),
                                       "--report", str(report)])
    assert result.exit_code == 0, result.output
    [outcome] = json.loads(report.read_text())["files"]
    assert not any(item["code"] == "name-shortened" for item in outcome["warnings_data"])


def test_shortening_keeps_the_extension_and_whole_characters():
    assert shortened_name("report.pdf") == "report.pdf"
    cut = shortened_name("é" * 300 + ".PDF")
    assert cut.endswith(".PDF") and len(cut.encode()) <= MAX_NAME_BYTES
    assert set(cut[:-4]) == {"é"}                  # no half of a two-byte letter left
    assert shortened_name("x" * 500) == "x" * MAX_NAME_BYTES      # no extension to keep
