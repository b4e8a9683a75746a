"""Fixtures for every test package: a valid record built in code; a minimal practice sheet as
data, as a Word file's bytes and as a file; the demo sheets the product ships; the project's
folder."""

from __future__ import annotations

import copy
import io
import os
import sqlite3
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import docx
import pytest

# The suite searches by words unless a test turns meaning on (tests/index/test_semantic.py):
# loading the model and embedding every imported sheet would slow every test for nothing. Set
# here, before any test runs, so the `kb` processes tests start inherit it.
os.environ.setdefault("KB_SEMANTIC", "off")
# Web tests send thousands of searches from one address (tests/web/test_fuzz.py: 2,000 in a
# minute or two): the fair-use budget of the search (web/fair_use.py, 3 s of work at once) is
# raised to ten minutes here, not turned off, so its hook runs in every web test and in the
# `kb serve` the browser tests start; tests/web/test_fair_use.py sets its own budgets.
os.environ.setdefault("KB_FAIR_USE_SECONDS", "600")

from click.testing import CliRunner

from kb.cli.main import main
from kb.core.record import RecordSchema, record_from_dict
from kb.core.search_args import SearchRequest
from kb.service import knowledge_base as knowledge_base_module
from kb.service import versions
from kb.service.knowledge_base import KnowledgeBase
from tests.samples.records import draft_record, french_record, make_record

# Where `kb demo` finds them: the package's own resource, wherever it is installed.
DEMO_FILES = Path(str(resources.files("kb.cli") / "demo"))

_MINIMAL_SHEET = {
    "title": "Night stewards in the old town",
    "meta": [("City", "Ghent"), ("Country", "Belgium"), ("Themes", "Nightlife; mediation"),
             ("Period", "2019 – 2022"), ("Contact", "Eva Claes – eva.claes@gent.example.be")],
    "sections": [("Context", "Noise and fights near bars worried residents of the old town."),
                 ("Objectives", "Calm the streets at night and keep bars open."),
                 ("Activities", "Pairs of stewards walk the bar streets on weekend nights."),
                 ("Budget", "€120,000 per year, funded by the City of Ghent."),
                 ("Evaluation", "Complaints fell by a third in two years.")],
}


def _sheet_docx(sheet: dict = _MINIMAL_SHEET) -> bytes:
    """A Word practice sheet with heading styles and "Label: value" metadata lines."""
    document = docx.Document()
    document.add_paragraph(sheet["title"], style="Title")
    for label, value in sheet["meta"]:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    for heading, text in sheet["sections"]:
        document.add_heading(heading, level=1)
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _record(title: str, *, language: str = "en", objectives: str = "Objectives of the initiative.",
          context: str = "Context of the initiative.", activities: str = "Activities carried out.",
          **fields: Any) -> dict[str, Any]:
    """A valid record dict, exactly as RecordSchema().dump gives it."""
    data = {"title": title, "language": language, "objectives": objectives, "context": context,
            "activities": activities, **fields}
    return RecordSchema().dump(record_from_dict(data))


def _budget(amount_eur: float, text: str = "") -> dict[str, Any]:
    return {"amount": amount_eur, "currency": "EUR", "amount_eur": amount_eur,
            "text": text or f"{amount_eur:,.0f} EUR", "funding": []}


@pytest.fixture(scope="session")
def make_sheet() -> Callable[..., dict[str, Any]]:
    """make_sheet(title, language="en", field=value...) -> a valid record, as RecordSchema dumps it."""
    return _record


@pytest.fixture(scope="session")
def make_budget() -> Callable[..., dict[str, Any]]:
    """make_budget(amount_eur, text="") -> a record's budget in euros, without funding."""
    return _budget


@pytest.fixture
def minimal_sheet() -> dict:
    """The minimal sheet as data (title, "Label: value" lines, sections); a copy to change."""
    return copy.deepcopy(_MINIMAL_SHEET)


@pytest.fixture
def sheet_docx() -> Callable[..., bytes]:
    """sheet_docx(sheet=the minimal sheet) -> the bytes of its Word file."""
    return _sheet_docx


@pytest.fixture
def sheet_file(tmp_path: Path) -> Path:
    path = tmp_path / "ghent-stewards.docx"
    path.write_bytes(_sheet_docx())
    return path


@pytest.fixture(scope="session")
def project_root(pytestconfig: pytest.Config) -> Path:
    """The project's folder (where pyproject.toml is), wherever the tests are run from."""
    return pytestconfig.rootpath


@pytest.fixture(scope="session")
def demo_files() -> Path:
    """The demo sheets shipped inside the package, where `kb demo` reads them."""
    return DEMO_FILES


