"""The worst case of the query language: queries built to expand to as many terms as they can.

Each query of BOMBS runs through the whole search a page makes (the service's
KnowledgeBase.search: parse, expansion, matching, facets, ranking, snippets), --repeat times
after one warm-up; the slowest run of each counts. A knowledge base of generated sheets is
built like bench/search_speed.py's (--size, --workdir), or given (--home). Prints each
query's worst time, the median of those and the worst of all, against the target (TARGET_MS
at 10,000 sheets); exits 1 when a query fails or the worst is over the target. Search by
meaning counts when it is on (KB_SEMANTIC, and the home's vectors): the bench says which.

    python bench/expansion_bombs.py [--home DIR | --size 10000 --workdir DIR] [--repeat 3]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from search_speed import build  # noqa: E402

from index.embedding import load_embedder  # noqa: E402
from kb.core.search_args import MAX_QUERY_LENGTH, SearchRequest  # noqa: E402
from kb.service.knowledge_base import KnowledgeBase  # noqa: E402

TARGET_MS = 200.0


def _fill(parts, limit: int = MAX_QUERY_LENGTH) -> str:
    """As many of the parts as fit in one query."""
    out = ""
    for part in parts:
        if len(out) + len(part) + 1 > limit:
            break
        out = f"{out} {part}".strip()
    return out


def _syllables(suffix: str = "*", field: str = "") -> list[str]:
    return [f"{field}{a}{b}{c}{suffix}" for a, b, c in
            itertools.product("pcsdmrtaefilnbg", "aeiou", "nrstlcm")]


BOMBS: dict[str, str] = {
    "range, no field": "[a TO z]",
    "range on a field": "partners:[0 TO zzzz]",
    "ranges without spaces": _fill(f"{f}:[0TOzzzz]" for f in
                                   itertools.cycle(("partners", "target", "organisation",
                                                    "city", "title", "country"))),
    "open ranges": _fill(itertools.repeat("{a TO} [TO z] title:{TO}")),
    "wildcards": _fill(itertools.repeat("*a* ?e?? s*c*r*t* title:*o*")),
    "fuzzy terms": _fill(f"{w}~2" for w in itertools.cycle(("security", "prevention",
                                                             "youth", "night", "police"))),
    "every document": "*:*",
    "one short prefix": "pre*",
    "prefixes": _fill(_syllables()),
    "prefixes of a field": _fill(_syllables(field="title:")),
    "prefixes of every field": _fill(f"{f}:{s}" for f, s in zip(
        itertools.cycle(("title", "city", "organisation", "partners", "target", "country")),
        _syllables())),
    "two-letter prefixes": _fill(f"{a}{b}*" for a, b in itertools.product("pcsdmrt", "aeiou")),
    "long phrase": '"' + _fill(itertools.repeat("the city and the police of the"), 480) + '"',
    "many phrases": _fill(itertools.repeat('"night time" "public space"')),
    "common words": _fill(itertools.repeat("the of and in to for with city project")),
    "unknown words": _fill(f"zq{a}{b}x" for a, b in itertools.product("abcdefgh", "aeiou")),
    "nesting": "(" * 120 + "night" + ")" * 120,
    "operators": _fill(itertools.repeat("night AND NOT youth OR")),
    "unknown fields": _fill(f"stamp:{s}" for s in _syllables("")),
    "keyword phrases": _fill(itertools.repeat('theme:"a b" concepts:"x y"')),
    "boosts": _fill(f"{w}^999999" for w in itertools.cycle(("night", "youth", "city"))),
}


def run(kb: KnowledgeBase, repeat: int) -> float:
    worsts = []
    failed = False
    embedder = load_embedder()
    vectors = len(kb.vectors.stamps(embedder.name)) if embedder else 0
    print(f"search by meaning: {'on, ' + embedder.name if embedder else 'off (KB_SEMANTIC)'}"
          + (f", {vectors:,} vectors" if embedder else ""))
    kb.search(SearchRequest(q="night"))              # loads the index (and the vectors)
    # first: the query never seen before (with meaning on, the model embeds it then; an
    # attacker sends new queries); worst: of the first and the --repeat runs after it; cpu:
    # this process's CPU time of the worst run, which the load of a shared machine does not
    # stretch as it stretches the wall-clock time.
    print(f"{'query':<26} {'chars':>5} {'hits':>6} {'first ms':>9} {'worst ms':>9} "
          f"{'cpu ms':>7}")
    cpus = []
    for name, q in BOMBS.items():
        times = []
        try:
            for _ in range(1 + repeat):
                start, start_cpu = time.perf_counter(), time.process_time()
                result = kb.search(SearchRequest(q=q))
                times.append(((time.perf_counter() - start) * 1000,
                              (time.process_time() - start_cpu) * 1000))
        except Exception as exc:                     # the bench reports every failure
            print(f"{name:<26} FAILED: {type(exc).__name__}: {exc}")
            failed = True
            continue
        worst, cpu = max(times)
        worsts.append(worst)
        cpus.append(cpu)
        print(f"{name:<26} {len(q):>5} {result['total']:>6} {times[0][0]:>9.1f} {worst:>9.1f} "
              f"{cpu:>7.1f}", flush=True)
    worst_all = max(worsts, default=0.0)
    verdict = "met" if worst_all < TARGET_MS and not failed else "NOT MET"
    print(f"median of the bombs' worst times: {statistics.median(worsts or [0.0]):.1f} ms "
          f"(CPU {statistics.median(cpus or [0.0]):.1f} ms)")
    print(f"worst expansion bomb: {worst_all:.1f} ms, CPU {max(cpus, default=0.0):.1f} ms "
          f"(target < {TARGET_MS:.0f} ms): {verdict}")
    return worst_all if not failed else float("inf")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="an existing knowledge base")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--procs", type=int, default=2)
    args = parser.parse_args()
    if args.home:
        kb = KnowledgeBase(args.home)
    else:
        workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kb-bombs-"))
        home = workdir / f"kb-{args.size}"
        kb = KnowledgeBase(home) if (home / "kb.sqlite3").exists() else \
            build(args.size, args.procs, workdir, home)[0]
    with kb:
        print(f"{kb.store.count():,} sheets in {kb.home}")
        worst = run(kb, args.repeat)
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
