"""The sheets' vectors as derived data: one per record version, made after the store commit (an
import does not wait for them), rebuilt by `kb reindex`, compared with the store by `kb check`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest

from index import embedding
from index.vectors import VectorStore, vector_text
from kb.service.knowledge_base import KnowledgeBase
from tests.index.test_semantic import BEEHIVES
from tests.samples.records import make_record

KB = [sys.executable, "-m", "kb.cli"]


@pytest.fixture
def semantic(monkeypatch):
    monkeypatch.setenv(embedding.SETTING, embedding.DEFAULT_MODEL)
    return embedding.load_embedder()


def sheets(count: int) -> list[dict]:
    return [make_record(f"Night stewards number {n}", city=f"Town {n}") for n in range(count)]


# The vector file


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_a_reader_sees_new_replaced_and_deleted_vectors(tmp_path):
    writer, reader = VectorStore(tmp_path / "v.sqlite3"), VectorStore(tmp_path / "v.sqlite3")
    writer.put([("a", "s1", "m", unit(1, 0, 0)), ("b", "s1", "m", unit(0, 1, 0))])
    first = reader.matrix("m", 3)
    assert first.ids == ["a", "b"] and np.allclose(first.rows[first.position["b"]], [0, 1, 0],
                                                   atol=1e-3)
    writer.put([("b", "s2", "m", unit(0, 0, 1)), ("c", "s1", "m", unit(1, 1, 0))])
    second = reader.matrix("m", 3)
    assert sorted(second.ids) == ["a", "b", "c"]
    assert np.allclose(second.rows[second.position["b"]], [0, 0, 1], atol=1e-3)
    assert np.allclose(first.rows[first.position["b"]], [0, 1, 0], atol=1e-3)  # unchanged
    writer.delete(["a"])
    third = reader.matrix("m", 3)
    assert sorted(third.ids) == ["b", "c"]
    assert reader.stamps("m") == {"b": "s2", "c": "s1"}
    assert reader.stamps("another model") == {}


def test_what_the_model_reads_of_a_sheet():
    record = make_record("Night stewards", objectives="Calm the streets.", evaluation="Fewer "
                         "complaints.")
    text = vector_text(record)
    assert text.startswith("Night stewards\n") and "Calm the streets." in text
    assert "Fewer complaints." not in text


# Following the store


def test_each_record_version_gets_its_vector_and_deleted_records_lose_theirs(tmp_path, semantic):
    with KnowledgeBase(tmp_path / "kb", vector_builds="inline") as kb:
        saved = [kb.save(record) for record in sheets(3)]
        assert kb.vectors.stamps(semantic.name) == {item.id: item.stamp for item in saved}
        changed = kb.save(make_record("Night stewards number 0", city="Town 0",
                                      objectives="Entirely new objectives."),
                          record_id=saved[0].id)
        assert changed.stamp != saved[0].stamp
        assert kb.vectors.stamps(semantic.name)[saved[0].id] == changed.stamp
        kb.delete(saved[1].id)
        assert saved[1].id not in kb.vectors.ids()
        assert kb.check().consistent


def test_check_reports_vectors_behind_the_store_and_repair_makes_them(tmp_path, semantic):
    with KnowledgeBase(tmp_path / "kb", vector_builds="detached") as kb:
        saved = [kb.save(record) for record in sheets(2)]
        kb.vector_upkeep._due = False       # no detached process for this test
        report = kb.check()
        assert not report.consistent and report.vectors.missing == sorted(i.id for i in saved)
        assert report.as_json()["vectors"]["missing"] == report.vectors.missing
        kb.check(repair=True)
        assert kb.check().consistent


def test_reindex_makes_every_vector_again(tmp_path, semantic):
    with KnowledgeBase(tmp_path / "kb", vector_builds="inline") as kb:
        for record in sheets(3):
            kb.save(record)
        before = kb.vectors.seq()
        heard = []
        assert kb.reindex(progress=lambda done, total: heard.append((done, total))) == 3
        assert kb.vectors.seq() > before and heard[-1] == (3, 3)
        assert kb.check().consistent


def kb_cli(home, *args, env=None):
    return subprocess.run([*KB, "--home", str(home), *args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_kb_import_returns_before_the_vectors_and_the_background_makes_them(tmp_path, sheet_file):
    env = {**os.environ, embedding.SETTING: embedding.DEFAULT_MODEL}
    home = tmp_path / "kb"
    imported = kb_cli(home, "import", str(sheet_file), "--quiet", env=env)
    assert imported.returncode == 0, imported.stderr
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        checked = kb_cli(home, "check", "--json", env=env)
        if checked.returncode == 0:
            break
        time.sleep(0.5)
    report = json.loads(checked.stdout)
    assert report["consistent"] and report["vectors"]["model"].startswith(embedding.DEFAULT_MODEL)
    assert "Store, index and vectors agree." in kb_cli(home, "check", env=env).stdout
    again = kb_cli(home, "vectors", env=env)
    assert again.returncode == 0 and "Built 0 vector(s); 1 sheet(s) have one." in again.stdout


def test_kb_vectors_says_when_meaning_is_off(tmp_path):
    done = kb_cli(tmp_path / "kb", "vectors", env={**os.environ, embedding.SETTING: "off"})
    assert done.returncode == 0 and "Semantic retrieval is off" in done.stdout


def test_kb_search_says_when_the_hits_are_the_nearest_by_meaning(tmp_path, semantic):
    env = {**os.environ, embedding.SETTING: embedding.DEFAULT_MODEL}
    home = tmp_path / "kb"
    with KnowledgeBase(home, vector_builds="inline") as kb:
        kb.save(BEEHIVES)
    done = kb_cli(home, "search", "--verbatim", "pszczoły i miód", env=env)
    assert done.returncode == 0, done.stderr
    assert "these are the sheets nearest in meaning" in done.stdout
    assert "Rooftop beehives tended by young offenders" in done.stdout
    assert "(found by meaning)" in done.stdout
    words = kb_cli(home, "search", "beekeeping", env=env)
    assert "(found by meaning)" not in words.stdout and "nearest" not in words.stdout
