"""Staff times in a real browser (issue 14): the queue, the audit log and the uploads list
write each stored time with its zone ("8 Dec 2026, 00:22 UTC"), on one line, at desktop and
phone widths, in English and French; the pages still fit a 390 px phone, where an audit
entry's time and user share a line. Screenshots."""

from __future__ import annotations

import re

from tests.web.browser.test_browser import no_horizontal_scroll
from tests.web.browser.test_browser import demo_ids  # noqa: F401  (a fixture)
from tests.web.browser.test_staff import BOTH, reviewer, staff  # noqa: F401
from tests.web.browser.test_staff_tools import save

WRITTEN = re.compile(r"\d{1,2} \w+\.? \d{4}, \d\d:\d\d\u00a0UTC")
PAGES = (("/staff/review?status=draft", "table.review-queue td.when", "queue"),
         ("/staff/audit", "table.audit td.when", "audit"),
         ("/staff/batches", "table.batches th.when", "uploads"))


def an_upload(server, user: str) -> None:
    """A row in the uploads list (a batch as the upload form starts it)."""
    from kb.service.batches import Batches
    from kb.service.knowledge_base import KnowledgeBase

    with KnowledgeBase(server.home) as kb:
        Batches(kb.store).create(Batches.new_id(), user, 1)


@BOTH
def test_staff_times_say_utc_on_one_line(staff, server, reviewer, shoot):  # noqa: F811
    from tests.samples.records import make_record

    page = staff
    save(server, (make_record(f"Timed draft {page.size} {page.language}", city="Oulu",
                              country="FI"), "draft", []))
    an_upload(server, reviewer)
    for path, cells, name in PAGES:
        page.goto(path)
        times = page.locator(cells)
        assert times.count() >= 1, path
        for when in times.all()[:10]:
            text = when.inner_text().strip()
            assert WRITTEN.fullmatch(text), f"{path}: {text!r}"
            # One line box: the time and its zone never split over two lines.
            assert when.locator("time").evaluate("e => e.getClientRects().length") == 1, path
            box = when.locator("time").bounding_box()
            assert box["height"] < 2 * float(when.evaluate(
                "e => parseFloat(getComputedStyle(e).lineHeight) || 20")), path
        if page.size == "phone":
            no_horizontal_scroll(page)
        if name == "audit":
            # The entry's time and who run on as one line (on a phone too), not a line each.
            row = page.locator("table.audit tbody tr").first
            tops = {round(row.locator(f"td.{kind}").bounding_box()["y"])
                    for kind in ("when", "user")}
            assert len(tops) == 1, tops
        shoot(page, f"staff-times-{name}-{page.size}-{page.language}")
