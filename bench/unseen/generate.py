"""A scored corpus of sheets in layouts and wordings the importer was not written for (issue 13).

Content: 28 sheets of the judged collection (bench/relevance/sheets, four per language) and
four written here in Polish and Swedish (polish_swedish.json). Each sheet is rendered in two
of nine layout families, none of them one of the seven layouts of ../shared/samples or of
tests/samples, with more than one tool:

    pdf-canvas-plain    reportlab canvas, one font and size: headings are plain lines,
                        key facts as "Key: value" lines at the END of the document
    pdf-fpdf-sidebar    fpdf2: a grey side box of key facts left, body text right
    pdf-form-questions  reportlab platypus: an award entry form, numbered questions in bold
                        with the answers below, facts as questions too
    pdf-raw-colon       PDF operators written by hand (Courier): headings end with a colon
    docx-gdocs          python-docx, no styles: title and headings as larger bold runs (a
                        Google Docs export), a header table holding a logo text and the title
    docx-form-table     python-docx: an application form, one table of question | answer
    docx-end-table      python-docx: Heading 2 with other words for the sections, a table
                        of contents, metadata as a key | value table at the end
    pdf-factsheet       fpdf2: a coloured title band, a key facts box of two columns of
                        "Label value" cells, headings in a larger non-bold size
    odt-writer          odfdo (OpenDocument text, as LibreOffice writes): outline headings
                        with other words, facts as a key | value table after the title

Section headings use other words than the samples (Background, Aims, What we did, Costs,
Outcomes ... and their equivalents), differently in each family. Beside each file, in
truth/, the record a perfect importer gives, in ../shared/samples/score.py's format.

    python bench/unseen/generate.py [--out DIR]      # writes DIR/corpus and DIR/truth
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import sys
import zipfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.shared import Pt
from fpdf import FPDF
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
RELEVANCE = REPO / "bench" / "relevance" / "sheets"
FONTS = Path("/usr/share/fonts/truetype/dejavu")
FIXED_DATE = datetime.datetime(2024, 1, 1, 12, 0, 0)
SECTIONS = ("context", "objectives", "activities", "budget", "evaluation")
# Reference rates of ../shared/samples (score.py allows 5 % between implementations).
RATES = {"EUR": 1, "GBP": 1.17, "USD": 0.92, "CHF": 1.05, "SEK": 0.088, "PLN": 0.23}

# stem -> (start, end, budget amount, currency): read by a person from the sheet's period and
# budget text (the first figure stated, or the total when one is stated).
CHOSEN = {
    "de-dortmund-ausstieg-rechtsextremismus": (2012, None, 260000, "EUR"),
    "de-hamburg-fanprojekt": (1983, None, 450000, "EUR"),
    "de-hannover-taeter-opfer-ausgleich": (1992, None, 520000, "EUR"),
    "de-zuerich-sextortion-jugendliche": (2019, None, 120000, "CHF"),
    "en-cork-prison-leavers": (2016, None, 480000, "EUR"),
    "en-glasgow-hospital-navigators": (2015, None, 350000, "GBP"),
    "en-helsinki-exit-far-right": (2018, 2022, 290000, "EUR"),
    "en-tallinn-cyber-smes": (2020, 2022, 210000, "EUR"),
    "es-barcelona-ocio-nocturno-mediadores": (2016, None, 650000, "EUR"),
    "es-getafe-mediacion-vecinal": (2010, None, 210000, "EUR"),
    "es-murcia-justicia-restaurativa-menores": (2014, None, 160000, "EUR"),
    "es-vitoria-urbanismo-genero": (2015, 2019, 550000, "EUR"),
    "fr-geneve-seniors-arnaques-internet": (2020, None, 85000, "CHF"),
    "fr-lille-violences-conjugales-hebergement": (2019, None, 1250000, "EUR"),
    "fr-lyon-correspondants-de-nuit": (2011, None, 540000, "EUR"),
    "fr-strasbourg-harcelement-transports": (2018, 2022, 720000, "EUR"),
    "it-bari-calcio-sociale": (2016, None, 70000, "EUR"),
    "it-genova-centro-antiviolenza": (2010, None, 380000, "EUR"),
    "it-padova-mediazione-sociale": (2015, None, 95000, "EUR"),
    "it-torino-videosorveglianza-illuminazione": (2018, 2021, 980000, "EUR"),
    "nl-amsterdam-nachtburgemeester-hosts": (2014, None, 250000, "EUR"),
    "nl-groningen-buurtbemiddeling": (2008, None, 180000, "EUR"),
    "nl-mechelen-polarisatie-jongeren": (2014, None, 350000, "EUR"),
    "nl-eindhoven-stratumseind-living-lab": (2014, 2020, 1200000, "EUR"),
    "pt-amadora-boxe-jovens": (2013, None, 55000, "EUR"),
    "pt-coimbra-violencia-domestica": (2012, None, 410000, "EUR"),
    "pt-faro-videovigilancia-centro": (2019, 2021, 650000, "EUR"),
    "pt-setubal-reinsercao-reclusos": (2017, 2021, 750000, "EUR"),
}
COUNTRIES = {"Deutschland": "DE", "Schweiz": "CH", "Ireland": "IE", "Scotland (UK)": "GB",
             "Finland": "FI", "Estonia": "EE", "España": "ES", "Suisse": "CH", "France": "FR",
             "Italia": "IT", "Nederland": "NL", "België": "BE", "Portugal": "PT",
             "Polska": "PL", "Sverige": "SE"}

# How each family words the sections and facts, per language: other words than the samples.
WORDS = {
    "en": {"context": ["Background", "The problem", "Situation"],
           "objectives": ["Aims", "Goals", "Purpose"],
           "activities": ["What we did", "Approach", "Implementation"],
           "budget": ["Costs", "Funding", "Costs and funding"],
           "evaluation": ["Outcomes", "Results and evaluation", "Impact"],
           "q": ["What problem did the project address?", "What were its aims?",
                 "Please describe the activities", "How much did it cost and who paid?",
                 "How was it evaluated and what were the results?"],
           "city": "Municipality", "country": "Country", "organisation": "Lead applicant",
           "themes": "Thematic area", "period": "Project period", "partners": "Key partners",
           "target_groups": "Beneficiaries", "contact": "Contact person",
           "qmeta": ["Which city or municipality?", "In which country?",
                     "Which organisation led the project?", "Which themes does it address?",
                     "When did it run?", "Who were the partners?", "Who was it for?",
                     "Who can be contacted?"]},
    "fr": {"context": ["Constat", "Problématique", "Contexte et enjeux"],
           "objectives": ["Buts", "Finalités", "Objectifs poursuivis"],
           "activities": ["Démarche", "Mise en œuvre", "Actions réalisées"],
           "budget": ["Coût", "Financement", "Moyens financiers"],
           "evaluation": ["Résultats", "Bilan", "Impact"],
           "q": ["À quel problème le projet répondait-il ?", "Quels étaient ses objectifs ?",
                 "Décrivez les actions menées", "Combien a-t-il coûté et qui l'a financé ?",
                 "Comment a-t-il été évalué ?"],
           "city": "Commune", "country": "Pays", "organisation": "Structure porteuse",
           "themes": "Domaines", "period": "Calendrier", "partners": "Principaux partenaires",
           "target_groups": "Bénéficiaires", "contact": "Personne de contact",
           "qmeta": ["Dans quelle ville ?", "Dans quel pays ?", "Quelle structure porte le projet ?",
                     "Quels thèmes ?", "Depuis quand ?", "Quels sont les partenaires ?",
                     "À qui s'adresse-t-il ?", "Qui contacter ?"]},
    "es": {"context": ["Antecedentes", "Problema", "Situación de partida"],
           "objectives": ["Metas", "Finalidad", "Objetivos del proyecto"],
           "activities": ["Metodología", "Desarrollo", "Acciones realizadas"],
           "budget": ["Costes", "Financiación", "Recursos económicos"],
           "evaluation": ["Resultados", "Impacto", "Evaluación y resultados"],
           "q": ["¿Qué problema abordaba el proyecto?", "¿Cuáles eran sus objetivos?",
                 "Describa las actividades", "¿Cuánto costó y quién lo financió?",
                 "¿Cómo se evaluó?"],
           "city": "Municipio", "country": "País", "organisation": "Entidad promotora",
           "themes": "Ámbito", "period": "Fechas", "partners": "Socios del proyecto",
           "target_groups": "Beneficiarios", "contact": "Persona de contacto",
           "qmeta": ["¿En qué ciudad?", "¿En qué país?", "¿Qué entidad lo promueve?",
                     "¿Qué temas aborda?", "¿Desde cuándo?", "¿Quiénes son los socios?",
                     "¿A quién se dirige?", "¿A quién contactar?"]},
    "it": {"context": ["Premessa", "Il problema", "Analisi del contesto"],
           "objectives": ["Finalità", "Scopi", "Obiettivi del progetto"],
           "activities": ["Metodologia", "Realizzazione", "Attività svolte"],
           "budget": ["Costi", "Finanziamento", "Risorse finanziarie"],
           "evaluation": ["Risultati", "Impatto", "Valutazione e risultati"],
           "q": ["Quale problema affrontava il progetto?", "Quali erano gli obiettivi?",
                 "Descrivere le attività", "Quanto è costato e chi lo ha finanziato?",
                 "Come è stato valutato?"],
           "city": "Comune", "country": "Paese", "organisation": "Capofila",
           "themes": "Ambiti", "period": "Durata", "partners": "Soggetti coinvolti",
           "target_groups": "Beneficiari", "contact": "Referente",
           "qmeta": ["In quale città?", "In quale paese?", "Quale ente lo promuove?",
                     "Quali temi?", "Da quando?", "Chi sono i partner?", "A chi si rivolge?",
                     "Chi contattare?"]},
    "de": {"context": ["Hintergrund", "Problemstellung", "Ausgangssituation"],
           "objectives": ["Zielsetzung", "Projektziele", "Zweck"],
           "activities": ["Vorgehensweise", "Umsetzung", "Durchführung"],
           "budget": ["Kosten", "Kosten und Finanzierung", "Finanzielle Mittel"],
           "evaluation": ["Ergebnisse", "Wirkung", "Bewertung"],
           "q": ["Welches Problem wurde angegangen?", "Welche Ziele hatte das Projekt?",
                 "Bitte beschreiben Sie die Maßnahmen", "Was hat es gekostet und wer hat es finanziert?",
                 "Wie wurde es evaluiert?"],
           "city": "Kommune", "country": "Land", "organisation": "Projektträger",
           "themes": "Themenfelder", "period": "Zeitraum", "partners": "Projektpartner",
           "target_groups": "Zielgruppe", "contact": "Ansprechperson",
           "qmeta": ["In welcher Stadt?", "In welchem Land?", "Wer ist der Träger?",
                     "Welche Themen?", "Seit wann?", "Wer sind die Partner?",
                     "Für wen ist das Angebot?", "Wer ist Ansprechperson?"]},
    "pt": {"context": ["Enquadramento", "Problema", "Diagnóstico"],
           "objectives": ["Finalidade", "Metas", "Objetivos do projeto"],
           "activities": ["Metodologia", "Implementação", "Intervenção"],
           "budget": ["Custos", "Financiamento", "Recursos financeiros"],
           "evaluation": ["Resultados", "Impacto", "Avaliação e resultados"],
           "q": ["Que problema o projeto procurou resolver?", "Quais eram os objetivos?",
                 "Descreva as atividades", "Quanto custou e quem o financiou?",
                 "Como foi avaliado?"],
           "city": "Município", "country": "País", "organisation": "Entidade promotora",
           "themes": "Áreas temáticas", "period": "Datas", "partners": "Entidades parceiras",
           "target_groups": "Destinatários", "contact": "Pessoa de contacto",
           "qmeta": ["Em que cidade?", "Em que país?", "Que entidade promove?", "Que temas?",
                     "Desde quando?", "Quem são os parceiros?", "A quem se destina?",
                     "Quem contactar?"]},
    "nl": {"context": ["Achtergrond", "Probleemstelling", "Situatie"],
           "objectives": ["Doelen", "Doel", "Beoogde resultaten"],
           "activities": ["Werkwijze", "Uitvoering", "Maatregelen"],
           "budget": ["Kosten", "Financiering", "Kosten en financiering"],
           "evaluation": ["Resultaten", "Effecten", "Evaluatie en resultaten"],
           "q": ["Welk probleem pakte het project aan?", "Wat waren de doelen?",
                 "Beschrijf de activiteiten", "Wat kostte het en wie betaalde?",
                 "Hoe is het geëvalueerd?"],
           "city": "Plaats", "country": "Land", "organisation": "Penvoerder",
           "themes": "Onderwerpen", "period": "Periode", "partners": "Betrokken partners",
           "target_groups": "Doelgroep", "contact": "Contact",
           "qmeta": ["In welke stad?", "In welk land?", "Welke organisatie?", "Welke thema's?",
                     "Sinds wanneer?", "Wie zijn de partners?", "Voor wie?", "Wie is het contact?"]},
    "pl": {"context": ["Tło", "Opis problemu", "Diagnoza"],
           "objectives": ["Cele", "Cel projektu", "Założenia"],
           "activities": ["Działania", "Realizacja", "Przebieg"],
           "budget": ["Koszty", "Finansowanie", "Budżet projektu"],
           "evaluation": ["Rezultaty", "Ewaluacja", "Ocena efektów"],
           "q": ["Jaki problem rozwiązywał projekt?", "Jakie były cele?", "Opisz działania",
                 "Ile kosztował i kto go finansował?", "Jak go oceniono?"],
           "city": "Miasto", "country": "Kraj", "organisation": "Realizator",
           "themes": "Obszar tematyczny", "period": "Okres realizacji", "partners": "Partnerzy",
           "target_groups": "Grupy docelowe", "contact": "Osoba kontaktowa",
           "qmeta": ["W jakim mieście?", "W jakim kraju?", "Która instytucja?", "Jakie tematy?",
                     "Kiedy?", "Kim byli partnerzy?", "Do kogo był skierowany?", "Kontakt?"]},
    "sv": {"context": ["Bakgrund", "Problembeskrivning", "Utgångsläge"],
           "objectives": ["Syfte", "Mål", "Syfte och mål"],
           "activities": ["Genomförande", "Arbetssätt", "Insatser"],
           "budget": ["Kostnader", "Finansiering", "Budget och finansiering"],
           "evaluation": ["Resultat", "Uppföljning", "Utvärdering och resultat"],
           "q": ["Vilket problem tog projektet itu med?", "Vilka var målen?",
                 "Beskriv aktiviteterna", "Vad kostade det och vem betalade?",
                 "Hur utvärderades det?"],
           "city": "Kommun", "country": "Land", "organisation": "Huvudman",
           "themes": "Område", "period": "Projektperiod", "partners": "Samarbetspartner",
           "target_groups": "Målgrupp", "contact": "Kontaktperson",
           "qmeta": ["I vilken stad?", "I vilket land?", "Vilken organisation?", "Vilka teman?",
                     "När?", "Vilka var partnerna?", "För vem?", "Vem kan kontaktas?"]},
}
META = ("city", "country", "organisation", "themes", "period", "partners", "target_groups",
        "contact")
FAMILIES = ("pdf-canvas-plain", "pdf-fpdf-sidebar", "pdf-form-questions", "pdf-raw-colon",
            "docx-gdocs", "docx-form-table", "docx-end-table", "pdf-factsheet", "odt-writer")


# ---------------------------------------------------------------------------- content

def theme_labels(language: str) -> dict[str, str]:
    data = json.loads((REPO / "kb" / "core" / "data" / "themes.json").read_text("utf-8"))
    return {t["id"]: t["labels"].get(language) or t["labels"]["en"] for t in data["themes"]}


def load() -> list[tuple[str, dict]]:
    sheets = []
    for stem in CHOSEN:
        sheet = json.loads((RELEVANCE / f"{stem}.json").read_text("utf-8"))
        start, end, amount, currency = CHOSEN[stem]
        sheet.update(start_year=start, end_year=end, amount=amount, currency=currency)
        sheets.append((stem, sheet))
    for stem, sheet in json.loads((HERE / "polish_swedish.json").read_text("utf-8")).items():
        sheets.append((stem, sheet))
    return sheets


def meta_values(sheet: dict) -> dict[str, str]:
    themes = sheet.get("theme_line") or "; ".join(
        theme_labels(sheet["language"])[t] for t in sheet["themes"])
    contact = sheet["contact"]
    return {"city": sheet["city"], "country": sheet["country"],
            "organisation": sheet["organisation"], "themes": themes,
            "period": sheet["period"], "partners": "; ".join(sheet["partners"]),
            "target_groups": "; ".join(sheet["target_groups"]),
            "contact": f"{contact['name']}, {contact['email']}"}


def paragraphs(text: str) -> list[tuple[str, str]]:
    """("p" | "li", text) per line of a section; "- " starts a bullet item."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("- "):
            out.append(("li", line[2:]))
        elif line:
            out.append(("p", line))
    return out


