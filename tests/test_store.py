"""The store, the archive of originals, index consistency and backups, on a real knowledge base.

Nothing is mocked: every test works on a temporary home folder with its SQLite database and
Whoosh index. Crashes are real too: child processes are killed with SIGKILL mid-write.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import queue
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from index import writing
from index.schema import SCHEMA_VERSION
from kb.core.search_args import SearchRequest
from kb.core import fingerprint
from kb.service import knowledge_base as knowledge_base_module
from kb.service import versions
from kb.service.archive import Archive
from kb.core.errors import IndexBusy, IndexDamaged, LoadError
from kb.service.backup import export_csv, export_jsonl, load_jsonl
from kb.cli.main import main
from kb.core.errors import KbError
from kb.core.errors import NotFound
from kb.service.knowledge_base import KnowledgeBase
from kb.core.record import RecordSchema, load_draft
from kb.service.store import FileRow, canonical_json, stamp_of

ROOT = Path(__file__).resolve().parents[1]
URL_SAFE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")

# The CSV export's columns, in order: the contract spreadsheets and scripts rely on.
CSV_HEADER = [
    "id", "status", "title", "city", "country", "organisation", "language", "themes",
    "themes_inferred", "keywords", "start_year", "end_year", "budget_amount", "budget_currency",
    "budget_eur", "budget_text", "budget_funding", "partners", "target_groups", "contact_name",
    "contact_email", "context", "objectives", "activities", "evaluation", "extra_sections",
    "source_filename", "source_sha256", "source_format", "imported", "updated", "version",
]


# ----------------------------------------------------------------------------- factories

def make_record(title: str = "Night stewards in the old town", **fields: Any) -> dict[str, Any]:
    """A valid record as RecordSchema dumps it (what KnowledgeBase.save expects)."""
    data: dict[str, Any] = {
        "title": title,
        "city": "Ghent",
        "country": "BE",
        "language": "en",
        "themes": ["nightlife", "mediation"],
        "start_year": 2019,
        "end_year": 2022,
        "context": "Noise and fights near bars worried residents of the old town.",
        "objectives": "Calm the streets at night and keep bars open.",
        "activities": "Pairs of stewards walk the bar streets on weekend nights.",
        "evaluation": "Complaints fell by a third in two years.",
        "budget": {"amount": 120000, "currency": "EUR", "amount_eur": 120000.0,
                   "text": "EUR 120,000 per year", "funding": ["City of Ghent"]},
    }
    data.update(fields)
    schema = RecordSchema()
    return schema.dump(schema.load(data))


def other_record(title: str, city: str = "Geneva", country: str = "CH",
                 **fields: Any) -> dict[str, Any]:
    """A sheet sharing no wording with make_record's (so searches tell them apart)."""
    return make_record(title, city=city, country=country, themes=["local-police"],
                       context=f"{title}: why the city began.",
                       objectives=f"What {title} should change.",
                       activities=f"How {title} runs.", evaluation=None, **fields)


def french_record() -> dict[str, Any]:
    """Unicode everywhere, extra sections, a budget in pounds, a source file."""
    return make_record(
        "Médiation de nuit « Lumière » à Saint-Étienne",
        city="Saint-Étienne", country="FR", language="fr", themes=["mediation", "nightlife"],
        organisation="Ville de Saint-Étienne — Direction de la tranquillité",
        context="Des rixes près des bars inquiétaient les habitants.\nDeuxième ligne: ça bouge.",
        objectives="Apaiser les rues la nuit grâce aux médiateurs lucioles.",
        activities="Des binômes de médiateurs parcourent les rues le week-end.",
        evaluation="Les plaintes ont baissé d'un tiers.",
        extra_sections={"Leçons apprises": "Travailler avec les gérants de bars — « toujours ».",
                        "Partenaires clés": "Préfecture, bailleurs, associations ✓"},
        budget={"amount": 50000, "currency": "GBP", "amount_eur": 58500.0,
                "text": "£50 000 par an", "funding": ["Fonds européen (FSE+)"]},
        partners=["Préfecture de la Loire", "Bailleurs sociaux"],
        target_groups=["jeunes adultes"], keywords=["nuit", "médiation"],
        contact={"name": "Zoé Müller", "email": "zoe.muller@saint-etienne.example.fr"},
        source={"filename": "médiation-nuit.docx", "sha256": "a" * 64, "format": "docx",
                "pages": 2},
    )


def draft_record() -> dict[str, Any]:
    draft, errors = load_draft({"title": "Brouillon : agents de quartier à Liège",
                                "city": "Liège", "country": "BE", "language": "fr",
                                "context": "Un brouillon incomplet, sans activités ni objectifs."})
    assert errors == {}
    return draft


def search_ids(kb: KnowledgeBase, q: str, status: str | None = "published") -> list[str]:
    result = kb.search(SearchRequest(q=q, status=status, limit=100), highlight=False)
    return sorted(hit["id"] for hit in result["hits"])


