"""importers.guard: a file's real format from its bytes, and zip bombs refused before parsing."""

from __future__ import annotations

import io
import random
import struct
import time
import warnings
import zipfile
import zlib

import docx
import pytest

from importers import guard
from importers.limits import MB, Limits
from kb.core.errors import EncryptedFile, TooLarge, UnreadableFile, UnsupportedFormat

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STRICT_W_NS = "http://purl.oclc.org/ooxml/wordprocessingml/main"
DOCM_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOTX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
DOTM_TYPE = "application/vnd.ms-word.template.macroEnabledTemplate.main+xml"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


# ----------------------------------------------------------------------------- factories

def make_zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def content_types(overrides: dict[str, str]) -> bytes:
    items = "".join(f'<Override PartName="/{part}" ContentType="{kind}"/>'
                    for part, kind in overrides.items())
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f"{items}</Types>").encode()


def package_rels(target: str | None, rel_type: str = guard.OFFICE_DOCUMENT_REL) -> bytes:
    item = f'<Relationship Id="rId1" Type="{rel_type}" Target="{target}"/>' if target else ""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{item}</Relationships>").encode()


def document_xml(text: str = "Hello from the sheet", namespace: str = W_NS) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:document xmlns:w="{namespace}"><w:body><w:p><w:r><w:t>{text}</w:t></w:r>'
            f"</w:p></w:body></w:document>").encode()


