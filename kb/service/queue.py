"""The review queue: drafts and sheets the importer warned about, filtered by what is wrong with
them (a warning's kind), by status, language and country, sorted, paged, with the count of each
filter's values (Datasette's facets as data: the web computes the links), and the bulk actions
staff take on several of its sheets at once.

The queue reads only a few fields of each record (SQLite's json_extract), so filtering and
counting do not decode every record; the sheets of the page shown are then read whole.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError

from kb.core.errors import InvalidRecord, KbError
from kb.core.messages import Message, from_data, say
from kb.core.record import RecordSchema, flat_messages
from kb.core.text import fold
from kb.service.doubts import broken, doubts
from kb.service.knowledge_base import KnowledgeBase
from kb.service.review import mark_reviewed
from kb.service.store import Store, StoredRecord

SORTS = ("newest", "title", "city", "warnings")
STATUSES = ("draft", "published")
# The filters of the queue, in the order the page shows them.
FILTERS = ("warning", "status", "language", "country")
# What a warning stored as plain text by an older version counts as (it has no code).
OTHER = "other"
PER_PAGE = 50
ACTIONS = ("review", "publish", "unpublish")
# One bulk action on at most this many sheets (a page of the queue is 50).
MAX_BULK = 500


def shown_warnings(record: dict[str, Any], stored: list[Any]) -> list[Any]:
    """What to check on a sheet: its doubtful fields as they are now, then the importer's
    other warnings (a doubt it stored at import is shown once, from the record)."""
    found = doubts(record)
    codes = {message.code for message in found.values()}
    return [*found.values(), *(warning for warning in stored
                               if getattr(warning, "code", None) not in codes)]


def warning_kind(warning: Any) -> str:
    """A warning's kind, what the queue filters on: its message code ("budget-missing")."""
    return getattr(warning, "code", None) or OTHER


@dataclass
class QueueRequest:
    warning: str | None = None
    status: str | None = None
    language: str | None = None
    country: str | None = None
    sort: str = "newest"
    page: int = 1
    per_page: int = PER_PAGE

    def selected(self, name: str) -> str | None:
        return getattr(self, name)


@dataclass
class Entry:
    """A sheet of the queue as the filters see it (the few fields read from its record)."""
    id: str
    status: str
    updated: str
    title: str
    city: str
    country: str
    language: str
    kinds: list[str]

    def value(self, name: str) -> str:
        return {"warning": "", "status": self.status, "language": self.language,
                "country": self.country}[name]

    def matches(self, request: QueueRequest, leave_out: str | None = None) -> bool:
        for name in FILTERS:
            wanted = request.selected(name)
            if name == leave_out or wanted is None:
                continue
            if name == "warning":
                if wanted not in self.kinds:
                    return False
            elif self.value(name) != wanted:
                return False
        return True


@dataclass
class QueuePage:
    request: QueueRequest
    items: list[StoredRecord]
    warnings: dict[str, list[Any]]          # id -> what to check, as shown
    total: int                               # sheets matching the filters
    queued: int                              # sheets in the whole queue
    pages: int
    counts: dict[str, Counter] = field(default_factory=dict)   # filter -> value -> sheets


_SLIM = ("SELECT id, status, updated, warnings, json_extract(record, '$.title'),"
         " json_extract(record, '$.city'), json_extract(record, '$.country'),"
         " json_extract(record, '$.language'), json_extract(record, '$.contact')"
         " FROM records WHERE status = 'draft' OR warnings != '[]'")


def entries(store: Store) -> list[Entry]:
    """Every sheet of the queue, with the kinds of what to check on it."""
    found = []
    for rid, status, updated, warnings, title, city, country, language, contact in \
            store.execute(_SLIM):
        record = {"city": city, "country": country,
                  "contact": json.loads(contact) if contact else None}
        stored = [from_data(item) for item in json.loads(warnings)]
        kinds = list(dict.fromkeys(warning_kind(w) for w in shown_warnings(record, stored)))
        found.append(Entry(rid, status, updated, title or "", city or "", country or "",
                           language or "", kinds))
    return found


def _sorted(shown: list[Entry], sort: str) -> list[Entry]:
    """Newest first, then by the chosen key (sorts are stable: ties stay newest first)."""
    shown = sorted(sorted(shown, key=lambda entry: entry.id),
                   key=lambda entry: entry.updated, reverse=True)
    if sort == "title":
        shown.sort(key=lambda entry: (entry.title == "", fold(entry.title)))
    elif sort == "city":
        shown.sort(key=lambda entry: (entry.city == "", fold(entry.city), fold(entry.title)))
    elif sort == "warnings":
        shown.sort(key=lambda entry: -len(entry.kinds))
    return shown


