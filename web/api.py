"""The JSON API: the same parameters as the pages, the same JSON as `kb search --json`.

    GET /api/search               total, page, limit, hits, facets, suggestion
    GET /api/facets               total and facet counts of a search (no hits)
    GET /api/sheets/<id>          id, status, record (as RecordSchema dumps it), provenance
    GET /api/sheets/<id>/similar  hits: the five most similar published sheets

Facet buckets are {value, label, count, selected}, labelled in the interface's language (the
`lang` cookie, else Accept-Language; `kb search --json` labels in English).

Errors: 400 {"error": {"field", "message"}} for a bad parameter, 404 {"error": {"message"}}
for an unknown id.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _

from kb.core.record import RecordSchema
from web import i18n
from web.knowledge import knowledge_base
from index.highlight import html_snippets
from kb.core.errors import BadParameter
from web.params import search_request

blueprint = Blueprint("api", __name__)
MAX_SIMILAR = 20


@blueprint.get("/search")
def search() -> Any:
    found = knowledge_base().search(search_request(request.args), **i18n.labelling())
    return jsonify({**found, "hits": html_snippets(found["hits"])})


@blueprint.get("/facets")
def facets() -> Any:
    found = knowledge_base().search(search_request(request.args, limit=1), highlight=False,
                                   **i18n.labelling())
    return jsonify({"total": found["total"], "facets": found["facets"]})


@blueprint.get("/sheets/<record_id>")
def sheet(record_id: str) -> Any:
    data = knowledge_base().sheet_json(record_id)
    data["record"] = RecordSchema().dump(data["record"])
    return jsonify(data)


@blueprint.get("/sheets/<record_id>/similar")
def similar(record_id: str) -> Any:
    raw = request.args.get("limit", "5")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_SIMILAR:
        raise BadParameter("limit", _("limit must be a whole number from 1 to %(max)s.",
                                      max=MAX_SIMILAR))
    return jsonify({"hits": html_snippets(knowledge_base().similar(record_id, int(raw)))})
