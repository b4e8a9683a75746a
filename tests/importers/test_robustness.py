"""The peer-project test files in shared/robustness: a record or a clear error for each, fast.

The batch runs once, in a fresh interpreter with logging left unconfigured as in the CLI, so
that anything a worker or the parent prints (a traceback, say) is seen here.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kb.core.errors import ERROR_KINDS

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "robustness"
if not (CORPUS / "files").is_dir():
    pytest.skip(f"no robustness corpus at {CORPUS}", allow_module_level=True)

TIMEOUT = 20.0
# Generous: the whole corpus takes seconds; this only turns a hang into a failure.
BATCH_DEADLINE = 600

FILES = sorted(path for path in (CORPUS / "files").rglob("*")
               if path.is_file() and not path.name.startswith("_LEGAL"))


def manifest() -> dict[str, str]:
    """File path relative to CORPUS -> the manifest's note on what is special about it."""
    with open(CORPUS / "MANIFEST.tsv", encoding="utf-8", newline="") as handle:
        return {row["path"]: row["special"] for row in csv.DictReader(handle, delimiter="\t")}


SPECIAL = manifest()
MUST_REJECT = sorted(path for path, note in SPECIAL.items()
                     if "password" in note.lower() and "reject" in note.lower())
MUST_OPEN = sorted(path for path, note in SPECIAL.items()
                   if "password" in note.lower() and "should open" in note.lower())

BATCH = f"""
import json, sys
from importers import batch
from importers.limits import Limits
paths = sys.stdin.read().splitlines()
for result in batch.iter_results(paths, Limits(timeout={TIMEOUT})):
    line = {{"file": result.file, "ok": result.ok}}
    if result.error is not None:
        line["error"] = result.error.as_dict()
    print(json.dumps(line), flush=True)
"""


@pytest.fixture(scope="module")
def run() -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-c", BATCH], input="\n".join(map(str, FILES)), capture_output=True,
        text=True, cwd=REPO, env=env, timeout=BATCH_DEADLINE)
    elapsed = time.monotonic() - started
    lines = [json.loads(line) for line in completed.stdout.splitlines() if line.strip()]
    return {"returncode": completed.returncode, "stderr": completed.stderr, "elapsed": elapsed,
            "lines": lines, "by_path": {line["file"]: line for line in lines}}


def test_the_whole_corpus_finishes_with_one_result_per_file_in_order(run):
    assert run["returncode"] == 0, run["stderr"][-3000:]
    assert [line["file"] for line in run["lines"]] == [str(path) for path in FILES]
    print(f"{len(FILES)} files in {run['elapsed']:.1f} s")


def test_nothing_prints_a_traceback(run):
    assert "Traceback" not in run["stderr"], run["stderr"][-3000:]


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(CORPUS / "files")))
def test_each_file_gets_a_record_or_a_clear_error(run, path):
    line = run["by_path"].get(str(path))
    assert line is not None, "no result"
    if line["ok"]:
        return
    error = line["error"]
    assert error["kind"] in ERROR_KINDS
    assert path.name in error["message"], error["message"]
    # A reader that loops must not be what stops a small file: only the time limit did.
    assert error["kind"] != "timeout" or path.stat().st_size > 1_000_000, error["message"]


@pytest.mark.parametrize("relative", MUST_REJECT)
def test_password_protected_files_are_reported_as_encrypted(run, relative):
    line = run["by_path"][str(CORPUS / relative)]
    assert not line["ok"] and line["error"]["kind"] == "encrypted", (SPECIAL[relative], line)


@pytest.mark.parametrize("relative", MUST_OPEN)
def test_files_with_an_empty_or_owner_password_are_not_called_encrypted(run, relative):
    line = run["by_path"][str(CORPUS / relative)]
    assert line["ok"] or line["error"]["kind"] != "encrypted", (SPECIAL[relative], line)
