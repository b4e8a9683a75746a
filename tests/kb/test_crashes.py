"""Crashes and concurrent writers, for real: child processes killed with SIGKILL mid-write, a
second writer waiting for the lock."""

from __future__ import annotations

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from index.schema import SCHEMA_VERSION
from kb.core.errors import IndexBusy
from kb.core.errors import KbError
from kb.service.knowledge_base import KnowledgeBase
from tests.samples.records import make_record, other_record


class Child:
    """A Python child process running `code`, its stdout read line by line in a thread."""

    def __init__(self, code: str, args: list[str], stderr_path: Path, root: Path):
        self._stderr = open(stderr_path, "w")
        self.stderr_path = stderr_path
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=self._stderr,
            text=True, cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, predicate: Callable[[str], bool], timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._queue.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"child printed nothing expected in {timeout} s; "
                                     f"last lines {self.lines[-3:]}") from None
            if line is None:
                self._queue.put(None)
                raise AssertionError("child ended early: " + self.stderr_path.read_text())
            self.lines.append(line)
            if predicate(line):
                return line

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.finish()

    def finish(self, timeout: float = 30) -> int:
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=timeout)
        while (line := self._queue.get_nowait()) is not None:
            self.lines.append(line)
        self._queue.put(None)
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        self._stderr.close()
        return code


@pytest.fixture
def spawn(tmp_path: Path, project_root: Path) -> Iterator[Callable[..., Child]]:
    children: list[Child] = []

    def start(code: str, *args: object) -> Child:
        child = Child(code, [str(arg) for arg in args], tmp_path / f"child{len(children)}.err",
                      project_root)
        children.append(child)
        return child

    yield start
    for child in children:
        if child.proc.returncode is None:
            if child.proc.poll() is None:
                os.kill(child.proc.pid, signal.SIGKILL)
            child.finish()


CHILD_SAVE_THEN_SYNC = r"""
import sys
from pathlib import Path

import kb.service.knowledge_base as knowledge_base
from index import writing
from kb.service.knowledge_base import KnowledgeBase
from kb.core.record import RecordSchema

home, count = Path(sys.argv[1]), int(sys.argv[2])
# Several index commits, so that a kill can land between two of them or inside one.
knowledge_base.SYNC_BATCH = 50
real_apply = writing.apply
batches = 0


def apply(*args, **kwargs):
    global batches
    batches += 1
    print(f"applying {batches}", flush=True)
    real_apply(*args, **kwargs)
    print(f"applied {batches}", flush=True)


writing.apply = apply
schema = RecordSchema()
kb = KnowledgeBase(home)
for n in range(count):
    record = schema.dump(schema.load({
        "title": f"Crash stewards number {n}", "city": "Ghent", "country": "BE",
        "language": "en", "themes": ["nightlife"],
        "context": f"Context of sheet {n}: noise near bars.",
        "objectives": "Calm the streets at night.",
        "activities": "Stewards walk the bar streets on weekend nights.",
    }))
    stored = kb.save(record, sync=False)
    print(f"committed {stored.id}", flush=True)
print("syncing", flush=True)
kb.sync_index()
print("done", flush=True)
"""


def _committed(lines: list[str]) -> list[str]:
    return [line.split()[1] for line in lines if line.startswith("committed ")]


@pytest.mark.parametrize("kill_when", ["saving", "writing the index"])
def test_kill_9_loses_no_committed_record(search_ids_all, search_total, home, spawn, kill_when):
    count = 400
    child = spawn(CHILD_SAVE_THEN_SYNC, home, count)
    if kill_when == "saving":
        seen = 0

        def trigger(line: str) -> bool:
            nonlocal seen
            seen += line.startswith("committed ")
            return seen == 150
    else:
        def trigger(line: str) -> bool:
            return line == "applying 3"              # two index commits done, third under way
    child.wait_for(trigger)
    child.kill()
    assert child.proc.returncode == -signal.SIGKILL
    assert "done" not in child.lines
    committed = _committed(child.lines)
    assert len(committed) >= 150

    with KnowledgeBase(home) as kb:
        db = sqlite3.connect(home / "kb.sqlite3")
        try:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            db.close()
        found = kb.store.get_many(committed)
        assert sorted(found) == sorted(committed)       # every committed record survived
        assert kb.store.count() in (len(committed), len(committed) + 1)  # + one unreported

        report = kb.check()                              # the index opens
        assert not report.consistent
        # Whatever the index lacks is still queued: the outbox remembers the work to redo.
        assert set(report.missing) | set(report.stale) <= set(report.pending)
        if kill_when == "writing the index":
            assert len(committed) == count
            assert 100 <= count - len(report.missing)   # the first two commits are in
            assert len(report.pending) <= count - 100

        kb.check(repair=True)
        assert kb.check().consistent
        assert search_total(kb, "stewards") == kb.store.count()
        assert set(committed) <= set(search_ids_all(kb, "stewards"))