def truth(stem: str, sheet: dict, family: str, filename: str) -> dict:
    amount, currency = sheet["amount"], sheet["currency"]
    return {
        "title": sheet["title"], "city": sheet["city"],
        "country": COUNTRIES[sheet["country"]], "organisation": sheet["organisation"],
        "language": sheet["language"], "themes": sheet["themes"],
        "start_year": sheet["start_year"], "end_year": sheet["end_year"],
        **{key: sheet["sections"][key] for key in ("context", "objectives", "activities",
                                                   "evaluation")},
        "budget": {"amount": amount, "currency": currency,
                   "amount_eur": round(amount * RATES[currency], 2),
                   "text": sheet["sections"]["budget"], "funding": []},
        "partners": sheet["partners"], "target_groups": sheet["target_groups"],
        "contact": sheet["contact"], "file": filename, "layout": family, "source": stem,
    }


def heading(sheet: dict, key: str, variant: int) -> str:
    return WORDS[sheet["language"]][key][variant % 3]


# ---------------------------------------------------------------------------- PDF families

def pdf_canvas_plain(sheet: dict, variant: int) -> bytes:
    """One font, one size, headings as plain lines; key facts at the end."""
    words = WORDS[sheet["language"]]
    lines: list[str] = [sheet["title"], ""]
    for key in SECTIONS:
        lines.append(heading(sheet, key, variant))
        for kind, text in paragraphs(sheet["sections"][key]):
            lines.extend(_wrap(("• " if kind == "li" else "") + text, 95))
        lines.append("")
    for key, value in meta_values(sheet).items():
        lines.extend(_wrap(f"{words[key]}: {value}", 95))
    buffer = io.BytesIO()
    page = rl_canvas.Canvas(buffer, pagesize=A4, invariant=1)
    _register_dejavu()
    y = 800
    for line in lines:
        if y < 60:
            page.showPage()
            y = 800
        page.setFont("DejaVu", 9.5)
        page.drawString(56, y, line)
        y -= 13
    page.save()
    return buffer.getvalue()


