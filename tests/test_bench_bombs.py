"""The expansion-bomb benchmark (issue 15, "Done when": the worst query of a list of known
expansion bombs under 200 ms at 10,000 sheets) runs every bomb through the search on a small
generated knowledge base, reports each, and its exit status follows its verdict."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "bench" / "expansion_bombs.py"
sys.path.insert(0, str(REPO / "bench"))
from expansion_bombs import BOMBS, TARGET_MS  # noqa: E402


def test_every_bomb_is_run_and_reported_with_the_verdict(tmp_path):
    done = subprocess.run([sys.executable, str(SCRIPT), "--size", "60", "--procs", "1",
                           "--workdir", str(tmp_path), "--repeat", "1"],
                          capture_output=True, text=True, timeout=300)
    out = f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert "FAILED" not in done.stdout and "Traceback" not in done.stderr, out
    assert re.search(r"^60 sheets in ", done.stdout, re.M), out
    worst_of_rows = 0.0
    for name, query in BOMBS.items():
        # name, query length, hits, first run ms, worst ms, CPU ms
        row = re.search(rf"^{re.escape(name)}\s+{len(query)}\s+(\d+)\s+([\d.]+)\s+([\d.]+)"
                        rf"\s+([\d.]+)$", done.stdout, re.M)
        assert row, (name, out)
        first, worst = float(row.group(2)), float(row.group(3))
        assert 0 < first <= worst
        worst_of_rows = max(worst_of_rows, worst)
    verdict = re.search(r"^worst expansion bomb: ([\d.]+) ms, CPU [\d.]+ ms \(target < "
                        rf"{TARGET_MS:.0f} ms\): (met|NOT MET)$", done.stdout, re.M)
    assert verdict, out
    assert float(verdict.group(1)) == round(worst_of_rows, 1)
    assert done.returncode == (0 if verdict.group(2) == "met" else 1), out
