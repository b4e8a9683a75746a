"""Legacy Word (.doc) sheets converted by the real LibreOffice (Debian's
libreoffice-writer-nogui, which .ci/run installs) when antiword cannot read them or is not
installed: the record, within the time limit, with no process or temporary folder left behind.

LibreOffice takes a second or more per file, so each conversion is made once, in a module
fixture, and its outcome shared by the tests that look at it."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest

from importers import doc_reader
from importers.batch import parse_paths
from importers.limits import Limits
from importers.parse import parse_bytes
from kb.core.errors import ParseTimeout, UnreadableFile
from tests.importers.test_doc import SHEET, assert_sheet_read, hide_programs
from tests.importers.test_guard import cfb_bytes
from tests.importers.worddoc import word97


def _leftovers(folder: Path) -> tuple[list[str], list[int]]:
    """What LibreOffice left behind: entries of `folder` (used as the temporary folder) and
    processes whose command line names it."""
    processes = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                command = Path(entry.path, "cmdline").read_bytes()
            except OSError:
                continue
            if str(folder).encode() in command:
                processes.append(int(entry.name))
    return sorted(os.listdir(folder)), processes


@contextlib.contextmanager
def without_antiword(base: Path) -> Iterator[Path]:
    """PATH without antiword, and a temporary folder of its own to watch (yielded)."""
    with pytest.MonkeyPatch.context() as patch:
        hide_programs(patch, base / "bin", "antiword")
        (base / "tmp").mkdir()
        patch.setattr(tempfile, "tempdir", str(base / "tmp"))
        assert doc_reader.antiword() is None and doc_reader.soffice() is not None
        yield base / "tmp"


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """The worddoc.py sheet read with antiword hidden, through LibreOffice: the record, its
    warnings, the seconds it took and what was left behind."""
    with without_antiword(tmp_path_factory.mktemp("no-antiword")) as folder:
        started = time.monotonic()
        record, warnings = parse_bytes(word97(SHEET), "stewards.doc")
        return record, warnings, time.monotonic() - started, _leftovers(folder)


def test_without_antiword_a_doc_is_read_through_libreoffice(converted):
    record, _warnings, _seconds, _left = converted
    assert_sheet_read(record)


def test_the_conversion_stays_within_the_time_limit_and_leaves_nothing(converted):
    _record, _warnings, seconds, left = converted
    assert seconds < Limits().timeout * doc_reader.SHARE_OF_TIMEOUT
    assert left == ([], []), "no temporary folder, profile or process left behind"


def test_a_tiny_time_limit_stops_libreoffice_with_the_timeout_message(tmp_path):
    with without_antiword(tmp_path) as folder:
        started = time.monotonic()
        with pytest.raises(ParseTimeout) as caught:
            parse_bytes(word97(SHEET), "stewards.doc", Limits(timeout=0.3))
        seconds = time.monotonic() - started
        left = _leftovers(folder)
    assert seconds < 0.27 + doc_reader.KILL_GRACE
    assert caught.value.message.code == "parser-timeout"
    assert str(caught.value).startswith("stewards.doc took longer than 0.27 s to parse and was "
                                        "stopped;")
    assert left == ([], []), "LibreOffice's processes all killed, its folder removed"


# A short sheet LibreOffice writes as .doc: antiword refuses such small files ("the text
# stream of this file is too small to handle", Debian bug 307657); Word for Mac's too.
SHORT = [("title", "Safe school routes"), ("", "City: Lyon"), ("", "Country: France"),
         ("", "Period: 2018 - 2021"), ("heading", "Context"), ("", "Busy roads."),
         ("heading", "Objectives"), ("", "Safe walks."), ("heading", "Activities"),
         ("item", "Walking buses."), ("item", "New crossings."), ("heading", "Budget"),
         ("", "EUR 20,000."), ("heading", "Evaluation"), ("", "Fewer accidents.")]


@pytest.fixture(scope="module")
def libreoffice_doc(tmp_path_factory) -> bytes:
    """SHORT, made with python-docx and saved as .doc by LibreOffice."""
    folder = tmp_path_factory.mktemp("lo-doc")
    document = docx.Document()
    for kind, text in SHORT:
        if kind == "title":
            document.add_heading(text, 0)
        elif kind == "heading":
            document.add_heading(text, 1)
        else:
            document.add_paragraph(text, style="List Bullet" if kind == "item" else None)
    document.save(folder / "short.docx")
    subprocess.run([doc_reader.soffice(), "--headless", "--norestore",
                    f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--convert-to",
                    "doc", "--outdir", str(folder), str(folder / "short.docx")],
                   capture_output=True, timeout=120, check=True)
    return (folder / "short.doc").read_bytes()


def test_a_doc_antiword_refuses_is_read_through_libreoffice(libreoffice_doc, tmp_path):
    path = tmp_path / "short.doc"
    path.write_bytes(libreoffice_doc)
    refused = subprocess.run([doc_reader.antiword(), str(path)], capture_output=True, check=False)
    assert refused.returncode != 0 and b"too small" in refused.stderr
    [result] = parse_paths([path], workers=1)
    assert result.ok, result.error
    record = result.record
    assert (record.title, record.city, record.country) == ("Safe school routes", "Lyon", "FR")
    # Read from LibreOffice's .docx: the list items stay items.
    assert record.activities == "- Walking buses.\n- New crossings."
    assert (record.budget.amount, record.evaluation) == (20000, "Fewer accidents.")
    assert record.source.format == "doc"


def test_a_doc_antiword_reads_is_not_handed_to_libreoffice(tmp_path, monkeypatch):
    # antiword answers in milliseconds, LibreOffice in seconds: a stand-in soffice that
    # only leaves a mark shows it is not started for a .doc antiword reads.
    hide_programs(monkeypatch, tmp_path / "bin", "soffice", "libreoffice")
    mark = tmp_path / "started"
    fake = tmp_path / "bin" / "soffice"
    fake.write_text(f"#!/bin/sh\ntouch {mark}\nexit 1\n")
    fake.chmod(0o755)
    assert doc_reader.soffice() == str(fake)
    record, _warnings = parse_bytes(word97(SHEET), "stewards.doc")
    assert record.city == "Ghent"
    assert not mark.exists()


def test_a_doc_neither_program_reads_names_both_reasons(tmp_path):
    # Not a Word 97 document inside (an empty WordDocument stream); LibreOffice is told
    # its filter, so it does not open the bytes as plain text either.
    with pytest.raises(UnreadableFile) as caught:
        parse_bytes(cfb_bytes("WordDocument", "1Table"), "old.doc")
    assert caught.value.message.code == "doc-both-unreadable"
    message = str(caught.value)
    assert message.startswith("old.doc is an old Word 97-2003 document (.doc) that neither "
                              "antiword (old.doc is not a Word Document.) nor LibreOffice (")
    assert message.endswith(") could read; open it in Word or LibreOffice, save it as .docx "
                            "or PDF and submit it again.")
    assert "/tmp" not in message and "kb-doc-" not in message and "javaldx" not in message
