"""The record store: SQLite, the source of truth that the search index is derived from.

Three things live here: records (with status and provenance), every submitted file and what
became of it, and the index outbox: the ids whose index entry must still be written. A
record and its outbox row are committed in one transaction, so a crash between the store and
the index (kill -9 in the middle of an import) loses nothing: the outbox says what to redo.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import sqlite3
import struct
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.core.errors import StoreError, full_disk
from kb.core.messages import Message, as_data, from_data

STATUSES = ("published", "draft")
# Another process (an import, the web app) may hold the write lock for a while.
BUSY_TIMEOUT_MS = 60_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('published', 'draft')),
    sheet_key TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    stamp TEXT NOT NULL,
    record TEXT NOT NULL,
    source_sha256 TEXT,
    importer_version TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    sketch TEXT NOT NULL DEFAULT '[]',
    warnings TEXT NOT NULL DEFAULT '[]',
    -- A new version uploaded for staff review, kept beside the published one (PendingVersion
    -- as JSON); NULL when none waits. The index and the public pages never read it.
    pending TEXT
);
CREATE INDEX IF NOT EXISTS records_sheet_key ON records (sheet_key);
CREATE INDEX IF NOT EXISTS records_content_hash ON records (content_hash);
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    format TEXT,
    size INTEGER NOT NULL,
    record_id TEXT,
    outcome TEXT NOT NULL,
    error_kind TEXT,
    error_message TEXT,
    importer_version TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS files_record ON files (record_id);
CREATE TABLE IF NOT EXISTS sketch_probes (
    hash INTEGER NOT NULL,
    record_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sketch_probes_hash ON sketch_probes (hash);
CREATE INDEX IF NOT EXISTS sketch_probes_record ON sketch_probes (record_id);
-- The sketches again, packed apart from the records: a near-duplicate check reads a hundred
-- of them per imported sheet, which through the records table means reading whole records.
CREATE TABLE IF NOT EXISTS sketches (
    record_id TEXT PRIMARY KEY,
    hashes BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS index_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS index_outbox_record ON index_outbox (record_id);
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sign_in_failures (
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sign_in_failures_at ON sign_in_failures (at);
-- Signed-in staff sessions: the cookie names one, and signing out ends it here, so a copy
-- of the cookie opens nothing afterwards.
CREATE TABLE IF NOT EXISTS staff_sessions (
    token_hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    record_id TEXT,
    detail TEXT NOT NULL DEFAULT ''
);
"""


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def content_hash(record: dict[str, Any]) -> str:
    """The hash of what a sheet says, leaving out which file it came from."""
    body = {key: value for key, value in record.items() if key != "source"}
    return hashlib.sha256(canonical_json(body).encode()).hexdigest()


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def pack_sketch(hashes: list[int]) -> bytes:
    return struct.pack(f"<{len(hashes)}I", *hashes)


def unpack_sketch(packed: bytes) -> list[int]:
    return list(struct.unpack(f"<{len(packed) // 4}I", packed))


def stamp_of(status: str, record_json: str) -> str:
    """What the index keeps to tell whether its entry matches the store's record."""
    return hashlib.sha256(f"{status}\n{record_json}".encode()).hexdigest()[:20]


