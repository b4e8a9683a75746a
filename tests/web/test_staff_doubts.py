"""Doubtful fields (issue 14, staff): an e-mail that is not an address, a contact name that is
a label word or holds stray marks, a city without its country; shown on the queue and on the
review page, and a broken field is never published. Mark as reviewed."""

from __future__ import annotations

import shutil

import lxml.html
import pytest

from kb.service.audit import AuditLog
from kb.service.doubts import broken, doubts
from kb.service.knowledge_base import KnowledgeBase
from kb.service.users import Users
from tests.samples.records import make_record


@pytest.mark.parametrize("contact, city, country, expected", [
    ({"name": "Helen Marsh", "email": "helen.marsh@bristol-safety.example.org.uk"},
     "Bristol", "GB", {}),
    ({"name": "mail", "email": "marcus.allen@fightforpeace.example"}, "London", "GB",
     {"contact.name": "contact-name-label"}),
    ({"name": "E-mail", "email": None}, "Lyon", "FR", {"contact.name": "contact-name-label"}),
    ({"name": "Contacto", "email": None}, "Bilbao", "ES", {"contact.name": "contact-name-label"}),
    ({"name": "Joost de Wit < >", "email": None}, "Tilburg", "NL",
     {"contact.name": "contact-name-marks"}),
    ({"name": "Équipe prévention", "email": "marcus.allen@[10.0.0.1]"}, "Paris", "FR",
     {"contact.email": "contact-email-broken"}),
    ({"name": "Ana Ruiz", "email": "ana.ruiz@localhost"}, "Zaragoza", None,
     {"contact.email": "contact-email-broken", "country": "city-without-country"}),
    # Cut at a line break: an address in form, but .exampl is no top-level domain.
    ({"name": "Marcus Allen", "email": "marcus.allen@fightforpeace.exampl"}, "London", "GB",
     {"contact.email": "contact-email-domain-unknown"}),
    ({"name": "Eva Claes", "email": "eva.claes@gent.bel"}, "Ghent", "BE",
     {"contact.email": "contact-email-domain-unknown"}),
    # Top-level domains of every kind, in any case: generic, country, city, IDN.
    ({"name": "Eva Claes", "email": "eva.claes@GENT.BE"}, "Ghent", "BE", {}),
    ({"name": "Ane Etxeberria", "email": "ane@bilbao.eus"}, "Bilbao", "ES", {}),
    ({"name": "Lena Vogel", "email": "lena.vogel@praevention.berlin"}, "Berlin", "DE", {}),
    ({"name": "Ivan Petrov", "email": "ivan@sofia.xn--90ae"}, "Sofia", "BG", {}),
    (None, None, None, {}),
    (None, "Graz", None, {"country": "city-without-country"}),
])
def test_doubts_by_field(contact, city, country, expected):
    record = make_record(contact=contact, city=city, country=country)
    found = doubts(record)
    assert {name: message.code for name, message in found.items()} == expected
    assert set(broken(record)) == {name for name, code in expected.items()
                                   if code.startswith("contact-email")}
    for message in found.values():         # one sentence naming the field and what to do
        assert message.endswith(".") and ("Contact" in message or "City" in message)


DOUBTFUL = make_record("Football for peace in Hackney", city="London", country=None,
                       contact={"name": "mail", "email": "marcus.allen@fightforpeace.example"})
BROKEN = make_record("Night buses watched in Leeds", city="Leeds", country="GB",
                     contact={"name": "Joost de Wit", "email": "joost@localhost"})


@pytest.fixture
def home(tmp_path, password):
    home = tmp_path / "kb"
    with KnowledgeBase(home) as kb:
        kb.save(DOUBTFUL, "published", warnings=["No budget figure was found."])
        kb.save(BROKEN, "draft")
        Users(kb.store).add("alice", password)
    return home


@pytest.fixture
def staff(sign_in, client):
    assert sign_in(client).status_code == 302
    return client


def ids(app) -> dict[str, str]:
    kb = app.extensions["knowledge_base"].kb
    return {item.record["title"]: item.id for item in kb.store.records()}


def test_the_queue_and_the_review_page_show_the_doubts(app, staff):
    queue = staff.get("/staff/review").get_data(as_text=True)
    assert "Contact name mail is a label word" in queue
    assert "City London is given without its country" in queue
    assert "Contact e-mail joost@localhost is not a whole address" in queue
    record_id = ids(app)["Football for peace in Hackney"]
    page = lxml.html.fromstring(staff.get(f"/staff/sheets/{record_id}").get_data(as_text=True))
    [row] = page.xpath("//tr[@id='field-contact.name']")
    assert "doubtful" in row.get("class")
    assert "is a label word" in row.text_content()
    [country] = page.xpath("//tr[@id='field-country']")
    assert "doubtful" in country.get("class") and "without its country" in country.text_content()
    [fine] = page.xpath("//tr[@id='field-city']")
    assert "doubtful" not in (fine.get("class") or "")


def test_the_doubts_are_french_on_a_french_page(app, staff):
    staff.set_cookie("lang", "fr")
    queue = staff.get("/staff/review").get_data(as_text=True)
    assert "Le nom du contact mail est un mot d’étiquette" in queue
    assert "is a label word" not in queue


def test_a_broken_field_is_never_published(app, staff, token):
    record_id = ids(app)["Night buses watched in Leeds"]
    response = staff.post(f"/staff/sheets/{record_id}/publish",
                          data={"csrf_token": token(staff, "/staff/")})
    assert response.status_code == 422
    assert "joost@localhost is not a whole address" in response.get_data(as_text=True)
    kb = app.extensions["knowledge_base"].kb
    assert kb.get(record_id).status == "draft"
    assert staff.get(f"/sheets/{record_id}").status_code == 404


def test_mark_as_reviewed_takes_a_sheet_off_the_queue(app, staff, token):
    record_id = ids(app)["Football for peace in Hackney"]
    queue = staff.get("/staff/review").get_data(as_text=True)
    assert f'href="/staff/sheets/{record_id}"' in queue
    response = staff.post(f"/staff/sheets/{record_id}/reviewed",
                          data={"csrf_token": token(staff, "/staff/")})
    assert response.status_code == 302
    kb = app.extensions["knowledge_base"].kb
    item = kb.get(record_id)
    assert item.warnings == [] and item.status == "published" and item.version == 1
    assert f'href="/staff/sheets/{record_id}"' not in staff.get("/staff/review").get_data(
        as_text=True)
    assert [(e.action, e.record_id) for e in AuditLog(kb.store).entries()
            if e.action == "review"] == [("review", record_id)]
