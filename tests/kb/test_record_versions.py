"""One rule writes a record version (kb.service.versions): import, reimport, load, edit and
publish all make their StoredRecord there."""

from __future__ import annotations

import ast
import io
from pathlib import Path

from kb.service import importing
from kb.service.backup import export_jsonl, load_jsonl
from kb.service.knowledge_base import KnowledgeBase



def test_only_the_version_module_builds_stored_records(project_root):
    builders = []
    for package in ("kb", "importers", "index", "web"):
        for path in (project_root / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "StoredRecord":
                    builders.append(str(path.relative_to(project_root)))
    # The store builds them from its rows; every new version comes from versions.py.
    assert sorted(set(builders)) == ["kb/service/store.py", "kb/service/versions.py"]


def test_import_then_a_new_file_of_the_same_sheet_is_version_two(minimal_sheet, sheet_docx, tmp_path: Path, sheet_file):
    with KnowledgeBase(tmp_path / "home") as kb:
        importing.import_paths(kb, [sheet_file])
        first = next(iter(kb.store.records()))
        changed = {**minimal_sheet, "sections": [*minimal_sheet["sections"][:4],
                                                 ("Evaluation", "Complaints fell by half.")]}
        newer = tmp_path / "newer.docx"
        newer.write_bytes(sheet_docx(changed))
        report = importing.import_paths(kb, [newer])
        assert [outcome.outcome for outcome in report.files] == ["updated"]
        second = kb.get(first.id)
        assert (second.version, second.created, second.sheet_key) == (
            2, first.created, first.sheet_key)
        assert second.source_sha256 != first.source_sha256


def test_reimport_of_the_same_content_keeps_the_version(tmp_path: Path, sheet_file,
                                                       monkeypatch):
    with KnowledgeBase(tmp_path / "home") as kb:
        importing.import_paths(kb, [sheet_file])
        first = next(iter(kb.store.records()))
        monkeypatch.setattr(importing, "IMPORTER_VERSION", "newer-importer")
        importing.reimport(kb, None, importing.ImportOptions())
        again = kb.get(first.id)
        assert again.version == first.version and again.updated == first.updated
        assert again.importer_version == "newer-importer"


def test_edit_is_the_next_version_and_load_keeps_versions(tmp_path: Path, sheet_file):
    with KnowledgeBase(tmp_path / "home") as kb:
        importing.import_paths(kb, [sheet_file])
        first = next(iter(kb.store.records()))
        edited = kb.save({**first.record, "evaluation": "Checked by the university."},
                         first.status, record_id=first.id, warnings=[])
        assert (edited.version, edited.created, edited.source_sha256) == (
            first.version + 1, first.created, first.source_sha256)
        backup = io.StringIO()
        export_jsonl(kb, backup)
    with KnowledgeBase(tmp_path / "restored") as restored:
        load_jsonl(restored, io.StringIO(backup.getvalue()), "backup.jsonl")
        back = restored.get(first.id)
        assert (back.version, back.created, back.updated, back.sheet_key) == (
            edited.version, edited.created, edited.updated, edited.sheet_key)