def pdf_raw_colon(sheet: dict, variant: int) -> bytes:
    """PDF operators by hand, Courier: headings end with a colon; facts on top."""
    words = WORDS[sheet["language"]]
    lines = [sheet["title"], ""]
    lines += [f"{words[k]}: {v}" for k, v in meta_values(sheet).items()]
    lines.append("")
    for key in SECTIONS:
        lines.append(heading(sheet, key, variant) + ":")
        for kind, text in paragraphs(sheet["sections"][key]):
            lines.extend(_wrap(("- " if kind == "li" else "") + text, 88))
        lines.append("")
    pages = [lines[i:i + 60] for i in range(0, len(lines), 60)]
    return _raw_pdf(pages)


def _raw_pdf(pages: list[list[str]]) -> bytes:
    def literal(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>"
    objects.append(font)  # 3
    kids = []
    for lines in pages:
        ops = "BT /F1 9 Tf 12 TL 40 800 Td " + " ".join(
            f"({literal(line)}) Tj T*" for line in lines) + " ET"
        stream = zlib.compress(ops.encode("cp1252", "replace"))
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
                       + stream + b"\nendstream")
        content = len(objects)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 3 0 R >> >> >>" % content)
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _fpdf() -> FPDF:
    document = FPDF(format="A4")
    document.set_creation_date(FIXED_DATE)
    document.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    document.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    document.set_auto_page_break(True, margin=18)
    return document


