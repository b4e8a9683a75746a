"""A bulk Publish or Unpublish of the review queue is confirmed first (issue 14, staff): the
form shows a page listing what it would do to each ticked sheet (or to every sheet shown),
changing nothing; only that page's button changes the sheets, under the CSRF protection, and a
confirmation forged, too old, or made before one of its sheets changed is refused cleanly."""

from __future__ import annotations

import html

import lxml.html
import pytest

from kb.core.messages import say
from kb.service.audit import AuditLog
from tests.web.test_staff_tools import (BROKEN_EMAIL, by_title, csrf, home, kb_of,  # noqa: F401
                                        notices, queue_page, rows, staff, template)

BACK = "/staff/review?status=draft&sort=title"
DRAFTS = ["Complete draft from Lyon", "Second complete draft from Lille"]


@pytest.fixture
def drafts(app, make_sheet):
    """A second complete draft beside the template's: two sheets a bulk Publish publishes."""
    kb_of(app).save(make_sheet(DRAFTS[1], city="Lille", country="FR"), "draft",
                    warnings=[say("budget-missing")])
    return DRAFTS


def ask(client, action: str, titles: list[str], app, back: str = BACK, **extra):
    """The bulk form sent with these sheets ticked: the confirmation page's response."""
    items = by_title(app)
    data = {"csrf_token": csrf(queue_page(client)), "action": action, "back": back,
            "id": [items[title].id for title in titles], **extra}
    return client.post("/staff/review/bulk", data=data)


def page_of(response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.get_data(as_text=True))


def listed(page, group: str | None = None) -> dict[str, str]:
    """title -> what the confirmation page says beside it, in one group or in all."""
    where = f"[@id='confirm-{group}']" if group else ""
    return {" ".join(li.xpath("a")[0].text_content().split()):
            " ".join(li.text_content().split())
            for li in page.xpath(f"//section[contains(@class,'confirm-group')]{where}//li")}


def confirm_form(page) -> dict[str, str]:
    [form] = page.xpath("//form[contains(@class,'confirm-bulk')]")
    assert form.get("action") == "/staff/review/bulk/confirm"
    return {field.get("name"): field.get("value") for field in form.xpath(".//input")}


def statuses(app, titles: list[str]) -> list[str]:
    items = by_title(app)
    return [items[title].status for title in titles]


def logged(app, action: str = "publish") -> list[str]:
    return [entry.record_id for entry in AuditLog(kb_of(app).store).entries(action=action)]


def test_publish_shows_what_it_would_do_and_publishes_nothing(app, staff, drafts):
    ticked = [*drafts, "Boxing club in Hackney", "Aardvark patrols in Zagreb"]
    response = ask(staff, "publish", ticked, app)
    assert response.status_code == 200
    page = page_of(response)
    assert page.xpath("string(//h1)") == "Publish these sheets?"
    # Exactly the ticked sheets, each once, grouped by what publishing would do to it.
    assert sorted(listed(page)) == sorted(ticked)
    will = listed(page, "done")
    assert sorted(will) == sorted(drafts)
    assert will[DRAFTS[0]].endswith("no warning") and will[DRAFTS[1]].endswith("1 warning")
    [why] = listed(page, "failed").values()
    assert why.startswith("Boxing club in Hackney") and BROKEN_EMAIL in why \
        and "not a whole address" in why
    assert list(listed(page, "unchanged")) == ["Aardvark patrols in Zagreb"]
    # Each title links to its review page; the way back keeps the queue's filters.
    items = by_title(app)
    links = {a.text_content(): a.get("href")
             for a in page.xpath("//section[contains(@class,'confirm-group')]//li/a")}
    assert links == {title: f"/staff/sheets/{items[title].id}" for title in ticked}
    assert page.xpath("//form[contains(@class,'confirm-bulk')]//button")[0].text_content() \
        == "Publish these 2 sheets"
    assert page.xpath("//a[.='Back to the queue']/@href") == [BACK]
    # Nothing changed yet.
    assert statuses(app, drafts) == ["draft", "draft"] and logged(app) == []
    found = staff.get("/api/search", query_string={"q": "Lyon"}).get_json()["hits"]
    assert items[DRAFTS[0]].id not in [hit["id"] for hit in found]


