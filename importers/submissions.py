"""Turn `kb import` arguments (files, folders, zip archives) into the sheet files to parse."""

from __future__ import annotations

import copy
import lzma
import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from importers.guard import PDF_HEADER_WINDOW, PDF_MAGIC
from importers.limits import DEFAULT_LIMITS, MB, ZIP_LIMITS, Limits
from kb.core.errors import EncryptedFile, ImportFailure, TooLarge, UnreadableFile, UnsafeArchive
from kb.core.messages import say

SHEET_SUFFIXES = {".pdf", ".docx", ".docm", ".dotx", ".odt", ".doc"}
ARCHIVE_SUFFIX = ".zip"
MAX_ARCHIVE_DEPTH = ZIP_LIMITS.max_archive_depth
MAX_MEMBERS = ZIP_LIMITS.max_archive_members
TOTAL_SIZE_FACTOR = ZIP_LIMITS.archive_size_factor
MAX_COMPRESSION_RATIO = ZIP_LIMITS.max_compression_ratio
RATIO_GRACE_SIZE = ZIP_LIMITS.archive_ratio_grace
CHUNK = 64 * 1024
# Bytes of a member's base name kept in its extracted file name (file systems allow 255).
MAX_SAFE_STEM = 150

SYMLINK_REASON = "symbolic link not followed"
NOT_A_SHEET = "not a PDF, Word or zip file"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_METADATA_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}
_DRIVE = re.compile(r"^[A-Za-z]:")
_UNSAFE_CHARS = re.compile(r"[^\w.-]+")
# What zipfile and its decompressors raise on damaged data.
_DAMAGED = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, ValueError)


@dataclass
class Submission:
    """One file to parse, or an entry refused before parsing (then `error` says why)."""

    name: str
    path: Path | None
    error: ImportFailure | None = None


@dataclass
class Collection:
    """The submissions in a stable order, and the entries skipped because they are not sheets."""

    submissions: list[Submission] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)


def collect(paths: Iterable[str | Path], workdir: Path, limits: Limits = DEFAULT_LIMITS
            ) -> Collection:
    """Files as given, sheets in folders (recursively) and in zip archives, extracted safely."""
    workdir.mkdir(parents=True, exist_ok=True)
    collector = _Collector(workdir, limits)
    for raw in paths:
        collector.argument(raw)
    return collector.result


@dataclass
class _Tree:
    """What one archive tree (an argument's zip and the zips inside it) may still unpack."""

    bytes_left: int
    members_left: int
    full: bool = False


