"""Demo sheets and their rendering: every layout opens and carries the sheet's text and shape."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from pypdf import PdfReader

from tests.samples import generate, render_pdf
from tests.samples.render import LAYOUTS, extension, render
from tests.samples.sheets import (LABELS, LANGUAGES, SHEETS, STANDARD_SECTIONS, item_texts, labels_for,
                               meta_fields, meta_lines, section_list, sheet, word_count)
from kb.core.themes import theme_ids

SHEET_IDS = [s["id"] for s in SHEETS]
DOCX_LAYOUTS = [layout for layout in LAYOUTS if extension(layout) == ".docx"]
PDF_LAYOUTS = [layout for layout in LAYOUTS if extension(layout) == ".pdf"]


# --------------------------------------------------------------------------- reading files back

def docx_paragraphs(data: bytes) -> list[Paragraph]:
    """Every paragraph in reading order, including those inside (nested) table cells."""
    doc = Document(io.BytesIO(data))
    return [Paragraph(p, doc) for p in doc.element.body.iter(qn("w:p"))]


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def extracted_text(data: bytes, layout: str) -> str:
    if extension(layout) == ".docx":
        return "\n".join(p.text for p in docx_paragraphs(data))
    return "\n".join(pdf_pages(data))


def norm(text: str) -> str:
    """Case-folded text with hyphenated line ends joined, hyphens dropped, whitespace collapsed."""
    text = re.sub(r"-\s*\n", "", text).replace("-", "")
    return " ".join(text.casefold().split())


def first_words(items: list, count: int = 6) -> str:
    return " ".join(item_texts(items)[0].split()[:count])


# --------------------------------------------------------------------------- every layout, every sheet

@pytest.mark.parametrize("sheet_id", SHEET_IDS)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_rendered_file_opens_and_holds_the_sheet_text(layout, sheet_id):
    demo = sheet(sheet_id)
    data = render(demo, layout)
    text = norm(extracted_text(data, layout))

    assert_holds_sheet_text(text, demo)


def assert_holds_sheet_text(text: str, demo: dict) -> None:
    """The normalised `text` has the sheet's title, metadata, section labels and openings, e-mail."""
    labels = labels_for(demo)
    assert norm(demo["title"]) in text
    for _, label, value in meta_fields(demo, labels):
        assert norm(label) in text
        for part in value if isinstance(value, list) else [value]:
            assert norm(part) in text, (label, part)
    for _, heading, items in section_list(demo, labels):
        assert norm(heading) in text
        assert norm(first_words(items)) in text, heading
    contact = demo["expected"]["contact"]
    if contact and contact["email"]:
        assert norm(contact["email"]) in text


def test_extension_names_the_format_and_refuses_unknown_layouts():
    assert DOCX_LAYOUTS == ["docx-styles", "docx-bold-inline", "docx-numbered", "docx-caps", "docx-table"]
    assert PDF_LAYOUTS == ["pdf-flow", "pdf-report", "pdf-two-column", "pdf-table"]
    with pytest.raises(ValueError, match="docx-styles"):
        extension("docx-fancy")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_rendering_is_deterministic(layout):
    demo = sheet("demo05")
    assert render(demo, layout) == render(demo, layout)


def test_labels_of_another_language_replace_the_sheet_s_own():
    data = render(sheet("demo01"), "docx-styles", labels=LABELS["fr"])
    text = extracted_text(data, "docx-styles")
    assert "Objectifs" in text and "Publics cibles: " in text
    assert "Objectives" not in text and "Target groups" not in text


def test_pdf_text_keeps_accents_and_the_euro_sign():
    text = extracted_text(render(sheet("demo08"), "pdf-flow"), "pdf-flow")
    assert "Land: Österreich" in text
    assert "95.000 € pro Jahr" in text
    assert "Maßnahmen" in text
    assert "España" in extracted_text(render(sheet("demo04"), "pdf-table"), "pdf-table")


# --------------------------------------------------------------------------- Word layouts

