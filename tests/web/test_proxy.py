"""Slow clients (issue 15): `kb serve` with two threads is starved by 20 connections sending
their headers a byte a second; behind nginx with deploy/nginx.conf the same clients wait in
nginx and every other request is answered at once.

Needs Debian's nginx (`.ci/run` installs it); on a machine without it the test is skipped,
unless PRACTICE_KB_REQUIRE_NGINX is set (CI), where a missing nginx fails it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
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


def answers(port: int, timeout: float = PROBE_TIMEOUT) -> bool:
    conn = HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/api/search?q=harbour", headers={"Host": "localhost"})
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def wait_until_answering(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while not answers(port, timeout=2):
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)


@pytest.fixture
def app_port(tmp_path: Path, project_root: Path) -> Iterator[int]:
    home = tmp_path / "kb"
    with KnowledgeBase(home) as kb:
        kb.save(other_record("Harbour patrol"))
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kb.cli", "--home", str(home), "serve", "--port", str(port),
             "--workers", "1", "--threads", "2", "--behind-proxy"],
            stdout=out, stderr=subprocess.STDOUT, cwd=project_root,
            env={**os.environ, "PYTHONPATH": str(project_root)}, start_new_session=True)
    try:
        wait_until_answering(port, process, log)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def proxy_port(tmp_path: Path, project_root: Path, app_port: int) -> Iterator[int]:
    port = free_port()
    server = (project_root / "deploy" / "nginx.conf").read_text()
    server = (server.replace("@APP_PORT@", str(app_port))
              .replace("@LISTEN@", f"127.0.0.1:{port}").replace("@SERVER_NAME@", "localhost"))
    root = tmp_path / "nginx"
    root.mkdir()
    (root / "server.conf").write_text(server)
    temp = {name: root / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    (root / "nginx.conf").write_text(
        f"daemon off; worker_processes 1; pid {root}/nginx.pid; error_log {root}/error.log;\n"
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
