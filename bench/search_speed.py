"""Index build and search latency of our Whoosh index against SQLite FTS5, on the same sheets.

For each size: generated records (bench/synthetic.py) go into a fresh knowledge base store,
the index is built from it (`KnowledgeBase.reindex`, timed: sheets/s and index size), and
the same records into an FTS5 database (bench/fts5.py). Then the same distinct 1-3 word
queries run on both, in five modes, each query once per mode (no result caches exist in
either; the first query of each mode is a warm-up and is not counted):

    plain       text query, ranked top 10, total count
    facets      + counts for every facet (ours: the 8 facets; FTS5: GROUP BY per facet)
    budget      + a budget range filter in EUR, with facets
    highlight   + a highlighted snippet per hit
    similar     "similar initiatives" for random sheets (ours: more-like-this over 15 key terms,
                fused with the nearest vectors)

With the model installed (the default) our searches include the vectors: the query's embedding
and the cosine over every sheet are in every figure; KB_SEMANTIC=off times words alone.

Prints p50/p95 in ms for each and the ratio ours/FTS5 (below 1: ours is faster).

    python bench/search_speed.py [--sizes 1000,10000,100000] [--queries 300] [--procs 2]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from fts5 import Fts5Baseline  # noqa: E402
from synthetic import queries as make_queries  # noqa: E402
from synthetic import records  # noqa: E402

from index.embedding import load_embedder  # noqa: E402
from kb.core.search_args import SearchRequest  # noqa: E402
from kb.service.knowledge_base import KnowledgeBase  # noqa: E402

MODES = ("plain", "facets", "budget", "highlight", "similar")
# Issue 12: faceted p95 under 30 ms at 10,000 sheets and 150 ms at 100,000, and below FTS5.
TARGET_P95_MS = {10_000: 30.0, 100_000: 150.0}


def embedding_name() -> str:
    model = load_embedder()
    return model.name if model else "none"


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(calls: list[Callable[[], object]]) -> list[float]:
    calls[0]()                     # warm-up, not counted
    out = []
    for call in calls[1:]:
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
    return out


def budget_range(rng: random.Random) -> tuple[float, float]:
    low = 10 ** rng.uniform(3.5, 5.5)
    return round(low), round(low * 10 ** rng.uniform(0.5, 1.5))


def build(size: int, procs: int, workdir: Path, home: Path):
    kb = KnowledgeBase(home, vector_builds="detached")
    start = time.perf_counter()
    with kb.store.transaction():
        for record in records(size, seed=1):
            kb.save(record, "published", sync=False)
    kb.store.clear_outbox(*kb.store.outbox())
    stored = time.perf_counter() - start
    start = time.perf_counter()
    kb.reindex(procs=procs, vectors=False)
    built = time.perf_counter() - start
    # The vectors, as the background catch-up makes them after an import (none when
    # KB_SEMANTIC=off).
    start = time.perf_counter()
    made = kb.vector_upkeep.catch_up()
    vector_seconds = time.perf_counter() - start
    fts = Fts5Baseline(workdir / f"fts-{size}.sqlite3")
    start = time.perf_counter()
    fts.load(records(size, seed=1))
    fts_built = time.perf_counter() - start
    return kb, fts, {
        "procs": procs, "stored_rate": size / stored, "index_rate": size / built,
        "index_seconds": built, "index_mb": folder_size(home / "index") / 2**20,
        "fts_rate": size / fts_built, "fts_seconds": fts_built,
        "fts_mb": fts.size_bytes() / 2**20,
        "vectors": made, "vector_seconds": vector_seconds,
        "vector_mb": (home / "vectors.sqlite3").stat().st_size / 2**20 if made else 0.0}


def run(size: int, query_count: int, procs: int, workdir: Path, build_only: bool) -> None:
    print(f"\n== {size:,} sheets ==", flush=True)
    home = workdir / f"kb-{size}"
    figures_file = workdir / f"build-{size}.json"
    if figures_file.exists():          # built by an earlier run with the same --workdir
        figures = json.loads(figures_file.read_text())
        kb = KnowledgeBase(home, vector_builds="detached")
        fts = Fts5Baseline(workdir / f"fts-{size}.sqlite3")
    else:
        kb, fts, figures = build(size, procs, workdir, home)
        figures_file.write_text(json.dumps(figures))
    print(f"store: {figures['stored_rate']:,.0f} sheets/s")
    print(f"index build (procs={figures['procs']}): {figures['index_rate']:,.0f} sheets/s "
          f"({figures['index_seconds']:.1f} s), size {figures['index_mb']:,.1f} MB")
    print(f"FTS5 build: {figures['fts_rate']:,.0f} sheets/s ({figures['fts_seconds']:.1f} s), "
          f"size {figures['fts_mb']:,.1f} MB", flush=True)
    if figures.get("vectors"):
        per_thousand = figures["vector_seconds"] / figures["vectors"] * 1000
        print(f"vectors ({embedding_name()}): {figures['vectors']:,} in "
              f"{figures['vector_seconds']:.1f} s ({per_thousand:.1f} s per 1,000 sheets), "
              f"file {figures['vector_mb']:,.1f} MB, {figures['vectors'] * 512 * 4 / 2**20:,.0f} "
              "MB as float32 in each searching process", flush=True)
    else:
        print("vectors: none (KB_SEMANTIC=off): search by words only", flush=True)

    if build_only:
        return
    words = make_queries(query_count + 1, seed=2)
    rng = random.Random(3)
    ranges = [budget_range(rng) for _ in words]
    ids = [item.id for item in kb.store.records()]
    picks = rng.sample(range(len(ids)), min(len(ids), query_count // 3 + 1))

    def ours(mode: str) -> list[Callable[[], object]]:
        if mode == "similar":
            return [lambda i=i: kb.similar(ids[i]) for i in picks]
        calls = []
        for q, (low, high) in zip(words, ranges):
            request = SearchRequest(q=q, facets=mode != "plain")
            if mode == "budget":
                request.budget_min, request.budget_max = low, high
            calls.append(lambda r=request, h=mode == "highlight": kb.search(r, highlight=h))
        return calls

    def theirs(mode: str) -> list[Callable[[], object]]:
        if mode == "similar":
            return [lambda i=i: fts.similar(i + 1) for i in picks]
        calls = []
        for q, (low, high) in zip(words, ranges):
            options = {"facets": mode != "plain", "highlight": mode == "highlight"}
            if mode == "budget":
                options.update(budget_min=low, budget_max=high)
            calls.append(lambda q=q, o=options: fts.search(q, **o))
        return calls

    print(f"{'mode':<10} {'ours p50':>9} {'ours p95':>9} {'fts5 p50':>9} {'fts5 p95':>9} "
          f"{'ratio p50':>9} {'ratio p95':>9}   ({len(words) - 1} queries)")
    for mode in MODES:
        mine = timed(ours(mode))
        base = timed(theirs(mode))
        m50, m95, b50, b95 = (percentile(mine, .5), percentile(mine, .95),
                              percentile(base, .5), percentile(base, .95))
        print(f"{mode:<10} {m50:9.1f} {m95:9.1f} {b50:9.1f} {b95:9.1f} {m50 / b50:9.2f} "
              f"{m95 / b95:9.2f}", flush=True)
        if mode == "facets" and size in TARGET_P95_MS:
            target = TARGET_P95_MS[size]
            verdict = "met" if m95 < target and m95 / b95 < 1 else "NOT MET"
            print(f"  target: faceted p95 < {target:.0f} ms and below FTS5: {verdict}")
    kb.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--workdir", type=Path, help="keep the databases here; a later run "
                        "with the same folder reuses them and only times the queries")
    parser.add_argument("--build-only", action="store_true", help="build, do not query")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kb-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        for size in sizes:
            run(size, args.queries, args.procs, workdir, args.build_only)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
