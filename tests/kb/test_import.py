"""`kb import` and `kb reimport` on a real temporary knowledge base: outcomes, reports, zips."""

from __future__ import annotations

import copy
import csv
import errno
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from importers.report import ImportReport
from kb.service import importing
from kb.cli.main import main
from kb.core.search_args import SearchRequest
from kb.service.archive import Archive
from kb.service.knowledge_base import KnowledgeBase
from tests.samples.render import render
from tests.samples.sheets import sheet as demo_sheet


def kb_run(home: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--home", str(home), *args])


def import_run(home: Path, *args: str):
    return kb_run(home, "import", "--workers", "1", "--quiet", *args)


@pytest.fixture
def variant(minimal_sheet) -> Callable[..., dict]:
    """variant(title, city, section=text...) -> the minimal sheet with those changed."""
    def changed(title: str | None = None, city: str | None = None, **sections: str) -> dict:
        sheet = copy.deepcopy(minimal_sheet)
        if title:
            sheet["title"] = title
        if city:
            sheet["meta"] = [(label, city if label == "City" else value)
                             for label, value in sheet["meta"]]
        sheet["sections"] = [(heading, sections.get(heading.lower(), text))
                             for heading, text in sheet["sections"]]
        return sheet
    return changed


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "kb"


def records_of(home: Path) -> list:
    with KnowledgeBase(home) as kb:
        return list(kb.store.records())


def test_import_folder_then_again_changes_nothing(variant, sheet_docx, home, tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "ghent.docx").write_bytes(sheet_docx())
    (folder / "sub" / "lyon.docx").write_bytes(sheet_docx(variant("Night mediators in Lyon", "Lyon")))
    (folder / "notes.txt").write_text("not a sheet")
    first = import_run(home, str(folder), "--report", str(tmp_path / "r.json"))
    assert first.exit_code == 0, first.output
    assert "2 file(s): 2 imported, 0 updated, 0 unchanged" in first.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert {item["outcome"] for item in report["files"]} == {"imported"}
    assert all(item["record_id"] for item in report["files"])
    again = import_run(home, str(folder))
    assert "2 file(s): 0 imported, 0 updated, 2 unchanged" in again.output
    assert len(records_of(home)) == 2
    with KnowledgeBase(home) as kb:
        assert kb.check().consistent
        # The originals are kept as submitted.
        for item in kb.store.records():
            assert kb.archive.read(item.source_sha256)[:2] == b"PK"


def test_same_sheet_as_pdf_and_word_is_one_record(home, tmp_path):
    sheet = demo_sheet("demo01")
    (tmp_path / "a.docx").write_bytes(render(sheet, "docx-styles"))
    (tmp_path / "a.pdf").write_bytes(render(sheet, "pdf-flow"))
    result = import_run(home, str(tmp_path / "a.docx"), str(tmp_path / "a.pdf"),
                        "--report", str(tmp_path / "r.csv"))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "r.csv").read_text("utf-8-sig").splitlines()))
    assert [row["outcome"] for row in rows][0] == "imported"
    assert rows[1]["outcome"] in {"duplicate", "updated"}
    assert rows[0]["record_id"] == rows[1]["record_id"]
    assert len(records_of(home)) == 1


def test_new_version_updates_the_record(variant, sheet_docx, home, tmp_path):
    path = tmp_path / "ghent.docx"
    path.write_bytes(sheet_docx())
    import_run(home, str(path))
    [before] = records_of(home)
    path.write_bytes(sheet_docx(variant(activities="Stewards now also patrol the river banks.")))
    result = import_run(home, str(path))
    assert "1 updated" in result.output
    [after] = records_of(home)
    assert after.id == before.id and after.version == 2 and after.created == before.created
    assert "river banks" in after.record["activities"]
    hits = json.loads(kb_run(home, "search", "river", "--json").output)["hits"]
    assert [hit["id"] for hit in hits] == [after.id]


