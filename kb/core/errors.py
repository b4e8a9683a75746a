"""Every error practice-kb reports to a user: one KbError hierarchy, each class with its own kind.

A kind is a stable machine-readable name (in `kb parse` output, import reports and the JSON
API); no two classes share one (tests hold it). The message is one sentence naming the file
or field and what the user can do; the CLI prints it and exits non-zero, the web shows it on
a page or in the one JSON error body of the API. An import error's message is a
kb.core.messages.Message: its code (finer than the kind: "pdf-encrypted", "word-97") and
parameters let the web word it in the user's language.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from kb.core.messages import Message

# Free bytes under which a disk counts as full for SQLite: in WAL mode even a reader makes or
# grows the database's 32 KB -shm file.
FULL_DISK_BYTES = 1 << 20


class KbError(Exception):
    """Base of every error practice-kb reports to a user."""

    kind = "error"

    def __init__(self, message: str, *, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}

    @property
    def code(self) -> str:
        """The message's code, or the kind for a message without one."""
        return getattr(self.message, "code", None) or self.kind

    def as_dict(self) -> dict:
        out = {"kind": self.kind, "message": self.message, "fields": self.fields}
        if isinstance(self.message, Message):
            out["code"] = self.message.code
        return out


# Asking for what is not there, or asking wrongly

class NotFound(KbError):
    """No sheet (or other thing asked for) with that id."""

    kind = "not-found"


class NoOriginal(NotFound):
    """A sheet whose original file is not in the archive (entered by hand, or lost)."""

    kind = "no-original"


class BadParameter(KbError):
    """A search or request parameter with a value that cannot be used; `field` names it.

    `msgid` and `params` are the English message's template and values, for an edge that
    words it in the user's language.
    """

    kind = "bad-parameter"

    def __init__(self, field: str, message: str, *, msgid: str | None = None,
                 params: dict | None = None):
        super().__init__(message)
        self.field = field
        self.msgid = msgid or message
        self.params = params or {}


class UploadRefused(KbError):
    """A staff upload that starts no batch; `status` is the HTTP answer (400, or 413 when
    too large)."""

    kind = "upload-refused"

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


# Keeping the knowledge base

class StoreError(KbError):
    kind = "store"


class ReadOnlyHome(StoreError):
    """A command that writes, asked of a knowledge base folder that cannot be written."""

    kind = "read-only"


def full_disk(path: Path, what: str) -> str | None:
    """The message for `what` at `path` (a database file) that would not open, when the disk
    holding it is full: then it is not damaged, and deleting or restoring it would be wrong."""
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        return None
    if free >= FULL_DISK_BYTES:
        return None
    return (f"No space is left on the disk of {path.parent}, so {what} {path.name} cannot be "
            "opened, even to read it; nothing in it is lost: free some space on that disk and "
            "try again.")


class LoadError(KbError):
    """A backup line `kb load` cannot read back."""

    kind = "invalid-backup"


class UserError(KbError):
    """A staff account that cannot be added or removed as asked."""

    kind = "user"


class IndexBusy(KbError):
    """Another process holds the index's write lock past the lock timeout."""

    kind = "index-busy"


class IndexDamaged(KbError):
    """An index that cannot be read, or was built by another version: `kb reindex`."""

    kind = "index-damaged"


# Importing: a submitted file that could not be turned into a record

class ImportFailure(KbError):
    """Base of the errors a file's import ends with; only its subclasses are raised."""

    kind = "import-failure"


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


def _kinds(base: type[KbError]) -> tuple[str, ...]:
    """The kinds of `base`'s subclasses, in the order they are declared."""
    found: list[str] = []
    for cls in base.__subclasses__():
        found += [cls.kind, *_kinds(cls)]
    return tuple(found)


# The kinds an import (`kb parse`, `kb import`, an upload) can end with.
ERROR_KINDS = _kinds(ImportFailure)
# Every kind, each once.
ALL_KINDS = (KbError.kind, *_kinds(KbError))