CHILD_REINDEX = r"""
import sys
import time
from pathlib import Path

from kb.service.knowledge_base import KnowledgeBase

kb = KnowledgeBase(Path(sys.argv[1]))
real_document = KnowledgeBase.document
built = 0


def document(item):
    global built
    built += 1
    if built == 100:
        print("building", flush=True)
    if built >= 100:
        time.sleep(0.02)       # keep the rebuild busy until the test kills it
    return real_document(item)


KnowledgeBase.document = staticmethod(document)
kb.reindex()
print("done", flush=True)
"""


def test_kill_9_during_reindex_keeps_the_old_index(current_pointer, fill, generations, search_ids_all, search_total, home, spawn):
    with KnowledgeBase(home) as kb:
        ids = fill(kb, 300)
        assert current_pointer(home) == ["gen-0001", str(SCHEMA_VERSION)]

    child = spawn(CHILD_REINDEX, home)
    child.wait_for(lambda line: line == "building")
    # Mid-rebuild: a new generation is being written beside the live one.
    assert generations(home) == ["gen-0001", "gen-0002"]
    assert current_pointer(home)[0] == "gen-0001"
    with KnowledgeBase(home) as reader:                  # readers are not blocked meanwhile
        assert search_total(reader, "stewards") == 300
    child.kill()
    assert "done" not in child.lines

    with KnowledgeBase(home, lock_timeout=2) as kb:
        assert current_pointer(home)[0] == "gen-0001"
        assert search_total(kb, "stewards") == 300
        assert kb.check().consistent
        started = time.monotonic()
        assert kb.reindex() == 300                      # the kernel released the flock
        assert time.monotonic() - started < 2
        assert current_pointer(home) == ["gen-0003", str(SCHEMA_VERSION)]
        assert generations(home) == ["gen-0003"]        # the half-built generation is gone
        assert sorted(search_ids_all(kb, "stewards")) == sorted(ids)
        assert kb.check().consistent




# Concurrent writers

HOLD_SECONDS = 3.5
CHILD_HOLD_LOCK = r"""
import sys
import time
from pathlib import Path

from index.writing import write_lock

with write_lock(Path(sys.argv[1]), timeout=5):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
print("released", flush=True)
"""


def test_writer_waits_for_the_lock_or_says_busy(invoke, search_ids, home, spawn):
    with KnowledgeBase(home, lock_timeout=0.5) as kb:
        indexed = kb.save(other_record("Burglary forecasting"))
        child = spawn(CHILD_HOLD_LOCK, home / "index", HOLD_SECONDS)
        child.wait_for(lambda line: line == "locked")
        held_since = time.monotonic()

        with pytest.raises(IndexBusy) as caught:
            kb.save(make_record(), sync=True)
        assert isinstance(caught.value, KbError)
        message = caught.value.message
        assert "another kb process" in message
        assert "--lock-timeout" in message
        assert str(home / "index") in message
        queued = kb.store.by_sheet_key(kb.sheet_key(make_record()))
        assert queued is not None                       # the record is safe in the store
        assert kb.store.outbox()[0] == [queued.id]      # and queued for the index

        # Readers are not blocked by the writer.
        assert search_ids(kb, "burglary") == [indexed.id]

        busy = invoke(home, "--lock-timeout", "0.3", "check", "--repair")
        assert busy.exit_code == 1
        assert "another kb process" in busy.output
        assert "Traceback" not in busy.output
        assert isinstance(busy.exception, SystemExit)

        kb.lock_timeout = 10
        started = time.monotonic()
        assert started - held_since < HOLD_SECONDS - 0.5, "too slow to see the lock held"
        later = kb.save(other_record("Harbour mediators", city="Ostend", country="BE"))
        waited = time.monotonic() - started
        assert child.finish() == 0
        assert "released" in child.lines
        # It waited for the other writer instead of failing.
        assert HOLD_SECONDS - (started - held_since) - 0.3 <= waited < 10
        assert kb.store.outbox()[0] == []
        assert search_ids(kb, "stewards") == [queued.id]
        assert search_ids(kb, "harbour AND mediators") == [later.id]
        assert kb.check().consistent
