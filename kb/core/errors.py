"""The project's error hierarchy: every error a user can meet is a KbError with a kind."""

from __future__ import annotations


class KbError(Exception):
    """Base of every error practice-kb reports to a user.

    `kind` is a stable machine-readable name (used in `kb parse` output and reports);
    the message is one sentence naming the file or field and what the user can do.
    """

    kind = "error"

    def __init__(self, message: str, *, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}

    def as_dict(self) -> dict:
        return {"kind": self.kind, "message": self.message, "fields": self.fields}


class NotFound(KbError):
    """No sheet (or other thing asked for) with that id."""

    kind = "not-found"


class ImportFailure(KbError):
    """A submitted file could not be turned into a record."""

    kind = "unreadable"


class UnsupportedFormat(ImportFailure):
    kind = "unsupported-format"


class UnreadableFile(ImportFailure):
    kind = "unreadable"


class EncryptedFile(ImportFailure):
    kind = "encrypted"


class NoTextLayer(ImportFailure):
    kind = "no-text"


class NotASheet(ImportFailure):
    kind = "not-a-sheet"


class InvalidRecord(ImportFailure):
    """The file was read but its record is incomplete or invalid; `draft` holds what was found."""

    kind = "invalid"

    def __init__(self, message: str, *, fields: dict | None = None, draft: dict | None = None,
                 warnings: list[str] | None = None):
        super().__init__(message, fields=fields)
        self.draft = draft
        self.warnings = warnings or []


class TooLarge(ImportFailure):
    kind = "too-large"


class ParseTimeout(ImportFailure):
    kind = "timeout"


class UnsafeArchive(ImportFailure):
    """A zip entry that would escape the work folder, is a link, or is nested too deep."""

    kind = "unsafe-archive"


ERROR_KINDS = (
    "unsupported-format",
    "unreadable",
    "encrypted",
    "no-text",
    "not-a-sheet",
    "invalid",
    "too-large",
    "timeout",
    "unsafe-archive",
)
