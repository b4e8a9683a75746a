"""Bulk import into a knowledge base: files, folders and zips in, one outcome per file out.

Files already imported (same sha256, same importer version) are not parsed again; the rest
are parsed in worker processes on all cores while this process archives each original,
decides its outcome and stores the record; the index catches up from the outbox every
INDEX_EVERY records (indexing while the workers parse) and at the end. Nothing submitted is lost: every readable original is
archived, rejected ones too, with the reason in the store and in the report.
"""

from __future__ import annotations

import queue
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from importers.batch import iter_results
from importers.limits import DEFAULT_LIMITS, Limits
from importers.parse import IMPORTER_VERSION, ParseResult
from importers.report import FileOutcome, ImportReport
from importers.submissions import Collection, Submission, collect
from kb.core import fingerprint
from kb.core.errors import IndexBusy, InvalidRecord, NotASheet
from kb.core.messages import Message, say
from kb.core.record import flat_messages, load_draft
from kb.service import versions
from kb.service.archive import sha256_of
from kb.service.doubts import broken, doubts
from kb.service.review import keep_staff_edits
from kb.service.knowledge_base import KnowledgeBase, disk_full
from kb.service.leftovers import work_folder
from kb.service.store import FileRow, StoredRecord, content_hash, now

INDEX_EVERY = 200
OWN_ARCHIVE = "the knowledge base's own archive of originals"
# Near the end of an import the index catches up in ever smaller steps (down to this many
# records), so that little is left to index once the last file is parsed.
INDEX_AT_LEAST = 25
# Bytes of UTF-8 a file name keeps on disk and in the record (file systems allow 255): a
# longer one (a 3,000-character name in a zip or an upload) is shortened, never refused.
MAX_NAME_BYTES = 200


@dataclass
class ImportOptions:
    limits: Limits = DEFAULT_LIMITS
    workers: int | None = None
    dry_run: bool = False
    draft: bool = False
    # False: complete sheets too are stored as drafts, for staff to review before they are
    # public (web uploads, `kb import --review`). A sheet with a broken field is a draft
    # either way. A draft's new version of a published sheet waits beside it for review.
    publish: bool = True
    # Reimport: fields staff edited by hand stay as they are (False: the importers' reading
    # replaces them too, `kb reimport --overwrite-edits`).
    keep_edits: bool = True


@dataclass
class _Pending:
    submission: Submission
    sha256: str
    size: int
    path: Path        # what the parser reads: named like the original
    shortened: Message | None = None     # the original's name was too long: said so


def shortened_name(name: str, limit: int = MAX_NAME_BYTES) -> str:
    """`name` cut to `limit` bytes of UTF-8, whole characters only, its extension kept
    (the importer reads the format by it)."""
    if len(name.encode()) <= limit:
        return name
    suffix = PurePosixPath(name).suffix
    suffix = suffix if suffix[1:].isalnum() and len(suffix) <= 8 else ""
    stem = name[:-len(suffix)] if suffix else name
    room = limit - len(suffix.encode())
    return stem.encode()[:room].decode(errors="ignore") + suffix


def name_shortened(given: str, kept: str) -> Message:
    """The warning of an outcome whose file is stored under a shortened name."""
    return say("name-shortened", length=len(given), name=kept)


def import_paths(kb: KnowledgeBase, paths: Iterable[str | Path],
                 options: ImportOptions = ImportOptions(),
                 on_total: Callable[[int], None] | None = None,
                 on_file: Callable[[FileOutcome], None] | None = None) -> ImportReport:
    """Import every sheet found under `paths`; `on_total` hears the file count, `on_file` each outcome."""
    report = ImportReport(dry_run=options.dry_run)
    with work_folder(kb.home, "import-") as workdir:
        paths = list(paths)
        collection = collect(paths, Path(workdir) / "extracted", options.limits)
        report.ignored = collection.ignored
        _skip_own_archive(kb, paths, collection)
        if on_total:
            on_total(len(collection.submissions))
        session = _Session(kb, options, report, on_file)
        pending = session.triage(collection.submissions, Path(workdir) / "named")
        session.expected = len(pending)
        by_path = {item.path: item for item in pending}
        results = iter_results([item.path for item in pending], options.limits, options.workers)
        with _Consumer(lambda result: session.take(by_path[Path(result.file)], result)) as consumer:
            try:
                for result in results:
                    consumer.put(result)
            finally:
                results.close()
        session.flush_index()
    return report


