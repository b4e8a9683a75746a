"""Staff times say their zone (issue 14): the stored UTC timestamps of the queue, the audit
log, the uploads list, an upload's page and a sheet's review page are written "7 Dec 2026,
09:29 UTC" in English and French ("7 déc. 2026, 09:29 UTC"), never as a bare time that staff
across Europe would read as their own, nor as a raw ISO stamp; on one line in the tables."""

from __future__ import annotations

import re

import lxml.html
import pytest

from kb.service.audit import AuditLog
from kb.service.batches import Batches
from kb.service.knowledge_base import KnowledgeBase
from kb.service.users import Users
from tests.samples.records import make_record
from web.i18n import moment

NBSP = "\N{NO-BREAK SPACE}"
# The same instant stored three ways: as the store writes it, with another offset, and naive.
AS_STORED = "2026-12-07T09:29:12+00:00"
WITH_OFFSET = "2026-12-07T10:29:12+01:00"
NAIVE = "2026-12-07T09:29:12"
SHOWN = {"en": f"7 Dec 2026, 09:29{NBSP}UTC", "fr": f"7 déc. 2026, 09:29{NBSP}UTC"}
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("stamp", [AS_STORED, WITH_OFFSET, NAIVE])
def test_a_stored_time_is_written_in_utc_and_says_so(app, language, stamp):
    with app.test_request_context("/", headers={"Accept-Language": language}):
        assert moment(stamp) == SHOWN[language]
        # Not a timestamp: as it is; nothing: nothing.
        assert moment("soon") == "soon" and moment(None) == moment("") == ""


@pytest.fixture
def home(password, tmp_path):
    """A draft (in the queue), its audit entry and an upload, their times set to one instant
    written the three ways."""
    home = tmp_path / "kb"
    with KnowledgeBase(home) as kb:
        item = kb.save(make_record("Night wardens in Turku", city="Turku", country="FI"),
                       "draft")
        AuditLog(kb.store).record("alice", "review", item.id)
        batch_id = Batches.new_id()
        Batches(kb.store).create(batch_id, "alice", 1)
        Users(kb.store).add("alice", password)
        with kb.store.transaction():
            kb.store.execute("UPDATE records SET updated = ?", (AS_STORED,))
            kb.store.execute("UPDATE audit_log SET at = ?", (WITH_OFFSET,))
            kb.store.execute("UPDATE upload_batches SET created = ?", (NAIVE,))
    (home / "ids.txt").write_text(f"{item.id} {batch_id}")
    return home


def page(client, path: str, language: str) -> lxml.html.HtmlElement:
    response = client.get(path, headers={"Accept-Language": language})
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    return lxml.html.fromstring(response.get_data(as_text=True))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_staff_page_with_a_time_says_it_is_utc(sign_in, client, home, language):
    assert sign_in(client).status_code == 302
    record_id, batch_id = (home / "ids.txt").read_text().split()
    shown = SHOWN[language]
    # The tables: the time in its cell, kept on one line (the stylesheet's nowrap).
    for path, table, cell, stamp in (
            ("/staff/review", "review-queue", "td", AS_STORED),
            ("/staff/audit", "audit", "td", WITH_OFFSET),     # the sign-in's entry too, now
            ("/staff/batches", "batches", "th", NAIVE)):
        doc = page(client, path, language)
        cells = doc.xpath(f"//table[contains(@class, '{table}')]//{cell}[@class='when']")
        # The stamp stays in the markup for machines; people read it in words, zone said.
        [fixed] = [c for c in cells if c.xpath(f".//time[@datetime='{stamp}']")]
        assert fixed.text_content().strip() == shown, path
        assert all(c.text_content().strip().endswith(f"{NBSP}UTC") for c in cells), path
        assert not ISO.search(" ".join(doc.xpath("//main//text()"))), path
    # The pages that write it in a sentence.
    batch = page(client, f"/staff/batches/{batch_id}", language)
    assert shown in batch.xpath("string(//h1)")
    assert shown in batch.findtext(".//title")
    review = page(client, f"/staff/sheets/{record_id}", language)
    assert shown in review.xpath("string(//main)")
    assert not ISO.search(" ".join(review.xpath("//main//text()")))