def test_near_duplicate_is_reported(variant, sheet_docx, home, tmp_path):
    long_text = " ".join(f"Residents and stewards met in street {n} to talk about noise at night."
                         for n in range(40))
    (tmp_path / "a.docx").write_bytes(sheet_docx(variant(context=long_text)))
    (tmp_path / "b.docx").write_bytes(sheet_docx(variant("Night stewards in the old town (copy)",
                                                         context=long_text)))
    import_run(home, str(tmp_path / "a.docx"))
    result = import_run(home, str(tmp_path / "b.docx"), "--report", str(tmp_path / "r.json"))
    [item] = json.loads((tmp_path / "r.json").read_text())["files"]
    first = records_of(home)[0] if records_of(home)[0].id != item["record_id"] else records_of(home)[1]
    assert item["outcome"] == "imported"
    assert item["near_duplicates"] == [first.id]
    assert any("Near-duplicate" in warning for warning in item["warnings"])
    assert result.exit_code == 0


def test_incomplete_sheet_rejected_then_kept_as_draft(minimal_sheet, sheet_docx, home, tmp_path):
    sheet = copy.deepcopy(minimal_sheet)
    sheet["sections"] = [s for s in sheet["sections"] if s[0] != "Objectives"]
    path = tmp_path / "incomplete.docx"
    path.write_bytes(sheet_docx(sheet))
    rejected = import_run(home, str(path), "--report", str(tmp_path / "r.json"))
    assert rejected.exit_code == 1
    [item] = json.loads((tmp_path / "r.json").read_text())["files"]
    assert item["outcome"] == "rejected" and item["error_kind"] == "invalid"
    assert "incomplete.docx" in item["error_message"] and "Objectives" in item["error_message"]
    with KnowledgeBase(home) as kb:
        assert item["sha256"] in kb.archive                 # the original is kept
        assert kb.store.file(item["sha256"]).outcome == "rejected"
    drafted = import_run(home, str(path), "--draft")
    assert "1 draft" in drafted.output
    [draft] = records_of(home)
    assert draft.status == "draft" and draft.record["title"] == minimal_sheet["title"]
    published = json.loads(kb_run(home, "search", "", "--json").output)
    assert published["total"] == 0
    drafts = json.loads(kb_run(home, "search", "", "--status", "draft", "--json").output)
    assert [hit["id"] for hit in drafts["hits"]] == [draft.id]


def test_rerun_after_fixing_picks_up_only_the_fixed_file(variant, sheet_docx, home, tmp_path):
    good = tmp_path / "good.docx"
    bad = tmp_path / "bad.pdf"
    good.write_bytes(sheet_docx())
    bad.write_bytes(b"%PDF-1.4\n broken")
    first = import_run(home, str(tmp_path), "--report", str(tmp_path.parent / "r1.json"))
    assert first.exit_code == 1
    assert "1 imported" in first.output and "1 rejected" in first.output
    assert "Rejected by kind: unreadable 1" in first.output
    bad.unlink()
    (tmp_path / "bad.docx").write_bytes(sheet_docx(variant("Street lighting in Mons", "Mons")))
    second = import_run(home, str(tmp_path), "--report", str(tmp_path.parent / "r2.json"))
    outcomes = {Path(i["file"]).name: i["outcome"]
                for i in json.loads((tmp_path.parent / "r2.json").read_text())["files"]}
    assert outcomes == {"good.docx": "unchanged", "bad.docx": "imported"}
    assert second.exit_code == 0


def test_zip_archive_with_hazards(variant, sheet_docx, home, tmp_path):
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("2024/ghent.docx", sheet_docx())
        zf.writestr("2024/lyon.docx", sheet_docx(variant("Night mediators in Lyon", "Lyon")))
        zf.writestr("../../escape.docx", sheet_docx(variant("Escape", "Paris")))
        zf.writestr("readme.txt", "hello")
        link = zipfile.ZipInfo("link.docx")
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "/etc/passwd")
    result = import_run(home, str(archive), "--report", str(tmp_path / "r.json"))
    report = json.loads((tmp_path / "r.json").read_text())
    outcomes = {item["file"].split("!/")[-1]: (item["outcome"], item["error_kind"])
                for item in report["files"]}
    assert outcomes["2024/ghent.docx"] == ("imported", None)
    assert outcomes["2024/lyon.docx"] == ("imported", None)
    assert outcomes["../../escape.docx"] == ("rejected", "unsafe-archive")
    assert outcomes["link.docx"] == ("rejected", "unsafe-archive")
    assert result.exit_code == 1
    assert not (tmp_path.parent / "escape.docx").exists()
    assert not list(home.rglob("escape.docx"))
    sources = sorted(item.record["source"]["filename"] for item in records_of(home))
    assert sources == ["ghent.docx", "lyon.docx"]        # the names as submitted


