"""The fair-use budget of the search (issue 15): an address that spent its seconds of search
work waits (429 with Retry-After, in the visitor's language) while others are served; the
budget refills; forwarded addresses count only from the configured proxy; a person's pace
never meets it; signed-in staff are exempt."""

from __future__ import annotations

import json

import pytest
from flask import Flask

from kb.core.errors import KbError
from kb.service.knowledge_base import KnowledgeBase
from kb.service.users import Users
from web.app import create_app
from web import fair_use
from web.fair_use import DEFAULTS, FairUse, client_key

METERED_PATHS = ["/?q=night", "/search?q=night", "/api/search?q=night", "/api/facets",
                 "/analysis", "/feed.atom", "/export.csv", "/export.json"]
FREE_PATHS = ["/sheets/unknown", "/compare", "/static/style.css", "/staff/sign-in"]


class Clocks:
    """Time passing (`now`) and the work of each metered request (`cost` seconds), faked."""

    def __init__(self, cost: float):
        self.now, self.cost, self.calls = 1000.0, cost, 0

    def clock(self) -> float:
        return self.now

    def work(self) -> float:
        # Read twice per metered request, when it starts and when its response is closed.
        self.calls += 1
        return self.calls // 2 * self.cost


def make_app(home, clocks: Clocks | None = None, **config):
    app = create_app({"KB_HOME": home, "TESTING": True, **config})
    if clocks is not None:
        fair = app.extensions["fair_use"]
        fair.clock, fair.work_clock = clocks.clock, clocks.work
    return app


def fetch(client, path: str, **options):
    """The answer, read whole and closed: a metered request is charged when it is closed, as
    a WSGI server closes every response it sent."""
    response = client.get(path, **options)
    response.get_data()
    response.close()
    return response


def client_from(app, address: str, **environ: str):
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=address, **environ)
    return client


@pytest.fixture
def budget(corpus):
    """An app whose addresses have 1 s of work, each request costing 0.6 s, 0.1 s back per s."""
    clocks = Clocks(cost=0.6)
    app = make_app(corpus.home, clocks, FAIR_USE_SECONDS=1.0, FAIR_USE_REFILL=0.1)
    yield app, clocks
    app.extensions["knowledge_base"].close()


def spend(client, path: str = "/api/facets") -> None:
    """Two requests of 0.6 s: the first leaves 0.4 s, the second a debt of 0.2 s."""
    for _ in range(2):
        response = fetch(client, path)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize("path", METERED_PATHS)
def test_an_address_that_spent_its_budget_waits(budget, path):
    app, clocks = budget
    visitor = client_from(app, "203.0.113.9")
    spend(visitor, path)
    refused = fetch(visitor, path)
    assert refused.status_code == 429
    # A debt of 0.2 s at 0.1 s a second: 2 seconds.
    assert refused.headers["Retry-After"] == "2"
    if path.startswith("/api/"):
        error = refused.get_json()["error"]
        assert error["code"] == 429
        assert "Try again in 2 seconds" in error["message"]
    else:
        page = refused.get_data(as_text=True)
        assert "Too many searches" in page and "Try again in 2 seconds" in page
    # Refused before any search: its own cost is not charged.
    assert clocks.calls == 4


@pytest.mark.parametrize("how", [{"headers": {"Accept-Language": "fr-FR,fr;q=0.9"}},
                                 {"cookie": "fr"}])
@pytest.mark.parametrize("path", ["/?q=night", "/api/search?q=night"])
def test_the_refusal_is_in_the_visitors_language(budget, how, path):
    app, _ = budget
    visitor = client_from(app, "203.0.113.9")
    if "cookie" in how:
        visitor.set_cookie("lang", how["cookie"])
    spend(visitor)
    refused = fetch(visitor, path, headers=how.get("headers"))
    assert refused.status_code == 429
    text = refused.get_data(as_text=True)
    if path.startswith("/api/"):
        text = refused.get_json()["error"]["message"]
    assert "Réessayez dans 2 secondes" in text
    assert "Try again" not in text and "Too many searches" not in text


