"""The audit log: who imported, edited, reviewed, published, unpublished or deleted what, and
when."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from typing import Any, TextIO

from kb.service.store import Store, now

ACTIONS = ("import", "edit", "review", "publish", "unpublish", "delete", "reparse", "sign-in",
           "sign-out")


@dataclass
class Entry:
    seq: int
    at: str
    user: str
    action: str
    record_id: str | None
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": self.at, "user": self.user, "action": self.action,
                "record_id": self.record_id, "detail": self.detail}


class AuditLog:
    COLUMNS = ("seq", "at", "user", "action", "record_id", "detail")

    def __init__(self, store: Store):
        self.store = store

    def record(self, user: str, action: str, record_id: str | None = None,
               detail: str | dict[str, Any] = "") -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        text = detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False)
        with self.store.transaction():
            self.store.execute(
                "INSERT INTO audit_log (at, user, action, record_id, detail) VALUES (?, ?, ?, ?, ?)",
                (now(), user, action, record_id, text))

    def entries(self, *, record_id: str | None = None, limit: int | None = None,
                before: int | None = None) -> list[Entry]:
        """Newest first; `before` pages back from an entry's seq."""
        sql = "SELECT seq, at, user, action, record_id, detail FROM audit_log WHERE 1=1"
        params: list[Any] = []
        if record_id is not None:
            sql += " AND record_id = ?"
            params.append(record_id)
        if before is not None:
            sql += " AND seq < ?"
            params.append(before)
        sql += " ORDER BY seq DESC" + (f" LIMIT {int(limit)}" if limit else "")
        return [Entry(*row) for row in self.store.execute(sql, params)]

    def write_csv(self, out: TextIO) -> int:
        writer = csv.writer(out)
        writer.writerow(self.COLUMNS)
        rows = self.entries()
        for entry in reversed(rows):
            writer.writerow([entry.seq, entry.at, entry.user, entry.action,
                             entry.record_id or "", entry.detail])
        return len(rows)
