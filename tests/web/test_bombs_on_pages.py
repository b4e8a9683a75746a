"""The expansion bombs and the queries that once gave a 500 (issue 15, items 1 and 3), through
every public page that searches: each answers, and an unknown field is searched as a plain word;
a query that answered 500 is searched, and its exports hold every sheet the search finds (the
CSV export once answered 200 with only its header row, the JSON export was cut mid-stream)."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from kb.core.search_args import MAX_LIMIT
from web.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from expansion_bombs import BOMBS  # noqa: E402

PAGES = ("/", "/search", "/api/search", "/api/facets", "/analysis", "/feed.atom",
         "/export.csv", "/export.json")
# Queries that once answered 500: an unknown field, phrases on keyword fields.
ONCE_FAILED = ["stamp:night", "stamp:harbour night", 'theme:"night safe"',
               'themes:"nightlife mediation"']


@pytest.fixture(scope="module")
def client(corpus):
    app = create_app({"KB_HOME": corpus.home, "TESTING": True})
    yield app.test_client()
    app.extensions["knowledge_base"].close()


def whole(client, page: str, q: str) -> bytes:
    response = client.get(page, query_string={"q": q})
    body = response.get_data()                # a streamed export runs to its end here
    assert response.status_code == 200, (page, q, body[:300])
    return body


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_every_expansion_bomb_is_answered_by_every_page(client, bomb):
    for page in PAGES:
        body = whole(client, page, BOMBS[bomb])
        if page == "/export.json":
            assert isinstance(json.loads(body), list)
        elif page.startswith("/api/"):
            assert "error" not in json.loads(body)


def csv_ids(body: bytes) -> list[str]:
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    return [row["url"].rsplit("/", 1)[1] for row in rows]


def all_ids(client, q: str) -> list[str]:
    response = client.get("/api/search", query_string={"q": q, "limit": MAX_LIMIT})
    assert response.status_code == 200, (q, response.data[:300])
    answer = json.loads(response.data)
    assert answer["total"] <= MAX_LIMIT       # the corpus is small: one page holds them all
    return sorted(hit["id"] for hit in answer["hits"])


@pytest.mark.parametrize("query", ONCE_FAILED)
def test_a_query_that_once_failed_is_searched_and_exported_whole(client, query):
    found = all_ids(client, query)
    assert found, f"{query!r} finds sheets of the corpus"
    assert sorted(csv_ids(whole(client, "/export.csv", query))) == found
    exported = json.loads(whole(client, "/export.json", query))
    assert sorted(entry["id"] for entry in exported) == found
    assert "<entry>" in whole(client, "/feed.atom", query).decode()
    facets = json.loads(whole(client, "/api/facets", query))
    assert sum(bucket["count"] for bucket in facets["facets"]["language"]) == len(found)


def test_an_unknown_field_is_searched_as_a_plain_word(client):
    assert all_ids(client, "stamp:night") == all_ids(client, "stamp night")
    assert all_ids(client, "stamp:harbour night") == all_ids(client, "stamp harbour night")
