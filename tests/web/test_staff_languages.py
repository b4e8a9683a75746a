"""The staff edit form offers every language a sheet may be in (kb.core.languages), the
network's seven and the others the importers read (Polish, Swedish), named in the page's
language, and keeps a Polish sheet Polish when staff save it."""

from __future__ import annotations

import re

import pytest

from kb.core.languages import SHEET_LANGUAGES
from kb.core.record import load_draft
from kb.service.knowledge_base import KnowledgeBase
from kb.service.users import Users

POLISH = {"title": "Bezpieczna droga do szkoły", "language": "pl", "city": "Gdańsk",
          "country": "PL", "objectives": "Dzieci chodzą do szkoły bezpiecznie.",
          "themes": ["public-spaces"]}


@pytest.fixture
def home(tmp_path, password):
    home = tmp_path / "kb"
    with KnowledgeBase(home) as kb:
        draft, errors = load_draft(POLISH)
        assert not errors
        kb.save(draft, "draft")
        Users(kb.store).add("alice", password)
    return home


@pytest.fixture
def edit_page(app, client, sign_in):
    assert sign_in(client).status_code == 302
    [item] = list(app.extensions["knowledge_base"].kb.store.records("draft"))

    def page(language: str = "en") -> str:
        client.set_cookie("lang", language)
        return client.get(f"/staff/sheets/{item.id}/edit").get_data(as_text=True)
    return page


def language_options(page: str) -> dict[str, str]:
    """The language select's options: value -> what staff read."""
    select = re.search(r'<select[^>]*name="language".*?</select>', page, re.DOTALL).group(0)
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select))


def test_the_edit_form_offers_every_language_a_sheet_may_be_in(edit_page):
    options = language_options(edit_page())
    options.pop("")  # "(not set)", offered on a draft
    assert list(options) == list(SHEET_LANGUAGES)
    assert options["pl"] == "Polish (pl)" and options["sv"] == "Swedish (sv)"


def test_a_polish_sheet_is_shown_polish_and_named_in_french(edit_page):
    page = edit_page("fr")
    assert re.search(r'<option value="pl" selected>polonais \(pl\)</option>', page)
    assert language_options(page)["sv"] == "suédois (sv)"
    # Not offered as an unknown code of its own beside the list, as before.
    assert list(language_options(page)).count("pl") == 1
