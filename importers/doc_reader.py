"""Read a legacy Word 97-2003 (.doc) file: its text as blocks, through Debian's antiword, or
converted to .docx by LibreOffice when antiword cannot read it or is not installed.

antiword (a small C program, no office suite) prints a .doc's text one paragraph a line
(-w 0: no wrapping) and its tables as "|cell|cell|" lines; headings come out as plain lines,
which extraction reads as it does a one-font PDF's. It is tried first: it answers in
milliseconds where LibreOffice takes a second or more to start, and its plain lines give the
same record on the sheets it reads. LibreOffice reads the .doc files antiword refuses
(small ones LibreOffice or Word for Mac wrote, files it finds no text in); its .docx is
read by importers.word_reader, keeping heading styles, bold, list items and tables.

Both need a file to seek in, so the bytes go to a private temporary folder, which also holds
LibreOffice's profile, home, temporary files and output, and is removed whatever happens
before the function returns. Both run within the file's time limit; LibreOffice forks (a
launcher, then soffice.bin), so it runs in a session of its own whose whole process group
is killed.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from importers.blocks import Block, Document
from importers.limits import Limits
from importers.text import is_bullet_line, strip_bullet
from importers.word_reader import read_docx
from kb.core.errors import NotASheet, ParseTimeout, UnreadableFile, UnsupportedFormat
from kb.core.messages import say

# As for OCR: the batch's worker is killed at limits.timeout; the programs stop a little
# before, so the message says what took the time.
SHARE_OF_TIMEOUT = 0.9
# LibreOffice's import filter for Word 97-2003, named so that a damaged .doc is refused
# rather than opened by type detection as plain text (which reads any bytes).
WORD_97_FILTER = "MS Word 97"
# How long a killed LibreOffice's processes may take to be gone.
KILL_GRACE = 2.0
# What LibreOffice always prints on a machine without Java: not a reason.
_NOISE = ("Warning: failed to launch javaldx",)


@dataclasses.dataclass(frozen=True)
class _Refusal:
    """antiword could not read the file: its reason, or no text at all (`empty`)."""

    reason: str
    empty: bool = False


def antiword() -> str | None:
    """The antiword program, or None when it is not installed."""
    return shutil.which("antiword")


def soffice() -> str | None:
    """LibreOffice's program (soffice, or libreoffice), or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_doc(data: bytes, name: str, limits: Limits) -> Document:
    reader, office = antiword(), soffice()
    if reader is None and office is None:
        raise UnsupportedFormat(say("word-97", name=name))
    deadline = time.monotonic() + limits.timeout * SHARE_OF_TIMEOUT
    with tempfile.TemporaryDirectory(prefix="kb-doc-") as folder:
        path = os.path.join(folder, "sheet.doc")
        with open(path, "wb") as out:
            out.write(data)
        refusal = None
        if reader is not None:
            read = _read_antiword(reader, path, name, limits, deadline)
            if isinstance(read, Document):
                return read
            if office is None:
                if read.empty:
                    raise NotASheet(say("no-text", name=name))
                raise UnreadableFile(say("doc-unreadable", name=name, reason=read.reason))
            refusal = read
        converted = _convert(office, folder, path, name, limits, deadline, refusal)
    return dataclasses.replace(read_docx(converted, name, limits), format="doc")


def _read_antiword(program: str, path: str, name: str, limits: Limits,
                   deadline: float) -> Document | _Refusal:
    try:
        done = subprocess.run(
            [program, "-w", "0", "-m", "UTF-8.txt", path], capture_output=True,
            timeout=_remaining(deadline), check=False)
    except subprocess.TimeoutExpired as exc:
        raise _timeout(name, limits) from exc
    except OSError as exc:
        return _Refusal(exc.strerror or str(exc))
    text = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0 or not text.strip():
        reason = " ".join(done.stderr.decode("utf-8", "replace").replace(path, name).split())
        if done.returncode == 0 and not reason:
            return _Refusal("it found no text", empty=True)
        return _Refusal(reason[:200] or f"exit code {done.returncode}")
    blocks = [_block(line.strip()) for line in text.splitlines() if line.strip()]
    return Document(blocks=blocks, format="doc", pages=None, page_texts=[text])


def _convert(program: str, folder: str, path: str, name: str, limits: Limits,
             deadline: float, refusal: _Refusal | None) -> bytes:
    """The .docx LibreOffice makes of the .doc at `path` (in `folder`, with a profile of its
    own there: another LibreOffice running, or a broken profile, cannot get in the way)."""
    outdir = os.path.join(folder, "out")
    command = [program, "--headless", "--norestore", "--nologo", "--nolockcheck",
               f"-env:UserInstallation={Path(folder, 'profile').as_uri()}",
               f"--infilter={WORD_97_FILTER}", "--convert-to", "docx", "--outdir", outdir, path]
    try:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True, env={**os.environ, "HOME": folder, "TMPDIR": folder})
    except OSError as exc:
        raise _office_error(name, exc.strerror or str(exc), refusal) from exc
    try:
        _out, err = process.communicate(timeout=_remaining(deadline))
    except subprocess.TimeoutExpired as exc:
        raise _timeout(name, limits) from exc
    finally:
        _kill_group(process)
    try:
        with open(os.path.join(outdir, "sheet.docx"), "rb") as converted:
            return converted.read()
    except OSError:  # no output: LibreOffice could not load the file
        lines = [line for line in err.decode("utf-8", "replace").splitlines()
                 if line.strip() and not line.startswith(_NOISE)]
        reason = " ".join(" ".join(lines).replace(path, name).split())[:200]
        raise _office_error(name, reason or f"exit code {process.returncode}",
                            refusal) from None


def _kill_group(process: subprocess.Popen) -> None:
    """Kill LibreOffice's whole process group, reap the launcher, and wait (briefly) until
    none of its processes runs on to write into the folder about to be removed."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()
    until = time.monotonic() + KILL_GRACE
    while _running_in_group(process.pid) and time.monotonic() < until:
        time.sleep(0.01)


def _running_in_group(group: int) -> bool:
    """Whether a process of the process group still runs. A killed soffice.bin is left a
    zombie for init to reap, a second or so later: dead, it writes nothing, so it is not
    waited for (os.killpg would still find it)."""
    try:
        names = [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:  # no /proc: the group as the system counts it
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        return True
    for name in names:
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # After the command's name: state, parent, process group.
        if len(fields) > 2 and fields[2] == str(group).encode() and fields[0] not in b"ZX":
            return True
    return False


def _office_error(name: str, reason: str, refusal: _Refusal | None) -> UnreadableFile:
    if refusal is None:
        return UnreadableFile(say("doc-office-unreadable", name=name, reason=reason))
    return UnreadableFile(say("doc-both-unreadable", name=name, antiword=refusal.reason,
                              office=reason))


def _remaining(deadline: float) -> float:
    return max(0.01, deadline - time.monotonic())


def _timeout(name: str, limits: Limits) -> ParseTimeout:
    return ParseTimeout(say("parser-timeout", name=name,
                            seconds=f"{limits.timeout * SHARE_OF_TIMEOUT:g}"))


def _block(line: str) -> Block:
    if line.startswith("|") and line.endswith("|") and len(line) > 2:
        cells = [cell.strip() for cell in line[1:-1].split("|")]
        return Block("row", " | ".join(cells), cells=cells)
    if is_bullet_line(line):
        return Block("item", strip_bullet(line))
    return Block("paragraph", line)
