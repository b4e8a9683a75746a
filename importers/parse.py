"""Parse one submitted file into a validated record, or a clear error saying why not."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marshmallow import ValidationError

from importers import guard
from importers.blocks import Document
from importers.extract import extract_record
from importers.limits import DEFAULT_LIMITS, Limits
from importers.pdf_reader import read_pdf
from importers.word_reader import read_docx
from kb.core.errors import ImportFailure, InvalidRecord, TooLarge, UnreadableFile
from kb.core.record import Record, RecordSchema

IMPORTER_VERSION = "1"


@dataclass
class ParseResult:
    """The outcome for one file: a record (with warnings) or an error."""

    file: str
    record: Record | None = None
    error: ImportFailure | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.record is not None

    def as_json(self) -> dict[str, Any]:
        if self.record is not None:
            out = {"file": self.file, "ok": True, "record": self.record.to_dict()}
            if self.warnings:
                out["warnings"] = self.warnings
            return out
        assert self.error is not None
        return {"file": self.file, "ok": False, "error": self.error.as_dict()}


def parse_bytes(data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS
                ) -> tuple[Record, list[str]]:
    """Parse a file's content; raises an ImportFailure subclass when it cannot be imported."""
    document = read_document(data, filename, limits)
    return record_of(document, data, filename)


def read_document(data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """The blocks of a file's content, by the reader its format needs; raises an
    ImportFailure subclass when it cannot be read."""
    name = Path(filename).name
    if len(data) > limits.max_bytes:
        raise TooLarge(f"{name} is {len(data) / 2**20:.1f} MB, over the limit of "
                       f"{limits.max_bytes / 2**20:.0f} MB; split it or raise --max-size.")
    fmt, package = guard.sniff(data, name, limits)
    return (read_pdf(data, name, limits) if fmt == "pdf"
            else read_docx(data, name, limits, package))


def record_of(document: Document, data: bytes, filename: str) -> tuple[Record, list[str]]:
    """The validated record of a document read from `data`; raises InvalidRecord (with the
    draft) when it is incomplete."""
    name = Path(filename).name
    fmt = document.format
    draft, warnings = extract_record(document, name)
    draft["source"] = {
        "filename": name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "format": fmt,
        "pages": document.pages,
    }
    try:
        record = RecordSchema().load(draft)
    except ValidationError as exc:
        raise InvalidRecord(_invalid_message(name, exc.messages), fields=exc.messages,
                            draft=draft, warnings=warnings) from exc
    return record, warnings


def parse_file(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> ParseResult:
    """Parse a file in this process (no time limit: see importers.batch for that)."""
    path = Path(path)
    try:
        record, warnings = parse_bytes(read_file(path, limits), path.name, limits)
    except ImportFailure as exc:
        return ParseResult(str(path), error=exc)
    return ParseResult(str(path), record=record, warnings=warnings)


def read_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """A submitted file's bytes; TooLarge past the size limit (checked before reading),
    UnreadableFile when the system cannot read it."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise TooLarge(f"{path.name} is {size / 2**20:.1f} MB, over the limit of "
                           f"{limits.max_bytes / 2**20:.0f} MB; split it or raise --max-size.")
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"{path.name} cannot be read ({exc.strerror or exc}); check the "
                             "path and permissions.") from exc


def _invalid_message(name: str, messages: Any) -> str:
    """One sentence naming the fields that failed validation."""
    flat = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        else:
            flat.append(str(value))

    walk(messages)
    return f"{name} is not a complete practice sheet: " + " ".join(flat)
