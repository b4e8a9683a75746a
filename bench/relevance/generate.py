"""Render the relevance collection's sheets (sheets/*.json) as Word and PDF practice sheets.

The judged sheets are kept as content (JSON, one file per sheet, named by its stem) so that
they can be read and judged as text; the files `kb import` reads are rendered from them, in
six layouts of the kinds the network receives, so that the search is judged on records made
by the real importer from real-looking files, not on records we wrote ourselves:

    docx-headings  Word styles: Title, Heading 1 per section, List Bullet, "**Label:** value"
    docx-bold      no styles: bold title, bold numbered section labels ("2. Objectives"), "• "
    docx-table     one two-column table, label | value, for the title, metadata and sections
    docx-caps      metadata as "Label: value" lines in one paragraph, ALL-CAPS section labels
    pdf-flow       a report-style PDF: page footer, running header from page 2, bold headings
    pdf-table      a PDF with the metadata in a shaded label | value box under the title

Labels are written in the sheet's language; the theme line uses the network's theme labels
in that language (the submission form's checklist). Output is reproducible: fixed document
dates, reportlab's invariant mode.

    python bench/relevance/generate.py [--out DIR] [--only STEM,STEM]
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import sys
import zipfile
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.text import WD_BREAK
from docx.shared import Pt
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

HERE = Path(__file__).resolve().parent
SHEETS = HERE / "sheets"
RENDERED = HERE / "rendered"
SECTIONS = ("context", "objectives", "activities", "budget", "evaluation")
LAYOUTS = ("docx-headings", "docx-bold", "docx-table", "docx-caps", "pdf-flow", "pdf-table")
FIXED_DATE = datetime.datetime(2024, 1, 1, 12, 0, 0)

# Field and section labels as sheets in each language write them.
LABELS = {
    "en": {"title": "Title", "city": "City", "country": "Country",
           "organisation": "Lead organisation", "themes": "Themes", "period": "Period",
           "partners": "Partners", "target_groups": "Target groups", "contact": "Contact",
           "context": "Context", "objectives": "Objectives", "activities": "Activities",
           "budget": "Budget", "evaluation": "Evaluation"},
    "fr": {"title": "Titre", "city": "Ville", "country": "Pays",
           "organisation": "Porteur du projet", "themes": "Thématiques", "period": "Période",
           "partners": "Partenaires", "target_groups": "Publics cibles", "contact": "Contact",
           "context": "Contexte", "objectives": "Objectifs", "activities": "Actions menées",
           "budget": "Budget", "evaluation": "Évaluation"},
    "es": {"title": "Título", "city": "Ciudad", "country": "País",
           "organisation": "Entidad responsable", "themes": "Temas", "period": "Periodo",
           "partners": "Entidades colaboradoras", "target_groups": "Destinatarios",
           "contact": "Contacto", "context": "Contexto", "objectives": "Objetivos",
           "activities": "Actividades", "budget": "Presupuesto", "evaluation": "Evaluación"},
    "it": {"title": "Titolo", "city": "Città", "country": "Paese",
           "organisation": "Ente promotore", "themes": "Temi", "period": "Periodo",
           "partners": "Partner del progetto", "target_groups": "Destinatari",
           "contact": "Contatto", "context": "Contesto", "objectives": "Obiettivi",
           "activities": "Attività", "budget": "Budget", "evaluation": "Valutazione"},
    "de": {"title": "Titel", "city": "Stadt", "country": "Land", "organisation": "Träger",
           "themes": "Themen", "period": "Laufzeit", "partners": "Kooperationspartner",
           "target_groups": "Zielgruppen", "contact": "Kontakt", "context": "Ausgangslage",
           "objectives": "Ziele", "activities": "Maßnahmen", "budget": "Finanzierung",
           "evaluation": "Evaluation"},
    "pt": {"title": "Título", "city": "Cidade", "country": "País",
           "organisation": "Entidade promotora", "themes": "Temas", "period": "Período",
           "partners": "Parceiros", "target_groups": "Público-alvo", "contact": "Contacto",
           "context": "Contexto", "objectives": "Objetivos", "activities": "Atividades",
           "budget": "Orçamento", "evaluation": "Avaliação"},
    "nl": {"title": "Titel", "city": "Gemeente", "country": "Land",
           "organisation": "Organisatie", "themes": "Thema's", "period": "Looptijd",
           "partners": "Samenwerkingspartners", "target_groups": "Doelgroepen",
           "contact": "Contactpersoon", "context": "Aanleiding", "objectives": "Doelstellingen",
           "activities": "Aanpak", "budget": "Begroting", "evaluation": "Evaluatie"},
}
META = ("city", "country", "organisation", "themes", "period", "partners", "target_groups",
        "contact")


def load_sheets(only: set[str] | None = None) -> dict[str, dict]:
    """Every sheet's content by stem, in stem order."""
    sheets = {}
    for path in sorted(SHEETS.glob("*.json")):
        if not only or path.stem in only:
            sheets[path.stem] = json.loads(path.read_text("utf-8"))
    return sheets


