"""Generated hostile searches (issue 15): 2,000 queries and parameter sets over every public
search endpoint, built from the pieces of the query language (operators, field names known
and unknown, brackets, quotes, wildcards, boosts, ranges), words of the sheets, control
characters and other scripts. No answer may be a server error, and streamed exports must
run to their end."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.schema import FIELD_ALIASES, make_schema
from kb.core.facets import FACETS
from kb.core.search_args import RANGE_ARGS, SORTS
from web.app import create_app

EXAMPLES = 2000
ENDPOINTS = ("/", "/search", "/api/search", "/api/facets", "/analysis", "/feed.atom",
             "/export.csv", "/export.json")
FIELDS = sorted({*FIELD_ALIASES, *make_schema().names(), "unknown", "stamp", "id", "*"})
SYNTAX = ["AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO", "to", "(", ")", "[", "]", "{", "}",
          '"', "'", "*", "?", "~", "~2", "^", "^9", "^-1", ":", "\\", "-", "+", "*:*", "<", ">",
          "&", "%", "\x00", "\r\n", "\t", "\u202e", "\ufeff", "💥", "漢字", "Ελληνικά"]
WORDS = ["night", "stewards", "youth", "prévention", "sécurité", "seniors", "pre", "sec",
         "the", "de", "a", "x", "2019", "0", "-1", "1e308", "nan", "zzzz"]

token = st.one_of(
    st.sampled_from(SYNTAX),
    st.sampled_from(WORDS),
    st.builds(lambda field, word: f"{field}:{word}", st.sampled_from(FIELDS),
              st.sampled_from(WORDS + SYNTAX)),
    st.builds(lambda word, suffix: word + suffix, st.sampled_from(WORDS),
              st.sampled_from(["*", "~", "?", "^2", '"', ")", ":"])),
    st.builds(lambda a, b, o, c: f"{o}{a} TO {b}{c}", st.sampled_from(WORDS),
              st.sampled_from(WORDS), st.sampled_from("[{"), st.sampled_from("]}")),
    st.text(max_size=6),
)
queries = st.one_of(
    st.lists(token, max_size=12).map(" ".join),
    st.lists(token, max_size=12).map("".join),
    st.text(max_size=40),
    st.builds(lambda part, times: (part + " ") * times, token, st.integers(1, 120)),
)
values = st.one_of(st.sampled_from(WORDS + SYNTAX + ["", "FR", "nightlife", "10 000"]),
                   st.text(max_size=8), st.integers(-10**12, 10**12).map(str))
extra_params = st.dictionaries(
    st.sampled_from([facet.param for facet in FACETS] + list(RANGE_ARGS)
                    + ["sort", "page", "limit", "verbatim", "lang", "facet_limit", "next"]),
    st.one_of(values, st.sampled_from(SORTS)), max_size=4)


@pytest.fixture(scope="module")
def client(corpus):
    app = create_app({"KB_HOME": corpus.home, "TESTING": True})
    yield app.test_client()
    app.extensions["knowledge_base"].close()


@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(endpoint=st.sampled_from(ENDPOINTS), q=queries, params=extra_params)
def test_no_generated_search_answers_a_server_error(client, endpoint, q, params):
    response = client.get(endpoint, query_string={"q": q, **params})
    body = response.get_data()                # a streamed export runs to its end here
    assert response.status_code < 500, (endpoint, q, params, body[:300])
    if response.status_code == 200 and endpoint == "/export.json":
        json.loads(body)                      # whole, not cut mid-stream
    if response.status_code == 200 and endpoint == "/api/search":
        assert isinstance(json.loads(body)["hits"], list)