class _Collector:
    def __init__(self, workdir: Path, limits: Limits) -> None:
        self.workdir = workdir
        self.limits = limits
        self.result = Collection()
        self.count = 0

    def submit(self, name: str, path: Path) -> None:
        self.result.submissions.append(Submission(name, path))

    def refuse(self, name: str, error: ImportFailure) -> None:
        self.result.submissions.append(Submission(name, None, error))

    def argument(self, raw: str | Path) -> None:
        # Links named on the command line are followed: the user chose them.
        name, path = os.fspath(raw), Path(raw)
        if path.is_dir():
            self.folder(path, name)
        elif path.is_file():
            self.file(path, name)
        elif path.exists():
            self.refuse(name, UnreadableFile(say("path-not-a-file", name=name)))
        else:
            self.refuse(name, UnreadableFile(say("path-missing", name=name)))

    def file(self, path: Path, name: str) -> None:
        if path.suffix.lower() == ARCHIVE_SUFFIX and _is_zip(path):
            tree = _Tree(TOTAL_SIZE_FACTOR * self.limits.max_bytes, MAX_MEMBERS)
            self.archive(path, name, 1, tree)
        else:
            # A .zip that is really a PDF or a Word file: the parser judges it by content.
            self.submit(name, path)

    def folder(self, path: Path, name: str) -> None:
        try:
            entries = sorted(os.scandir(path), key=lambda entry: entry.name)
        except OSError as exc:
            self.refuse(name, UnreadableFile(say("folder-unreadable", name=name,
                                                 reason=exc.strerror or str(exc))))
            return
        for entry in entries:
            child = os.path.join(name, entry.name)
            if entry.is_symlink():
                # A link can lead out of the folder or round in a loop.
                self.result.ignored.append((child, SYMLINK_REASON))
            elif (reason := _skip_reason([entry.name], entry.is_dir(follow_symlinks=False))) \
                    and not (reason == NOT_A_SHEET and _unnamed_sheet(entry)):
                self.result.ignored.append((child, reason))
            elif entry.is_dir(follow_symlinks=False):
                self.folder(Path(entry.path), child)
            elif not entry.is_file(follow_symlinks=False):
                self.result.ignored.append((child, "not a regular file"))
            else:
                self.file(Path(entry.path), child)

    def archive(self, path: Path, name: str, depth: int, tree: _Tree) -> None:
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
                struct.error, OverflowError, UnicodeDecodeError) as exc:
            error = UnreadableFile(say("zip-damaged", name=name))
            error.__cause__ = exc
            self.refuse(name, error)
            return
        with archive:
            infos = archive.infolist()
            if len(infos) > tree.members_left:
                self.refuse(name, TooLarge(say("zip-too-many-entries", name=name,
                                               count=len(infos), limit=MAX_MEMBERS)))
                return
            tree.members_left -= len(infos)
            for info in infos:
                self.member(archive, info, f"{name}!/{info.filename}", depth, tree)

    def member(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, depth: int,
               tree: _Tree) -> None:
        if info.is_dir():
            return
        # Windows zips may use backslashes: a reader on Windows would follow them.
        parts = info.filename.replace("\\", "/").split("/")
        if not parts[0] or _DRIVE.match(parts[0]) or ".." in parts:
            self.refuse(name, UnsafeArchive(say("zip-path-escapes", name=name)))
            return
        if reason := _skip_reason(parts, False):
            self.result.ignored.append((name, reason))
            return
        if stat.S_ISLNK(info.external_attr >> 16):
            self.refuse(name, UnsafeArchive(say("zip-symlink", name=name)))
            return
        if info.flag_bits & 0x1:
            self.refuse(name, EncryptedFile(say("zip-encrypted", name=name)))
            return
        nested = PurePosixPath(parts[-1]).suffix.lower() == ARCHIVE_SUFFIX
        if nested and depth >= MAX_ARCHIVE_DEPTH:
            self.refuse(name, UnsafeArchive(say("zip-too-deep", name=name,
                                                depth=MAX_ARCHIVE_DEPTH)))
            return
        try:
            path = self.extract(archive, info, name, parts[-1], tree, nested)
        except ImportFailure as exc:
            self.refuse(name, exc)
            return
        if nested and _is_zip(path):
            self.archive(path, name, depth + 1, tree)
            path.unlink()  # its members are extracted; the zip itself is no sheet
        else:
            self.submit(name, path)

    def extract(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, base: str,
                tree: _Tree, nested: bool) -> Path:
        """Copy a member under workdir, counting what really comes out, not what is declared."""
        if tree.full:
            raise _tree_full(name, self.limits)
        declared = info.file_size
        if declared > RATIO_GRACE_SIZE and declared > MAX_COMPRESSION_RATIO * info.compress_size:
            raise _bomb(name)
        # An inner zip may hold many sheets, so only the tree's budget bounds it.
        allowed = tree.bytes_left if nested else min(self.limits.max_bytes, tree.bytes_left)
        if not nested and declared > self.limits.max_bytes:
            raise _too_large(name, declared, self.limits)
        if declared > tree.bytes_left:
            tree.full = True
            raise _tree_full(name, self.limits)
        target, out = self.create(base)
        try:
            with out:
                written = self.copy(archive, info, name, out, allowed)
            if written > allowed:
                if written > self.limits.max_bytes and not nested:
                    raise _too_large(name, written, self.limits)
                tree.full = True
                raise _tree_full(name, self.limits)
            if written != declared:
                raise UnreadableFile(say("zip-size-mismatch", name=name))
        except ImportFailure:
            target.unlink()
            raise
        tree.bytes_left -= written
        return target

    def copy(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, out: BinaryIO,
             allowed: int) -> int:
        """Bytes copied, stopping as soon as more than `allowed` come out."""
        # zipfile stops at the declared size and then blames the checksum, which would hide a
        # lying header: let it run past that size and count the bytes ourselves.
        probe = copy.copy(info)
        probe.file_size = allowed + 2 * CHUNK
        written = 0
        try:
            with archive.open(probe) as source:
                while chunk := source.read(CHUNK):
                    written += len(chunk)
                    if written > RATIO_GRACE_SIZE and \
                            written > MAX_COMPRESSION_RATIO * info.compress_size:
                        raise _bomb(name)
                    if written > allowed:
                        return written
                    out.write(chunk)
        except NotImplementedError as exc:
            raise UnreadableFile(say("zip-compression", name=name)) from exc
        except _DAMAGED as exc:
            raise UnreadableFile(say("zip-entry-damaged", name=name)) from exc
        except OSError as exc:
            # bz2 reports bad data as OSError; a full disk does too.
            raise UnreadableFile(say("zip-extract-failed", name=name,
                                     reason=exc.strerror or str(exc))) from exc
        return written

    def create(self, base: str) -> tuple[Path, BinaryIO]:
        """A new file under workdir; numbered so that members with one base name never collide."""
        while True:
            self.count += 1
            target = self.workdir / f"{self.count:06d}-{_safe_name(base)}"
            try:
                return target, target.open("xb")
            except FileExistsError:
                continue  # left by an earlier run in the same workdir


