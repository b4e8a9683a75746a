"""What the review page's table of fields marks (issue 14, staff): each theme its own tag (they
ran together without separators), in the sheet's order and the page's language; an empty field
marked as empty, in English and French (doubtful fields: tests/web/test_staff_doubts.py)."""

from __future__ import annotations

import lxml.html
import pytest

from kb.core.themes import vocabulary
from kb.service.knowledge_base import KnowledgeBase
from kb.service.users import Users
from tests.samples.records import make_record

THEMES = ["nightlife", "youth", "mediation"]
EMPTY = {"en": "(empty)", "fr": "(vide)"}


@pytest.fixture
def home(password, tmp_path):
    home = tmp_path / "kb"
    with KnowledgeBase(home) as kb:
        item = kb.save(make_record("Night mediators in Tartu", city="Tartu", country="EE",
                                   themes=THEMES, evaluation=None), "draft")
        Users(kb.store).add("alice", password)
    (home / "id.txt").write_text(item.id)
    return home


@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_theme_is_a_tag_and_an_empty_field_says_so(sign_in, client, home, language):
    assert sign_in(client).status_code == 302
    record_id = (home / "id.txt").read_text()
    response = client.get(f"/staff/sheets/{record_id}", headers={"Accept-Language": language})
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    [row] = doc.xpath("//tr[@id='field-themes']")
    tags = [tag.text_content().strip() for tag in row.xpath(".//ul[@class='tags']/li")]
    assert tags == [vocabulary()[theme].label(language) for theme in THEMES]
    [empty] = doc.xpath("//tr[@id='field-evaluation']")
    assert "field-empty" in empty.get("class")
    assert empty.xpath("string(.//*[@class='missing'])") == EMPTY[language]
    [filled] = doc.xpath("//tr[@id='field-context']")
    assert "field-empty" not in (filled.get("class") or "")
