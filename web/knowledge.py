"""The knowledge base as the web app shares it between its request threads, and the
function that gives a request its app's knowledge base.

The store keeps one SQLite connection and the index one searcher; both are used by one
thread at a time, so every call here holds a lock. Calls are short (a search, a few rows);
pages are rendered outside it. The public only sees published sheets.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from kb.core.search_args import SearchRequest
from kb.core.errors import NotFound
from kb.service.knowledge_base import KnowledgeBase
from kb.service.pages import PageCache
from kb.service.review import SourceCache
from kb.service.store import StoredRecord
from kb.service.users import Users

# Rows fetched per lock hold while an export streams.
EXPORT_CHUNK = 200
MIMETYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class SharedKnowledgeBase:
    def __init__(self, home: Path | str):
        self.kb = KnowledgeBase(home)
        self._lock = threading.Lock()
        # The embedding model takes a second to load: load it now, not in the first search.
        threading.Thread(target=self.kb.vector_upkeep.embedder, daemon=True,
                         name="kb-model-load").start()
        # The importers' readings of the originals staff review (kb.service.review).
        self.sources = SourceCache()
        # The PDF originals' pages drawn for the review page (kb.service.pages).
        self.pages = PageCache()

    def close(self) -> None:
        with self._lock:
            self.kb.close()

    @contextmanager
    def locked(self) -> Iterator[KnowledgeBase]:
        """The knowledge base itself, for a few quick calls (staff pages): never hold it for
        long work such as an import, which opens a KnowledgeBase of its own."""
        with self._lock:
            yield self.kb

    def user_exists(self, name: str) -> bool:
        with self._lock:
            return Users(self.kb.store).exists(name)

    def search(self, request: SearchRequest, **options: Any) -> dict[str, Any]:
        with self._lock:
            return self.kb.search(request, **options)

    def analyse(self, request: SearchRequest, sheets: bool = False,
                filters: bool = False) -> dict[str, Any]:
        with self._lock:
            return self.kb.analyse(request, sheets, filters)

    def sheet(self, record_id: str) -> StoredRecord:
        """A published sheet; NotFound for unknown ids and drafts alike."""
        with self._lock:
            item = self.kb.store.get(record_id)
        if item is None or item.status != "published":
            raise NotFound(_("No published sheet with id %(id)s.", id=repr(record_id)))
        return item

    def sheets(self, record_ids: list[str]) -> list[StoredRecord]:
        """Published sheets in the order asked; NotFound names the first unknown id."""
        with self._lock:
            found = self.kb.store.get_many(record_ids)
        for record_id in record_ids:
            item = found.get(record_id)
            if item is None or item.status != "published":
                raise NotFound(_("No published sheet with id %(id)s.", id=repr(record_id)))
        return [found[record_id] for record_id in record_ids]

    def sheet_json(self, record_id: str) -> dict[str, Any]:
        item = self.sheet(record_id)
        with self._lock:
            return self.kb.sheet_json(item)

    def similar(self, record_id: str, limit: int = 5) -> list[dict[str, Any]]:
        return self.similar_to(self.sheet(record_id), limit)

    def similar_to(self, item: StoredRecord, limit: int = 5) -> list[dict[str, Any]]:
        """Sheets like a published sheet already read."""
        with self._lock:
            return self.kb.similar_to(item, limit)

    def file_names(self, item: StoredRecord) -> list[str]:
        with self._lock:
            return self.kb.file_names(item)

    def original(self, record_id: str, *, published_only: bool = True) -> tuple[Path, str, str]:
        """(path in the archive, file name as submitted, mimetype) of a sheet's original;
        staff also get those of drafts."""
        if published_only:
            item = self.sheet(record_id)
        else:
            with self._lock:
                item = self.kb.store.get(record_id)
            if item is None:
                raise NotFound(_("No sheet with id %(id)s.", id=repr(record_id)))
        source = item.record.get("source") or {}
        if not item.source_sha256 or item.source_sha256 not in self.kb.archive:
            raise NotFound(_("The sheet %(id)s has no original file in the archive.",
                             id=repr(record_id)))
        fmt = source.get("format") or "pdf"
        filename = source.get("filename") or f"{record_id}.{fmt}"
        return (self.kb.archive.path(item.source_sha256), filename,
                MIMETYPES.get(fmt, "application/octet-stream"))

    def rows(self, request: SearchRequest) -> Iterator[StoredRecord]:
        """Every sheet of a search's result set, in its order, fetched a chunk at a time."""
        with self._lock:
            ids = self.kb.ordered_ids(request)
        for start in range(0, len(ids), EXPORT_CHUNK):
            chunk = ids[start:start + EXPORT_CHUNK]
            with self._lock:
                found = self.kb.store.get_many(chunk)
            yield from (found[rid] for rid in chunk if rid in found)


def knowledge_base() -> SharedKnowledgeBase:
    """The knowledge base of the app serving this request (opened once per app and worker:
    it keeps a long-lived searcher, so it is not opened per request)."""
    return current_app.extensions["knowledge_base"]