def search_ids_all(kb: KnowledgeBase, q: str) -> list[str]:
    """Every published hit, page after page."""
    ids: list[str] = []
    page = 1
    while True:
        hits = kb.search(SearchRequest(q=q, limit=100, page=page), highlight=False)["hits"]
        if not hits:
            return ids
        ids.extend(hit["id"] for hit in hits)
        page += 1


def search_total(kb: KnowledgeBase, q: str, status: str | None = "published") -> int:
    return kb.search(SearchRequest(q=q, status=status, limit=1), highlight=False)["total"]


def generations(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "index").glob("gen-*"))


def current_pointer(home: Path) -> list[str]:
    return (home / "index" / "CURRENT").read_text().split()


def invoke(home: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["--home", str(home), *args], input=input)


def prose(seed: int, words: int = 600) -> str:
    """Deterministic text of `words` words drawn from a small vocabulary."""
    vocabulary = ("street night youth police mediation residents council bars noise safety "
                  "patrol school violence prevention victims women drugs housing square park "
                  "neighbourhood trust partners project evaluation training outreach city "
                  "stewards volunteers elderly burglary cameras lighting festival sport club "
                  "probation family support dialogue conflict harm reduction shelter transport "
                  "station market shops owners tenants landlords graffiti vandalism alcohol "
                  "weekend summer winter survey complaints fell rose stable budget funding").split()
    rng = random.Random(seed)
    return " ".join(rng.choice(vocabulary) for _ in range(words))


# ----------------------------------------------------------------------------- fixtures

@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "kb"


