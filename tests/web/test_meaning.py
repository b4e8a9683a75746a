"""What a person sees of search by meaning: the nearest sheets when no sheet has the words,
marked as such, and the hits found by meaning labelled, in English and in French."""

from __future__ import annotations

import lxml.html
import pytest

from index import embedding
from kb.service.knowledge_base import KnowledgeBase
from tests.index.test_semantic import SHEETS
from web.app import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(embedding.SETTING, embedding.DEFAULT_MODEL)
        home = tmp_path_factory.mktemp("meaning") / "kb"
        with KnowledgeBase(home, vector_builds="inline") as kb:
            for record in SHEETS:
                kb.save(record)
        app = create_app({"KB_HOME": home, "TESTING": True})
        yield app.test_client()
        app.extensions["knowledge_base"].close()


def page(client, query: str, language: str = "en") -> lxml.html.HtmlElement:
    response = client.get("/", query_string={"q": query, "verbatim": "1"},
                          headers={"Accept-Language": language})
    assert response.status_code == 200
    return lxml.html.fromstring(response.get_data(as_text=True))


def titles(doc: lxml.html.HtmlElement) -> list[str]:
    return [title.strip() for title in doc.xpath("//ol[@class='hits']//article//h3/a/text()")]


def labels(doc: lxml.html.HtmlElement) -> list[bool]:
    return [bool(hit.xpath(".//*[contains(@class, 'by-meaning')]"))
            for hit in doc.xpath("//ol[@class='hits']//article")]


@pytest.mark.parametrize("language, notice, label", [
    ("en", "these are the sheets nearest in meaning", "Found by meaning"),
    ("fr", "voici les fiches les plus proches par le sens", "Trouvée par le sens"),
])
def test_no_sheet_with_the_words_shows_the_nearest_marked(client, language, notice, label):
    doc = page(client, "pszczoły i miód", language)       # Polish: bees and honey
    assert notice in doc.xpath("string(//p[contains(@class, 'nearest')])")
    assert titles(doc)[0].startswith(("Rooftop beehives", "Api in città"))
    assert all(labels(doc)) and labels(doc)
    assert label in doc.xpath("string(//ol[@class='hits'])")
    assert "No sheet matches" not in doc.text_content()


def test_a_hit_found_by_its_words_has_no_label(client):
    doc = page(client, "le miel des abeilles")
    by_title = dict(zip(titles(doc), labels(doc)))
    assert by_title == {"Api in città: apicoltura con ragazzi in messa alla prova": False,
                        "Rooftop beehives tended by young offenders": True}
    assert not doc.xpath("//p[contains(@class, 'nearest')]")


def test_the_api_says_which_hits_came_by_meaning(client):
    body = client.get("/api/search", query_string={"q": "pszczoły i miód",
                                                   "verbatim": "1"}).get_json()
    assert body["nearest"] is True
    assert body["hits"] and all(hit["by_meaning"] for hit in body["hits"])
