"""`kb search` on a full disk (issue 15, item 10): it answers its results, or says that the disk
is full and that nothing is lost, never a traceback, and never the advice meant for a damaged
file (restore the database from a backup, delete the vector file).

The disk is truly full: each run copies the home onto a small tmpfs in a mount namespace of its
own (unshare, as tests/cli/test_read_only.py does) and fills what is left of it. In WAL mode
SQLite needs room for a -shm file even to read, unless the file is there already, as it is
while another process (the web app) holds the database open.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from index import embedding
from kb.service.knowledge_base import KnowledgeBase
from tests.samples.records import other_record

TITLES = [f"Harbour patrol number {n}" for n in range(3)]
# A process holding the database open while the disk fills: its -shm file stays allocated.
HOLDER = ("import sqlite3, sys, time; db = sqlite3.connect(sys.argv[1]); "
          "db.execute('SELECT count(*) FROM records').fetchone(); print('open', flush=True); "
          "time.sleep(60)")
DAMAGED_ADVICE = ("restore it from a backup", "delete it")


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("disk-full") / "kb"
    with KnowledgeBase(home) as kb:
        for title in TITLES:
            kb.save(other_record(title), "published", sync=False)
        kb.sync_index()
        kb.vector_upkeep.catch_up()
    return home


def search_on_full_disk(home: Path, tmp_path: Path, *, held_open: bool, semantic: str
                        ) -> tuple[int, str]:
    """`kb search harbour` on a copy of `home` on a disk with no space left."""
    disk, copy, out = tmp_path / "disk", tmp_path / "disk" / "kb", tmp_path / "out"
    disk.mkdir()
    python = shlex.quote(sys.executable)
    steps = [f"mount -t tmpfs -o size=8m tmpfs {disk} || exit 99",
             f"cp -a {shlex.quote(str(home))} {copy}"]
    if held_open:
        steps.append(f"{python} -c {shlex.quote(HOLDER)} {copy}/kb.sqlite3 > {tmp_path}/held & "
                     f"holder=$!; while ! grep -q open {tmp_path}/held; do sleep 0.1; done")
    steps += [f"dd if=/dev/zero of={disk}/filler bs=4k 2>/dev/null; "
              f"test $(df --output=avail {disk} | tail -1) -eq 0 || exit 98",
              f"{python} -m kb.cli --home {copy} search harbour > {out} 2>&1; "
              f"echo $? > {tmp_path}/rc"]
    if held_open:
        steps.append("kill $holder")
    done = subprocess.run(["unshare", "-rm", "sh", "-c", "\n".join(steps)], timeout=300,
                          env={**os.environ, embedding.SETTING: semantic})
    assert done.returncode == 0, f"could not fill a disk (status {done.returncode})"
    return int((tmp_path / "rc").read_text()), out.read_text()


@pytest.mark.parametrize("semantic", ["off", "on"])
def test_a_search_on_a_full_disk_says_so(home, tmp_path, semantic):
    status, output = search_on_full_disk(home, tmp_path, held_open=False, semantic=semantic)
    assert status != 0
    assert "Traceback" not in output
    assert "No space is left on the disk of" in output and "nothing in it is lost" in output
    assert "free some space" in output
    assert not any(advice in output for advice in DAMAGED_ADVICE), output


def test_a_search_on_a_full_disk_answers_when_the_database_is_open_elsewhere(home, tmp_path):
    status, output = search_on_full_disk(home, tmp_path, held_open=True, semantic="off")
    assert status == 0, output
    assert all(title in output for title in TITLES), output


def test_by_meaning_the_vector_file_on_a_full_disk_is_not_called_damaged(home, tmp_path):
    # The vector file, opened at the first search by meaning, needs its own -shm file.
    status, output = search_on_full_disk(home, tmp_path, held_open=True, semantic="on")
    assert status != 0
    assert "Traceback" not in output
    assert "so the vector file vectors.sqlite3 cannot be opened" in output, output
    assert "nothing in it is lost" in output
    assert not any(advice in output for advice in DAMAGED_ADVICE), output
