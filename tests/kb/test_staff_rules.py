"""What staff have not seen is not published, and what staff edited is kept (issue 14): a new
version of a published sheet imported as a draft waits beside it; `kb reimport` keeps fields
staff edited by hand unless --overwrite-edits; a contact e-mail cut at a line break keeps its
sheet from publication."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from click.testing import CliRunner, Result

from kb.cli.main import main
from kb.core.search_args import SearchRequest
from kb.service.audit import AuditLog
from kb.service.knowledge_base import KnowledgeBase


def kb_run(home: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--home", str(home), *args])


def import_run(home: Path, *args: str) -> Result:
    return kb_run(home, "import", "--workers", "1", "--quiet", *args)


def found(home: Path, words: str, status: str = "published") -> list[str]:
    hits = json.loads(kb_run(home, "search", words, "--status", status, "--json").output)["hits"]
    return [hit["id"] for hit in hits]


def changed(sheet: dict, **fields: str | None) -> dict:
    """The sheet with sections or "Label: value" lines changed (None: left out)."""
    sheet = copy.deepcopy(sheet)
    sheet["sections"] = [(heading, fields.get(heading.lower(), text))
                         for heading, text in sheet["sections"]
                         if fields.get(heading.lower(), text) is not None]
    sheet["meta"] = [(label, fields.get(label.lower(), value)) for label, value in sheet["meta"]]
    return sheet


def test_an_incomplete_new_version_of_a_published_sheet_waits_beside_it(
        minimal_sheet, sheet_docx, home, tmp_path):
    path = tmp_path / "ghent.docx"
    path.write_bytes(sheet_docx())
    assert import_run(home, str(path)).exit_code == 0
    [published] = found(home, "stewards")
    # The new version lost its objectives: kept as a draft, it must not replace what is public.
    newer = tmp_path / "ghent-2025.docx"
    newer.write_bytes(sheet_docx(changed(minimal_sheet, objectives=None,
                                         activities="Stewards now also patrol the riverbanks.")))
    result = import_run(home, str(newer), "--draft", "--report", str(tmp_path / "r.json"))
    assert "1 draft" in result.output, result.output
    [item] = json.loads((tmp_path / "r.json").read_text())["files"]
    assert item["record_id"] == published
    assert any("waits beside it for staff review" in warning for warning in item["warnings"])
    assert found(home, "riverbanks") == [] and found(home, "riverbanks", "all") == []
    assert found(home, "stewards") == [published]
    with KnowledgeBase(home) as kb:
        stored = kb.get(published)
        assert (stored.status, stored.version) == ("published", 1)
        assert stored.record["objectives"] == "Calm the streets at night and keep bars open."
        assert "riverbanks" in stored.pending.record["activities"]
        assert stored.pending.source_sha256 == item["sha256"]
        assert [w.code for w in stored.warnings][:1] == ["new-version-waiting"]
        assert kb.check().consistent
        assert kb.index.search(SearchRequest(q="riverbanks", status=None)).total == 0


def test_kb_import_review_stores_drafts_and_keeps_the_published_version(
        minimal_sheet, sheet_docx, home, tmp_path):
    (tmp_path / "ghent.docx").write_bytes(sheet_docx())
    import_run(home, str(tmp_path / "ghent.docx"))
    (tmp_path / "lyon.docx").write_bytes(sheet_docx(changed(
        dict(minimal_sheet, title="Night mediators in Lyon"), city="Lyon", country="France")))
    (tmp_path / "ghent-2.docx").write_bytes(sheet_docx(changed(
        minimal_sheet, evaluation="Complaints fell by half in three years.")))
    result = import_run(home, str(tmp_path / "lyon.docx"), str(tmp_path / "ghent-2.docx"),
                        "--review")
    assert "0 imported, 0 updated, 0 unchanged, 0 duplicate, 2 draft" in result.output, \
        result.output
    assert found(home, "Lyon") == [] and found(home, "half") == []
    with KnowledgeBase(home) as kb:
        statuses = {item.record["title"]: (item.status, item.pending is not None)
                    for item in kb.store.records()}
    assert statuses == {"Night mediators in Lyon": ("draft", False),
                        "Night stewards in the old town": ("published", True)}


def test_a_cut_contact_e_mail_keeps_a_new_sheet_a_draft(minimal_sheet, sheet_docx, home,
                                                        tmp_path):
    path = tmp_path / "ghent.docx"
    path.write_bytes(sheet_docx(changed(minimal_sheet,
                                        contact="Eva Claes – eva.claes@gent.exampl")))
    result = import_run(home, str(path), "--report", str(tmp_path / "r.json"))
    assert "1 draft" in result.output, result.output
    [item] = json.loads((tmp_path / "r.json").read_text())["files"]
    assert any(warning.startswith("Contact e-mail eva.claes@gent.exampl ends in .exampl")
               for warning in item["warnings"])
    assert found(home, "stewards") == []


# kb reimport and staff edits

def _edited_by_staff(home: Path, tmp_path: Path, sheet_docx) -> str:
    """A sheet imported, then corrected by staff (city), and with objectives an older
    importer read wrongly; the id."""
    (tmp_path / "ghent.docx").write_bytes(sheet_docx())
    import_run(home, str(tmp_path / "ghent.docx"))
    with KnowledgeBase(home) as kb:
        [item] = list(kb.store.records())
        kb.save(dict(item.record, city="Gent"), record_id=item.id, warnings=[])
        AuditLog(kb.store).record("alice", "edit", item.id, {"fields": ["city"]})
        kb.save(dict(kb.get(item.id).record, objectives="What an older importer read."),
                record_id=item.id)
    return item.id


def test_reimport_keeps_the_fields_staff_edited_and_says_so(sheet_docx, home, tmp_path):
    record_id = _edited_by_staff(home, tmp_path, sheet_docx)
    result = kb_run(home, "reimport", "--workers", "1", "--quiet",
                    "--report", str(tmp_path / "r.json"))
    assert result.exit_code == 0, result.output
    assert "1 updated" in result.output
    assert f"{record_id}: Kept as staff edited them: city" in result.output
    [item] = json.loads((tmp_path / "r.json").read_text())["files"]
    assert any(w.startswith("Kept as staff edited them: city") for w in item["warnings"])
    with KnowledgeBase(home) as kb:
        after = kb.get(record_id)
    assert after.record["city"] == "Gent"                      # staff's
    assert after.record["objectives"] == "Calm the streets at night and keep bars open."
    # Asked for, the importers' reading replaces staff's too.
    again = kb_run(home, "reimport", "--workers", "1", "--quiet", "--overwrite-edits")
    assert "1 updated" in again.output and "Kept as staff" not in again.output, again.output
    with KnowledgeBase(home) as kb:
        assert kb.get(record_id).record["city"] == "Ghent"


def test_reimport_with_nothing_else_to_change_keeps_the_edit_and_the_version(
        sheet_docx, home, tmp_path):
    record_id = _edited_by_staff(home, tmp_path, sheet_docx)
    kb_run(home, "reimport", "--workers", "1", "--quiet")
    with KnowledgeBase(home) as kb:
        version = kb.get(record_id).version
    result = kb_run(home, "reimport", "--workers", "1", "--quiet")
    assert "1 unchanged" in result.output, result.output
    assert f"{record_id}: Kept as staff edited them: city" in result.output
    with KnowledgeBase(home) as kb:
        assert (kb.get(record_id).version, kb.get(record_id).record["city"]) == (version, "Gent")


def test_reimport_diff_says_which_changes_staff_edits_keep_out(sheet_docx, home, tmp_path):
    record_id = _edited_by_staff(home, tmp_path, sheet_docx)
    result = kb_run(home, "reimport", "--diff", "--workers", "1")
    assert f"{record_id}: 2 field(s) would change" in result.output, result.output
    assert "  city: (edited by staff: kept unless --overwrite-edits)" in result.output
    assert "  objectives:\n" in result.output


def _published_with_a_waiting_version(minimal_sheet, sheet_docx, home, tmp_path) -> str:
    (tmp_path / "ghent.docx").write_bytes(sheet_docx())
    assert import_run(home, str(tmp_path / "ghent.docx")).exit_code == 0
    [published] = found(home, "stewards")
    (tmp_path / "ghent-2025.docx").write_bytes(sheet_docx(changed(
        minimal_sheet, activities="Stewards now also patrol the riverbanks.")))
    assert "1 draft" in import_run(home, str(tmp_path / "ghent-2025.docx"), "--review").output
    return published


def test_a_backup_keeps_the_waiting_version_and_the_review_warnings(
        minimal_sheet, sheet_docx, home, tmp_path):
    published = _published_with_a_waiting_version(minimal_sheet, sheet_docx, home, tmp_path)
    backup = tmp_path / "backup.jsonl"
    assert kb_run(home, "export", "--output", str(backup)).exit_code == 0
    copy = tmp_path / "copy"
    result = kb_run(copy, "load", str(backup))
    assert result.exit_code == 0, result.output
    with KnowledgeBase(home) as kb, KnowledgeBase(copy) as restored:
        before, after = kb.get(published), restored.get(published)
        assert after.pending is not None
        assert after.pending.record == before.pending.record
        assert after.pending.source_sha256 == before.pending.source_sha256
        assert [str(w) for w in after.warnings] == [str(w) for w in before.warnings]
        assert [w.code for w in after.warnings][:1] == ["new-version-waiting"]
        assert [item.id for item in restored.store.review_queue()] == [published]
        # Still waiting: the restored public search serves the published version only.
        assert restored.index.search(SearchRequest(q="riverbanks", status=None)).total == 0
    again = tmp_path / "again.jsonl"
    kb_run(copy, "export", "--output", str(again))
    assert again.read_bytes() == backup.read_bytes()


def test_kb_pending_lists_shows_and_applies_a_waiting_version(
        minimal_sheet, sheet_docx, home, tmp_path):
    published = _published_with_a_waiting_version(minimal_sheet, sheet_docx, home, tmp_path)
    listed = kb_run(home, "pending")
    assert listed.exit_code == 0 and published in listed.output
    assert "ghent-2025.docx" in listed.output and "1 new version(s)" in listed.output
    shown = kb_run(home, "pending", published)
    assert shown.exit_code == 0, shown.output
    assert "activities" in shown.output and "+ Stewards now also patrol the riverbanks." \
        in shown.output and "Nothing stored" in shown.output
    assert found(home, "riverbanks") == []
    applied = kb_run(home, "pending", published, "--apply")
    assert applied.exit_code == 0, applied.output
    assert "version 2" in applied.output
    assert found(home, "riverbanks") == [published]
    with KnowledgeBase(home) as kb:
        stored = kb.get(published)
        assert stored.pending is None and stored.version == 2
        assert "new-version-waiting" not in [getattr(w, "code", None) for w in stored.warnings]
        [entry] = AuditLog(kb.store).entries(record_id=published, action="reparse")
        assert entry.user == "command line" and "activities" in entry.detail
    assert "0 new version(s)" in kb_run(home, "pending").output
    again = kb_run(home, "pending", published, "--apply")
    assert again.exit_code == 1 and "No new version waits" in again.output


def test_kb_pending_set_aside_keeps_the_published_sheet(minimal_sheet, sheet_docx, home,
                                                        tmp_path):
    published = _published_with_a_waiting_version(minimal_sheet, sheet_docx, home, tmp_path)
    assert kb_run(home, "pending", "--apply").exit_code == 1
    result = kb_run(home, "pending", published, "--set-aside")
    assert result.exit_code == 0 and "stays as it is (version 1)" in result.output
    with KnowledgeBase(home) as kb:
        stored = kb.get(published)
        assert stored.pending is None and stored.version == 1
    assert found(home, "riverbanks") == [] and found(home, "stewards") == [published]


def test_a_new_file_of_a_sheet_staff_corrected_keeps_their_corrections(
        minimal_sheet, sheet_docx, home, tmp_path):
    """A draft (kb import --review) and a sheet published at once (kb import): a new file of
    either takes the file's changes but not over what staff corrected by hand."""
    for flags in (("--review",), ()):
        home = tmp_path / f"home{len(flags)}"       # each its own, the files new to it
        (tmp_path / "ghent.docx").write_bytes(sheet_docx())
        assert import_run(home, str(tmp_path / "ghent.docx"), *flags).exit_code == 0
        with KnowledgeBase(home) as kb:
            [item] = list(kb.store.records())
            kb.save(dict(item.record, city="Gent"), record_id=item.id, status=item.status,
                    warnings=[])
            AuditLog(kb.store).record("alice", "edit", item.id, {"fields": ["city"]})
            status = item.status
        assert status == ("draft" if flags else "published")
        (tmp_path / "ghent-2.docx").write_bytes(sheet_docx(changed(
            minimal_sheet, activities="Stewards now also patrol the riverbanks.")))
        result = import_run(home, str(tmp_path / "ghent-2.docx"), *flags,
                            "--report", str(tmp_path / "r.json"))
        assert result.exit_code == 0, result.output
        [report] = json.loads((tmp_path / "r.json").read_text())["files"]
        assert any(w.startswith("Kept as staff edited them: city") for w in report["warnings"]), \
            (flags, report["warnings"])
        with KnowledgeBase(home) as kb:
            after = kb.get(item.id)
            assert (after.record["city"], after.status) == ("Gent", status)     # staff's
            assert "riverbanks" in after.record["activities"]                  # the file's
            assert after.source_sha256 == report["sha256"]
            assert not any("Kept as staff" in str(w) for w in after.warnings)
