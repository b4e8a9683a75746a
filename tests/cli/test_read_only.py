"""A read-only home (issue 15, item 10): reads work, writes say the folder is read-only.

Tests run as root, whom permissions do not stop, so the home is made truly read-only: each
command runs in a mount namespace of its own (unshare, util-linux) where the home is bind
mounted read-only over itself, as a read-only share or backup mount would be.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from kb.service.knowledge_base import KnowledgeBase
from tests.samples.records import other_record

READS = [["search", "harbour"], ["search", "harbour", "--json"], ["show", "{id}"],
         ["similar", "{id}"], ["stats"], ["export"], ["export", "--format", "csv"], ["check"],
         ["check", "--json"]]
WRITES = [["import", "{sheet}"], ["check", "--repair"], ["reindex"], ["delete", "{id}", "--yes"],
          ["user", "add", "bob", "--password", "a long enough password"], ["recover"]]


def read_only_run(home: Path, commands: list[list[str]]) -> list[tuple[int, str]]:
    """Each command's exit status and output, run on `home` mounted read-only."""
    kb = f"{shlex.quote(sys.executable)} -m kb.cli --home {shlex.quote(str(home))}"
    script = [f"mount --bind {home} {home} && mount -o remount,ro,bind {home} {home} || exit 99"]
    for number, command in enumerate(commands):
        script.append(f"{kb} {shlex.join(command)} > {home.parent}/out{number} 2>&1; "
                      f"echo $? > {home.parent}/rc{number}")
    done = subprocess.run(["unshare", "-rm", "sh", "-c", "\n".join(script)],
                          env={**os.environ, "KB_SEMANTIC": "off"}, timeout=300)
    assert done.returncode == 0, "could not mount the home read-only"
    return [(int((home.parent / f"rc{n}").read_text()), (home.parent / f"out{n}").read_text())
            for n in range(len(commands))]


def tree(home: Path) -> dict[str, tuple[int, int]]:
    return {str(path.relative_to(home)): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in home.rglob("*")}


@pytest.fixture
def filled(home: Path, sheet_file: Path) -> tuple[Path, str]:
    with KnowledgeBase(home) as kb:
        ids = [kb.save(other_record(f"Harbour patrol number {n}", city=f"Town{n}")).id
               for n in range(3)]
    return home, ids[0]


def test_reads_work_on_a_read_only_home_and_write_nothing(filled, sheet_file):
    home, record_id = filled
    before = tree(home)
    commands = [[part.format(id=record_id, sheet=sheet_file) for part in command]
                for command in READS]
    results = read_only_run(home, commands)
    for command, (status, output) in zip(commands, results):
        assert status == 0, (command, output)
        assert "Traceback" not in output and "read-only" not in output, (command, output)
    search, search_json, show, _, stats, export, csv, check, check_json = (
        output for _, output in results)
    assert "Harbour patrol number" in search and '"total": 3' in search_json
    assert record_id in show and record_id in export and "Harbour patrol" in csv
    assert "Store and index agree." in check and '"consistent": true' in check_json
    assert tree(home) == before      # no -wal, -shm or lock file, nothing touched


def test_writes_on_a_read_only_home_say_so(filled, sheet_file):
    home, record_id = filled
    before = tree(home)
    commands = [[part.format(id=record_id, sheet=sheet_file) for part in command]
                for command in WRITES]
    for command, (status, output) in zip(commands, read_only_run(home, commands)):
        assert status == 1, (command, output)
        assert f"The knowledge base at {home} is read-only" in output, (command, output)
        assert "Traceback" not in output
    assert tree(home) == before
    with KnowledgeBase(home) as kb:
        assert kb.store.count() == 3
