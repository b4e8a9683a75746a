"""Export and load: every record as JSON lines (the backup format) or as CSV (for spreadsheets).

A JSON line holds the record and what the store knows of it (id, status, provenance), so
`kb load` of an export gives back the same records, and exporting again gives the same bytes.
The originals are not in the export: copy the home's originals/ folder to keep them.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from typing import Any, TextIO

from marshmallow import ValidationError

from kb.core.errors import LoadError
from kb.service.knowledge_base import KnowledgeBase
from kb.core.messages import as_data, from_data
from kb.core.money import basis_of, yearly_amount
from kb.core.record import RecordSchema, load_draft
from kb.service import versions
from kb.service.store import STATUSES, PendingVersion, StoredRecord, canonical_json

CSV_COLUMNS = (
    "id", "status", "title", "city", "country", "organisation", "language", "themes",
    "themes_inferred", "keywords", "start_year", "end_year", "budget_amount", "budget_currency",
    "budget_eur", "budget_basis", "budget_eur_per_year", "budget_text", "budget_funding", "partners", "target_groups", "contact_name",
    "contact_email", "context", "objectives", "activities", "evaluation", "extra_sections",
    "source_filename", "source_sha256", "source_format", "imported", "updated", "version",
)


def export_line(item: StoredRecord) -> str:
    line: dict[str, Any] = {
        "id": item.id, "status": item.status, "record": item.record,
        "source_sha256": item.source_sha256, "importer_version": item.importer_version,
        "created": item.created, "updated": item.updated, "version": item.version,
    }
    # What staff still have to look at is part of the backup: the review warnings and a new
    # version waiting beside a published sheet (only when there are, so older lines stay).
    if item.warnings:
        line["warnings"] = [as_data(warning) for warning in item.warnings]
    if item.pending is not None:
        line["pending"] = item.pending.as_data()
    return canonical_json(line)


def export_jsonl(kb: KnowledgeBase, out: TextIO, status: str | None = None) -> int:
    count = 0
    for item in kb.store.records(status):
        out.write(export_line(item) + "\n")
        count += 1
    return count


def csv_row(item: StoredRecord) -> list[Any]:
    record = item.record
    budget = record.get("budget") or {}
    contact = record.get("contact") or {}
    source = record.get("source") or {}
    joined = "; ".join
    values = {
        "id": item.id, "status": item.status, "title": record.get("title"),
        "city": record.get("city"), "country": record.get("country"),
        "organisation": record.get("organisation"), "language": record.get("language"),
        "themes": joined(record.get("themes") or []),
        "themes_inferred": "yes" if record.get("themes_inferred") else "no",
        "keywords": joined(record.get("keywords") or []),
        "start_year": record.get("start_year"), "end_year": record.get("end_year"),
        "budget_amount": budget.get("amount"), "budget_currency": budget.get("currency"),
        "budget_eur": budget.get("amount_eur"), "budget_basis": basis_of(budget),
        "budget_eur_per_year": yearly_amount(budget, record.get("start_year"),
                                             record.get("end_year")),
        "budget_text": budget.get("text"),
        "budget_funding": joined(budget.get("funding") or []),
        "partners": joined(record.get("partners") or []),
        "target_groups": joined(record.get("target_groups") or []),
        "contact_name": contact.get("name"), "contact_email": contact.get("email"),
        "context": record.get("context"), "objectives": record.get("objectives"),
        "activities": record.get("activities"), "evaluation": record.get("evaluation"),
        "extra_sections": (json.dumps(record["extra_sections"], ensure_ascii=False)
                           if record.get("extra_sections") else ""),
        "source_filename": source.get("filename"), "source_sha256": item.source_sha256,
        "source_format": source.get("format"), "imported": item.created,
        "updated": item.updated, "version": item.version,
    }
    return [spreadsheet_safe(values[column]) for column in CSV_COLUMNS]


# A list item's bullet at the start of a line ("- ", "* ", "▪ "...): written as "•", which a
# spreadsheet shows as it is, where a leading "-" would be read as a formula.
_BULLET_LINE = re.compile(r"^[ \t]*[-*▪‣◦–][ \t]+", re.MULTILINE)


def spreadsheet_safe(value: Any) -> Any:
    """A cell a spreadsheet shows as text: sheet text starting with = + - @ would otherwise be
    run as a formula when the CSV is opened (CSV injection). Bullets become "•" first, so a
    list needs no guard; whole amounts are written without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        value = _BULLET_LINE.sub("• ", value)
        if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            return "'" + value
    return value


def export_csv(kb: KnowledgeBase, out: TextIO, status: str | None = None) -> int:
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for item in kb.store.records(status):
        writer.writerow(csv_row(item))
        count += 1
    return count


def read_jsonl(handle: TextIO, name: str) -> Iterator[StoredRecord]:
    """Records of an export; a bad line stops the load with its line number."""
    lines = iter(handle)
    number = 0
    while True:
        number += 1
        try:
            line = next(lines)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise LoadError(f"{name} line {number} is not UTF-8 text; export it again with "
                            "`kb export`. Nothing was loaded.") from exc
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            yield _stored(data)
        except (ValueError, KeyError, TypeError, AttributeError, ValidationError) as exc:
            raise LoadError(f"{name} line {number} is not a record exported by `kb export` "
                            f"({_reason(exc)}). Nothing was loaded.") from exc


def load_jsonl(kb: KnowledgeBase, handle: TextIO, name: str) -> int:
    """Add or replace (by id) the records of an export, then bring the index up to date."""
    count = 0
    with kb.store.transaction():
        for item in read_jsonl(handle, name):
            kb.store.put(item)
            count += 1
    kb.sync_index()
    return count


def _stored(data: dict[str, Any]) -> StoredRecord:
    status = data["status"]
    if status not in STATUSES:
        raise ValueError(f"status {status!r} is not one of {', '.join(STATUSES)}")
    record = data["record"]
    if not isinstance(record, dict):
        raise ValueError("its record is not a JSON object")
    if status == "published":
        RecordSchema().load(record)
    else:
        _, errors = load_draft(record)
        if errors:
            raise ValidationError(errors)
    source = record.get("source") or {}
    # A backup keeps its versions: the line's own number and times.
    return versions.stored_record(
        record, record_id=str(data["id"]), status=status, version=int(data["version"]),
        created=data["created"], updated=data["updated"],
        key=versions.sheet_key(record, data.get("source_sha256") or source.get("sha256")),
        source_sha256=data.get("source_sha256"), importer_version=data.get("importer_version"),
        warnings=[from_data(warning) for warning in data.get("warnings") or []],
        pending=_pending(data.get("pending")))


def _pending(data: Any) -> PendingVersion | None:
    """The new version a backup line keeps waiting beside its sheet, checked as a draft is."""
    if data is None:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("record"), dict):
        raise ValueError("its pending version is not a JSON object with a record")
    _, errors = load_draft(data["record"])
    if errors:
        raise ValidationError(errors)
    return PendingVersion.from_data(data)


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return f"invalid record: {exc.messages}"
    if isinstance(exc, KeyError):
        return f"missing {exc.args[0]!r}"
    return str(exc)