def test_docx_styles_uses_title_heading_and_list_styles():
    demo = sheet("demo05")
    paragraphs = docx_paragraphs(render(demo, "docx-styles"))
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    bullets = [p for p in paragraphs if p.style.name == "List Bullet"]

    assert paragraphs[0].style.name == "Title" and paragraphs[0].text == demo["title"]
    assert headings == [heading for _, heading, _ in section_list(demo, labels_for(demo))]
    assert len(bullets) == sum(1 for items in demo["sections"].values()
                               for item in items if item[0] == "bullet")
    city = next(p for p in paragraphs if p.text == "Ciudad: Bilbao")
    assert city.runs[0].bold and city.runs[0].text == "Ciudad: "
    table = Document(io.BytesIO(render(demo, "docx-styles"))).tables[0]
    assert [c.text for c in table.rows[-1].cells] == ["Total", "86.500 €"]


def test_docx_bold_inline_puts_label_and_first_paragraph_together():
    demo = sheet("demo04")
    paragraphs = docx_paragraphs(render(demo, "docx-bold-inline"))
    context = next(p for p in paragraphs if p.text.startswith("Contexto: "))
    assert context.runs[0].bold and context.runs[0].text == "Contexto: "
    assert context.text == "Contexto: " + demo["sections"]["context"][0]
    assert all(p.style.name == "Normal" for p in paragraphs)
    assert any(p.text.startswith("\u2022 Prevenir el acoso") for p in paragraphs)


def test_docx_numbered_puts_activities_first():
    demo = sheet("demo10")
    paragraphs = docx_paragraphs(render(demo, "docx-numbered"))
    numbered = [p for p in paragraphs if re.match(r"\d+\. ", p.text)]
    assert [p.text for p in numbered] == ["1. Activities", "2. Context", "3. Objectives", "4. Budget",
                                          "5. Evaluation"]
    assert all(p.runs[0].bold for p in numbered)
    assert "Duration: 3 years from March 2018" in [p.text for p in paragraphs]


def test_docx_caps_has_one_metadata_block_and_plain_caps_labels():
    demo = sheet("demo05")
    data = render(demo, "docx-caps")
    paragraphs = docx_paragraphs(data)
    block = paragraphs[1]
    assert len(block._p.findall(".//" + qn("w:br"))) == len(meta_lines(demo, labels_for(demo))) - 1
    assert block.text.splitlines()[0] == "Ciudad: Bilbao"
    assert paragraphs[2].text.startswith("_____")
    label = next(p for p in paragraphs if p.text == "LECCIONES APRENDIDAS")
    assert not any(run.bold for run in label.runs)
    assert "Total\t86.500 €" in [p.text for p in paragraphs]
    assert any(p.text.startswith("- Sensibilizar") for p in paragraphs)
    assert Document(io.BytesIO(data)).tables == []


def test_docx_table_holds_everything_in_one_two_column_table():
    demo = sheet("demo07")
    doc = Document(io.BytesIO(render(demo, "docx-table")))
    labels = labels_for(demo)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert len(table.columns) == 2
    assert len(table.rows) == 1 + len(meta_lines(demo, labels)) + len(demo["sections"])
    assert [table.cell(0, 0).text, table.cell(0, 1).text] == ["Titel", demo["title"]]
    partners = next(row for row in table.rows if row.cells[0].text == "Partner").cells[1]
    assert [p.text for p in partners.paragraphs] == demo["meta"]["partners"]
    assert {p.style.name for p in partners.paragraphs} == {"List Bullet"}


# --------------------------------------------------------------------------- PDF layouts

@pytest.mark.parametrize("sheet_id", SHEET_IDS)
def test_pdf_report_has_running_header_and_page_footer_on_every_page(sheet_id):
    pages = pdf_pages(render(sheet(sheet_id), "pdf-report"))
    assert len(pages) >= 2
    for number, text in enumerate(pages, 1):
        assert "Practice sheet" in text
        assert f"Page {number} / {len(pages)}" in text


