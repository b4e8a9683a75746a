"""The SQLite FTS5 baseline our Whoosh search is compared with: same records, same questions.

One FTS5 table holds the text (title, objectives, and the rest as "body"; unicode61 with
diacritics removed), a plain table the facet columns, and sheet_themes the themes. A search
ranks by BM25 with the title weighted 10 and the objectives 3 (the table's configured rank,
which FTS5 sorts itself), counts facets with GROUP BY over the whole match set, and makes
snippets for the hits shown only.

    base = Fts5Baseline(Path("fts.db"))
    base.load(synthetic.records(10_000))
    base.search("mediation", facets=True, highlight=True)
"""

from __future__ import annotations

import math
import re
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from kb.core.money import eu_cofunded

WEIGHTS = (10.0, 3.0, 1.0)  # title, objectives, body
TOKENIZER = "unicode61 remove_diacritics 2"
SIMILAR_TERMS = 15
# (label, lowest EUR amount included); a band runs up to the next band's lowest amount.
BUDGET_BANDS = (("<10k", 0), ("10-50k", 10_000), ("50-250k", 50_000), ("250k-1M", 250_000),
                (">1M", 1_000_000))
FACETS = ("themes", "country", "city", "language", "start_year", "budget_band", "evaluated",
          "eu_funded")

_SCHEMA = f"""
DROP TABLE IF EXISTS fts;
DROP TABLE IF EXISTS fts_vocab;
DROP TABLE IF EXISTS sheets;
DROP TABLE IF EXISTS sheet_themes;
DROP TABLE IF EXISTS term_df;
CREATE VIRTUAL TABLE fts USING fts5(title, objectives, body, tokenize='{TOKENIZER}');
INSERT INTO fts(fts, rank) VALUES ('rank', 'bm25({", ".join(map(str, WEIGHTS))})');
CREATE VIRTUAL TABLE fts_vocab USING fts5vocab(fts, 'row');
CREATE TABLE sheets (
    id INTEGER PRIMARY KEY, country TEXT, city TEXT, language TEXT, start_year INTEGER,
    budget_eur REAL, evaluated INTEGER NOT NULL, eu_funded INTEGER NOT NULL);
CREATE TABLE sheet_themes (sheet_id INTEGER NOT NULL, theme TEXT NOT NULL);
"""
_INDEXES = """
CREATE INDEX sheet_themes_sheet ON sheet_themes(sheet_id);
CREATE INDEX sheet_themes_theme ON sheet_themes(theme);
"""
_BAND = "CASE WHEN budget_eur IS NULL THEN 'none' " + " ".join(
    f"WHEN budget_eur < {BUDGET_BANDS[i + 1][1]} THEN '{label}'"
    for i, (label, _) in enumerate(BUDGET_BANDS[:-1])) + f" ELSE '{BUDGET_BANDS[-1][0]}' END"
