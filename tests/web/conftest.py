"""The web tests' fixtures.

The knowledge base most web tests read (`corpus`): the 12 demo sheets imported from their files
and a few hand-made records (hostile text, a draft, a sheet without budget or year, an EU-funded
one), built once per session (imports run in worker processes: a second or two) and never
changed by a test. The staff tests' account, sign-in and CSRF tokens; an app and its client on a
test module's own `home`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask

from kb.service.importing import ImportOptions, import_paths
from kb.service.knowledge_base import KnowledgeBase
from kb.service.store import StoredRecord
from web.app import create_app

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
# A spreadsheet formula in a cell (CSV injection).
FORMULA = '=HYPERLINK("http://evil.example","click")'
PASSWORD = "correct horse battery"


# ----------------------------------------------------------------------------- the corpus

def hand_made(sheet: Callable[..., dict[str, Any]]) -> dict[str, tuple[dict[str, Any], str]]:
    """key -> (record, status)."""
    return {
        "hostile": (sheet(
            f"{SCRIPT} Graffiti reporting app", city="London", country="GB",
            organisation=FORMULA,
            objectives=f"Let residents report graffiti quickly {SCRIPT} and safely.",
            context=f"The old graffiti form said {IMG} in its help text.",
            activities=f"Graffiti reports go to the cleaning team. {IMG}",
            evaluation=f"Graffiti removed within two days. {SCRIPT}",
            extra_sections={f"Notes {SCRIPT}": f"Graffiti notes {IMG}"},
            themes=["innovation"], start_year=2023, end_year=2024,
            target_groups=[f"Residents {SCRIPT}"], partners=[f"Partner {IMG}"],
            contact={"name": f"Eve {SCRIPT}", "email": "eve@london.example.org"},
            budget={"amount": 12_000, "currency": "EUR", "amount_eur": 12_000.0,
                    "text": f"12,000 EUR {SCRIPT}", "funding": [f"Fund {IMG}"]}),
            "published"),
        # Only a draft mentions zeppelins.
        "draft": (sheet(
            "Zeppelin watch over the harbour", city="Bristol", country="GB",
            objectives="Draft: a zeppelin watch over the nightlife district.",
            themes=["nightlife"], start_year=2024,
            budget={"amount": 5_000, "currency": "EUR", "amount_eur": 5_000.0, "text": "5,000 EUR",
                    "funding": []}), "draft"),
        # No budget, no year, no evaluation.
        "glasgow": (sheet(
            "Lighting the canal path", city="Glasgow", country="GB",
            objectives="Improve street lighting on the canal towpath.",
            context="Residents described the towpath as dark and frightening.",
            activities="New lamps were installed along the towpath.",
            themes=["public-spaces"]), "published"),
        # EU co-funded, over a million euros.
        "rotterdam": (sheet(
            "Veilige havenwandelingen in Rotterdam", language="nl", city="Rotterdam", country="NL",
            objectives="Meer veiligheid op de kades van de haven.",
            context="De kades zijn 's avonds verlaten.",
            activities="Stewards lopen elke avond langs de kades.",
            evaluation="Extern onderzoek door de universiteit.",
            themes=["public-spaces", "partnerships"], start_year=2021, end_year=2023,
            budget={"amount": 2_000_000, "currency": "EUR", "amount_eur": 2_000_000.0,
                    "text": "2 miljoen euro", "funding": ["Interreg North Sea", "Gemeente Rotterdam"]}),
            "published"),
    }


@dataclass
class Corpus:
    home: Path
    ids: dict[str, str]                          # hand-made key -> id
    records: dict[str, StoredRecord] = field(default_factory=dict)   # id -> every record

    @property
    def published(self) -> dict[str, StoredRecord]:
        return {rid: item for rid, item in self.records.items() if item.status == "published"}

    def record(self, key: str) -> dict[str, Any]:
        return self.records[self.ids[key]].record

    def demo_id(self, filename_start: str) -> str:
        """The id of the demo sheet imported from the file whose name starts so."""
        [found] = [rid for rid, item in self.records.items()
                   if ((item.record.get("source") or {}).get("filename") or "")
                   .startswith(filename_start)]
        return found


def build_corpus(home: Path, demo_files: Path, sheet: Callable[..., dict[str, Any]]) -> Corpus:
    with KnowledgeBase(home) as kb:
        report = import_paths(kb, [demo_files], ImportOptions(workers=1))
        imported = [item for item in report.files if item.record_id]
        assert len(imported) == 12, report
        ids = {key: kb.save(record, status).id for key, (record, status) in hand_made(sheet).items()}
        records = {item.id: item for item in kb.store.records()}
    return Corpus(home, ids, records)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory, demo_files: Path,
           make_sheet: Callable[..., dict[str, Any]]) -> Corpus:
    return build_corpus(tmp_path_factory.mktemp("web") / "kb", demo_files, make_sheet)


@pytest.fixture(scope="session")
def hostile() -> SimpleNamespace:
    """The hostile strings the hand-made sheet carries: a script, an image tag, a formula."""
    return SimpleNamespace(script=SCRIPT, img=IMG, formula=FORMULA)


# ----------------------------------------------------------------------------- staff

@pytest.fixture(scope="session")
def password() -> str:
    """The test account's password (the staff modules add the account to their `home`)."""
    return PASSWORD


def _csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _token(client, path: str = "/staff/sign-in") -> str:
    return _csrf_of(client.get(path).get_data(as_text=True))


@pytest.fixture(scope="session")
def csrf_of() -> Callable[[str], str]:
    """csrf_of(page) -> the CSRF token of a page's forms."""
    return _csrf_of


@pytest.fixture(scope="session")
def token() -> Callable[..., str]:
    """token(client, path="/staff/sign-in") -> the CSRF token of that page's forms."""
    return _token


@pytest.fixture(scope="session")
def sign_in() -> Callable[..., Any]:
    """sign_in(client, name="alice", password=the test password, **more form fields)."""
    def signing_in(client, name: str = "alice", password: str = PASSWORD, **extra):
        return client.post("/staff/sign-in", data={"name": name, "password": password,
                                                   "csrf_token": _token(client), **extra})
    return signing_in


@pytest.fixture
def app(home: Path) -> Iterator[Flask]:
    """The app on the test module's `home` (a module defines that fixture)."""
    application = create_app({"KB_HOME": home, "TESTING": True})
    yield application
    application.extensions["knowledge_base"].close()


@pytest.fixture
def client(app: Flask):
    return app.test_client()
