"""Export and load: JSON lines that round-trip byte for byte, the CSV export, and loads of bad
files that name the file and the line."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from typing import Any

import pytest

from kb.core.errors import LoadError
from kb.service.backup import export_csv, export_jsonl, load_jsonl
from kb.core.errors import KbError
from kb.service.knowledge_base import KnowledgeBase
from tests.samples.records import french_record, make_record

# The CSV export's columns, in order: the contract spreadsheets and scripts rely on.
CSV_HEADER = [
    "id", "status", "title", "city", "country", "organisation", "language", "themes",
    "themes_inferred", "keywords", "start_year", "end_year", "budget_amount", "budget_currency",
    "budget_eur", "budget_basis", "budget_eur_per_year", "budget_text", "budget_funding",
    "partners", "target_groups", "contact_name",
    "contact_email", "context", "objectives", "activities", "evaluation", "extra_sections",
    "source_filename", "source_sha256", "source_format", "imported", "updated", "version",
]


def test_export_load_round_trip_is_byte_identical(populate, search_ids, search_total, tmp_path, kb):
    ids = populate(kb)
    first = io.StringIO()
    assert export_jsonl(kb, first) == 4
    text = first.getvalue()
    lines = text.splitlines()
    assert [json.loads(line)["id"] for line in lines] == sorted(ids.values())
    assert "Saint-Étienne" in text and "£50 000" in text     # UTF-8, not \u escapes

    with KnowledgeBase(tmp_path / "copy") as copy:
        assert load_jsonl(copy, io.StringIO(text), "backup.jsonl") == 4
        again = io.StringIO()
        export_jsonl(copy, again)
        assert again.getvalue() == text
        original, loaded = kb.get(ids["fr"]), copy.get(ids["fr"])
        assert (loaded.record, loaded.status, loaded.created, loaded.updated, loaded.version,
                loaded.source_sha256, loaded.importer_version, loaded.stamp) == (
            original.record, original.status, original.created, original.updated,
            original.version, original.source_sha256, original.importer_version,
            original.stamp)
        assert loaded.record["extra_sections"]["Leçons apprises"].endswith("« toujours ».")
        assert loaded.record["budget"]["currency"] == "GBP"

        assert copy.check().consistent
        assert search_ids(copy, "lucioles") == [ids["fr"]]
        assert search_ids(copy, "stewards") == [ids["en"]]
        assert search_ids(copy, "colegios") == [ids["es"]]
        assert search_ids(copy, "brouillon", status="draft") == [ids["draft"]]
        assert copy.store.count("published") == 3 and copy.store.count("draft") == 1
    # Loading the same backup again replaces by id: nothing doubles.
    with KnowledgeBase(tmp_path / "copy") as copy:
        assert load_jsonl(copy, io.StringIO(text), "backup.jsonl") == 4
        assert copy.store.count() == 4
    with KnowledgeBase(tmp_path / "copy") as copy:
        assert search_total(copy, "", status=None) == 4
        assert copy.check().consistent


def test_export_status_filter(populate, kb):
    ids = populate(kb)
    out = io.StringIO()
    assert export_jsonl(kb, out, "draft") == 1
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == [ids["draft"]]


def test_csv_export(populate, kb):
    ids = populate(kb)
    out = io.StringIO()
    assert export_csv(kb, out) == 4
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == CSV_HEADER
    assert len(rows) == 5
    by_id = {row[0]: dict(zip(CSV_HEADER, row)) for row in rows[1:]}
    assert sorted(by_id) == sorted(ids.values())
    fr = by_id[ids["fr"]]
    assert fr["title"] == "Médiation de nuit « Lumière » à Saint-Étienne"
    assert fr["context"] == ("Des rixes près des bars inquiétaient les habitants.\n"
                             "Deuxième ligne: ça bouge.")
    # Whole amounts without ".0"; what the figure covers, and the figure per year.
    assert (fr["budget_amount"], fr["budget_currency"], fr["budget_eur"]) == (
        "50000", "GBP", "58500")
    assert (fr["budget_basis"], fr["budget_eur_per_year"]) == ("year", "58500")
    assert fr["themes"] == "mediation; nightlife"
    assert fr["partners"] == "Préfecture de la Loire; Bailleurs sociaux"
    assert json.loads(fr["extra_sections"]) == french_record()["extra_sections"]
    assert (fr["source_filename"], fr["source_sha256"], fr["source_format"]) == (
        "médiation-nuit.docx", "a" * 64, "docx")
    assert (fr["status"], fr["version"], fr["contact_email"]) == (
        "published", "1", "zoe.muller@saint-etienne.example.fr")
    draft = by_id[ids["draft"]]
    assert (draft["status"], draft["activities"], draft["budget_eur"]) == ("draft", "", "")
    assert by_id[ids["es"]]["themes_inferred"] == "no"


def test_cli_export_and_load(invoke, populate, project_root, search_ids, tmp_path, kb, home):
    ids = populate(kb)
    backup = tmp_path / "backup.jsonl"
    exported = invoke(home, "export", "-o", str(backup))
    assert exported.exit_code == 0, exported.output
    assert f"Exported 4 record(s) to {backup}." in exported.stderr
    # Standard output, in a real process (a pipe, as in `kb export > backup.jsonl`).
    piped = subprocess.run([sys.executable, "-m", "kb.cli", "--home", str(home), "export"],
                           capture_output=True, cwd=project_root, timeout=60,
                           env={**os.environ, "PYTHONPATH": str(project_root)})
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == backup.read_bytes()

    copy_home = tmp_path / "copy"
    loaded = invoke(copy_home, "load", str(backup))
    assert loaded.exit_code == 0, loaded.output
    assert "Loaded 4 record(s)." in loaded.output
    again = tmp_path / "again.jsonl"
    assert invoke(copy_home, "export", "-o", str(again)).exit_code == 0
    assert again.read_bytes() == backup.read_bytes()
    with KnowledgeBase(copy_home) as copy:
        assert search_ids(copy, "lucioles") == [ids["fr"]]

    table = tmp_path / "sheets.csv"
    result = invoke(home, "export", "--format", "csv", "--status", "published", "-o", str(table))
    assert result.exit_code == 0, result.output
    with open(table, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == CSV_HEADER
    assert sorted(row[0] for row in rows[1:]) == sorted([ids["fr"], ids["en"], ids["es"]])


def _line(record_id: str = "night-stewards-abc", drop: str | None = None,
          **changes: Any) -> str:
    """One line of an export, with some of its keys changed or dropped."""
    data = {"id": record_id, "status": "published", "record": make_record(),
            "source_sha256": None, "importer_version": None,
            "created": "2024-01-01T00:00:00+00:00", "updated": "2024-01-01T00:00:00+00:00",
            "version": 1, **changes}
    if drop:
        del data[drop]
    return json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize("bad_line", [
    "{not json",
    "[1, 2]",
    "null",
    _line(drop="id"),
    _line(status="archived"),
    _line(version="three"),
    _line(record=make_record() | {"country": "XX"}),
    _line(record=make_record() | {"colour": "blue"}),
    _line(record="a sheet"),
    _line(status="draft", record=["not", "a", "record"]),
], ids=["not-json", "a-list", "null", "no-id", "unknown-status", "bad-version",
        "invalid-country", "unknown-field", "record-is-text", "draft-record-is-a-list"])
def test_malformed_line_is_a_load_error_naming_file_and_line(invoke, kb, tmp_path, bad_line):
    text = "\n".join([_line("first-abc"), bad_line, _line("third-abc")]) + "\n"
    with pytest.raises(LoadError) as caught:
        load_jsonl(kb, io.StringIO(text), "backup-2024.jsonl")
    assert isinstance(caught.value, KbError)
    assert caught.value.message.startswith("backup-2024.jsonl line 2 ")
    assert kb.store.count() == 0                        # the load is all or nothing
    assert kb.store.outbox()[0] == []

    path = tmp_path / "backup-2024.jsonl"
    path.write_text(text, encoding="utf-8")
    result = invoke(kb.home, "load", str(path))
    assert result.exit_code == 1
    assert "backup-2024.jsonl line 2" in result.output
    assert isinstance(result.exception, SystemExit), result.exception


def test_load_of_a_file_that_is_not_utf8_is_a_clean_error(invoke, kb, tmp_path):
    path = tmp_path / "edited.jsonl"
    path.write_bytes((_line("first-abc") + "\n").encode("utf-8")
                     + _line("café-abc").encode("latin-1") + b"\n")
    result = invoke(kb.home, "load", str(path))
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), repr(result.exception)[:120]
    assert "edited.jsonl" in result.output
    assert kb.store.count() == 0
