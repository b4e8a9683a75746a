"""The record schema: what a valid record is, and messages that name the field."""

import pytest
from marshmallow import ValidationError

from kb.core.record import Record, RecordSchema

VALID = {
    "title": "Night stewards", "language": "en", "context": "c", "objectives": "o",
    "activities": "a", "country": "BE", "themes": ["nightlife"], "start_year": 2019,
    "end_year": 2022, "budget": {"amount": 120000, "currency": "EUR", "amount_eur": 120000,
                                 "text": "€120,000", "funding": ["City of Ghent"]},
    "contact": {"name": "Eva Claes", "email": "eva@gent.example.be"},
    "source": {"filename": "a.docx", "sha256": "0" * 64, "format": "docx", "pages": 1},
}


def test_valid_record_round_trips():
    record = RecordSchema().load(VALID)
    assert isinstance(record, Record)
    assert record.budget.amount == 120000
    dumped = record.to_dict()
    assert RecordSchema().load(dumped) == record
    assert dumped["extra_sections"] == {} and dumped["partners"] == []


@pytest.mark.parametrize("change, field, words", [
    ({"title": ""}, "title", "Title must not be empty"),
    ({"context": None}, "context", "Context is missing"),
    ({"country": "XX"}, "country", "not an ISO 3166-1"),
    ({"language": "da"}, "language", "Language must be one of"),  # pl and sv are accepted
    ({"themes": ["weather"]}, "themes", "not in the theme vocabulary"),
    ({"start_year": 1066}, "start_year", "not plausible"),
    ({"start_year": 2022, "end_year": 2019}, "end_year", "before start year"),
    ({"budget": {"amount": 5, "currency": "XYZ", "text": "5 XYZ"}}, "budget", "currency"),
    ({"budget": {"amount": -5, "currency": "EUR", "text": "-5"}}, "budget", "negative"),
    ({"contact": {"name": None, "email": "not-an-email"}}, "contact", "not a valid address"),
    ({"source": {"filename": "a", "sha256": "zz", "format": "docx"}}, "source", "sha256"),
    ({"surprise": 1}, "surprise", "Unknown field"),
])
def test_invalid_records_name_the_field(change, field, words):
    with pytest.raises(ValidationError) as info:
        RecordSchema().load({**VALID, **change})
    assert field in info.value.messages
    assert words in str(info.value.messages[field])
