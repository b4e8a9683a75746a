"""Staff review of a sheet: its original read again beside the fields, and re-parsing it with
the current importers as a per-field diff (the web's re-parse page and `kb reimport --diff`);
a new version uploaded for review is offered the same way, field by field.

The original is read in a worker process, within the import limits (time, memory), like
any import: a file the web app asks about can never stall or exhaust it.
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marshmallow import ValidationError

from importers.batch import iter_results
from importers.blocks import Document
from importers.limits import DEFAULT_LIMITS, Limits
from importers.parse import IMPORTER_VERSION, ParseResult, read_document, read_file, record_of
from kb.core.errors import ImportFailure, InvalidRecord, KbError, NoOriginal
from kb.core.messages import say
from kb.core.record import (BudgetSchema, ContactSchema, RecordSchema, SourceSchema,
                            flat_messages, load_draft, validated)
from kb.service import versions
from kb.service.audit import AuditLog
from kb.service.doubts import broken
from kb.service.leftovers import work_folder
from kb.service.store import PendingVersion, StoredRecord, content_hash, now
from kb.service.versions import same_version

if TYPE_CHECKING:       # workers import this module to parse: they need no index
    from kb.service.knowledge_base import KnowledgeBase

# Sub-fields shown one by one in a diff ("budget.amount"), in their schema's order.
_NESTED = {"budget": tuple(BudgetSchema().fields), "contact": tuple(ContactSchema().fields),
           "source": tuple(SourceSchema().fields)}
# Fields whose text is looked for in the original to say where it came from. Codes (country,
# language, themes) and numbers are worked out from the wording, so they are never "found".
LOCATABLE = ("title", "city", "organisation", "context", "objectives", "activities",
             "evaluation", "budget.text", "contact.name", "contact.email", "partners",
             "target_groups", "keywords")
_PROBE = 60          # characters of a value looked for in the original's blocks


# Per-field differences

@dataclass
class Change:
    field: str          # "title", "budget.amount", "extra_sections.Lessons learned"
    old: Any
    new: Any


def flatten(record: dict[str, Any]) -> dict[str, Any]:
    """A record as {field: value}, nested fields one by one; empty values are None."""
    out: dict[str, Any] = {}
    for name in RecordSchema().fields:
        value = record.get(name)
        if name in _NESTED:
            for sub in _NESTED[name]:
                out[f"{name}.{sub}"] = _empty((value or {}).get(sub))
        elif name == "extra_sections":
            for heading, text in (value or {}).items():
                out[f"{name}.{heading}"] = _empty(text)
        else:
            out[name] = _empty(value)
    return out


def _empty(value: Any) -> Any:
    return None if value in ("", [], {}) else value


def field_diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The fields whose values differ between two records, in the schema's order."""
    before, after = flatten(old), flatten(new)
    names = list(before) + [name for name in after if name not in before]
    return [Change(name, before.get(name), after.get(name)) for name in names
            if before.get(name) != after.get(name)]


def taken_by_default(changes: list[Change], edited: set[str]) -> set[str]:
    """The changed fields a re-parse takes unless a person chooses otherwise: all but those
    staff edited by hand (see staff_edited)."""
    return {change.field for change in changes if change.field.split(".")[0] not in edited}


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The top-level record fields that differ (for the audit log)."""
    return list(dict.fromkeys(change.field.split(".")[0] for change in field_diff(old, new)))


def as_text(value: Any) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def format_diff(changes: list[Change], kept: set[str] = frozenset()) -> str:
    """A diff for a terminal: each field, its old value (-) and new value (+); long texts
    as a line diff; the fields of `kept` said to be kept as staff edited them."""
    lines = []
    for change in changes:
        lines.append(f"  {change.field}:" + (" (edited by staff: kept unless "
                                             "--overwrite-edits)" if change.field in kept
                                             else ""))
        old, new = as_text(change.old), as_text(change.new)
        if "\n" in old or "\n" in new:
            body = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1)
            lines.extend(f"    {line}" for line in list(body)[2:])
        else:
            lines.extend([f"    - {old}", f"    + {new}"])
    return "\n".join(lines)


# Reading the original again

@dataclass
class SourceResult(ParseResult):
    """The importers' result for a file, with its text as the reader saw it."""
    page_texts: list[str] = field(default_factory=list)
    paged: bool = False                  # whether page_texts are the original's pages
    blocks: list[tuple[int | None, str]] = field(default_factory=list)   # (page, text)
    # The blocks' kinds and table cells, to show a Word or .odt original in its layout.
    # (kind, heading level, cells, bold)
    layout: list[tuple[str, int, list[str], bool]] = field(default_factory=list)