@pytest.fixture
def kb(home: Path) -> Iterator[KnowledgeBase]:
    with KnowledgeBase(home) as opened:
        yield opened


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Save times one second apart (the store keeps whole seconds)."""
    stamps = [f"2024-05-01T10:00:{second:02d}+00:00" for second in range(60)]
    issued: list[str] = []

    def now() -> str:
        issued.append(stamps[len(issued)])
        return issued[-1]

    monkeypatch.setattr(knowledge_base_module, "now", now)
    monkeypatch.setattr(versions, "now", now)
    return issued


class Child:
    """A Python child process running `code`, its stdout read line by line in a thread."""

    def __init__(self, code: str, args: list[str], stderr_path: Path):
        self._stderr = open(stderr_path, "w")
        self.stderr_path = stderr_path
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=self._stderr,
            text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, predicate: Callable[[str], bool], timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._queue.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"child printed nothing expected in {timeout} s; "
                                     f"last lines {self.lines[-3:]}") from None
            if line is None:
                self._queue.put(None)
                raise AssertionError("child ended early: " + self.stderr_path.read_text())
            self.lines.append(line)
            if predicate(line):
                return line

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.finish()

    def finish(self, timeout: float = 30) -> int:
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=timeout)
        while (line := self._queue.get_nowait()) is not None:
            self.lines.append(line)
        self._queue.put(None)
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        self._stderr.close()
        return code


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., Child]]:
    children: list[Child] = []

    def start(code: str, *args: object) -> Child:
        child = Child(code, [str(arg) for arg in args], tmp_path / f"child{len(children)}.err")
        children.append(child)
        return child

    yield start
    for child in children:
        if child.proc.returncode is None:
            if child.proc.poll() is None:
                os.kill(child.proc.pid, signal.SIGKILL)
            child.finish()


# ----------------------------------------------------------------------------- archive

def test_archive_stores_bytes_under_their_sha256_once(tmp_path):
    archive = Archive(tmp_path / "originals")
    data = b"%PDF-1.4 a practice sheet \xe2\x9c\x93\n"
    sha = archive.add_bytes(data)
    assert sha == hashlib.sha256(data).hexdigest()
    stored = tmp_path / "originals" / sha[:2] / sha
    assert stored.read_bytes() == data
    assert archive.path(sha) == stored
    assert sha in archive
    first_inode = stored.stat().st_ino

    assert archive.add_bytes(data) == sha
    assert stored.stat().st_ino == first_inode          # not written again
    files = [p for p in (tmp_path / "originals").rglob("*") if p.is_file()]
    assert files == [stored]
    assert archive.read(sha) == data


def test_archive_add_file_copies_the_file_and_dedupes_with_add_bytes(tmp_path):
    archive = Archive(tmp_path / "originals")
    source = tmp_path / "sheet.docx"
    data = os.urandom(3 * (1 << 20) + 17)               # several read chunks
    source.write_bytes(data)
    sha = archive.add_file(source)
    assert sha == hashlib.sha256(data).hexdigest()
    assert archive.read(sha) == data
    assert archive.add_bytes(data) == sha
    copy = tmp_path / "copy.docx"
    copy.write_bytes(data)
    assert archive.add_file(copy) == sha
    files = sorted(p.relative_to(archive.root) for p in archive.root.rglob("*") if p.is_file())
    assert files == [Path(sha[:2]) / sha]
    source.unlink()
    assert archive.read(sha) == data                    # a copy, not a link to the submission


def test_archive_leaves_no_temporary_files(tmp_path):
    archive = Archive(tmp_path / "originals")
    shas = {archive.add_bytes(f"sheet {n}".encode()) for n in range(20)}
    shas.add(archive.add_bytes(b""))
    assert len(shas) == 21
    names = [p.name for p in archive.root.rglob("*") if p.is_file()]
    assert sorted(names) == sorted(shas)
    assert not [n for n in names if n.startswith(".tmp")]


@pytest.mark.parametrize("bad", [
    "",
    "abc123",
    "A" * 64,                                         # upper case is not the stored form
    "g" * 64,
    "a" * 63,
    "a" * 65,
    "a" * 64 + "\n",
    "../../../etc/passwd",
    "aa/../../" + "a" * 55,
])
def test_archive_rejects_what_is_not_a_sha256(tmp_path, bad):
    archive = Archive(tmp_path / "originals")
    with pytest.raises(ValueError, match="sha256"):
        archive.read(bad)
    with pytest.raises(ValueError):
        archive.path(bad)
    with pytest.raises(ValueError):
        bad in archive  # noqa: B015
    assert not (tmp_path / "originals").exists()


# ----------------------------------------------------------------------------- store

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


def test_new_version_keeps_id_and_created(kb, clock):
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


def test_same_title_in_another_city_is_another_sheet(kb):
    ghent = kb.save(make_record())
    bruges = kb.save(make_record(city="Bruges"))
    lille = kb.save(make_record(city="Lille", country="FR"))
    assert len({ghent.id, bruges.id, lille.id}) == 3
    for stored in (ghent, bruges, lille):
        assert URL_SAFE.fullmatch(stored.id)
        assert stored.id.startswith("night-stewards-in-the-old-town-")
    assert kb.store.count() == 3
    assert search_ids(kb, "stewards") == sorted([ghent.id, bruges.id, lille.id])


def test_delete_removes_record_index_entry_and_probes(kb):
    kept = kb.save(other_record("Burglary forecasting"))
    gone = kb.save(make_record())
    kb.delete(gone.id)
    assert kb.store.get(gone.id) is None
    assert search_ids(kb, "stewards") == []
    assert search_total(kb, "") == 1
    assert kb.store.near_candidates(fingerprint.probes(gone.sketch)) == {}
    assert kb.store.get(kept.id) is not None
    assert kb.check().consistent


def test_deleting_an_unknown_id_changes_nothing(kb):
    kept = kb.save(make_record())
    with pytest.raises(NotFound, match="No sheet with id 'no-such-sheet'; nothing was deleted"):
        kb.delete("no-such-sheet")
    assert kb.store.count() == 1
    assert search_ids(kb, "stewards") == [kept.id]
    # Nothing was written, so nothing may be left waiting for the index.
    result = invoke(kb.home, "check")
    assert result.exit_code == 0, result.output
    assert kb.store.outbox()[0] == []


def test_a_long_lived_kb_sees_new_versions_and_deletions(kb):
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


# ----------------------------------------------------------------------------- outbox

def test_save_queues_and_sync_clears(kb):
    stored = kb.save(make_record(), sync=False)
    assert kb.store.outbox()[0] == [stored.id]
    assert search_ids(kb, "stewards") == []
    assert kb.sync_index() == 1
    assert kb.store.outbox()[0] == []
    assert search_ids(kb, "stewards") == [stored.id]
    assert kb.sync_index() == 0


def test_record_changed_after_outbox_was_read_stays_queued(kb):
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


# ----------------------------------------------------------------------------- check and repair

def _sql(home: Path, statement: str, *params: Any) -> None:
    db = sqlite3.connect(home / "kb.sqlite3")
    try:
        with db:
            db.execute(statement, params)
    finally:
        db.close()


def _tamper_unsynced(kb: KnowledgeBase, home: Path) -> tuple[str, dict[str, list[str]], str]:
    stored = kb.save(make_record("Zeppelin hangar youth club"), sync=False)
    return stored.id, {"missing": [stored.id], "pending": [stored.id]}, "zeppelin"


def _tamper_deleted_row(kb: KnowledgeBase, home: Path) -> tuple[str, dict[str, list[str]], str]:
    stored = kb.save(make_record("Quokka riverside patrol"))
    _sql(home, "DELETE FROM records WHERE id = ?", stored.id)
    return stored.id, {"extra": [stored.id]}, "quokka"


def _tamper_changed_json(kb: KnowledgeBase, home: Path) -> tuple[str, dict[str, list[str]], str]:
    stored = kb.save(make_record("Harbour stewards"))
    changed = dict(stored.record, title="Narwhal harbour stewards")
    record_json = canonical_json(changed)
    _sql(home, "UPDATE records SET record = ?, stamp = ? WHERE id = ?",
         record_json, stamp_of(stored.status, record_json), stored.id)
    return stored.id, {"stale": [stored.id]}, "narwhal"


@pytest.mark.parametrize("tamper", [_tamper_unsynced, _tamper_deleted_row, _tamper_changed_json],
                         ids=["missing+pending", "extra", "stale"])
def test_check_reports_and_repairs(kb, home, tamper):
    untouched = kb.save(other_record("Burglary forecasting"))
    record_id, expected, word = tamper(kb, home)
    report = kb.check()
    assert report.as_json() == {"consistent": False, "missing": [], "extra": [], "stale": [],
                                "pending": [], **expected}
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


def test_kb_check_exit_status_and_repair(kb, home):
    b, _, _ = _tamper_deleted_row(kb, home)
    c, _, _ = _tamper_changed_json(kb, home)
    a, _, _ = _tamper_unsynced(kb, home)                # last: a sync would index it

    before = invoke(home, "check")
    assert before.exit_code == 1, before.output
    assert f"1 record(s) missing from the index: {a}" in before.output
    assert f"1 record(s) in the index but not the store: {b}" in before.output
    assert f"1 record(s) indexed from an older version: {c}" in before.output
    assert f"1 record(s) queued for the index: {a}" in before.output

    as_json = invoke(home, "check", "--json")
    assert as_json.exit_code == 1
    assert json.loads(as_json.output) == {"consistent": False, "missing": [a], "extra": [b],
                                          "stale": [c], "pending": [a]}

    repair = invoke(home, "check", "--repair")
    assert repair.exit_code == 0, repair.output
    assert "Repaired: store and index agree." in repair.output
    again = invoke(home, "check")
    assert again.exit_code == 0
    assert again.output.strip() == "Store and index agree."
    assert kb.check().consistent


# ----------------------------------------------------------------------------- crashes

CHILD_SAVE_THEN_SYNC = r"""
import sys
from pathlib import Path

