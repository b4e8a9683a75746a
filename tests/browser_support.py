"""Helpers for the browser tests: the knowledge base they search, the server they drive, the
Chromium they drive it with, and small readers of what a page shows."""

from __future__ import annotations

import os
import re
import selectors
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "kb" / "cli" / "demo"
SCREENSHOTS = ROOT / "tests" / "output" / "screenshots"
# Generated sheets beside the twelve demo ones: facets with many values, several result pages.
SYNTHETIC_COUNT = 60
CHROMIUM_ENV = "PRACTICE_KB_CHROMIUM"
REQUIRE_ENVS = ("CI", "PRACTICE_KB_REQUIRE_BROWSER")
INSTALL_HINT = "install Debian's chromium: apt-get install chromium"
# Chromium as a quiet, offline test browser: no sandbox (CI runs as root), no GPU, no calls home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SERVER_START_TIMEOUT = 30
_SERVING = re.compile(r"at (http://localhost:\d+/)")


def chromium_path() -> str | None:
    """The Chromium to drive: $PRACTICE_KB_CHROMIUM, else `chromium` on the PATH."""
    explicit = os.environ.get(CHROMIUM_ENV)
    if explicit:
        return explicit if Path(explicit).is_file() else None
    return shutil.which("chromium")


def browser_required() -> bool:
    """On CI a missing browser is a failure, not a skip: the browser tests must have run."""
    return any(os.environ.get(name) for name in REQUIRE_ENVS)


def build_knowledge_base(home: Path) -> int:
    """Import the demo sheets and save generated ones; returns how many sheets are published."""
    from bench import synthetic
    from kb.service.importing import import_paths
    from kb.service.knowledge_base import KnowledgeBase

    with KnowledgeBase(home) as kb:
        report = import_paths(kb, [SAMPLES])
        imported = report.counts()["imported"]
        assert imported == 12, report.summary()
        with kb.store.transaction():
            for record in synthetic.records(SYNTHETIC_COUNT, seed=7):
                kb.save(record, "published", sync=False)
        kb.sync_index()
    return imported + SYNTHETIC_COUNT


class Server:
    """`kb --home HOME serve --port 0` in a child process: what a user runs, on a free port."""

    def __init__(self, home: Path, log: Path):
        self.home = home
        self.log = log
        self._log_file = log.open("wb")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kb.cli", "--home", str(home), "serve", "--port", "0",
             "--threads", "4"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=self._log_file)
        try:
            self.url = self._wait_for_url()
        except BaseException:
            self.stop()
            raise

    def _wait_for_url(self) -> str:
        assert self.process.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        seen = b""
        try:
            while time.monotonic() < deadline:
                if not selector.select(timeout=deadline - time.monotonic()):
                    break
                line = self.process.stdout.readline()
                if not line:
                    break
                seen += line
                found = _SERVING.search(line.decode("utf-8", "replace"))
                if found:
                    return found.group(1)
        finally:
            selector.close()
        raise RuntimeError(f"`kb serve` did not start: {seen.decode('utf-8', 'replace')}"
                           f"{self.log_text()}")

    def log_text(self) -> str:
        self._log_file.flush()
        return self.log.read_text("utf-8", "replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process.stdout:
            self.process.stdout.close()
        self._log_file.close()


def query(url: str) -> dict[str, list[str]]:
    """The parameters of a URL's query string, each with all its values."""
    return parse_qs(urlsplit(url).query)


def first_number(text: str) -> int:
    """The first whole number written in a text, thousands separators (any locale) allowed."""
    found = re.search(r"\d[\d\s.,\u202f\u00a0]*", text)
    assert found, f"no number in {text!r}"
    return int(re.sub(r"\D", "", found.group()))
