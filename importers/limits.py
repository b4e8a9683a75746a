"""Limits that keep one pathological file from stalling or exhausting an import."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * MB
    max_pages: int = 300
    timeout: float = 60.0
    # A Word file is a zip of XML: the sum of its members' uncompressed sizes is capped
    # so that a small "zip bomb" cannot inflate into gigabytes of memory.
    max_docx_uncompressed: int = 200 * MB
    # Address space of a parsing worker process; a file needing more is refused.
    max_memory: int = 2048 * MB


DEFAULT_LIMITS = Limits()