def pdf_fpdf_sidebar(sheet: dict, variant: int) -> bytes:
    """A grey side box of key facts on the left of the first page, the body on the right."""
    words = WORDS[sheet["language"]]
    document = _fpdf()
    document.add_page()
    document.set_font("DejaVu", "B", 16)
    document.multi_cell(0, 8, sheet["title"], new_x="LMARGIN", new_y="NEXT")
    top = document.get_y() + 4
    document.set_fill_color(235, 235, 235)
    document.set_xy(10, top)
    for key, value in meta_values(sheet).items():
        document.set_x(10)
        document.set_font("DejaVu", "B", 8)
        document.multi_cell(55, 4.5, words[key], fill=True, new_x="LMARGIN", new_y="NEXT")
        document.set_x(10)
        document.set_font("DejaVu", "", 8)
        document.multi_cell(55, 4.5, value, fill=True, new_x="LMARGIN", new_y="NEXT")
    document.set_xy(72, top)
    document.set_left_margin(72)
    for key in SECTIONS:
        document.set_font("DejaVu", "B", 11)
        document.multi_cell(0, 7, heading(sheet, key, variant), new_x="LMARGIN", new_y="NEXT")
        document.set_font("DejaVu", "", 9.5)
        for kind, text in paragraphs(sheet["sections"][key]):
            document.multi_cell(0, 5, ("• " if kind == "li" else "") + text,
                                new_x="LMARGIN", new_y="NEXT")
            document.ln(1.5)
    return bytes(document.output())


