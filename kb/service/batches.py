"""Upload batches: the bulk imports started from the web, their progress and their reports.

The web app saves the uploaded files under <home>/uploads/<batch id>/files/ and starts `run`
in a thread of its own; the state lives in the database, not in the process, because any
gunicorn worker may be asked for the batch's page. The runner opens a KnowledgeBase of its own
and touches the batch's heartbeat at each file: a batch whose heartbeat is old was left by a
worker that died, and uploading its files again resumes it (files already imported are
unchanged, so they are skipped).
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from importers.report import OUTCOMES, FileOutcome, ImportReport
from kb.core.errors import KbError
from kb.core.messages import Message
from kb.service.audit import AuditLog
from kb.service.importing import MAX_NAME_BYTES, ImportOptions, import_paths, name_shortened
from kb.service.knowledge_base import KnowledgeBase
from kb.service.store import Store, now

log = logging.getLogger(__name__)

STATUSES = ("queued", "running", "done", "failed")
# A running batch touches its heartbeat at each file, and one file takes a minute at most
# (Limits.timeout): ten minutes of silence means the process running it is gone.
STALE_AFTER = 600.0
UPLOADS = "uploads"
# Outcomes that create or change a record: each gets its own audit entry.
AUDITED = ("imported", "updated", "draft")
_ID = re.compile(r"[0-9a-f]{12}")

_TABLE = """
CREATE TABLE IF NOT EXISTS upload_batches (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL,
    created TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    uploads INTEGER NOT NULL,
    total INTEGER,
    done INTEGER NOT NULL DEFAULT 0,
    counts TEXT NOT NULL DEFAULT '{}',
    heartbeat REAL NOT NULL,
    finished TEXT,
    report TEXT,
    message TEXT
)"""
_INDEX = "CREATE INDEX IF NOT EXISTS upload_batches_created ON upload_batches (created)"


@dataclass
class Upload:
    """One uploaded file: where it was saved, and the name the user's computer gave it."""

    path: Path
    name: str


@dataclass
class Batch:
    id: str
    user: str
    created: str
    status: str
    uploads: int
    total: int | None
    done: int
    counts: dict[str, int]
    heartbeat: float
    finished: str | None
    report: str | None        # the report's JSON file, relative to the home
    message: str | None       # why a failed batch stopped

    @property
    def state(self) -> str:
        """The status, or "interrupted" for a batch whose process stopped sending news."""
        if self.status in ("queued", "running") and time.time() - self.heartbeat > STALE_AFTER:
            return "interrupted"
        return self.status

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "user": self.user, "created": self.created, "status": self.state,
                "uploads": self.uploads, "total": self.total, "done": self.done,
                "counts": self.counts, "finished": self.finished, "message": self.message}


class Batches:
    """The upload_batches table of a store."""

    def __init__(self, store: Store):
        self.store = store
        store.execute(_TABLE)
        store.execute(_INDEX)

    @staticmethod
    def new_id() -> str:
        return secrets.token_hex(6)

    @staticmethod
    def valid_id(batch_id: str) -> bool:
        return bool(_ID.fullmatch(batch_id))

    def create(self, batch_id: str, user: str, uploads: int) -> Batch:
        with self.store.transaction():
            self.store.execute(
                "INSERT INTO upload_batches (id, user, created, status, uploads, counts, heartbeat)"
                " VALUES (?, ?, ?, 'queued', ?, ?, ?)",
                (batch_id, user, now(), uploads, json.dumps(dict.fromkeys(OUTCOMES, 0)),
                 time.time()))
        batch = self.get(batch_id)
        assert batch is not None
        return batch

    def get(self, batch_id: str) -> Batch | None:
        row = self.store.execute("SELECT * FROM upload_batches WHERE id = ?",
                                 (batch_id,)).fetchone()
        return _batch(row) if row else None

    def recent(self, limit: int = 50) -> list[Batch]:
        return [_batch(row) for row in self.store.execute(
            "SELECT * FROM upload_batches ORDER BY created DESC, rowid DESC LIMIT ?", (limit,))]

    def started(self, batch_id: str) -> None:
        self._update(batch_id, "status = 'running', heartbeat = ?", (time.time(),))

    def total(self, batch_id: str, total: int) -> None:
        self._update(batch_id, "total = ?, heartbeat = ?", (total, time.time()))

    def progress(self, batch_id: str, done: int, counts: dict[str, int]) -> None:
        self._update(batch_id, "done = ?, counts = ?, heartbeat = ?",
                     (done, json.dumps(counts), time.time()))

    def finish(self, batch_id: str, report: str, counts: dict[str, int]) -> None:
        self._update(batch_id, "status = 'done', counts = ?, report = ?, finished = ?, "
                     "heartbeat = ?", (json.dumps(counts), report, now(), time.time()))

    def fail(self, batch_id: str, message: str) -> None:
        self._update(batch_id, "status = 'failed', message = ?, finished = ?, heartbeat = ?",
                     (message, now(), time.time()))

    def _update(self, batch_id: str, assignments: str, values: tuple) -> None:
        with self.store.transaction():
            self.store.execute(f"UPDATE upload_batches SET {assignments} WHERE id = ?",
                               (*values, batch_id))


def _batch(row: Any) -> Batch:
    return Batch(id=row["id"], user=row["user"], created=row["created"], status=row["status"],
                 uploads=row["uploads"], total=row["total"], done=row["done"],
                 counts=json.loads(row["counts"]), heartbeat=row["heartbeat"],
                 finished=row["finished"], report=row["report"], message=row["message"])