def _skip_own_archive(kb: KnowledgeBase, paths: list[str | Path], collection: Collection) -> None:
    """A folder holding the home (its archive's files are read by content) is imported
    without the archive's files, unless the archive itself was asked for (`kb recover`,
    `kb import <home>/originals`): they are originals of this knowledge base already."""
    archive = kb.archive.root.resolve()
    if any(Path(path).resolve().is_relative_to(archive) for path in paths):
        return
    kept = []
    for submission in collection.submissions:
        if submission.path is not None and submission.path.resolve().is_relative_to(archive):
            collection.ignored.append((submission.name, OWN_ARCHIVE))
        else:
            kept.append(submission)
    collection.submissions[:] = kept


class _Consumer:
    """Stores and indexes parsed files in a thread of its own.

    The worker pool hands out the next file only while its results are being read: if this
    thread of the caller stored and indexed each file itself, the workers would wait for it.
    """

    def __init__(self, handle: Callable[[ParseResult], None]):
        self.handle = handle
        self.queue: queue.Queue = queue.Queue(maxsize=256)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="kb-import-store", daemon=True)

    def __enter__(self) -> _Consumer:
        self.thread.start()
        return self

    def put(self, result: ParseResult) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(result)

    def _run(self) -> None:
        while (result := self.queue.get()) is not None:
            if self.error is None:
                try:
                    self.handle(result)
                except BaseException as exc:  # re-raised in the caller's thread
                    self.error = exc

    def __exit__(self, *exc_info: object) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None and exc_info[0] is None:
            raise self.error


