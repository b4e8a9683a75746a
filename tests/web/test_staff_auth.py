"""Staff accounts, sign-in, sessions, CSRF, the guard on write routes and the audit log."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from kb.service.audit import AuditLog
from kb.cli.main import main
from kb.service.knowledge_base import KnowledgeBase
from kb.service.users import MAX_ADDRESS_FAILURES, MAX_FAILURES, Users
from web.app import create_app



@pytest.fixture
def home(password, tmp_path):
    home = tmp_path / "kb"
    with KnowledgeBase(home) as kb:
        Users(kb.store).add("alice", password)
    return home


# Accounts on the command line

def test_kb_user_add_list_remove(password, tmp_path):
    runner = CliRunner()
    home = str(tmp_path / "kb")
    added = runner.invoke(main, ["--home", home, "user", "add", "bob"],
                          input=f"{password}\n{password}\n")
    assert added.exit_code == 0, added.output
    listed = runner.invoke(main, ["--home", home, "user", "list"])
    assert "bob" in listed.output
    with KnowledgeBase(home) as kb:
        stored = kb.store.execute("SELECT password_hash FROM users WHERE name = 'bob'").fetchone()[0]
        assert password not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
        assert Users(kb.store).verify("bob", password)
        assert not Users(kb.store).verify("bob", password + "!")
    again = runner.invoke(main, ["--home", home, "user", "add", "bob"],
                          input=f"{password}\n{password}\n")
    assert again.exit_code == 1 and "already" in again.output
    short = runner.invoke(main, ["--home", home, "user", "add", "carol"], input="short\nshort\n")
    assert short.exit_code == 1 and "too short" in short.output
    removed = runner.invoke(main, ["--home", home, "user", "remove", "bob"])
    assert removed.exit_code == 0
    assert "bob" not in runner.invoke(main, ["--home", home, "user", "list"]).output
    gone = runner.invoke(main, ["--home", home, "user", "remove", "bob"])
    assert gone.exit_code == 1 and "No user" in gone.output


def test_user_names_are_checked(password):
    with pytest.raises(Exception, match="valid user name"):
        Users(None).add("<script>", password)


# Signing in and out

def test_sign_in_sets_a_protected_session_cookie(sign_in, client):
    response = sign_in(client)
    assert response.status_code == 302 and response.location.endswith("/staff/")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie                     # plain HTTP here
    page = client.get("/staff/")
    assert page.status_code == 200 and "alice" in page.get_data(as_text=True)


def test_the_cookie_is_secure_over_https(password, app):
    client = app.test_client()
    html = client.get("/staff/sign-in", base_url="https://kb.example").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post("/staff/sign-in", base_url="https://kb.example",
                           headers={"Referer": "https://kb.example/staff/sign-in"},
                           data={"name": "alice", "password": password, "csrf_token": csrf})
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]


def test_behind_a_proxy_the_forwarded_scheme_makes_cookies_secure(password, home):
    app = create_app({"KB_HOME": home, "TESTING": True, "TRUST_PROXY": True})
    client = app.test_client()
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "kb.example"}
    html = client.get("/staff/sign-in", headers=headers).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post("/staff/sign-in", headers={
        **headers, "Referer": "https://kb.example/staff/sign-in"},
        data={"name": "alice", "password": password, "csrf_token": csrf})
    assert response.status_code == 302 and "Secure" in response.headers["Set-Cookie"]
    app.extensions["knowledge_base"].close()


def test_wrong_password_is_refused_without_saying_which_part(sign_in, client):
    wrong = sign_in(client, password="not the password")
    unknown = sign_in(client, name="mallory")
    assert wrong.status_code == unknown.status_code == 401
    assert client.get("/staff/").status_code == 302


def test_repeated_failures_lock_the_name_for_a_while(sign_in, client):
    for _ in range(MAX_FAILURES):
        assert sign_in(client, password="guess").status_code == 401
    locked = sign_in(client)                       # even the right password waits now
    assert locked.status_code == 429
    assert "minutes" in locked.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_sign_out_ends_the_session(sign_in, token, client):
    sign_in(client)
    response = client.post("/staff/sign-out", data={"csrf_token": token(client, "/staff/")})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 302


def test_a_cookie_copied_before_sign_out_opens_nothing_after(sign_in, token, app, client):
    sign_in(client)
    copied = client.get_cookie("session").value
    assert client.get("/staff/").status_code == 200
    client.post("/staff/sign-out", data={"csrf_token": token(client, "/staff/")})
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/staff/").status_code == 302


def test_a_session_ends_on_the_server_after_its_lifetime(sign_in, password, home):
    app = create_app({"KB_HOME": home, "TESTING": True, "PERMANENT_SESSION_LIFETIME": 1})
    client = app.test_client()
    sign_in(client)
    assert client.get("/staff/").status_code == 200
    with KnowledgeBase(home) as kb:     # as if the session had been opened two seconds ago
        kb.store.execute("UPDATE staff_sessions SET created = created - 2")
    assert client.get("/staff/").status_code == 302
    app.extensions["knowledge_base"].close()


def client_from(app, address: str, **environ: str):
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=address, **environ)
    return client


def test_failures_from_one_address_lock_no_one_out_from_another(sign_in, app):
    attacker = client_from(app, "203.0.113.9")
    for _ in range(MAX_FAILURES + 1):
        sign_in(attacker, password="guess")
    assert sign_in(attacker).status_code == 429
    colleague = client_from(app, "198.51.100.7")
    assert sign_in(colleague).status_code == 302


def test_an_address_trying_many_names_waits(sign_in, app):
    attacker = client_from(app, "203.0.113.9")
    for number in range(MAX_ADDRESS_FAILURES):
        assert sign_in(attacker, name=f"name{number}", password="guess").status_code == 401
    assert sign_in(attacker, name="other", password="guess").status_code == 429


def test_forwarded_addresses_count_only_from_the_configured_proxy(sign_in, home):
    app = create_app({"KB_HOME": home, "TESTING": True, "TRUST_PROXY": True})
    direct = client_from(app, "203.0.113.9")
    for number in range(MAX_ADDRESS_FAILURES):
        direct.environ_base["HTTP_X_FORWARDED_FOR"] = f"10.0.{number}.1"
        sign_in(direct, name=f"name{number}", password="guess")
    direct.environ_base["HTTP_X_FORWARDED_FOR"] = "10.9.9.9"
    assert sign_in(direct, name="other", password="guess").status_code == 429
    # Through the proxy (loopback here), the forwarded address is the client's.
    proxied = client_from(app, "127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert sign_in(proxied, name="other", password="guess").status_code == 401
    app.extensions["knowledge_base"].close()


@pytest.mark.parametrize("target", ["/staff/audit\r\nSet-Cookie: x=1", "/staff/\nx",
                                    "/staff/\x00", "/staff/\ta"])
def test_a_target_with_control_characters_goes_to_the_staff_home(sign_in, client, target):
    response = sign_in(client, next=target.encode().decode("unicode_escape"))
    assert response.status_code == 302
    assert response.location.endswith("/staff/")
    assert "x=1" not in response.headers.get("Set-Cookie", "")


def test_a_removed_account_is_signed_out(sign_in, client, home):
    sign_in(client)
    assert client.get("/staff/").status_code == 200
    with KnowledgeBase(home) as kb:
        Users(kb.store).remove("alice")
    assert client.get("/staff/").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_sign_in_never_sends_the_user_elsewhere(sign_in, client, target):
    response = sign_in(client, next=target)
    assert response.status_code == 302
    assert response.location.endswith("/staff/")


def test_sign_in_goes_back_to_the_page_asked_for(sign_in, client):
    first = client.get("/staff/audit")
    assert first.status_code == 302 and first.location.endswith("next=/staff/audit")
    response = sign_in(client, next="/staff/audit")
    assert response.location.endswith("/staff/audit")


# CSRF and the guard on writes

def test_a_form_without_a_valid_csrf_token_is_refused(password, client):
    missing = client.post("/staff/sign-in", data={"name": "alice", "password": password})
    forged = client.post("/staff/sign-in", data={"name": "alice", "password": password,
                                                 "csrf_token": "forged"})
    assert missing.status_code == forged.status_code == 400
    assert client.get("/staff/").status_code == 302          # not signed in


WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
OPEN_WRITES = {"staff.sign_in", "staff.sign_out"}   # signing in is for anonymous users


def write_routes(app):
    for rule in app.url_map.iter_rules():
        methods = rule.methods & WRITE_METHODS
        if methods and rule.endpoint not in OPEN_WRITES:
            values = {name: "x" for name in rule.arguments}
            yield rule, sorted(methods), values


def test_every_write_route_refuses_anonymous_users(token, app):
    client = app.test_client()
    csrf = token(client)
    routes = list(write_routes(app))
    assert len(routes) >= 8, [rule.rule for rule, _, _ in routes]
    for rule, methods, values in routes:
        path = rule.build(values)[1] if hasattr(rule, "build") else rule.rule
        for method in methods:
            response = client.open(path, method=method, data={"csrf_token": csrf},
                                   headers={"X-CSRFToken": csrf})
            if path.startswith("/api/"):
                assert response.status_code == 401, (method, path)
                assert response.get_json()["error"]["message"]
            else:
                assert response.status_code == 302, (method, path)
                assert "/staff/sign-in" in response.location, (method, path)


def test_every_staff_page_refuses_anonymous_users(app):
    client = app.test_client()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff") and "GET" in rule.methods \
                and rule.endpoint != "staff.sign_in":
            # "1" for a number (a page), "x" for the rest (an id).
            path = rule.build({name: 1 if type(rule._converters[name]).__name__ ==
                               "IntegerConverter" else "x" for name in rule.arguments})[1]
            response = client.get(path)
            assert response.status_code == 302 and "/staff/sign-in" in response.location, path


# The audit log

def test_sign_in_and_out_are_in_the_audit_log(sign_in, token, client, home):
    sign_in(client)
    client.post("/staff/sign-out", data={"csrf_token": token(client, "/staff/")})
    with KnowledgeBase(home) as kb:
        actions = [(e.user, e.action) for e in AuditLog(kb.store).entries()]
    assert actions == [("alice", "sign-out"), ("alice", "sign-in")]


def test_the_audit_log_page_and_csv(sign_in, client, home):
    with KnowledgeBase(home) as kb:
        AuditLog(kb.store).record("alice", "edit", "some-sheet", {"fields": ["title"]})
    sign_in(client)
    page = client.get("/staff/audit").get_data(as_text=True)
    # The page names the sheet (here one since deleted) and says what changed, in words.
    assert "a sheet since deleted" in page and "Changed: Title" in page
    csv_text = client.get("/staff/audit?format=csv").get_data(as_text=True)
    lines = csv_text.lstrip("\ufeff").splitlines()
    assert lines[0] == "seq,at,user,action,record_id,detail"
    assert any("some-sheet" in line and "edit" in line for line in lines[1:])
    runner = CliRunner()
    printed = runner.invoke(main, ["--home", str(home), "audit", "--csv"])
    assert "some-sheet" in printed.output


def test_audit_actions_are_checked(home):
    with KnowledgeBase(home) as kb:
        with pytest.raises(ValueError):
            AuditLog(kb.store).record("alice", "teleport")


def test_a_wrong_password_while_signed_in_answers(sign_in, token, client):
    # The sign-in page renders while the knowledge base is locked: who is signed in must be
    # known before, or the page would wait for the lock forever.
    sign_in(client)
    response = client.post("/staff/sign-in", data={
        "name": "alice", "password": "not the password", "csrf_token": token(client, "/staff/")})
    assert response.status_code == 401
