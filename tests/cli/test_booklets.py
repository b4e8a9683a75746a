"""Booklets through the `kb` command (issue 13): `kb parse` prints one line per sheet with
its place in the file, `kb import` stores one record per sheet with its provenance (file,
part, pages), one bad sheet is rejected alone, and `kb reimport` finds each sheet again."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kb.cli.main import main
from kb.service.knowledge_base import KnowledgeBase
from tests.importers.test_booklets import SHEETS, TITLES, platypus_booklet


def _kb(tmp_path, *args):
    return CliRunner().invoke(main, ["--home", str(tmp_path / "kb"), *args])


def _broken_booklet() -> bytes:
    title, meta, sections = SHEETS[1]
    broken = (title, meta, [s for s in sections if s[0] != "Contexte"])
    return platypus_booklet([SHEETS[0], broken, SHEETS[2]])


def test_kb_parse_prints_one_line_per_sheet(tmp_path):
    booklet = tmp_path / "compendium.pdf"
    booklet.write_bytes(platypus_booklet())
    result = _kb(tmp_path, "parse", str(booklet))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["record"]["title"] for line in lines] == TITLES
    assert [line["part"] for line in lines] == [1, 2, 3, 4]
    assert lines[3]["where"] == "part 4 of 4, page 4"
    assert all(line["file"].endswith("compendium.pdf") for line in lines)

    text = _kb(tmp_path, "parse", str(booklet), "--format", "text")
    assert f"✓ compendium.pdf (part 2 of 4, page 2): {TITLES[1]}" in text.output
    assert "1 file(s): 1 parsed, 0 failed. 4 sheet(s), 1 file(s) holding several." in text.output


def test_kb_parse_names_the_bad_sheet_and_still_prints_the_others(tmp_path):
    booklet = tmp_path / "compendium.pdf"
    booklet.write_bytes(_broken_booklet())
    result = _kb(tmp_path, "parse", str(booklet), "--format", "text")
    assert result.exit_code == 1
    assert f"✓ compendium.pdf (part 1 of 3, page 1): {TITLES[0]}" in result.output
    assert "✗ compendium.pdf (part 2 of 3, page 2): invalid:" in result.output
    assert f"✓ compendium.pdf (part 3 of 3, page 3): {TITLES[2]}" in result.output
    assert "Traceback" not in result.output


def test_kb_import_stores_each_sheet_with_its_provenance(tmp_path):
    booklet = tmp_path / "compendium.pdf"
    booklet.write_bytes(_broken_booklet())
    report = tmp_path / "report.json"
    result = _kb(tmp_path, "import", str(booklet), "--report", str(report))
    assert "Traceback" not in result.output
    files = json.loads(report.read_text(encoding="utf-8"))["files"]
    assert [(f["outcome"], f["part"]) for f in files] == [
        ("imported", "part 1 of 3, page 1"), ("rejected", "part 2 of 3, page 2"),
        ("imported", "part 3 of 3, page 3")]
    assert "Contex" in str(files[1]["error_message"])
    kb = KnowledgeBase(tmp_path / "kb")
    stored = sorted((item.record["source"]["part"], item.record["title"],
                     item.record["source"]["first_page"], item.record["source"]["filename"])
                    for item in kb.store.records())
    assert stored == [(1, TITLES[0], 1, "compendium.pdf"), (3, TITLES[2], 3, "compendium.pdf")]

    again = _kb(tmp_path, "reimport")
    assert "Traceback" not in again.output
    assert "2 file(s): 0 imported, 0 updated, 2 unchanged" in again.output, again.output
    assert sorted(item.record["title"] for item in KnowledgeBase(tmp_path / "kb").store.records()) \
        == [TITLES[0], TITLES[2]]
