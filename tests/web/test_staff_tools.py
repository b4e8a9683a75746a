"""The review queue and the audit log as tools (issue 14, staff): the queue filtered by a
warning's kind, by status, language and country, with counts, sorted, its state in the query
string; bulk "mark as reviewed", "publish" and "unpublish" with a message naming what failed
and why, each change in the audit log; the audit log by title, in words, filtered by user,
action and dates, paged."""

from __future__ import annotations

import datetime
import html
import re
import shutil

import lxml.html
import pytest

from kb.core.messages import say
from kb.service.audit import AuditLog
from kb.service.importing import ImportOptions, import_paths
from kb.service.knowledge_base import KnowledgeBase
from kb.service.users import Users
from tests.samples.records import make_record

BROKEN_EMAIL = "marcus.allen@localhost"


@pytest.fixture(scope="module")
def template(demo_files, password, make_sheet, tmp_path_factory):
    """The 12 demo sheets (the importer's own warnings), and hand-made sheets: three without
    a budget, a draft with a broken e-mail, a complete draft, a French one; two staff users."""
    home = tmp_path_factory.mktemp("tools") / "kb"
    with KnowledgeBase(home) as kb:
        report = import_paths(kb, [demo_files], ImportOptions(workers=1))
        assert sum(1 for item in report.files if item.record_id) == 12, report
        for title, city in (("Aardvark patrols in Zagreb", "Zagreb"),
                            ("Ziggurat night buses in Ghent", "Ghent"),
                            ("Émile's street wardens in Brest", "Brest")):
            kb.save(make_sheet(title, city=city, country="HR" if city == "Zagreb" else "BE"
                               if city == "Ghent" else "FR"),
                    "published", warnings=[say("budget-missing")])
        # As the importer keeps it: a draft, its e-mail cut (the schema would refuse it).
        kb.save(make_record("Boxing club in Hackney", city="London", country="GB",
                            contact={"name": "Marcus Allen", "email": BROKEN_EMAIL}), "draft")
        kb.save(make_sheet("Complete draft from Lyon", city="Lyon", country="FR",
                           language="fr"), "draft")
        users = Users(kb.store)
        users.add("alice", password)
        users.add("bob", password)
    return home


@pytest.fixture
def home(template, tmp_path):
    copy = tmp_path / "kb"
    shutil.copytree(template, copy)
    return copy


@pytest.fixture
def staff(sign_in, client):
    assert sign_in(client).status_code == 302
    return client


def kb_of(app) -> KnowledgeBase:
    return app.extensions["knowledge_base"].kb


def by_title(app) -> dict[str, object]:
    return {item.record.get("title"): item for item in kb_of(app).store.records()}