def review_queue(store: Store, request: QueueRequest) -> QueuePage:
    """The page of the queue `request` asks for, with each filter's counts over the sheets the
    other filters leave (so choosing a warning still shows the other kinds to switch to). A page
    past the last shows the last."""
    every = entries(store)
    counts: dict[str, Counter] = {}
    for name in FILTERS:
        counted: Counter = Counter()
        for entry in every:
            if entry.matches(request, leave_out=name):
                counted.update(entry.kinds if name == "warning" else [entry.value(name)])
        counts[name] = counted
    shown = _sorted([entry for entry in every if entry.matches(request)], request.sort)
    pages = max(1, -(-len(shown) // request.per_page))
    request.page = min(max(request.page, 1), pages)
    start = (request.page - 1) * request.per_page
    ids = [entry.id for entry in shown[start:start + request.per_page]]
    records = store.get_many(ids)
    items = [records[rid] for rid in ids if rid in records]
    return QueuePage(request, items, {item.id: shown_warnings(item.record, item.warnings)
                                      for item in items},
                     len(shown), len(every), pages, counts)


# Bulk actions

@dataclass
class Outcome:
    """What one bulk action did to each sheet: done, or why not (a message per sheet)."""
    action: str
    done: list[StoredRecord] = field(default_factory=list)
    unchanged: list[StoredRecord] = field(default_factory=list)     # already so
    failed: list[tuple[StoredRecord, Message]] = field(default_factory=list)   # and why
    missing: list[str] = field(default_factory=list)     # ids of sheets deleted meanwhile


def bulk(kb: KnowledgeBase, action: str, record_ids: list[str],
         audit: Callable[[str, str], None]) -> Outcome:
    """Mark as reviewed, publish or unpublish each sheet, as the single actions do, writing
    each change to the audit log through `audit(action, record_id)`; a sheet that cannot be
    changed is named with why, and the others go on."""
    return _each(kb.store, action, record_ids, lambda item: _act(kb, action, item), audit)


def preview(store: Store, action: str, record_ids: list[str]) -> Outcome:
    """What `bulk` would do to each sheet, changing nothing: the sheets it would change (in
    `done`), those already so, those it could not change and why, those deleted meanwhile."""
    return _each(store, action, record_ids, lambda item: _needed(action, item),
                 lambda action, record_id: None)


def _each(store: Store, action: str, record_ids: list[str],
          change: Callable[[StoredRecord], bool], audit: Callable[[str, str], None]) -> Outcome:
    if action not in ACTIONS:
        raise KbError(f"Unknown bulk action {action!r}; use one of {', '.join(ACTIONS)}.")
    outcome = Outcome(action)
    for record_id in dict.fromkeys(record_ids):
        item = store.get(record_id)
        if item is None:
            outcome.missing.append(record_id)
            continue
        try:
            changed = change(item)
        except InvalidRecord as exc:
            outcome.failed.append((item, exc.message))
            continue
        if changed:
            audit(action, item.id)
            outcome.done.append(item)
        else:
            outcome.unchanged.append(item)
    return outcome


def _needed(action: str, item: StoredRecord) -> bool:
    """Whether `action` would change the sheet (False when it already is so). Raises
    InvalidRecord, as the change would, when it cannot be published."""
    if action == "review":
        return bool(item.warnings)
    if action == "unpublish":
        return item.status != "draft"
    if item.status == "published":
        return False
    # A field the importer knows is broken is never published (as the single action).
    problems = broken(item.record)
    if problems:
        raise InvalidRecord(next(iter(problems.values())),
                            fields={path: [message] for path, message in problems.items()})
    # What KnowledgeBase.set_status checks before publishing, asked without publishing.
    try:
        RecordSchema().load(item.record)
    except ValidationError as exc:
        raise InvalidRecord(say("cannot-publish", id=item.id,
                                problems=flat_messages(exc.messages)),
                            fields=exc.messages) from exc
    return True


def _act(kb: KnowledgeBase, action: str, item: StoredRecord) -> bool:
    """One sheet's change; False when it already was so. Raises InvalidRecord when not."""
    if not _needed(action, item):
        return False
    if action == "review":
        mark_reviewed(kb, item)
    else:
        kb.set_status(item.id, "draft" if action == "unpublish" else "published")
    return True