def theme_labels(language: str) -> dict[str, str]:
    """Theme id -> its label in `language`, from the network's theme vocabulary."""
    data = json.loads(resources.files("kb.core").joinpath("data/themes.json").read_text("utf-8"))
    return {t["id"]: t["labels"].get(language) or t["labels"]["en"] for t in data["themes"]}


def meta_lines(sheet: dict) -> list[tuple[str, str, str]]:
    """(key, label, value) of each metadata line, as the sheet shows it."""
    labels = LABELS[sheet["language"]]
    themes = theme_labels(sheet["language"])
    lines = []
    for key in META:
        value = sheet.get(key)
        if key == "themes":
            value = "; ".join(themes[t] for t in value)
        elif key == "contact":
            value = f"{value['name']} – {value['email']}" if value else None
        elif isinstance(value, list):
            value = "; ".join(value)
        if value:
            lines.append((key, labels[key], value))
    return lines


def blocks(text: str) -> list[tuple[str, str]]:
    """The section markup: one paragraph per line, "- " starts a bullet item."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("- "):
            out.append(("li", line[2:].strip()))
        elif line:
            out.append(("p", line))
    return out


# ------------------------------------------------------------------------------------ Word
def _new_document() -> Document:
    doc = Document()
    props = doc.core_properties
    props.author = "Practice sheet editor"
    props.created = props.modified = FIXED_DATE
    props.last_modified_by = "Practice sheet editor"
    props.revision = 1
    return doc


def _save(doc, path: Path) -> None:
    """Save with fixed zip member dates, so that a rerun writes the same bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=FIXED_DATE.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(member.filename))


def _label_paragraph(doc, label: str, value: str) -> None:
    p = doc.add_paragraph()
    p.add_run(label + ": ").bold = True
    p.add_run(value)


def _add_blocks(container, text: str, bullet: str | None) -> None:
    """Paragraphs and bullets; bullet None means the List Bullet style, else a typed glyph."""
    for kind, value in blocks(text):
        if kind == "p":
            container.add_paragraph(value)
        elif bullet is None:
            container.add_paragraph(value, style="List Bullet")
        else:
            container.add_paragraph(f"{bullet} {value}")


def docx_headings(sheet: dict, path: Path) -> None:
    doc = _new_document()
    doc.add_heading(sheet["title"], 0)
    for _, label, value in meta_lines(sheet):
        _label_paragraph(doc, label, value)
    labels = LABELS[sheet["language"]]
    for key in SECTIONS:
        doc.add_heading(labels[key], 1)
        _add_blocks(doc, sheet["sections"][key], bullet=None)
    _save(doc, path)


def docx_bold(sheet: dict, path: Path) -> None:
    doc = _new_document()
    run = doc.add_paragraph().add_run(sheet["title"])
    run.bold = True
    run.font.size = Pt(16)
    for _, label, value in meta_lines(sheet):
        _label_paragraph(doc, label, value)
    labels = LABELS[sheet["language"]]
    for number, key in enumerate(SECTIONS, 1):
        doc.add_paragraph().add_run(f"{number}. {labels[key]}").bold = True
        _add_blocks(doc, sheet["sections"][key], bullet="•")
    _save(doc, path)


def docx_table(sheet: dict, path: Path) -> None:
    doc = _new_document()
    labels = LABELS[sheet["language"]]
    meta = meta_lines(sheet)
    table = doc.add_table(rows=1 + len(meta) + len(SECTIONS), cols=2)
    table.style = "Table Grid"
    table.cell(0, 0).paragraphs[0].add_run(labels["title"]).bold = True
    table.cell(0, 1).paragraphs[0].add_run(sheet["title"]).bold = True
    row = 1
    for key, label, value in meta:
        table.cell(row, 0).paragraphs[0].add_run(label).bold = True
        items = sheet[key] if key in ("partners", "target_groups") else [value]
        cell = table.cell(row, 1)
        cell.paragraphs[0].add_run(items[0])
        for item in items[1:]:  # one item per paragraph, as people fill such cells
            cell.add_paragraph(item)
        row += 1
    for key in SECTIONS:
        table.cell(row, 0).paragraphs[0].add_run(labels[key]).bold = True
        cell = table.cell(row, 1)
        first = True
        for kind, value in blocks(sheet["sections"][key]):
            if first:
                paragraph = cell.paragraphs[0]
                paragraph.add_run(value)
                if kind == "li":
                    paragraph.style = "List Bullet"
                first = False
            else:
                cell.add_paragraph(value, style="List Bullet" if kind == "li" else None)
        row += 1
    _save(doc, path)


def docx_caps(sheet: dict, path: Path) -> None:
    doc = _new_document()
    doc.add_paragraph().add_run(sheet["title"]).bold = True
    header = doc.add_paragraph()
    meta = meta_lines(sheet)
    for i, (_, label, value) in enumerate(meta):
        run = header.add_run(f"{label}: {value}")
        if i < len(meta) - 1:
            run.add_break(WD_BREAK.LINE)
    doc.add_paragraph("_" * 40)
    labels = LABELS[sheet["language"]]
    for key in SECTIONS:
        doc.add_paragraph(labels[key].upper())
        _add_blocks(doc, sheet["sections"][key], bullet="-")
    _save(doc, path)


