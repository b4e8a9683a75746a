"""Sheet vectors: derived data like the index, one row per record version, in their own SQLite file.

    vectors.sqlite3
        vectors(id, stamp, model, vector, seq)   float16 rows, L2-normalised by the model
        meta(key, value)                          'seq': the counter of the last write

A vector is made from the record version the store holds (`stamp`) by one model (`model`);
`kb check` compares both with the store, the background catch-up and `kb reindex` (re)build what
differs. Readers hold the matrix in memory as float32 (100,000 sheets x 512 dimensions = 205 MB a
process) and reload only the rows written since they last looked (`seq`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kb.core.errors import KbError, full_disk

# The parts of a sheet that say what it is about; evaluation and budget add little meaning.
VECTOR_FIELDS = ("objectives", "context", "activities")
# Characters of a sheet given to the model: its title, objectives and the start of its context
# say what it is about. The cost grows with the text; the quality did not (bench/relevance:
# the same nDCG@10 of the vectors alone from 800 to 6,000 characters).
VECTOR_CHARS = 2000
BUSY_MS = 30_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    id TEXT PRIMARY KEY,
    stamp TEXT NOT NULL,
    model TEXT NOT NULL,
    vector BLOB NOT NULL,
    seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS vectors_seq ON vectors (seq);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


def vector_text(record: dict[str, Any]) -> str:
    """What the model reads of a sheet: its title and the sections that say what it does."""
    parts = [record.get("title") or ""]
    parts.extend(record.get(name) or "" for name in VECTOR_FIELDS)
    return "\n".join(part for part in parts if part)[:VECTOR_CHARS]


@dataclass
class Matrix:
    """The vectors of one model as readers use them: ids and their float32 rows."""

    seq: int
    ids: list[str]
    rows: np.ndarray                    # (len(ids), dim) float32
    position: dict[str, int]


class VectorStore:
    def __init__(self, path: Path, read_only: bool = False):
        """`read_only`: the file's folder cannot be written (a read-only home): the file is
        opened immutable, like the store (no -wal or -shm file, no lock), and only read."""
        self.path = Path(path)
        self.read_only = read_only
        self._local = threading.local()
        self._lock = threading.Lock()
        self._matrices: dict[str, Matrix] = {}

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            try:
                if self.read_only:
                    db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1",
                                         uri=True)
                    db.execute("SELECT count(*) FROM vectors").fetchone()
                else:
                    db = sqlite3.connect(self.path, timeout=BUSY_MS / 1000)
                    db.execute("PRAGMA journal_mode=WAL")
                    db.executescript(_SCHEMA)
            except sqlite3.Error as exc:
                full = full_disk(self.path, "the vector file")
                if full:
                    raise KbError(full) from exc
                raise KbError(f"The vector file {self.path} cannot be opened ({exc}); delete it "
                              "and run `kb reindex` to rebuild it from the store.") from exc
            self._local.db = db
        return db

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # Writing

    def put(self, rows: Iterable[tuple[str, str, str, np.ndarray]]) -> int:
        """Store (id, stamp, model, vector) rows, replacing those of the same ids."""
        batch = [(rid, stamp, model, np.asarray(vector, dtype=np.float16).tobytes())
                 for rid, stamp, model, vector in rows]
        if not batch:
            return 0
        db = self._db()
        with db:
            seq = self._next_seq(db)
            db.executemany("INSERT OR REPLACE INTO vectors (id, stamp, model, vector, seq) "
                           "VALUES (?, ?, ?, ?, ?)", [(*row, seq) for row in batch])
        return len(batch)

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if not ids:
            return
        db = self._db()
        with db:
            self._next_seq(db)
            db.executemany("DELETE FROM vectors WHERE id = ?", [(rid,) for rid in ids])

    def clear(self) -> None:
        db = self._db()
        with db:
            self._next_seq(db)
            db.execute("DELETE FROM vectors")

    @staticmethod
    def _next_seq(db: sqlite3.Connection) -> int:
        db.execute("INSERT INTO meta (key, value) VALUES ('seq', 1) "
                   "ON CONFLICT (key) DO UPDATE SET value = value + 1")
        return db.execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()[0]

    # Reading

    def stamps(self, model: str) -> dict[str, str]:
        """id -> stamp of every vector made by `model` (vectors of other models count as none)."""
        return dict(self._db().execute("SELECT id, stamp FROM vectors WHERE model = ?", (model,)))

    def ids(self) -> set[str]:
        return {row[0] for row in self._db().execute("SELECT id FROM vectors")}

    def seq(self) -> int:
        row = self._db().execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()
        return row[0] if row else 0

    def matrix(self, model: str, dim: int) -> Matrix:
        """The vectors of `model`, brought up to date with what was written since last asked."""
        with self._lock:
            seq = self.seq()
            known = self._matrices.get(model)
            if known is not None and known.seq == seq:
                return known
            db = self._db()
            if known is not None:
                changed = db.execute("SELECT id, model, vector FROM vectors WHERE seq > ?",
                                     (known.seq,)).fetchall()
                count = db.execute("SELECT COUNT(*) FROM vectors WHERE model = ?",
                                   (model,)).fetchone()[0]
                updated = _merge(known, changed, model, dim, seq)
                if updated is not None and len(updated.ids) == count:
                    self._matrices[model] = updated
                    return updated
            rows = db.execute("SELECT id, vector FROM vectors WHERE model = ? ORDER BY id",
                              (model,)).fetchall()
            ids = [rid for rid, _ in rows]
            matrix = _rows([blob for _, blob in rows], dim)
            self._matrices[model] = Matrix(seq, ids, matrix, {rid: n for n, rid in enumerate(ids)})
            return self._matrices[model]


def _rows(blobs: list[bytes], dim: int) -> np.ndarray:
    if not blobs:
        return np.zeros((0, dim), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(len(blobs), dim).astype(
        np.float32)


def _merge(known: Matrix, changed: list[tuple[str, str, bytes]], model: str, dim: int,
           seq: int) -> Matrix | None:
    """`known` with the rows written since: None when rows left (a deletion), to reload all."""
    if any(row_model != model for _, row_model, _ in changed):
        return None
    ids, position = list(known.ids), dict(known.position)
    new = [(rid, blob) for rid, _, blob in changed if rid not in position]
    rows = known.rows
    if new:
        rows = np.vstack([rows, _rows([blob for _, blob in new], dim)])
        for rid, _ in new:
            position[rid] = len(ids)
            ids.append(rid)
    else:
        rows = rows.copy()
    for rid, _, blob in changed:
        rows[position[rid]] = _rows([blob], dim)[0]
    return Matrix(seq, ids, rows, position)
