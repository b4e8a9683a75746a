"""Chaos (issue 15): one folder imported three times while things go wrong — files vanish
during a run killed with SIGKILL, then the disk fills, then a clean run. Every record a run
reported stored is kept, every file of every run that ends gets an outcome, and the last run
leaves store and index in step."""

from __future__ import annotations

import copy
import errno
from pathlib import Path

import pytest

from kb.core.search_args import SearchRequest
from kb.service import importing
from kb.service.archive import Archive
from kb.service.knowledge_base import KnowledgeBase
from tests.kb.test_crashes import spawn  # noqa: F401  (the fixture)

FILES = 16
VANISHING = {"sheet03.docx", "sheet07.docx"}

CHILD_IMPORT = r"""
import sys
from pathlib import Path

from kb.core.search_args import SearchRequest
from kb.service import importing
from kb.service.knowledge_base import KnowledgeBase

home, folder, vanishing = Path(sys.argv[1]), Path(sys.argv[2]), set(sys.argv[3].split(","))
real = importing.iter_results


def results(paths, *args, **kwargs):
    iterator = real(paths, *args, **kwargs)
    try:
        for result in iterator:
            if Path(result.file).name in vanishing:
                Path(result.file).unlink()          # gone between its parse and the archive
            yield result
    finally:
        iterator.close()


importing.iter_results = results
importing.INDEX_EVERY = 4
with KnowledgeBase(home) as kb:
    importing.import_paths(kb, [folder], importing.ImportOptions(workers=1), on_file=lambda o:
                           print(f"outcome {Path(o.file).name} {o.outcome} {o.record_id}",
                                 flush=True))
print("done", flush=True)
"""


def outcomes(lines: list[str]) -> dict[str, tuple[str, str]]:
    return {name: (outcome, record_id) for _, name, outcome, record_id in
            (line.split() for line in lines if line.startswith("outcome "))}


@pytest.fixture
def folder(tmp_path, minimal_sheet, sheet_docx) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(FILES):
        sheet = copy.deepcopy(minimal_sheet)
        sheet["title"] = f"Chaos stewards number {number}"
        (folder / f"sheet{number:02d}.docx").write_bytes(sheet_docx(sheet))
    return folder


def test_vanishing_files_a_kill_and_a_full_disk_lose_no_committed_record(
        spawn, folder, home, monkeypatch):  # noqa: F811
    # 1. Files vanish during a run, which is killed after a few records are stored.
    child = spawn(CHILD_IMPORT, home, folder, ",".join(sorted(VANISHING)))
    child.wait_for(lambda line: line.startswith("outcome sheet05"), timeout=120)
    child.kill()
    first = outcomes(child.lines)
    stored_first = {rid for outcome, rid in first.values() if outcome == "imported"}
    assert stored_first and all(first[name][0] == "rejected" for name in VANISHING & set(first))
    with KnowledgeBase(home) as kb:
        assert stored_first <= {item.id for item in kb.store.records()}

    # 2. The disk fills after two more originals are archived.
    real, calls = Archive.add_file, []

    def filling(self, source, sha256=None):
        calls.append(source)
        if len(calls) > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, source, sha256)
    monkeypatch.setattr(Archive, "add_file", filling)
    present = sorted(path.name for path in folder.iterdir())
    with KnowledgeBase(home) as kb:
        second = importing.import_paths(kb, [folder], importing.ImportOptions(workers=1))
        assert sorted(Path(item.file).name for item in second.files) == present
        assert second.index_message and "No space left" in second.index_message
        full = [item for item in second.files if item.error_kind == "store"]
        assert full and all("No space left on the disk" in str(item.error_message)
                            for item in full)
        stored_second = {item.record_id for item in second.files
                         if item.outcome == "imported"}
        assert stored_first | stored_second <= {item.id for item in kb.store.records()}
    monkeypatch.setattr(Archive, "add_file", real)

    # 3. Space again: a clean run gives every file its outcome, and nothing is lost.
    with KnowledgeBase(home) as kb:
        third = importing.import_paths(kb, [folder], importing.ImportOptions(workers=1))
        assert sorted(Path(item.file).name for item in third.files) == present
        assert {item.outcome for item in third.files} <= {"imported", "unchanged"}
        ids = {item.id for item in kb.store.records()}
        assert stored_first | stored_second <= ids
        assert len(ids) == len(present)           # one record per file that still exists
        report = kb.check(repair=True)
        assert kb.check().consistent, report
        assert kb.search(SearchRequest(q="chaos stewards", limit=100))["total"] == len(present)
