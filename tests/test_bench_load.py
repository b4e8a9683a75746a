"""The load benchmark starts `kb serve` on a small generated knowledge base, measures real
requests, reports them, and stops the server; a server that cannot start is a clear error."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "load_speed.py"
SCENARIOS = ("search page", "sheet page", "api search")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=timeout)


def test_figures_are_measured_and_the_server_is_stopped(tmp_path):
    port = free_port()
    out = tmp_path / "figures.json"
    done = bench("--size", "60", "--workdir", str(tmp_path), "--procs", "1",
                 "--requests", "10", "--clients", "1,2", "--warmup", "2",
                 "--time-limit", "30", "--port", str(port), "--json", str(out))
    assert done.returncode == 0, f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"

    figures = json.loads(out.read_text())
    runs = {(run["scenario"], run["clients"]): run for run in figures["runs"]}
    assert sorted(runs) == sorted((s, c) for s in SCENARIOS for c in (1, 2))
    for (scenario, clients), run in runs.items():
        assert run["requests"] == 10, (scenario, clients)      # --requests bounds each run
        assert run["errors"] == 0 and run["first_errors"] == []
        assert 0 < run["p50_ms"] <= run["p95_ms"] < 30_000
        assert run["per_second"] > 0
        row = rf"^{scenario}\s+{clients}\s+10\s+0\s+{run['per_second']:.1f}\s+" \
              rf"{run['p50_ms']:.1f}\s+{run['p95_ms']:.1f}\s"
        assert re.search(row, done.stdout, re.MULTILINE), done.stdout

    p95 = runs[("search page", 1)]["p95_ms"]
    assert f"faceted search page p95 with 1 client: {p95:.1f} ms (target < 100 ms): " \
        in done.stdout
    assert "faceted search pages/s with 8 clients: not measured" in done.stdout
    assert (tmp_path / "kb-60" / "kb.sqlite3").is_file()     # --workdir keeps what it built
    with socket.socket() as sock:                            # and the server is gone
        assert sock.connect_ex(("127.0.0.1", port)) != 0


def test_a_server_that_cannot_start_is_reported_with_its_stderr(tmp_path):
    home = tmp_path / "kb"
    home.mkdir()
    (home / "kb.sqlite3").touch()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = bench("--home", str(home), "--port", str(port), "--start-timeout", "30")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "`kb serve` exited with status" in done.stderr
    assert str(port) in done.stderr           # the server's own message, naming the port


def test_the_attack_run_waits_for_the_refusals_and_reports_its_ratio(tmp_path):
    # A small fair-use budget, so that two attackers are refused within seconds; each
    # client visit (a new address every 20 requests) stays well within it.
    port = free_port()
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--size", "60", "--workdir", str(tmp_path),
         "--procs", "1", "--requests", "16", "--clients", "8", "--warmup", "1",
         "--time-limit", "30", "--port", str(port), "--json", str(out),
         "--attackers", "2", "--attack-lead", "60"],
        capture_output=True, text=True, timeout=240,
        env={**os.environ, "KB_FAIR_USE_SECONDS": "1", "KB_FAIR_USE_REFILL": "0.05"})
    assert done.returncode == 0, f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"

    figures = json.loads(out.read_text())
    attack = figures["attack"]
    assert attack["attackers"] == 2 and attack["steady"] is True     # each refused once
    assert attack["answers_before"].get("429", 0) >= 2
    [attacked] = [run for run in figures["runs"] if run["scenario"] == "under attack"]
    assert attacked["clients"] == 8 and attacked["requests"] == 16
    assert attacked["errors"] == 0                   # no client was refused or failed
    [eight] = [run for run in figures["runs"] if run["scenario"] == "search page"]
    ratio = attacked["p95_ms"] / eight["p95_ms"]
    assert abs(figures["targets"]["attack_ratio"] - ratio) < 1e-9
    assert (f"search page p95 with 8 clients under attack: {attacked['p95_ms']:.1f} ms, "
            f"{ratio:.2f}x the {eight['p95_ms']:.1f} ms without (target <= 2x): ") in done.stdout
    assert "2 attackers (waiting Retry-After)" in done.stdout
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0
