"""`kb check`: what it finds out of step between the store and the index, and what --repair mends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb.service.knowledge_base import KnowledgeBase
from kb.service.store import canonical_json, stamp_of
from tests.samples.records import make_record, other_record


def _tamper_unsynced(kb: KnowledgeBase, home: Path, sql) -> tuple[str, dict[str, list[str]], str]:
    stored = kb.save(make_record("Zeppelin hangar youth club"), sync=False)
    return stored.id, {"missing": [stored.id], "pending": [stored.id]}, "zeppelin"


def _tamper_deleted_row(kb: KnowledgeBase, home: Path, sql) -> tuple[str, dict[str, list[str]], str]:
    stored = kb.save(make_record("Quokka riverside patrol"))
    sql(home, "DELETE FROM records WHERE id = ?", stored.id)
    return stored.id, {"extra": [stored.id]}, "quokka"


def _tamper_changed_json(kb: KnowledgeBase, home: Path, sql) -> tuple[str, dict[str, list[str]], str]:
    stored = kb.save(make_record("Harbour stewards"))
    changed = dict(stored.record, title="Narwhal harbour stewards")
    record_json = canonical_json(changed)
    sql(home, "UPDATE records SET record = ?, stamp = ? WHERE id = ?",
         record_json, stamp_of(stored.status, record_json), stored.id)
    return stored.id, {"stale": [stored.id]}, "narwhal"


# The suite runs with KB_SEMANTIC=off: no model, so no vectors to compare (tests/kb/test_vectors.py has them).
NO_VECTORS = {"model": None, "consistent": True, "missing": [], "stale": [],
              "extra": [], "read_only": False}

@pytest.mark.parametrize("tamper", [_tamper_unsynced, _tamper_deleted_row, _tamper_changed_json],
                         ids=["missing+pending", "extra", "stale"])
def test_check_reports_and_repairs(search_ids, search_total, sql, kb, home, tamper):
    untouched = kb.save(other_record("Burglary forecasting"))
    record_id, expected, word = tamper(kb, home, sql)
    report = kb.check()
    assert report.as_json() == {"consistent": False, "missing": [], "extra": [], "stale": [],
                                "pending": [], "vectors": NO_VECTORS, **expected}
    in_store = kb.store.get(record_id) is not None
    # What a user sees before the repair: the index does not match the store.
    assert search_ids(kb, word) == []
    if not in_store:
        assert search_total(kb, word) == 1            # counted, though no hit can be shown

    repaired = kb.check(repair=True)
    assert repaired.as_json() == report.as_json()       # the report says what was found
    after = kb.check()
    assert after.consistent, after.as_json()
    assert search_ids(kb, word) == ([record_id] if in_store else [])
    assert search_total(kb, word) == (1 if in_store else 0)
    assert search_ids(kb, "burglary") == [untouched.id]


def test_kb_check_exit_status_and_repair(invoke, sql, kb, home):
    b, _, _ = _tamper_deleted_row(kb, home, sql)
    c, _, _ = _tamper_changed_json(kb, home, sql)
    a, _, _ = _tamper_unsynced(kb, home, sql)                # last: a sync would index it

    before = invoke(home, "check")
    assert before.exit_code == 1, before.output
    assert f"1 record(s) missing from the index: {a}" in before.output
    assert f"1 record(s) in the index but not the store: {b}" in before.output
    assert f"1 record(s) indexed from an older version: {c}" in before.output
    assert f"1 record(s) queued for the index: {a}" in before.output

    as_json = invoke(home, "check", "--json")
    assert as_json.exit_code == 1
    assert json.loads(as_json.output) == {"consistent": False, "missing": [a], "extra": [b],
                                          "stale": [c], "pending": [a], "vectors": NO_VECTORS}

    repair = invoke(home, "check", "--repair")
    assert repair.exit_code == 0, repair.output
    assert "Repaired: store and index agree." in repair.output
    again = invoke(home, "check")
    assert again.exit_code == 0
    assert again.output.strip() == "Store and index agree."
    assert kb.check().consistent
