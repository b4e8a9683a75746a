"""The archive of original files: each stored once under its SHA-256, written atomically."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from kb.service.archive import Archive


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