# ----------------------------------------------------------------------------- a knowledge base

@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "kb"


@pytest.fixture
def kb(home: Path) -> Iterator[KnowledgeBase]:
    with KnowledgeBase(home) as opened:
        yield opened


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Save times one second apart (the store keeps whole seconds)."""
    stamps = [f"2024-05-01T10:00:{second:02d}+00:00" for second in range(60)]
    issued: list[str] = []

    def now() -> str:
        issued.append(stamps[len(issued)])
        return issued[-1]

    monkeypatch.setattr(knowledge_base_module, "now", now)
    monkeypatch.setattr(versions, "now", now)
    return issued


def _search_ids(kb: KnowledgeBase, q: str, status: str | None = "published") -> list[str]:
    result = kb.search(SearchRequest(q=q, status=status, limit=100), highlight=False)
    return sorted(hit["id"] for hit in result["hits"])


def _search_ids_all(kb: KnowledgeBase, q: str) -> list[str]:
    """Every published hit, page after page."""
    ids: list[str] = []
    page = 1
    while True:
        hits = kb.search(SearchRequest(q=q, limit=100, page=page), highlight=False)["hits"]
        if not hits:
            return ids
        ids.extend(hit["id"] for hit in hits)
        page += 1


def _search_total(kb: KnowledgeBase, q: str, status: str | None = "published") -> int:
    return kb.search(SearchRequest(q=q, status=status, limit=1), highlight=False)["total"]


def _generations(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "index").glob("gen-*"))


def _current_pointer(home: Path) -> list[str]:
    return (home / "index" / "CURRENT").read_text().split()


def _invoke(home: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["--home", str(home), *args], input=input)


def _sql(home: Path, statement: str, *params: Any) -> None:
    db = sqlite3.connect(home / "kb.sqlite3")
    try:
        with db:
            db.execute(statement, params)
    finally:
        db.close()


def _populate(kb: KnowledgeBase) -> dict[str, str]:
    ids = {
        "fr": kb.save(french_record(), source_sha256="a" * 64, importer_version="imp-2").id,
        "en": kb.save(make_record()).id,
        "es": kb.save(make_record("Agente tutor en los colegios", city="Zaragoza", country="ES",
                                  language="es", themes=["youth"],
                                  context="Conflictos en los colegios de Zaragoza.",
                                  objectives="Acompañar a los menores.",
                                  activities="Policías tutores visitan los colegios.",
                                  budget={"amount": 1200000, "currency": "CHF",
                                          "amount_eur": 1260000.0, "text": "CHF 1.2 Mio."})).id,
        "draft": kb.save(draft_record(), "draft").id,
    }
    return ids


def _fill(kb: KnowledgeBase, count: int) -> list[str]:
    with kb.store.transaction():                         # one commit: quicker to set up
        ids = [kb.save(make_record(f"Reindex stewards {n}", city=f"Town {n}"), sync=False).id
               for n in range(count)]
    kb.sync_index()
    return ids


@pytest.fixture(scope="session")
def search_ids() -> Callable[..., list[str]]:
    """search_ids(kb, q, status="published") -> the sorted ids of the first 100 hits."""
    return _search_ids


@pytest.fixture(scope="session")
def search_ids_all() -> Callable[..., list[str]]:
    """search_ids_all(kb, q) -> every published hit's id, page after page."""
    return _search_ids_all


@pytest.fixture(scope="session")
def search_total() -> Callable[..., int]:
    """search_total(kb, q, status="published") -> how many sheets the search finds."""
    return _search_total


@pytest.fixture(scope="session")
def generations() -> Callable[[Path], list[str]]:
    """generations(home) -> the index generations on disk."""
    return _generations


@pytest.fixture(scope="session")
def current_pointer() -> Callable[[Path], list[str]]:
    """current_pointer(home) -> what the index's CURRENT file says."""
    return _current_pointer


@pytest.fixture(scope="session")
def invoke() -> Callable[..., Any]:
    """invoke(home, *args, input=None) -> the result of `kb --home HOME ARGS`."""
    return _invoke


@pytest.fixture(scope="session")
def sql() -> Callable[..., None]:
    """sql(home, statement, *params): one statement on the home's database, as an older
    version or a damaged disk would leave it."""
    return _sql


@pytest.fixture(scope="session")
def populate() -> Callable[[KnowledgeBase], dict[str, str]]:
    """populate(kb) -> ids of a French, an English and a Spanish sheet and a draft, saved."""
    return _populate


@pytest.fixture(scope="session")
def fill() -> Callable[[KnowledgeBase, int], list[str]]:
    """fill(kb, count) -> ids of `count` sheets saved in one commit and indexed."""
    return _fill
