"""The one rule for writing a version of a record: its id's sheet key, content hash, sketch,
version number, created and updated times, provenance and review warnings.

Import, reimport, `kb load`, staff edits and publishing all make their StoredRecord here.
A new version uploaded for review waits beside a published record (its `pending`): while one
waits, the record's review warnings say so first, whatever else changes.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pathlib import PurePath

from kb.core import fingerprint
from kb.core.messages import Message, say
from kb.core.text import fold
from kb.service.store import PendingVersion, StoredRecord, content_hash, now

WAITING = "new-version-waiting"     # the code of the note below (said literally: see say)
_KEEP: Any = object()        # next_version's default: the previous version's pending one


def sheet_key(record: dict[str, Any], sha256: str | None = None) -> str:
    """Same title, city and country: the same initiative (a new version of its sheet)."""
    title = fold(record.get("title") or "")
    if not title:
        return f"file:{sha256}"
    return "|".join([title, fold(record.get("city") or ""), record.get("country") or ""])


def stored_record(record: dict[str, Any], *, record_id: str, status: str, version: int,
                  created: str, updated: str, key: str | None = None,
                  source_sha256: str | None = None, importer_version: str | None = None,
                  warnings: list[str] | None = None,
                  sketch: list[int] | None = None,
                  pending: PendingVersion | None = None) -> StoredRecord:
    """A record as the store keeps it, with what is derived from its content computed
    (`sketch` when the caller has it already)."""
    return StoredRecord(
        id=record_id, status=status, record=record,
        sheet_key=key or sheet_key(record, source_sha256), content_hash=content_hash(record),
        stamp="", source_sha256=source_sha256, importer_version=importer_version,
        created=created, updated=updated, version=version,
        sketch=sketch if sketch is not None else fingerprint.record_sketch(record),
        warnings=noted(list(warnings or []), pending), pending=pending)


def next_version(record: dict[str, Any], previous: StoredRecord | None, *, record_id: str,
                 status: str, key: str | None = None, source_sha256: str | None = None,
                 importer_version: str | None = None,
                 warnings: list[str] | None = None,
                 sketch: list[int] | None = None,
                 pending: PendingVersion | None = _KEEP) -> StoredRecord:
    """The first version of a sheet (`previous` None), or the one after `previous`: same id's
    sheet key and creation time, version number one up; a source, importer version or
    warnings not given are those of the previous version, and so is a version waiting for
    review unless `pending` says otherwise (None: none waits any more)."""
    stamp = now()
    if previous is None:
        return stored_record(record, record_id=record_id, status=status, version=1,
                             created=stamp, updated=stamp, key=key, source_sha256=source_sha256,
                             importer_version=importer_version, warnings=warnings,
                             sketch=sketch, pending=None if pending is _KEEP else pending)
    return stored_record(
        record, record_id=record_id, status=status, version=previous.version + 1,
        created=previous.created, updated=stamp, key=previous.sheet_key,
        source_sha256=source_sha256 or previous.source_sha256,
        importer_version=importer_version or previous.importer_version,
        warnings=previous.warnings if warnings is None else warnings, sketch=sketch,
        pending=previous.pending if pending is _KEEP else pending)


def same_version(item: StoredRecord, **changes: Any) -> StoredRecord:
    """`item` with new metadata (status, warnings, importer version, a version waiting for
    review) but the same content: not a new version."""
    changed = dataclasses.replace(item, stamp="", **changes)
    changed.warnings = noted(list(changed.warnings), changed.pending)
    return changed


def with_pending(item: StoredRecord, record: dict[str, Any], *, source_sha256: str,
                 importer_version: str, warnings: list[Message]) -> StoredRecord:
    """`item` as it is (what the public sees), with `record` waiting beside it for review."""
    stamp = now()
    return same_version(item, updated=stamp, pending=PendingVersion(
        record, source_sha256, importer_version, list(warnings), stamp))


def noted(warnings: list[Any], pending: PendingVersion | None) -> list[Any]:
    """Review warnings led by the note of a version waiting for review, while one waits."""
    kept = [warning for warning in warnings if getattr(warning, "code", None) != WAITING]
    if pending is None:
        return kept
    source = pending.record.get("source") or {}
    name = PurePath(source.get("filename") or "").name or (pending.source_sha256 or "")[:12]
    return [say("new-version-waiting", file=name, uploaded=pending.uploaded[:10]), *kept]
