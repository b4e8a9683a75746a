"""Records built in code for the tests of the store, the index and the CLI: valid as
RecordSchema dumps them, with Unicode, extra sections and budgets in other currencies, and
prose drawn from a fixed vocabulary for near-duplicate tests."""

from __future__ import annotations

import random
from typing import Any

from kb.core.record import RecordSchema, load_draft


def make_record(title: str = "Night stewards in the old town", **fields: Any) -> dict[str, Any]:
    """A valid record as RecordSchema dumps it (what KnowledgeBase.save expects)."""
    data: dict[str, Any] = {
        "title": title,
        "city": "Ghent",
        "country": "BE",
        "language": "en",
        "themes": ["nightlife", "mediation"],
        "start_year": 2019,
        "end_year": 2022,
        "context": "Noise and fights near bars worried residents of the old town.",
        "objectives": "Calm the streets at night and keep bars open.",
        "activities": "Pairs of stewards walk the bar streets on weekend nights.",
        "evaluation": "Complaints fell by a third in two years.",
        "budget": {"amount": 120000, "currency": "EUR", "amount_eur": 120000.0,
                   "text": "EUR 120,000 per year", "funding": ["City of Ghent"]},
    }
    data.update(fields)
    schema = RecordSchema()
    return schema.dump(schema.load(data))


def other_record(title: str, city: str = "Geneva", country: str = "CH",
                 **fields: Any) -> dict[str, Any]:
    """A sheet sharing no wording with make_record's (so searches tell them apart)."""
    return make_record(title, city=city, country=country, themes=["local-police"],
                       context=f"{title}: why the city began.",
                       objectives=f"What {title} should change.",
                       activities=f"How {title} runs.", evaluation=None, **fields)


def french_record() -> dict[str, Any]:
    """Unicode everywhere, extra sections, a budget in pounds, a source file."""
    return make_record(
        "Médiation de nuit « Lumière » à Saint-Étienne",
        city="Saint-Étienne", country="FR", language="fr", themes=["mediation", "nightlife"],
        organisation="Ville de Saint-Étienne — Direction de la tranquillité",
        context="Des rixes près des bars inquiétaient les habitants.\nDeuxième ligne: ça bouge.",
        objectives="Apaiser les rues la nuit grâce aux médiateurs lucioles.",
        activities="Des binômes de médiateurs parcourent les rues le week-end.",
        evaluation="Les plaintes ont baissé d'un tiers.",
        extra_sections={"Leçons apprises": "Travailler avec les gérants de bars — « toujours ».",
                        "Partenaires clés": "Préfecture, bailleurs, associations ✓"},
        budget={"amount": 50000, "currency": "GBP", "amount_eur": 58500.0,
                "text": "£50 000 par an", "funding": ["Fonds européen (FSE+)"]},
        partners=["Préfecture de la Loire", "Bailleurs sociaux"],
        target_groups=["jeunes adultes"], keywords=["nuit", "médiation"],
        contact={"name": "Zoé Müller", "email": "zoe.muller@saint-etienne.example.fr"},
        source={"filename": "médiation-nuit.docx", "sha256": "a" * 64, "format": "docx",
                "pages": 2},
    )


def draft_record() -> dict[str, Any]:
    draft, errors = load_draft({"title": "Brouillon : agents de quartier à Liège",
                                "city": "Liège", "country": "BE", "language": "fr",
                                "context": "Un brouillon incomplet, sans activités ni objectifs."})
    assert errors == {}
    return draft


def prose(seed: int, words: int = 600) -> str:
    """Deterministic text of `words` words drawn from a small vocabulary."""
    vocabulary = ("street night youth police mediation residents council bars noise safety "
                  "patrol school violence prevention victims women drugs housing square park "
                  "neighbourhood trust partners project evaluation training outreach city "
                  "stewards volunteers elderly burglary cameras lighting festival sport club "
                  "probation family support dialogue conflict harm reduction shelter transport "
                  "station market shops owners tenants landlords graffiti vandalism alcohol "
                  "weekend summer winter survey complaints fell rose stable budget funding").split()
    rng = random.Random(seed)
    return " ".join(rng.choice(vocabulary) for _ in range(words))