import kb.service.knowledge_base as knowledge_base
from index import writing
from kb.service.knowledge_base import KnowledgeBase
from kb.core.record import RecordSchema

home, count = Path(sys.argv[1]), int(sys.argv[2])
# Several index commits, so that a kill can land between two of them or inside one.
knowledge_base.SYNC_BATCH = 50
real_apply = writing.apply
batches = 0


def apply(*args, **kwargs):
    global batches
    batches += 1
    print(f"applying {batches}", flush=True)
    real_apply(*args, **kwargs)
    print(f"applied {batches}", flush=True)


writing.apply = apply
schema = RecordSchema()
kb = KnowledgeBase(home)
for n in range(count):
    record = schema.dump(schema.load({
        "title": f"Crash stewards number {n}", "city": "Ghent", "country": "BE",
        "language": "en", "themes": ["nightlife"],
        "context": f"Context of sheet {n}: noise near bars.",
        "objectives": "Calm the streets at night.",
        "activities": "Stewards walk the bar streets on weekend nights.",
    }))
    stored = kb.save(record, sync=False)
    print(f"committed {stored.id}", flush=True)
print("syncing", flush=True)
kb.sync_index()
print("done", flush=True)
"""


def _committed(lines: list[str]) -> list[str]:
    return [line.split()[1] for line in lines if line.startswith("committed ")]


@pytest.mark.parametrize("kill_when", ["saving", "writing the index"])
def test_kill_9_loses_no_committed_record(home, spawn, kill_when):
    count = 400
    child = spawn(CHILD_SAVE_THEN_SYNC, home, count)
    if kill_when == "saving":
        seen = 0

        def trigger(line: str) -> bool:
            nonlocal seen
            seen += line.startswith("committed ")
            return seen == 150
    else:
        def trigger(line: str) -> bool:
            return line == "applying 3"              # two index commits done, third under way
    child.wait_for(trigger)
    child.kill()
    assert child.proc.returncode == -signal.SIGKILL
    assert "done" not in child.lines
    committed = _committed(child.lines)
    assert len(committed) >= 150

    with KnowledgeBase(home) as kb:
        db = sqlite3.connect(home / "kb.sqlite3")
        try:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            db.close()
        found = kb.store.get_many(committed)
        assert sorted(found) == sorted(committed)       # every committed record survived
        assert kb.store.count() in (len(committed), len(committed) + 1)  # + one unreported

        report = kb.check()                              # the index opens
        assert not report.consistent
        # Whatever the index lacks is still queued: the outbox remembers the work to redo.
        assert set(report.missing) | set(report.stale) <= set(report.pending)
        if kill_when == "writing the index":
            assert len(committed) == count
            assert 100 <= count - len(report.missing)   # the first two commits are in
            assert len(report.pending) <= count - 100

        kb.check(repair=True)
        assert kb.check().consistent
        assert search_total(kb, "stewards") == kb.store.count()
        assert set(committed) <= set(search_ids_all(kb, "stewards"))


CHILD_REINDEX = r"""
import sys
import time
from pathlib import Path

from kb.service.knowledge_base import KnowledgeBase

kb = KnowledgeBase(Path(sys.argv[1]))
real_document = KnowledgeBase.document
built = 0


def document(item):
    global built
    built += 1
    if built == 100:
        print("building", flush=True)
    if built >= 100:
        time.sleep(0.02)       # keep the rebuild busy until the test kills it
    return real_document(item)