def pdf_factsheet(sheet: dict, variant: int) -> bytes:
    """A coloured title band, a key facts box of label | value cells, larger plain headings."""
    words = WORDS[sheet["language"]]
    document = _fpdf()
    document.add_page()
    document.set_fill_color(20, 70, 120)
    document.set_text_color(255, 255, 255)
    document.set_font("DejaVu", "B", 15)
    document.multi_cell(0, 9, sheet["title"], fill=True, new_x="LMARGIN", new_y="NEXT")
    document.set_text_color(0, 0, 0)
    document.ln(3)
    for key, value in meta_values(sheet).items():
        document.set_font("DejaVu", "B", 8.5)
        y = document.get_y()
        document.multi_cell(40, 5, words[key], border=1)
        after_label = document.get_y()
        document.set_xy(50, y)
        document.set_font("DejaVu", "", 8.5)
        document.multi_cell(0, 5, value, border=1, new_x="LMARGIN", new_y="NEXT")
        document.set_y(max(after_label, document.get_y()))
    document.ln(4)
    for key in SECTIONS:
        document.set_font("DejaVu", "", 13)
        document.multi_cell(0, 8, heading(sheet, key, variant), new_x="LMARGIN", new_y="NEXT")
        document.set_font("DejaVu", "", 9.5)
        for kind, text in paragraphs(sheet["sections"][key]):
            document.multi_cell(0, 5, ("• " if kind == "li" else "") + text,
                                new_x="LMARGIN", new_y="NEXT")
            document.ln(1.5)
    return bytes(document.output())


