"""The labels sheets use for their fields and sections, in the network's languages.

Matching is on folded text (lower case, no accents), after removing numbering ("2.") and a
final colon, so "ÉVALUATION", "4. Evaluation" and "Evaluación:" all name `evaluation`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kb.core.text import fold

SECTIONS = ("context", "objectives", "activities", "budget", "evaluation")
METADATA = ("title", "city", "country", "organisation", "themes", "keywords", "period",
            "started", "partners", "target_groups", "contact", "email", "language")

LABELS: dict[str, tuple[str, ...]] = {
    "title": ("title", "name of the practice", "practice", "project title", "project", "titre",
              "nom du projet", "intitule", "titulo", "nombre del proyecto", "titolo",
              "titolo del progetto", "titel", "projekttitel", "projektname", "titulo do projeto",
              "projeto", "naam", "projectnaam", "naam van het project"),
    "city": ("city", "town", "municipality", "place", "location", "local authority area",
             "ville", "commune", "localite", "lieu", "ciudad", "municipio", "localidad",
             "citta", "comune", "luogo", "stadt", "gemeinde", "ort", "kommune", "cidade",
             "municipio", "concelho", "localidade", "stad", "gemeente", "plaats"),
    "country": ("country", "pays", "pais", "paese", "nazione", "stato", "land", "staat"),
    "organisation": (
        "lead organisation", "lead organization", "organisation", "organization",
        "lead agency", "organisation responsible", "responsible organisation", "promoter",
        "lead partner", "implementing organisation", "owner", "run by", "porteur",
        "porteur du projet", "organisme porteur", "structure porteuse", "organisme",
        "maitre d'ouvrage", "entidad responsable", "entidad promotora", "organismo responsable",
        "organizacion", "promotor", "ente promotore", "ente responsabile", "ente capofila",
        "soggetto promotore", "organizzazione", "trager", "projekttrager", "federfuhrung",
        "organisation", "verantwortlich", "entidade promotora", "entidade responsavel",
        "organizacao", "organisatie", "uitvoerder", "trekker", "verantwoordelijke organisatie",
        "initiatiefnemer"),
    "themes": ("themes", "theme", "topic", "topics", "theme(s)", "thematic area", "field",
               "thematique", "thematiques", "themes abordes", "domaine", "tematica", "tematicas",
               "tema", "temas", "temi", "ambito", "area tematica", "thema", "themen",
               "themenfeld", "themenbereich", "handlungsfeld", "thema's", "themas",
               "onderwerp", "onderwerpen"),
    "keywords": ("keywords", "key words", "tags", "mots-cles", "mots cles", "palabras clave",
                 "parole chiave", "schlagworte", "schlusselworter", "stichworte",
                 "palavras-chave", "palavras chave", "trefwoorden", "kernwoorden"),
    "period": ("period", "duration", "dates", "timeframe", "time frame", "implementation period",
               "periode", "duree", "dates", "periodo", "duracion", "fechas", "durata",
               "laufzeit", "zeitraum", "dauer", "periodo de execucao", "duracao", "periode",
               "looptijd", "duur"),
    "started": ("started", "start", "start date", "launched", "since", "debut", "date de debut",
                "lancement", "inicio", "fecha de inicio", "avvio", "data di inizio", "inizio",
                "beginn", "start", "projektbeginn", "inicio", "data de inicio", "gestart",
                "startdatum", "begin"),
    "partners": ("partners", "partner", "partner organisations", "main partners", "partenaires",
                 "partenaire", "socios", "socios del proyecto", "entidades colaboradoras",
                 "colaboradores", "partner", "partners", "partner del progetto",
                 "kooperationspartner", "partner", "beteiligte", "parceiros", "parceiro",
                 "samenwerkingspartners", "partners"),
    "target_groups": ("target groups", "target group", "target audience", "beneficiaries",
                      "target population", "publics cibles", "public cible", "publics",
                      "beneficiaires", "destinatarios", "poblacion destinataria",
                      "grupos destinatarios", "beneficiarios", "destinatari", "beneficiari",
                      "gruppi target", "zielgruppen", "zielgruppe", "publico-alvo",
                      "publico alvo", "destinatarios", "doelgroepen", "doelgroep"),
    "contact": ("contact", "contact person", "contacts", "contact details", "contact info",
                "referent", "contacto", "persona de contacto", "referente", "contatto",
                "contatti", "kontakt", "ansprechpartner", "ansprechperson", "ansprechpartnerin",
                "contacto", "contato", "contactpersoon"),
    "email": ("e-mail", "email", "courriel", "correo electronico", "correo", "posta elettronica"),
    "language": ("language", "langue", "idioma", "lingua", "sprache", "taal"),
    "context": ("context", "background", "context and problem", "the problem", "problem",
                "situation", "rationale", "contexte", "contexte et enjeux", "problematique",
                "contexto", "antecedentes", "contesto", "contesto e problema",
                "ausgangslage", "kontext", "hintergrund", "ausgangssituation", "problemlage",
                "contexto", "enquadramento", "context", "aanleiding", "achtergrond",
                "probleemstelling"),
    "objectives": ("objectives", "aims", "goals", "aims and objectives", "objective",
                   "objectifs", "objectif", "buts", "objetivos", "objetivo", "finalidad",
                   "obiettivi", "obiettivo", "finalita", "ziele", "zielsetzung", "ziel",
                   "objetivos", "doelstellingen", "doelen", "doel", "doelstelling"),
    "activities": ("activities", "actions", "activities and methods", "description",
                   "implementation", "what was done", "methods", "approach", "measures",
                   "activites", "actions menees", "mise en oeuvre", "deroulement",
                   "actividades", "acciones", "desarrollo", "attivita", "azioni",
                   "interventi", "massnahmen", "maßnahmen", "aktivitaten", "umsetzung",
                   "vorgehen", "atividades", "actividades", "acoes", "accoes", "activiteiten",
                   "aanpak", "uitvoering", "werkwijze"),
    "budget": ("budget", "budget and funding", "funding", "costs", "cost", "financing",
               "resources", "finances", "financement", "cout", "couts", "moyens",
               "presupuesto", "financiacion", "coste", "costes", "costo", "costi",
               "finanziamento", "risorse", "bilancio", "kosten", "finanzierung", "budget",
               "haushalt", "mittel", "orcamento", "financiamento", "custos", "custo",
               "begroting", "financiering", "kosten", "budget", "annual budget",
               "budget annuel", "presupuesto anual", "budget annuale", "jahresbudget",
               "budget pro jahr", "jahreskosten", "orcamento anual", "jaarbudget",
               "jaarlijks budget", "jaarlijkse kosten", "cost of the project", "project cost"),
    "evaluation": ("evaluation", "assessment", "impact", "evaluation and impact",
                   "evaluation and results", "evaluation des resultats", "evaluation",
                   "bilan", "evaluacion", "evaluacion y resultados", "valutazione",
                   "valutazione dei risultati", "evaluation", "evaluierung", "wirkung",
                   "bewertung", "avaliacao", "evaluatie", "evaluatie en resultaten",
                   "beoordeling"),
}

_NUMBERING = re.compile(r"^\s*(\d{1,2}|[ivx]{1,4}|[a-h])[.)]\s+|^\s*\d{1,2}\s+(?=\D)", re.IGNORECASE)


def normalise_label(text: str) -> str:
    """The comparable form of a label: numbering, colon and case removed."""
    text = _NUMBERING.sub("", text.strip())
    text = text.strip().rstrip(":：").strip()
    return fold(text).replace("’", "'")


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    # Sections win over metadata for a shared word ("budget").
    for key in (*SECTIONS, *METADATA):
        for label in LABELS[key]:
            index.setdefault(normalise_label(label), key)
    return index


def label_key(text: str) -> str | None:
    """The field or section a label names, or None when it is not a known label."""
    if not text or len(text) > 60:
        return None
    return _index().get(normalise_label(text))


_INLINE = re.compile(r"^\s*((?:\d{1,2}[.)]\s*)?[^\W\d_][^:：]{0,45}?)\s*[:：]\s*(.*)$", re.DOTALL)


def split_inline_label(text: str) -> tuple[str, str, str] | None:
    """("Ville: Marseille") -> ("city", "Ville", "Marseille") when the text opens with a label."""
    match = _INLINE.match(text)
    if not match:
        return None
    key = label_key(match.group(1))
    if key is None:
        return None
    return key, match.group(1).strip(), match.group(2).strip()