KnowledgeBase.document = staticmethod(document)
kb.reindex()
print("done", flush=True)
"""


def _fill(kb: KnowledgeBase, count: int) -> list[str]:
    with kb.store.transaction():                         # one commit: quicker to set up
        ids = [kb.save(make_record(f"Reindex stewards {n}", city=f"Town {n}"), sync=False).id
               for n in range(count)]
    kb.sync_index()
    return ids


def test_kill_9_during_reindex_keeps_the_old_index(home, spawn):
    with KnowledgeBase(home) as kb:
        ids = _fill(kb, 300)
        assert current_pointer(home) == ["gen-0001", str(SCHEMA_VERSION)]

    child = spawn(CHILD_REINDEX, home)
    child.wait_for(lambda line: line == "building")
    # Mid-rebuild: a new generation is being written beside the live one.
    assert generations(home) == ["gen-0001", "gen-0002"]
    assert current_pointer(home)[0] == "gen-0001"
    with KnowledgeBase(home) as reader:                  # readers are not blocked meanwhile
        assert search_total(reader, "stewards") == 300
    child.kill()
    assert "done" not in child.lines

    with KnowledgeBase(home, lock_timeout=2) as kb:
        assert current_pointer(home)[0] == "gen-0001"
        assert search_total(kb, "stewards") == 300
        assert kb.check().consistent
        started = time.monotonic()
        assert kb.reindex() == 300                      # the kernel released the flock
        assert time.monotonic() - started < 2
        assert current_pointer(home) == ["gen-0003", str(SCHEMA_VERSION)]
        assert generations(home) == ["gen-0003"]        # the half-built generation is gone
        assert sorted(search_ids_all(kb, "stewards")) == sorted(ids)
        assert kb.check().consistent


# ----------------------------------------------------------------------------- concurrent writers

HOLD_SECONDS = 3.5
CHILD_HOLD_LOCK = r"""
import sys
import time
from pathlib import Path

from index.writing import write_lock

