"""Parse one submitted file into a validated record, or a clear error saying why not."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marshmallow import ValidationError

from importers import guard
from importers.blocks import Document
from importers.booklet import Part, split_sheets
from importers.doc_reader import read_doc
from importers.extract import extract_record
from importers.limits import DEFAULT_LIMITS, Limits
from importers.odt_reader import read_odt
from importers.pdf_reader import read_pdf
from importers.word_reader import read_docx
from kb.core.errors import ImportFailure, InvalidRecord, TooLarge, UnreadableFile
from kb.core.messages import Message, say
from kb.core.record import Record, RecordSchema, flat_messages

IMPORTER_VERSION = "1"


@dataclass
class ParseResult:
    """The outcome for one file: a record (with warnings) or an error."""

    file: str
    record: Record | None = None
    error: ImportFailure | None = None
    warnings: list[Message] = field(default_factory=list)
    # A booklet (one file of several sheets): one result per sheet, in the file's order;
    # record and error stay None on the file's own result.
    parts: list[ParseResult] = field(default_factory=list)
    # On a booklet's sheet: where it stands ("part 2 of 5, pages 3-4"), its position.
    where: str | None = None
    part: int | None = None

    @property
    def ok(self) -> bool:
        if self.parts:
            return all(part.ok for part in self.parts)
        return self.record is not None

    def sheets(self) -> list[ParseResult]:
        """One result per sheet: a booklet's parts, or this result itself."""
        return self.parts or [self]

    def as_json(self) -> dict[str, Any]:
        if self.parts:
            return {"file": self.file, "ok": self.ok,
                    "parts": [part.as_json() for part in self.parts]}
        if self.record is not None:
            out = {"file": self.file, "ok": True, "record": self.record.to_dict()}
            if self.where:
                out.update(part=self.part, where=self.where)
            if self.warnings:
                out["warnings"] = self.warnings
                out["warning_codes"] = [warning.code for warning in self.warnings]
            return out
        assert self.error is not None
        out = {"file": self.file, "ok": False, "error": self.error.as_dict()}
        if self.where:
            out.update(part=self.part, where=self.where)
        return out


def parse_bytes(data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS
                ) -> tuple[Record, list[Message]]:
    """Parse a file's content; raises an ImportFailure subclass when it cannot be imported."""
    document = read_document(data, filename, limits)
    return record_of(document, data, filename)


def read_document(data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """The blocks of a file's content, by the reader its format needs; raises an
    ImportFailure subclass when it cannot be read."""
    name = Path(filename).name
    if len(data) > limits.max_bytes:
        raise TooLarge(_too_large(name, len(data), limits))
    fmt, package = guard.sniff(data, name, limits)
    if fmt == "pdf":
        return read_pdf(data, name, limits)
    if fmt == "odt":
        return read_odt(data, name, limits)
    if fmt == "doc":
        return read_doc(data, name, limits)
    return read_docx(data, name, limits, package)


def record_of(document: Document, data: bytes, filename: str, part: Part | None = None,
              count: int = 1) -> tuple[Record, list[Message]]:
    """The validated record of a document read from `data` (or of one `part` of `count`
    in a booklet); raises InvalidRecord (with the draft) when it is incomplete."""
    name = Path(filename).name
    # Messages about a booklet's sheet name where it is in the file.
    named = f"{name} ({part.where(count)})" if part is not None else name
    fmt = document.format
    draft, warnings = extract_record(document, named)
    warnings = [*document.all_warnings(), *warnings]
    draft["source"] = {
        "filename": name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "format": fmt,
        "pages": document.pages,
    }
    if part is not None:
        draft["source"].update(part=part.number, first_page=part.first_page,
                               last_page=part.last_page)
    try:
        record = _record_schema().load(draft)
    except ValidationError as exc:
        raise InvalidRecord(say("incomplete-sheet", name=named,
                                problems=flat_messages(exc.messages)), fields=exc.messages,
                            draft=draft, warnings=warnings) from exc
    return record, warnings


@functools.cache
def _record_schema() -> RecordSchema:
    """One schema for every record: building one (its nested schemas, its fields' copies)
    cost as much as loading a record with it."""
    return RecordSchema()


def parse_file(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> ParseResult:
    """Parse a file in this process (no time limit: see importers.batch for that); a
    booklet's result holds one result per sheet."""
    path = Path(path)
    try:
        data = read_file(path, limits)
        document = read_document(data, path.name, limits)
    except ImportFailure as exc:
        return ParseResult(str(path), error=exc)
    return results_of(document, data, path)


def results_of(document: Document, data: bytes, path: Path) -> ParseResult:
    """The result of a document read: one record, or one per sheet of a booklet, each
    sheet's failure its own (the others are kept)."""
    parts = split_sheets(document)
    if len(parts) == 1:
        try:
            record, warnings = record_of(document, data, path.name)
        except ImportFailure as exc:
            return ParseResult(str(path), error=exc)
        return ParseResult(str(path), record=record, warnings=warnings)
    results = []
    for part in parts:
        one = ParseResult(str(path), where=part.where(len(parts)), part=part.number)
        try:
            one.record, one.warnings = record_of(part.document, data, path.name, part,
                                                 len(parts))
        except ImportFailure as exc:
            one.error = exc
        results.append(one)
    return ParseResult(str(path), parts=results)


def read_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """A submitted file's bytes; TooLarge past the size limit (checked before reading),
    UnreadableFile when the system cannot read it."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise TooLarge(_too_large(path.name, size, limits))
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(say("file-unreadable", name=path.name,
                                 reason=exc.strerror or str(exc))) from exc


def _too_large(name: str, size: int, limits: Limits) -> Message:
    return say("file-too-large", name=name, size=f"{size / 2**20:.1f}",
               limit=f"{limits.max_bytes / 2**20:.0f}")
