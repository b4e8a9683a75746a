"""OpenDocument text (.odt) sheets, as LibreOffice writes them, built in code with odfdo: read
natively, with comments, footnotes and deleted tracked text left out; bombs and entity
declarations refused with a clear message."""

from __future__ import annotations

import io
import zipfile

import pytest
from odfdo import Document, Header, List, Paragraph, Table

from importers.guard import sniff_format
from importers.parse import parse_bytes
from kb.core.errors import TooLarge, UnreadableFile

TITLE = "Neighbourhood mediators in Ghent"
CONTEXT = "Disputes between neighbours over noise and parking often ended with the police."
OBJECTIVES = "Settle disputes early, before they escalate."
ACTIVITIES = "Trained volunteers meet both parties and draw up an agreement."
EVALUATION = "Two thirds of the cases ended with an agreement that held after six months."


def odt(extra_paragraph: str | None = None) -> bytes:
    document = Document("text")
    document.body.clear()
    document.body.append(Paragraph(TITLE, style="Title"))
    facts = Table("Facts", width=2, height=3)
    for row, (label, value) in enumerate((("City", "Ghent"), ("Country", "Belgium"),
                                          ("Partners", "Police; Housing company"))):
        facts.set_value((0, row), label)
        facts.set_value((1, row), value)
    document.body.append(facts)
    for heading, text in (("Background", CONTEXT), ("Aims", OBJECTIVES),
                          ("What we did", ACTIVITIES), ("Costs", "EUR 40,000 a year."),
                          ("Outcomes", EVALUATION)):
        document.body.append(Header(1, heading))
        document.body.append(Paragraph(text))
    document.body.append(List(["first lesson", "second lesson"]))
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    return _with_content(data, lambda xml: xml.replace(
        b"<text:p>" + OBJECTIVES.encode(), extra_paragraph.encode() + b"<text:p>"
        + OBJECTIVES.encode())) if extra_paragraph else data


def _with_content(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "content.xml":
                content = change(content)
            target.writestr(info, content, compress_type=(
                zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED))
    return out.getvalue()


def test_an_odt_sheet_is_read_natively():
    data = odt()
    assert sniff_format(data, "ghent.odt") == "odt"
    record, _ = parse_bytes(data, "ghent.odt")
    assert record.title == TITLE
    assert (record.city, record.country, record.partners) == (
        "Ghent", "BE", ["Police", "Housing company"])
    assert (record.context, record.objectives, record.activities) == (
        CONTEXT, OBJECTIVES, ACTIVITIES)
    assert record.evaluation.startswith(EVALUATION)
    assert (record.budget.amount, record.budget.currency) == (40000, "EUR")
    assert record.source.format == "odt"


def test_comments_footnotes_and_deleted_text_are_not_the_sheet():
    comment = ('<text:p><office:annotation><dc:creator>Ann</dc:creator><text:p>CHECK THIS'
               '</text:p></office:annotation>Kept words<text:note text:note-class="footnote">'
               '<text:note-body><text:p>A FOOTNOTE</text:p></text:note-body></text:note>'
               '</text:p>')
    deleted = ('<text:tracked-changes><text:changed-region text:id="c1"><text:deletion>'
               '<text:p>DELETED WORDS</text:p></text:deletion></text:changed-region>'
               '</text:tracked-changes>')
    data = odt(deleted + comment)
    record, _ = parse_bytes(data, "ghent.odt")
    text = " ".join(filter(None, (record.context, record.objectives)))
    assert "Kept words" in text
    for hidden in ("CHECK THIS", "A FOOTNOTE", "DELETED WORDS"):
        assert hidden not in text


def test_an_odt_declaring_entities_is_refused():
    def with_entities(xml: bytes) -> bytes:
        head, rest = xml.split(b"?>", 1)
        return (head + b'?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
                + rest.replace(CONTEXT.encode(), b"&secret;"))

    with pytest.raises(UnreadableFile, match="declares XML entities"):
        parse_bytes(_with_content(odt(), with_entities), "evil.odt")


def test_an_odt_bomb_is_refused_before_it_is_inflated():
    data = _with_content(odt(), lambda xml: xml.replace(
        b"</office:text>", b"<text:p>" + b" " * 60_000_000 + b"</text:p></office:text>"))
    assert len(data) < 1_000_000
    with pytest.raises(TooLarge, match="expands"):
        parse_bytes(data, "bomb.odt")


def test_a_damaged_odt_gets_a_message_not_a_traceback():
    data = _with_content(odt(), lambda xml: xml[: len(xml) // 2])
    with pytest.raises(UnreadableFile, match="ghent.odt is damaged"):
        parse_bytes(data, "ghent.odt")
