"""Rebuilding the index: a new generation beside the old, the switch, the outbox cleared, and
an index of an older schema rebuilt before it is used."""

from __future__ import annotations

import shutil

import pytest

from index import writing
from index.schema import SCHEMA_VERSION
from kb.core.errors import IndexDamaged
from tests.samples.records import draft_record, make_record


def test_reindex_rebuilds_a_deleted_index(current_pointer, fill, search_ids, search_total, kb, home):
    ids = fill(kb, 5)
    draft = kb.save(draft_record(), "draft")
    assert search_ids(kb, "stewards") == sorted(ids)
    shutil.rmtree(home / "index")
    assert search_ids(kb, "stewards") == []
    assert search_total(kb, "") == 0
    assert sorted(kb.check().missing) == sorted([*ids, draft.id])

    assert kb.reindex() == 6
    assert search_ids(kb, "stewards") == sorted(ids)
    assert search_ids(kb, "brouillon", status="draft") == [draft.id]
    assert current_pointer(home) == ["gen-0001", str(SCHEMA_VERSION)]
    assert kb.check().consistent


def test_reindex_switches_generation_and_removes_the_old(current_pointer, fill, generations, search_ids_all, kb, home):
    ids = fill(kb, 12)
    assert generations(home) == ["gen-0001"]
    stamps = kb.index.stamps()
    assert kb.reindex() == 12
    assert current_pointer(home) == ["gen-0002", str(SCHEMA_VERSION)]
    assert generations(home) == ["gen-0002"]
    assert kb.index.stamps() == stamps
    assert search_ids_all(kb, "stewards") and sorted(search_ids_all(kb, "stewards")) == sorted(ids)

    assert kb.reindex(procs=2) == 12
    assert current_pointer(home) == ["gen-0003", str(SCHEMA_VERSION)]
    assert generations(home) == ["gen-0003"]
    assert kb.index.stamps() == stamps
    assert sorted(search_ids_all(kb, "stewards")) == sorted(ids)
    assert kb.check().consistent


def test_reindex_clears_the_outbox(invoke, search_ids, kb):
    stored = kb.save(make_record(), sync=False)
    assert kb.store.outbox()[0] == [stored.id]
    invoke_result = invoke(kb.home, "reindex")
    assert invoke_result.exit_code == 0, invoke_result.output
    assert "Indexed 1 record(s)." in invoke_result.output
    assert kb.store.outbox()[0] == []
    assert search_ids(kb, "stewards") == [stored.id]




# An index of an older schema

def test_an_index_of_an_older_schema_is_rebuilt_at_the_next_write(current_pointer, fill, search_ids, kb, home):
    ids = fill(kb, 3)
    folder, _ = writing.current(home / "index")
    (home / "index" / "CURRENT").write_text(f"{folder.name} {SCHEMA_VERSION - 1}\n")
    with pytest.raises(IndexDamaged, match="kb reindex"):
        search_ids(kb, "stewards")
    kb.sync_index()
    assert current_pointer(home)[1] == str(SCHEMA_VERSION)
    assert search_ids(kb, "stewards") == sorted(ids)
    assert kb.check().consistent


def test_kb_serve_rebuilds_an_index_of_an_older_schema_before_serving(current_pointer, fill, invoke, search_ids, kb, home, monkeypatch):
    from kb.cli import server
    ids = fill(kb, 2)
    folder, _ = writing.current(home / "index")
    (home / "index" / "CURRENT").write_text(f"{folder.name} {SCHEMA_VERSION - 1}\n")
    served = []
    monkeypatch.setattr(server, "run", lambda *args: served.append(args))
    result = invoke(home, "serve", "--port", "0")
    assert result.exit_code == 0, result.output
    assert "rebuilding it from the store" in result.output
    assert served and current_pointer(home)[1] == str(SCHEMA_VERSION)
    assert search_ids(kb, "stewards") == sorted(ids)

    served.clear()
    result = invoke(home, "serve", "--port", "0")
    assert served and "rebuilding" not in result.output