def test_another_address_is_served_at_once(budget):
    app, _ = budget
    spend(client_from(app, "203.0.113.9"))
    assert fetch(client_from(app, "203.0.113.9"), "/?q=night").status_code == 429
    assert fetch(client_from(app, "198.51.100.7"), "/?q=night").status_code == 200
    # The same host under another IPv6 address of its /64 shares the bucket; another /64 not.
    spend(client_from(app, "2001:db8:1:2::10"))
    assert fetch(client_from(app, "2001:db8:1:2::99"), "/api/facets").status_code == 429
    assert fetch(client_from(app, "2001:db8:1:3::10"), "/api/facets").status_code == 200


def test_pages_that_search_nothing_are_not_refused(budget):
    app, _ = budget
    visitor = client_from(app, "203.0.113.9")
    spend(visitor)
    assert fetch(visitor, "/api/facets").status_code == 429
    for path in FREE_PATHS:
        assert fetch(visitor, path).status_code != 429, path


def test_the_budget_refills(budget):
    app, clocks = budget
    visitor = client_from(app, "203.0.113.9")
    spend(visitor)
    assert fetch(visitor, "/api/facets").status_code == 429
    clocks.now += 1.9
    assert fetch(visitor, "/api/facets").status_code == 429
    clocks.now += 0.2
    assert fetch(visitor, "/api/facets").status_code == 200
    # Never more than the bucket holds, however long the address was away.
    clocks.now += 3600
    spend(visitor)
    assert fetch(visitor, "/api/facets").status_code == 429


