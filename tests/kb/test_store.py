"""The store on a real knowledge base: records and their versions, ids, deletion, provenance,
the outbox the index is synced from, near-duplicate sketches."""

from __future__ import annotations

import random
import re

import pytest

from index import writing
from kb.core import fingerprint
from kb.core.errors import NotFound
from kb.service.knowledge_base import KnowledgeBase
from tests.samples.records import french_record, make_record, other_record, prose

URL_SAFE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def test_save_and_get_round_trip(kb, clock):
    record = french_record()
    stored = kb.save(record, "published", source_sha256="a" * 64, importer_version="test-1")
    got = kb.get(stored.id)
    assert got.record == record
    assert got.status == "published"
    assert got.version == 1
    assert got.created == got.updated == clock[0]
    assert got.source_sha256 == "a" * 64
    assert got.importer_version == "test-1"
    assert got.sketch == fingerprint.record_sketch(record)
    assert kb.store.get("no-such-id") is None
    with pytest.raises(NotFound, match="No sheet with id 'no-such-id'"):
        kb.get("no-such-id")


@pytest.mark.parametrize("title, slug", [
    ("Night stewards in the old town", "night-stewards-in-the-old-town"),
    ("Médiation « nuit » à Saint-Étienne !", "mediation-nuit-a-saint-etienne"),
    ("Straßen-Sozialarbeit / 24h: Graz", "strassen-sozialarbeit-24h-graz"),
    ("  ---Crossroads---  ", "crossroads"),
    ("Ωμέγα πόλη", "sheet"),
    ("A" * 30 + " " + "b" * 30, "a" * 30 + "-" + "b" * 17),
])
def test_new_id_is_url_safe_and_stable(kb, title, slug):
    record = make_record(title)
    stored = kb.save(record)
    assert URL_SAFE.fullmatch(stored.id), stored.id
    assert stored.id.rsplit("-", 1)[0] == slug
    key = kb.sheet_key(record)
    assert kb.new_id(record, key) == stored.id
    # Case, accents and spacing of the title do not make another sheet.
    variant = dict(record, title=title.upper().replace(" ", "  "))
    if title.isascii():
        assert kb.new_id(variant, kb.sheet_key(variant)) == stored.id


def test_new_version_keeps_id_and_created(search_ids, kb, clock):
    first = kb.save(make_record())
    second = kb.save(make_record(objectives="Calm the streets and train bar staff."),
                     record_id=first.id)
    assert second.id == first.id
    got = kb.get(first.id)
    assert got.version == 2
    assert got.created == first.created == clock[0]
    assert got.updated == clock[1] != got.created
    assert got.record["objectives"] == "Calm the streets and train bar staff."
    assert kb.store.count() == 1
    assert search_ids(kb, "train") == [first.id]


def test_saving_a_known_sheet_again_is_a_new_version(kb, clock):
    """Same title, city and country is the same sheet (sheet_key): its history must survive."""
    first = kb.save(make_record())
    again = kb.save(make_record(objectives="Calm the streets and train bar staff."))
    assert again.id == first.id
    assert kb.store.count() == 1
    got = kb.get(first.id)
    assert got.record["objectives"] == "Calm the streets and train bar staff."
    assert (got.version, got.created) == (2, clock[0])


def test_same_title_in_another_city_is_another_sheet(search_ids, kb):
    ghent = kb.save(make_record())
    bruges = kb.save(make_record(city="Bruges"))
    lille = kb.save(make_record(city="Lille", country="FR"))
    assert len({ghent.id, bruges.id, lille.id}) == 3
    for stored in (ghent, bruges, lille):
        assert URL_SAFE.fullmatch(stored.id)
        assert stored.id.startswith("night-stewards-in-the-old-town-")
    assert kb.store.count() == 3
    assert search_ids(kb, "stewards") == sorted([ghent.id, bruges.id, lille.id])


