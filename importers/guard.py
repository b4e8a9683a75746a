"""What a submitted file really is, judged from its bytes before any parsing library sees it.

`sniff_format` says "pdf" or "docx" or raises an ImportFailure naming the file and what to do;
`docx_package` gives python-docx bytes it can open (macro-enabled documents and templates are
declared as plain documents). Zip members are sized from the central directory: nothing is
inflated here except a few small package parts.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

from lxml import etree

from importers.limits import DEFAULT_LIMITS, MB, ZIP_LIMITS, Limits
from kb.core.errors import EncryptedFile, TooLarge, UnreadableFile, UnsupportedFormat
from kb.core.messages import Message, say

PDF_MAGIC = b"%PDF-"
# Some producers write a few bytes of junk before the header; readers accept it within 1 KB.
PDF_HEADER_WINDOW = 1024
CFB_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")

MAX_ZIP_MEMBERS = ZIP_LIMITS.max_package_members
MAX_COMPRESSION_RATIO = ZIP_LIMITS.max_compression_ratio
RATIO_GRACE_SIZE = ZIP_LIMITS.package_ratio_grace
# [Content_Types].xml and _rels/.rels are a few KB; anything near this is not a real package.
MAX_PACKAGE_PART = 2 * MB
# The root element and its namespace declarations come first in the main part.
MAIN_PART_HEAD = 64 * 1024

WORD_DOCUMENT_TYPE = ("application/vnd.openxmlformats-officedocument.wordprocessingml"
                      ".document.main+xml")
WORD_MAIN_TYPES = {
    WORD_DOCUMENT_TYPE,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
}
OFFICE_DOCUMENT_REL = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships"
                       "/officeDocument")
STRICT_OFFICE_DOCUMENT_REL = ("http://purl.oclc.org/ooxml/officeDocument/relationships"
                              "/officeDocument")
WORD_NAMESPACE = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STRICT_WORD_NAMESPACE = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
# A main part declared only by the package's default for .xml: judged by its namespace.
GENERIC_XML_TYPES = {None, "application/xml", "text/xml"}
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
ODF_TEXT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Info-ZIP "Unicode Path" extra field: a second name for an entry that some readers prefer.
UNICODE_PATH_EXTRA = 0x7075

_IMAGE_MAGICS = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
# PDF structure without a valid header: a damaged PDF rather than some other format.
_PDF_SYNTAX = re.compile(rb"\A\s*%PDF|startxref|trailer\s*<<|\b\d+\s+\d+\s+obj\b")

# lxml already refuses entity expansion bombs; also never resolve entities or touch the network.
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def sniff_format(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """Return "pdf", "docx", "odt" or "doc" from the content; raise an ImportFailure for
    anything else."""
    return sniff(data, name, limits)[0]


def sniff(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS
          ) -> tuple[str, WordPackage | None]:
    """sniff_format, with what the check of a Word package found (for docx_package)."""
    if not data:
        raise UnreadableFile(say("file-empty", name=name))
    if data.startswith(ZIP_MAGICS):
        package = _inspect_zip(data, name, limits)
        return ("odt", None) if package is OPENDOCUMENT_TEXT else ("docx", package)
    if data.startswith(CFB_MAGIC):
        if _cfb_has_entry(data, "WordDocument") and not _encrypted_cfb(data):
            return "doc", None  # Word 97-2003: importers.doc_reader reads it
        raise _cfb_error(data, name)
    if PDF_MAGIC in data[:PDF_HEADER_WINDOW]:
        return "pdf", None
    raise _unsupported(data, name)


def docx_package(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS,
                 package: WordPackage | None = None) -> bytes:
    """Return bytes python-docx can open: `data` itself, or a copy declaring a plain document.

    python-docx only accepts a main part declared as a .docx document and found through the
    package relationships; .docm/.dotx/.dotm and some hand-made packages differ only there.
    The main part stays where it is: python-docx follows the relationship to it. `package`
    is what sniff() found in `data`, if it was called (the check is not repeated).
    """
    if package is None:
        package = _inspect_zip(data, name, limits)
    if package is OPENDOCUMENT_TEXT:
        raise _opendocument_error(ODF_TEXT_MIMETYPE, name)
    if package.content_type == WORD_DOCUMENT_TYPE and package.related:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in ("[Content_Types].xml", "_rels/.rels"):
                continue
            try:
                content = source.read(info)
            except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError,
                    ValueError) as exc:
                raise UnreadableFile(say("word-damaged-zip", name=name)) from exc
            target.writestr(info, content)
        target.writestr("[Content_Types].xml", _declare_document(package))
        target.writestr("_rels/.rels", _relate_document(package))
    return out.getvalue()


@dataclass(frozen=True)
class WordPackage:
    """What the check of a Word package found: where its main part is, and how declared."""

    main: str  # zip member name of the main document part
    content_type: str | None  # what [Content_Types].xml says it is
    related: bool  # whether _rels/.rels points at it as the office document
    content_types: etree._Element | None
    rels: etree._Element | None


# What _inspect_zip finds for an OpenDocument text: not a Word package, read by its own reader.
OPENDOCUMENT_TEXT = WordPackage("content.xml", ODF_TEXT_MIMETYPE.decode(), False, None, None)


def _inspect_zip(data: bytes, name: str, limits: Limits) -> WordPackage:
    """Check a zip's structure and sizes, and find its Word main part, without inflating it."""
    damaged = say("zip-damaged-word", name=name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError,
            struct.error, OverflowError, UnicodeDecodeError) as exc:
        raise UnreadableFile(damaged) from exc
    with archive:
        infos = archive.infolist()
        _check_sizes(infos, name, limits)
        _check_names(archive, infos, name, damaged)
        names = {info.filename for info in infos}
        if "mimetype" in names:
            mimetype = _read_part(archive, "mimetype", name, damaged)
            if mimetype.strip() == ODF_TEXT_MIMETYPE:
                return OPENDOCUMENT_TEXT  # sizes checked above; importers.odt_reader reads it
            raise _opendocument_error(mimetype, name)
        content_types = _parse_part(archive, "[Content_Types].xml", names, name, damaged)
        rels = _parse_part(archive, "_rels/.rels", names, name, damaged)
        main, related = _main_part(rels, content_types, names, name)
        if main is None:
            raise _not_word_error(None, name)
        if main not in names:
            raise UnreadableFile(say("word-no-main-part", name=name))
        content_type = _content_type(content_types, main)
        if content_type not in WORD_MAIN_TYPES and content_type not in GENERIC_XML_TYPES:
            raise _not_word_error(content_type, name)
        try:
            with archive.open(main) as part:
                head = part.read(MAIN_PART_HEAD)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError,
                NotImplementedError) as exc:
            raise UnreadableFile(damaged) from exc
        if STRICT_WORD_NAMESPACE in head:
            raise _strict_error(name)
        if content_type not in WORD_MAIN_TYPES and WORD_NAMESPACE not in head:
            raise _not_word_error(None, name)
    return WordPackage(main, content_type, related, content_types, rels)


