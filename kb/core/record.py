"""One practice sheet: the record model and the marshmallow schema that validates it.

The field names are the public contract (the JSON of `kb parse`, later the API).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_dump,
    post_load,
    validate,
    validates,
    validates_schema,
)

from kb.core.countries import is_country_code
from kb.core.languages import SHEET_LANGUAGES
from kb.core.messages import field_label, say
from kb.core.money import BASES, RATES_TO_EUR, budget_basis, to_eur
from kb.core.themes import theme_ids

FORMATS = ("pdf", "docx", "odt", "doc")
SECTION_FIELDS = ("context", "objectives", "activities", "evaluation")
EARLIEST_YEAR = 1900


def latest_year() -> int:
    # Sheets describe planned initiatives too, a few years ahead at most.
    return datetime.date.today().year + 10


@dataclass
class Budget:
    amount: float | None
    currency: str | None
    amount_eur: float | None
    text: str
    funding: list[str] = field(default_factory=list)
    # What the figure covers (kb.core.money.BASES), None when the sheet does not say.
    basis: str | None = None


@dataclass
class Contact:
    name: str | None
    email: str | None


@dataclass
class Source:
    filename: str
    sha256: str
    format: str
    pages: int | None = None
    # Where in a booklet (one file of several sheets) this sheet stands: its position
    # (1-based) and its pages; None for a file of one sheet.
    part: int | None = None
    first_page: int | None = None
    last_page: int | None = None


@dataclass
class Record:
    title: str
    context: str
    objectives: str
    activities: str
    language: str
    city: str | None = None
    country: str | None = None
    organisation: str | None = None
    themes: list[str] = field(default_factory=list)
    themes_inferred: bool = False
    keywords: list[str] = field(default_factory=list)
    start_year: int | None = None
    end_year: int | None = None
    evaluation: str | None = None
    extra_sections: dict[str, str] = field(default_factory=dict)
    budget: Budget | None = None
    partners: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    contact: Contact | None = None
    source: Source | None = None

    def to_dict(self) -> dict[str, Any]:
        return _DUMPER.dump(self)


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class BudgetSchema(_Strict):
    amount = fields.Float(allow_none=True, load_default=None,
                          validate=validate.Range(min=0, error=say("budget-negative")))
    currency = fields.String(allow_none=True, load_default=None)
    amount_eur = fields.Float(allow_none=True, load_default=None)
    text = fields.String(load_default="")
    funding = fields.List(fields.String(), load_default=list)
    basis = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(
        BASES, error=say("budget-basis-unknown", choices=", ".join(BASES))))

    @validates("currency")
    def _currency(self, value, **kwargs):
        if value is not None and value not in RATES_TO_EUR:
            raise ValidationError(say("budget-currency-unknown", value=repr(value)))

    @validates_schema
    def _amount_needs_currency(self, data, **kwargs):
        if data.get("amount") is not None and not data.get("currency"):
            raise ValidationError(say("budget-currency-missing"), "currency")

    @post_load
    def _make(self, data, *, partial=False, **kwargs):
        # Unless someone said otherwise, the basis is what the budget's text states.
        if data.get("basis") is None and data.get("text"):
            data["basis"] = budget_basis(data["text"])
        return data if partial else Budget(**data)


class ContactSchema(_Strict):
    name = fields.String(allow_none=True, load_default=None)
    email = fields.Email(allow_none=True, load_default=None,
                         error_messages={"invalid": say("contact-email-invalid")})

    @validates_schema
    def _not_empty(self, data, **kwargs):
        if not data.get("name") and not data.get("email"):
            raise ValidationError(say("contact-empty"))

    @post_load
    def _make(self, data, *, partial=False, **kwargs):
        return data if partial else Contact(**data)


class SourceSchema(_Strict):
    filename = fields.String(required=True)
    sha256 = fields.String(required=True, validate=validate.Regexp(
        r"^[0-9a-f]{64}$", error="Source sha256 must be 64 hexadecimal digits."))
    format = fields.String(required=True, validate=validate.OneOf(
        FORMATS, error="Source format must be pdf, docx, odt or doc."))
    pages = fields.Integer(allow_none=True, load_default=None)
    part = fields.Integer(allow_none=True, load_default=None)
    first_page = fields.Integer(allow_none=True, load_default=None)
    last_page = fields.Integer(allow_none=True, load_default=None)

    @post_load
    def _make(self, data, *, partial=False, **kwargs):
        return data if partial else Source(**data)

    @post_dump
    def _booklet_only(self, data, **kwargs):
        # A file of one sheet is written as before the booklet fields existed.
        for name in ("part", "first_page", "last_page"):
            if data.get(name) is None:
                data.pop(name, None)
        return data


def _required_text(name: str) -> fields.String:
    missing = say("field-missing", field=field_label(name))
    return fields.String(
        required=True,
        validate=validate.Length(min=1, error=say("field-empty", field=field_label(name))),
        error_messages={"required": missing, "null": missing},
    )


class RecordSchema(_Strict):
    """Validates a record; `load` returns a `Record`, `dump` the contract JSON."""

    title = _required_text("title")
    city = fields.String(allow_none=True, load_default=None)
    country = fields.String(allow_none=True, load_default=None)
    organisation = fields.String(allow_none=True, load_default=None)
    language = fields.String(required=True, validate=validate.OneOf(
        SHEET_LANGUAGES, error=say("language-unknown", languages=", ".join(SHEET_LANGUAGES))))
    themes = fields.List(fields.String(), load_default=list)
    themes_inferred = fields.Boolean(load_default=False)
    keywords = fields.List(fields.String(), load_default=list)
    start_year = fields.Integer(allow_none=True, load_default=None)
    end_year = fields.Integer(allow_none=True, load_default=None)
    context = _required_text("context")
    objectives = _required_text("objectives")
    activities = _required_text("activities")
    evaluation = fields.String(allow_none=True, load_default=None)
    extra_sections = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)
    budget = fields.Nested(BudgetSchema, allow_none=True, load_default=None)
    partners = fields.List(fields.String(), load_default=list)
    target_groups = fields.List(fields.String(), load_default=list)
    contact = fields.Nested(ContactSchema, allow_none=True, load_default=None)
    source = fields.Nested(SourceSchema, allow_none=True, load_default=None)

    @validates("country")
    def _country(self, value, **kwargs):
        if value is not None and not is_country_code(value):
            raise ValidationError(say("country-not-a-code", value=repr(value)))

    @validates("themes")
    def _themes(self, value, **kwargs):
        unknown = [t for t in value if t not in theme_ids()]
        if unknown:
            raise ValidationError(say("themes-unknown", themes=", ".join(unknown)))

    @validates("start_year")
    def _start(self, value, **kwargs):
        _check_year(value, "start_year")

    @validates("end_year")
    def _end(self, value, **kwargs):
        _check_year(value, "end_year")

    # Checked with the fields' own errors, so that a form shows every error at once (only
    # years that are valid themselves are in `data`).
    @validates_schema(skip_on_field_errors=False)
    def _period(self, data, **kwargs):
        start, end = data.get("start_year"), data.get("end_year")
        if start is not None and end is not None and start > end:
            raise ValidationError(say("period-reversed", end=end, start=start), "end_year")

    @post_load
    def _make(self, data, *, partial=False, **kwargs):
        # A partial load (a draft) may lack required fields: it stays a dict.
        if partial:
            return data
        return Record(**data)


# Dumping keeps no state in the schema; building one per record cost more than the dump.
_DUMPER = RecordSchema()


def _check_year(value: int | None, name: str) -> None:
    if value is not None and not EARLIEST_YEAR <= value <= latest_year():
        raise ValidationError(say("year-implausible", field=field_label(name), value=value,
                                  low=EARLIEST_YEAR, high=latest_year()))


def record_from_dict(data: dict[str, Any]) -> Record:
    """Validate `data` and build a Record; raises marshmallow.ValidationError."""
    return RecordSchema().load(data)


def load_draft(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """What can be kept of an incomplete or invalid record: (valid fields dumped, errors).

    Missing required fields are allowed; a field whose value is invalid is left out and its
    error returned, so a draft keeps everything else for staff to complete.
    """
    schema = RecordSchema()
    data = {key: value for key, value in data.items() if key in schema.fields}
    errors: dict[str, Any] = {}
    for _ in range(len(schema.fields)):
        try:
            loaded = schema.load(data, partial=True)
        except ValidationError as exc:
            bad = [key for key in exc.messages if key in data] if isinstance(exc.messages, dict) else []
            if not bad:
                errors.update(exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages})
                return {}, errors
            for key in bad:
                errors[key] = exc.messages[key]
                data.pop(key)
            continue
        return schema.dump(loaded), errors
    return {}, errors


def validated(data: dict[str, Any], status: str) -> dict[str, Any]:
    """A record as staff edited it, checked by the same schema as imports, ready to store.

    A published record must pass RecordSchema; a draft may lack required fields, but every
    value it has must be valid (load_draft's rules, without dropping the invalid ones).
    The EUR amount of a budget is worked out here, never taken from the caller.
    Raises ValidationError with the schema's messages by field.
    """
    schema = RecordSchema()
    if status == "published":
        record = schema.dump(schema.load(data))
    else:
        unknown = {key: ["Unknown field."] for key in data if key not in schema.fields}
        record, errors = load_draft(data)
        if errors or unknown:
            raise ValidationError({**errors, **unknown})
    budget = record.get("budget")
    if budget:
        budget["amount_eur"] = to_eur(budget.get("amount"), budget.get("currency"))
    return record


def message_paths(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as {"budget.currency": [...], "title": [...]}."""
    if isinstance(messages, dict):
        out: dict[str, list[str]] = {}
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                path = prefix or "_schema"
            for name, texts in message_paths(value, path).items():
                out.setdefault(name, []).extend(texts)
        return out
    if isinstance(messages, list):
        texts = [text for item in messages for text in flat_messages(item)]
        return {prefix or "_schema": texts} if texts else {}
    return {prefix or "_schema": [str(messages)]}


def flat_messages(messages: Any) -> list[str]:
    """Every message of a marshmallow error, in order."""
    if isinstance(messages, dict):
        return [text for value in messages.values() for text in flat_messages(value)]
    if isinstance(messages, list):
        return [text for value in messages for text in flat_messages(value)]
    return [messages if isinstance(messages, str) else str(messages)]  # a Message stays one