def pdf_form_questions(sheet: dict, variant: int) -> bytes:
    """An award entry form: numbered bold questions, the answers below; facts as questions."""
    words = WORDS[sheet["language"]]
    _register_dejavu()
    body = ParagraphStyle("a", fontName="DejaVu", fontSize=9.5, leading=12.5, spaceAfter=4)
    question = ParagraphStyle("q", fontName="DejaVu-Bold", fontSize=9.5, leading=12.5,
                              spaceBefore=6, spaceAfter=2)
    title = ParagraphStyle("t", fontName="DejaVu-Bold", fontSize=15, leading=19, spaceAfter=8)
    story = [Paragraph(escape(sheet["title"]), title)]
    number = 1
    for key, value in meta_values(sheet).items():
        story += [Paragraph(f"{number}. {escape(words['qmeta'][META.index(key)])}", question),
                  Paragraph(escape(value), body)]
        number += 1
    for index, key in enumerate(SECTIONS):
        story.append(Paragraph(f"{number}. {escape(words['q'][index])}", question))
        number += 1
        for kind, text in paragraphs(sheet["sections"][key]):
            story.append(Paragraph(escape(text), body, bulletText="•" if kind == "li" else None))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1).build(story)
    return buffer.getvalue()


# ---------------------------------------------------------------------------- Word families

