"""Leftovers of killed runs (issue 15): scratch folders and partial archive writes, removed by
`kb check --repair`, never those of a run still going."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from kb.service.knowledge_base import KnowledgeBase
from kb.service.leftovers import STALE_SECONDS, leftovers, work_folder
from tests.samples.records import other_record


def killed_runs(home: Path) -> list[Path]:
    """What kill -9 leaves: a locked folder whose process is gone, an unlocked old one, an old
    partial archive write."""
    with KnowledgeBase(home) as kb:
        kb.save(other_record("Harbour patrol"))
        sha = kb.archive.add_bytes(b"%PDF-1.4 an original")
    scratch = home / "tmp"
    locked = scratch / "import-killed"
    locked.mkdir(parents=True)
    (locked / ".lock").write_text("")          # its process, and so its lock, is gone
    (locked / "extracted").mkdir()
    old = scratch / "import-older-version"
    old.mkdir()
    partial = home / "originals" / sha[:2] / ".tmp-abc123"
    partial.write_bytes(b"half a file")
    long_ago = time.time() - 2 * STALE_SECONDS
    for path in (old, partial):
        os.utime(path, (long_ago, long_ago))
    return [locked, old, partial]


def test_kb_check_repair_removes_the_leftovers_of_killed_runs(invoke, home):
    left = killed_runs(home)
    found = invoke(home, "check")
    assert found.exit_code == 0 and "Found 3 leftover(s)" in found.output
    assert all(path.exists() for path in left)
    repaired = invoke(home, "check", "--repair", "--json")
    assert repaired.exit_code == 0
    assert sorted(json.loads(repaired.output)["leftovers_removed"]) == sorted(map(str, left))
    assert not any(path.exists() for path in left)
    with KnowledgeBase(home) as kb:               # the archive itself is untouched
        assert kb.store.count() == 1 and len(list((home / "originals").rglob("*"))) == 2


def test_the_folder_of_a_running_import_is_kept(invoke, home):
    killed_runs(home)
    with work_folder(home, "import-") as running:
        fresh_partial = next((home / "originals").glob("*")) / ".tmp-now"
        fresh_partial.write_bytes(b"being written")
        assert running not in leftovers(home) and fresh_partial not in leftovers(home)
        invoke(home, "check", "--repair")
        assert running.is_dir() and fresh_partial.exists()
    assert not running.exists()
