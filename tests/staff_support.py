"""What the staff tests share: the test account's password, CSRF tokens, signing in."""

from __future__ import annotations

import re

PASSWORD = "correct horse battery"


def csrf_of(page: str) -> str:
    """The CSRF token of a page's forms."""
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def token(client, path: str = "/staff/sign-in") -> str:
    return csrf_of(client.get(path).get_data(as_text=True))


def sign_in(client, name: str = "alice", password: str = PASSWORD, **extra):
    return client.post("/staff/sign-in", data={"name": name, "password": password,
                                               "csrf_token": token(client), **extra})