def test_delete_removes_record_index_entry_and_probes(search_ids, search_total, kb):
    kept = kb.save(other_record("Burglary forecasting"))
    gone = kb.save(make_record())
    kb.delete(gone.id)
    assert kb.store.get(gone.id) is None
    assert search_ids(kb, "stewards") == []
    assert search_total(kb, "") == 1
    assert kb.store.near_candidates(fingerprint.probes(gone.sketch)) == {}
    assert kb.store.get(kept.id) is not None
    assert kb.check().consistent


def test_deleting_an_unknown_id_changes_nothing(invoke, search_ids, kb):
    kept = kb.save(make_record())
    with pytest.raises(NotFound, match="No sheet with id 'no-such-sheet'; nothing was deleted"):
        kb.delete("no-such-sheet")
    assert kb.store.count() == 1
    assert search_ids(kb, "stewards") == [kept.id]
    # Nothing was written, so nothing may be left waiting for the index.
    result = invoke(kb.home, "check")
    assert result.exit_code == 0, result.output
    assert kb.store.outbox()[0] == []


def test_a_long_lived_kb_sees_new_versions_and_deletions(search_total, kb):
    """The web app keeps one KnowledgeBase open: its searches must follow its own writes."""
    sheet = kb.save(make_record())
    other = kb.save(other_record("Burglary forecasting"))
    assert search_total(kb, "") == 2                    # the searcher is open from here on
    kb.save(make_record(objectives="Calm the streets and train bar staff."),
            record_id=sheet.id)
    assert search_total(kb, "stewards") == 1            # one sheet, not its two versions
    assert search_total(kb, "") == 2
    kb.delete(other.id)
    assert search_total(kb, "burglary") == 0
    assert search_total(kb, "") == 1
    assert kb.check().consistent
    with KnowledgeBase(kb.home) as fresh:               # what a new process sees
        assert search_total(fresh, "") == 1
        assert fresh.check().consistent


def test_provenance(kb, clock):
    record = french_record()
    sha = kb.archive.add_bytes(b"the submitted Word file")
    record["source"]["sha256"] = sha
    stored = kb.save(record, source_sha256=sha, importer_version="importer-7")
    assert kb.get(stored.id).provenance() == {
        "filename": "médiation-nuit.docx", "sha256": sha, "format": "docx",
        "importer_version": "importer-7", "imported": clock[0], "updated": clock[0],
        "version": 1,
    }
    # A new version without a new file keeps where the sheet came from.
    kb.save(dict(record, objectives="Nouveaux objectifs."), record_id=stored.id)
    provenance = kb.get(stored.id).provenance()
    assert (provenance["sha256"], provenance["importer_version"]) == (sha, "importer-7")
    assert (provenance["imported"], provenance["updated"], provenance["version"]) == (
        clock[0], clock[1], 2)
    assert kb.archive.read(provenance["sha256"]) == b"the submitted Word file"




# Outbox: what the index has still to take in

def test_save_queues_and_sync_clears(search_ids, kb):
    stored = kb.save(make_record(), sync=False)
    assert kb.store.outbox()[0] == [stored.id]
    assert search_ids(kb, "stewards") == []
    assert kb.sync_index() == 1
    assert kb.store.outbox()[0] == []
    assert search_ids(kb, "stewards") == [stored.id]
    assert kb.sync_index() == 0


def test_record_changed_after_outbox_was_read_stays_queued(search_ids, kb):
    stored = kb.save(make_record(), sync=False)
    other = kb.save(make_record(city="Bruges"), sync=False)
    # What sync_index does: read the outbox, write those records to the index, clear.
    queued, marker = kb.store.outbox()
    assert queued == [stored.id, other.id]
    found = kb.store.get_many(queued)
    writing.apply(kb.index_root, [kb.document(found[rid]) for rid in queued], [])
    # Meanwhile another writer saves a new version of the first sheet.
    kb.save(make_record(objectives="Zeppelin objectives, changed while the index was written."),
            record_id=stored.id, sync=False)
    kb.store.clear_outbox(queued, marker)
    assert kb.store.outbox()[0] == [stored.id]
    report = kb.check()
    assert (report.missing, report.stale, report.pending) == ([], [stored.id], [stored.id])
    assert kb.sync_index() == 1
    assert kb.store.outbox()[0] == []
    assert search_ids(kb, "zeppelin") == [stored.id]


