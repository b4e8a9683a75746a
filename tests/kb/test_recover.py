"""`kb recover` rebuilds a lost database from the archive of originals (issue 15, item 5), and
`kb import <home>/originals` reads the archive's files, which have no extension, by content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kb.cli.main import main
from kb.service.knowledge_base import KnowledgeBase
from tests.samples.render import render
from tests.samples.sheets import sheet as demo_sheet


def kb_run(home: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--home", str(home), *args])


@pytest.fixture
def imported(home: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A home of three sheets (two Word, one PDF) and one rejected file; returns it and the
    title of each record id."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.docx").write_bytes(render(demo_sheet("demo01"), "docx-styles"))
    (folder / "two.docx").write_bytes(render(demo_sheet("demo02"), "docx-styles"))
    (folder / "three.pdf").write_bytes(render(demo_sheet("demo03"), "pdf-flow"))
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 nothing after this")
    result = kb_run(home, "import", "--workers", "1", "--quiet", str(folder))
    assert "3 imported" in result.output, result.output
    with KnowledgeBase(home) as kb:
        titles = {item.id: item.record["title"] for item in kb.store.records()}
    assert len(titles) == 3
    return home, titles


def lose_database(home: Path) -> None:
    for path in home.glob("kb.sqlite3*"):
        path.unlink()


def test_recover_rebuilds_the_store_and_the_index_from_the_originals(imported, tmp_path):
    home, titles = imported
    lose_database(home)
    assert kb_run(home, "search", "night").exit_code == 1      # refused, as before
    result = kb_run(home, "recover", "--workers", "1", "--quiet",
                    "--report", str(tmp_path / "r.json"))
    assert result.exit_code == 0, result.output
    assert "Recovered 3 sheet(s) from 4 original(s)" in result.output
    assert "Traceback" not in result.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert sorted(item["outcome"] for item in report["files"]) == [
        "imported", "imported", "imported", "rejected"]
    with KnowledgeBase(home) as kb:
        # Same ids as before the loss (ids come from the sheet, not from the database).
        assert {item.id: item.record["title"] for item in kb.store.records()} == titles
        assert kb.check().consistent
    for record_id, title in titles.items():
        hits = json.loads(kb_run(home, "search", title, "--json").output)["hits"]
        assert record_id in [hit["id"] for hit in hits]
    # Run again: nothing new, nothing lost.
    again = kb_run(home, "recover", "--workers", "1", "--quiet")
    assert again.exit_code == 0 and "4 unchanged" in again.output, again.output
    assert "Recovered 3 sheet(s)" in again.output


def test_recover_drops_index_entries_no_original_gives_back(imported):
    home, titles = imported
    gone = next(iter(titles))
    with KnowledgeBase(home) as kb:
        sha = kb.get(gone).source_sha256
    lose_database(home)
    KnowledgeBase(home, recovering=True).close()
    (home / "originals" / sha[:2] / sha).unlink()
    result = kb_run(home, "recover", "--workers", "1", "--quiet")
    assert "Recovered 2 sheet(s)" in result.output, result.output
    with KnowledgeBase(home) as kb:
        assert gone not in {item.id for item in kb.store.records()}
        assert kb.check().consistent


def test_recover_without_an_archive_says_so(home):
    result = kb_run(home, "recover")
    assert result.exit_code == 1
    assert "no archive of originals" in result.output and "Traceback" not in result.output


def test_the_refusal_of_a_lost_database_names_kb_recover(imported):
    home, _ = imported
    lose_database(home)
    assert "kb recover" in kb_run(home, "stats").output


def test_kb_import_reads_the_archive_files_by_content(imported, tmp_path):
    home, titles = imported
    other = tmp_path / "other"
    result = kb_run(other, "import", "--workers", "1", "--quiet", str(home / "originals"))
    assert "4 file(s): 3 imported" in result.output, result.output
    with KnowledgeBase(other) as kb:
        assert {item.id for item in kb.store.records()} == set(titles)


def test_a_folder_holding_the_home_is_imported_without_its_archive(imported, tmp_path):
    home, _ = imported
    assert home.parent == tmp_path
    result = kb_run(home, "import", "--workers", "1", "--quiet", str(tmp_path),
                    "--report", str(tmp_path / "r.json"))
    names = {Path(item["file"]).name for item in json.loads((tmp_path / "r.json").read_text())["files"]}
    assert names == {"one.docx", "two.docx", "three.pdf", "broken.pdf"}, result.output


def test_recover_drafts_brings_the_sheets_back_for_review(imported, tmp_path):
    home, titles = imported
    lose_database(home)
    result = kb_run(home, "recover", "--drafts", "--workers", "1", "--quiet",
                    "--report", str(tmp_path / "r.json"))
    assert result.exit_code == 0, result.output
    assert "Recovered 3 sheet(s) from 4 original(s)" in result.output
    assert "as drafts" in result.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert sorted(item["outcome"] for item in report["files"]) == [
        "draft", "draft", "draft", "rejected"]
    with KnowledgeBase(home) as kb:
        assert {item.id: item.status for item in kb.store.records()} == dict.fromkeys(
            titles, "draft")
        assert kb.check().consistent
    # Not public: a search of published sheets finds none, staff see them as drafts.
    public = json.loads(kb_run(home, "search", "--json").output)
    assert public["total"] == 0
    drafts = json.loads(kb_run(home, "search", "--status", "draft", "--json").output)
    assert {hit["id"] for hit in drafts["hits"]} == set(titles)