def _check_sizes(infos: list[zipfile.ZipInfo], name: str, limits: Limits) -> None:
    """Refuse zip bombs from the sizes the central directory declares.

    Python's zipfile never returns more than a member's declared size (and fails on a CRC
    mismatch), so these figures bound what python-docx can inflate.
    """
    if len(infos) > MAX_ZIP_MEMBERS:
        raise TooLarge(say("word-too-many-parts", name=name, count=len(infos),
                           limit=MAX_ZIP_MEMBERS))
    total = sum(info.file_size for info in infos)
    if total > limits.max_docx_uncompressed:
        raise TooLarge(say("word-unpacks-too-large", name=name, size=_mb(total),
                           limit=_mb(limits.max_docx_uncompressed)))
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_GRACE_SIZE and ratio > MAX_COMPRESSION_RATIO:
            raise TooLarge(say("word-zip-bomb", name=name, ratio=f"{ratio:.0f}"))


def _check_names(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str,
                 damaged: Message) -> None:
    """Refuse archives whose entries zip readers could disagree on, or that need a password."""
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise UnreadableFile(say("word-duplicate-entries", name=name))
    for info in infos:
        if info.flag_bits & 0x1:
            raise EncryptedFile(say("word-encrypted", name=name))
        alias = _unicode_path(info.extra)
        if alias is not None and alias != info.filename:
            raise UnreadableFile(say("word-two-names", name=name))
        try:
            # Opening checks the local header against the central directory, inflating nothing.
            with archive.open(info):
                pass
        except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError,
                struct.error, UnicodeDecodeError) as exc:
            raise UnreadableFile(damaged) from exc