def read_source(path: Path, limits: Limits) -> SourceResult:
    """Worker side: parse a file with the current importers, reading it once, and keep its
    text by page (also when the record is incomplete: staff review it beside the text)."""
    result = SourceResult(str(path))
    try:
        data = read_file(path, limits)
        document = read_document(data, path.name, limits)
    except ImportFailure as exc:
        result.error = exc         # why the file cannot be read
        return result
    _keep_text(result, document)
    try:
        result.record, result.warnings = record_of(document, data, path.name)
    except ImportFailure as exc:
        result.error = exc
    return result


def _keep_text(result: SourceResult, document: Document) -> None:
    result.page_texts = list(document.page_texts)
    result.paged = document.format == "pdf" and len(document.page_texts) == document.pages
    result.blocks = [(block.page, " | ".join(block.cells) if block.kind == "row" else block.text)
                     for block in document.blocks]
    result.layout = [(block.kind, block.level, list(block.cells), block.bold)
                     for block in document.blocks]


@dataclass
class Reparse:
    """What the current importers make of a stored record's original, and how it differs."""
    item: StoredRecord
    record: dict[str, Any] | None = None       # the record they give (a draft's kept fields)
    warnings: list[str] = field(default_factory=list)
    error: KbError | None = None               # why there is no record to apply
    page_texts: list[str] = field(default_factory=list)
    paged: bool = False
    blocks: list[tuple[int | None, str]] = field(default_factory=list)
    layout: list[tuple[str, int, list[str], bool]] = field(default_factory=list)
    # Set when `record` is a new version uploaded for review rather than a re-reading.
    pending: PendingVersion | None = None

    @property
    def changes(self) -> list[Change]:
        """The fields offered: a waiting version's file (source.*) comes with it, unasked."""
        if self.record is None:
            return []
        return [change for change in field_diff(self.item.record, self.record)
                if self.pending is None or not change.field.startswith("source.")]

    @property
    def digest(self) -> str | None:
        """What the staff saw: applying checks the importers still give this."""
        return content_hash(self.record) if self.record is not None else None

    @property
    def sheet_pages(self) -> tuple[int, int]:
        """The original's pages that hold this sheet (a booklet's sheet: some of them)."""
        source = self.item.record.get("source") or {}
        count = len(self.page_texts) if self.paged else 1
        first = max(1, source.get("first_page") or 1)
        return first, max(first, min(count, source.get("last_page") or count))

    def pages(self) -> list[tuple[int, str]]:
        """(page number, text) of the sheet's own pages of a paged original."""
        first, last = self.sheet_pages
        return [(number, self.page_texts[number - 1]) for number in range(first, last + 1)
                if number <= len(self.page_texts)]

    def _own_blocks(self) -> list[int]:
        """Indexes of the blocks on the sheet's own pages (all of them without pages)."""
        first, last = self.sheet_pages
        return [index for index, (page, _) in enumerate(self.blocks)
                if page is None or first <= page <= last]

    def locations(self) -> dict[str, int | None]:
        """Page of the original where each locatable field's text is found; a field is
        absent when its text is not found there, None when found but the reader knows no
        pages (Word)."""
        return {name: self.blocks[index][0] for name, index in
                find_blocks(self.item.record, self.blocks, self._own_blocks()).items()}

    def fields_by_page(self) -> dict[int, list[str]]:
        """The fields found on each page, for the drawn pages' captions."""
        out: dict[int, list[str]] = {}
        for name, page in self.locations().items():
            if page is not None:
                out.setdefault(page, []).append(name)
        return out

    def layout_parts(self) -> list[Part]:
        """A Word or .odt original as headings, paragraphs, lists and tables, each part with
        the fields whose text begins in it."""
        found: dict[int, list[str]] = {}
        for name, index in find_blocks(self.item.record, self.blocks,
                                       self._own_blocks()).items():
            found.setdefault(index, []).append(name)
        parts: list[Part] = []
        for index, ((_, text), (kind, level, cells, bold)) in enumerate(zip(self.blocks,
                                                                            self.layout)):
            group = {"row": "table", "item": "list"}.get(kind)
            if group and parts and parts[-1].kind == group:
                part = parts[-1]
            else:
                part = Part("heading" if kind in ("title", "heading") else group or "paragraph",
                            level=1 if kind == "title" else max(level, 2))
                parts.append(part)
            if group:
                part.rows.append(cells if kind == "row" else [text])
            else:
                part.text, part.bold = text, bold
            part.fields.extend(found.get(index, []))
        return parts


@dataclass
class Part:
    """One piece of an original shown in its layout (see Reparse.layout_parts)."""
    kind: str                   # "heading", "paragraph", "list", "table"
    level: int = 2              # a heading's: 1 for the title
    text: str = ""
    bold: bool = False
    rows: list[list[str]] = field(default_factory=list)    # a table's cells, a list's items
    fields: list[str] = field(default_factory=list)


