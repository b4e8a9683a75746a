"""Web hardening of issue 15: frame and transport headers, exports as inert as the API, and
originals that no cache keeps after a sheet goes back to draft."""

from __future__ import annotations

import pytest

from web.app import create_app


@pytest.fixture(scope="module")
def app(corpus):
    application = create_app({"KB_HOME": corpus.home, "TESTING": True})
    yield application
    application.extensions["knowledge_base"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def test_pages_may_not_be_framed(client):
    assert client.get("/").headers["X-Frame-Options"] == "DENY"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://kb.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_export_json_escapes_markup_as_the_api_does(client, hostile):
    body = client.get("/export.json").get_data(as_text=True)
    assert "<script>" not in body and "<img" not in body
    assert "\\u003cscript\\u003e" in body


def test_a_public_original_is_asked_again_each_time(client, corpus):
    with client.get(f"/sheets/{corpus.demo_id('demo01')}/original") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache"


@pytest.fixture
def named_site(corpus):
    application = create_app({"KB_HOME": corpus.home, "TESTING": True,
                              "TRUSTED_HOSTS": ["kb.example"]})
    yield application.test_client()
    application.extensions["knowledge_base"].close()


@pytest.mark.parametrize("path", ["/feed.atom", "/export.csv", "/export.json", "/"])
def test_a_foreign_host_header_names_no_link(named_site, path):
    assert named_site.get(path, headers={"Host": "evil.example"}).status_code == 400
    good = named_site.get(path, headers={"Host": "kb.example"})
    assert good.status_code == 200
    assert "//evil.example/" not in good.get_data(as_text=True)    # a sheet names it as text


def test_feed_and_export_links_name_the_configured_site(named_site):
    feed = named_site.get("/feed.atom", headers={"Host": "kb.example"}).get_data(as_text=True)
    rows = named_site.get("/export.csv", headers={"Host": "kb.example"}).get_data(as_text=True)
    assert "http://kb.example/sheets/" in feed and "http://kb.example/sheets/" in rows
