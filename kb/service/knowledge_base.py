"""The KnowledgeBase: one home folder tying the store, the archive of originals and the index.

    kb-data/
        kb.sqlite3      records, files, the index outbox (the source of truth)
        originals/      every submitted file, by sha256
        index/          the Whoosh index, derived: `kb reindex` rebuilds it from the store
        vectors.sqlite3 the sheets' vectors (meaning), derived too, built after each write in the
                        background (kb.service.vectors)

Every write goes store first (with an outbox row in the same transaction), index second;
`sync_index` replays the outbox, so an index write that failed or was killed is redone.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from marshmallow import ValidationError

from index import writing
from index.highlight import snippet
from index.schema import SCHEMA_VERSION, SECTION_MARK, document, sections_text
from index.searching import SearchIndex, SearchResult
from index.vectors import VectorStore
from kb.core.errors import (IndexDamaged, InvalidRecord, KbError, NotFound, ReadOnlyHome,
                            StoreError)
from kb.core.facets import labelled
from kb.core.messages import say
from kb.core.record import RecordSchema, flat_messages
from kb.core.search_args import MAX_LIMIT, SearchRequest
from kb.core.text import fold
from kb.core.themes import themes_from_wording
from kb.service import versions
from kb.service.archive import Archive
from kb.service.store import STATUSES, Store, StoredRecord, now
from kb.service.vectors import VectorReport, VectorUpkeep

DEFAULT_HOME = "kb-data"
# Records an index commit takes at most while catching up (bounded memory).
SYNC_BATCH = 2000
# Themes offered on a page that found nothing.
THEMES_NEARBY = 5
# A full disk or quota: every later write would fail too.
_FULL = (errno.ENOSPC, errno.EDQUOT)


def default_home() -> Path:
    return Path(os.environ.get("KB_HOME") or DEFAULT_HOME)


@dataclass
class CheckReport:
    missing: list[str] = field(default_factory=list)    # in the store, not in the index
    extra: list[str] = field(default_factory=list)      # in the index, not in the store
    stale: list[str] = field(default_factory=list)      # indexed from an older version
    pending: list[str] = field(default_factory=list)    # queued in the outbox
    vectors: VectorReport = field(default_factory=lambda: VectorReport(None))

    @property
    def consistent(self) -> bool:
        return (not (self.missing or self.extra or self.stale or self.pending)
                and self.vectors.consistent)

    def as_json(self) -> dict[str, Any]:
        return {"consistent": self.consistent, "missing": self.missing, "extra": self.extra,
                "stale": self.stale, "pending": self.pending, "vectors": self.vectors.as_json()}


def disk_full(exc: BaseException) -> bool:
    """Whether a write failed for want of space (an OSError, SQLite's own)."""
    if isinstance(exc, OSError):
        return exc.errno in _FULL
    return isinstance(exc, sqlite3.OperationalError) and "disk is full" in str(exc)


def refuse_lost_store(home: Path) -> None:
    """A home whose index or archive holds sheets but whose database is gone (or empty) has
    lost its source of truth: opening it would make an empty one, and the next check or
    write would then empty the index too. Say so instead, and change nothing."""
    database = home / "kb.sqlite3"
    if database.is_file() and database.stat().st_size:
        return
    held = [what for what, folder in (("an index", home / "index"),
                                      ("an archive of originals", home / "originals"))
            if folder.is_dir() and any(path.is_file() for path in folder.rglob("*"))]
    if held:
        state = "empty" if database.is_file() else "missing"
        raise StoreError(
            f"The database {database} is {state} while {home} holds {' and '.join(held)}: "
            "nothing was changed; restore kb.sqlite3 from a backup (`kb load` reads a "
            "`kb export`), rebuild it from the originals with `kb recover`, or give the right "
            "--home.")


def home_read_only(home: Path) -> bool:
    """Whether `home` exists and cannot be written (os.access sees a read-only mount even
    for root, whom permissions do not stop)."""
    return home.is_dir() and not os.access(home, os.W_OK)


def refuse_read_only(home: Path, what: str) -> None:
    """Raise ReadOnlyHome when `what` (a command that writes) is asked of a read-only home."""
    if home_read_only(home):
        raise ReadOnlyHome(
            f"The knowledge base at {home} is read-only, so `{what}` cannot write to it: "
            "search, show, similar, stats, export and check work; make the folder writable "
            "(or mount it read-write) to change it.")


class KnowledgeBase:
    def __init__(self, home: Path | str | None = None, *,
                 lock_timeout: float = writing.DEFAULT_LOCK_TIMEOUT,
                 vector_builds: str = "thread", recovering: bool = False):
        """`vector_builds`: how vectors follow writes (kb.service.vectors.MODES);
        `recovering`: open a home whose database is lost, to rebuild it (kb.service.recovery)."""
        self.home = Path(home) if home is not None else default_home()
        # A home on a read-only mount (or without write permission) is read, never written:
        # writes refuse with ReadOnlyHome (require_writable), reads work.
        self.read_only = home_read_only(self.home)
        if not self.read_only:
            self.home.mkdir(parents=True, exist_ok=True)
        if not recovering:
            refuse_lost_store(self.home)
        self.store = Store(self.home / "kb.sqlite3", read_only=self.read_only)
        self.archive = Archive(self.home / "originals")
        self.index_root = self.home / "index"
        self.vectors = VectorStore(self.home / "vectors.sqlite3", read_only=self.read_only)
        # A read-only home reads its vector file as it is; without one (never built there) it
        # cannot make it, and searches by words only.
        by_meaning = not self.read_only or self.vectors.path.is_file()
        self.index = SearchIndex(self.index_root, self.vectors if by_meaning else None)
        self.vector_upkeep = VectorUpkeep(self.home, self.store, self.vectors, vector_builds)
        self.lock_timeout = lock_timeout

    def close(self) -> None:
        self.vector_upkeep.close()
        self.index.close()
        self.vectors.close()
        self.store.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # Identity of sheets

    sheet_key = staticmethod(versions.sheet_key)

    def new_id(self, record: dict[str, Any], sheet_key: str) -> str:
        """A stable, URL-safe id: a slug of the title and a hash of the sheet's identity."""
        slug = re.sub(r"[^a-z0-9]+", "-", fold(record.get("title") or "sheet")).strip("-")[:48]
        slug = slug.rstrip("-") or "sheet"
        digest = hashlib.sha256(sheet_key.encode()).hexdigest()
        for length in range(8, 65, 4):
            candidate = f"{slug}-{digest[:length]}"
            existing = self.store.get(candidate)
            if existing is None or existing.sheet_key == sheet_key:
                return candidate
        raise KbError(f"No free id for {record.get('title')!r}.")

    # Reading

    def get(self, record_id: str) -> StoredRecord:
        found = self.store.get(record_id)
        if found is None:
            raise NotFound(f"No sheet with id {record_id!r}; `kb search` lists the ids.")
        return found

    def search(self, request: SearchRequest, *, highlight: bool = True, language: str = "en",
               translate: Callable[[str], str] | None = None) -> dict[str, Any]:
        """The JSON of a search: total, hits with snippets, facets (labelled in `language`,
        `translate` giving its messages), suggestion, and corrected_query: the spelling
        correction searched instead of the query (None when the query was searched as typed)."""
        result = self.index.search(request)
        found = self._result_json(request, result, highlight, language, translate)
        if not result.total and request.q.strip():
            found["themes_nearby"] = self.themes_nearby(request, language, translate)
        return found

    def themes_nearby(self, request: SearchRequest, language: str = "en",
                      translate: Callable[[str], str] | None = None) -> list[dict[str, Any]]:
        """For a search that found nothing: the themes its words find sheets in without the
        filters ({value, label, count, with_words: True}, most sheets first), or else the
        themes its words name, with their number of sheets (with_words: False)."""
        unfiltered = replace(request, selections={}, year_from=None, year_to=None,
                             budget_min=None, budget_max=None, page=1, limit=1, facets=True)
        found = self.index.search(unfiltered) if unfiltered != replace(
            request, page=1, limit=1, facets=True) else None
        with_words = bool(found and found.total)
        if not with_words:
            named = themes_from_wording(request.q)
            if not named:
                return []
            found = self.index.search(SearchRequest(status=request.status, limit=1))
        buckets = labelled({"themes": found.facets.get("themes", [])}, language,
                           translate)["themes"]
        if not with_words:
            buckets = [bucket for bucket in buckets if bucket["value"] in named]
        buckets = sorted((b for b in buckets if b["count"]), key=lambda b: -b["count"])
        return [{"value": b["value"], "label": b["label"], "count": b["count"],
                 "with_words": with_words} for b in buckets[:THEMES_NEARBY]]

    def _result_json(self, request: SearchRequest, result: SearchResult, highlight: bool,
                     language: str = "en", translate: Callable[[str], str] | None = None
                     ) -> dict[str, Any]:
        stored = self.store.get_many([rid for rid, _ in result.hits])
        hits = []
        for record_id, score in result.hits:
            item = stored.get(record_id)
            if item is None:       # deleted since the index was read
                continue
            hit = self.hit_json(item, score, result.terms if highlight else None)
            hit["by_meaning"] = record_id in result.by_meaning
            hits.append(hit)
        return {
            "total": result.total,
            "page": request.page,
            "limit": max(1, min(request.limit, MAX_LIMIT)),
            "hits": hits,
            "facets": labelled(result.facets, language, translate),
            "suggestion": result.suggestion,
            "corrected_query": result.corrected,
            "query_fallback": result.fallback,
            # No sheet has the query's words: the hits are the nearest sheets by meaning.
            "nearest": result.nearest,
        }

    def hit_json(self, item: StoredRecord, score: float | None,
                 terms: dict[str, set[str]] | None) -> dict[str, Any]:
        record = item.record
        budget = record.get("budget") or {}
        text = [record.get("objectives") or "", record.get("context") or "",
                record.get("activities") or "", record.get("evaluation") or "",
                *(record.get("extra_sections") or {}).values()]
        return {
            "id": item.id,
            "title": record.get("title"),
            "city": record.get("city"),
            "country": record.get("country"),
            "language": record.get("language"),
            "themes": record.get("themes") or [],
            "start_year": record.get("start_year"),
            "end_year": record.get("end_year"),
            "budget_eur": budget.get("amount_eur"),
            "budget_amount": budget.get("amount"),
            "budget_currency": budget.get("currency"),
            "budget_text": budget.get("text") or None,
            "budget_basis": budget.get("basis"),
            "status": item.status,
            "score": score,
            "snippet": snippet(text, record.get("language") or "en", terms or {}),
        }

    def ordered_ids(self, request: SearchRequest) -> list[str]:
        """The ids of a search's whole result set, in its sort order (for exports)."""
        return self.index.ordered_ids(request)

    def sheet_json(self, item: StoredRecord) -> dict[str, Any]:
        """One sheet as `kb show --json` and the API give it: record, status, provenance."""
        return {"id": item.id, "status": item.status, "record": item.record,
                "provenance": item.provenance(), "files": self.file_names(item)}

    def file_names(self, item: StoredRecord) -> list[str]:
        """The names of every file submitted for the sheet."""
        return [row.filename for row in self.store.files_of(item.id)]

    def similar(self, record_id: str, limit: int = 5) -> list[dict[str, Any]]:
        return self.similar_to(self.get(record_id), limit)

    def similar_to(self, item: StoredRecord, limit: int = 5) -> list[dict[str, Any]]:
        """The hits of the sheets most like `item` (a record already read)."""
        record = item.record
        text = SECTION_MARK.join(sections_text(record))
        found = self.index.similar(item.id, record.get("language") or "en", text,
                                   record.get("themes") or [], record.get("target_groups") or [],
                                   limit)
        stored = self.store.get_many([rid for rid, _ in found])
        return [self.hit_json(stored[rid], score, None) for rid, score in found if rid in stored]

    def analyse(self, request: SearchRequest, sheets: bool = False,
                filters: bool = False) -> dict[str, Any]:
        return self.index.analyse(request, sheets, filters)

    # Writing

    def save(self, record: dict[str, Any], status: str = "published", *,
             record_id: str | None = None, source_sha256: str | None = None,
             importer_version: str | None = None, sync: bool = True,
             warnings: list[str] | None = None) -> StoredRecord:
        """Store a record (dumped by RecordSchema): a new one, or a new version of `record_id`.

        `warnings` replaces the review warnings kept with it (None keeps those it had).
        """
        key = self.sheet_key(record, source_sha256)
        # The same sheet saved again (same title, city, country) is a new version of it.
        record_id = record_id or self.new_id(record, key)
        stored = versions.next_version(record, self.store.get(record_id), record_id=record_id,
                                       status=status, key=key, source_sha256=source_sha256,
                                       importer_version=importer_version, warnings=warnings)
        self.store.put(stored)
        if sync:
            self.sync_index()
        return stored

    def set_status(self, record_id: str, status: str) -> StoredRecord:
        """Publish or unpublish a record; a draft is published only once it is complete.

        Publishing is the staff's decision after review: the review warnings are cleared.
        Raises InvalidRecord, naming the fields, when a draft does not pass RecordSchema.
        """
        if status not in STATUSES:
            raise KbError(f"Unknown status {status!r}; use one of {', '.join(STATUSES)}.")
        item = self.get(record_id)
        record, warnings = item.record, item.warnings
        if status == "published":
            try:
                record = RecordSchema().dump(RecordSchema().load(item.record))
            except ValidationError as exc:
                raise InvalidRecord(say("cannot-publish", id=record_id,
                                        problems=flat_messages(exc.messages)),
                                    fields=exc.messages) from exc
            warnings = []
        if record == item.record:
            self.store.put(versions.same_version(item, status=status, warnings=warnings,
                                                 updated=now()))
            self.sync_index()
            return self.get(record_id)
        return self.save(record, status, record_id=record_id, warnings=warnings)

    def delete(self, record_id: str) -> None:
        """Remove a record (its original files stay in the archive)."""
        if not self.store.delete(record_id):
            raise NotFound(f"No sheet with id {record_id!r}; nothing was deleted.")
        self.sync_index()

    def sync_index(self, merge: bool = True) -> int:
        """Write the index entries the outbox asks for; returns how many ids were handled.

        An index built by an older version of the schema is rebuilt from the store first.
        """
        if self.index_outdated():
            return self.reindex(vectors=False)
        done = 0
        while True:
            queued, marker = self.store.outbox(SYNC_BATCH)
            if not queued:
                if done:
                    self.vector_upkeep.written()
                return done
            found = self.store.get_many(queued)
            documents = [self.document(found[rid]) for rid in queued if rid in found]
            gone = [rid for rid in queued if rid not in found]
            writing.apply(self.index_root, documents, gone, self.lock_timeout, merge)
            self.store.clear_outbox(queued, marker)
            done += len(queued)

    def index_outdated(self) -> bool:
        """Whether the index was built by an older version of the schema (to be rebuilt)."""
        live = writing.current(self.index_root)
        return live is not None and live[1] != SCHEMA_VERSION

    @staticmethod
    def document(item: StoredRecord) -> dict[str, Any]:
        return document(item.id, item.status, item.stamp, item.record, item.created)

    def reindex(self, procs: int = 1, vectors: bool = True,
                progress: Callable[[int, int], None] | None = None) -> int:
        """Rebuild the whole index from the store (and, with `vectors`, every vector: `progress`
        hears how many are made); returns the number of records indexed."""
        try:
            pending, marker = self.store.outbox()
            count = writing.rebuild(self.index_root,
                                    (self.document(item) for item in self.store.records()),
                                    procs=procs, timeout=self.lock_timeout)
            self.store.clear_outbox(pending, marker)
            self.sync_index()
            if vectors:
                self.vector_upkeep.rebuild(progress)
            else:
                self.vector_upkeep.written()
        except (OSError, sqlite3.OperationalError) as exc:
            if not disk_full(exc):
                raise
            raise StoreError(
                f"No space left on the disk of {self.home} to rebuild the index: the live index "
                "and the store are as they were; free some space, run `kb check --repair` "
                "(it removes a half-built index), then `kb reindex` again.") from exc
        return count

    def check_store(self, quick: bool = False) -> None:
        """Refuse a database SQLite finds damaged: comparing or repairing the index from it
        would drop the sheets it can no longer read (`quick`: see Store.integrity_problems)."""
        problems = self.store.integrity_problems(quick=quick)
        if problems:
            raise StoreError(
                f"The database {self.store.path} is damaged (SQLite's integrity check: "
                f"{problems[0]}); nothing was changed: copy the folder {self.home} aside, then "
                "restore the database from a backup (`kb load` reads a `kb export`).")

    def check(self, repair: bool = False) -> CheckReport:
        """Compare store and index; with `repair`, rewrite what differs."""
        self.check_store()
        try:
            indexed = self.index.stamps()
        except IndexDamaged:
            if not repair:
                raise
            self.reindex(vectors=False)
            return self.check(repair)
        stored = self.store.stamps()
        report = CheckReport(
            missing=sorted(set(stored) - set(indexed)),
            extra=sorted(set(indexed) - set(stored)),
            stale=sorted(rid for rid in set(stored) & set(indexed) if stored[rid] != indexed[rid]),
            pending=self.store.outbox()[0],
            vectors=self.vector_upkeep.check(repair),
        )
        if repair and not report.consistent:
            self.store.queue_for_index(report.missing + report.extra + report.stale)
            self.sync_index()
        return report