class SourceCache:
    """The importers' readings of the last few originals looked at, so that opening a review
    page again does not parse its original again. An original is known by its sha256 and
    name; a reading is that of this importer version under given limits."""

    def __init__(self, size: int = 32):
        self.size = size
        self._results: OrderedDict[tuple, SourceResult] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(item: StoredRecord, limits: Limits) -> tuple:
        return (item.source_sha256, _source_name(item), IMPORTER_VERSION, limits)

    def get(self, key: tuple) -> SourceResult | None:
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
            return self._results.get(key)

    def put(self, key: tuple, result: SourceResult) -> None:
        with self._lock:
            self._results[key] = result
            while len(self._results) > self.size:
                self._results.popitem(last=False)


def _source_name(item: StoredRecord) -> str:
    name = (item.record.get("source") or {}).get("filename") or f"{item.id}.pdf"
    return Path(name).name


def reparse(kb: KnowledgeBase, items: list[StoredRecord], limits: Limits = DEFAULT_LIMITS,
            workers: int | None = None, cache: SourceCache | None = None) -> Iterator[Reparse]:
    """Run the current importers on each record's archived original, in worker processes
    (those `cache` has read already are not read again); nothing is stored. One Reparse per
    item, in order."""
    with work_folder(kb.home, "review-") as workdir:
        todo: list[Path] = []
        missing: dict[int, Reparse] = {}
        known: dict[int, SourceResult] = {}
        for number, item in enumerate(items):
            if not item.source_sha256 or item.source_sha256 not in kb.archive:
                # The declared message, so a French page words it in French.
                missing[number] = Reparse(item, error=NoOriginal(say("original-missing",
                                                                     id=item.id)))
                continue
            cached = cache.get(SourceCache.key(item, limits)) if cache else None
            if cached is not None:
                known[number] = cached
                continue
            target = Path(workdir) / str(number) / _source_name(item)
            target.parent.mkdir(parents=True)
            shutil.copyfile(kb.archive.path(item.source_sha256), target)
            todo.append(target)
        results = iter_results(todo, limits, workers, parser=read_source)
        try:
            for number, item in enumerate(items):
                if number in missing:
                    yield missing[number]
                    continue
                # Results come in input order: one at a time, never all the texts at once.
                result = known.get(number) or next(results)
                if cache is not None and number not in known:
                    cache.put(SourceCache.key(item, limits), result)
                yield _reparse(item, result)
        finally:
            results.close()


def _reparse(item: StoredRecord, result: ParseResult) -> Reparse:
    out = Reparse(item, page_texts=getattr(result, "page_texts", []),
                  paged=getattr(result, "paged", False), blocks=getattr(result, "blocks", []),
                  layout=getattr(result, "layout", []))
    if result.record is not None:
        out.record, out.warnings = result.record.to_dict(), list(result.warnings)
    elif item.status == "draft" and isinstance(result.error, InvalidRecord) and result.error.draft:
        # A draft stays a draft: what can be kept of the sheet, as an import with --draft keeps it.
        out.record, _ = load_draft(result.error.draft)
        out.warnings = [result.error.message, *result.error.warnings]
    else:
        out.error = result.error or KbError(f"The original of sheet {item.id} could not be read.")
    return out


def waiting_version(item: StoredRecord) -> Reparse | None:
    """The new version uploaded for a published sheet, to apply field by field like a
    re-parse (None when none waits)."""
    if item.pending is None:
        return None
    return Reparse(item, record=item.pending.record, warnings=list(item.pending.warnings),
                   pending=item.pending)


def apply(kb: KnowledgeBase, found: Reparse, chosen: set[str] | None = None) -> StoredRecord:
    """Store what the importers gave (the record keeps its id and status): every field, or
    only the changed fields `chosen` ("budget.amount"), the others kept as stored. A waiting
    new version applied becomes the sheet's version (from its file) and waits no more.
    A published sheet never takes a field the importer knows is broken."""
    if found.record is None:
        raise found.error or KbError(f"Nothing to apply to sheet {found.item.id}.")
    item, record = found.item, found.record
    if chosen is not None:
        if found.pending is not None:
            # The original file is the new one: its provenance comes with whatever is taken.
            chosen = chosen | {change.field for change in field_diff(item.record, found.record)
                               if change.field.startswith("source.")}
        record = checked(item, merged(item.record, found.record, chosen))
    wrong = broken(record) if item.status == "published" else {}
    if wrong:
        raise InvalidRecord(next(iter(wrong.values())),
                            fields={path: [message] for path, message in wrong.items()})
    pending = found.pending
    stored = versions.next_version(
        record, kb.store.get(item.id) or item, record_id=item.id, status=item.status,
        source_sha256=pending.source_sha256 if pending else item.source_sha256,
        importer_version=pending.importer_version if pending else IMPORTER_VERSION,
        warnings=found.warnings, **({"pending": None} if pending else {}))
    kb.store.put(stored)
    kb.sync_index()
    return stored