def queue_page(client, **args) -> lxml.html.HtmlElement:
    response = client.get("/staff/review", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    return lxml.html.fromstring(response.get_data(as_text=True))


def rows(page) -> list[str]:
    """The titles of the sheets the queue lists, in order."""
    return [" ".join(a.text_content().split())
            for a in page.xpath("//table[contains(@class,'review-queue')]//tbody//th/a")]


def bucket(page, filter_name: str, label: str) -> tuple[str, int]:
    """(link, count) of a filter's value, found by its label."""
    for link in page.xpath(f"//section[h2[@id='filter-{filter_name}']]//a"):
        text = " ".join(link.text_content().split())
        found = re.fullmatch(rf"{re.escape(label)} \((\d+)\)( ×)?", text)
        if found:
            return link.get("href"), int(found.group(1))
    raise AssertionError(f"no {label!r} in the {filter_name} filter")


def csrf(page) -> str:
    return page.xpath("//form[contains(@class,'bulk')]//input[@name='csrf_token']/@value")[0]


def notices(response) -> list[str]:
    page = lxml.html.fromstring(response.get_data(as_text=True))
    return [" ".join(p.text_content().split()) for p in page.xpath("//p[@class='notice']")]


def confirmed(client, response):
    """The queue after pressing the confirmation page's button (a bulk publish or unpublish)."""
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    page = lxml.html.fromstring(response.get_data(as_text=True))
    [form] = page.xpath("//form[contains(@class,'confirm-bulk')]")
    data = {field.get("name"): field.get("value") for field in form.xpath(".//input")}
    response = client.post(form.get("action"), data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return client.get(response.location)


def bulk(client, action: str, titles: list[str], app, page=None, **extra):
    """The queue after a bulk action on the sheets of these titles (confirmed, for a publish
    or an unpublish)."""
    page = page if page is not None else queue_page(client)
    items = by_title(app)
    data = {"csrf_token": csrf(page), "action": action, "back": "/staff/review",
            "id": [items[title].id for title in titles], **extra}
    response = client.post("/staff/review/bulk", data=data)
    if action in ("publish", "unpublish") and titles:
        return confirmed(client, response)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return client.get(response.location)


# The queue: filters, counts, sorting

def test_the_warning_filter_counts_each_kind_and_shrinks_the_queue_to_it(app, staff):
    page = queue_page(staff)
    everything = rows(page)
    store = kb_of(app).store
    without_budget = {item.record["title"] for item in store.records()
                      if any(getattr(w, "code", None) == "budget-missing" for w in item.warnings)}
    assert len(without_budget) >= 4              # the three hand-made ones and demo sheets
    link, count = bucket(page, "warning", "No budget figure was found")
    assert count == len(without_budget)
    assert "warning=budget-missing" in link
    filtered = queue_page(staff, warning="budget-missing")
    assert set(rows(filtered)) == without_budget and len(rows(filtered)) < len(everything)
    # The chosen value is marked, and its link removes the filter.
    chosen = filtered.xpath("//section[h2[@id='filter-warning']]//a[@aria-current]")
    assert len(chosen) == 1 and chosen[0].get("href") == "/staff/review"
    assert "of" in filtered.xpath("string(//p[@id='queue-count'])")


def test_a_doubt_is_a_kind_of_warning_too(app, staff):
    _, count = bucket(queue_page(staff), "warning", "Broken contact e-mail")
    assert count == 1
    assert rows(queue_page(staff, warning="contact-email-broken")) == ["Boxing club in Hackney"]


def test_the_status_filter_keeps_the_other_filters_and_counts_within_them(app, staff):
    drafts = {item.record["title"] for item in kb_of(app).store.records("draft")}
    assert set(rows(queue_page(staff, status="draft"))) == drafts
    published = rows(queue_page(staff, status="published"))
    assert published and not set(published) & drafts
    # Within the French sheets: the count and the link keep the country chosen.
    link, count = bucket(queue_page(staff, country="FR"), "status", "Drafts")
    assert "country=FR" in link and "status=draft" in link
    shown = rows(queue_page(staff, country="FR", status="draft"))
    assert len(shown) == count and "Complete draft from Lyon" in shown
    assert "Boxing club in Hackney" not in shown       # a draft, but in the United Kingdom


def test_the_language_and_country_filters(app, staff):
    link, count = bucket(queue_page(staff), "language", "French")
    assert count >= 1
    french = rows(queue_page(staff, language="fr"))
    assert "Complete draft from Lyon" in french and "Aardvark patrols in Zagreb" not in french
    assert rows(queue_page(staff, country="HR")) == ["Aardvark patrols in Zagreb"]


def test_sorting_by_title_folds_accents_and_is_kept_by_the_filters(app, staff):
    page = queue_page(staff, sort="title")
    shown = rows(page)
    assert shown[0] == "Aardvark patrols in Zagreb"
    # Accents do not sort last: "Émile" comes among the e's.
    assert shown.index("Émile's street wardens in Brest") < shown.index(
        "Ziggurat night buses in Ghent")
    link, _ = bucket(page, "warning", "No budget figure was found")
    assert "sort=title" in link


def test_sorting_by_city(app, staff):
    items = by_title(app)
    cities = [items[title].record.get("city") or "" for title in rows(queue_page(staff,
                                                                                sort="city"))]
    given = [city for city in cities if city]
    assert given == sorted(given, key=str.casefold) and len(given) > 5
    assert cities[:len(given)] == given             # sheets without a city come last


def test_sorting_by_number_of_warnings(app, staff):
    page = queue_page(staff, sort="warnings")
    counts = [len(row.xpath(".//td[contains(@class,'text')]//li"))
              for row in page.xpath("//table[contains(@class,'review-queue')]//tbody/tr")]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]


def test_newest_first_by_default(app, staff):
    items = by_title(app)
    stamps = [items[title].updated for title in rows(queue_page(staff))]
    assert stamps == sorted(stamps, reverse=True)


@pytest.mark.parametrize("args, words", [
    ({"sort": "budget"}, "cannot be sorted by “budget”"),
    ({"status": "deleted"}, "“deleted” is not a status"),
    ({"page": "two"}, "page number must be a whole number"),
])
def test_a_bad_query_string_gets_a_message_not_a_traceback(staff, args, words):
    response = staff.get("/staff/review", query_string=args)
    assert response.status_code == 400
    assert words in html.unescape(response.get_data(as_text=True))


def test_a_page_past_the_last_shows_the_last(staff):
    assert rows(queue_page(staff, page=99)) == rows(queue_page(staff)) != []


# Bulk actions

def test_bulk_mark_as_reviewed_takes_the_ticked_sheets_off_and_logs_each(app, staff):
    ticked = ["Aardvark patrols in Zagreb", "Ziggurat night buses in Ghent"]
    after = bulk(staff, "review", ticked, app)
    assert "2 sheets marked as reviewed." in notices(after)
    shown = rows(lxml.html.fromstring(after.get_data(as_text=True)))
    assert not set(ticked) & set(shown) and "Émile's street wardens in Brest" in shown
    log = [(e.user, e.action, e.record_id) for e in AuditLog(kb_of(app).store).entries(
        action="review")]
    items = by_title(app)
    assert sorted(log) == sorted(("alice", "review", items[title].id) for title in ticked)


def test_bulk_publish_names_the_sheet_it_cannot_publish_and_why(app, staff):
    after = bulk(staff, "publish", ["Boxing club in Hackney", "Complete draft from Lyon"], app)
    messages = notices(after)
    assert "1 sheet published." in messages
    assert "1 sheet was not published and stays a draft:" in messages
    [why] = [text for text in messages if text.startswith("“Boxing club in Hackney”")]
    assert BROKEN_EMAIL in why and "not a whole address" in why
    items = by_title(app)
    assert items["Complete draft from Lyon"].status == "published"
    assert items["Boxing club in Hackney"].status == "draft"
    publishes = [e.record_id for e in AuditLog(kb_of(app).store).entries(action="publish")]
    assert publishes == [items["Complete draft from Lyon"].id]
    # Published, the sheet is found by the public search at once.
    found = staff.get("/api/search", query_string={"q": "Lyon"}).get_json()["hits"]
    assert items["Complete draft from Lyon"].id in [hit["id"] for hit in found]


def test_bulk_unpublish_and_the_sheets_already_so(app, staff):
    after = bulk(staff, "unpublish", ["Aardvark patrols in Zagreb", "Complete draft from Lyon"],
                 app)
    messages = notices(after)
    assert "1 sheet unpublished: it is a draft again." in messages
    assert "1 sheet was already a draft." in messages
    assert by_title(app)["Aardvark patrols in Zagreb"].status == "draft"
    assert [e.action for e in AuditLog(kb_of(app).store).entries(action="unpublish")] == \
        ["unpublish"]


def test_all_shown_acts_on_the_sheets_of_the_filtered_page_only(app, staff):
    page = queue_page(staff, warning="budget-missing", status="published")
    shown = rows(page)
    assert len(shown) >= 3
    data = {"csrf_token": csrf(page), "action": "review", "which": "shown",
            "back": page.xpath("//input[@name='back']/@value")[0],
            "shown": page.xpath("//input[@name='shown']/@value")}
    response = staff.post("/staff/review/bulk", data=data)
    assert response.status_code == 302
    assert "warning=budget-missing" in response.location        # back to the same filters
    after = staff.get(response.location)
    assert f"{len(shown)} sheets marked as reviewed." in notices(after)
    assert rows(lxml.html.fromstring(after.get_data(as_text=True))) == []
    # Only the sheets shown were changed.
    items = by_title(app)
    reviewed = {e.record_id for e in AuditLog(kb_of(app).store).entries(action="review")}
    assert reviewed == {items[title].id for title in shown}
    assert "Complete draft from Lyon" in rows(queue_page(staff))


def test_bulk_with_nothing_ticked_says_so(app, staff):
    after = bulk(staff, "publish", [], app)
    assert any("No sheet was ticked" in text for text in notices(after))


def test_bulk_needs_the_csrf_token_and_a_known_action(app, staff):
    item = by_title(app)["Aardvark patrols in Zagreb"]
    assert staff.post("/staff/review/bulk", data={"action": "review",
                                                  "id": item.id}).status_code == 400
    assert by_title(app)["Aardvark patrols in Zagreb"].warnings
    page = queue_page(staff)
    response = staff.post("/staff/review/bulk", data={"csrf_token": csrf(page),
                                                      "action": "delete", "id": item.id})
    assert response.status_code == 400
    assert "Choose what to do" in html.unescape(response.get_data(as_text=True))


def test_bulk_needs_a_staff_session(app, client, staff):
    page = queue_page(staff)
    token = csrf(page)
    staff.post("/staff/sign-out", data={"csrf_token": token})
    response = client.post("/staff/review/bulk", data={"csrf_token": token, "action": "review"})
    assert response.status_code in (302, 400, 401, 403)
    assert not [e for e in AuditLog(kb_of(app).store).entries(action="review")]


# The audit log

def audit_page(client, **args) -> lxml.html.HtmlElement:
    response = client.get("/staff/audit", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    return lxml.html.fromstring(response.get_data(as_text=True))


def audit_rows(page) -> list[dict[str, str]]:
    return [{name: " ".join(row.xpath(f"string(td[contains(@class,'{name}')])").split())
             for name in ("when", "user", "action", "sheet", "detail")}
            for row in page.xpath("//table[contains(@class,'audit')]/tbody/tr")]


def test_the_audit_log_shows_titles_linked_to_the_review_page_and_no_json(app, staff,
                                                                        edit_title):
    item = by_title(app)["Aardvark patrols in Zagreb"]
    edit_title(staff, item, "Aardvark patrols in Zagreb (checked)")
    page = audit_page(staff)
    [row] = [r for r in audit_rows(page) if r["action"] == "edited"]
    assert row["sheet"] == "Aardvark patrols in Zagreb (checked)"
    assert row["detail"] == "Changed: Title"
    assert page.xpath(f"//td[contains(@class,'sheet')]/a[@href='/staff/sheets/{item.id}']")
    text = page.xpath("string(//table[contains(@class,'audit')])")
    assert "{" not in text and item.id not in text
    # A readable time, to the minute, not the ISO stamp; its zone said (stored in UTC).
    assert re.fullmatch(r"\d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC", row["when"]), row["when"]


def test_a_deleted_sheet_keeps_its_title_in_the_log(app, staff, token):
    item = by_title(app)["Ziggurat night buses in Ghent"]
    path = f"/staff/sheets/{item.id}/delete"
    assert staff.post(path, data={"csrf_token": token(staff, path)}).status_code == 302
    [row] = [r for r in audit_rows(audit_page(staff)) if r["action"] == "deleted"]
    assert row["sheet"] == "Ziggurat night buses in Ghent (deleted)"
    assert row["detail"] == "It was published."


def test_the_audit_log_filters_by_user_action_and_day(app, staff, client, sign_in):
    items = by_title(app)
    bulk(staff, "review", ["Aardvark patrols in Zagreb"], app)
    other = app.test_client()
    assert sign_in(other, name="bob").status_code == 302
    bulk(other, "review", ["Ziggurat night buses in Ghent"], app)
    assert {r["user"] for r in audit_rows(audit_page(staff, user="bob"))} == {"bob"}
    reviewed = audit_rows(audit_page(staff, action="review"))
    assert [r["sheet"] for r in reviewed] == ["Ziggurat night buses in Ghent",
                                              "Aardvark patrols in Zagreb"]   # newest first
    # The filter form shows the choices made.
    page = audit_page(staff, user="bob", action="review")
    assert page.xpath("//select[@name='user']/option[@selected]/@value") == ["bob"]
    assert page.xpath("//select[@name='action']/option[@selected]/@value") == ["review"]
    today = datetime.datetime.now(datetime.timezone.utc).date()
    assert len(audit_rows(audit_page(staff, action="review", since=today.isoformat(),
                                     until=today.isoformat()))) == 2
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    assert audit_rows(audit_page(staff, until=yesterday)) == []
    assert items  # the sheets exist


@pytest.mark.parametrize("args, words", [
    ({"since": "yesterday"}, "Write the first day as a date"),
    ({"since": "2026-12-02", "until": "2026-12-01"}, "on or after the first day"),
    ({"action": "dance"}, "Choose an action from the list"),
])
def test_a_bad_audit_filter_says_what_to_do(staff, args, words):
    response = staff.get("/staff/audit", query_string=args)
    assert response.status_code == 400
    assert words in html.unescape(response.get_data(as_text=True))


def test_a_long_audit_log_pages_back_keeping_the_filters(app, staff):
    log = AuditLog(kb_of(app).store)
    item = by_title(app)["Aardvark patrols in Zagreb"]
    for _ in range(130):
        log.record("alice", "review", item.id)
    first = audit_page(staff, user="alice", action="review")
    assert len(audit_rows(first)) == 100
    [older] = first.xpath("//nav[@class='pages']/a[@rel='next']/@href")
    assert "user=alice" in older and "action=review" in older
    second = audit_page(staff, **dict(pair.split("=") for pair in older.split("?")[1].split("&")))
    assert len(audit_rows(second)) == 30
    assert not second.xpath("//nav[@class='pages']/a[@rel='next']")


@pytest.fixture
def token(token):
    return lambda client, path="/staff/": token(client, path)


@pytest.fixture
def edit_title(token):
    from tests.web.test_staff_review import form_data

    def editing(client, item, title: str):
        path = f"/staff/sheets/{item.id}/edit"
        data = form_data(item.record, title=title)
        data["csrf_token"] = token(client, path)
        data["version"] = str(item.version)
        assert client.post(path, data=data).status_code == 302
    return editing


# In French

def test_the_queue_its_bulk_messages_and_the_audit_log_are_french(app, staff):
    from tests.web.test_french_pages import english_in, english_phrases, record_texts, words

    phrases = english_phrases()
    sheet_words = " " + " \n ".join(words(text) for item in kb_of(app).store.records()
                                    for text in record_texts(item.record)) + " "
    staff.set_cookie("lang", "fr")

    def french(response, status=200):
        page = response.get_data(as_text=True)
        assert response.status_code == status and '<html lang="fr">' in page
        problems = english_in(page, sheet_words, phrases)
        assert not problems, "\n".join(problems)
        return page

    page = french(staff.get("/staff/review?warning=budget-missing&sort=warnings"))
    assert "Aucun montant de budget n&#39;a été trouvé (" in page or \
        "Aucun montant de budget n'a été trouvé (" in page
    french(staff.get("/staff/review?country=HR&status=draft"))      # none left: the empty text
    french(staff.get("/staff/review?sort=budget"), 400)
    french(bulk(staff, "publish", ["Boxing club in Hackney", "Complete draft from Lyon"], app))
    french(bulk(staff, "review", [], app))
    french(staff.get("/staff/audit?action=publish"))
    french(staff.get("/staff/audit?since=hier"), 400)
    french(staff.get("/staff/"))
