"""Search relevance on a judged collection: `kb search` against an SQLite FTS5 any-word baseline.

The collection (bench/relevance/, see its README) is some 60 practice sheets written by hand in
seven languages and some 60 practitioner queries judged against every sheet (2 highly relevant,
1 relevant). It was made without looking at the thesaurus or the index code, so the figures
say how the search serves questions nobody tuned it on.

What it does, and why this way:

1. Renders the sheets to Word and PDF (bench/relevance/generate.py) when the rendered files
   are missing or older than their content, so the records searched are the ones the real
   importer makes from real-looking files.
2. Imports them with `kb import` into a temporary knowledge base (imported sheets are
   published, so search sees them), and reads the records back with `kb export`: the
   export maps each record id to its source file, whose stem is the sheet's key in the
   judgments.
3. Runs every query through `kb search --json` with its facet filters, as a user would.
4. Runs the same queries on bench/fts5.py's Fts5Baseline loaded with the same exported
   records, matching ANY word of the query (OR) and ranking by the baseline's weighted BM25;
   the filters are applied to the same records as imported. An all-words baseline would
   answer most natural questions with nothing, which says little; any-word BM25 is the
   plain engine a search has to beat.
5. Scores both: nDCG@10 (gain 2^grade - 1, ideal ranking from the judgments), recall@10 of
   the highly relevant sheets, and the number of queries that have a highly relevant sheet
   and got no hit at all; per query kind and overall.

    python bench/relevance.py               # table and a one-line summary
    python bench/relevance.py --per-query   # also each query's nDCG and top 5 stems
    python bench/relevance.py --json        # the figures as JSON
    python bench/relevance.py --keep DIR    # keep the knowledge base and FTS5 database in DIR
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLLECTION = HERE / "relevance"
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(COLLECTION))

import generate  # noqa: E402  (bench/relevance/generate.py)
from fts5 import Fts5Baseline, tokens  # noqa: E402

K = 10
KINDS = ("keywords", "question", "paragraph", "synonym", "crosslingual", "filter",
         "misspelling")
FILTERS = ("theme", "country", "language")  # the kb search options queries.json may use
KB = [sys.executable, "-m", "kb.cli"]  # the kb of this interpreter, installed or not


class BenchError(Exception):
    """A step of the benchmark failed; the message says which and why."""


# ------------------------------------------------------------------------------- the kb side
def kb(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*KB, "--home", str(home), *args], capture_output=True, text=True)


def import_sheets(home: Path, files: Path) -> dict:
    """`kb import` of the rendered files; returns the report (every file's outcome)."""
    report = home.parent / "import-report.json"
    done = kb(home, "import", str(files), "--report", str(report), "--quiet")
    if not report.exists():
        raise BenchError(f"kb import wrote no report: {done.stderr.strip() or done.stdout.strip()}")
    # The import leaves the vectors to a background process; wait for them as a user would
    # wait for the search by meaning to be ready (nothing to do with KB_SEMANTIC=off).
    built = kb(home, "vectors", "--quiet")
    if built.returncode != 0:
        raise BenchError(f"kb vectors failed: {built.stderr.strip()}")
    return json.loads(report.read_text("utf-8"))


def export_records(home: Path) -> dict[str, dict]:
    """Record id -> {"stem", "status", "record"} from `kb export`."""
    done = kb(home, "export", "--status", "all")
    if done.returncode != 0:
        raise BenchError(f"kb export failed: {done.stderr.strip()}")
    out = {}
    for line in done.stdout.splitlines():
        if line.strip():
            row = json.loads(line)
            stem = Path(row["record"]["source"]["filename"]).stem
            out[row["id"]] = {"stem": stem, "status": row["status"], "record": row["record"]}
    return out


def filter_options(filters: dict) -> list[str]:
    options = []
    for name in FILTERS:
        for value in filters.get(name, []):
            options += [f"--{name}", value]
    return options


def kb_search(home: Path, query: dict, stems: dict[str, str]) -> dict:
    """The ranked stems (top K) and total of `kb search --json` for one query."""
    done = kb(home, "search", "--json", "--limit", str(K), *filter_options(query["filters"]),
              "--", query["query"])
    if done.returncode != 0:
        return {"stems": [], "total": 0, "error": done.stderr.strip() or done.stdout.strip()}
    answer = json.loads(done.stdout)
    ranked = [stems.get(hit["id"], "?" + hit["id"]) for hit in answer["hits"]]
    return {"stems": ranked, "total": answer["total"], "suggestion": answer.get("suggestion"),
            "fallback": bool(answer.get("query_fallback"))}


# ---------------------------------------------------------------------------- the FTS5 side
def passes(record: dict, filters: dict) -> bool:
    """Whether a record passes the facet filters as kb applies them (any value of a facet)."""
    if filters.get("theme") and not set(filters["theme"]) & set(record.get("themes") or []):
        return False
    if filters.get("country") and record.get("country") not in filters["country"]:
        return False
    if filters.get("language") and record.get("language") not in filters["language"]:
        return False
    return True


def any_word(query: str) -> str | None:
    """An FTS5 expression matching any word of the query, each word a quoted string."""
    words = list(dict.fromkeys(tokens(query)))
    return " OR ".join(f'"{w}"' for w in words) or None


def fts5_search(base: Fts5Baseline, query: dict, records: list[dict]) -> dict:
    """Ranked stems (top K) and total for one query: any word, weighted BM25, then filters."""
    expression = any_word(query["query"])
    if expression is None:
        return {"stems": [], "total": 0}
    # Fts5Baseline.search requires every word; the OR match uses its table and its rank.
    rows = base.db.execute("SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rank",
                           [expression]).fetchall()
    kept = [records[rowid - 1] for (rowid,) in rows
            if passes(records[rowid - 1]["record"], query["filters"])]
    return {"stems": [r["stem"] for r in kept[:K]], "total": len(kept)}


# ---------------------------------------------------------------------------------- scores
def dcg(grades: Iterable[int]) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def score(ranked: list[str], judgments: dict[str, int], total: int) -> dict:
    """nDCG@K, recall@K of the grade-2 sheets, and whether nothing at all was found."""
    ideal = dcg(sorted(judgments.values(), reverse=True)[:K])
    gained = dcg(judgments.get(stem, 0) for stem in ranked[:K])
    high = {s for s, g in judgments.items() if g == 2}
    return {"ndcg": gained / ideal if ideal else 0.0,
            "recall_high": len(high & set(ranked[:K])) / len(high) if high else 0.0,
            "zero_hits": bool(high) and total == 0}


def summarise(rows: list[dict]) -> dict:
    n = len(rows)
    return {"queries": n,
            "ndcg": sum(r["ndcg"] for r in rows) / n if n else 0.0,
            "recall_high": sum(r["recall_high"] for r in rows) / n if n else 0.0,
            "zero_hits": sum(r["zero_hits"] for r in rows)}


def figures(queries: list[dict], results: dict[str, dict[str, dict]]) -> dict:
    """{engine: {kind or "overall": summary}} over the scored results."""
    out = {}
    for engine, by_query in results.items():
        scored = {q["id"]: score(by_query[q["id"]]["stems"], q["judgments"],
                                 by_query[q["id"]]["total"]) | {"kind": q["kind"]}
                  for q in queries}
        table = {kind: summarise([s for s in scored.values() if s["kind"] == kind])
                 for kind in KINDS if any(q["kind"] == kind for q in queries)}
        table["overall"] = summarise(list(scored.values()))
        out[engine] = {"by_kind": table, "per_query": scored}
    return out


# ---------------------------------------------------------------------------------- report
def print_table(result: dict) -> None:
    kb_, fts = result["kb"]["by_kind"], result["fts5"]["by_kind"]
    print(f"{'kind':<13} {'n':>3}  {'nDCG@10 kb':>10} {'fts5':>6}  "
          f"{'R@10(2) kb':>10} {'fts5':>6}  {'0-hit kb':>8} {'fts5':>5}")
    for kind in kb_:
        a, b = kb_[kind], fts[kind]
        if kind == "overall":
            print("-" * 72)
        print(f"{kind:<13} {a['queries']:>3}  {a['ndcg']:>10.3f} {b['ndcg']:>6.3f}  "
              f"{a['recall_high']:>10.3f} {b['recall_high']:>6.3f}  "
              f"{a['zero_hits']:>8} {b['zero_hits']:>5}")


def print_per_query(queries: list[dict], result: dict, results: dict) -> None:
    print()
    for q in queries:
        filters = " ".join(f"{k}={','.join(v)}" for k, v in q["filters"].items() if v)
        text = q["query"] if len(q["query"]) <= 70 else q["query"][:67] + "..."
        print(f"{q['id']} [{q['kind']}, {q['language']}{', ' + filters if filters else ''}] {text}")
        for engine in ("kb", "fts5"):
            got = results[engine][q["id"]]
            marks = [f"{s}({q['judgments'][s]})" if s in q["judgments"] else s
                     for s in got["stems"][:5]]
            print(f"    {engine:<4} nDCG {result[engine]['per_query'][q['id']]['ndcg']:.3f}  "
                  f"total {got['total']:>2}  " + (", ".join(marks) or "(no hits)"))
            if got.get("suggestion"):  # not followed: the figures score the query as typed
                print(f"         did you mean: {got['suggestion']}")
            if got.get("error"):
                print(f"         error: {got['error']}")


def notes(queries: list[dict], records: list[dict], report: dict) -> list[str]:
    """What a reader of the figures should know: import problems, filters hiding judged sheets."""
    out = []
    counts = report.get("counts", {})
    if counts.get("imported", 0) != len(records) or any(
            counts.get(k) for k in ("rejected", "draft", "duplicate")):
        out.append("import: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    for item in report.get("files", []):
        if item.get("outcome") == "rejected":
            out.append(f"rejected {Path(item['file']).name}: {item.get('error_message')}")
    for item in report.get("files", []):
        for warning in item.get("warnings") or []:
            out.append(f"import warning {Path(item['file']).name}: {warning}")
    unpublished = [r["stem"] for r in records if r["status"] != "published"]
    if unpublished:
        out.append("not published (search does not see them): " + ", ".join(unpublished))
    by_stem = {r["stem"]: r["record"] for r in records}
    for q in queries:
        if not any(q["filters"].values()):
            continue
        hidden = [s for s in q["judgments"]
                  if s in by_stem and not passes(by_stem[s], q["filters"])]
        if hidden:
            out.append(f"{q['id']}: judged relevant but outside its filter as imported: "
                       + ", ".join(hidden))
    missing = sorted({s for q in queries for s in q["judgments"]} - set(by_stem))
    if missing:
        out.append("judged sheets missing from the knowledge base: " + ", ".join(missing))
    return out


# ------------------------------------------------------------------------------------ main
def run(work: Path, queries_file: Path = COLLECTION / "queries.json"
        ) -> tuple[list[dict], dict, dict, list[str]]:
    queries = json.loads(queries_file.read_text("utf-8"))["queries"]
    if generate.stale():
        generate.main([])
    home = work / "kb"
    if home.exists():  # a kept folder from an earlier run: judge a fresh import, not "unchanged"
        shutil.rmtree(home)
    report = import_sheets(home, generate.RENDERED)
    exported = export_records(home)
    stems = {rid: row["stem"] for rid, row in exported.items()}
    records = sorted(exported.values(), key=lambda r: r["stem"])

    base = Fts5Baseline(work / "fts5.db")
    try:
        base.load(r["record"] for r in records)
        fts = {q["id"]: fts5_search(base, q, records) for q in queries}
    finally:
        base.close()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        ours = dict(zip([q["id"] for q in queries],
                        pool.map(lambda q: kb_search(home, q, stems), queries)))
    results = {"kb": ours, "fts5": fts}
    return queries, results, figures(queries, results), notes(queries, records, report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--per-query", action="store_true",
                        help="also each query's nDCG@10 and top 5 stems, for both engines")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="build the knowledge base and FTS5 database in DIR and keep them")
    parser.add_argument("--queries", type=Path, default=COLLECTION / "queries.json",
                        help="the judged queries (default bench/relevance/queries.json; the "
                        "held-out set never tuned on: bench/relevance/heldout.json)")
    args = parser.parse_args(argv)
    try:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            queries, results, result, remarks = run(args.keep, args.queries)
        else:
            with tempfile.TemporaryDirectory(prefix="kb-relevance-") as tmp:
                queries, results, result, remarks = run(Path(tmp), args.queries)
    except BenchError as exc:
        print(f"relevance: {exc}", file=sys.stderr)
        return 2
    if args.json:
        payload = {engine: result[engine] for engine in result}
        payload["k"] = K
        payload["sheets"] = len(list(generate.SHEETS.glob("*.json")))
        payload["notes"] = remarks
        if args.per_query:
            for engine in ("kb", "fts5"):
                for qid, got in results[engine].items():
                    payload[engine]["per_query"][qid]["top"] = got["stems"]
                    payload[engine]["per_query"][qid]["total"] = got["total"]
        else:
            for engine in ("kb", "fts5"):
                del payload[engine]["per_query"]
        print(json.dumps(payload, indent=1, ensure_ascii=False))
        return 0
    sheets = len(list(generate.SHEETS.glob("*.json")))
    print(f"Search relevance: {len(queries)} judged queries over {sheets} sheets "
          f"(kb search vs SQLite FTS5 any-word BM25)\n")
    print_table(result)
    if args.per_query:
        print_per_query(queries, result, results)
    for remark in remarks:
        print("note: " + remark)
    a, b = result["kb"]["by_kind"]["overall"], result["fts5"]["by_kind"]["overall"]
    print(f"\nkb nDCG@10 {a['ndcg']:.3f} vs FTS5 {b['ndcg']:.3f} "
          f"({a['ndcg'] - b['ndcg']:+.3f}); recall@10 of highly relevant {a['recall_high']:.3f} "
          f"vs {b['recall_high']:.3f}; zero-hit queries {a['zero_hits']} vs {b['zero_hits']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
