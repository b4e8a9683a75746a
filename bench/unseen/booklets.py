"""Booklets of the unseen corpus's sheets, scored per sheet (issue 13).

A booklet is one file holding several sheets one after another, as a network's compendium:
here the four sheets of each language group of bench/unseen (eight booklets, 32 sheets), in
three families none of the importer's tests uses:

    booklet-pdf-factsheets   the sheets' fpdf2 fact sheets (pdf-factsheet) joined into one
                             PDF with pypdf, as a compendium assembled from separate files
    booklet-pdf-forms        the sheets' award entry forms (pdf-form-questions, reportlab)
                             joined the same way
    booklet-docx             one python-docx document: per sheet a Title, "Label: value"
                             facts, Heading 1 sections with other words, a page break

truth/ holds one record per sheet, named <booklet>--part<N>.json; bench/accuracy.py names a
booklet's N-th record the same way before scoring, so a booklet not split, or split in the
wrong places, scores its sheets as missing.

    python bench/unseen/booklets.py [--out DIR]       # writes DIR/corpus and DIR/truth
    python bench/accuracy.py --corpus bench/unseen/booklets
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

from docx.enum.text import WD_BREAK
from pypdf import PdfWriter

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (the unseen corpus's sheets, words and families)

FAMILIES = ("booklet-pdf-factsheets", "booklet-pdf-forms", "booklet-docx")
SHEETS_PER_BOOKLET = 4


def joined_pdf(sheet_pdfs: list[bytes]) -> bytes:
    writer = PdfWriter()
    for data in sheet_pdfs:
        writer.append(io.BytesIO(data))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def booklet_docx(sheets: list[dict], variant: int) -> bytes:
    document = generate._document()
    for number, sheet in enumerate(sheets):
        words = generate.WORDS[sheet["language"]]
        if number:
            document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
        document.add_paragraph(sheet["title"], style="Title")
        for key, value in generate.meta_values(sheet).items():
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{words[key]}: ").bold = True
            paragraph.add_run(value)
        for key in generate.SECTIONS:
            document.add_heading(generate.heading(sheet, key, variant + number), level=1)
            generate._section_paragraphs(document, sheet, key, bullet_style=True)
    return generate._save(document)


def render(out: Path) -> tuple[int, int]:
    corpus, truths = out / "corpus", out / "truth"
    for folder in (corpus, truths):
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
    sheets = generate.load()
    booklets = 0
    for index in range(0, len(sheets), SHEETS_PER_BOOKLET):
        group = sheets[index:index + SHEETS_PER_BOOKLET]
        family = FAMILIES[booklets % len(FAMILIES)]
        languages = "-".join(dict.fromkeys(sheet["language"] for _stem, sheet in group))
        name = f"compendium-{languages}-{booklets + 1}--{family}"
        if family == "booklet-docx":
            data, suffix = booklet_docx([sheet for _stem, sheet in group], index), ".docx"
        else:
            render_one = (generate.pdf_factsheet if family == "booklet-pdf-factsheets"
                          else generate.pdf_form_questions)
            data = joined_pdf([render_one(sheet, index + n) for n, (_stem, sheet)
                               in enumerate(group)])
            suffix = ".pdf"
        (corpus / f"{name}{suffix}").write_bytes(data)
        for part, (stem, sheet) in enumerate(group, start=1):
            record = generate.truth(stem, sheet, family, f"{name}--part{part}{suffix}")
            (truths / f"{name}--part{part}.json").write_text(
                json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        booklets += 1
    return booklets, len(sheets)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "booklets")
    args = parser.parse_args()
    booklets, sheets = render(args.out)
    print(f"{booklets} booklets of {sheets} sheets in {args.out / 'corpus'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
