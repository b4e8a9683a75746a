"""The benchmark tools: synthetic sheets and records agree and look real; the FTS5 baseline
counts, filters and ranks what a brute-force reading of the same records finds."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import pytest

from bench import synthetic
from bench.fts5 import Fts5Baseline, body_text, tokens
from importers.fields import parse_budget, parse_contact, parse_period
from importers.parse import parse_file
from kb.core.countries import country_code
from kb.core.money import eu_cofunded
from kb.core.languages import LANGUAGES
from kb.core.record import RecordSchema
from tests.samples.render import LAYOUTS
from kb.core.themes import themes_from_wording


@lru_cache(maxsize=1)
def practices() -> list[tuple[dict, dict]]:
    return list(synthetic.practices(2000))


def records() -> list[dict]:
    return [record for _, record in practices()]


def text_words(record: dict) -> int:
    return sum(len([w for w in (record[key] or "").split() if w != "-"])
               for key in synthetic.SECTIONS)


def test_records_are_valid_and_of_sheet_length():
    schema = RecordSchema()
    for record in records()[:300]:
        assert schema.dump(schema.load(record)) == record
        assert 600 <= text_words(record) <= 1200, record["title"]


def test_same_seed_same_sheets_other_seed_other_sheets():
    assert list(synthetic.records(20, seed=5)) == list(synthetic.records(20, seed=5))
    assert list(synthetic.sheets(5, seed=5)) == list(synthetic.sheets(5, seed=5))
    assert list(synthetic.records(30, seed=5))[:10] == list(synthetic.records(10, seed=5))
    other = list(synthetic.records(20, seed=6))
    assert not {r["context"] for r in other} & {r["context"] for r in synthetic.records(20, seed=5)}


def test_sheets_differ_from_each_other():
    texts = [r["context"] + r["activities"] for r in records()[:200]]
    assert len(set(texts)) == len(texts)
    assert len({r["title"] for r in records()[:200]}) >= 195


def test_distribution_looks_like_a_network_of_cities():
    rs = records()
    languages = Counter(r["language"] for r in rs)
    assert set(languages) == set(LANGUAGES)
    assert languages.most_common(1)[0][0] == "en"
    assert len({r["country"] for r in rs}) >= 25 and len({r["city"] for r in rs}) >= 140
    budgets = [r["budget"] for r in rs if r["budget"]]
    eu = sum(eu_cofunded(b["funding"], b["text"]) for b in budgets) / len(rs)
    assert 0.15 <= eu <= 0.35
    assert 0.05 <= 1 - len(budgets) / len(rs) <= 0.15
    assert 0.10 <= sum(b["currency"] != "EUR" for b in budgets) / len(budgets) <= 0.22
    eur = [b["amount_eur"] for b in budgets]
    assert sum(e < 10_000 for e in eur) > 100 and sum(e > 1_000_000 for e in eur) > 100
    assert 0.6 <= sum(r["evaluation"] is not None for r in rs) / len(rs) <= 0.8
    assert all(2000 <= r["start_year"] <= r["end_year"] <= r["start_year"] + 5 for r in rs)
    assert {len(r["themes"]) for r in rs} == {1, 2, 3}
    assert {len(r["partners"]) for r in rs} == {1, 2, 3, 4, 5}
    assert {len(r["target_groups"]) for r in rs} == {1, 2, 3}
    assert all(r["contact"]["email"].split("@")[1].count(".example.") == 1
               for r in rs if r["contact"])


def test_sheet_fields_read_back_as_the_record_says():
    """The importer's own field parsers, on what each sheet writes, give the record's values."""
    for sheet, r in practices():
        meta = sheet["meta"]
        assert themes_from_wording(meta["themes"]) == r["themes"], meta["themes"]
        assert country_code(meta["country"]) == r["country"], meta["country"]
        assert parse_period(meta["period"]) == (r["start_year"], r["end_year"]), meta["period"]
        assert parse_contact(meta["contact"]) == r["contact"]
        assert sheet["expected"]["themes"] == r["themes"]
        if "budget" in sheet["sections"]:
            text = "\n".join(item if isinstance(item, str) else
                             "\n".join(" | ".join(row) for row in item[1])
                             for item in sheet["sections"]["budget"])
            got, want = parse_budget(text, r["country"]), r["budget"]
            fields = ("amount", "currency", "amount_eur", "funding")
            assert (got and {k: got[k] for k in fields}) == (want and {k: want[k] for k in fields})
        else:
            assert r["budget"] is None


def _words(text: str | None) -> set[str]:
    return set(re.findall(r"\w+", (text or "").casefold().replace("-", "")))


def test_rendered_sheets_parse_to_the_records(tmp_path):
    paths = synthetic.write_files(len(LAYOUTS), tmp_path, seed=3)
    assert [p.name.split("-", 1)[0] for p in paths] == [f"{n:04d}" for n in range(1, 10)]
    assert {p.suffix for p in paths} == {".pdf", ".docx"}
    for layout, path, want in zip(LAYOUTS, paths, synthetic.records(len(LAYOUTS), seed=3)):
        result = parse_file(path)
        assert result.ok, (layout, result.error)
        got = result.record.to_dict()
        for field in ("title", "city", "country", "themes", "start_year", "end_year",
                      "organisation", "language", "partners", "target_groups", "contact"):
            assert got[field] == want[field], (layout, field)
        budget = got["budget"] and (got["budget"]["amount"], got["budget"]["currency"])
        assert budget == (want["budget"] and (want["budget"]["amount"], want["budget"]["currency"]))
        for key in synthetic.SECTIONS:
            have, expected = _words(got[key]), _words(want[key])
            assert have == expected == set() or len(have & expected) / len(have | expected) > 0.9, (
                layout, key)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """The baseline on 300 records, the records, and each record's set of terms."""
    base = Fts5Baseline(tmp_path_factory.mktemp("fts") / "fts.db")
    rs = list(synthetic.records(300, seed=4))
    base.load(rs)
    terms = [set(tokens(" ".join([r["title"], r["objectives"], body_text(r)]))) for r in rs]
    yield base, rs, terms
    base.close()


