"""How good "similar initiatives" are on the judged collection's sheets (bench/relevance/).

Imports the collection with `kb import` (as bench/relevance.py does), asks `kb similar` for
the top 5 neighbours of every sheet, and prints:

- the share of neighbours that share a theme with the sheet (target: at least 85%);
- how many sheets get at least one neighbour in another language, overall and for the
  sheets of each language (target: most sheets of a language with few sheets).

Themes are the ones the importer gave each record, so the figure also depends on them.

    python bench/similar_quality.py [--limit 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _relevance():
    """bench/relevance.py (its folder bench/relevance/ has the same name, so by path)."""
    spec = importlib.util.spec_from_file_location("relevance_bench", HERE / "relevance.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=5, help="neighbours per sheet (default 5)")
    args = parser.parse_args()
    relevance = _relevance()
    with tempfile.TemporaryDirectory() as tmp:
        if relevance.generate.stale():
            relevance.generate.main([])
        home = Path(tmp) / "kb"
        relevance.import_sheets(home, relevance.generate.RENDERED)
        records = relevance.export_records(home)
        neighbours = {}
        for record_id in records:
            done = relevance.kb(home, "similar", record_id, "--limit", str(args.limit), "--json")
            if done.returncode != 0:
                print(f"kb similar {record_id} failed: {done.stderr.strip()}", file=sys.stderr)
                return 2
            neighbours[record_id] = [hit["id"] for hit in json.loads(done.stdout)]

    def themes(record_id: str) -> set[str]:
        return set(records[record_id]["record"].get("themes") or [])

    def language(record_id: str) -> str:
        return records[record_id]["record"].get("language") or "?"

    pairs = [(rid, other) for rid, found in neighbours.items() for other in found]
    sharing = sum(bool(themes(rid) & themes(other)) for rid, other in pairs)
    crossing = {rid for rid, other in pairs if language(rid) != language(other)}
    by_language = Counter(language(rid) for rid in records)
    crossing_by_language = Counter(language(rid) for rid in crossing)
    print(f"similar initiatives over {len(records)} sheets, top {args.limit} each "
          f"({len(pairs)} neighbours)")
    print(f"neighbours sharing a theme: {sharing}/{len(pairs)} = "
          f"{sharing / max(1, len(pairs)):.0%} (target >= 85%)")
    print(f"sheets with a neighbour in another language: {len(crossing)}/{len(records)}")
    for code, count in sorted(by_language.items()):
        print(f"  {code}: {crossing_by_language[code]}/{count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
