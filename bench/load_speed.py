"""Load on the web app: requests/s and p50/p95 latency of `kb serve` under concurrent clients.

Starts `kb serve` (gunicorn) on loopback as a process of its own, on a knowledge base of
generated sheets (--home DIR, or one built like bench/search_speed.py's in --workdir), and
runs the clients in this process. Three scenarios, each with every --clients count:

    search page   GET /?q=WORDS&theme=T&country=CC   HTML, every facet counted
    sheet page    GET /sheets/<id>                   HTML
    api search    GET /api/search?q=WORDS&theme=T    JSON

With --attackers N, one more run of the search page with 8 clients while N other clients
send the expansion bombs of bench/expansion_bombs.py over and over (to /, /api/search,
/api/facets, /analysis and /feed.atom in turn, each as soon as the last is answered): its p95
against the 8-client run without them, the target being at most TARGET_ATTACK_RATIO times.
The measured run starts once the attack is steady: when every attacker has been refused once
(429: the app's fair-use budget, web/fair_use.py, is spent), or after --attack-lead seconds.
An attacker refused waits the Retry-After the server gave, or with --impatient sends its
next bomb at once (a flood of refusals, which a rate limit in the proxy is for).

Every client connects from a loopback address of its own (Linux routes all of 127.0.0.0/8 to
the server on 127.0.0.1), as real visitors do, so that the fair-use budget sees each one: a
client stands for a stream of visitors and takes a new address every VISIT requests; each
attacker keeps one address; each unmeasured request of the preparation has its own. A 429
to a client is an error; the attackers' answers are counted by status, 429 expected.

Every measured URL is distinct and requested once, on keep-alive connections (one per
client); each client first makes --warmup requests that are not counted. A run stops after
--requests requests or --time-limit seconds, whichever comes first. Any status but 200, or
a failed request, is an error: they are listed and the exit status is 1.

    python bench/load_speed.py [--home DIR | --size 10000 --workdir DIR] [--clients 1,8]
                               [--requests 300] [--time-limit 60] [--json FILE]
                               [--attackers 4 [--attack-lead 30] [--impatient]]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from expansion_bombs import BOMBS  # noqa: E402
from search_speed import build, percentile  # noqa: E402
from synthetic import queries as make_queries  # noqa: E402

HOST = "127.0.0.1"
SCENARIOS = ("search page", "sheet page", "api search")
TARGET_P95_MS = 100.0        # faceted search page, one client
TARGET_PAGES_PER_S = 30.0    # faceted search pages, eight clients
TARGET_ATTACK_RATIO = 2.0    # 8-client p95 under attack against without
ATTACKED = "under attack"
ATTACK_PATHS = ("/", "/api/search", "/api/facets", "/analysis", "/feed.atom")
REQUEST_TIMEOUT = 30.0       # seconds one request may take before it counts as an error
SHOWN_ERRORS = 5
# Requests of one visitor: then a client reconnects from a new address. Twenty pages is a
# long visit; one address sending 300 search pages back to back is a robot, which the
# fair-use budget is there to slow down.
VISIT = 20
# Loopback source addresses: 127.<run>.<client>.<visit> for the clients (runs from 1),
# 127.250.0.<n> for the attackers, 127.251-253.x.y for the preparation.
ATTACKER_NET, PREPARATION_NET = 250, 251


class BenchError(Exception):
    """The benchmark cannot run: no knowledge base, or the server does not start."""


@dataclass
class Run:
    scenario: str
    clients: int
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)    # (url, what went wrong)
    warmup_errors: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    client_cpu_seconds: float = 0.0

    def figures(self) -> dict[str, Any]:
        done = self.latencies_ms or [float("nan")]
        requests = len(self.latencies_ms) + len(self.errors)
        errors = [f"{url} -> {what}" for url, what in self.errors + self.warmup_errors]
        return {"scenario": self.scenario, "clients": self.clients, "requests": requests,
                "errors": len(errors), "per_second": requests / self.seconds,
                "p50_ms": percentile(done, .5), "p95_ms": percentile(done, .95),
                "seconds": self.seconds, "client_cpu": self.client_cpu_seconds / self.seconds,
                "first_errors": errors[:SHOWN_ERRORS]}


# The server

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def get(conn: HTTPConnection, path: str) -> tuple[int, bytes]:
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read()


def address(*parts: int) -> str:
    """127.a.b.c from small counters, none of them 0 or 255 in the last place."""
    a, b, c = parts
    return f"127.{a % 256}.{b % 256}.{c % 250 + 1}"


def connection(port: int, source: str) -> HTTPConnection:
    return HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT, source_address=(source, 0))


_preparation = itertools.count()


def get_json(port: int, path: str) -> Any:
    """An unmeasured request of the preparation, from an address of its own."""
    n = next(_preparation)
    conn = connection(port, address(PREPARATION_NET + n // 62_500, n // 250, n))
    try:
        status, body = get(conn, path)
    finally:
        conn.close()
    if status != 200:
        raise BenchError(f"GET {path} answered {status} while preparing the runs.")
    return json.loads(body)


def tail(path: Path, lines: int = 30) -> str:
    text = path.read_text("utf-8", errors="replace").splitlines()[-lines:]
    return "\n".join(text) or "(nothing on stderr)"


@contextmanager
def serving(home: Path, port: int, logs: Path, start_timeout: float) -> Iterator[Any]:
    """`kb serve` on HOST:port until the block ends, however it ends; yields /api/facets."""
    command = [sys.executable, "-m", "kb.cli", "--home", str(home), "serve",
               "--host", HOST, "--port", str(port)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    stderr = logs / "serve.stderr"
    with open(logs / "serve.stdout", "wb") as out, open(stderr, "wb") as err:
        # A session of its own: Ctrl-C reaches only this script, which then stops the server.
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                   env=env, start_new_session=True)
    try:
        yield wait_ready(process, port, start_timeout, stderr)
        if process.poll() is not None:
            raise BenchError(f"`kb serve` exited with status {process.returncode} during the "
                             f"runs; its stderr:\n{tail(stderr)}")
    finally:
        stop_server(process)


def stop_server(process: subprocess.Popen) -> None:
    """Ctrl-C first: the server then closes the knowledge base, and SQLite removes the -wal
    and -shm files it made beside kb.sqlite3; then SIGTERM, then SIGKILL."""
    for signum, patience in ((signal.SIGINT, 10), (signal.SIGTERM, 5), (signal.SIGKILL, None)):
        if process.poll() is not None:
            return
        process.send_signal(signum)
        try:
            process.wait(timeout=patience)
        except subprocess.TimeoutExpired:
            continue


def wait_ready(process: subprocess.Popen, port: int, timeout: float, stderr: Path) -> Any:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while True:
        if process.poll() is not None:
            raise BenchError(f"`kb serve` exited with status {process.returncode} before "
                             f"answering; its stderr:\n{tail(stderr)}")
        conn = HTTPConnection(HOST, port, timeout=5)
        try:
            status, body = get(conn, "/api/facets")
            if status == 200:
                return json.loads(body)
            last = f"status {status}"
        except (OSError, HTTPException) as exc:    # refused until it listens
            last = f"{type(exc).__name__}: {exc}"
        finally:
            conn.close()
        if time.monotonic() > deadline:
            raise BenchError(f"`kb serve` did not answer GET /api/facets with 200 within "
                             f"{timeout:.0f} s (last: {last}); its stderr:\n{tail(stderr)}")
        time.sleep(0.2)


# What the clients ask for

def top_values(facets: dict[str, Any], *names: str) -> list[str]:
    """Values of the first facet of `names` present, most sheets first, none empty."""
    facets = facets.get("facets", facets)
    for name in names:
        if name in facets:
            buckets = sorted(facets[name], key=lambda bucket: -bucket["count"])
            return [bucket["value"] for bucket in buckets if bucket["count"]]
    return []


def rotate(values: list[str], i: int, top: int = 5) -> str:
    return values[i % min(top, len(values))]


def plan(port: int, facets: dict[str, Any], per_run: list[int], seed: int
         ) -> dict[str, list[list[str]]]:
    """Distinct paths for each scenario and run (as many as `per_run` says), ready to fetch.

    A search page selects the top theme and country of its own query's results (found by an
    unmeasured /api/search): the top theme and country of the whole knowledge base would
    leave most pages empty (a Polish word in Spanish sheets), and an empty page is a cheap
    one. Sheets are those these searches find, in random order.
    """
    themes, countries = top_values(facets, "themes", "theme"), top_values(facets, "country")
    if not themes or not countries:
        raise BenchError("GET /api/facets lists no theme or no country: is the knowledge "
                         "base empty?")
    total = sum(per_run)
    words = make_queries(2 * total, seed=seed)
    search_words, api_words = words[:total], words[total:]
    search_paths, ids = [], {}
    for i, word in enumerate(search_words):
        found = get_json(port, "/api/search?" + urlencode({"q": word}))
        # no hits: one of the five top values of the whole knowledge base
        theme = top_values(found["facets"], "themes", "theme") or [rotate(themes, i)]
        country = top_values(found["facets"], "country") or [rotate(countries, i)]
        search_paths.append("/?" + urlencode({"q": word, "theme": theme[0],
                                              "country": country[0]}))
        ids.update(dict.fromkeys(hit["id"] for hit in found["hits"]))
    page = 1
    while len(ids) < total:      # few sheets found: the knowledge base is small
        found = get_json(port, f"/api/search?page={page}")
        if not found["hits"] or all(hit["id"] in ids for hit in found["hits"]):
            raise BenchError(f"The knowledge base has {len(ids)} sheets, fewer than the "
                             f"{total} distinct sheet pages needed; ask for fewer --requests.")
        ids.update(dict.fromkeys(hit["id"] for hit in found["hits"]))
        page += 1
    sheets = list(ids)
    random.Random(seed).shuffle(sheets)
    api_paths = ["/api/search?" + urlencode({"q": word, "theme": rotate(themes, i)})
                 for i, word in enumerate(api_words)]
    sheet_paths = [f"/sheets/{quote(sheet, safe='')}" for sheet in sheets[:total]]
    out = {}
    for scenario, paths in zip(SCENARIOS, (search_paths, sheet_paths, api_paths)):
        assert len(set(paths)) == len(paths), scenario
        starts = [sum(per_run[:i]) for i in range(len(per_run))]
        out[scenario] = [paths[start:start + count] for start, count in zip(starts, per_run)]
    return out


# The clients

def problem(scenario: str, status: int, body: bytes) -> str | None:
    if status == 429:
        return "status 429: the fair-use budget refused a client at a visitor's pace"
    if status != 200:
        return f"status {status}"
    if scenario == "api search":
        try:
            if "hits" not in json.loads(body):
                return "JSON without hits"
        except ValueError:
            return "not JSON"
    elif not body:
        return "empty page"
    return None


def load(port: int, scenario: str, clients: int, paths: list[str], warmup: int,
         time_limit: float, stop: threading.Event, number: int) -> Run:
    """`clients` threads, each on its own keep-alive connection, take the next path in turn;
    run `number` (from 1) gives the clients their source addresses.

    Threads in this process rather than client processes: a thread waiting for its answer
    holds no GIL, and a request costs the client a fraction of a millisecond of CPU against
    tens of the server's (about 1% of a core for search pages); client processes would only
    take more of the two cores from the server. The client's CPU share is reported to keep
    that checked.
    """
    run = Run(scenario, clients)
    warm, measured = paths[:warmup * clients], iter(paths[warmup * clients:])
    lock = threading.Lock()
    clock = {}

    def started() -> None:
        clock["cpu"], clock["start"] = time.process_time(), time.perf_counter()
        clock["deadline"] = clock["start"] + time_limit

    barrier = threading.Barrier(clients, action=started)

    def client(n: int) -> None:
        visits = (connection(port, address(number, n, visit)) for visit in itertools.count())
        conn, sent = next(visits), 0
        try:
            for path in warm[n::clients]:
                fetch(conn, path, warming=True)
            barrier.wait()
            # A fresh connection: waiting for the slowest client's warm-up may have outlasted
            # the server's keep-alive (gunicorn's is 2 s), which then closes it unannounced.
            conn.close()
            while not stop.is_set() and time.perf_counter() < clock["deadline"]:
                with lock:
                    path = next(measured, None)
                if path is None:
                    break
                sent += 1
                if sent % VISIT == 0:     # the next visitor
                    conn.close()
                    conn = next(visits)
                fetch(conn, path, warming=False)
        finally:
            conn.close()

    def fetch(conn: HTTPConnection, path: str, warming: bool) -> None:
        start = time.perf_counter()
        try:
            status, body = get(conn, path)
            elapsed = (time.perf_counter() - start) * 1000
            wrong = problem(scenario, status, body)
        except (OSError, HTTPException) as exc:
            conn.close()        # the next request opens a new connection
            wrong = f"{type(exc).__name__}: {exc}"
        with lock:
            if wrong:
                (run.warmup_errors if warming else run.errors).append((path, wrong))
            elif not warming:
                run.latencies_ms.append(elapsed)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - clock["start"]
    run.client_cpu_seconds = time.process_time() - clock["cpu"]
    return run


@dataclass
class Attack:
    """What the attackers were answered, and when each was first refused."""
    counts: dict[str, int] = field(default_factory=dict)
    refused: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    all_refused: threading.Event = field(default_factory=threading.Event)
    measured: bool = False          # True once the measured run is on: counts start over


def attack(port: int, attackers: int, stop: threading.Event, impatient: bool
           ) -> tuple[list[threading.Thread], Attack]:
    """`attackers` threads sending the expansion bombs until `stop`, each from its own
    address; counts their answers. A refused attacker waits Retry-After unless impatient."""
    seen = Attack()
    bombs = list(BOMBS.values())

    def attacker(number: int) -> None:
        source = address(ATTACKER_NET, 0, number)
        conn = connection(port, source)
        sent = number
        while not stop.is_set():
            path = ATTACK_PATHS[sent % len(ATTACK_PATHS)] + "?" + urlencode(
                {"q": bombs[sent % len(bombs)]})
            sent += attackers
            wait = 0.0
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                outcome = str(response.status)
                if response.status == 429 and not impatient:
                    wait = float(response.getheader("Retry-After") or 1)
            except (OSError, HTTPException) as exc:
                conn.close()
                conn = connection(port, source)
                outcome = type(exc).__name__
            with seen.lock:
                seen.counts[outcome] = seen.counts.get(outcome, 0) + 1
                if outcome == "429":
                    seen.refused.add(number)
                    if len(seen.refused) == attackers:
                        seen.all_refused.set()
            if wait:
                conn.close()      # the server's keep-alive would not outlast the wait
                stop.wait(wait)
        conn.close()

    threads = [threading.Thread(target=attacker, args=(n,), daemon=True)
               for n in range(attackers)]
    for thread in threads:
        thread.start()
    return threads, seen


# The report

HEADER = (f"{'scenario':<12} {'clients':>7} {'requests':>8} {'errors':>6} {'req/s':>7} "
          f"{'p50 ms':>7} {'p95 ms':>7} {'client CPU':>10}")


def row(run: Run) -> str:
    f = run.figures()
    return (f"{run.scenario:<12} {run.clients:>7} {f['requests']:>8} {f['errors']:>6} "
            f"{f['per_second']:>7.1f} {f['p50_ms']:>7.1f} {f['p95_ms']:>7.1f} "
            f"{f['client_cpu']:>10.0%}")


def targets(runs: list[Run]) -> dict[str, Any]:
    found = {(run.scenario, run.clients): run.figures() for run in runs}
    one, eight = found.get(("search page", 1)), found.get(("search page", 8))
    p95 = one["p95_ms"] if one else None
    rate = eight["per_second"] if eight else None
    out = {"search_page_p95_ms_1_client": p95,
           "search_page_p95_met": None if p95 is None else p95 < TARGET_P95_MS,
           "search_pages_per_s_8_clients": rate,
           "search_pages_per_s_met": None if rate is None else rate >= TARGET_PAGES_PER_S}
    verdict = {True: "met", False: "not met"}
    print("faceted search page p95 with 1 client: " + (
        f"{p95:.1f} ms (target < {TARGET_P95_MS:.0f} ms): {verdict[out['search_page_p95_met']]}"
        if one else "not measured (--clients without 1)"))
    print("faceted search pages/s with 8 clients: " + (
        f"{rate:.1f} (target >= {TARGET_PAGES_PER_S:.0f}): "
        f"{verdict[out['search_pages_per_s_met']]}" if eight else
        "not measured (--clients without 8)"))
    attacked = found.get((ATTACKED, 8))
    if attacked and eight:
        ratio = attacked["p95_ms"] / eight["p95_ms"]
        out.update(attacked_p95_ms=attacked["p95_ms"], attack_ratio=ratio,
                   attack_met=ratio <= TARGET_ATTACK_RATIO)
        print(f"search page p95 with 8 clients under attack: {attacked['p95_ms']:.1f} ms, "
              f"{ratio:.2f}x the {eight['p95_ms']:.1f} ms without (target <= "
              f"{TARGET_ATTACK_RATIO:g}x): {verdict[out['attack_met']]}")
    return out


def knowledge_base(args: argparse.Namespace, workdir: Path) -> Path:
    """--home, or a knowledge base of --size generated sheets built (once) in the workdir."""
    if args.home is not None:
        if not (args.home / "kb.sqlite3").is_file():
            raise BenchError(f"No knowledge base in {args.home} (no kb.sqlite3); build one "
                             "with bench/search_speed.py --build-only, or leave out --home.")
        return args.home.resolve()
    home = workdir.resolve() / f"kb-{args.size}"
    figures_file = workdir / f"build-{args.size}.json"    # as bench/search_speed.py does
    if not figures_file.exists():
        print(f"building a knowledge base of {args.size:,} generated sheets in {home}",
              flush=True)
        kb, fts, figures = build(args.size, args.procs, workdir, home)
        kb.close()
        fts.close()
        figures_file.write_text(json.dumps(figures))
    return home


def interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt    # so that the server is stopped on the way out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, help="an existing knowledge base (only read)")
    parser.add_argument("--size", type=int, default=10_000,
                        help="sheets to generate when there is no --home (default 10000)")
    parser.add_argument("--procs", type=int, default=2, help="processes building the index")
    parser.add_argument("--workdir", type=Path, help="build the knowledge base here and keep "
                        "it; a later run with the same folder reuses it (default: a "
                        "temporary folder, removed)")
    parser.add_argument("--clients", default="1,8", help="concurrent clients, one run each")
    parser.add_argument("--requests", type=int, default=300, help="per run (default 300)")
    parser.add_argument("--time-limit", type=float, default=60.0,
                        help="seconds per run at most (default 60)")
    parser.add_argument("--warmup", type=int, default=3,
                        help="requests per client before a run, not counted (default 3)")
    parser.add_argument("--port", type=int, help="port of the server (default: a free one)")
    parser.add_argument("--start-timeout", type=float, default=120.0,
                        help="seconds the server may take to answer (default 120)")
    parser.add_argument("--seed", type=int, default=2, help="of the queries and sheet order")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--attackers", type=int, default=0, help="clients sending expansion "
                        "bombs during one more 8-client search page run (default 0: none)")
    parser.add_argument("--attack-lead", type=float, default=30.0, help="seconds the attack "
                        "runs before the measured run at most; it starts sooner once every "
                        "attacker has been refused (429) once (default 30)")
    parser.add_argument("--impatient", action="store_true", help="attackers refused send "
                        "again at once instead of waiting Retry-After")
    args = parser.parse_args()
    clients = [int(count) for count in args.clients.split(",")]
    signal.signal(signal.SIGTERM, interrupted)
    # A handler of ours, not an ignored SIGINT (as a shell gives background jobs), so that the
    # server started below gets the default one and stops cleanly on SIGINT.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kb-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    runs: list[Run] = []
    attack_figures: dict[str, Any] = {}
    try:
        home = knowledge_base(args, workdir)
        port = args.port or free_port()
        with serving(home, port, workdir, args.start_timeout) as facets:
            print(f"kb serve on http://{HOST}:{port}, knowledge base {home}", flush=True)
            start = time.perf_counter()
            per_run = [args.requests + args.warmup * count for count in clients]
            if args.attackers:
                per_run.append(args.requests + args.warmup * 8)
            paths = plan(port, facets, per_run, args.seed)
            print(f"prepared {sum(per_run)} distinct URLs per scenario in "
                  f"{time.perf_counter() - start:.1f} s (not measured)\n", flush=True)
            print(HEADER)
            for scenario in SCENARIOS:
                for i, count in enumerate(clients):
                    runs.append(load(port, scenario, count, paths[scenario][i], args.warmup,
                                     args.time_limit, stop, len(runs) + 1))
                    print(row(runs[-1]), flush=True)
            if args.attackers:
                halt = threading.Event()
                attackers, seen = attack(port, args.attackers, halt, args.impatient)
                try:
                    start = time.perf_counter()
                    steady = seen.all_refused.wait(args.attack_lead)
                    lead = time.perf_counter() - start
                    with seen.lock:
                        before, seen.counts = seen.counts, {}
                    run = load(port, "search page", 8, paths["search page"][-1], args.warmup,
                               args.time_limit, stop, len(runs) + 1)
                finally:
                    halt.set()
                    for thread in attackers:
                        thread.join(timeout=REQUEST_TIMEOUT)
                run.scenario = ATTACKED
                runs.append(run)
                answers = dict(seen.counts)
                print(row(run), flush=True)
                pace = "impatient" if args.impatient else "waiting Retry-After"
                print(f"  {args.attackers} attackers ({pace}), {lead:.1f} s before the run ("
                      + ("each refused once" if steady else "not all refused") + "): "
                      + ", ".join(f"{k}: {v}" for k, v in sorted(before.items()))
                      + "; during the run: "
                      + ", ".join(f"{k}: {v}" for k, v in sorted(answers.items())), flush=True)
                attack_figures = {"attackers": args.attackers, "impatient": args.impatient,
                                  "lead_seconds": lead, "steady": steady,
                                  "answers_before": before, "answers_during": answers}
                if any(not k.startswith(("2", "4")) for k in {**before, **answers}):
                    run.errors.append(("attackers", f"answers {before} then {answers}"))
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; the server is stopped", file=sys.stderr)
        return 130
    finally:
        stop.set()
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print()
    goals = targets(runs)
    failed = [run.figures() for run in runs if run.errors or run.warmup_errors]
    for f in failed:
        print(f"\n{f['errors']} errors in {f['scenario']} with {f['clients']} clients "
              f"(warm-up included), first:")
        for line in f["first_errors"]:
            print(f"  {line}")
    if args.json:
        args.json.write_text(json.dumps({
            "home": str(home), "clients": clients, "requests": args.requests,
            "time_limit": args.time_limit, "warmup": args.warmup,
            "runs": [run.figures() for run in runs], "attack": attack_figures,
            "targets": goals}, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
