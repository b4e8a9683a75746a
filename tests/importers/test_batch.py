"""importers.batch: many files in worker processes, each stopped at its time and memory limit."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from importers import batch
from importers.limits import MB, Limits
from importers.parse import ParseResult
from kb.core.errors import NotASheet

# The parsers below run in worker processes, which import this module by name: they must be
# module-level functions. Each reads its instruction from the file's content.


def scripted_parser(path: Path, limits: Limits) -> ParseResult:
    """Do what the file says: sleep N, hang, crash, segfault, raise, hog memory or finish."""
    command, _, argument = path.read_text().partition(" ")
    if command == "sleep":
        time.sleep(float(argument))
    elif command == "hang":
        Path(argument).write_text(str(os.getpid()))
        time.sleep(600)
    elif command == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif command == "segfault":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif command == "raise":
        raise ValueError("the reader tripped over\n  an odd object")
    elif command == "hog":
        bytearray(2 * limits.max_memory)
    elif command == "niceness":
        return ParseResult(str(path), error=NotASheet(f"niceness {os.nice(0)}"))
    return ParseResult(str(path), error=NotASheet(f"{path.name} finished in pid {os.getpid()}."))


def write_files(folder: Path, commands: list[str]) -> list[Path]:
    paths = []
    for number, command in enumerate(commands):
        path = folder / f"f{number:02d}.txt"
        path.write_text(command)
        paths.append(path)
    return paths


def pid_is_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_results_come_in_input_order_with_progress_as_each_finishes(tmp_path):
    # The first file finishes last: results still follow the input, progress the finishing.
    paths = write_files(tmp_path, ["sleep 1.0", "sleep 0", "sleep 0.2", "sleep 0", "sleep 0"])
    finished = []
    results = batch.parse_paths(paths, Limits(timeout=10), workers=2,
                                on_result=lambda result: finished.append(result.file),
                                parser=scripted_parser)
    assert [result.file for result in results] == [str(path) for path in paths]
    assert sorted(finished) == sorted(str(path) for path in paths)
    assert finished[-1] == str(paths[0])
    assert all(result.error.kind == "not-a-sheet" for result in results)
    assert multiprocessing.active_children() == []


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no process priorities on this system")
def test_workers_run_at_a_lower_priority_than_the_process_that_stores_their_results(tmp_path):
    [result] = batch.parse_paths(write_files(tmp_path, ["niceness"]), workers=1,
                                 parser=scripted_parser)
    assert result.error.message == f"niceness {min(19, os.nice(0) + batch.WORKER_NICENESS)}"


def test_a_mixed_batch_through_the_real_parser(tmp_path, sheet_file):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    text = tmp_path / "notes.docx"
    text.write_text("Context\nJust some notes in plain text.\n")
    old = tmp_path / "old.doc"
    old.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(1024))
    missing = tmp_path / "missing.pdf"
    results = batch.parse_paths([empty, sheet_file, text, missing, old], workers=2)
    sheet = results[1]
    assert sheet.ok and sheet.record.title == "Night stewards in the old town"
    failed = results[:1] + results[2:]
    assert [(Path(r.file).name, r.error.kind) for r in failed] == [
        ("empty.pdf", "unreadable"), ("notes.docx", "unsupported-format"),
        ("missing.pdf", "unreadable"), ("old.doc", "unsupported-format")]
    assert all(Path(r.file).name in r.error.message for r in failed)


@pytest.mark.parametrize("workers", [1, 3])
def test_a_hanging_file_is_stopped_at_the_timeout_and_the_batch_goes_on(tmp_path, workers):
    pid_file = tmp_path / "hung.pid"
    paths = write_files(tmp_path, ["sleep 0", f"hang {pid_file}", "sleep 0", "sleep 0"])
    started = time.monotonic()
    results = batch.parse_paths(paths, Limits(timeout=1.0), workers=workers,
                                parser=scripted_parser)
    assert time.monotonic() - started < 15
    hung = results[1]
    assert hung.error.kind == "timeout"
    assert hung.error.message.startswith("f01.txt took longer than 1 s to parse and was stopped;")
    assert [r.error.kind for r in results[:1] + results[2:]] == ["not-a-sheet"] * 3
    # Really stopped: the process that ran it no longer exists.
    assert pid_is_gone(int(pid_file.read_text()))
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("command, signal_name", [("kill", "SIGKILL"), ("segfault", "SIGSEGV")])
def test_a_worker_killed_by_a_signal_costs_only_its_file(tmp_path, command, signal_name):
    paths = write_files(tmp_path, [command, "sleep 0", command, "sleep 0"])
    results = batch.parse_paths(paths, Limits(timeout=10), workers=1, parser=scripted_parser)
    assert [r.error.kind for r in results] == ["unreadable", "not-a-sheet"] * 2
    assert results[0].error.message.startswith("f00.txt could not be read: the parser process "
                                               f"was killed by signal {signal_name}")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is enforced on Linux")
def test_a_file_needing_too_much_memory_is_too_large(tmp_path):
    paths = write_files(tmp_path, ["hog", "sleep 0"])
    results = batch.parse_paths(paths, Limits(timeout=10, max_memory=512 * MB), workers=1,
                                parser=scripted_parser)
    assert results[0].error.kind == "too-large"
    assert results[0].error.message.startswith("f00.txt needed more than 512 MB of memory")
    assert results[1].error.kind == "not-a-sheet"


def test_an_unexpected_exception_is_one_error_and_a_logged_traceback(tmp_path, caplog, capfd):
    paths = write_files(tmp_path, ["raise", "sleep 0"])
    with caplog.at_level(logging.ERROR, logger="importers.batch"):
        results = batch.parse_paths(paths, workers=1, parser=scripted_parser)
    error = results[0].error
    assert error.kind == "unreadable"
    assert error.message.startswith("f00.txt could not be read: ValueError: the reader tripped "
                                    "over an odd object;")
    assert results[1].error.kind == "not-a-sheet"
    logged = [r for r in caplog.records if r.name == "importers.batch"]
    assert len(logged) == 1 and "Traceback" in logged[0].getMessage()
    assert "f00.txt" in logged[0].getMessage()
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err


def test_iterating_yields_in_input_order_and_closing_stops_the_workers(tmp_path):
    paths = write_files(tmp_path, ["sleep 0.5", "sleep 0", "sleep 30", "sleep 30"])
    results = batch.iter_results(paths, Limits(timeout=60), workers=2, parser=scripted_parser)
    assert next(results).file == str(paths[0])
    assert next(results).file == str(paths[1])
    started = time.monotonic()
    results.close()
    assert time.monotonic() - started < 10
    assert multiprocessing.active_children() == []


def test_an_empty_batch_starts_nothing_and_bad_worker_counts_are_refused():
    assert batch.parse_paths([]) == []
    with pytest.raises(ValueError, match="workers must be at least 1"):
        batch.parse_paths(["a.pdf"], workers=0)