class _Session:
    def __init__(self, kb: KnowledgeBase, options: ImportOptions, report: ImportReport,
                 on_file: Callable[[FileOutcome], None] | None):
        self.kb = kb
        self.options = options
        self.report = report
        self.on_file = on_file
        self.seen_files: set[str] = set()
        self.seen_keys: dict[str, str] = {}      # sheet key -> content hash (dry runs)
        self.unindexed = 0
        self.expected: int | None = None     # files to parse, when known
        self.taken = 0
        self.full: str | None = None         # the disk filled: why the rest is not stored

    def emit(self, outcome: FileOutcome) -> None:
        self.report.add(outcome)
        if self.on_file:
            self.on_file(outcome)

    def triage(self, submissions: list[Submission], named: Path) -> list[_Pending]:
        """Refused entries and files already imported get their outcome now; the rest wait."""
        pending = []
        for number, submission in enumerate(submissions):
            if submission.error is not None or submission.path is None:
                error = submission.error
                self.emit(FileOutcome(submission.name, "rejected",
                                      error_kind=error.kind if error else "unreadable",
                                      error_message=error.message if error else None))
                continue
            try:
                sha256 = sha256_of(submission.path)
                size = submission.path.stat().st_size
            except OSError as exc:
                self.emit(FileOutcome(submission.name, "rejected", error_kind="unreadable",
                                      error_message=say("file-unreadable", name=submission.name,
                                                        reason=exc.strerror or str(exc))))
                continue
            known = self.kb.store.file(sha256)
            if sha256 in self.seen_files or self._still_current(known):
                self.emit(self._unchanged(submission, sha256, known))
                continue
            try:
                path, shortened = self._parse_path(submission, number, named)
            except OSError as exc:          # gone since it was read
                self.emit(FileOutcome(submission.name, "rejected", error_kind="unreadable",
                                      error_message=say("file-unreadable", name=submission.name,
                                                        reason=exc.strerror or str(exc))))
                continue
            self.seen_files.add(sha256)
            pending.append(_Pending(submission, sha256, size, path, shortened))
        return pending

    def _still_current(self, known: FileRow | None) -> bool:
        if known is None or known.importer_version != IMPORTER_VERSION:
            return False
        if known.outcome == "rejected":
            return not (self.options.draft and known.error_kind == "invalid")
        return known.record_id is not None and self.kb.store.id_exists(known.record_id)

    def _unchanged(self, submission: Submission, sha256: str, known: FileRow | None) -> FileOutcome:
        outcome = FileOutcome(submission.name, "unchanged", sha256=sha256)
        if known is not None:
            outcome.record_id = known.record_id
            if known.outcome == "rejected":
                outcome.error_kind = known.error_kind
                outcome.error_message = say("already-rejected", message=known.error_message)
        return outcome

    @staticmethod
    def _parse_path(submission: Submission, number: int,
                    named: Path) -> tuple[Path, Message | None]:
        """The file to parse, under its original name (error messages and records name it),
        shortened when too long for a file name (with the warning saying so)."""
        assert submission.path is not None
        original = Path(submission.name.rsplit("!/", 1)[-1]).name or submission.path.name
        kept = shortened_name(original)
        shortened = name_shortened(original, kept) if kept != original else None
        if submission.path.name == kept:
            return submission.path, shortened
        target = named / str(number) / kept
        target.parent.mkdir(parents=True)
        shutil.move(submission.path, target)
        return target, shortened

    def take(self, item: _Pending, result: ParseResult) -> None:
        """Store one parsed file; what goes wrong with it is its outcome, never the batch's
        (a file that vanished since it was read is rejected, the rest goes on)."""
        self.taken += 1
        name = item.submission.name
        if self.full is None:
            try:
                self._take(item, result)
                return
            except (OSError, sqlite3.OperationalError) as exc:
                if not disk_full(exc):
                    raise
                self.full = (f"No space left on the disk of {self.kb.home}: free some space "
                             "and run the import again (what was imported before is kept).")
                self.report.index_message = self.full
        self.emit(FileOutcome(name, "rejected", sha256=item.sha256, error_kind="store",
                              error_message=self.full))

    def _take(self, item: _Pending, result: ParseResult) -> None:
        name = item.submission.name
        if not self.options.dry_run:
            try:
                self.kb.archive.add_file(item.path, item.sha256)
            except OSError as exc:
                if disk_full(exc):
                    raise
                self.emit(FileOutcome(name, "rejected", sha256=item.sha256,
                                      error_kind="unreadable",
                                      error_message=say("file-unreadable", name=name,
                                                        reason=exc.strerror or str(exc))))
                return
        for sheet in result.sheets():  # a booklet: each sheet on its own, in order
            outcome = self._sheet(item, sheet)
            if item.shortened is not None:
                outcome.warnings.append(item.shortened)
            self.emit(outcome)

    def _sheet(self, item: _Pending, result: ParseResult) -> FileOutcome:
        name = item.submission.name
        if result.record is not None:
            record = result.record.to_dict()
            # Kept with the record's warnings, so that the review queue lists the sheet.
            doubtful = list(doubts(record).values())
            status = "published" if self.options.publish and not broken(record) else "draft"
            outcome = self._record(item, record, [*result.warnings, *doubtful], status)
        elif isinstance(result.error, InvalidRecord) and self.options.draft and result.error.draft:
            draft, errors = load_draft(result.error.draft)
            warnings = [result.error.message, *result.error.warnings]
            outcome = self._record(item, draft, warnings, "draft")
        else:
            error = result.error
            outcome = FileOutcome(name, "rejected", sha256=item.sha256,
                                  error_kind=error.kind if error else "unreadable",
                                  error_message=error.message if error else None)
            self._file_row(item, outcome, fmt=None)
        outcome.part = result.where
        return outcome

    def _record(self, item: _Pending, record: dict[str, Any], warnings: list[Message],
                status: str) -> FileOutcome:
        kb = self.kb
        name = item.submission.name
        key = kb.sheet_key(record, item.sha256)
        digest = content_hash(record)
        existing = kb.store.by_sheet_key(key)
        outcome = FileOutcome(name, "imported", title=record.get("title"), warnings=warnings,
                              sha256=item.sha256)
        if status == "draft":
            outcome.outcome = "draft"
        # A new version of a published sheet that staff have not seen waits for their review.
        waits = existing is not None and existing.status == "published" and status != "published"
        kept_edits: Message | None = None
        if existing is not None and not waits and self.options.keep_edits:
            # A new file of a sheet staff corrected by hand keeps their corrections, as a
            # re-parse does (a published sheet's version waiting for review offers them).
            try:
                record, kept = keep_staff_edits(kb, existing, record)
            except InvalidRecord as exc:
                outcome = FileOutcome(name, "rejected", record_id=existing.id,
                                      sha256=item.sha256, error_kind="invalid",
                                      error_message=say("import-edits-invalid", id=existing.id,
                                                        problems=flat_messages(exc.fields)))
                self._file_row(item, outcome, (record.get("source") or {}).get("format"))
                return outcome
            if kept:
                digest = content_hash(record)
                kept_edits = say("staff-edits-kept", fields=", ".join(kept))
        if self.options.dry_run:
            seen = self.seen_keys.get(key)
            if existing is not None or seen is not None:
                same = (existing.content_hash if existing else seen) == digest
                outcome.outcome = "duplicate" if same else "draft" if waits else "updated"
            self.seen_keys[key] = digest
            outcome.record_id = existing.id if existing else None
            return outcome
        sketch = fingerprint.record_sketch(record)
        if existing is not None and existing.content_hash == digest:
            # The same file stored meanwhile (another process importing it at once) is
            # unchanged; another file saying the same is a duplicate.
            outcome.outcome = ("unchanged" if existing.source_sha256 == item.sha256
                               else "duplicate")
            outcome.record_id = existing.id
            self._file_row(item, outcome, (record.get("source") or {}).get("format"))
            return outcome
        if waits:
            assert existing is not None
            return self._pending(item, existing, record, outcome)
        with kb.store.transaction():
            if existing is not None:
                outcome.outcome = "updated"
            else:
                outcome.near_duplicates = self._near_duplicates(sketch)
            for other in outcome.near_duplicates:
                outcome.warnings.append(say("near-duplicate", other=other))
            stored = versions.next_version(
                record, existing,
                record_id=existing.id if existing else kb.new_id(record, key),
                status=existing.status if existing and status != "published" else status,
                key=key, source_sha256=item.sha256, importer_version=IMPORTER_VERSION,
                # Kept with the record: the staff review queue lists what the importer warned of.
                warnings=list(outcome.warnings), sketch=sketch,
                # This file's version replaces any that waited for review.
                pending=None)
            outcome.record_id = stored.id
            kb.store.put(stored)
            self._file_row(item, outcome, (record.get("source") or {}).get("format"))
        if kept_edits is not None:
            outcome.warnings.append(kept_edits)     # said in the report, not a review warning
        self.unindexed += 1
        if self._index_due():
            self.flush_index(merge=False)
        return outcome

    def _pending(self, item: _Pending, existing: StoredRecord, record: dict[str, Any],
                 outcome: FileOutcome) -> FileOutcome:
        """Keep `record` beside the published `existing` for staff review: the public pages
        and the index go on showing the published version until staff apply the new one."""
        outcome.outcome = "draft"
        outcome.record_id = existing.id
        with self.kb.store.transaction():
            self.kb.store.put(versions.with_pending(
                existing, record, source_sha256=item.sha256, importer_version=IMPORTER_VERSION,
                warnings=list(outcome.warnings)))
            self._file_row(item, outcome, (record.get("source") or {}).get("format"))
        outcome.warnings.append(say("new-version-pending", id=existing.id))
        self.unindexed += 1        # the store queued its (unchanged) index entry
        return outcome

    def _index_due(self) -> bool:
        """Every INDEX_EVERY records; and towards the end whenever as many records wait as
        files remain, so each step is indexed while the workers parse the rest."""
        if self.unindexed >= INDEX_EVERY:
            return True
        if self.expected is None or self.unindexed < INDEX_AT_LEAST:
            return False
        return self.unindexed >= self.expected - self.taken

    def _near_duplicates(self, sketch: list[int]) -> list[str]:
        return fingerprint.near_duplicates(
            sketch, self.kb.store.near_candidates(fingerprint.probes(sketch)))

    def _file_row(self, item: _Pending, outcome: FileOutcome, fmt: str | None) -> None:
        if self.options.dry_run:
            return
        known = self.kb.store.file(item.sha256)
        stamp = now()
        self.kb.store.put_file(FileRow(
            item.sha256, Path(item.submission.name.rsplit("!/", 1)[-1]).name, fmt, item.size,
            outcome.record_id, outcome.outcome, outcome.error_kind, outcome.error_message,
            IMPORTER_VERSION, known.first_seen if known else stamp, stamp))

    def flush_index(self, merge: bool = True) -> None:
        if self.options.dry_run or not self.unindexed:
            return
        self.unindexed = 0
        try:
            self.kb.sync_index(merge=merge)
        except IndexBusy as exc:
            self.report.index_message = (
                f"{exc.message} The imported records are stored and queued; the next kb command "
                "that writes (or `kb check --repair`) indexes them.")
        except OSError as exc:
            if not disk_full(exc):
                raise
            self.report.index_message = (
                f"No space left on the disk of {self.kb.home} to index the imported records: "
                "they are stored and queued; free some space and run `kb check --repair`.")


