"""`kb import` into a damaged database (issue 15, item 4: search, import and export died with a
raw sqlite3.DatabaseError): one sentence pointing at `kb check`, no traceback, and neither the
database nor the index changed by the attempt."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from tests.kb.test_damage import damaged, indexed_ids  # noqa: F401 (the fixture)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_kb_import_into_a_damaged_database_says_run_kb_check(  # noqa: F811 (damaged)
        invoke, damaged, demo_files, tmp_path):
    folder = tmp_path / "new sheets"
    folder.mkdir()
    for path in sorted(demo_files.iterdir())[:2]:
        shutil.copy(path, folder)
    before, indexed = digest(damaged / "kb.sqlite3"), indexed_ids(damaged)
    result = invoke(damaged, "import", str(folder))
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "DatabaseError" not in result.output
    assert "cannot be read" in result.output and "kb check" in result.output
    assert digest(damaged / "kb.sqlite3") == before
    assert indexed_ids(damaged) == indexed