# ------------------------------------------------------------------------------------ PDF
_BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13.5, spaceAfter=4)
_BULLET = ParagraphStyle("bullet", parent=_BODY, leftIndent=14, bulletIndent=3, spaceAfter=2)
_HEAD = ParagraphStyle("head", fontName="Helvetica-Bold", fontSize=12.5, leading=16,
                       spaceBefore=9, spaceAfter=4)
_TITLE = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=16, leading=20,
                        spaceAfter=10)
_META = ParagraphStyle("meta", parent=_BODY, fontSize=9.5, leading=12.5, spaceAfter=1)


def _pdf_sections(sheet: dict) -> list:
    labels = LABELS[sheet["language"]]
    story = []
    for key in SECTIONS:
        story.append(Paragraph(escape(labels[key]), _HEAD))
        for kind, value in blocks(sheet["sections"][key]):
            if kind == "p":
                story.append(Paragraph(escape(value), _BODY))
            else:
                story.append(Paragraph(escape(value), _BULLET, bulletText="•"))
    return story


def _pdf_build(path: Path, story: list, header: str | None) -> None:
    def decorate(canvas, doc, with_header: bool):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.grey)
        if header and with_header:
            canvas.drawString(2.2 * cm, A4[1] - 1.4 * cm, header)
        canvas.drawCentredString(A4[0] / 2, 1.2 * cm, f"Page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=2.2 * cm, rightMargin=2.2 * cm,
                            topMargin=2.2 * cm, bottomMargin=2.0 * cm, title="Practice sheet",
                            author="Practice sheet editor", invariant=True)
    # The running header starts on page 2: on a one-page sheet the importer takes a lone
    # header line above the title for the title (reported), which this benchmark of search,
    # not of import, should not inherit.
    doc.build(story, onFirstPage=lambda c, d: decorate(c, d, False),
              onLaterPages=lambda c, d: decorate(c, d, True))


def pdf_flow(sheet: dict, path: Path) -> None:
    story = [Paragraph(escape(sheet["title"]), _TITLE)]
    for _, label, value in meta_lines(sheet):
        story.append(Paragraph(f"<b>{escape(label)}:</b> {escape(value)}", _META))
    story.append(Spacer(1, 6))
    _pdf_build(path, story + _pdf_sections(sheet), header="Practice sheet")


def pdf_table(sheet: dict, path: Path) -> None:
    label_style = ParagraphStyle("label", parent=_META, fontName="Helvetica-Bold")
    rows = [[Paragraph(escape(label), label_style), Paragraph(escape(value), _META)]
            for _, label, value in meta_lines(sheet)]
    box = Table(rows, colWidths=[4.0 * cm, A4[0] - 4.4 * cm - 4.0 * cm])
    box.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#1f4e79")),
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#eef3f8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [Paragraph(escape(sheet["title"]), _TITLE), box, Spacer(1, 8)]
    _pdf_build(path, story + _pdf_sections(sheet), header=None)


RENDERERS = {"docx-headings": (docx_headings, ".docx"), "docx-bold": (docx_bold, ".docx"),
             "docx-table": (docx_table, ".docx"), "docx-caps": (docx_caps, ".docx"),
             "pdf-flow": (pdf_flow, ".pdf"), "pdf-table": (pdf_table, ".pdf")}


def rendered_path(stem: str, sheet: dict, out: Path = RENDERED) -> Path:
    return out / (stem + RENDERERS[sheet["layout"]][1])


def render(out: Path = RENDERED, only: set[str] | None = None) -> list[Path]:
    """Render every sheet (or those in `only`) into `out`; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, sheet in load_sheets(only).items():
        function, _ = RENDERERS[sheet["layout"]]
        path = rendered_path(stem, sheet, out)
        function(sheet, path)
        written.append(path)
    return written


def stale(out: Path = RENDERED) -> bool:
    """True when a sheet has no rendered file, or its content or this script is newer."""
    newest_source = max([Path(__file__).stat().st_mtime] +
                        [p.stat().st_mtime for p in SHEETS.glob("*.json")])
    for stem, sheet in load_sheets().items():
        path = rendered_path(stem, sheet, out)
        if not path.exists() or path.stat().st_mtime < newest_source:
            return True
    expected = {rendered_path(s, sh, out).name for s, sh in load_sheets().items()}
    return any(p.name not in expected for p in out.glob("*") if p.suffix in (".docx", ".pdf"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RENDERED, help="folder for the files")
    parser.add_argument("--only", default="", help="comma-separated stems")
    args = parser.parse_args(argv)
    only = {s for s in args.only.split(",") if s} or None
    if not only:  # a full render leaves no file of a sheet that was renamed or removed
        for old in args.out.glob("*"):
            if old.suffix in (".docx", ".pdf"):
                old.unlink()
    written = render(args.out, only)
    print(f"rendered {len(written)} sheets into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
