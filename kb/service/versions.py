"""The one rule for writing a version of a record: its id's sheet key, content hash, sketch,
version number, created and updated times, provenance and review warnings.

Import, reimport, `kb load`, staff edits and publishing all make their StoredRecord here.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from kb.core import fingerprint
from kb.core.text import fold
from kb.service.store import StoredRecord, content_hash, now


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
                  sketch: list[int] | None = None) -> StoredRecord:
    """A record as the store keeps it, with what is derived from its content computed
    (`sketch` when the caller has it already)."""
    return StoredRecord(
        id=record_id, status=status, record=record,
        sheet_key=key or sheet_key(record, source_sha256), content_hash=content_hash(record),
        stamp="", source_sha256=source_sha256, importer_version=importer_version,
        created=created, updated=updated, version=version,
        sketch=sketch if sketch is not None else fingerprint.record_sketch(record),
        warnings=list(warnings or []))


def next_version(record: dict[str, Any], previous: StoredRecord | None, *, record_id: str,
                 status: str, key: str | None = None, source_sha256: str | None = None,
                 importer_version: str | None = None,
                 warnings: list[str] | None = None,
                 sketch: list[int] | None = None) -> StoredRecord:
    """The first version of a sheet (`previous` None), or the one after `previous`: same id's
    sheet key and creation time, version number one up; a source, importer version or
    warnings not given are those of the previous version."""
    stamp = now()
    if previous is None:
        return stored_record(record, record_id=record_id, status=status, version=1,
                             created=stamp, updated=stamp, key=key, source_sha256=source_sha256,
                             importer_version=importer_version, warnings=warnings,
                             sketch=sketch)
    return stored_record(
        record, record_id=record_id, status=status, version=previous.version + 1,
        created=previous.created, updated=stamp, key=previous.sheet_key,
        source_sha256=source_sha256 or previous.source_sha256,
        importer_version=importer_version or previous.importer_version,
        warnings=previous.warnings if warnings is None else warnings, sketch=sketch)


def same_version(item: StoredRecord, **changes: Any) -> StoredRecord:
    """`item` with new metadata (status, warnings, importer version) but the same content:
    not a new version."""
    return dataclasses.replace(item, stamp="", **changes)
