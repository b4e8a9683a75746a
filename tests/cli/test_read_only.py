"""A read-only home (issue 15, item 10): reads work (by meaning too), writes say the folder is
read-only, `kb serve` serves the public pages.

Tests run as root, whom permissions do not stop, so the home is made truly read-only: each
command runs in a mount namespace of its own (unshare, util-linux) where the home is bind
mounted read-only over itself, as a read-only share or backup mount would be.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from index import embedding
from kb.service.knowledge_base import KnowledgeBase
from tests.index.test_semantic import BEEHIVES, BEES_IT, FOOTBALL, SENIORS
from tests.samples.records import other_record
from tests.web.test_proxy import free_port

READS = [["search", "harbour"], ["search", "harbour", "--json"], ["show", "{id}"],
         ["similar", "{id}"], ["stats"], ["export"], ["export", "--format", "csv"], ["check"],
         ["check", "--json"]]
WRITES = [["import", "{sheet}"], ["check", "--repair"], ["reindex"], ["delete", "{id}", "--yes"],
          ["user", "add", "bob", "--password", "a long enough password"], ["recover"]]


def kb_line(home: Path) -> str:
    return f"{shlex.quote(sys.executable)} -m kb.cli --home {shlex.quote(str(home))}"


def mount_read_only(home: Path) -> str:
    return f"mount --bind {home} {home} && mount -o remount,ro,bind {home} {home} || exit 99"


def read_only_run(home: Path, commands: list[list[str]],
                  semantic: str = "off") -> list[tuple[int, str]]:
    """Each command's exit status and output, run on `home` mounted read-only."""
    kb = kb_line(home)
    script = [mount_read_only(home)]
    for number, command in enumerate(commands):
        script.append(f"{kb} {shlex.join(command)} > {home.parent}/out{number} 2>&1; "
                      f"echo $? > {home.parent}/rc{number}")
    done = subprocess.run(["unshare", "-rm", "sh", "-c", "\n".join(script)],
                          env={**os.environ, embedding.SETTING: semantic}, timeout=300)
    assert done.returncode == 0, "could not mount the home read-only"
    return [(int((home.parent / f"rc{n}").read_text()), (home.parent / f"out{n}").read_text())
            for n in range(len(commands))]


def tree(home: Path) -> dict[str, tuple[int, int]]:
    return {str(path.relative_to(home)): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in home.rglob("*")}


@pytest.fixture
def filled(home: Path, sheet_file: Path) -> tuple[Path, str]:
    with KnowledgeBase(home) as kb:
        ids = [kb.save(other_record(f"Harbour patrol number {n}", city=f"Town{n}")).id
               for n in range(3)]
    return home, ids[0]


def test_reads_work_on_a_read_only_home_and_write_nothing(filled, sheet_file):
    home, record_id = filled
    before = tree(home)
    commands = [[part.format(id=record_id, sheet=sheet_file) for part in command]
                for command in READS]
    results = read_only_run(home, commands)
    for command, (status, output) in zip(commands, results):
        assert status == 0, (command, output)
        assert "Traceback" not in output and "read-only" not in output, (command, output)
    search, search_json, show, _, stats, export, csv, check, check_json = (
        output for _, output in results)
    assert "Harbour patrol number" in search and '"total": 3' in search_json
    assert record_id in show and record_id in export and "Harbour patrol" in csv
    assert "Store and index agree." in check and '"consistent": true' in check_json
    assert tree(home) == before      # no -wal, -shm or lock file, nothing touched


def test_writes_on_a_read_only_home_say_so(filled, sheet_file):
    home, record_id = filled
    before = tree(home)
    commands = [[part.format(id=record_id, sheet=sheet_file) for part in command]
                for command in WRITES]
    for command, (status, output) in zip(commands, read_only_run(home, commands)):
        assert status == 1, (command, output)
        assert f"The knowledge base at {home} is read-only" in output, (command, output)
        assert "Traceback" not in output
    assert tree(home) == before
    with KnowledgeBase(home) as kb:
        assert kb.store.count() == 3


# Search by meaning


@pytest.fixture
def with_vectors(home: Path, monkeypatch) -> Path:
    monkeypatch.setenv(embedding.SETTING, embedding.DEFAULT_MODEL)
    with KnowledgeBase(home, vector_builds="inline") as kb:
        for record in (BEEHIVES, BEES_IT, FOOTBALL, SENIORS):
            kb.save(record)
        assert kb.check().vectors.model and kb.check().consistent
    return home


def test_search_by_meaning_works_on_a_read_only_home(with_vectors):
    home = with_vectors
    before = tree(home)
    # Polish: no sheet has these words, so only the vectors can find the bees.
    (status, found), (check_status, check) = read_only_run(
        home, [["search", "pszczoły i miód", "--verbatim", "--json"], ["check"]],
        semantic=embedding.DEFAULT_MODEL)
    assert status == 0, found
    assert '"nearest": true' in found and '"by_meaning": true' in found, found
    assert BEEHIVES["title"] in found or BEES_IT["title"] in found
    assert check_status == 0 and "Store, index and vectors agree." in check, check
    assert tree(home) == before      # no vectors.sqlite3-wal, -shm or vectors.lock


def test_check_says_vectors_cannot_be_made_on_a_read_only_home(filled):
    home, _ = filled                  # made with meaning off: no vector file at all
    before = tree(home)
    (status, check), (search_status, search) = read_only_run(
        home, [["check"], ["search", "harbour"]], semantic=embedding.DEFAULT_MODEL)
    assert status == 1, check
    assert "3 record(s) without a vector" in check, check
    assert "vectors cannot be made on a read-only home" in check, check
    assert "Traceback" not in check
    assert search_status == 0 and "Harbour patrol number" in search, search   # by words
    assert tree(home) == before


# kb serve


def get(opener, url: str, data: dict | None = None) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, body, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_kb_serve_on_a_read_only_home_serves_the_public_pages(filled, tmp_path):
    home, record_id = filled
    before = tree(home)
    port = free_port()
    log = tmp_path / "serve.log"
    script = f"{mount_read_only(home)}\nexec {kb_line(home)} serve --port {port} --workers 1"
    with open(log, "wb") as out:
        server = subprocess.Popen(["unshare", "-rm", "sh", "-c", script], stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    site = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, page = get(opener, f"{site}/?q=harbour")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
        assert status == 200 and "Harbour patrol number" in page
        for path in ("/api/search?q=harbour", f"/sheets/{record_id}", f"/api/sheets/{record_id}",
                     "/feed.atom", "/export.csv"):
            status, page = get(opener, site + path)
            assert status == 200 and "Harbour patrol" in page, (path, status, page[:300])
        status, page = get(opener, f"{site}/staff/sign-in")
        assert status == 503 and "read-only" in page and "cannot sign in" in page, page
        token = re.search(r'name="csrf_token" value="([^"]+)"', get(opener, site + "/")[1])
        status, page = get(opener, f"{site}/staff/sign-in",
                           {"name": "bob", "password": "whatever it is",
                            "csrf_token": token.group(1) if token else ""})
        assert status == 503 and "read-only" in page, page
        status, page = get(opener, f"{site}/staff/sign-out", {})
        assert status == 503 and "read-only" in page, page
    finally:
        server.terminate()
        server.wait(timeout=30)
    output = log.read_text()
    assert "read-only" in output and "Traceback" not in output, output
    assert tree(home) == before
