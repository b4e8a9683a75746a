"""What killed runs leave in a home, found and removed by `kb check --repair`.

An import, a re-import or a staff review works in a folder of <home>/tmp that is removed when
it ends; a killed one leaves it behind. Each run holds an exclusive lock on its folder's
`.lock` while it works, which the system drops when the process dies (kill -9 included): a
folder whose lock can be taken is a leftover, one whose lock is held is in use. The archive
writes each original under a `.tmp-` name and renames it into place: one older than
STALE_SECONDS was a killed write. `kb reindex` builds a new index generation (index/gen-N)
beside the live one while holding the index's write lock: a generation CURRENT does not name,
found while nobody holds that lock, is the half-built one of a killed or failed rebuild.
"""

from __future__ import annotations

import fcntl
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.writing import current

SCRATCH = "tmp"
LOCK = ".lock"
# An archive write or a folder made before its lock takes seconds, not an hour.
STALE_SECONDS = 3600.0


@contextmanager
def work_folder(home: Path, prefix: str) -> Iterator[Path]:
    """A scratch folder of the home, locked while the block runs, removed after it."""
    scratch = Path(home) / SCRATCH
    scratch.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix=prefix) as folder:
        with open(Path(folder) / LOCK, "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield Path(folder)


def leftovers(home: Path) -> list[Path]:
    """Scratch folders no running process holds, and stale partial writes of the archive."""
    home = Path(home)
    found = []
    scratch = home / SCRATCH
    if scratch.is_dir():
        found += [folder for folder in scratch.iterdir()
                  if folder.is_dir() and not _in_use(folder)]
    found += _stray_generations(home / "index")
    archive = home / "originals"
    if archive.is_dir():
        cutoff = time.time() - STALE_SECONDS
        found += [path for path in archive.glob("*/.tmp-*") if path.stat().st_mtime < cutoff]
    return sorted(found)


def remove(paths: list[Path]) -> None:
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _in_use(folder: Path) -> bool:
    lock = folder / LOCK
    if not lock.exists():
        # Made by an older version, or killed before taking its lock: left over once old.
        return folder.stat().st_mtime > time.time() - STALE_SECONDS
    with open(lock) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def _stray_generations(index: Path) -> list[Path]:
    """Index generations the live pointer does not name, when no index write is running."""
    lock = index / "WRITE.lock"
    if not lock.is_file():
        return []
    # Opened for reading: a lock needs no write access, and a read-only home is checked too.
    with open(lock) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return []       # a rebuild may be writing its new generation now
        try:
            live = current(index)
            if live is None:
                return []   # no live pointer: which generation is the index is not known
            return [path for path in [*index.glob("gen-*"), *index.glob("CURRENT.tmp")]
                    if path != live[0]]
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