def docx_bytes(main: str = "word/document.xml", main_type: str | None = guard.WORD_DOCUMENT_TYPE,
               namespace: str = W_NS, rel_type: str | None = guard.OFFICE_DOCUMENT_REL,
               extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal Word package; main_type=None leaves the main part undeclared."""
    members = {
        "[Content_Types].xml": content_types({main: main_type} if main_type else {}),
        "_rels/.rels": package_rels(main if rel_type else None, rel_type or ""),
        main: document_xml(namespace=namespace),
    }
    members.update(extra or {})
    return make_zip(members)


def cfb_bytes(*entries: str, stream: bytes = b"") -> bytes:
    """An OLE compound file: header, a directory sector naming `entries`, then `stream`."""
    header = guard.CFB_MAGIC + bytes(512 - len(guard.CFB_MAGIC))
    directory = b""
    for index, entry in enumerate(("Root Entry", *entries)):
        name = (entry + "\0").encode("utf-16-le")
        kind = 5 if index == 0 else 2
        directory += name.ljust(64, b"\0") + struct.pack("<HB", len(name), kind).ljust(64, b"\0")
    directory = directory.ljust(512, b"\0")
    return header + directory + stream


def tiny_pdf() -> bytes:
    return (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
            b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")


def open_with_python_docx(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


# ----------------------------------------------------------------------------- formats

@pytest.mark.parametrize("name, data, expected", [
    ("sheet.pdf", tiny_pdf(), "pdf"),
    ("sheet.docx", tiny_pdf(), "pdf"),                       # the content decides, not the name
    ("sheet.pdf", b"\r\n" * 100 + tiny_pdf(), "pdf"),        # junk before the header
    ("sheet.docx", docx_bytes(), "docx"),
    ("sheet.pdf", docx_bytes(), "docx"),
    ("sheet", docx_bytes(), "docx"),
    ("macro.docm", docx_bytes(main_type=DOCM_TYPE), "docx"),
    ("template.dotx", docx_bytes(main_type=DOTX_TYPE), "docx"),
    ("renamed.docx", docx_bytes(main="word/main_body.xml"), "docx"),
])
def test_sniff_format_from_content(name, data, expected):
    assert guard.sniff_format(data, name) == expected


def random_bytes() -> bytes:
    return random.Random(7).randbytes(4096)


@pytest.mark.parametrize("name, data, error, phrase", [
    ("empty.pdf", b"", UnreadableFile, "empty"),
    ("truncated.docx", docx_bytes()[:300], UnreadableFile, "damaged or incomplete zip"),
    # An .odt is read (tests/importers/test_odt.py); other OpenDocument files are not sheets.
    ("sheet.ods", make_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                            "content.xml": b"<office:document-content/>"},
                           zipfile.ZIP_STORED), UnsupportedFormat, "OpenDocument file"),
    ("budget.docx", make_zip({
        "[Content_Types].xml": content_types({"xl/workbook.xml": XLSX_TYPE}),
        "_rels/.rels": package_rels("xl/workbook.xml"),
        "xl/workbook.xml": b"<workbook/>"}), UnsupportedFormat, "Excel workbook"),
    ("photos.docx", make_zip({"a.txt": b"hello", "b.txt": b"world"}), UnsupportedFormat,
     "not a Word document"),
    ("strict.docx", docx_bytes(namespace=STRICT_W_NS, rel_type=guard.STRICT_OFFICE_DOCUMENT_REL),
     UnsupportedFormat, "Strict Open XML"),
    ("strict-ns-only.docx", docx_bytes(namespace=STRICT_W_NS), UnsupportedFormat,
     "Strict Open XML"),
    ("theme.docx", make_zip({"[Content_Types].xml": content_types({}),
                             "_rels/.rels": package_rels("theme/theme1.xml"),
                             "theme/theme1.xml": b"<a:theme xmlns:a='urn:x'/>"}),
     UnsupportedFormat, "not a Word document"),
    ("lost-main.docx", make_zip({"[Content_Types].xml": content_types({}),
                                 "_rels/.rels": package_rels("word/document.xml")}),
     UnreadableFile, "main document part is missing"),
    ("noise.pdf", random_bytes(), UnsupportedFormat, "not a PDF or Word"),
    ("notes.docx", "Context: a note in plain text, élan.\n".encode() * 20, UnsupportedFormat,
     "plain text"),
    ("letter.doc", rb"{\rtf1\ansi Hello}", UnsupportedFormat, "RTF"),
    ("scan.pdf", b"\x89PNG\r\n\x1a\n" + bytes(64), UnsupportedFormat, "image"),
    ("page.docx", b"\xef\xbb\xbf<!DOCTYPE html><html><body>Context</body></html>",
     UnsupportedFormat, "web page"),
    ("flat.xml", b'<?xml version="1.0"?><?mso-application progid="Word.Document"?>'
                 b"<pkg:package/>", UnsupportedFormat, "Word XML"),
    ("headless.pdf", b"1 0 obj\n<< /Type /Catalog >>\nendobj\nstartxref\n0\n%%EOF",
     UnreadableFile, "damaged PDF"),
    ("protected.docx", cfb_bytes("EncryptionInfo", "EncryptedPackage"), EncryptedFile,
     "protected by a password; remove the password in Word"),
    # A Word 97-2003 .doc is read through antiword (tests/importers/test_doc.py).
    ("sheet.xls", cfb_bytes("Workbook"), UnsupportedFormat, "old binary Office file"),
])
def test_sniff_format_refuses_with_a_clear_message(name, data, error, phrase):
    with pytest.raises(error) as caught:
        guard.sniff_format(data, name)
    assert type(caught.value) is error
    assert name in caught.value.message
    assert phrase in caught.value.message
    assert caught.value.message.count(". ") == 0, "one sentence"


# ----------------------------------------------------------------------------- zip bombs

def test_total_unpacked_size_over_the_limit_is_too_large():
    data = docx_bytes(extra={"word/media/blob.bin": bytes(5 * MB)})
    assert len(data) < 100_000
    with pytest.raises(TooLarge, match=r"bomb\.docx unpacks to 5 MB, over the limit of 1 MB"):
        guard.sniff_format(data, "bomb.docx", Limits(max_docx_uncompressed=1 * MB))
    assert guard.sniff_format(data, "bomb.docx") == "docx"  # default limit: 200 MB


def test_sizes_come_from_the_central_directory_without_inflating():
    data = bytearray(docx_bytes(extra={"word/media/blob.bin": b"small"}))
    # Make the central directory claim 4000 MB for the blob; inflating it would fail on the CRC.
    entry = data.index(b"word/media/blob.bin", data.index(b"PK\x01\x02")) - 46
    assert data[entry:entry + 4] == b"PK\x01\x02"
    data[entry + 24:entry + 28] = struct.pack("<I", 4000 * MB)
    started = time.perf_counter()
    with pytest.raises(TooLarge, match="unpacks to 4000 MB"):
        guard.sniff_format(bytes(data), "liar.docx")
    assert time.perf_counter() - started < 1


def test_absurd_compression_ratio_is_a_zip_bomb():
    data = docx_bytes(extra={"word/media/zeros.bin": bytes(20 * MB)})
    with pytest.raises(TooLarge, match="expands [0-9]+ times when unpacked"):
        guard.sniff_format(data, "ratio.docx")


def test_thousands_of_members_are_refused():
    data = docx_bytes(extra={f"word/media/{n}.xml": b"<a/>" for n in range(guard.MAX_ZIP_MEMBERS)})
    with pytest.raises(TooLarge, match="holds 2003 files inside"):
        guard.sniff_format(data, "many.docx")


# ----------------------------------------------------------------------------- ambiguous zips

def zip_with(infos: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns on duplicate names
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for info, content in infos:
                archive.writestr(info, content)
    return out.getvalue()


def base_members() -> list[tuple[zipfile.ZipInfo, bytes]]:
    return [(zipfile.ZipInfo("[Content_Types].xml"), content_types({})),
            (zipfile.ZipInfo("_rels/.rels"), package_rels("word/document.xml"))]


def test_entries_with_two_names_are_refused():
    main = zipfile.ZipInfo("word/document.xml")
    alias = b"other.xml"
    main.extra = struct.pack("<HHBI", guard.UNICODE_PATH_EXTRA, 5 + len(alias), 1,
                             zlib.crc32(b"word/document.xml")) + alias
    data = zip_with(base_members() + [(main, document_xml())])
    with pytest.raises(UnreadableFile, match="two different names"):
        guard.sniff_format(data, "unicode-path.docx")


def test_duplicate_entries_are_refused():
    data = zip_with(base_members() + [(zipfile.ZipInfo("word/document.xml"), document_xml("A")),
                                      (zipfile.ZipInfo("word/document.xml"), document_xml("B"))])
    with pytest.raises(UnreadableFile, match="duplicate entry names"):
        guard.sniff_format(data, "twice.docx")


def test_password_protected_zip_members_are_encrypted():
    data = bytearray(zip_with(base_members() + [(zipfile.ZipInfo("word/document.xml"),
                                                 document_xml())]))
    # zipfile cannot encrypt; set the "encrypted" flag in the central directory entry.
    entry = data.index(b"word/document.xml", data.index(b"PK\x01\x02")) - 46
    data[entry + 8] |= 0x1
    data = bytes(data)
    with pytest.raises(EncryptedFile, match="password-protected zip"):
        guard.sniff_format(data, "locked.docx")


# ----------------------------------------------------------------------------- docx_package

def test_a_normal_docx_is_passed_through_unchanged():
    data = docx_bytes()
    assert guard.docx_package(data, "sheet.docx", Limits()) is data


@pytest.mark.parametrize("main_type", [DOCM_TYPE, DOTX_TYPE, DOTM_TYPE])
def test_macro_documents_and_templates_open_in_python_docx(main_type):
    data = docx_bytes(main_type=main_type)
    with pytest.raises(ValueError, match="not a Word file"):
        open_with_python_docx(data)
    assert open_with_python_docx(guard.docx_package(data, "macro.docm", Limits())) == [
        "Hello from the sheet"]


def test_an_undeclared_main_part_is_declared_and_related():
    data = docx_bytes(main_type=None, rel_type=None)
    assert guard.sniff_format(data, "bare.docx") == "docx"
    assert open_with_python_docx(guard.docx_package(data, "bare.docx", Limits())) == [
        "Hello from the sheet"]


def test_a_renamed_main_part_opens_in_python_docx():
    data = docx_bytes(main="word/main_body.xml", main_type=DOCM_TYPE)
    assert open_with_python_docx(guard.docx_package(data, "renamed.docm", Limits())) == [
        "Hello from the sheet"]


def test_docx_package_applies_the_same_checks():
    data = docx_bytes(extra={"word/media/blob.bin": bytes(2 * MB)})
    with pytest.raises(TooLarge):
        guard.docx_package(data, "big.docx", Limits(max_docx_uncompressed=1 * MB))