def sheet_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the sheets inside folders (recursively, in name order), skipping
    what `kb import` skips in a folder: symbolic links, hidden files, Office lock files."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(_folder_sheets(path))
        else:
            files.append(path)
    return files


def _folder_sheets(path: Path) -> list[Path]:
    files: list[Path] = []
    for entry in sorted(os.scandir(path), key=lambda entry: entry.name):
        is_dir = entry.is_dir(follow_symlinks=False)
        if entry.is_symlink() or _skip_reason([entry.name], is_dir):
            continue
        if is_dir:
            files.extend(_folder_sheets(Path(entry.path)))
        elif entry.is_file(follow_symlinks=False) and \
                PurePosixPath(entry.name).suffix.lower() in SHEET_SUFFIXES:
            files.append(Path(entry.path))
    return files


def _skip_reason(parts: list[str], is_dir: bool) -> str | None:
    """Why an entry is not a sheet to submit (None when it may be one)."""
    base = parts[-1]
    if "__MACOSX" in parts or base.startswith("._") or base.lower() in _METADATA_NAMES:
        return "macOS or Windows folder metadata"
    if any(part.startswith(".") and part != "." for part in parts):
        return "hidden folder" if is_dir else "hidden file"
    if base.startswith("~$"):
        return "Office lock file"
    if is_dir:
        return None
    if PurePosixPath(base).suffix.lower() not in SHEET_SUFFIXES | {ARCHIVE_SUFFIX}:
        return NOT_A_SHEET
    return None


def _unnamed_sheet(entry: os.DirEntry) -> bool:
    """Whether a file without an extension is a sheet by its bytes: a PDF, or a zip package
    (Word, OpenDocument; the parser tells which, or why not). The archive of originals keeps
    files under their sha256 with no extension, and `kb import <home>/originals` reads them."""
    if PurePosixPath(entry.name).suffix or not entry.is_file(follow_symlinks=False):
        return False
    try:
        with open(entry.path, "rb") as handle:
            head = handle.read(PDF_HEADER_WINDOW)
        if PDF_MAGIC in head:
            return True
        if not head.startswith(ZIP_MAGICS):
            return False
        with zipfile.ZipFile(entry.path) as package:
            names = set(package.namelist())
    except OSError:
        return False
    except _DAMAGED:
        return True     # a damaged package: the parser names the file and says so
    return "[Content_Types].xml" in names or "mimetype" in names


def _is_zip(path: Path) -> bool:
    """Whether a file is a zip by its bytes (a truncated zip still starts with the magic)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError:
        return False
    return head in ZIP_MAGICS or zipfile.is_zipfile(path)


def _safe_name(base: str) -> str:
    clean = _UNSAFE_CHARS.sub("_", base).lstrip(".") or "member"
    suffix = PurePosixPath(clean).suffix[:16]
    stem = clean[:len(clean) - len(suffix)] if suffix else clean
    return stem.encode()[:MAX_SAFE_STEM].decode("utf-8", errors="ignore") + suffix


def _too_large(name: str, size: int, limits: Limits) -> TooLarge:
    return TooLarge(say("file-too-large", name=name, size=_mb(size), limit=_mb(limits.max_bytes)))


def _tree_full(name: str, limits: Limits) -> TooLarge:
    return TooLarge(say("zip-tree-too-large", name=name,
                        limit=_mb(TOTAL_SIZE_FACTOR * limits.max_bytes)))


def _bomb(name: str) -> TooLarge:
    return TooLarge(say("zip-bomb", name=name, ratio=MAX_COMPRESSION_RATIO))


def _mb(size: int) -> str:
    return f"{size / MB:.1f}".removesuffix(".0")