def _document() -> Document:
    document = Document()
    props = document.core_properties
    props.created = props.modified = FIXED_DATE
    props.revision = 1
    return document


def _save(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=FIXED_DATE.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(member.filename))
    return out.getvalue()


def _run_paragraph(document, text: str, size: float, bold: bool = False):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.font.size, run.bold = Pt(size), bold
    return paragraph


def _section_paragraphs(container, sheet: dict, key: str, bullet_style: bool) -> None:
    for kind, text in paragraphs(sheet["sections"][key]):
        if kind == "li" and bullet_style:
            container.add_paragraph(text, style="List Bullet")
        else:
            _run_paragraph(container, ("• " if kind == "li" else "") + text, 10.5)


def docx_gdocs(sheet: dict, variant: int) -> bytes:
    """No styles: a header table (logo text | title), headings as larger bold runs."""
    words = WORDS[sheet["language"]]
    document = _document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "[LOGO] Urban Safety Network"
    cell = table.cell(0, 1)
    cell.paragraphs[0].add_run(sheet["title"]).bold = True
    cell.paragraphs[0].runs[0].font.size = Pt(16)
    for key, value in meta_values(sheet).items():
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{words[key]}: ").bold = True
        paragraph.add_run(value)
    for key in SECTIONS:
        _run_paragraph(document, heading(sheet, key, variant), 14, bold=True)
        _section_paragraphs(document, sheet, key, bullet_style=False)
    return _save(document)


def docx_form_table(sheet: dict, variant: int) -> bytes:
    """An application form: one table of question | answer, title above it."""
    words = WORDS[sheet["language"]]
    document = _document()
    _run_paragraph(document, sheet["title"], 15, bold=True)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for key, value in meta_values(sheet).items():
        row = table.add_row().cells
        row[0].text = words["qmeta"][META.index(key)]
        row[1].text = value
    for index, key in enumerate(SECTIONS):
        row = table.add_row().cells
        row[0].text = words["q"][index]
        lines = [("- " if kind == "li" else "") + text
                 for kind, text in paragraphs(sheet["sections"][key])]
        row[1].text = lines[0]
        for line in lines[1:]:
            row[1].add_paragraph(line)
    return _save(document)


