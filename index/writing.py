"""Writing the index: one writer at a time across processes, and whole rebuilds swapped in.

The index folder holds generations (gen-0001, gen-0002, ...) and a CURRENT file naming the
live one with its schema version. A rebuild writes a new generation beside the live one and
switches CURRENT with an atomic rename, so readers never see a half-built index. Every write
holds WRITE.lock (an flock, released by the kernel if the process dies): a second writer
waits for it, up to a timeout, then gets a clear message instead of Whoosh's LockError.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.index import LockError

from index import lexicon
from index.schema import LEXICON_WORDS, SCHEMA_VERSION, make_schema
from kb.core.errors import IndexBusy, IndexDamaged

DEFAULT_LOCK_TIMEOUT = 120.0
# Memory for Whoosh's in-memory postings before it spills a run to disk, per writer.
WRITER_LIMIT_MB = 256


def current(root: Path) -> tuple[Path, int] | None:
    """The live generation's folder and schema version, or None when there is none."""
    try:
        name, version = (root / "CURRENT").read_text().split()
    except (OSError, ValueError):
        return None
    folder = root / name
    return (folder, int(version)) if folder.is_dir() else None


@contextmanager
def write_lock(root: Path, timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "WRITE.lock", "a+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(
                        f"The search index in {root} is being written by another kb process "
                        f"(an import or a reindex); waited {timeout:.0f} s. Records are safe in "
                        "the store: try again when it has finished, or raise --lock-timeout."
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def open_live(root: Path) -> Any:
    """The live Whoosh index, created empty the first time."""
    live = current(root)
    if live is None:
        folder = _new_generation(root)
        ix = whoosh_index.create_in(folder, make_schema())
        _switch(root, folder)
        return ix
    try:
        return whoosh_index.open_dir(live[0])
    except (OSError, ValueError, EOFError, whoosh_index.IndexError) as exc:
        raise IndexDamaged(f"The search index in {live[0]} cannot be opened ({exc}); "
                           "run `kb reindex` to rebuild it from the store.") from exc


def apply(root: Path, documents: list[dict[str, Any]], deleted: Iterable[str],
          timeout: float = DEFAULT_LOCK_TIMEOUT, merge: bool = True) -> None:
    """Add or replace `documents` (by id) and remove the `deleted` ids, in one commit.

    `merge=False` leaves small segments unmerged (a bulk import merges once, at its end).
    """
    deleted = list(deleted)
    if not documents and not deleted:
        return
    with write_lock(root, timeout):
        ix = open_live(root)
        words: set[str] = set()
        documents = [_without_words(doc, words) for doc in documents]
        # The lexicon first: should the commit below not happen, a word too many is harmless.
        lexicon.add(Path(ix.storage.folder), words)
        writer = _writer(ix, timeout)
        try:
            for record_id in deleted:
                writer.delete_by_term("id", record_id)
            for doc in documents:
                writer.update_document(**doc)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=merge)


def rebuild(root: Path, documents: Iterable[dict[str, Any]], procs: int = 1,
            timeout: float = DEFAULT_LOCK_TIMEOUT) -> int:
    """Build a new generation from `documents`, switch to it, remove the old ones."""
    with write_lock(root, timeout):
        folder = _new_generation(root)
        ix = whoosh_index.create_in(folder, make_schema())
        # Whoosh's multi-process writer is faster on several cores, and only works on disk.
        options: dict[str, Any] = {"limitmb": WRITER_LIMIT_MB, "codec": _codec()}
        if procs > 1:
            options.update(procs=procs, multisegment=True)
        writer = ix.writer(**options)
        count = 0
        words: set[str] = set()
        try:
            for doc in documents:
                writer.add_document(**_without_words(doc, words))
                count += 1
        except BaseException:
            writer.cancel()
            shutil.rmtree(folder, ignore_errors=True)
            raise
        writer.commit()
        lexicon.add(folder, words)
        old = current(root)
        _switch(root, folder)
        if old is not None:
            # Open readers keep their files (POSIX); new ones open the new generation.
            shutil.rmtree(old[0], ignore_errors=True)
        for stray in root.glob("gen-*"):
            if stray != folder and not (old and stray == old[0]):
                shutil.rmtree(stray, ignore_errors=True)
        return count


def _without_words(doc: dict[str, Any], words: set[str]) -> dict[str, Any]:
    """The document for Whoosh; its words as written go into `words`, for the lexicon."""
    words.update(doc.get(LEXICON_WORDS, ()))
    return {name: value for name, value in doc.items() if name != LEXICON_WORDS}


def _codec() -> W3Codec:
    """Whoosh's codec without per-block field length statistics.

    Whoosh reads back each posting's document length to record the shortest and longest in
    every block, for its own scoring shortcuts: a tenth of an import's indexing time. Ranking
    here is index.matching's, which does not use them.
    """
    codec = W3Codec()
    codec.length_stats = False      # an instance attribute: pickled with the segments
    return codec


def _writer(ix: Any, timeout: float) -> Any:
    try:
        return ix.writer(timeout=timeout, delay=0.1, limitmb=WRITER_LIMIT_MB, codec=_codec())
    except LockError as exc:
        raise IndexBusy(f"The search index {ix.storage.folder} stayed locked for {timeout:.0f} s; "
                        "another program is writing it. Try again later.") from exc


def _new_generation(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name[4:]) for p in root.glob("gen-*") if p.name[4:].isdigit()]
    folder = root / f"gen-{max(numbers, default=0) + 1:04d}"
    folder.mkdir()
    return folder


def _switch(root: Path, folder: Path) -> None:
    pointer = root / "CURRENT.tmp"
    pointer.write_text(f"{folder.name} {SCHEMA_VERSION}\n")
    os.replace(pointer, root / "CURRENT")
