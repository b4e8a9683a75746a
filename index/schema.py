"""The Whoosh schema, and the index document made from a stored record.

Full text goes to one catch-all field per language (text_en, text_fr, ...), so a query is
parsed over few fields and each sheet is stemmed in its own language. Facet values travel
in one column per document (FACETS), read once per segment into arrays by index.facets.
The index keeps no sheet text: hits are shown from the store.
"""

from __future__ import annotations

import json
import re
from typing import Any

from whoosh import columns, fields

from index.analysis import SECTION_MARK, concepts_near, plain_analyzer, text_analyzer
from index.forms import signature
from kb.core.countries import country_name
from kb.core.facets import FACETS as FACET_TABLE
from kb.core.thesaurus import concept_ids_in, concepts
from kb.core.languages import LANGUAGES
from kb.core.money import basis_of, yearly_amount
from kb.core.text import fold

# 4: words folded by kb.core.text (ligatures such as "ĳ", "ø", "ł" spelled out; casefold).
# 5: the thesaurus grew to 97 concepts: each sheet's concepts field must be recomputed.
# 6: concepts also found by their stems within a short window (index.analysis.concepts_near).
# 7: each sheet's words as written, as a signature (index.forms): exact forms weigh more.
# 8: each budget's basis and the end year in the columns: the analysis reads no records.
# 9: the thesaurus grew to 120 concepts (0d7edbf): each sheet's concepts field recomputed.
SCHEMA_VERSION = 9
# The vocabularies an index was built with (tests/index/test_schema_version.py holds this to
# the data files): a change to either changes what each sheet's concepts field holds, so it
# must come with a new SCHEMA_VERSION, which makes `kb serve` and `kb reindex` rebuild.
VOCABULARY_DIGEST = "6c76c213d00c709e"
_WORDS = re.compile(r"\w+")
TEXT_FIELDS = tuple(f"text_{language}" for language in LANGUAGES)
FACETS = "facets"
FORMS = "forms"
# Key of a document's words as written: index.writing gives them to index.lexicon, not to
# Whoosh (which would refuse the unknown field).
LEXICON_WORDS = "_lexicon"
# Query field names users may type (title:night) and the index fields they search.
FIELD_ALIASES = {
    "title": "title", "city": "city", "country": "country", "organisation": "organisation",
    "organization": "organisation", "org": "organisation", "partner": "partners",
    "partners": "partners", "theme": "themes", "themes": "themes", "language": "language",
    "lang": "language", "target": "target_groups", "target_groups": "target_groups",
}


def make_schema() -> fields.Schema:
    plain = plain_analyzer()
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        stamp=fields.STORED(),
        title=fields.TEXT(analyzer=plain, phrase=True),
        city=fields.TEXT(analyzer=plain, phrase=True),
        country=fields.TEXT(analyzer=plain, phrase=True),
        organisation=fields.TEXT(analyzer=plain, phrase=True),
        partners=fields.TEXT(analyzer=plain, phrase=True),
        target_groups=fields.TEXT(analyzer=plain, phrase=True),
        themes=fields.KEYWORD(lowercase=True, scorable=True),
        # Thesaurus concepts named in the text, in whatever language: cross-language search.
        concepts=fields.KEYWORD(scorable=True),
        language=fields.ID(),
        # Never filled: prefix* queries parse to words:prefix*, which index.query widens to
        # the lexicon's words beginning so (index.lexicon holds the words as written).
        words=fields.TEXT(analyzer=plain, phrase=False),
        facets=fields.COLUMN(columns.VarBytesColumn()),
        forms=fields.COLUMN(columns.VarBytesColumn()),
    )
    for language, name in zip(LANGUAGES, TEXT_FIELDS):
        schema.add(name, fields.TEXT(analyzer=text_analyzer(language), phrase=True))
    return schema


def sections_text(record: dict[str, Any]) -> list[str]:
    """The sheet's text as the index weighs it: title, objectives, then everything else."""
    rest = [record.get("context"), record.get("activities"), record.get("evaluation"),
            *(record.get("extra_sections") or {}).values(),
            record.get("organisation"), record.get("city"),
            "; ".join(record.get("partners") or []), "; ".join(record.get("target_groups") or []),
            "; ".join(record.get("keywords") or []),
            (record.get("budget") or {}).get("text")]
    return [record.get("title") or "", record.get("objectives") or "",
            "\n".join(part for part in rest if part)]


def facet_values(record_id: str, status: str, record: dict[str, Any], added: str,
                 length: int = 0) -> dict[str, Any]:
    """What the index keeps of a record beside its text: each facet of the table (as its
    `read` gives it), and what sorting and the range filters need."""
    return {
        "id": record_id,
        "length": length,
        "status": status,
        **{facet.stored_as: facet.read(record) for facet in FACET_TABLE},
        # The range filters and sorts (whether or not a facet keeps them too).
        "start_year": record.get("start_year"),
        "end_year": record.get("end_year"),
        "budget_eur": (record.get("budget") or {}).get("amount_eur"),
        # The figure per year (None where it cannot be had), for budget_per=year: the key and
        # value the budget_year_band facet stores, so every index of version 8 has it already.
        "budget_year_eur": yearly_amount(record.get("budget"), record.get("start_year"),
                                         record.get("end_year")),
        # What the figure covers, so the analysis compares budgets without reading records.
        "budget_basis": basis_of(record.get("budget")),
        "title": record.get("title") or "",
        "added": added,
    }


def sheet_concepts(text: str, language: str) -> list[str]:
    """The concepts a sheet names: terms of any language as written, and terms of its own
    language by their stems within a short window; in the thesaurus's order."""
    named = set(concept_ids_in(text)) | concepts_near(text, language)
    return [concept.id for concept in concepts() if concept.id in named]


def document(record_id: str, status: str, stamp: str, record: dict[str, Any],
             added: str) -> dict[str, Any]:
    """The fields Whoosh indexes for one record (a draft may lack any of them)."""
    language = record.get("language") if record.get("language") in LANGUAGES else "en"
    sections = sections_text(record)
    doc_text = "\n".join(sections)
    words = set(_WORDS.findall(fold(doc_text)))
    country = record.get("country")
    doc = {
        "id": record_id,
        "stamp": stamp,
        f"text_{language}": SECTION_MARK.join(sections),
        # For the lexicon: the same words the plain analyzer would make, found by one regex
        # pass instead of a filter chain per word.
        LEXICON_WORDS: words,
        FORMS: signature(words),
        "title": record.get("title") or "",
        "city": record.get("city") or "",
        "country": " ".join(dict.fromkeys([country, *(country_name(country, lang)
                                                      for lang in LANGUAGES)])) if country else "",
        "organisation": record.get("organisation") or "",
        "partners": "\n".join(record.get("partners") or []),
        "target_groups": "\n".join(record.get("target_groups") or []),
        "themes": " ".join(record.get("themes") or []),
        "concepts": " ".join(sheet_concepts(doc_text, language)),
        # The sheet's own language (Polish, Swedish...), though its text is analysed as English.
        "language": record.get("language") or language,
        # Words in the full text: the length BM25 normalises by (index.matching).
        FACETS: json.dumps(facet_values(record_id, status, record, added,
                                        len(_WORDS.findall(doc_text))),
                           separators=(",", ":")).encode(),
    }
    return {name: value for name, value in doc.items() if value != ""}