def batch_folder(home: Path, batch_id: str) -> Path:
    return Path(home) / UPLOADS / batch_id


def files_folder(home: Path, batch_id: str) -> Path:
    """Where the web app saves a batch's uploads, one numbered folder per file."""
    return batch_folder(home, batch_id) / "files"


def load_report(path: Path) -> ImportReport:
    """An ImportReport back from the JSON that `ImportReport.write` made."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return ImportReport(files=[FileOutcome.from_dict(item) for item in data["files"]],
                        ignored=[(item["file"], item["reason"]) for item in data["ignored"]],
                        dry_run=data["dry_run"])


class _Names:
    """Outcomes name the saved files; the report names them as the user's computer did."""

    def __init__(self, folder: Path, uploads: Iterable[Upload]):
        self.prefix = str(folder) + os.sep
        self.slots = {upload.path.parent.name: upload for upload in uploads
                      if upload.path.parent.parent == folder}

    def original(self, text: str) -> tuple[str, str] | None:
        """(saved path, name given) of the upload a report line starts with."""
        if not text.startswith(self.prefix):
            return None
        upload = self.slots.get(text[len(self.prefix):].split(os.sep, 1)[0])
        if upload is None or not text.startswith(str(upload.path)):
            return None
        return str(upload.path), upload.name

    def restore(self, outcome: FileOutcome) -> None:
        found = self.original(outcome.file)
        if found is None:
            return
        saved, name = found
        whole = outcome.file == saved
        outcome.file = name + outcome.file[len(saved):]
        if whole and len(name.encode()) > MAX_NAME_BYTES:
            # Saved, and so stored, under a shortened name (web.batches): the outcome says so.
            outcome.warnings.append(name_shortened(name, Path(saved).name))
        message = outcome.error_message
        if isinstance(message, Message) and isinstance(message.params.get("name"), str):
            given = message.params["name"].replace(saved, name)
            if whole and given == Path(saved).name:
                given = name
            outcome.error_message = Message(message.msgid, code=message.code,
                                            **{**message.params, "name": given})
        elif message:
            message = message.replace(saved, name)
            # The parser names a file by its saved name, which lost some characters.
            safe = Path(saved).name
            if whole and message.startswith(safe + " "):
                message = name + message[len(safe):]
            outcome.error_message = message

    def restore_text(self, text: str) -> str:
        found = self.original(text)
        return text if found is None else found[1] + text[len(found[0]):]


def run(home: Path, batch_id: str, user: str, uploads: list[Upload],
        options: ImportOptions = ImportOptions()) -> None:
    """Import a batch's saved uploads with the same bulk import as `kb import`, recording
    progress, one audit entry per record created or changed and one for the batch."""
    folder = files_folder(home, batch_id)
    try:
        with KnowledgeBase(home) as kb:
            _run(kb, batch_id, user, uploads, options, folder)
    except Exception:
        # The row says "failed" when the store can still be written (see _run); if it
        # cannot, the heartbeat goes stale and the page shows the batch as interrupted.
        log.exception("Upload batch %s stopped", batch_id)
    finally:
        shutil.rmtree(folder, ignore_errors=True)   # the archive keeps every readable original


def _run(kb: KnowledgeBase, batch_id: str, user: str, uploads: list[Upload],
         options: ImportOptions, folder: Path) -> None:
    batches = Batches(kb.store)
    audit = AuditLog(kb.store)
    names = _Names(folder, uploads)
    counts = dict.fromkeys(OUTCOMES, 0)
    batches.started(batch_id)

    def on_total(total: int) -> None:
        batches.total(batch_id, total)

    def on_file(outcome: FileOutcome) -> None:
        names.restore(outcome)
        counts[outcome.outcome] = counts.get(outcome.outcome, 0) + 1
        with kb.store.transaction():
            if outcome.record_id and outcome.outcome in AUDITED:
                audit.record(user, "import", outcome.record_id, {
                    "batch": batch_id, "file": outcome.file, "outcome": outcome.outcome})
            batches.progress(batch_id, sum(counts.values()), counts)

    try:
        report = import_paths(kb, [upload.path for upload in uploads], options,
                              on_total=on_total, on_file=on_file)
        report.ignored = [(names.restore_text(name), reason) for name, reason in report.ignored]
        target = batch_folder(kb.home, batch_id) / "report.json"
        report.write(target)
        with kb.store.transaction():
            audit.record(user, "import", None, {"batch": batch_id, "files": len(report.files),
                                                "counts": report.counts()})
            batches.finish(batch_id, target.relative_to(kb.home).as_posix(), report.counts())
    except Exception as exc:
        message = exc.message if isinstance(exc, KbError) else None
        batches.fail(batch_id, message or "The import stopped on an unexpected error, which "
                     "has been logged; upload the files again to resume.")
        raise

def start(home: Path, batch_id: str, user: str, uploads: list[Upload],
          options: ImportOptions = ImportOptions()) -> threading.Thread:
    """Run a batch in a background thread. A daemon: a server that stops leaves the batch
    interrupted, and uploading its files again resumes it."""
    thread = threading.Thread(target=run, args=(Path(home), batch_id, user, uploads, options),
                              name=f"kb-upload-{batch_id}", daemon=True)
    thread.start()
    return thread
