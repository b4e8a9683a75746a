"""The README's screenshots: the search page, a sheet, the analysis page and the staff review
page of the demo sheets (kb/cli/demo), taken with Playwright and Debian's Chromium and saved as
small PNGs in web/static/screenshots/ (not a test: run it after a change to the pages).

    python bench/screenshots.py [--chromium /usr/bin/chromium] [--out web/static/screenshots]
"""

from __future__ import annotations

import argparse
import io
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from kb.service.importing import ImportOptions, import_paths
from kb.service.knowledge_base import KnowledgeBase
from kb.service.users import Users

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "kb" / "cli" / "demo"
VIEWPORT = {"width": 1280, "height": 860}
NAME, PASSWORD = "demo", "demo screenshots only"
LIMIT = 200_000            # bytes a screenshot may take in the repository
SERVING = re.compile(r"at (http://localhost:\d+/)")


def build(home: Path) -> None:
    with KnowledgeBase(home) as kb:
        report = import_paths(kb, [DEMO], ImportOptions(workers=1))
        print(f"demo knowledge base: {report.summary()}")
        Users(kb.store).add(NAME, PASSWORD)


def serve(home: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "kb.cli", "--home", str(home), "serve",
                                "--port", "0", "--threads", "2"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in process.stdout:
        found = SERVING.search(line)
        if found:
            return process, found.group(1)
    process.wait()
    raise SystemExit(f"kb serve did not start (exit {process.returncode})")


def save(png: bytes, path: Path) -> int:
    """The screenshot in at most 256 colours (the pages are flat colours and text): a quarter
    of the size, still sharp."""
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256, dither=Image.NONE)
    image.save(path, optimize=True)
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--out", type=Path, default=ROOT / "web" / "static" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch) / "kb"
        build(home)
        server, url = serve(home)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=args.chromium,
                                                     args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport=VIEWPORT, locale="en-GB")
                shots = {}
                page.goto(url + "?q=youth")
                shots["search"] = page.screenshot()
                page.goto(url + "?q=night")
                page.locator("main a[href^='/sheets/']").first.click()
                page.wait_for_load_state()
                shots["sheet"] = page.screenshot()
                page.goto(url + "analysis")
                # The top of the page: the figures and the map beside the filters.
                shots["analysis"] = page.screenshot(
                    full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": 1280})
                page.goto(url + "staff/sign-in")
                page.fill("input[name=name]", NAME)
                page.fill("input[name=password]", PASSWORD)
                page.locator("form button[type=submit], form input[type=submit]").last.click()
                page.wait_for_load_state()
                # The review of a PDF sheet: its pages shown beside the fields.
                page.goto(url + "?q=Limerick")
                href = page.locator("main a[href^='/sheets/']").first.get_attribute("href")
                page.goto(url + "staff" + href.split("?")[0])
                # The pages are drawn on request and lazily loaded: wait until they show.
                images = page.locator(".original-page img")
                images.first.scroll_into_view_if_needed()
                for _ in range(120):
                    if images.evaluate_all("all => all.length > 0 && all.every("
                                           "i => i.complete && i.naturalWidth > 0)"):
                        break
                    page.wait_for_timeout(500)
                shots["review"] = page.screenshot()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    for name, png in shots.items():
        path = args.out / f"{name}.png"
        size = save(png, path)
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
              f"{size / 1000:.0f} KB"
              + ("" if size <= LIMIT else f"  OVER the {LIMIT // 1000} KB limit"))


if __name__ == "__main__":
    main()
