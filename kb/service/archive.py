"""The archive of original files, content-addressed: every submitted file kept as submitted."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

_SHA256 = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    """The file's sha256, read in chunks so a large file is never held in memory twice."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Archive:
    """Files stored under their sha256 (`ab/abcdef...`), written once, never changed.

    A file is written to a temporary name and renamed into place, so a crash leaves either
    the whole file or nothing; the same content submitted twice is stored once.
    """

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if not _SHA256.fullmatch(sha256):
            raise ValueError(f"{sha256!r} is not a sha256 hex digest")
        return self.root / sha256[:2] / sha256

    def __contains__(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def add_file(self, source: Path, sha256: str | None = None) -> str:
        """Store a copy of the file at `source`; returns its sha256."""
        sha256 = sha256 or sha256_of(source)
        if sha256 not in self:
            with open(source, "rb") as handle:
                self._write(sha256, iter(lambda: handle.read(_CHUNK), b""))
        return sha256

    def add_bytes(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        if sha256 not in self:
            self._write(sha256, [data])
        return sha256

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def _write(self, sha256: str, chunks) -> None:
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(dir=target.parent, prefix=".tmp-", delete=False)
        try:
            with handle:
                for chunk in chunks:
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(handle.name, target)
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
