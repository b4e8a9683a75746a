"""Limits that keep one pathological file from stalling or exhausting an import."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * MB
    max_pages: int = 300
    # A scanned PDF is read by OCR at a second or more a page: a few sheets' worth, within
    # the time limit (a scanned compendium is split, or its original submitted).
    max_ocr_pages: int = 30
    timeout: float = 60.0
    # A Word file is a zip of XML: the sum of its members' uncompressed sizes is capped
    # so that a small "zip bomb" cannot inflate into gigabytes of memory.
    max_docx_uncompressed: int = 200 * MB
    # Address space of a parsing worker process; a file needing more is refused.
    max_memory: int = 2048 * MB


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class ZipLimits:
    """Every limit on zips, in one place: submitted archives (`kb import`, the web batches)
    and the zip inside a Word file (importers.guard)."""

    # The argument's own zip is level 1; a zip in a zip in a zip is as deep as batches go.
    max_archive_depth: int = 3
    # Entries across one archive tree (the zips inside included): a batch holds hundreds.
    max_archive_members: int = 10_000
    # One archive tree may unpack to this many times the largest accepted file, in all.
    archive_size_factor: int = 20
    # Deflate nears 1000:1 only on padding; PDF and Word files are compressed already and
    # Word XML compresses 5-30:1. The ratio only matters once a member is big enough to hurt.
    max_compression_ratio: int = 100
    # The grace sizes differ on purpose: an archive member is a whole sheet (already
    # compressed, 1 MB is plenty), a Word part is XML that legitimately compresses well.
    archive_ratio_grace: int = 1 * MB
    package_ratio_grace: int = 10 * MB
    # A Word document has a few dozen members; thousands mean a crafted or mistaken archive.
    max_package_members: int = 2000


ZIP_LIMITS = ZipLimits()