def test_forwarded_addresses_count_only_from_the_configured_proxy(corpus):
    clocks = Clocks(cost=0.6)
    app = make_app(corpus.home, clocks, FAIR_USE_SECONDS=1.0, FAIR_USE_REFILL=0.1,
                   TRUST_PROXY=True)
    # Reaching the server directly, a client cannot pick a new address per request.
    direct = client_from(app, "203.0.113.9")
    spend(direct)
    for number in range(3):
        direct.environ_base["HTTP_X_FORWARDED_FOR"] = f"10.0.{number}.1"
        assert fetch(direct, "/api/facets").status_code == 429
    # Through the proxy (loopback here), each forwarded address has its own budget.
    spend(client_from(app, "127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9"))
    proxied = client_from(app, "127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert fetch(proxied, "/api/facets").status_code == 429
    another = client_from(app, "127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.8")
    assert fetch(another, "/api/facets").status_code == 200
    app.extensions["knowledge_base"].close()


def test_without_the_proxy_setting_forwarded_addresses_are_ignored(budget):
    app, _ = budget
    spend(client_from(app, "127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9"))
    other = client_from(app, "127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.8")
    assert fetch(other, "/api/facets").status_code == 429


@pytest.mark.parametrize("cost", [0.015, 0.03])
def test_a_person_searching_every_second_never_waits(cost):
    """A search a second all day, each costing 15 ms (or a search page with every facet, 30
    ms), and an analysis page of 0.5 s every minute, with the default budget."""
    clocks = Clocks(cost=0)
    fair = FairUse(DEFAULTS["FAIR_USE_SECONDS"], DEFAULTS["FAIR_USE_REFILL"],
                   clock=clocks.clock)
    for second in range(24 * 3600):
        assert fair.wait("203.0.113.9") == 0, second
        fair.charge("203.0.113.9", 0.5 if second % 60 == 0 else cost)
        clocks.now += 1


def test_a_person_searching_every_second_is_always_served(corpus):
    """The real work of this machine's requests, one a second for five minutes, from the
    first request of the process (the index opened, caches cold) on, default budget."""
    clocks = Clocks(cost=0)
    app = create_app({"KB_HOME": corpus.home, "TESTING": True,
                      **{key: value for key, value in DEFAULTS.items()}})
    fair = app.extensions["fair_use"]
    fair.clock = clocks.clock           # time passes as faked; the work is measured
    visitor = client_from(app, "203.0.113.9")
    words = ["night", "youth", "stewards", "prévention", "lighting", "graffiti"]
    for second in range(300):
        path = METERED_PATHS[second % len(METERED_PATHS)].replace("night", words[second % 6])
        assert fetch(visitor, path).status_code == 200, (second, path)
        clocks.now += 1
    assert 0 < fair.left(client_key("203.0.113.9")) <= DEFAULTS["FAIR_USE_SECONDS"]
    app.extensions["knowledge_base"].close()


def test_a_costly_export_is_served_then_paid_for(corpus):
    """The last request may cost more than what was left: it is served, and the address
    then waits for its debt to be refilled."""
    clocks = Clocks(cost=5.0)
    app = make_app(corpus.home, clocks, FAIR_USE_SECONDS=3.0, FAIR_USE_REFILL=0.1)
    visitor = client_from(app, "203.0.113.9")
    export = fetch(visitor, "/export.json")
    assert export.status_code == 200 and json.loads(export.get_data(as_text=True))
    refused = fetch(visitor, "/?q=night")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "20"
    app.extensions["knowledge_base"].close()


def test_the_work_of_a_streamed_export_is_charged_when_it_ends(corpus):
    """Real work clock: an export's rows are read while it streams, after the view returned;
    its cost is charged once the response is closed."""
    app = create_app({"KB_HOME": corpus.home, "TESTING": True, "FAIR_USE_SECONDS": 3.0})
    fair = app.extensions["fair_use"]
    ticks = iter(range(0, 100, 7))
    fair.work_clock = lambda: float(next(ticks))    # 7 s from start to close
    visitor = client_from(app, "203.0.113.9")
    export = visitor.get("/export.csv")
    assert export.status_code == 200
    assert fair.left("203.0.113.9") == 3.0      # streamed, not closed: not charged yet
    assert export.get_data(as_text=True).count("\n") > 10
    export.close()
    assert fair.left("203.0.113.9") == pytest.approx(-4.0, abs=0.01)
    app.extensions["knowledge_base"].close()


@pytest.fixture
def staff_home(password, tmp_path):
    home = tmp_path / "kb"
    with KnowledgeBase(home) as kb:
        Users(kb.store).add("alice", password)
    return home


def test_signed_in_staff_are_exempt(sign_in, staff_home):
    clocks = Clocks(cost=0.6)
    app = make_app(staff_home, clocks, FAIR_USE_SECONDS=1.0, FAIR_USE_REFILL=0.1)
    colleague = client_from(app, "203.0.113.9")
    spend(colleague)
    assert fetch(colleague, "/api/facets").status_code == 429
    assert sign_in(colleague).status_code == 302
    for _ in range(5):
        assert fetch(colleague, "/export.csv").status_code == 200
    app.extensions["knowledge_base"].close()


def test_settings_from_the_environment_and_their_errors(staff_home, monkeypatch):
    monkeypatch.delenv("KB_FAIR_USE_REFILL", raising=False)
    monkeypatch.setenv("KB_FAIR_USE_SECONDS", "7.5")
    app = create_app({"KB_HOME": staff_home, "TESTING": True, "FAIR_USE_REFILL": 0.2})
    assert (app.extensions["fair_use"].seconds, app.extensions["fair_use"].refill) == (7.5, 0.2)
    app.extensions["knowledge_base"].close()
    # Explicit settings win over the environment; 0 turns the budget off.
    app = create_app({"KB_HOME": staff_home, "TESTING": True, "FAIR_USE_SECONDS": 0})
    fair = app.extensions["fair_use"]
    fair.charge("127.0.0.1", 1000.0)
    assert app.test_client().get("/api/facets").status_code == 200
    app.extensions["knowledge_base"].close()
    monkeypatch.setenv("KB_FAIR_USE_REFILL", "ten")
    with pytest.raises(KbError, match="FAIR_USE_REFILL must be a number of seconds, 0 or "
                                      "more, not 'ten'"):
        fair_use.init_app(Flask(__name__))
