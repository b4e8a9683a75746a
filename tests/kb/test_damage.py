"""A damaged database (issue 15): `kb check` runs SQLite's integrity check and says what to
do, --repair changes nothing from a damaged store, and no command answers with a traceback."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from kb.service.knowledge_base import KnowledgeBase
from tests.samples.records import other_record

PAGE = 4096


@pytest.fixture
def damaged(home: Path) -> Path:
    """A home of 60 sheets whose database has random bytes over pages 3 to 6."""
    with KnowledgeBase(home) as kb:
        for number in range(60):
            kb.save(other_record(f"Harbour patrol number {number}", city=f"Town{number}"))
        kb.store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database = home / "kb.sqlite3"
    assert database.stat().st_size > 7 * PAGE
    noise = random.Random(15).randbytes(4 * PAGE)
    with open(database, "r+b") as handle:
        handle.seek(2 * PAGE)
        handle.write(noise)
    return home


def indexed_ids(home: Path) -> set[str]:
    from index.searching import SearchIndex
    index = SearchIndex(home / "index")
    try:
        return set(index.stamps())
    finally:
        index.close()


@pytest.mark.parametrize("options", [[], ["--repair"], ["--json"]])
def test_kb_check_finds_a_damaged_database(invoke, damaged, options):
    before = indexed_ids(damaged)
    result = invoke(damaged, "check", *options)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "is damaged (SQLite's integrity check" in result.output
    assert "restore the database from a backup" in result.output
    assert "agree" not in result.output
    # Nothing was "repaired" away: the index keeps every sheet.
    assert indexed_ids(damaged) == before and len(before) == 60


@pytest.mark.parametrize("command", [["search", "harbour"], ["export"], ["stats"],
                                     ["show", "nothing"]])
def test_commands_on_a_damaged_database_answer_without_a_traceback(invoke, damaged, command):
    result = invoke(damaged, *command)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if result.exit_code:
        assert "kb check" in result.output or "cannot be" in result.output


def test_a_sound_database_passes_the_integrity_check(invoke, home):
    with KnowledgeBase(home) as kb:
        kb.save(other_record("Harbour patrol"))
    result = invoke(home, "check", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["consistent"] is True


def test_kb_serve_refuses_to_start_on_a_damaged_database(invoke, damaged):
    result = invoke(damaged, "serve", "--port", "0")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "is damaged (SQLite's integrity check" in result.output
    assert "restore the database from a backup" in result.output


@pytest.mark.parametrize("language", ["en", "fr"])
def test_pages_on_a_damaged_database_say_what_to_do(damaged, language):
    from web.app import create_app

    app = create_app({"KB_HOME": damaged, "TESTING": True})
    try:
        client = app.test_client()
        client.set_cookie("lang", language)
        word = {"en": "damaged", "fr": "endommagée"}[language]
        for path in ("/?q=harbour", "/feed.atom"):
            response = client.get(path)
            page = response.get_data(as_text=True)
            assert response.status_code == 503, (path, page[:300])
            assert word in page and "kb check" in page, path
            assert str(damaged) not in page              # no machine path to the public
        response = client.get("/api/search?q=harbour")
        assert response.status_code == 503
        assert "kb check" in response.get_json()["error"]["message"]
    finally:
        app.extensions["knowledge_base"].close()