@pytest.mark.parametrize("sheet_id", ["demo03", "demo09"])
def test_pdf_report_hyphenates_long_words_at_line_ends(sheet_id):
    demo = sheet(sheet_id)
    # Page by page: a word broken across a page break continues after the running header.
    breaks = [found for page in pdf_pages(render(demo, "pdf-report"))
              for found in re.findall(r"(\w{3,})-\n(\w{4,})", page)]
    body = " ".join(" ".join(item_texts(items)) for items in demo["sections"].values())
    assert breaks
    assert all(head + tail in body for head, tail in breaks)


def _fragments(page) -> list[tuple[float, float, str]]:
    """(x, y, text) of every piece of text drawn on a PDF page."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((x, y, text.strip()))

    page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("sheet_id", SHEET_IDS)
def test_pdf_two_column_body_fills_both_columns(sheet_id):
    demo = sheet(sheet_id)
    page = PdfReader(io.BytesIO(render(demo, "pdf-two-column"))).pages[0]
    middle = float(page.mediabox.width) / 2
    sections = section_list(demo, labels_for(demo))
    body = norm(" ".join(heading + " " + " ".join(item_texts(items)) for _, heading, items in sections))
    fragments = _fragments(page)
    # From the first section heading down, above the page-number footer.
    top = max(y for x, y, text in fragments if text == sections[0][1])
    lines = [(x, text) for x, y, text in fragments if 50 < y <= top and len(text) > 12]
    left = [text for x, text in lines if x < middle]
    right = [text for x, text in lines if x > middle]
    assert len(left) > 10 and len(right) > 5
    assert all(norm(text) in body for text in right)
    assert norm(first_words(demo["sections"]["context"])) in norm(" ".join(left))


@pytest.fixture
def without_dejavu(monkeypatch):
    """PDFs rendered as on a machine without the DejaVu fonts (built-in Helvetica)."""
    monkeypatch.setattr(render_pdf, "FONT_DIR", Path("/nonexistent/fonts"))
    render_pdf.fonts.cache_clear()
    yield
    render_pdf.fonts.cache_clear()


@pytest.mark.parametrize("layout", PDF_LAYOUTS)
def test_pdf_text_comes_out_right_with_the_built_in_font(without_dejavu, layout):
    assert render_pdf.fonts().regular == "Helvetica"
    for sheet_id in ("demo04", "demo05", "demo08"):
        demo = sheet(sheet_id)
        text = extracted_text(render(demo, layout), layout)
        assert_holds_sheet_text(norm(text), demo)
        assert "\x7f" not in text
    assert "Österreich" in text and "95.000 € pro Jahr" in text and "Maßnahmen" in text


@pytest.mark.parametrize("layout", ["pdf-flow", "pdf-table"])
def test_pdf_bullets_come_out_as_bullet_glyphs(layout):
    bullet = render_pdf.fonts().bullet  # "•", or "-" with the built-in font
    text = extracted_text(render(sheet("demo01"), layout), layout)
    assert f"{bullet} Give people who are vulnerable" in text.replace(f"{bullet}\n", f"{bullet} ")


# --------------------------------------------------------------------------- the demo sheets

def test_every_language_has_a_demo_sheet_and_labels():
    assert {s["language"] for s in SHEETS} == set(LANGUAGES)
    assert set(LABELS) == set(LANGUAGES)
    keys = set(LABELS["en"])
    assert {"title", "city", "country", "budget_label", *STANDARD_SECTIONS} <= keys
    assert all(set(words) == keys for words in LABELS.values())


def test_demo_sheets_are_distinct_and_cover_every_layout():
    assert len(SHEETS) == 12 and len(set(SHEET_IDS)) == 12
    assert len({s["slug"] for s in SHEETS}) == 12
    assert {s["layout"] for s in SHEETS} == set(LAYOUTS)
    assert sorted(extension(s["layout"]) for s in SHEETS) == [".docx"] * 6 + [".pdf"] * 6


@pytest.mark.parametrize("sheet_id", SHEET_IDS)
def test_demo_sheet_content_and_expected_record_agree(sheet_id):
    demo = sheet(sheet_id)
    expected = demo["expected"]
    assert 350 <= word_count(demo) <= 600
    assert expected["themes"] and set(expected["themes"]) <= set(theme_ids())
    assert re.fullmatch(r"[A-Z]{2}", expected["country"])
    assert expected["language"] == demo["language"]
    assert expected["title"] == demo["title"]
    assert expected["city"] == demo["meta"]["city"]
    assert expected["organisation"] == demo["meta"]["organisation"]
    assert str(expected["start_year"]) in demo["meta"]["period"]
    assert expected["partners"] == demo["meta"]["partners"]
    assert expected["target_groups"] == demo["meta"]["target_groups"]
    assert expected["extra_sections"] == [k for k in demo["sections"] if k not in STANDARD_SECTIONS]
    assert list(demo["sections"])[:3] == ["context", "objectives", "activities"]
    assert {"budget", "evaluation"} <= set(demo["sections"])
    assert len(demo["sections"]["context"]) == 2
    assert 3 <= sum(item[0] == "bullet" for item in demo["sections"]["objectives"]) <= 5
    contact = demo["meta"]["contact"]
    if contact is None:
        assert expected["contact"] is None
    else:
        assert expected["contact"]["email"] in contact
        assert re.fullmatch(r"[\w.-]+@[\w.-]+\.example\.[a-z.]+", expected["contact"]["email"])
        assert expected["contact"]["name"] is None or contact.startswith(expected["contact"]["name"])
    if expected["budget"] is not None:
        assert expected["budget"]["amount"] > 0 and re.fullmatch(r"[A-Z]{3}", expected["budget"]["currency"])


def test_demo_set_varies_the_hard_cases():
    expected = [s["expected"] for s in SHEETS]
    assert sum(e["budget"] is None for e in expected) >= 1
    assert sum(e["contact"] is None for e in expected) >= 1
    assert sum(e["contact"] is not None and e["contact"]["name"] is None for e in expected) >= 1
    assert sum(e["end_year"] is None for e in expected) >= 3
    assert sum(bool(e["extra_sections"]) for e in expected) >= 3
    assert {e["budget"]["currency"] for e in expected if e["budget"]} >= {"EUR", "GBP", "CHF"}
    assert any(item[0] == "table" for s in SHEETS for item in s["sections"]["budget"])


def test_sheet_returns_a_copy_and_names_unknown_ids():
    sheet("demo01")["meta"]["city"] = "Elsewhere"
    assert sheet("demo01")["meta"]["city"] == "Bristol"
    with pytest.raises(KeyError, match="demo01"):
        sheet("demo99")


# --------------------------------------------------------------------------- generate

def test_generate_writes_the_committed_demo_files(tmp_path):
    (tmp_path / "demo99-renamed.pdf").write_bytes(b"stale")
    (tmp_path / "notes.txt").write_text("kept")
    written = generate.write_all(tmp_path)

    names = sorted(path.name for path in written)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names + ["notes.txt"])
    assert names == sorted(generate.filename(s) for s in SHEETS)
    assert "demo01-night-safe-haven-bristol.docx" in names


def test_committed_demo_files_match_the_current_sheets():
    committed = generate.FILES_DIR
    assert sorted(p.name for p in committed.iterdir()) == sorted(generate.filename(s) for s in SHEETS)
    for demo in SHEETS:
        data = (committed / generate.filename(demo)).read_bytes()
        # Byte equality would depend on library versions and fonts; the text must be current.
        assert_holds_sheet_text(norm(extracted_text(data, demo["layout"])), demo)


def test_generate_command_line(tmp_path, capsys):
    assert generate.main([str(tmp_path)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 12
    assert generate.main(["a", "b"]) == 2