def reimport(kb: KnowledgeBase, record_ids: list[str] | None = None,
             options: ImportOptions = ImportOptions(),
             on_total: Callable[[int], None] | None = None,
             on_file: Callable[[FileOutcome], None] | None = None) -> ImportReport:
    """Parse the archived originals again with the current importers; update what changed.

    A record whose original now fails to parse is kept as it is, and the failure reported.
    """
    report = ImportReport(dry_run=options.dry_run)
    items = ([kb.get(rid) for rid in record_ids] if record_ids
             else list(kb.store.records()))
    session = _Session(kb, options, report, on_file)
    with work_folder(kb.home, "reimport-") as workdir:
        todo: list[tuple[StoredRecord, Path]] = []
        for number, item in enumerate(items):
            name = (item.record.get("source") or {}).get("filename") or item.id
            if not item.source_sha256 or item.source_sha256 not in kb.archive:
                session.emit(FileOutcome(name, "rejected", record_id=item.id,
                                         error_kind="unreadable",
                                         error_message=say("original-missing", id=item.id)))
                continue
            target = Path(workdir) / str(number) / Path(name).name
            target.parent.mkdir(parents=True)
            shutil.copyfile(kb.archive.path(item.source_sha256), target)
            todo.append((item, target))
        if on_total:
            on_total(len(todo))
        results = iter_results([path for _, path in todo], options.limits, options.workers)
        try:
            for (item, path), result in zip(todo, results):
                session.emit(_reparsed(session, item, path, result))
        finally:
            results.close()
            session.flush_index()
    return report


