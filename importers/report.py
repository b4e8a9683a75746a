"""The report of a bulk import: what became of each submitted file, and the totals."""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, TextIO

from kb.core.messages import Message, as_data, from_data

# imported: a new record; updated: a new version of a sheet already known; unchanged: this
# very file was imported before; duplicate: another file with the same content as a known
# sheet (e.g. its PDF after its Word version); draft: incomplete, kept as a draft; rejected:
# not imported, see error_kind and error_message.
OUTCOMES = ("imported", "updated", "unchanged", "duplicate", "draft", "rejected")
CSV_COLUMNS = ("file", "part", "outcome", "record_id", "title", "error_kind", "error_message",
               "warnings", "near_duplicates", "sha256")


@dataclass
class FileOutcome:
    file: str
    outcome: str
    record_id: str | None = None
    title: str | None = None
    error_kind: str | None = None
    error_message: Message | str | None = None
    warnings: list[Message | str] = field(default_factory=list)
    near_duplicates: list[str] = field(default_factory=list)
    sha256: str | None = None
    # A booklet's sheet: where it stands in the file ("part 2 of 5, pages 3-4").
    part: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The outcome as JSON: messages in English, and again as data (code, parameters)
        under error_data and warnings_data, for a reader that words them in another language."""
        out = asdict(self)
        out["error_data"] = as_data(self.error_message) if self.error_message else None
        out["warnings_data"] = [as_data(warning) for warning in self.warnings]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FileOutcome:
        """The outcome `as_dict` wrote (or an older report, with English text only)."""
        known = {name: data[name] for name in (f.name for f in fields(cls)) if name in data}
        if data.get("error_data"):
            known["error_message"] = from_data(data["error_data"])
        if data.get("warnings_data"):
            known["warnings"] = [from_data(item) for item in data["warnings_data"]]
        return cls(**known)


@dataclass
class ImportReport:
    files: list[FileOutcome] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)
    dry_run: bool = False
    index_message: str | None = None

    def add(self, outcome: FileOutcome) -> None:
        self.files.append(outcome)

    def counts(self) -> dict[str, int]:
        counts = Counter(item.outcome for item in self.files)
        return {outcome: counts.get(outcome, 0) for outcome in OUTCOMES}

    def rejected_by_kind(self) -> dict[str, int]:
        return dict(Counter(item.error_kind for item in self.files if item.outcome == "rejected"))

    @property
    def failed(self) -> bool:
        """Whether a file is not in the knowledge base: rejected now, or before and unchanged."""
        return any(item.outcome == "rejected" or (item.outcome == "unchanged" and item.error_kind)
                   for item in self.files)

    def summary(self) -> str:
        counts = self.counts()
        line = ", ".join(f"{counts[name]} {name}" for name in OUTCOMES)
        prefix = "Dry run, nothing stored: " if self.dry_run else ""
        text = f"{prefix}{len(self.files)} file(s): {line}."
        still = sum(1 for item in self.files if item.outcome == "unchanged" and item.error_kind)
        if still:
            text += (f"\n{still} of the unchanged file(s) were rejected before and still are "
                     "(see the report); fix them and import again.")
        kinds = self.rejected_by_kind()
        if kinds:
            text += "\nRejected by kind: " + ", ".join(
                f"{kind} {count}" for kind, count in sorted(kinds.items()))
        if self.ignored:
            text += f"\n{len(self.ignored)} other file(s) ignored (not PDF or Word)."
        if self.index_message:
            text += "\n" + self.index_message
        return text

    def as_json(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "counts": self.counts(),
                "rejected_by_kind": self.rejected_by_kind(),
                "files": [item.as_dict() for item in self.files],
                "ignored": [{"file": name, "reason": reason} for name, reason in self.ignored]}

    def write(self, path: Path) -> None:
        """JSON when the file name ends in .json, CSV otherwise (UTF-8, for spreadsheets)."""
        path = Path(path)
        if path.suffix.lower() == ".json":
            path.write_text(json.dumps(self.as_json(), ensure_ascii=False, indent=2) + "\n",
                            encoding="utf-8")
            return
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            self.write_csv(handle)

    def write_csv(self, handle: TextIO) -> None:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for item in self.files:
            row = asdict(item)
            row["warnings"] = " | ".join(item.warnings)
            row["near_duplicates"] = " ".join(item.near_duplicates)
            writer.writerow([row[column] if row[column] is not None else ""
                             for column in CSV_COLUMNS])