def test_dry_run_stores_nothing(sheet_docx, home, tmp_path):
    (tmp_path / "a.docx").write_bytes(sheet_docx())
    result = import_run(home, str(tmp_path / "a.docx"), "--dry-run")
    assert "Dry run, nothing stored: 1 file(s): 1 imported" in result.output
    assert records_of(home) == []
    assert not list((home / "originals").rglob("*")) if (home / "originals").exists() else True
    with KnowledgeBase(home) as kb:
        assert kb.store.files() == []


def test_search_json_shape_and_text_output(sheet_docx, home, tmp_path):
    (tmp_path / "a.docx").write_bytes(sheet_docx())
    import_run(home, str(tmp_path / "a.docx"))
    data = json.loads(kb_run(home, "search", "stewards", "--json").output)
    assert set(data) >= {"total", "hits", "facets", "suggestion"}
    assert data["total"] == 1
    hit = data["hits"][0]
    assert set(hit) >= {"id", "title", "city", "country", "score", "snippet"}
    assert hit["city"] == "Ghent" and hit["country"] == "BE" and hit["score"] > 0
    assert "<mark" in hit["snippet"]
    assert data["facets"]["themes"][0].keys() >= {"value", "count", "selected"}
    text = kb_run(home, "search", "stewards")
    assert "1 sheet(s)" in text.output and "Night stewards in the old town" in text.output


def test_nothing_to_import_is_a_clear_error(home, tmp_path):
    (tmp_path / "empty").mkdir()
    result = import_run(home, str(tmp_path / "empty"))
    assert result.exit_code == 1
    assert "No PDF, Word or zip files found" in result.output
    assert "Traceback" not in result.output


def test_reimport_updates_only_what_the_importers_now_read_differently(sheet_docx, home, tmp_path):
    (tmp_path / "a.docx").write_bytes(sheet_docx())
    import_run(home, str(tmp_path / "a.docx"))
    same = kb_run(home, "reimport", "--workers", "1", "--quiet")
    assert "1 unchanged" in same.output, same.output
    with KnowledgeBase(home) as kb:
        [item] = list(kb.store.records())
        stale = dict(item.record, objectives="What an older importer read.")
        kb.save(stale, record_id=item.id)
    changed = kb_run(home, "reimport", item.id, "--workers", "1", "--quiet")
    assert "1 updated" in changed.output, changed.output
    [after] = records_of(home)
    assert after.record["objectives"] == item.record["objectives"]
    assert after.version == 3


