"""The browser tests' fixtures: the knowledge base they search, the server they drive, the
Chromium they drive it with, a fresh page per test that fails the test on script errors, the
window sizes and where screenshots go."""

from __future__ import annotations

import os
import re
import selectors
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - the [test] extra installs it
    sync_playwright = None

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
# Big enough for the slowest CI machine, small enough that a broken page fails quickly.
TIMEOUT_MS = 10_000
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


def awkward_records() -> dict[str, dict]:
    """Hand-made sheets for what the generated ones never have: accented cities, a country with
    no city, a budget per year and one per participant, a budget table kept with its line
    breaks, an e-mail address too long for a phone's width."""
    from tests.samples.records import make_record

    return {
        "geneve": make_record("Médiateurs de rue à Genève", city="Genève", country="CH",
                              language="fr", themes=["mediation"]),
        "zurich": make_record("Nachtlotsen in Zürich", city="Zürich", country="CH",
                              language="de", themes=["nightlife"]),
        "no city": make_record(
            "National charter for safer night-time venues", city=None, country="FR",
            themes=["nightlife"], contact={"name": "Charter team", "email":
                                           "night-time-economy-charter-coordination-team"
                                           "@interior-ministry-safety.example.org"},
            budget={"amount": 830000, "currency": "EUR", "amount_eur": 830000.0,
                    "text": "830.000 euros par an", "funding": [], "basis": "year"}),
        "table": make_record(
            "Youth outreach vans in Leeds", city="Leeds", country="GB", themes=["youth"],
            start_year=2020, end_year=2023,
            budget={"amount": 90000, "currency": "GBP", "amount_eur": 105300.0, "funding": [],
                    "basis": "total",
                    "text": "Item | 2021 | 2022\nStaff | 30,000 | 32,000\n"
                            "Vans | 12,000 | 16,000\nTotal | 42,000 | 48,000"}),
        "per participant": make_record(
            "Mentoring for young offenders in Porto", city="Porto", country="PT",
            themes=["youth"], start_year=2021, end_year=2022,
            budget={"amount": 1200, "currency": "EUR", "amount_eur": 1200.0, "funding": [],
                    "basis": "participant",
                    "text": "1 200 EUR por participante"}),
    }


def build_knowledge_base(home: Path, demo_files: Path) -> int:
    """Import the demo sheets and save generated and hand-made ones; returns how many sheets
    are published."""
    from bench import synthetic
    from kb.service.importing import import_paths
    from kb.service.knowledge_base import KnowledgeBase

    awkward = awkward_records()
    with KnowledgeBase(home) as kb:
        report = import_paths(kb, [demo_files])
        imported = report.counts()["imported"]
        assert imported == 12, report.summary()
        with kb.store.transaction():
            for record in [*synthetic.records(SYNTHETIC_COUNT, seed=7), *awkward.values()]:
                kb.save(record, "published", sync=False)
        kb.sync_index()
    return imported + SYNTHETIC_COUNT + len(awkward)


class Server:
    """`kb --home HOME serve --port 0` in a child process: what a user runs, on a free port."""

    def __init__(self, home: Path, log: Path, root: Path):
        self.home = home
        self.root = root
        self.log = log
        self._log_file = log.open("wb")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kb.cli", "--home", str(home), "serve", "--port", "0",
             "--threads", "4"],
            cwd=self.root, env=env, stdout=subprocess.PIPE, stderr=self._log_file)
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


# Fixtures: one server and one browser per session, one context (fresh cookies) per test.

@pytest.fixture
def ui(page, server, viewports, request):
    """A test parametrised with BOTH (tests.web.browser.test_browser): the page at the width and in the language of the test's parameters."""
    size, language = request.param
    page.set_viewport_size(viewports[size])
    page.goto(f"/language/{language}?next=/")
    assert page.locator("html").get_attribute("lang") == language
    page.size, page.language = size, language
    return page


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None or sync_playwright is None:
        missing = "Chromium" if path is None else "the playwright package"
        message = f"{missing} not found for the browser tests: {INSTALL_HINT}"
        if browser_required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def server(tmp_path_factory, demo_files, project_root) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("browser")
    build_knowledge_base(root / "kb", demo_files)
    running = Server(root / "kb", root / "server.log", project_root)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def browser(chromium) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class Problems:
    """What went wrong in the browser during a test: script errors, console errors, 5xx."""

    def __init__(self, page: Page):
        self.items: list[str] = []
        self.expected_status: set[str] = set()
        page.on("pageerror", lambda exc: self.items.append(f"uncaught error: {exc}"))
        page.on("console", self._console)
        page.on("response", self._response)

    def _response(self, response) -> None:
        if response.status >= 500:
            self.items.append(f"HTTP {response.status} for {response.url}")

    def _console(self, message) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "")
        # A page we asked for on purpose with a 4xx status logs its own load as failed.
        if "Failed to load resource" in message.text and where in self.expected_status:
            return
        self.items.append(f"console error on {where}: {message.text}")


@pytest.fixture
def page(browser, server) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, base_url=server.url, locale="en-GB",
                                  accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    watch = Problems(opened)
    opened.problems = watch
    try:
        yield opened
    finally:
        context.close()
    # Every test doubles as a check that its pages ran without script errors.
    assert not watch.items, "\n".join(watch.items)


@pytest.fixture(scope="session")
def viewports() -> dict[str, dict[str, int]]:
    """The window sizes the pages are checked at: "desktop" (the default) and "phone"."""
    return {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(scope="session")
def screenshots(project_root) -> Path:
    """tests/output/screenshots, where a person looks at what the tests saw (never committed)."""
    folder = project_root / "tests" / "output" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")
    return folder


@pytest.fixture(scope="session")
def shoot(screenshots) -> Callable[[Page, str], None]:
    """shoot(page, name): a full-page screenshot, tests/output/screenshots/NAME.png."""
    def shooting(page: Page, name: str) -> None:
        page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)
    return shooting
