"""Slow clients (issue 15): `kb serve` with two threads is starved by 20 connections sending
their headers a byte a second; behind nginx with deploy/nginx.conf the same clients wait in
nginx and every other request is answered at once. And a flood of searches from one address is
refused by nginx's rate limit (429) before it reaches the app, while other addresses, and the
same address's sheet pages, static files and staff pages, are served; the app's own 429 (its
fair-use budget) passes through nginx unchanged; and `kb serve --host-name` behind nginx names
the site in its links and refuses a made-up Host.

Needs Debian's nginx (`.ci/run` installs it); on a machine without it the test is skipped,
unless PRACTICE_KB_REQUIRE_NGINX is set (CI), where a missing nginx fails it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path

import pytest

from kb.service.knowledge_base import KnowledgeBase
from tests.samples.records import other_record

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                  else None)
if NGINX is None:
    if os.environ.get("PRACTICE_KB_REQUIRE_NGINX"):
        raise RuntimeError("nginx is not installed: `apt-get install nginx-light` (.ci/run does)")
    pytest.skip("nginx is not installed", allow_module_level=True)

SLOW_CLIENTS = 20
PROBES = 8
PROBE_TIMEOUT = 5.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port: int, timeout: float = PROBE_TIMEOUT, ok: tuple[int, ...] = (200,)) -> bool:
    conn = HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/api/search?q=harbour", headers={"Host": "localhost"})
        return conn.getresponse().status in ok
    except OSError:
        return False
    finally:
        conn.close()


def wait_until_answering(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    # A search served, or refused by the app's fair-use budget (a test's tiny one): it answers.
    while not answers(port, timeout=2, ok=(200, 429)):
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)


@contextmanager
def serving_app(tmp_path: Path, project_root: Path, **env: str) -> Iterator[int]:
    """`kb serve --behind-proxy --host-name localhost` (one worker, two threads), as
    deploy/nginx.conf expects it, on a knowledge base of one sheet."""
    home = tmp_path / "kb"
    with KnowledgeBase(home) as kb:
        kb.save(other_record("Harbour patrol"))
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kb.cli", "--home", str(home), "serve", "--port", str(port),
             "--workers", "1", "--threads", "2", "--behind-proxy", "--host-name", "localhost"],
            stdout=out, stderr=subprocess.STDOUT, cwd=project_root,
            env={**os.environ, "PYTHONPATH": str(project_root), **env},
            start_new_session=True)
    try:
        wait_until_answering(port, process, log)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def app_port(tmp_path: Path, project_root: Path) -> Iterator[int]:
    with serving_app(tmp_path, project_root) as port:
        yield port


@pytest.fixture
def proxy_port(tmp_path: Path, project_root: Path, app_port: int) -> Iterator[int]:
    with proxying(tmp_path, project_root, app_port) as port:
        yield port


@contextmanager
def proxying(tmp_path: Path, project_root: Path, app_port: int) -> Iterator[int]:
    """Debian's nginx with deploy/nginx.conf as it is, in front of the app on `app_port`."""
    port = free_port()
    server = (project_root / "deploy" / "nginx.conf").read_text()
    server = (server.replace("@APP_PORT@", str(app_port))
              .replace("@LISTEN@", f"127.0.0.1:{port}").replace("@SERVER_NAME@", "localhost"))
    root = tmp_path / "nginx"
    root.mkdir()
    (root / "server.conf").write_text(server)
    temp = {name: root / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    (root / "nginx.conf").write_text(
        f"daemon off; worker_processes 1; pid {root}/nginx.pid; error_log {root}/error.log warn;\n"
        "events { worker_connections 512; }\n"
        "http {\n access_log off;\n"
        + "".join(f" {name}_temp_path {path};\n" if name != "body" else
                  f" client_body_temp_path {path};\n" for name, path in temp.items())
        + f" include {root}/server.conf;\n}}\n")
    log = root / "nginx.out"
    with open(log, "wb") as out:
        process = subprocess.Popen([NGINX, "-p", str(root), "-c", str(root / "nginx.conf")],
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_answering(port, process, root / "error.log")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


class SlowClients:
    """Connections that send a request's headers one byte a second, until stopped."""

    def __init__(self, port: int, count: int = SLOW_CLIENTS):
        self.stop = threading.Event()
        self.sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
        self.thread = threading.Thread(target=self._trickle, daemon=True)

    def _trickle(self) -> None:
        request = b"GET /api/search?q=harbour HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
        for sock in self.sockets:
            sock.sendall(request)
        while not self.stop.wait(1.0):
            for sock in self.sockets:
                try:
                    sock.sendall(b"a")
                except OSError:
                    pass

    def __enter__(self) -> SlowClients:
        self.thread.start()
        time.sleep(1.5)              # every slow connection has begun its request
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
        for sock in self.sockets:
            sock.close()


def probes(port: int) -> list[bool]:
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(answers(port)))
               for _ in range(PROBES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_slow_clients_starve_the_app_alone_but_not_behind_nginx(app_port, proxy_port):
    with SlowClients(app_port):
        direct = probes(app_port)
    assert direct.count(True) < PROBES           # the problem, without nginx
    with SlowClients(proxy_port):
        start = time.monotonic()
        proxied = probes(proxy_port)
        took = time.monotonic() - start
    assert proxied == [True] * PROBES and took < PROBE_TIMEOUT


# The rate limit of deploy/nginx.conf on the search pages: burst=30, then 5 a second.
BURST = 30
FLOOD = 100


@dataclass
class Answer:
    status: int
    retry_after: str | None
    body: str


class Client:
    """One visitor: a keep-alive connection to nginx from a loopback address of its own (Linux
    routes all of 127.0.0.0/8 to 127.0.0.1), which is what nginx's limit counts by."""

    def __init__(self, port: int, source: str):
        self.port, self.source = port, source
        self.conn = self._connect()

    def _connect(self) -> HTTPConnection:
        return HTTPConnection("127.0.0.1", self.port, timeout=PROBE_TIMEOUT,
                              source_address=(self.source, 0))

    def get(self, path: str, **headers: str) -> Answer:
        try:
            self.conn.request("GET", path, headers={"Host": "localhost", **headers})
            response = self.conn.getresponse()
        except OSError:           # nginx closed the keep-alive connection: once more
            self.conn.close()
            self.conn = self._connect()
            self.conn.request("GET", path, headers={"Host": "localhost", **headers})
            response = self.conn.getresponse()
        body = response.read().decode("utf-8", errors="replace")
        return Answer(response.status, response.getheader("Retry-After"), body)

    def close(self) -> None:
        self.conn.close()


def limited_in_log(error_log: Path, source: str) -> int:
    """Requests nginx refused by the search zone for one client, as its error log says."""
    return sum(1 for line in error_log.read_text().splitlines()
               if "limiting requests" in line and 'zone "kb_search"' in line
               and f"client: {source}," in line)


def test_nginx_refuses_a_flood_of_searches_from_one_address_and_serves_the_others(
        tmp_path, app_port, proxy_port):
    # The app's budget is 600 s in the test suite (tests/conftest.py): every 429 is nginx's.
    flooder, other = Client(proxy_port, "127.0.0.2"), Client(proxy_port, "127.0.0.3")
    try:
        start = time.monotonic()
        flood = [flooder.get(f"/api/search?q=harbour&page={n % 3 + 1}") for n in range(FLOOD)]
        took = time.monotonic() - start
        statuses = [answer.status for answer in flood]
        # The burst is served, then what comes faster than 5 a second is refused at once.
        assert statuses[:BURST + 1] == [200] * (BURST + 1), statuses
        assert set(statuses) == {200, 429}, statuses
        served = statuses.count(200)
        assert served <= BURST + 1 + 5 * took + 1, (served, took)
        assert statuses.count(429) >= FLOOD // 2, statuses
        refused = [answer for answer in flood if answer.status == 429]
        assert all(answer.retry_after == "2" and "Too many searches from this address"
                   in answer.body and "Trop de recherches" in answer.body
                   for answer in refused), refused[0]
        # nginx shed them itself: each refusal is in its log, none reached gunicorn.
        assert limited_in_log(tmp_path / "nginx" / "error.log", "127.0.0.2") == len(refused)

        # The same address, still over its search rate, gets every other page at once.
        assert flooder.get("/api/search?q=harbour").status == 429
        for path in ("/feed.atom", "/analysis", "/export.csv", "/?q=harbour", "/search?q=x"):
            assert flooder.get(path).status == 429, path
        sheet = other.get("/api/search?q=harbour")
        assert sheet.status == 200
        sheet_path = f"/sheets/{json.loads(sheet.body)['hits'][0]['id']}"
        for path in [sheet_path, "/static/style.css", "/staff/sign-in"] * 15:
            assert flooder.get(path).status == 200, path

        # Another address searches as if nothing happened.
        for n in range(10):
            answer = other.get(f"/?q=harbour+{n}")
            assert answer.status == 200 and "Harbour patrol" in answer.body
        assert limited_in_log(tmp_path / "nginx" / "error.log", "127.0.0.3") == 0
    finally:
        flooder.close()
        other.close()


def test_behind_nginx_links_name_the_site_and_a_foreign_host_is_refused(app_port, proxy_port):
    """nginx hands the app the Host it was asked for; `kb serve --host-name` answers only its
    own (issue 15, item 9): feed links name the site, never the name a client made up."""
    client = Client(proxy_port, "127.0.0.5")
    try:
        feed = client.get("/feed.atom")
        foreign = client.get("/feed.atom", Host="evil.example")
        export = client.get("/export.csv", Host="evil.example")
    finally:
        client.close()
    assert feed.status == 200 and "http://localhost/sheets/" in feed.body
    assert foreign.status == export.status == 400
    assert "evil.example" not in feed.body + foreign.body + export.body


def test_the_apps_own_refusal_passes_through_nginx(tmp_path, project_root):
    """nginx's 429 page is for its own limit only: the app's fair-use 429, with its message in
    the visitor's language and its Retry-After, reaches the client as the app wrote it."""
    with serving_app(tmp_path, project_root, KB_FAIR_USE_SECONDS="0.0001",
                     KB_FAIR_USE_REFILL="0.0001") as app, \
            proxying(tmp_path, project_root, app) as port:
        client = Client(port, "127.0.0.4")
        try:
            assert client.get("/api/search?q=harbour").status == 200     # then in debt
            api = client.get("/api/search?q=harbour")
            page = client.get("/?q=harbour", **{"Accept-Language": "fr"})
        finally:
            client.close()
    assert api.status == 429 and json.loads(api.body)["error"]["code"] == 429
    assert "This address has used its share of the search" in api.body
    assert page.status == 429 and "Cette adresse a utilisé sa part" in page.body
    for answer in (api, page):
        assert answer.retry_after is not None and int(answer.retry_after) > 2
        assert "Too many searches from this address" not in answer.body
    assert limited_in_log(tmp_path / "nginx" / "error.log", "127.0.0.4") == 0