def test_the_confirmed_post_publishes_those_sheets_and_goes_back_to_the_filtered_queue(
        app, staff, drafts):
    page = page_of(ask(staff, "publish", [*drafts, "Boxing club in Hackney"], app))
    response = staff.post("/staff/review/bulk/confirm", data=confirm_form(page))
    assert response.status_code == 302 and response.location == BACK
    after = staff.get(response.location)
    messages = notices(after)
    assert "2 sheets published." in messages
    assert "1 sheet was not published and stays a draft:" in messages
    assert statuses(app, [*drafts, "Boxing club in Hackney"]) == ["published", "published",
                                                                  "draft"]
    items = by_title(app)
    assert sorted(logged(app)) == sorted(items[title].id for title in drafts)
    shown = rows(page_of(after))
    assert not set(drafts) & set(shown) and "Boxing club in Hackney" in shown
    found = staff.get("/api/search", query_string={"q": "Lyon"}).get_json()["hits"]
    assert items[DRAFTS[0]].id in [hit["id"] for hit in found]


def test_unpublish_is_confirmed_too(app, staff):
    ticked = ["Aardvark patrols in Zagreb", "Complete draft from Lyon"]
    page = page_of(ask(staff, "unpublish", ticked, app))
    assert page.xpath("string(//h1)") == "Unpublish these sheets?"
    assert list(listed(page, "done")) == ["Aardvark patrols in Zagreb"]
    assert list(listed(page, "unchanged")) == ["Complete draft from Lyon"]
    assert statuses(app, ticked) == ["published", "draft"] and logged(app, "unpublish") == []
    response = staff.post("/staff/review/bulk/confirm", data=confirm_form(page))
    assert "1 sheet unpublished: it is a draft again." in notices(staff.get(response.location))
    assert statuses(app, ticked) == ["draft", "draft"]
    assert logged(app, "unpublish") == [by_title(app)[ticked[0]].id]


def test_all_shown_reaches_the_confirmation_with_the_sheets_of_the_filtered_page(
        app, staff, drafts):
    queue = queue_page(staff, status="draft", sort="title")
    shown = rows(queue)
    assert sorted(shown) == sorted([*drafts, "Boxing club in Hackney"])
    # No script: the form's "which" choice and the ids the page showed, as a browser sends
    # them with nothing ticked.
    assert queue.xpath("//input[@name='which'][@value='shown'][@type='radio']")
    data = {"csrf_token": csrf(queue), "action": "publish", "which": "shown",
            "back": queue.xpath("//input[@name='back']/@value")[0],
            "shown": queue.xpath("//input[@name='shown']/@value")}
    response = staff.post("/staff/review/bulk", data=data)
    assert response.status_code == 200
    page = page_of(response)
    assert sorted(listed(page)) == sorted(shown)
    assert page.xpath("//a[.='Back to the queue']/@href") == [BACK]
    assert logged(app) == []
    staff.post("/staff/review/bulk/confirm", data=confirm_form(page))
    assert statuses(app, drafts) == ["published", "published"]


def test_a_confirmation_made_before_a_sheet_changed_publishes_nothing(app, staff, drafts,
                                                                       make_sheet):
    form = confirm_form(page_of(ask(staff, "publish", drafts, app)))
    # Meanwhile someone edits the second draft.
    kb = kb_of(app)
    kb.save(make_sheet(DRAFTS[1], city="Lille", country="FR", objectives="Changed meanwhile."),
            "draft")
    response = staff.post("/staff/review/bulk/confirm", data=form)
    assert response.status_code == 409
    page = page_of(response)
    [notice] = page.xpath("//p[contains(@class,'notice')]")
    assert DRAFTS[1] in notice.text_content() and "Nothing was changed" in notice.text_content()
    assert statuses(app, drafts) == ["draft", "draft"] and logged(app) == []
    # The page shows the sheets as they are now, with a button that works.
    assert sorted(listed(page, "done")) == sorted(drafts)
    staff.post("/staff/review/bulk/confirm", data=confirm_form(page))
    assert statuses(app, drafts) == ["published", "published"]


def test_a_confirmation_of_a_sheet_published_or_deleted_meanwhile_is_refused(app, staff,
                                                                            drafts):
    form = confirm_form(page_of(ask(staff, "publish", drafts, app)))
    kb = kb_of(app)
    items = by_title(app)
    kb.set_status(items[DRAFTS[0]].id, "published")
    kb.delete(items[DRAFTS[1]].id)
    response = staff.post("/staff/review/bulk/confirm", data=form)
    assert response.status_code == 409
    text = " ".join(page_of(response).xpath("string(//main)").split())
    assert DRAFTS[0] in text and "a sheet since deleted" in text
    assert logged(app) == []