def test_a_rejected_file_submitted_again_is_still_reported(home, tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\n broken")
    import_run(home, str(bad))
    again = import_run(home, str(bad), "--report", str(tmp_path.parent / "r.json"))
    assert again.exit_code == 1
    assert "1 of the unchanged file(s) were rejected before and still are" in again.output
    [item] = json.loads((tmp_path.parent / "r.json").read_text())["files"]
    assert item["outcome"] == "unchanged" and item["error_kind"] == "unreadable"
    assert item["error_message"].startswith("Already submitted and rejected: bad.pdf")


def test_the_index_catches_up_in_shrinking_steps_towards_the_end(tmp_path):
    # So that little is left to index, on one core, once the last file is parsed.
    with KnowledgeBase(tmp_path / "kb") as kb:
        session = importing._Session(kb, importing.ImportOptions(), ImportReport(), None)
        session.expected = 1000
        flushed_at = []
        for taken in range(1, 1001):
            session.taken = taken
            session.unindexed += 1
            if session._index_due():
                flushed_at.append(taken)
                session.unindexed = 0
    assert flushed_at == [200, 400, 600, 800, 900, 950, 975, 1000]


# Faults of one file, and of the disk (issue 15)

CITIES = ("Ghent", "Lyon", "Porto", "Turin", "Graz")


@pytest.fixture
def five_sheets(variant, sheet_docx, tmp_path) -> list[Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    paths = []
    for city in CITIES:
        path = folder / f"{city.lower()}.docx"
        path.write_bytes(sheet_docx(variant(f"Night mediators in {city}", city)))
        paths.append(path)
    return paths


def vanishing(monkeypatch, before_parse: set[str], after_parse: set[str]) -> None:
    """Files deleted while the import runs: before the workers parse them, or after (between
    the parse and the archive)."""
    real = importing.iter_results

    def results(paths, *args, **kwargs):
        for path in paths:
            if Path(path).name in before_parse:
                Path(path).unlink()
        iterator = real(paths, *args, **kwargs)
        try:
            for result in iterator:
                if Path(result.file).name in after_parse:
                    Path(result.file).unlink()
                yield result
        finally:
            iterator.close()
    monkeypatch.setattr(importing, "iter_results", results)


def test_a_file_that_vanishes_during_import_is_that_files_outcome(five_sheets, home,
                                                                  monkeypatch):
    vanishing(monkeypatch, before_parse={"lyon.docx"}, after_parse={"turin.docx"})
    with KnowledgeBase(home) as kb:
        report = importing.import_paths(kb, [five_sheets[0].parent],
                                        importing.ImportOptions(workers=1))
        outcomes = {Path(item.file).name: item for item in report.files}
        assert set(outcomes) == {path.name for path in five_sheets}
        assert {name: item.outcome for name, item in outcomes.items()} == {
            "ghent.docx": "imported", "lyon.docx": "rejected", "porto.docx": "imported",
            "turin.docx": "rejected", "graz.docx": "imported"}
        assert outcomes["turin.docx"].error_kind == "unreadable"
        assert "turin.docx cannot be read" in str(outcomes["turin.docx"].error_message)
        # The others are stored and indexed: nothing waits for the next write.
        assert kb.check().consistent
        found = kb.search(SearchRequest(q="mediators"))
        assert sorted(hit["city"] for hit in found["hits"]) == ["Ghent", "Graz", "Porto"]


def test_kb_import_reports_a_vanished_file_and_goes_on(five_sheets, home, monkeypatch):
    vanishing(monkeypatch, before_parse=set(), after_parse={"porto.docx"})
    result = import_run(home, str(five_sheets[0].parent))
    assert "Traceback" not in result.output
    assert "5 file(s): 4 imported" in result.output
    assert "Rejected by kind: unreadable 1" in result.output
    assert len(records_of(home)) == 4


def test_a_full_disk_stops_storing_and_says_so(five_sheets, home, monkeypatch):
    # The disk fills when the third original is archived.
    real = Archive.add_file
    calls = []

    def full_after_two(self, source, sha256=None):
        calls.append(source)
        if len(calls) >= 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, source, sha256)
    monkeypatch.setattr(Archive, "add_file", full_after_two)
    result = import_run(home, str(five_sheets[0].parent))
    assert "Traceback" not in result.output, result.output
    assert "No space left on the disk of" in result.output
    assert "5 file(s): 2 imported" in result.output
    stored = records_of(home)
    assert len(stored) == 2
    with KnowledgeBase(home) as kb:
        assert kb.check().consistent


def test_a_file_another_process_stored_meanwhile_is_unchanged(five_sheets, home, monkeypatch):
    # Two imports of one file at once: each found it new, the first stored it first.
    with KnowledgeBase(home) as kb:
        importing.import_paths(kb, [five_sheets[0]], importing.ImportOptions(workers=1))
        monkeypatch.setattr(importing._Session, "_still_current", lambda self, known: False)
        [again] = importing.import_paths(kb, [five_sheets[0]],
                                         importing.ImportOptions(workers=1)).files
        assert again.outcome == "unchanged" and again.record_id
        assert len(list(kb.store.records())) == 1
