"""A half-built index generation (issue 15, item 12) left by a killed or failed `kb reindex`
is listed by `kb check` and removed by `kb check --repair`; a full disk during `kb reindex`
is a clear message that leaves the live index as it was (item 10)."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from index import writing
from kb.service.knowledge_base import KnowledgeBase
from kb.service.leftovers import leftovers
from tests.samples.records import other_record


def filled(home: Path) -> str:
    with KnowledgeBase(home) as kb:
        for number in range(30):
            kb.save(other_record(f"Harbour patrol number {number}", city=f"Town{number}"),
                    sync=False)
        kb.sync_index()
        return writing.current(home / "index")[0].name


def generations(home: Path) -> list[str]:
    return sorted(path.name for path in (home / "index").glob("gen-*"))


def killed_rebuild(home: Path) -> None:
    """`kb reindex` killed with SIGKILL after ten documents of its new generation."""
    script = textwrap.dedent(f"""
        import os, signal
        from kb.service.knowledge_base import KnowledgeBase
        from index import writing
        kb = KnowledgeBase({str(home)!r})
        def documents():
            for number, item in enumerate(kb.store.records()):
                if number == 10:
                    os.kill(os.getpid(), signal.SIGKILL)
                yield kb.document(item)
        writing.rebuild(kb.index_root, documents())
    """)
    done = subprocess.run([sys.executable, "-c", script], env={**os.environ, "KB_SEMANTIC": "off"})
    assert done.returncode == -9


def test_a_killed_reindex_leaves_a_generation_check_lists_and_repair_removes(invoke, home):
    live = filled(home)
    killed_rebuild(home)
    assert len(generations(home)) == 2 and writing.current(home / "index")[0].name == live
    found = invoke(home, "check")
    assert found.exit_code == 0, found.output
    assert "Found 1 leftover(s)" in found.output and "half-built index" in found.output
    [stray] = [name for name in generations(home) if name != live]
    repaired = invoke(home, "check", "--repair", "--json")
    assert [Path(path).name for path in json.loads(repaired.output)["leftovers_removed"]] == [
        stray]
    assert generations(home) == [live]
    hits = json.loads(invoke(home, "search", "harbour", "--json").output)
    assert hits["total"] == 30


def test_the_generation_of_a_running_reindex_is_kept(home):
    filled(home)
    with writing.write_lock(home / "index"):
        (home / "index" / "gen-0099").mkdir()      # what a running rebuild is writing
        assert leftovers(home) == []
    assert [path.name for path in leftovers(home)] == ["gen-0099"]


def test_a_full_disk_during_reindex_is_a_clear_message(invoke, home, monkeypatch):
    live = filled(home)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")
    # The new generation's words are written after its segments: the disk fills there.
    monkeypatch.setattr(writing.lexicon, "add", full)
    result = invoke(home, "reindex")
    assert result.exit_code == 1
    assert f"No space left on the disk of {home} to rebuild the index" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, OSError)
    monkeypatch.undo()
    assert len(generations(home)) == 2           # the half-built one, for check --repair
    assert writing.current(home / "index")[0].name == live
    assert json.loads(invoke(home, "search", "harbour", "--json").output)["total"] == 30
    assert invoke(home, "check", "--repair").exit_code == 0
    assert generations(home) == [live]