def docx_end_table(sheet: dict, variant: int) -> bytes:
    """Heading 2 sections with other words, a table of contents, the facts table at the end."""
    words = WORDS[sheet["language"]]
    document = _document()
    document.add_paragraph(sheet["title"], style="Title")
    headings = [heading(sheet, key, variant) for key in SECTIONS]
    for number, text in enumerate(headings, start=1):
        document.add_paragraph(f"{number}. {text}\t{number + 1}")
    for number, key in enumerate(SECTIONS, start=1):
        document.add_heading(f"{number}. {headings[number - 1]}", level=2)
        _section_paragraphs(document, sheet, key, bullet_style=True)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for key, value in meta_values(sheet).items():
        row = table.add_row().cells
        row[0].text, row[1].text = words[key], value
    return _save(document)


def odt_writer(sheet: dict, variant: int) -> bytes:
    """OpenDocument text: Title, a facts table, outline headings, lists for bullet items."""
    from odfdo import Document as OdfDocument, Header, List, Paragraph as OdfParagraph, Table

    words = WORDS[sheet["language"]]
    document = OdfDocument("text")
    document.body.clear()
    document.body.append(OdfParagraph(sheet["title"], style="Title"))
    facts = list(meta_values(sheet).items())
    table = Table("Facts", width=2, height=len(facts))
    for row, (key, value) in enumerate(facts):
        table.set_value((0, row), words[key])
        table.set_value((1, row), value)
    document.body.append(table)
    for key in SECTIONS:
        document.body.append(Header(1, heading(sheet, key, variant + 1)))
        items: list[str] = []
        for kind, text in paragraphs(sheet["sections"][key]) + [("end", "")]:
            if kind == "li":
                items.append(text)
                continue
            if items:
                document.body.append(List(items))
                items = []
            if kind == "p":
                document.body.append(OdfParagraph(text))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------- helpers

def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + ([line] if line else [])


def _register_dejavu() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(FONTS / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(FONTS / "DejaVuSans-Bold.ttf")))


RENDERERS = {
    "pdf-canvas-plain": (pdf_canvas_plain, ".pdf"),
    "pdf-fpdf-sidebar": (pdf_fpdf_sidebar, ".pdf"),
    "pdf-form-questions": (pdf_form_questions, ".pdf"),
    "pdf-raw-colon": (pdf_raw_colon, ".pdf"),
    "docx-gdocs": (docx_gdocs, ".docx"),
    "docx-form-table": (docx_form_table, ".docx"),
    "docx-end-table": (docx_end_table, ".docx"),
    "pdf-factsheet": (pdf_factsheet, ".pdf"),
    "odt-writer": (odt_writer, ".odt"),
}


def render(out: Path) -> int:
    corpus, truths = out / "corpus", out / "truth"
    for folder in (corpus, truths):
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
    count = 0
    for index, (stem, sheet) in enumerate(load()):
        # Each sheet in two families, four apart, so every language meets several families.
        for family in (FAMILIES[index % len(FAMILIES)], FAMILIES[(index + 4) % len(FAMILIES)]):
            function, suffix = RENDERERS[family]
            name = f"{stem}--{family}"
            (corpus / f"{name}{suffix}").write_bytes(function(sheet, index))
            record = truth(stem, sheet, family, f"{name}{suffix}")
            (truths / f"{name}.json").write_text(json.dumps(record, ensure_ascii=False, indent=1),
                                                 encoding="utf-8")
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder for corpus/ and truth/")
    args = parser.parse_args(argv)
    print(f"rendered {render(args.out)} files into {args.out / 'corpus'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
