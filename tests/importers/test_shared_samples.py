"""The shared sample corpus, scored by its own score.py: at least 97% field accuracy.

Skips cleanly where ../shared/samples is absent (it lives beside the project, not in it).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from importers.parse import parse_file

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
if not (SAMPLES / "score.py").is_file():
    pytest.skip("../shared/samples is not present", allow_module_level=True)


def test_sample_corpus_accuracy(tmp_path):
    predictions = tmp_path / "predictions.jsonl"
    files = sorted((SAMPLES / "corpus").iterdir())
    with predictions.open("w") as out:
        for path in files:
            out.write(json.dumps(parse_file(path).as_json(), ensure_ascii=False) + "\n")
    scores = tmp_path / "scores.json"
    run = subprocess.run([sys.executable, str(SAMPLES / "score.py"), str(predictions),
                          "--json", str(scores)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    overall = float(next(line.split()[1] for line in run.stdout.splitlines()
                         if line.startswith("OVERALL")))
    assert overall >= 0.97, run.stdout


def test_every_section_found():
    for path in sorted((SAMPLES / "corpus").iterdir()):
        truth = json.loads((SAMPLES / "truth" / f"{path.stem}.json").read_text())
        record = parse_file(path).record
        assert record is not None, path.name
        for field in ("context", "objectives", "activities", "evaluation"):
            assert bool(getattr(record, field)) == bool(truth[field]), (path.name, field)
        assert set(record.extra_sections) == set(truth.get("extra_sections") or {}), path.name