def set_aside(kb: KnowledgeBase, item: StoredRecord) -> StoredRecord:
    """Staff want nothing of the version waiting for review: it is dropped (its original
    stays in the archive), the sheet stays as it is (same version)."""
    kb.store.put(same_version(item, pending=None, updated=now()))
    kb.sync_index()
    return kb.store.get(item.id) or item


def checked(item: StoredRecord, record: dict[str, Any]) -> dict[str, Any]:
    """`record` as RecordSchema dumps it for `item`'s status; InvalidRecord naming the
    problems when the fields taken do not make a valid sheet together."""
    try:
        return validated(record, item.status)
    except ValidationError as exc:
        raise InvalidRecord(say("reparse-invalid", id=item.id,
                                problems=flat_messages(exc.messages)),
                            fields=exc.messages) from exc


def merged(old: dict[str, Any], new: dict[str, Any], chosen: set[str]) -> dict[str, Any]:
    """`old` with the fields of `chosen` (flat names, as in a Change) taken from `new`."""
    out = {name: (dict(value) if isinstance(value, dict) else value)
           for name, value in old.items()}
    for name in chosen:
        head, _, sub = name.partition(".")
        if not sub:
            out[head] = new.get(head)
            continue
        target = dict(out.get(head) or {})
        value = (new.get(head) or {}).get(sub)
        if value is None:
            target.pop(sub, None) if head == "extra_sections" else target.update({sub: None})
        else:
            target[sub] = value
        # A nested field with nothing left in it is no field (a budget of all None).
        out[head] = target if any(v not in (None, "", []) for v in target.values()) else (
            {} if head == "extra_sections" else None)
    return out


def staff_edited(entries: list[Any]) -> set[str]:
    """The top-level fields staff edited by hand and a re-parse has not replaced since, from
    a record's audit entries (newest first, as AuditLog.entries gives them)."""
    edited: set[str] = set()
    for entry in reversed(entries):
        if entry.action not in ("edit", "reparse"):
            continue
        try:
            fields = set(json.loads(entry.detail or "{}").get("fields") or [])
        except (ValueError, AttributeError):
            continue            # an entry written by hand or by an old version
        if entry.action == "edit":
            edited |= fields
        else:
            edited -= fields        # what the re-parse applied is the importers' again
    return edited


def keep_staff_edits(kb: KnowledgeBase, item: StoredRecord, record: dict[str, Any]
                     ) -> tuple[dict[str, Any], list[str]]:
    """`record` (what the importers read now) with what staff edited by hand in `item` kept,
    as the web's re-parse offers it by default; and the fields so kept that the importers
    read differently (flat names, as in a Change)."""
    edited = staff_edited(AuditLog(kb.store).entries(record_id=item.id))
    changes = field_diff(item.record, record)
    taken = taken_by_default(changes, edited)
    kept = [change.field for change in changes if change.field not in taken]
    if not kept:
        return record, []
    return checked(item, merged(item.record, record, taken)), kept


def mark_reviewed(kb: KnowledgeBase, item: StoredRecord) -> StoredRecord:
    """Staff checked the sheet: its review warnings are cleared, nothing else changes (same
    version); a published sheet leaves the queue, a draft waits there to be published, and
    so does a new version waiting for review (its note stays)."""
    kb.store.put(same_version(item, status=item.status, warnings=[], updated=now()))
    kb.sync_index()
    return kb.store.get(item.id) or item


# Where a field came from

def locate(record: dict[str, Any], blocks: list[tuple[int | None, str]]
           ) -> dict[str, int | None]:
    """The page of the first block of the original holding each field's text (see Reparse)."""
    return {name: blocks[index][0] for name, index in find_blocks(record, blocks).items()}


def find_blocks(record: dict[str, Any], blocks: list[tuple[int | None, str]],
                among: list[int] | None = None) -> dict[str, int]:
    """The index of the first block (of those `among`) holding each field's text."""
    texts = [(index, _normal(blocks[index][1]))
             for index in (range(len(blocks)) if among is None else among)]
    flat = flatten(record)
    found: dict[str, int] = {}
    names = [*LOCATABLE, *(name for name in flat if name.startswith("extra_sections."))]
    for name in names:
        value = flat.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        probe = _probe(value)
        if probe is None:
            continue
        for index, text in texts:
            if probe in text:
                found[name] = index
                break
    return found


def _probe(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    first = next((line for line in value.splitlines() if line.strip()), "")
    probe = _normal(re.sub(r"^\s*[-•*]\s+", "", first))[:_PROBE].strip()
    return probe if len(probe) >= 4 else None


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()