def _unicode_path(extra: bytes) -> str | None:
    """The name in an Info-ZIP Unicode Path extra field (version, CRC-32, UTF-8 name), if any."""
    pos = 0
    while pos + 4 <= len(extra):
        field_id, size = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4:pos + 4 + size]
        if field_id == UNICODE_PATH_EXTRA and len(body) > 5:
            return body[5:].decode("utf-8", errors="replace")
        pos += 4 + size
    return None


def _read_part(archive: zipfile.ZipFile, part: str, name: str, damaged: Message) -> bytes:
    info = archive.getinfo(part)
    if info.file_size > MAX_PACKAGE_PART:
        raise UnreadableFile(damaged)
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError,
            ValueError) as exc:
        raise UnreadableFile(damaged) from exc


def _parse_part(archive: zipfile.ZipFile, part: str, names: set[str], name: str,
                damaged: Message) -> etree._Element | None:
    if part not in names:
        return None
    try:
        return etree.fromstring(_read_part(archive, part, name, damaged), _XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(damaged) from exc


def _main_part(rels: etree._Element | None, content_types: etree._Element | None,
               names: set[str], name: str) -> tuple[str | None, bool]:
    """The main part's member name, and whether the package relationships point at it."""
    for rel in _children(rels, RELATIONSHIPS_NS, "Relationship"):
        kind = rel.get("Type", "")
        if kind == STRICT_OFFICE_DOCUMENT_REL:
            raise _strict_error(name)
        if kind == OFFICE_DOCUMENT_REL and rel.get("TargetMode") != "External":
            target = posixpath.normpath(rel.get("Target", "").lstrip("/"))
            return target, True
    for override in _children(content_types, CONTENT_TYPES_NS, "Override"):
        if override.get("ContentType") in WORD_MAIN_TYPES:
            return override.get("PartName", "").lstrip("/"), False
    if "word/document.xml" in names:
        return "word/document.xml", False
    return None, False


def _content_type(content_types: etree._Element | None, part: str) -> str | None:
    """What [Content_Types].xml declares for a part (part names compare case-insensitively)."""
    wanted = "/" + part.lower()
    for override in _children(content_types, CONTENT_TYPES_NS, "Override"):
        if override.get("PartName", "").lower() == wanted:
            return override.get("ContentType")
    extension = posixpath.splitext(part)[1].lstrip(".").lower()
    for default in _children(content_types, CONTENT_TYPES_NS, "Default"):
        if default.get("Extension", "").lower() == extension:
            return default.get("ContentType")
    return None


def _children(root: etree._Element | None, namespace: str, tag: str) -> list[etree._Element]:
    if root is None:
        return []
    return root.findall(f"{{{namespace}}}{tag}")


def _declare_document(package: WordPackage) -> bytes:
    """[Content_Types].xml with the main part declared as a plain Word document."""
    root = package.content_types
    if root is None:
        root = etree.Element(f"{{{CONTENT_TYPES_NS}}}Types", nsmap={None: CONTENT_TYPES_NS})
        for extension, content_type in (
                ("rels", "application/vnd.openxmlformats-package.relationships+xml"),
                ("xml", "application/xml")):
            etree.SubElement(root, f"{{{CONTENT_TYPES_NS}}}Default", Extension=extension,
                             ContentType=content_type)
    wanted = "/" + package.main.lower()
    for override in _children(root, CONTENT_TYPES_NS, "Override"):
        if override.get("PartName", "").lower() == wanted:
            override.set("ContentType", WORD_DOCUMENT_TYPE)
            break
    else:
        etree.SubElement(root, f"{{{CONTENT_TYPES_NS}}}Override", PartName="/" + package.main,
                         ContentType=WORD_DOCUMENT_TYPE)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _relate_document(package: WordPackage) -> bytes:
    """_rels/.rels with an office-document relationship to the main part."""
    root = package.rels
    if root is None:
        root = etree.Element(f"{{{RELATIONSHIPS_NS}}}Relationships",
                             nsmap={None: RELATIONSHIPS_NS})
    if not package.related:
        used = {rel.get("Id") for rel in _children(root, RELATIONSHIPS_NS, "Relationship")}
        number = 1
        while f"rId{number}" in used:
            number += 1
        etree.SubElement(root, f"{{{RELATIONSHIPS_NS}}}Relationship", Id=f"rId{number}",
                         Type=OFFICE_DOCUMENT_REL, Target=package.main)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _cfb_error(data: bytes, name: str) -> Exception:
    """An OLE compound file: a password-protected Office file or an old binary document."""
    if _encrypted_cfb(data):
        return EncryptedFile(say("office-encrypted", name=name))
    return UnsupportedFormat(say("office-binary", name=name))


def _encrypted_cfb(data: bytes) -> bool:
    return _cfb_has_entry(data, "EncryptionInfo") or _cfb_has_entry(data, "EncryptedPackage")


def _cfb_has_entry(data: bytes, entry: str) -> bool:
    """Whether a compound file's directory names `entry`.

    Directory entries are 128-byte records at 128-byte aligned offsets after the header: a
    UTF-16 name, its byte length at +64 and the object type (1 storage, 2 stream) at +66.
    Matching the whole record rather than walking the sector chains also works on damaged files,
    and text inside a stream is most unlikely to line up as a record by chance.
    """
    encoded = (entry + "\0").encode("utf-16-le")
    pos = data.find(encoded, 512)
    while pos != -1:
        if pos % 128 == 0 and pos + 67 <= len(data):
            length = struct.unpack_from("<H", data, pos + 64)[0]
            if length == len(encoded) and data[pos + 66] in (1, 2):
                return True
        pos = data.find(encoded, pos + 1)
    return False


def _opendocument_error(mimetype: bytes, name: str) -> Exception:
    if mimetype.strip() == ODF_TEXT_MIMETYPE:
        return UnsupportedFormat(say("opendocument-text", name=name))
    return UnsupportedFormat(say("opendocument-other", name=name))


def _not_word_error(content_type: str | None, name: str) -> Exception:
    if content_type and ("spreadsheetml" in content_type or "ms-excel" in content_type):
        return UnsupportedFormat(say("excel", name=name))
    if content_type and ("presentationml" in content_type or "ms-powerpoint" in content_type):
        return UnsupportedFormat(say("powerpoint", name=name))
    if content_type:
        return UnsupportedFormat(say("office-not-word", name=name))
    return UnsupportedFormat(say("zip-not-word", name=name))


def _strict_error(name: str) -> Exception:
    return UnsupportedFormat(say("word-strict", name=name))


def _unsupported(data: bytes, name: str) -> Exception:
    """Name what a file that is neither PDF nor Word looks like."""
    head = data[:4096]
    if head.startswith(b"{\\rtf"):
        return UnsupportedFormat(say("rtf", name=name))
    for magic, kind in _IMAGE_MAGICS:
        if head.startswith(magic):
            return UnsupportedFormat(say("image", name=name, kind=kind))
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return UnsupportedFormat(say("html", name=name))
    if start.startswith(b"<?xml") and b"word" in head.lower():
        return UnsupportedFormat(say("word-xml", name=name))
    if _PDF_SYNTAX.search(data):
        return UnreadableFile(say("pdf-no-header", name=name))
    if _looks_like_text(head):
        return UnsupportedFormat(say("plain-text", name=name))
    return UnsupportedFormat(say("not-pdf-or-word", name=name))


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    # Cutting at 4 KB may split a multi-byte character: ignore a broken tail.
    text = head.decode("utf-8", errors="ignore") if _is_utf8(head) else head.decode("latin-1")
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable >= 0.95 * len(text)


def _is_utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3
    return True


def _mb(size: int) -> str:
    return f"{size / MB:.1f}".removesuffix(".0")
