"""Read a legacy Word 97-2003 (.doc) file through Debian's antiword: its text as blocks.

antiword (a small C program, no office suite) prints a .doc's text one paragraph a line
(-w 0: no wrapping) and its tables as "|cell|cell|" lines; headings come out as plain lines,
which extraction reads as it does a one-font PDF's. It needs a file to seek in, so the bytes
go to a private temporary file; it runs within the file's time limit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time

from importers.blocks import Block, Document
from importers.limits import Limits
from importers.text import is_bullet_line, strip_bullet
from kb.core.errors import NotASheet, ParseTimeout, UnreadableFile, UnsupportedFormat
from kb.core.messages import say

# As for OCR: the batch's worker is killed at limits.timeout; antiword stops a little before.
SHARE_OF_TIMEOUT = 0.9


def antiword() -> str | None:
    """The antiword program, or None when it is not installed."""
    return shutil.which("antiword")


def read_doc(data: bytes, name: str, limits: Limits) -> Document:
    program = antiword()
    if program is None:
        raise UnsupportedFormat(say("word-97", name=name))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kb-doc-") as folder:
        path = os.path.join(folder, "sheet.doc")
        with open(path, "wb") as out:
            out.write(data)
        try:
            done = subprocess.run(
                [program, "-w", "0", "-m", "UTF-8.txt", path], capture_output=True,
                timeout=max(0.1, limits.timeout * SHARE_OF_TIMEOUT
                            - (time.monotonic() - started)), check=False)
        except subprocess.TimeoutExpired as exc:
            raise ParseTimeout(say("parser-timeout", name=name,
                                   seconds=f"{limits.timeout * SHARE_OF_TIMEOUT:g}")) from exc
        except OSError as exc:
            raise UnreadableFile(say("doc-unreadable", name=name,
                                     reason=exc.strerror or str(exc))) from exc
    text = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0 or not text.strip():
        reason = " ".join(done.stderr.decode("utf-8", "replace").replace(path, name).split())
        if done.returncode == 0 and not reason:
            raise NotASheet(say("no-text", name=name))
        raise UnreadableFile(say("doc-unreadable", name=name,
                                 reason=reason[:200] or f"exit code {done.returncode}"))
    blocks = [_block(line.strip()) for line in text.splitlines() if line.strip()]
    return Document(blocks=blocks, format="doc", pages=None, page_texts=[text])


def _block(line: str) -> Block:
    if line.startswith("|") and line.endswith("|") and len(line) > 2:
        cells = [cell.strip() for cell in line[1:-1].split("|")]
        return Block("row", " | ".join(cells), cells=cells)
    if is_bullet_line(line):
        return Block("item", strip_bullet(line))
    return Block("paragraph", line)
