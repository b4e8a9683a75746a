"""The knowledge base the web tests read: the 12 demo sheets imported from their files, and a
few hand-made records (hostile text, a draft, a sheet without budget or year, an EU-funded one).

Built once per test module (imports run in worker processes: a second or two).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.service.importing import ImportOptions, import_paths
from kb.service.knowledge_base import KnowledgeBase
from kb.core.record import RecordSchema, record_from_dict
from kb.service.store import StoredRecord

DEMO_FILES = Path(__file__).resolve().parent.parent / "kb" / "cli" / "demo"

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
# A spreadsheet formula in a cell (CSV injection).
FORMULA = '=HYPERLINK("http://evil.example","click")'


def sheet(title: str, *, language: str = "en", objectives: str = "Objectives of the initiative.",
          context: str = "Context of the initiative.", activities: str = "Activities carried out.",
          **fields: Any) -> dict[str, Any]:
    """A valid record dict, exactly as RecordSchema().dump gives it."""
    data = {"title": title, "language": language, "objectives": objectives, "context": context,
            "activities": activities, **fields}
    return RecordSchema().dump(record_from_dict(data))


def budget(amount_eur: float, text: str = "") -> dict[str, Any]:
    return {"amount": amount_eur, "currency": "EUR", "amount_eur": amount_eur,
            "text": text or f"{amount_eur:,.0f} EUR", "funding": []}


# key -> (record, status)
HAND_MADE: dict[str, tuple[dict[str, Any], str]] = {
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


def build_corpus(home: Path) -> Corpus:
    with KnowledgeBase(home) as kb:
        report = import_paths(kb, [DEMO_FILES], ImportOptions(workers=1))
        imported = [item for item in report.files if item.record_id]
        assert len(imported) == 12, report
        ids = {key: kb.save(record, status).id for key, (record, status) in HAND_MADE.items()}
        records = {item.id: item for item in kb.store.records()}
    return Corpus(home, ids, records)


# What the records themselves say (expected answers are worked out from these, not from the index)

# (value, lowest EUR included, highest EUR excluded), as the issue defines the budget bands.
BUDGET_BANDS = (("<10k", 0, 10_000), ("10k-50k", 10_000, 50_000), ("50k-250k", 50_000, 250_000),
                ("250k-1M", 250_000, 1_000_000), (">1M", 1_000_000, float("inf")))
# URL parameters whose values can be read off a record (eu_funded needs the funding rules).
RECORD_FACETS = ("theme", "country", "city", "language", "year", "budget_band", "evaluated")


def eur(record: dict[str, Any]) -> float | None:
    return (record.get("budget") or {}).get("amount_eur")


def facet_values(record: dict[str, Any], param: str) -> set[str]:
    """The values a sheet has for one facet, named by its URL parameter."""
    if param == "theme":
        return set(record.get("themes") or [])
    if param in ("country", "city", "language"):
        return {record[param]} if record.get(param) else set()
    if param == "year":
        return {str(record["start_year"])} if record.get("start_year") is not None else set()
    if param == "budget_band":
        amount = eur(record)
        if amount is None:
            return {"none"}
        return {band for band, low, high in BUDGET_BANDS if low <= amount < high}
    if param == "evaluated":
        return {"yes" if (record.get("evaluation") or "").strip() else "no"}
    raise ValueError(param)


def matches(record: dict[str, Any], params: list[tuple[str, str]]) -> bool:
    """Whether a sheet passes these URL filters: OR within a facet, AND across them."""
    chosen: dict[str, set[str]] = {}
    for name, value in params:
        chosen.setdefault(name, set()).add(value)
    for name, values in chosen.items():
        if name in RECORD_FACETS:
            if not facet_values(record, name) & values:
                return False
            continue
        [value] = values
        if name in ("year_from", "year_to"):
            year = record.get("start_year")
            if year is None or (year < int(value) if name == "year_from" else year > int(value)):
                return False
        elif name in ("budget_min", "budget_max"):
            amount = eur(record)
            if amount is None or (amount < float(value) if name == "budget_min"
                                  else amount > float(value)):
                return False
        else:
            raise ValueError(name)
    return True