_WORD = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[str]:
    """The terms unicode61 (remove_diacritics 2) makes of `text`, near enough for counting."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _WORD.findall(text.lower())


def match_expression(query: str) -> str | None:
    """Each word of a typed query as a quoted FTS5 string, any of them (OR: the any-word
    matching our search does, ranked by BM25); None when no word."""
    words = [w for w in query.split() if _WORD.search(w)]
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in words) or None


def body_text(record: dict) -> str:
    """Everything searchable that is neither the title nor the objectives."""
    budget = record.get("budget") or {}
    parts = [record.get("context"), record.get("activities"), record.get("evaluation"),
             *(record.get("extra_sections") or {}).values(), budget.get("text"),
             record.get("organisation"), record.get("city"), *record.get("partners", []),
             *record.get("target_groups", []), *record.get("keywords", [])]
    return "\n".join(p for p in parts if p)


class Fts5Baseline:
    """Search over records in a SQLite database file with FTS5."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.db = sqlite3.connect(self.path)
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS hits (id INTEGER PRIMARY KEY)")
        self._count: int | None = None

    def close(self) -> None:
        self.db.close()

    def load(self, records: Iterable[dict]) -> None:
        """Replace the content with `records`; their ids are 1..n in the order given."""
        self.db.executescript(_SCHEMA)
        numbered = enumerate(records, 1)
        with self.db:
            while batch := list(islice(numbered, 1000)):
                self.db.executemany(
                    "INSERT INTO fts(rowid, title, objectives, body) VALUES (?, ?, ?, ?)",
                    [(i, r["title"], r["objectives"], body_text(r)) for i, r in batch])
                self.db.executemany("INSERT INTO sheets VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                    [_facet_row(i, r) for i, r in batch])
                self.db.executemany("INSERT INTO sheet_themes VALUES (?, ?)",
                                    [(i, t) for i, r in batch for t in r.get("themes", [])])
        self.db.executescript(_INDEXES)
        # Merge the index's segments and drop the pages they leave free, as a finished Whoosh
        # index is optimised: searches and size_bytes() then see the index at its best.
        self.db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        # fts5vocab counts a term's documents by reading its whole doclist; keep the counts,
        # as Whoosh keeps them in its term dictionary, so that similar() looks them up.
        self.db.execute("CREATE TABLE term_df (term TEXT PRIMARY KEY, doc INTEGER NOT NULL) "
                        "WITHOUT ROWID")
        self.db.execute("INSERT INTO term_df SELECT term, doc FROM fts_vocab")
        self.db.commit()
        self.db.execute("VACUUM")
        self._count = None

    def search(self, query: str, *, facets: bool = False, budget_min: float | None = None,
               budget_max: float | None = None, highlight: bool = False, limit: int = 10
               ) -> dict[str, Any]:
        """{"total", "ids" (best first), "facets" (name -> {value: count}), "snippets"}."""
        expression = match_expression(query)
        if expression is None:
            return {"total": 0, "ids": [], "facets": {name: {} for name in FACETS} if facets
                    else {}, "snippets": []}
        where, args = "fts MATCH ?", [expression]
        join = ""
        if budget_min is not None or budget_max is not None:
            join = " JOIN sheets ON sheets.id = fts.rowid"
            if budget_min is not None:
                where += " AND sheets.budget_eur >= ?"
                args.append(budget_min)
            if budget_max is not None:
                where += " AND sheets.budget_eur <= ?"
                args.append(budget_max)
        ids = [row[0] for row in self.db.execute(
            f"SELECT fts.rowid FROM fts{join} WHERE {where} ORDER BY rank LIMIT ?",
            [*args, limit])]
        found: dict[str, dict] = {}
        if facets:
            self.db.execute("DELETE FROM hits")
            total = self.db.execute(
                f"INSERT INTO hits SELECT fts.rowid FROM fts{join} WHERE {where}", args).rowcount
            found = self._facets()
        else:
            total = self.db.execute(f"SELECT count(*) FROM fts{join} WHERE {where}",
                                    args).fetchone()[0]
        snippets: list[str] = []
        if highlight and ids:
            marks = ",".join("?" * len(ids))
            by_id = dict(self.db.execute(
                "SELECT rowid, snippet(fts, -1, '<b>', '</b>', '…', 16) FROM fts "
                f"WHERE fts MATCH ? AND rowid IN ({marks})", [expression, *ids]))
            snippets = [by_id.get(i, "") for i in ids]
        return {"total": total, "ids": ids, "facets": found, "snippets": snippets}

    def _facets(self) -> dict[str, dict]:
        """Counts by value of each facet over the rows in the `hits` table, largest first."""
        queries = {"themes": "SELECT theme, count(*) FROM sheet_themes "
                             "JOIN hits ON hits.id = sheet_themes.sheet_id GROUP BY theme"}
        for column in ("country", "city", "language", "start_year", "evaluated", "eu_funded"):
            queries[column] = (f"SELECT {column}, count(*) FROM sheets "
                               f"JOIN hits ON hits.id = sheets.id GROUP BY {column}")
        queries["budget_band"] = (f"SELECT {_BAND} AS band, count(*) FROM sheets "
                                  "JOIN hits ON hits.id = sheets.id GROUP BY band")
        out = {}
        for name in FACETS:
            rows = self.db.execute(queries[name]).fetchall()
            if name in ("evaluated", "eu_funded"):
                rows = [(bool(value), count) for value, count in rows]
            out[name] = dict(sorted(rows, key=lambda row: (-row[1], str(row[0]))))
        return out

    def similar(self, sheet_id: int, limit: int = 5) -> list[int]:
        """More like this: the sheet's most distinctive terms (tf-idf), any of them, best first."""
        row = self.db.execute("SELECT title, objectives, body FROM fts WHERE rowid = ?",
                              [sheet_id]).fetchone()
        if row is None:
            return []
        counts = Counter(t for t in tokens(" ".join(filter(None, row)))
                         if len(t) >= 3 and not t.isdigit())
        frequency = dict(self._document_frequencies(list(counts)))
        documents = self._documents()
        # A term no other sheet has finds nothing; one every sheet has tells nothing.
        scored = sorted((-counts[t] * math.log(documents / n), t)
                        for t, n in frequency.items() if 1 < n < documents)
        terms = [t for _, t in scored[:SIMILAR_TERMS]]
        if not terms:
            return []
        expression = " OR ".join(f'"{t}"' for t in terms)
        return [r[0] for r in self.db.execute(
            "SELECT rowid FROM fts WHERE fts MATCH ? AND rowid != ? ORDER BY rank LIMIT ?",
            [expression, sheet_id, limit])]

    def _document_frequencies(self, terms: list[str]) -> Iterator[tuple[str, int]]:
        for start in range(0, len(terms), 500):
            chunk = terms[start:start + 500]
            marks = ",".join("?" * len(chunk))
            yield from self.db.execute(f"SELECT term, doc FROM term_df WHERE term IN ({marks})",
                                       chunk)

    def _documents(self) -> int:
        if self._count is None:
            self._count = self.db.execute("SELECT count(*) FROM sheets").fetchone()[0]
        return self._count

    def size_bytes(self) -> int:
        """The database file's size (with its write-ahead log, if any)."""
        wal = self.path.with_name(self.path.name + "-wal")
        return self.path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def _facet_row(i: int, r: dict) -> tuple:
    budget = r.get("budget") or {}
    eu = bool(budget) and eu_cofunded(budget.get("funding") or [], budget.get("text") or "")
    return (i, r.get("country"), r.get("city"), r.get("language"), r.get("start_year"),
            budget.get("amount_eur"), int(bool(r.get("evaluation"))), int(eu))
