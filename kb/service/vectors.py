"""Keeping the sheet vectors in step with the store: the catch-up after writes, in the background.

The store commit is what makes a sheet exist; its vector follows, like its index entry, but it
costs far more (10-25 ms a sheet against well under one), so no write waits for it:

- `thread`  (the web app): a daemon thread catches up after a write;
- `detached` (the `kb` command): a `kb vectors` process started when the command ends, so
  `kb import` returns as soon as the sheets are stored and indexed;
- `inline`: at once, in the caller (benchmarks and tests that want the vectors now).

One catch-up runs at a time for a home (a lock file); it loops until no record lacks its vector,
so a write made while it runs is caught too. Search uses whatever vectors exist: a sheet without
one yet is found by its words only.
"""

from __future__ import annotations

import fcntl
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.embedding import Embedder, load_embedder
from index.vectors import VectorStore, vector_text
from kb.service.store import Store

log = logging.getLogger(__name__)

MODES = ("thread", "detached", "inline")
# Sheets embedded per model call and per write: bounded memory, and progress to report.
BATCH = 64
# How long a catch-up waits for the one already running before leaving the work to it.
WAIT_SECONDS = 120.0


@dataclass
class VectorReport:
    model: str | None                                  # None: semantic retrieval is off
    missing: list[str] = field(default_factory=list)   # records with no vector of the model
    stale: list[str] = field(default_factory=list)     # vectors of an older record version
    extra: list[str] = field(default_factory=list)     # vectors of records no longer stored
    read_only: bool = False                            # a read-only home: none can be made

    @property
    def consistent(self) -> bool:
        return not (self.missing or self.stale or self.extra)

    def as_json(self) -> dict[str, Any]:
        return {"model": self.model, "consistent": self.consistent, "missing": self.missing,
                "stale": self.stale, "extra": self.extra, "read_only": self.read_only}


class VectorUpkeep:
    def __init__(self, home: Path, store: Store, vectors: VectorStore, mode: str = "thread"):
        if mode not in MODES:
            raise ValueError(f"vector builds: {mode!r} is not one of {MODES}")
        self.home = Path(home)
        self.store = store
        self.vectors = vectors
        self.mode = mode
        self._due = False
        self._thread: threading.Thread | None = None
        self._thread_lock = threading.Lock()

    @staticmethod
    def embedder() -> Embedder | None:
        return load_embedder()

    # After writes

    def written(self) -> None:
        """The store changed: bring the vectors up to date the way this process does."""
        if self.embedder() is None:
            return
        if self.mode == "inline":
            self.catch_up()
        elif self.mode == "thread":
            self._start_thread()
        else:
            self._due = True

    def close(self) -> None:
        """At the end of a command that wrote: start the detached catch-up."""
        if self._due:
            self._due = False
            _detach(self.home)

    def _start_thread(self) -> None:
        with self._thread_lock:
            if self._thread is not None and self._thread.is_alive():
                self._due = True         # the running thread looks again before it ends
                return
            self._thread = threading.Thread(target=self._run_thread, daemon=True,
                                            name="kb-vectors")
            self._thread.start()

    def _run_thread(self) -> None:
        # Its own store connection: SQLite connections stay in the thread that made them.
        store = Store(self.store.path)
        try:
            while True:
                self._due = False
                catch_up(self.home, store, self.vectors)
                if not self._due:
                    return
        except Exception:   # a background thread has no caller to tell: log it whole
            log.exception("The vector catch-up of %s failed; `kb vectors` retries it.", self.home)
        finally:
            store.close()
            self.vectors.close()

    # Commands

    def catch_up(self, progress: Callable[[int, int], None] | None = None) -> int:
        self._due = False          # done here: no detached process needed for it
        return catch_up(self.home, self.store, self.vectors, progress)

    def rebuild(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Every vector made again from the store (`kb reindex`)."""
        if self.embedder() is None:
            return 0
        with _home_lock(self.home, wait=True):
            self.vectors.clear()
        return self.catch_up(progress)

    def check(self, repair: bool = False) -> VectorReport:
        embedder = self.embedder()
        if embedder is None:
            return VectorReport(None)
        stored = self.store.stamps()
        # A read-only home may have no vector file, and cannot make one: every vector missing.
        readable = not self.vectors.read_only or self.vectors.path.is_file()
        made = self.vectors.stamps(embedder.name) if readable else {}
        report = VectorReport(
            embedder.name,
            missing=sorted(set(stored) - set(made)),
            stale=sorted(rid for rid in set(stored) & set(made) if stored[rid] != made[rid]),
            extra=sorted((self.vectors.ids() if readable else set()) - set(stored)),
            read_only=self.vectors.read_only,
        )
        if repair and not report.consistent:
            self.catch_up()
        return report


def catch_up(home: Path, store: Store, vectors: VectorStore,
             progress: Callable[[int, int], None] | None = None) -> int:
    """Embed every record whose vector is missing or stale; returns how many were made."""
    embedder = load_embedder()
    if embedder is None:
        return 0
    made = 0
    with _home_lock(home, wait=True) as locked:
        if not locked:
            return 0            # another process has been at it for long: it goes on
        while True:
            stored = store.stamps()
            have = vectors.stamps(embedder.name)
            vectors.delete(vectors.ids() - set(stored))
            todo = sorted(rid for rid, stamp in stored.items() if have.get(rid) != stamp)
            if not todo:
                return made
            for start in range(0, len(todo), BATCH):
                found = store.get_many(todo[start:start + BATCH])
                items = list(found.values())
                rows = embedder.passages([vector_text(item.record) for item in items])
                vectors.put((item.id, item.stamp, embedder.name, row)
                            for item, row in zip(items, rows))
                made += len(items)
                if progress:
                    progress(min(start + BATCH, len(todo)), len(todo))


class _home_lock:
    """The home's vector lock: one catch-up at a time (a lock file, released if killed)."""

    def __init__(self, home: Path, wait: bool):
        self.path = Path(home) / "vectors.lock"
        self.wait = wait
        self.file: Any = None

    def __enter__(self) -> bool:
        self.file = open(self.path, "a")
        deadline = time.monotonic() + (WAIT_SECONDS if self.wait else 0)
        while True:
            try:
                fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.2)

    def __exit__(self, *exc_info: object) -> None:
        self.file.close()     # closing releases the lock


def _detach(home: Path) -> None:
    """Start `kb vectors` for `home` in a process of its own that outlives this one."""
    log_path = Path(home) / "vectors.log"
    try:
        with open(log_path, "a") as log_file:
            subprocess.Popen([sys.executable, "-m", "kb.cli", "--home", str(home), "vectors",
                              "--quiet"],
                             stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file,
                             start_new_session=True, env=dict(os.environ))
    except OSError as exc:
        log.warning("Could not start the vector catch-up for %s (%s); run `kb vectors`.",
                    home, exc)