@dataclass
class PendingVersion:
    """A new version of a published sheet that staff have not reviewed yet: it waits beside
    the published record, which the public and the index go on seeing until staff apply it."""
    record: dict[str, Any]
    source_sha256: str | None
    importer_version: str | None
    warnings: list[Message | str]
    uploaded: str

    def as_data(self) -> dict[str, Any]:
        """As JSON data: the store's column and a `kb export` line hold this."""
        return {"record": self.record, "source_sha256": self.source_sha256,
                "importer_version": self.importer_version,
                "warnings": [as_data(w) for w in self.warnings], "uploaded": self.uploaded}

    def as_json(self) -> str:
        return json.dumps(self.as_data(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> PendingVersion:
        return cls(data["record"], data.get("source_sha256"), data.get("importer_version"),
                   [from_data(w) for w in data.get("warnings") or []], data.get("uploaded") or "")

    @classmethod
    def from_json(cls, text: str) -> PendingVersion:
        return cls.from_data(json.loads(text))


@dataclass
class StoredRecord:
    id: str
    status: str
    record: dict[str, Any]
    sheet_key: str
    content_hash: str
    stamp: str
    source_sha256: str | None
    importer_version: str | None
    created: str
    updated: str
    version: int
    sketch: list[int]
    # What the importer warned about (missing budget, inferred themes...), for staff review;
    # empty once staff have reviewed the record. Messages (code and parameters, stored as
    # kb.core.messages.as_data); plain English text in records stored by older versions.
    warnings: list[Message | str] = field(default_factory=list)
    pending: PendingVersion | None = None

    def provenance(self) -> dict[str, Any]:
        source = self.record.get("source") or {}
        return {
            "filename": source.get("filename"),
            "sha256": self.source_sha256,
            "format": source.get("format"),
            "importer_version": self.importer_version,
            "imported": self.created,
            "updated": self.updated,
            "version": self.version,
        }


@dataclass
class FileRow:
    sha256: str
    filename: str
    format: str | None
    size: int
    record_id: str | None
    outcome: str
    error_kind: str | None
    error_message: str | None
    importer_version: str
    first_seen: str
    last_seen: str


class Store:
    """One SQLite database in WAL mode: readers never wait for a writer."""

    def __init__(self, path: Path, read_only: bool = False):
        """`read_only`: the database's folder cannot be written (a read-only mount or
        permissions): opened immutable, which needs no -wal or -shm file and writes nothing;
        any write then fails."""
        self.path = Path(path)
        self.read_only = read_only
        self._depth = 0
        if read_only:
            self._open_read_only()
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                                       isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL keeps every committed transaction across a killed process; only a power
            # cut could lose the last ones, and then the archive still holds the originals.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            self._db.executescript(_SCHEMA)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            full = full_disk(self.path, "the knowledge base database")
            if full:
                raise StoreError(full) from exc
            raise StoreError(f"The knowledge base database {self.path} cannot be opened ({exc}); "
                             "check the --home folder, or restore it from a backup made with "
                             "`kb export`.") from exc
        self._db.row_factory = sqlite3.Row

    def _open_read_only(self) -> None:
        # immutable: on a folder nobody can write, no other process changes the file either,
        # and SQLite then needs neither the -shm file of WAL mode nor any lock.
        uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
        try:
            self._db = sqlite3.connect(uri, uri=True, isolation_level=None,
                                       check_same_thread=False)
            self._db.execute("SELECT count(*) FROM records").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"The knowledge base database {self.path} cannot be opened "
                             f"read-only ({exc}); check the --home folder, or restore it from "
                             "a backup made with `kb export`.") from exc
        self._db.row_factory = sqlite3.Row

    def _migrate(self) -> None:
        """Bring a database made by an older version up to this schema."""
        if self._db.execute("PRAGMA user_version").fetchone()[0] < 1:
            with self.transaction():
                self._db.executemany(
                    "INSERT OR REPLACE INTO sketches (record_id, hashes) VALUES (?, ?)",
                    ((rid, pack_sketch(json.loads(sketch)))
                     for rid, sketch in self._db.execute("SELECT id, sketch FROM records")))
                self._db.execute("PRAGMA user_version = 1")
        for column, declaration in (("warnings", "TEXT NOT NULL DEFAULT '[]'"),
                                    ("pending", "TEXT")):
            if column in self._columns("records"):
                continue
            try:
                self._db.execute(f"ALTER TABLE records ADD COLUMN {column} {declaration}")
            except sqlite3.OperationalError:
                # Another process opening the same database added it first.
                if column not in self._columns("records"):
                    raise

    def _columns(self, table: str) -> set[str]:
        return {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}

    def close(self) -> None:
        self._db.close()

    def integrity_problems(self, limit: int = 10, quick: bool = False) -> list[str]:
        """What SQLite's integrity check finds wrong in the database file ([]: nothing);
        `quick`: its quick_check, which skips comparing indexes with their tables (a few times
        faster, for a server's start)."""
        pragma = "quick_check" if quick else "integrity_check"
        try:
            rows = [row[0] for row in self._db.execute(f"PRAGMA {pragma}({int(limit)})")]
        except sqlite3.DatabaseError as exc:          # too damaged to be checked at all
            return [str(exc)]
        return [] if rows == ["ok"] else rows

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction (nested calls join the outer one)."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._db.execute("ROLLBACK")
            raise
        self._depth = 0
        self._db.execute("COMMIT")

    # Records

    def get(self, record_id: str) -> StoredRecord | None:
        row = self._db.execute("SELECT * FROM records WHERE id = ?", (record_id,)).fetchone()
        return _record(row) if row else None

    def get_many(self, record_ids: list[str]) -> dict[str, StoredRecord]:
        found: dict[str, StoredRecord] = {}
        for start in range(0, len(record_ids), 500):
            chunk = record_ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._db.execute(f"SELECT * FROM records WHERE id IN ({marks})", chunk):
                found[row["id"]] = _record(row)
        return found

    def by_sheet_key(self, sheet_key: str) -> StoredRecord | None:
        row = self._db.execute("SELECT * FROM records WHERE sheet_key = ? ORDER BY created LIMIT 1",
                               (sheet_key,)).fetchone()
        return _record(row) if row else None

    def id_exists(self, record_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM records WHERE id = ?", (record_id,)).fetchone() is not None

    def put(self, stored: StoredRecord) -> StoredRecord:
        """Insert or replace a record, and queue it for the index, in one transaction."""
        record_json = canonical_json(stored.record)
        stored.stamp = stamp_of(stored.status, record_json)
        with self.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO records (id, status, sheet_key, content_hash, stamp, record,"
                " source_sha256, importer_version, created, updated, version, sketch, warnings,"
                " pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (stored.id, stored.status, stored.sheet_key, stored.content_hash, stored.stamp,
                 record_json, stored.source_sha256, stored.importer_version, stored.created,
                 stored.updated, stored.version, json.dumps(stored.sketch),
                 json.dumps([as_data(w) for w in stored.warnings], ensure_ascii=False),
                 stored.pending.as_json() if stored.pending is not None else None))
            self._db.execute("DELETE FROM sketch_probes WHERE record_id = ?", (stored.id,))
            self._db.executemany("INSERT INTO sketch_probes (hash, record_id) VALUES (?, ?)",
                                 [(h, stored.id) for h in stored.sketch[:8]])
            self._db.execute("INSERT OR REPLACE INTO sketches (record_id, hashes) VALUES (?, ?)",
                             (stored.id, pack_sketch(stored.sketch)))
            self._queue([stored.id])
        return stored

    def delete(self, record_id: str) -> bool:
        with self.transaction():
            gone = self._db.execute("DELETE FROM records WHERE id = ?", (record_id,)).rowcount
            if gone:
                self._db.execute("DELETE FROM sketch_probes WHERE record_id = ?", (record_id,))
                self._db.execute("DELETE FROM sketches WHERE record_id = ?", (record_id,))
                self._queue([record_id])
        return bool(gone)

    def records(self, status: str | None = None) -> Iterator[StoredRecord]:
        """Every record in id order (streamed: the store may hold far more than memory)."""
        sql = "SELECT * FROM records" + (" WHERE status = ?" if status else "") + " ORDER BY id"
        cursor = self._db.cursor()
        cursor.execute(sql, (status,) if status else ())
        while rows := cursor.fetchmany(500):
            yield from (_record(row) for row in rows)

    def review_queue(self, limit: int | None = None, offset: int = 0) -> list[StoredRecord]:
        """Drafts and records the importer warned about, most recently changed first."""
        sql = ("SELECT * FROM records WHERE status = 'draft' OR warnings != '[]'"
               " ORDER BY updated DESC, id" + (f" LIMIT {int(limit)} OFFSET {int(offset)}"
                                               if limit else ""))
        return [_record(row) for row in self._db.execute(sql)]

    def review_count(self) -> int:
        return self._db.execute("SELECT count(*) FROM records WHERE status = 'draft'"
                                " OR warnings != '[]'").fetchone()[0]

    def stamps(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT id, stamp FROM records"))

    def count(self, status: str | None = None) -> int:
        if status:
            return self._db.execute("SELECT count(*) FROM records WHERE status = ?",
                                    (status,)).fetchone()[0]
        return self._db.execute("SELECT count(*) FROM records").fetchone()[0]

    def near_candidates(self, probe_hashes: list[int], exclude: str | None = None
                        ) -> dict[str, list[int]]:
        """Records sharing a probe hash with a sketch: id -> that record's sketch."""
        if not probe_hashes:
            return {}
        marks = ",".join("?" * len(probe_hashes))
        rows = self._db.execute(
            "SELECT record_id, hashes FROM sketches WHERE record_id IN (SELECT record_id FROM"
            f" sketch_probes WHERE hash IN ({marks}))", probe_hashes)
        return {rid: unpack_sketch(hashes) for rid, hashes in rows if rid != exclude}

    # Files

    def file(self, sha256: str) -> FileRow | None:
        row = self._db.execute("SELECT * FROM files WHERE sha256 = ?", (sha256,)).fetchone()
        return FileRow(**dict(row)) if row else None

    def put_file(self, row: FileRow) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO files (sha256, filename, format, size, record_id, outcome,"
                " error_kind, error_message, importer_version, first_seen, last_seen)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (row.sha256, row.filename, row.format, row.size, row.record_id, row.outcome,
                 row.error_kind, row.error_message, row.importer_version, row.first_seen,
                 row.last_seen))

    def files(self, outcome: str | None = None) -> list[FileRow]:
        sql = "SELECT * FROM files" + (" WHERE outcome = ?" if outcome else "") + " ORDER BY last_seen"
        return [FileRow(**dict(row)) for row in self._db.execute(sql, (outcome,) if outcome else ())]

    def files_of(self, record_id: str) -> list[FileRow]:
        return [FileRow(**dict(row)) for row in self._db.execute(
            "SELECT * FROM files WHERE record_id = ? ORDER BY first_seen", (record_id,))]

    def file_counts(self) -> dict[str, int]:
        return dict(self._db.execute("SELECT outcome, count(*) FROM files GROUP BY outcome"))

    def execute(self, sql: str, parameters: tuple | list = ()) -> sqlite3.Cursor:
        """One statement on the store's database, for the tables that other modules own
        (users, the audit log); writes go inside `transaction()`."""
        return self._db.execute(sql, parameters)

    # The index outbox

    def _queue(self, record_ids: Iterable[str]) -> None:
        self._db.executemany("INSERT INTO index_outbox (record_id) VALUES (?)",
                             [(rid,) for rid in record_ids])

    def queue_for_index(self, record_ids: Iterable[str]) -> None:
        with self.transaction():
            self._queue(record_ids)

    def outbox(self, limit: int | None = None) -> tuple[list[str], int]:
        """Ids waiting for the index (oldest first) and the outbox position they go up to.

        Clearing uses that position, so a record changed again meanwhile stays queued.
        """
        marker = self._db.execute("SELECT coalesce(max(seq), 0) FROM index_outbox").fetchone()[0]
        sql = ("SELECT record_id FROM index_outbox WHERE seq <= ? GROUP BY record_id"
               " ORDER BY min(seq)" + (f" LIMIT {int(limit)}" if limit else ""))
        return [row[0] for row in self._db.execute(sql, (marker,))], marker

    def clear_outbox(self, record_ids: Iterable[str], marker: int) -> None:
        with self.transaction():
            self._db.executemany("DELETE FROM index_outbox WHERE record_id = ? AND seq <= ?",
                                 [(rid, marker) for rid in record_ids])


def _record(row: sqlite3.Row) -> StoredRecord:
    # A database opened read-only may predate the pending column.
    pending = row["pending"] if "pending" in row.keys() else None
    return StoredRecord(
        id=row["id"], status=row["status"], record=json.loads(row["record"]),
        sheet_key=row["sheet_key"], content_hash=row["content_hash"], stamp=row["stamp"],
        source_sha256=row["source_sha256"], importer_version=row["importer_version"],
        created=row["created"], updated=row["updated"], version=row["version"],
        sketch=json.loads(row["sketch"]),
        warnings=[from_data(w) for w in json.loads(row["warnings"])],
        pending=PendingVersion.from_json(pending) if pending else None)