with write_lock(Path(sys.argv[1]), timeout=5):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
print("released", flush=True)
"""


def test_writer_waits_for_the_lock_or_says_busy(home, spawn):
    with KnowledgeBase(home, lock_timeout=0.5) as kb:
        indexed = kb.save(other_record("Burglary forecasting"))
        child = spawn(CHILD_HOLD_LOCK, home / "index", HOLD_SECONDS)
        child.wait_for(lambda line: line == "locked")
        held_since = time.monotonic()

        with pytest.raises(IndexBusy) as caught:
            kb.save(make_record(), sync=True)
        assert isinstance(caught.value, KbError)
        message = caught.value.message
        assert "another kb process" in message
        assert "--lock-timeout" in message
        assert str(home / "index") in message
        queued = kb.store.by_sheet_key(kb.sheet_key(make_record()))
        assert queued is not None                       # the record is safe in the store
        assert kb.store.outbox()[0] == [queued.id]      # and queued for the index

        # Readers are not blocked by the writer.
        assert search_ids(kb, "burglary") == [indexed.id]

        busy = invoke(home, "--lock-timeout", "0.3", "check", "--repair")
        assert busy.exit_code == 1
        assert "another kb process" in busy.output
        assert "Traceback" not in busy.output
        assert isinstance(busy.exception, SystemExit)

        kb.lock_timeout = 10
        started = time.monotonic()
        assert started - held_since < HOLD_SECONDS - 0.5, "too slow to see the lock held"
        later = kb.save(other_record("Harbour mediators", city="Ostend", country="BE"))
        waited = time.monotonic() - started
        assert child.finish() == 0
        assert "released" in child.lines
        # It waited for the other writer instead of failing.
        assert HOLD_SECONDS - (started - held_since) - 0.3 <= waited < 10
        assert kb.store.outbox()[0] == []
        assert search_ids(kb, "stewards") == [queued.id]
        assert search_ids(kb, "mediators") == [later.id]
        assert kb.check().consistent


# ----------------------------------------------------------------------------- reindex

def test_reindex_rebuilds_a_deleted_index(kb, home):
    ids = _fill(kb, 5)
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


def test_reindex_switches_generation_and_removes_the_old(kb, home):
    ids = _fill(kb, 12)
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


def test_reindex_clears_the_outbox(kb):
    stored = kb.save(make_record(), sync=False)
    assert kb.store.outbox()[0] == [stored.id]
    invoke_result = invoke(kb.home, "reindex")
    assert invoke_result.exit_code == 0, invoke_result.output
    assert "Indexed 1 record(s)." in invoke_result.output
    assert kb.store.outbox()[0] == []
    assert search_ids(kb, "stewards") == [stored.id]


# ----------------------------------------------------------------------------- export and load

def _populate(kb: KnowledgeBase) -> dict[str, str]:
    ids = {
        "fr": kb.save(french_record(), source_sha256="a" * 64, importer_version="imp-2").id,
        "en": kb.save(make_record()).id,
        "es": kb.save(make_record("Agente tutor en los colegios", city="Zaragoza", country="ES",
                                  language="es", themes=["youth"],
                                  context="Conflictos en los colegios de Zaragoza.",
                                  objectives="Acompañar a los menores.",
                                  activities="Policías tutores visitan los colegios.",
                                  budget={"amount": 1200000, "currency": "CHF",
                                          "amount_eur": 1260000.0, "text": "CHF 1.2 Mio."})).id,
        "draft": kb.save(draft_record(), "draft").id,
    }
    return ids


def test_export_load_round_trip_is_byte_identical(tmp_path, kb):
    ids = _populate(kb)
    first = io.StringIO()
    assert export_jsonl(kb, first) == 4
    text = first.getvalue()
    lines = text.splitlines()
    assert [json.loads(line)["id"] for line in lines] == sorted(ids.values())
    assert "Saint-Étienne" in text and "£50 000" in text     # UTF-8, not \u escapes

    with KnowledgeBase(tmp_path / "copy") as copy:
        assert load_jsonl(copy, io.StringIO(text), "backup.jsonl") == 4
        again = io.StringIO()
        export_jsonl(copy, again)
        assert again.getvalue() == text
        original, loaded = kb.get(ids["fr"]), copy.get(ids["fr"])
        assert (loaded.record, loaded.status, loaded.created, loaded.updated, loaded.version,
                loaded.source_sha256, loaded.importer_version, loaded.stamp) == (
            original.record, original.status, original.created, original.updated,
            original.version, original.source_sha256, original.importer_version,
            original.stamp)
        assert loaded.record["extra_sections"]["Leçons apprises"].endswith("« toujours ».")
        assert loaded.record["budget"]["currency"] == "GBP"

        assert copy.check().consistent
        assert search_ids(copy, "lucioles") == [ids["fr"]]
        assert search_ids(copy, "stewards") == [ids["en"]]
        assert search_ids(copy, "colegios") == [ids["es"]]
        assert search_ids(copy, "brouillon", status="draft") == [ids["draft"]]
        assert copy.store.count("published") == 3 and copy.store.count("draft") == 1
    # Loading the same backup again replaces by id: nothing doubles.
    with KnowledgeBase(tmp_path / "copy") as copy:
        assert load_jsonl(copy, io.StringIO(text), "backup.jsonl") == 4
        assert copy.store.count() == 4
    with KnowledgeBase(tmp_path / "copy") as copy:
        assert search_total(copy, "", status=None) == 4
        assert copy.check().consistent


def test_export_status_filter(kb):
    ids = _populate(kb)
    out = io.StringIO()
    assert export_jsonl(kb, out, "draft") == 1
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == [ids["draft"]]


def test_csv_export(kb):
    ids = _populate(kb)
    out = io.StringIO()
    assert export_csv(kb, out) == 4
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == CSV_HEADER
    assert len(rows) == 5
    by_id = {row[0]: dict(zip(CSV_HEADER, row)) for row in rows[1:]}
    assert sorted(by_id) == sorted(ids.values())
    fr = by_id[ids["fr"]]
    assert fr["title"] == "Médiation de nuit « Lumière » à Saint-Étienne"
    assert fr["context"] == ("Des rixes près des bars inquiétaient les habitants.\n"
                             "Deuxième ligne: ça bouge.")
    assert (fr["budget_amount"], fr["budget_currency"], fr["budget_eur"]) == (
        "50000.0", "GBP", "58500.0")
    assert fr["themes"] == "mediation; nightlife"
    assert fr["partners"] == "Préfecture de la Loire; Bailleurs sociaux"
    assert json.loads(fr["extra_sections"]) == french_record()["extra_sections"]
    assert (fr["source_filename"], fr["source_sha256"], fr["source_format"]) == (
        "médiation-nuit.docx", "a" * 64, "docx")
    assert (fr["status"], fr["version"], fr["contact_email"]) == (
        "published", "1", "zoe.muller@saint-etienne.example.fr")
    draft = by_id[ids["draft"]]
    assert (draft["status"], draft["activities"], draft["budget_eur"]) == ("draft", "", "")
    assert by_id[ids["es"]]["themes_inferred"] == "no"


def test_cli_export_and_load(tmp_path, kb, home):
    ids = _populate(kb)
    backup = tmp_path / "backup.jsonl"
    exported = invoke(home, "export", "-o", str(backup))
    assert exported.exit_code == 0, exported.output
    assert f"Exported 4 record(s) to {backup}." in exported.stderr
    # Standard output, in a real process (a pipe, as in `kb export > backup.jsonl`).
    piped = subprocess.run([sys.executable, "-m", "kb.cli", "--home", str(home), "export"],
                           capture_output=True, cwd=ROOT, timeout=60,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == backup.read_bytes()

    copy_home = tmp_path / "copy"
    loaded = invoke(copy_home, "load", str(backup))
    assert loaded.exit_code == 0, loaded.output
    assert "Loaded 4 record(s)." in loaded.output
    again = tmp_path / "again.jsonl"
    assert invoke(copy_home, "export", "-o", str(again)).exit_code == 0
    assert again.read_bytes() == backup.read_bytes()
    with KnowledgeBase(copy_home) as copy:
        assert search_ids(copy, "lucioles") == [ids["fr"]]

    table = tmp_path / "sheets.csv"
    result = invoke(home, "export", "--format", "csv", "--status", "published", "-o", str(table))
    assert result.exit_code == 0, result.output
    with open(table, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == CSV_HEADER
    assert sorted(row[0] for row in rows[1:]) == sorted([ids["fr"], ids["en"], ids["es"]])


def _line(record_id: str = "night-stewards-abc", drop: str | None = None,
          **changes: Any) -> str:
    """One line of an export, with some of its keys changed or dropped."""
    data = {"id": record_id, "status": "published", "record": make_record(),
            "source_sha256": None, "importer_version": None,
            "created": "2024-01-01T00:00:00+00:00", "updated": "2024-01-01T00:00:00+00:00",
            "version": 1, **changes}
    if drop:
        del data[drop]
    return json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize("bad_line", [
    "{not json",
    "[1, 2]",
    "null",
    _line(drop="id"),
    _line(status="archived"),
    _line(version="three"),
    _line(record=make_record() | {"country": "XX"}),
    _line(record=make_record() | {"colour": "blue"}),
    _line(record="a sheet"),
    _line(status="draft", record=["not", "a", "record"]),
], ids=["not-json", "a-list", "null", "no-id", "unknown-status", "bad-version",
        "invalid-country", "unknown-field", "record-is-text", "draft-record-is-a-list"])
def test_malformed_line_is_a_load_error_naming_file_and_line(kb, tmp_path, bad_line):
    text = "\n".join([_line("first-abc"), bad_line, _line("third-abc")]) + "\n"
    with pytest.raises(LoadError) as caught:
        load_jsonl(kb, io.StringIO(text), "backup-2024.jsonl")
    assert isinstance(caught.value, KbError)
    assert caught.value.message.startswith("backup-2024.jsonl line 2 ")
    assert kb.store.count() == 0                        # the load is all or nothing
    assert kb.store.outbox()[0] == []

    path = tmp_path / "backup-2024.jsonl"
    path.write_text(text, encoding="utf-8")
    result = invoke(kb.home, "load", str(path))
    assert result.exit_code == 1
    assert "backup-2024.jsonl line 2" in result.output
    assert isinstance(result.exception, SystemExit), result.exception


def test_load_of_a_file_that_is_not_utf8_is_a_clean_error(kb, tmp_path):
    path = tmp_path / "edited.jsonl"
    path.write_bytes((_line("first-abc") + "\n").encode("utf-8")
                     + _line("café-abc").encode("latin-1") + b"\n")
    result = invoke(kb.home, "load", str(path))
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), repr(result.exception)[:120]
    assert "edited.jsonl" in result.output
    assert kb.store.count() == 0


# ----------------------------------------------------------------------------- near duplicates

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


# ----------------------------------------------------------------------------- CLI

def test_kb_show_text_and_json(kb, home, clock):
    sha = kb.archive.add_bytes(b"the Word file")
    record = french_record()
    record["source"]["sha256"] = sha
    stored = kb.save(record, source_sha256=sha, importer_version="imp-2")
    kb.store.put_file(FileRow(sha, "médiation-nuit.docx", "docx", 13, stored.id, "imported",
                              None, None, "imp-2", clock[0], clock[0]))

    text = invoke(home, "show", stored.id)
    assert text.exit_code == 0, text.output
    assert text.output.startswith(
        f"Médiation de nuit « Lumière » à Saint-Étienne  [{stored.id}, published]\n")
    assert "  city: Saint-Étienne\n" in text.output
    assert "  themes: mediation, nightlife\n" in text.output
    assert "  budget: £50 000 par an (≈ 58,500 EUR)\n" in text.output
    assert "\nLeçons apprises\nTravailler avec les gérants" in text.output
    assert (f"From médiation-nuit.docx (docx, sha256 {sha}), importer imp-2; imported "
            f"{clock[0]}, updated {clock[0]}, version 1.") in text.output

    as_json = invoke(home, "show", stored.id, "--json")
    assert as_json.exit_code == 0
    data = json.loads(as_json.output)
    assert data == {"id": stored.id, "status": "published", "record": record,
                    "provenance": kb.get(stored.id).provenance(),
                    "files": ["médiation-nuit.docx"]}
    assert data["provenance"]["sha256"] == sha


def test_kb_delete(kb, home):
    kept = kb.save(other_record("Burglary forecasting"))
    gone = kb.save(make_record())

    refused = invoke(home, "delete", gone.id, input="n\n")
    assert refused.exit_code == 1
    assert kb.store.get(gone.id) is not None

    result = invoke(home, "delete", gone.id, "--yes")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Deleted {gone.id}."
    assert kb.store.get(gone.id) is None
    assert search_ids(kb, "stewards") == []
    assert search_ids(kb, "burglary") == [kept.id]
    assert kb.check().consistent


@pytest.mark.parametrize("record_id", ["no-such-sheet-12345678", "../etc", "x" * 300])
def test_kb_delete_unknown_is_a_clean_error(kb, home, record_id):
    kb.save(make_record())
    result = invoke(home, "delete", record_id, "--yes")
    assert result.exit_code != 0
    assert "No sheet with id" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert kb.store.count() == 1


def test_kb_stats_json_counts(kb, home, clock):
    _populate(kb)
    kb.store.put_file(FileRow("b" * 64, "broken.pdf", None, 10, None, "rejected", "unreadable",
                              "broken", "imp-2", clock[0], clock[0]))
    kb.store.put_file(FileRow("a" * 64, "médiation-nuit.docx", "docx", 10, None, "imported",
                              None, None, "imp-2", clock[0], clock[0]))
    result = invoke(home, "stats", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["published"], data["drafts"], data["total"]) == (3, 1, 3)
    assert data["files"] == {"imported": 1, "rejected": 1}
    assert data["budget"]["count"] == 3
    assert data["budget"]["total"] == 120000.0 + 58500.0 + 1260000.0
    countries = {bucket["value"]: bucket["count"] for bucket in data["facets"]["country"]}
    assert countries == {"BE": 1, "ES": 1, "FR": 1}


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


def test_a_store_made_before_packed_sketches_gets_them_when_opened(home):
    text = prose(1)
    with KnowledgeBase(home) as kb:
        original = kb.save(make_record("Street mediation", context=text))
    # What an older version left: no packed sketches, schema version 0.
    _sql(home, "DELETE FROM sketches")
    _sql(home, "PRAGMA user_version = 0")
    copy = make_record("Street mediation in Bruges", city="Bruges", context=_edited(text, 5))
    with KnowledgeBase(home) as kb:
        found = kb.store.near_candidates(fingerprint.probes(fingerprint.record_sketch(copy)))
        assert found == {original.id: original.sketch}


# ----------------------------------------------------------------------------- the lexicon

def test_prefixes_and_suggestions_follow_new_versions_deletions_and_reindex(kb):
    first = kb.save(make_record("Night stewards", context="Streetlights were repaired."))
    other = kb.save(other_record("Burglary forecasting"))
    assert search_ids(kb, "streetlig*") == [first.id]
    assert search_ids(kb, "forecas*") == [other.id]
    assert kb.search(SearchRequest(q="streetlihgts"))["suggestion"] == "streetlights"

    kb.save(make_record("Night stewards", context="Lanterns were repaired."))
    assert search_ids(kb, "streetlig*") == []
    assert search_ids(kb, "lantern*") == [first.id]
    # The lexicon keeps the old word, but no sheet uses it any more: no suggestion of it.
    assert kb.search(SearchRequest(q="streetlihgts"))["suggestion"] is None
    kb.delete(other.id)
    assert search_ids(kb, "forecas*") == []

    kb.reindex()
    assert search_ids(kb, "lantern*") == [first.id]
    assert search_ids(kb, "streetlig*") == []
    assert kb.search(SearchRequest(q="lantrens"))["suggestion"] == "lanterns"


def test_prefix_hits_are_ranked_by_how_much_they_use_the_words(kb):
    once = kb.save(make_record("Night stewards", context="One patrol."))
    often = kb.save(make_record("Patrols", city="Geneva",
                                context="Patrols and patrolling: patrol routes."))
    result = kb.search(SearchRequest(q="patrol*"), highlight=False)
    assert [hit["id"] for hit in result["hits"]] == [often.id, once.id]
    assert result["hits"][1]["score"] > 0


def test_an_index_of_an_older_schema_is_rebuilt_at_the_next_write(kb, home):
    ids = _fill(kb, 3)
    folder, _ = writing.current(home / "index")
    (home / "index" / "CURRENT").write_text(f"{folder.name} {SCHEMA_VERSION - 1}\n")
    with pytest.raises(IndexDamaged, match="kb reindex"):
        search_ids(kb, "stewards")
    kb.sync_index()
    assert current_pointer(home)[1] == str(SCHEMA_VERSION)
    assert search_ids(kb, "stewards") == sorted(ids)
    assert kb.check().consistent


def test_kb_serve_rebuilds_an_index_of_an_older_schema_before_serving(kb, home, monkeypatch):
    from kb.cli import server
    ids = _fill(kb, 2)
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


def test_a_prefix_of_too_many_words_searches_the_shortest(tmp_path):
    from index import lexicon
    words = [f"pre{'x' * (n % 7)}{n:04d}" for n in range(lexicon.MAX_PREFIX_WORDS + 100)]
    assert lexicon.add(tmp_path, words) == len(words)
    assert lexicon.add(tmp_path, words[:10] + ["other"]) == 1
    reader = lexicon.Lexicon(tmp_path)
    found = reader.starting_with("pre")
    reader.close()
    assert len(found) == lexicon.MAX_PREFIX_WORDS
    assert sorted(found, key=lambda w: (len(w), w)) == sorted(
        words, key=lambda w: (len(w), w))[:lexicon.MAX_PREFIX_WORDS]
