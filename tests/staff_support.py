"""What the staff tests share: the app and its client, the test account's password, CSRF
tokens, signing in. A module importing the `app` and `client` fixtures provides `home`."""

from __future__ import annotations

import re

import pytest

from web.app import create_app

PASSWORD = "correct horse battery"


def csrf_of(page: str) -> str:
    """The CSRF token of a page's forms."""
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def token(client, path: str = "/staff/sign-in") -> str:
    return csrf_of(client.get(path).get_data(as_text=True))


def sign_in(client, name: str = "alice", password: str = PASSWORD, **extra):
    return client.post("/staff/sign-in", data={"name": name, "password": password,
                                               "csrf_token": token(client), **extra})


@pytest.fixture
def app(home):
    application = create_app({"KB_HOME": home, "TESTING": True})
    yield application
    application.extensions["knowledge_base"].close()


@pytest.fixture
def client(app):
    return app.test_client()