def _reparsed(session: _Session, item: StoredRecord, path: Path,
              result: ParseResult) -> FileOutcome:
    kb = session.kb
    name = path.name
    if result.parts:
        result = _same_sheet(item, result)
    if result.record is None:
        error = result.error
        return FileOutcome(name, "rejected", record_id=item.id, sha256=item.source_sha256,
                           error_kind=error.kind if error else "unreadable",
                           error_message=say("reparse-failed", message=error.message if error
                                             else ""))
    record = result.record.to_dict()
    outcome = FileOutcome(name, "unchanged", record_id=item.id, title=record.get("title"),
                          warnings=list(result.warnings), sha256=item.source_sha256)
    if session.options.keep_edits:
        try:
            record, kept = keep_staff_edits(kb, item, record)
        except InvalidRecord as exc:
            return FileOutcome(name, "rejected", record_id=item.id, sha256=item.source_sha256,
                               error_kind="invalid",
                               error_message=say("reimport-edits-invalid", id=item.id,
                                                 problems=flat_messages(exc.fields)))
        if kept:
            # Said per sheet in the report; the stored warnings are the importer's.
            outcome.warnings.append(say("staff-edits-kept", fields=", ".join(kept)))
    digest = content_hash(record)
    if digest == item.content_hash and item.importer_version == IMPORTER_VERSION:
        return outcome
    outcome.outcome = "updated" if digest != item.content_hash else "unchanged"
    if session.options.dry_run:
        return outcome
    if digest != item.content_hash:
        # New content, new warnings.
        stored = versions.next_version(record, item, record_id=item.id, status=item.status,
                                       importer_version=IMPORTER_VERSION,
                                       warnings=list(result.warnings))
    else:
        # The same content read by a newer importer keeps its version and its review.
        stored = versions.same_version(item, record=record, importer_version=IMPORTER_VERSION)
    kb.store.put(stored)
    session.unindexed += 1
    return outcome


def _same_sheet(item: StoredRecord, booklet: ParseResult) -> ParseResult:
    """The sheet of a booklet that a stored record came from: the one at its part, or else
    (the booklet's sheets have moved) the one with its title."""
    source = item.record.get("source") or {}
    for sheet in booklet.parts:
        if sheet.part == source.get("part") and sheet.record is not None and \
                sheet.record.title == item.record.get("title"):
            return sheet
    for sheet in booklet.parts:
        if sheet.record is not None and sheet.record.title == item.record.get("title"):
            return sheet
    at = next((sheet for sheet in booklet.parts if sheet.part == source.get("part")), None)
    if at is not None:
        return at
    name = f"{Path(booklet.file).name} (part {source.get('part')})"
    return ParseResult(booklet.file, error=NotASheet(say("not-a-sheet", name=name)))
