"""The audit log: who imported, edited, reviewed, published, unpublished or deleted what, and
when."""

from __future__ import annotations

import csv
import datetime
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
    # The sheet's title now (None when the entry names no sheet, or the sheet is deleted).
    title: str | None = None

    @property
    def data(self) -> dict[str, Any] | None:
        """The detail as the JSON object it was written as; None for plain text."""
        if not self.detail.startswith("{"):
            return None
        try:
            value = json.loads(self.detail)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

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
                before: int | None = None, user: str | None = None, action: str | None = None,
                since: datetime.date | None = None, until: datetime.date | None = None
                ) -> list[Entry]:
        """Newest first, with each sheet's title; `before` pages back from an entry's seq;
        `since` and `until` are days (UTC), both included."""
        sql = ("SELECT a.seq, a.at, a.user, a.action, a.record_id, a.detail,"
               " json_extract(r.record, '$.title') FROM audit_log a"
               " LEFT JOIN records r ON r.id = a.record_id WHERE 1=1")
        params: list[Any] = []
        for column, value in (("a.record_id", record_id), ("a.user", user),
                              ("a.action", action)):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        if before is not None:
            sql += " AND a.seq < ?"
            params.append(before)
        # Stamps are ISO text in UTC: a day's entries sort from its date onwards.
        if since is not None:
            sql += " AND a.at >= ?"
            params.append(since.isoformat())
        if until is not None:
            sql += " AND a.at < ?"
            params.append((until + datetime.timedelta(days=1)).isoformat())
        sql += " ORDER BY a.seq DESC" + (f" LIMIT {int(limit)}" if limit else "")
        return [Entry(*row) for row in self.store.execute(sql, params)]

    def users(self) -> list[str]:
        """Everyone who has an entry in the log, by name."""
        return [row[0] for row in self.store.execute(
            "SELECT DISTINCT user FROM audit_log ORDER BY user")]

    def write_csv(self, out: TextIO) -> int:
        writer = csv.writer(out)
        writer.writerow(self.COLUMNS)
        rows = self.entries()
        for entry in reversed(rows):
            writer.writerow([entry.seq, entry.at, entry.user, entry.action,
                             entry.record_id or "", entry.detail])
        return len(rows)