def _brute(terms: list[set[str]], query: str) -> list[int]:
    """Ids of the records holding all the terms of any word of the query (the baseline
    matches any word, as our search does)."""
    words = [set(tokens(word)) for word in query.split()]
    return [i for i, have in enumerate(terms, 1)
            if any(wanted and wanted <= have for wanted in words)]


def test_text_has_a_long_tail_of_rare_terms(baseline):
    _, _, terms = baseline
    frequency = Counter(t for have in terms for t in have if not t.isdigit())
    assert len(frequency) > 5000
    assert sum(n == 1 for n in frequency.values()) > 500


@pytest.mark.parametrize("query", ["mediation", "police", "radicalisation", "Jugendliche",
                                   "seguridad", "violence domestic", "drugs harm reduction",
                                   "\"quoted* (odd) -", "zzznothing"])
def test_search_counts_what_brute_force_finds(baseline, query):
    base, _, terms = baseline
    expected = _brute(terms, query)
    result = base.search(query, limit=500)
    assert result["total"] == len(expected)
    assert sorted(result["ids"]) == expected
    assert base.search(query, facets=True)["total"] == len(expected)


def test_facets_count_the_whole_match_set(baseline):
    base, rs, terms = baseline
    result = base.search("police", facets=True, limit=3)
    hits = _brute(terms, "police")
    assert result["total"] == len(hits) > 20 and len(result["ids"]) == 3
    for name in ("country", "city", "language", "start_year", "budget_band", "evaluated",
                 "eu_funded"):
        assert sum(result["facets"][name].values()) == len(hits), name
    assert result["facets"]["themes"] == dict(Counter(t for i in hits for t in rs[i - 1]["themes"]))
    assert result["facets"]["language"] == dict(Counter(rs[i - 1]["language"] for i in hits))
    assert result["facets"]["evaluated"][True] == sum(rs[i - 1]["evaluation"] is not None
                                                      for i in hits)
    counts = list(result["facets"]["city"].values())
    assert counts == sorted(counts, reverse=True)


def test_budget_filter_and_highlights(baseline):
    base, rs, terms = baseline
    result = base.search("police", budget_min=10_000, budget_max=200_000, highlight=True,
                         facets=True, limit=50)
    expected = [i for i in _brute(terms, "police") if rs[i - 1]["budget"]
                and 10_000 <= rs[i - 1]["budget"]["amount_eur"] <= 200_000]
    assert result["total"] == len(expected) > 0
    assert set(result["ids"]) <= set(expected)
    assert set(result["facets"]["budget_band"]) <= {"10-50k", "50-250k"}
    assert len(result["snippets"]) == len(result["ids"])
    assert all("<b>" in s and "police" in s.casefold() for s in result["snippets"])


def test_search_ranks_title_matches_first(baseline):
    base, rs, _ = baseline
    city = rs[0]["city"]
    ids = base.search(city, limit=300)["ids"]
    in_title = [i for i in ids if city.casefold() in rs[i - 1]["title"].casefold()]
    assert ids[:len(in_title)] == in_title


def test_similar_sheets_share_themes_more_than_chance(baseline):
    base, rs, _ = baseline
    themes = [set(r["themes"]) for r in rs]
    chance = sum(bool(a & b) for i, a in enumerate(themes) for b in themes[i + 1:]) / (
        len(themes) * (len(themes) - 1) / 2)
    shared = found = 0
    for sheet_id in range(1, 41):
        similar = base.similar(sheet_id, limit=5)
        assert sheet_id not in similar and len(similar) == 5
        shared += sum(bool(themes[sheet_id - 1] & themes[i - 1]) for i in similar)
        found += len(similar)
    assert shared / found > chance * 1.5
    assert base.size_bytes() > 0


def test_queries_are_distinct_short_and_mostly_found(baseline):
    qs = synthetic.queries(400)
    assert len(set(qs)) == 400 and qs == synthetic.queries(400)
    assert all(1 <= len(q.split()) <= 3 for q in qs)
    assert {len(q.split()) for q in qs} == {1, 2, 3}
    base, _, _ = baseline
    found = sum(base.search(q)["total"] > 0 for q in qs[:100])
    assert found >= 60
