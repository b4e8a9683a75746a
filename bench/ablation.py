"""Relevance with and without each search mechanism: bench/relevance.py once per variant.

Each variant switches one mechanism off in the `kb` processes the relevance bench starts (a
sitecustomize module on PYTHONPATH patches it at start-up: nothing in the product reads a
switch), so every figure comes from the same sheets, queries and judgments:

    all           everything on
    no-concepts   the thesaurus is not looked up at query time
    no-expansion  a concept does not search its terms in each language's field
    no-themes     no broader themes of concepts, no themes named by a word
    no-spelling   no spelling correction
    no-dismax     a word found in several languages' fields adds up (instead of counting once,
                  with its document frequency over all of them)
    no-window     sheets name a concept only by a term's exact words (no stems within a window)
    no-vectors    no search by meaning (KB_SEMANTIC=off): words, vocabularies, spelling only
    rerank-only   meaning re-ranks the words' matches but adds no sheet of its own
    vectors-only  the ranking by meaning alone (the words still decide which sheets match)
    no-exact      a word written as typed weighs as another word of its stem (EXACT_BONUS 0)
    no-regroup    the first word of a group scored as Whoosh's parser leaves it (a sum over
                  the languages' fields)

    python bench/ablation.py [--variants all,no-concepts,...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

PATCHES = {
    "all": "",
    "no-concepts": "import index.query as q\nq.find_concepts = lambda words: []\n",
    "no-expansion": "import index.searching as s\ns.widen_concepts = lambda parsed: parsed\n",
    "no-themes": ("import index.query as q\n"
                  "q.broader_themes = lambda concept_id: ()\n"
                  "q.themes_from_wording = lambda word: []\n"),
    "no-spelling": "import index.searching as s\ns.suggest = lambda *args, **kwargs: None\n",
    "no-dismax": ("import index.matching as m\n"
                  "_walk = m.scoring_terms\n"
                  "def flat(query):\n"
                  "    return m.Scoring('sum', list(_walk(query).leaves()))\n"
                  "m.scoring_terms = flat\n"
                  "import index.searching as s\ns.scoring_terms = flat\n"),
    "no-window": "import index.schema as s\ns.concepts_near = lambda text, language: set()\n",
    "no-vectors": "import os\nos.environ['KB_SEMANTIC'] = 'off'\n",
    "rerank-only": "import index.searching as s\ns.MEANING_DEPTH = 0\n",
    "vectors-only": ("import index.searching as s\n_fuse = s.fuse\n"
                     "s.fuse = lambda rankings, k=s.RRF_K: _fuse(rankings[1:], k)\n"),
    "no-exact": "import index.searching as s\ns.EXACT_BONUS = 0.0\n",
    "no-regroup": "import index.query as q\nq._regrouped = lambda children: children\n",
}


def figures(variant: str, queries: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "sitecustomize.py").write_text(PATCHES[variant])
        env = {**os.environ,
               "PYTHONPATH": os.pathsep.join(filter(None, [tmp, os.environ.get("PYTHONPATH")]))}
        extra = ["--queries", str(queries)] if queries else []
        done = subprocess.run([sys.executable, str(HERE / "relevance.py"), "--json", *extra],
                              capture_output=True, text=True, env=env)
    if done.returncode:
        raise SystemExit(f"{variant}: relevance.py failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default=",".join(PATCHES))
    parser.add_argument("--queries", type=Path, help="judged queries for relevance.py "
                        "(e.g. bench/relevance/heldout.json)")
    args = parser.parse_args()
    variants = [name.strip() for name in args.variants.split(",") if name.strip()]
    unknown = [name for name in variants if name not in PATCHES]
    if unknown:
        parser.error(f"unknown variant(s) {', '.join(unknown)}; known: {', '.join(PATCHES)}")
    print(f"{'variant':<14} {'nDCG@10':>8} {'R@10(2)':>8} {'0-hit':>6}   nDCG@10 by kind")
    for variant in variants:
        result = figures(variant, args.queries)["kb"]["by_kind"]
        overall = result.pop("overall")
        kinds = " ".join(f"{kind} {row['ndcg']:.2f}" for kind, row in result.items())
        print(f"{variant:<14} {overall['ndcg']:>8.3f} {overall['recall_high']:>8.3f} "
              f"{overall['zero_hits']:>6}   {kinds}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
