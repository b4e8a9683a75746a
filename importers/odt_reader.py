"""Read an OpenDocument text (.odt, LibreOffice) into blocks: headings, paragraphs, list items
and table rows in body order.

Only content.xml (the body and its automatic styles) and meta.xml (the page count) are read,
with the standard zip module, and parsed by lxml with entities and the network off: a
package's other parts (settings, styles, pictures) say nothing the sheet needs, and opening
the whole package with odfdo took as long as reading the sheet. guard.sniff has checked the
zip's sizes (bombs) before; a part declaring a DTD or entities is refused here, since no
office suite writes one.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from lxml import etree

from importers.blocks import Block, Document
from importers.limits import Limits
from importers.text import clean
from kb.core.errors import NotASheet, UnreadableFile
from kb.core.messages import say

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"


def _q(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


H, P, LIST, ITEM, HEADER = _q(TEXT, "h"), _q(TEXT, "p"), _q(TEXT, "list"), _q(TEXT, "list-item"), _q(TEXT, "list-header")
TBL, ROW, CELL = _q(TABLE, "table"), _q(TABLE, "table-row"), _q(TABLE, "table-cell")
# Text that is not the document's running text: comments, footnotes, the deleted text that
# tracked changes keep (the body itself reads as with the changes accepted), a table of
# contents' generated entries.
_SKIPPED = {_q(OFFICE, "annotation"), _q(TEXT, "note"), _q(TEXT, "tracked-changes"),
            _q(TEXT, "table-of-content"), _q(TEXT, "sequence-decls"), _q(OFFICE, "forms")}
_CONTAINERS = {_q(TEXT, "section"), _q(TABLE, "table-header-rows"), _q(TABLE, "table-rows"),
               _q(TEXT, "index-body"), _q(TABLE, "table-row-group")}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False)
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_TITLE_STYLES = {"title", "titre", "titel", "titulo", "titolo"}


def read_odt(data: bytes, name: str, limits: Limits) -> Document:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "content.xml" not in names:
                raise UnreadableFile(say("odt-damaged", name=name, reason="no content.xml"))
            parts = {part: archive.read(part) for part in ("content.xml", "meta.xml")
                     if part in names}
        for part in parts.values():
            if _DTD.search(part[:65536]):
                raise UnreadableFile(say("odt-entities", name=name))
        root = etree.fromstring(parts["content.xml"], _PARSER)
        styles = _bold_styles(root)
        body = root.find(f"{_q(OFFICE, 'body')}/{_q(OFFICE, 'text')}")
        if body is None:
            raise UnreadableFile(say("odt-damaged", name=name, reason="no text body"))
        blocks = list(_walk(body, styles))
        pages = _page_count(parts.get("meta.xml"))
    except (zipfile.BadZipFile, etree.XMLSyntaxError, KeyError, ValueError, TypeError,
            AttributeError, IndexError, OSError, RecursionError, EOFError,
            zlib.error) as exc:
        raise UnreadableFile(say("odt-damaged", name=name, reason=type(exc).__name__)) from exc
    if not any(b.text.strip() for b in blocks):
        raise NotASheet(say("no-text", name=name))
    return Document(blocks=blocks, format="odt", pages=pages,
                    page_texts=["\n".join(b.text for b in blocks)])


def _walk(parent, styles: dict[str, bool], in_list: bool = False):
    for child in parent:
        tag = child.tag
        if tag in _SKIPPED:
            continue
        if tag == H:
            text = clean(_text(child))
            if text:
                level = int(child.get(_q(TEXT, "outline-level"), "1") or 1)
                yield Block("heading", text, level=level, bold=True)
        elif tag == P:
            yield from _paragraph(child, styles, in_list)
        elif tag in (LIST, ITEM, HEADER):
            yield from _walk(child, styles, in_list=True)
        elif tag == TBL:
            for row in child.iter(ROW):
                cells = [_cell_text(cell, styles) for cell in row.findall(CELL)]
                cells = [c for i, c in enumerate(cells) if c or i == 0]
                if any(cells):
                    yield Block("row", " | ".join(cells), cells=cells)
        elif tag in _CONTAINERS:
            yield from _walk(child, styles, in_list)


def _paragraph(element, styles: dict[str, bool], in_list: bool):
    style = element.get(_q(TEXT, "style-name"), "") or ""
    lines = [clean(line) for line in _text(element).split("\n")]
    if style.casefold() in _TITLE_STYLES and any(lines):
        yield Block("title", " ".join(line for line in lines if line), bold=True)
        return
    bold = styles.get(style, False) or _all_bold(element, styles)
    for i, line in enumerate(lines):
        if line:
            yield Block("item" if in_list else "paragraph", line, bold=bold,
                        lead_bold=bold or (i == 0 and _bold_lead(element, styles)))


def _cell_text(cell, styles: dict[str, bool]) -> str:
    lines = []
    for block in _walk(cell, styles):
        lines.append(f"- {block.text}" if block.kind == "item" else block.text)
    return "\n".join(lines)


def _text(element) -> str:
    """The running text of a paragraph: spaces, tabs and line breaks as written."""
    parts = [element.text or ""]
    for child in element:
        if child.tag in _SKIPPED:
            pass
        elif child.tag == _q(TEXT, "s"):
            parts.append(" " * int(child.get(_q(TEXT, "c"), "1") or 1))
        elif child.tag == _q(TEXT, "tab"):
            parts.append("\t")
        elif child.tag == _q(TEXT, "line-break"):
            parts.append("\n")
        else:
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _bold_styles(root) -> dict[str, bool]:
    """Automatic styles (paragraph or text) that set bold type, by name."""
    bold = {}
    for style in root.iter(_q(STYLE, "style")):
        props = style.find(_q(STYLE, "text-properties"))
        weight = props.get(_q(FO, "font-weight")) if props is not None else None
        bold[style.get(_q(STYLE, "name"), "")] = weight in ("bold", "700", "800", "900")
    return bold


def _spans(element):
    return [span for span in element if span.tag == _q(TEXT, "span")]


def _all_bold(element, styles: dict[str, bool]) -> bool:
    spans = _spans(element)
    loose = (element.text or "").strip() or any((s.tail or "").strip() for s in spans)
    return bool(spans) and not loose and all(styles.get(s.get(_q(TEXT, "style-name"), ""), False)
                                             for s in spans if _text(s).strip())


def _bold_lead(element, styles: dict[str, bool]) -> bool:
    """The paragraph opens with a bold run ending in a colon: "**Context:** text"."""
    spans = _spans(element)
    if not spans or (element.text or "").strip():
        return False
    first = spans[0]
    return styles.get(first.get(_q(TEXT, "style-name"), ""), False) and \
        _text(first).rstrip().endswith(":")


def _page_count(meta: bytes | None) -> int | None:
    """The page count LibreOffice saved in meta.xml's statistics, if any."""
    if not meta:
        return None
    found = etree.fromstring(meta, _PARSER).find(f".//{_q(META, 'document-statistic')}")
    count = found.get(_q(META, "page-count")) if found is not None else None
    return int(count) if count and count.isdigit() else None
