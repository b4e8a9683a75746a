"""Staff sign-in: who is signed in, the guard on every write route, and the session cookie.

The session is Flask's signed cookie (HttpOnly, SameSite=Lax, Secure whenever the request
came over HTTPS, directly or through a proxy trusted with --behind-proxy). It holds the staff
name and a random token whose session the store keeps (kb.service.users): signing out ends
it there, so a copy of the cookie taken before opens nothing after; an account removed with
`kb user remove` is signed out at its next request.
The secret that signs it lives in the knowledge base's home (created on first use), so every
worker process and every restart share it.
On a read-only home nobody signs in (a session is a row in the store): staff pages and every
write answer that the home is read-only; the public pages are served.
"""

from __future__ import annotations

import functools
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _

from kb.core.errors import ReadOnlyHome
from kb.service.knowledge_base import home_read_only
from kb.service.users import Users
from web.errors import json_error, wants_json
from web.knowledge import knowledge_base

SECRET_FILE = "secret_key"


def secret_key(home: Path) -> str:
    """The home's session secret, written once with owner-only permissions."""
    path = Path(home) / SECRET_FILE
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    value = secrets.token_hex(32)
    if home_read_only(Path(home)):
        # Nothing to keep it in, and nobody signs in there: the process's own secret signs
        # only the public pages' cookies.
        return value
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:             # another worker wrote it first
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(value)
    return value


class SessionCookies(SecureCookieSessionInterface):
    """Secure cookies whenever the request itself is secure, not only when configured."""

    def get_cookie_secure(self, app: Any) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def _lifetime() -> float:
    return current_app.permanent_session_lifetime.total_seconds()


def begin_session(users: Users, name: str) -> None:
    """A new session for `name` (none of an old cookie is kept: no session fixation)."""
    session.clear()
    session["user"] = name
    session["token"] = users.open_session(name, _lifetime())
    session.permanent = True


def end_session(users: Users) -> None:
    token = session.get("token")
    if isinstance(token, str):
        users.close_session(token)
    session.clear()


def refuse_on_read_only_home() -> None:
    """Before each request: on a read-only home, staff sign-in and every write (any method
    but GET and HEAD) answer that it is read-only, before anything is attempted."""
    if not knowledge_base().kb.read_only:
        return
    if request.method not in ("GET", "HEAD") or request.endpoint == "staff.sign_in":
        raise ReadOnlyHome(_("This knowledge base is read-only: searching and reading sheets "
                             "work, but staff cannot sign in or change anything until its "
                             "folder on the server is made writable."))


def load_user() -> None:
    """Before each request: who is signed in, looked up once while the knowledge base is free
    (a view may render a page while it holds the knowledge base's lock)."""
    current_user()


def current_user() -> str | None:
    """The signed-in staff name, or None (also when the session was ended by signing out,
    has expired, or the account was removed since)."""
    if "staff_user" not in g:
        name, token = session.get("user"), session.get("token")
        g.staff_user = None
        if isinstance(name, str) and isinstance(token, str):
            with knowledge_base().locked() as kb:
                if Users(kb.store).session_user(token, _lifetime()) == name:
                    g.staff_user = name
        if name and g.staff_user is None:
            session.clear()
    return g.staff_user


def staff_required(view: Callable) -> Callable:
    """Only staff: pages send anonymous users to sign in, the API answers 401."""
    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            if wants_json():
                return json_error(401, _("Sign in as staff first: this request changes the "
                                         "knowledge base."))
            target = request.full_path.rstrip("?") if request.method == "GET" else None
            return redirect(url_for("staff.sign_in", next=target))
        return view(*args, **kwargs)
    return guarded