@pytest.mark.parametrize("change, words", [
    (lambda form: {**form, "token": form["token"][:-4] + "AAAA"}, "not made by this site"),
    (lambda form: {**form, "token": ""}, "not made by this site"),
    (lambda form: {key: value for key, value in form.items() if key != "token"},
     "not made by this site"),
], ids=["tampered", "empty", "missing"])
def test_a_forged_confirmation_is_refused_cleanly(app, staff, drafts, change, words):
    form = confirm_form(page_of(ask(staff, "publish", drafts, app)))
    response = staff.post("/staff/review/bulk/confirm", data=change(form))
    assert response.status_code == 400
    page = page_of(response)
    assert words in page.xpath("string(//p[contains(@class,'notice')])")
    assert "Traceback" not in response.get_data(as_text=True)
    assert page.xpath("//a[.='Back to the queue']/@href") == [BACK]
    assert statuses(app, drafts) == ["draft", "draft"] and logged(app) == []


def test_a_confirmation_is_its_users_only(app, staff, client, sign_in, drafts):
    form = confirm_form(page_of(ask(staff, "publish", drafts, app)))
    staff.post("/staff/sign-out", data={"csrf_token": form["csrf_token"]})
    assert sign_in(client, "bob").status_code == 302
    token = csrf(queue_page(client))
    response = client.post("/staff/review/bulk/confirm", data={**form, "csrf_token": token})
    assert response.status_code == 400
    assert "not made by this site for you" in html.unescape(response.get_data(as_text=True))
    assert statuses(app, drafts) == ["draft", "draft"] and logged(app) == []


def test_an_old_confirmation_is_refused(app, staff, drafts, monkeypatch):
    form = confirm_form(page_of(ask(staff, "publish", drafts, app)))
    monkeypatch.setattr("web.queue.CONFIRM_MAX_AGE", -1)
    response = staff.post("/staff/review/bulk/confirm", data=form)
    assert response.status_code == 400
    assert "more than an hour old" in html.unescape(response.get_data(as_text=True))
    assert statuses(app, drafts) == ["draft", "draft"] and logged(app) == []


def test_the_confirmation_needs_the_csrf_token_and_a_staff_session(app, staff, client, drafts):
    form = confirm_form(page_of(ask(staff, "publish", drafts, app)))
    without = {key: value for key, value in form.items() if key != "csrf_token"}
    assert staff.post("/staff/review/bulk/confirm", data=without).status_code == 400
    staff.post("/staff/sign-out", data={"csrf_token": form["csrf_token"]})
    assert client.post("/staff/review/bulk/confirm", data=form).status_code in (302, 400, 401,
                                                                                403)
    assert statuses(app, drafts) == ["draft", "draft"] and logged(app) == []


def test_mark_as_reviewed_stays_one_step(app, staff):
    response = ask(staff, "review", ["Aardvark patrols in Zagreb"], app)
    assert response.status_code == 302
    assert logged(app, "review") == [by_title(app)["Aardvark patrols in Zagreb"].id]


def test_the_confirmation_pages_are_french(app, staff, drafts, monkeypatch):
    from tests.web.test_french_pages import english_in, english_phrases, record_texts, words

    phrases = english_phrases()
    sheet_words = " " + " \n ".join(words(text) for item in kb_of(app).store.records()
                                    for text in record_texts(item.record)) + " "
    staff.set_cookie("lang", "fr")

    def french(response, status):
        text = response.get_data(as_text=True)
        assert response.status_code == status and '<html lang="fr">' in text
        problems = english_in(text, sheet_words, phrases)
        assert not problems, "\n".join(problems)
        return page_of(response)

    page = french(ask(staff, "publish", [*drafts, "Boxing club in Hackney",
                                         "Aardvark patrols in Zagreb"], app), 200)
    assert page.xpath("string(//h1)") == "Publier ces fiches ?"
    assert page.xpath("//form[contains(@class,'confirm-bulk')]//button")[0].text_content() \
        == "Publier ces 2 fiches"
    form = confirm_form(page)
    french(ask(staff, "unpublish", ["Aardvark patrols in Zagreb", DRAFTS[0]], app), 200)
    french(staff.post("/staff/review/bulk/confirm", data={**form, "token": "x"}), 400)
    kb_of(app).delete(by_title(app)[DRAFTS[1]].id)
    french(staff.post("/staff/review/bulk/confirm", data=form), 409)
    monkeypatch.setattr("web.queue.CONFIRM_MAX_AGE", -1)
    french(staff.post("/staff/review/bulk/confirm", data=form), 400)
