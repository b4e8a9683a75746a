"""`kb show`, `kb delete` and `kb stats` on a real knowledge base: text and JSON, exit statuses."""

from __future__ import annotations

import json

import pytest

from kb.service.store import FileRow
from tests.samples.records import french_record, make_record, other_record


def test_kb_show_text_and_json(invoke, kb, home, clock):
    sha = kb.archive.add_bytes(b"the Word file")
    record = french_record()
    record["source"]["sha256"] = sha
    stored = kb.save(record, source_sha256=sha, importer_version="imp-2")
    kb.store.put_file(FileRow(sha, "médiation-nuit.docx", "docx", 13, stored.id, "imported",
                              None, None, "imp-2", clock[0], clock[0]))

    text = invoke(home, "show", stored.id)
    assert text.exit_code == 0, text.output
    assert text.output.startswith(
        f"Médiation de nuit « Lumière » à Saint-Étienne  [{stored.id}, published]\n")
    assert "  city: Saint-Étienne\n" in text.output
    assert "  themes: mediation, nightlife\n" in text.output
    assert "  budget: £50 000 par an (≈ 58,500 EUR)\n" in text.output
    assert "\nLeçons apprises\nTravailler avec les gérants" in text.output
    assert (f"From médiation-nuit.docx (docx, sha256 {sha}), importer imp-2; imported "
            f"{clock[0]}, updated {clock[0]}, version 1.") in text.output

    as_json = invoke(home, "show", stored.id, "--json")
    assert as_json.exit_code == 0
    data = json.loads(as_json.output)
    assert data == {"id": stored.id, "status": "published", "record": record,
                    "provenance": kb.get(stored.id).provenance(),
                    "files": ["médiation-nuit.docx"]}
    assert data["provenance"]["sha256"] == sha


def test_kb_delete(invoke, search_ids, kb, home):
    kept = kb.save(other_record("Burglary forecasting"))
    gone = kb.save(make_record())

    refused = invoke(home, "delete", gone.id, input="n\n")
    assert refused.exit_code == 1
    assert kb.store.get(gone.id) is not None

    result = invoke(home, "delete", gone.id, "--yes")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Deleted {gone.id}."
    assert kb.store.get(gone.id) is None
    assert search_ids(kb, "stewards") == []
    assert search_ids(kb, "burglary") == [kept.id]
    assert kb.check().consistent


@pytest.mark.parametrize("record_id", ["no-such-sheet-12345678", "../etc", "x" * 300])
def test_kb_delete_unknown_is_a_clean_error(invoke, kb, home, record_id):
    kb.save(make_record())
    result = invoke(home, "delete", record_id, "--yes")
    assert result.exit_code != 0
    assert "No sheet with id" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert kb.store.count() == 1


def test_kb_stats_json_counts(invoke, populate, kb, home, clock):
    populate(kb)
    kb.store.put_file(FileRow("b" * 64, "broken.pdf", None, 10, None, "rejected", "unreadable",
                              "broken", "imp-2", clock[0], clock[0]))
    kb.store.put_file(FileRow("a" * 64, "médiation-nuit.docx", "docx", 10, None, "imported",
                              None, None, "imp-2", clock[0], clock[0]))
    result = invoke(home, "stats", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["published"], data["drafts"], data["total"]) == (3, 1, 3)
    assert data["files"] == {"imported": 1, "rejected": 1}
    assert data["budget"]["count"] == 3
    assert data["budget"]["total"] == 120000.0 + 58500.0 + 1260000.0
    countries = {bucket["value"]: bucket["count"] for bucket in data["facets"]["country"]}
    assert countries == {"BE": 1, "ES": 1, "FR": 1}


@pytest.mark.parametrize("command", [["search", "x"], ["stats"], ["export"], ["check"],
                                     ["show", "x"], ["user", "list"], ["audit"]])
def test_a_read_command_on_a_mistyped_home_makes_no_home(invoke, tmp_path, command):
    typo = tmp_path / "kb-dtaa"
    result = invoke(typo, *command)
    assert result.exit_code == 1
    assert "There is no knowledge base at" in result.output and "--home" in result.output
    assert not typo.exists()
