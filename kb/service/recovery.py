"""Rebuilding the store from the archive of originals (`kb recover`), when kb.sqlite3 is lost.

The archive keeps every submitted file under its sha256, without its name: each is read by
its content (importers.submissions), parsed again and stored, then the index is rebuilt from
the new store. What only the database held (staff edits, review decisions, users, the audit
log, file names) cannot come back from the originals: `ImportOptions(publish=False)` (`kb
recover --drafts`) brings every sheet back as a draft, for staff to decide again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from importers.report import FileOutcome, ImportReport
from kb.core.errors import StoreError
from kb.service.importing import ImportOptions, import_paths
from kb.service.knowledge_base import KnowledgeBase, refuse_read_only


def recover(home: Path, options: ImportOptions = ImportOptions(draft=True),
            on_total: Callable[[int], None] | None = None,
            on_file: Callable[[FileOutcome], None] | None = None,
            lock_timeout: float | None = None) -> tuple[ImportReport, int]:
    """Import every original of `home`'s archive into its store (incomplete sheets as drafts
    by default) and rebuild the index; returns the import report and the records indexed
    (0 when the import stopped on a full disk: the index is then left as it was)."""
    refuse_read_only(Path(home), "kb recover")
    originals = Path(home) / "originals"
    if not originals.is_dir():
        raise StoreError(f"There is no archive of originals at {originals}: nothing to recover "
                         "from; check --home (or KB_HOME).")
    extra = {} if lock_timeout is None else {"lock_timeout": lock_timeout}
    with KnowledgeBase(home, recovering=True, vector_builds="detached", **extra) as kb:
        report = import_paths(kb, [originals], options, on_total=on_total, on_file=on_file)
        if any(item.error_kind == "store" for item in report.files):
            return report, 0
        # The new store is the truth now: entries of sheets no original gave back go.
        return report, kb.reindex(vectors=False)