def test_outbox_limit_returns_oldest_first(kb):
    ids = [kb.save(make_record(city=city), sync=False).id for city in ("Ghent", "Liège", "Namur")]
    kb.store.queue_for_index([ids[0]])                  # queued twice: listed once
    queued, marker = kb.store.outbox(2)
    assert queued == ids[:2]
    kb.store.clear_outbox(queued, marker)
    assert kb.store.outbox()[0] == [ids[2]]




# Near duplicates

def _edited(text: str, changes: int, seed: int = 7) -> str:
    words = text.split()
    rng = random.Random(seed)
    for position in rng.sample(range(len(words)), changes):
        words[position] = f"edited{position}"
    return " ".join(words)


def test_similarity_of_near_and_unrelated_texts():
    text = prose(1)
    near = fingerprint.sketch(_edited(text, 5))
    original = fingerprint.sketch(text)
    assert len(original) == fingerprint.K
    assert fingerprint.similarity(original, original) == 1.0
    assert fingerprint.similarity(original, near) >= 0.8
    assert fingerprint.similarity(original, fingerprint.sketch(prose(2))) < 0.2
    assert fingerprint.similarity(original, []) == 0.0


def test_near_candidates_finds_the_saved_near_duplicate(kb):
    text = prose(1)
    original = kb.save(make_record("Street mediation", context=text))
    unrelated = kb.save(make_record("Elderly support", city="Namur", context=prose(2)))
    copy = make_record("Street mediation in Bruges", city="Bruges", context=_edited(text, 5))
    sketch = fingerprint.record_sketch(copy)

    candidates = kb.store.near_candidates(fingerprint.probes(sketch))
    assert original.id in candidates
    assert unrelated.id not in candidates
    assert candidates[original.id] == original.sketch
    assert fingerprint.similarity(sketch, candidates[original.id]) >= fingerprint.NEAR_DUPLICATE

    saved_copy = kb.save(copy)
    own = kb.store.near_candidates(fingerprint.probes(saved_copy.sketch), exclude=saved_copy.id)
    assert original.id in own and saved_copy.id not in own
    assert kb.store.near_candidates([]) == {}




def test_near_duplicates_agrees_with_the_similarity_estimate():
    text = prose(3)
    own = fingerprint.sketch(text)
    candidates = {f"edited-{n}": fingerprint.sketch(_edited(text, n, seed=n))
                  for n in (0, 2, 5, 10, 20, 40, 80, 160)}
    candidates["other"] = fingerprint.sketch(prose(4))
    candidates["short"] = fingerprint.sketch("night stewards")
    candidates["empty"] = []
    expected = sorted(rid for rid, other in candidates.items()
                      if fingerprint.similarity(own, other) >= fingerprint.NEAR_DUPLICATE)
    assert "edited-0" in expected and "other" not in expected
    assert any(rid not in expected for rid in candidates if rid.startswith("edited-"))
    assert fingerprint.near_duplicates(own, candidates) == expected


def test_a_store_made_before_packed_sketches_gets_them_when_opened(sql, home):
    text = prose(1)
    with KnowledgeBase(home) as kb:
        original = kb.save(make_record("Street mediation", context=text))
    # What an older version left: no packed sketches, schema version 0.
    sql(home, "DELETE FROM sketches")
    sql(home, "PRAGMA user_version = 0")
    copy = make_record("Street mediation in Bruges", city="Bruges", context=_edited(text, 5))
    with KnowledgeBase(home) as kb:
        found = kb.store.near_candidates(fingerprint.probes(fingerprint.record_sketch(copy)))
        assert found == {original.id: original.sketch}
