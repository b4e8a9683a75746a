"""A home whose database is gone or empty while its index and archive hold sheets (issue 15):
an error that changes nothing, never an empty store whose check empties the index."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.core.errors import StoreError
from kb.service.knowledge_base import KnowledgeBase
from tests.samples.records import other_record


@pytest.fixture
def filled(home: Path) -> Path:
    with KnowledgeBase(home) as kb:
        for number in range(3):
            kb.save(other_record(f"Harbour patrol number {number}", city=f"Town{number}"))
        kb.archive.add_bytes(b"%PDF-1.4 an original")
    return home


def lose(home: Path, how: str) -> None:
    for path in home.glob("kb.sqlite3*"):
        path.unlink()
    if how == "empty":
        (home / "kb.sqlite3").write_bytes(b"")


@pytest.mark.parametrize("how", ["missing", "empty"])
@pytest.mark.parametrize("command", [["check"], ["check", "--repair"], ["search", "harbour"],
                                     ["stats"], ["export"]])
def test_a_lost_database_is_an_error_that_changes_nothing(invoke, filled, how, command):
    lose(filled, how)
    index_files = sorted(p.relative_to(filled) for p in (filled / "index").rglob("*"))
    result = invoke(filled, *command)
    assert result.exit_code == 1
    assert f"is {how} while" in result.output and "nothing was changed" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.relative_to(filled) for p in (filled / "index").rglob("*")) == index_files
    assert (filled / "kb.sqlite3").exists() == (how == "empty")


def test_an_archive_alone_is_enough_to_refuse(filled):
    lose(filled, "missing")
    for path in sorted((filled / "index").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    with pytest.raises(StoreError, match="holds an archive of originals"):
        KnowledgeBase(filled)


def test_a_new_home_still_opens(home):
    with KnowledgeBase(home) as kb:
        assert kb.store.count() == 0


def test_kb_serve_on_a_store_that_will_not_open_says_why(invoke, filled):
    lose(filled, "missing")
    result = invoke(filled, "serve", "--port", "0")
    assert result.exit_code == 1
    assert "is missing while" in result.output and "Traceback" not in result.output
