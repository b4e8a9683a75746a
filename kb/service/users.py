"""Staff accounts: names with a strong password hash (scrypt, via Werkzeug), and the limit on
failed sign-ins that stops anyone guessing passwords.

The accounts live in the knowledge base's database, so `kb user add` and every web worker
see the same ones.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time

from werkzeug.security import check_password_hash, generate_password_hash

from kb.core.errors import UserError
from kb.service.store import Store, now

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{1,63}")
MIN_PASSWORD = 10
# More failed sign-ins than this for one name from one address within the window: that name
# waits, from that address only (so that nobody can lock a colleague out from elsewhere).
MAX_FAILURES = 5
# Failures from one address, whatever the names tried: the whole address waits.
MAX_ADDRESS_FAILURES = 20
FAILURE_WINDOW = 15 * 60.0
# A hash of a password nobody has: checked when the name is unknown, so that the answer
# takes as long as for a known name (no telling which names exist).
_DUMMY_HASH = generate_password_hash("not a password of anyone")


class Users:
    def __init__(self, store: Store):
        self.store = store

    def add(self, name: str, password: str) -> None:
        if not NAME.fullmatch(name):
            raise UserError(f"{name!r} is not a valid user name: 2 to 64 letters, digits, "
                            "dots, dashes, underscores or @, starting with a letter or digit.")
        if len(password) < MIN_PASSWORD:
            raise UserError(f"The password is too short: use at least {MIN_PASSWORD} "
                            "characters (a few words make a good one).")
        with self.store.transaction():
            if self.exists(name):
                raise UserError(f"There is already a user {name!r}; remove it first to "
                                "change its password.")
            self.store.execute("INSERT INTO users (name, password_hash, created) VALUES (?, ?, ?)",
                               (name, generate_password_hash(password), now()))

    def remove(self, name: str) -> None:
        with self.store.transaction():
            if not self.store.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount:
                raise UserError(f"No user {name!r}; `kb user list` shows them.")
            self.store.execute("DELETE FROM staff_sessions WHERE name = ?", (name,))

    def exists(self, name: str) -> bool:
        return self.store.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone() is not None

    def names(self) -> list[tuple[str, str]]:
        """(name, created) of every account, by name."""
        return [(row[0], row[1]) for row in
                self.store.execute("SELECT name, created FROM users ORDER BY name")]

    def verify(self, name: str, password: str) -> bool:
        row = self.store.execute("SELECT password_hash FROM users WHERE name = ?",
                                 (name,)).fetchone()
        matches = check_password_hash(row[0] if row else _DUMMY_HASH, password)
        return bool(row) and matches

    # Sessions: the cookie carries a random token, the store only its hash (a copy of the
    # database opens no session).

    def open_session(self, name: str, lifetime: float) -> str:
        token = secrets.token_urlsafe(32)
        with self.store.transaction():
            self.store.execute("DELETE FROM staff_sessions WHERE created < ?",
                               (time.time() - lifetime,))
            self.store.execute("INSERT INTO staff_sessions (token_hash, name, created) "
                               "VALUES (?, ?, ?)", (_hash(token), name, time.time()))
        return token

    def session_user(self, token: str, lifetime: float) -> str | None:
        """The name the session was opened for, while it is open, unexpired and the account
        still exists."""
        row = self.store.execute(
            "SELECT s.name FROM staff_sessions s JOIN users u ON u.name = s.name "
            "WHERE s.token_hash = ? AND s.created > ?",
            (_hash(token), time.time() - lifetime)).fetchone()
        return row[0] if row else None

    def close_session(self, token: str) -> None:
        with self.store.transaction():
            self.store.execute("DELETE FROM staff_sessions WHERE token_hash = ?", (_hash(token),))

    # Throttling

    def blocked_for(self, name: str, address: str) -> float:
        """Seconds before `name` may try again from `address` (0: now)."""
        since = time.time() - FAILURE_WINDOW
        worst = 0.0
        for where, values, limit in (("name = ? AND address = ?", (name, address), MAX_FAILURES),
                                     ("address = ?", (address,), MAX_ADDRESS_FAILURES)):
            times = [row[0] for row in self.store.execute(
                f"SELECT at FROM sign_in_failures WHERE {where} AND at > ? ORDER BY at",
                (*values, since))]
            if len(times) >= limit:
                worst = max(worst, times[-limit] + FAILURE_WINDOW - time.time())
        return max(0.0, worst)

    def failed(self, name: str, address: str) -> None:
        with self.store.transaction():
            self.store.execute("DELETE FROM sign_in_failures WHERE at < ?",
                               (time.time() - FAILURE_WINDOW,))
            self.store.execute("INSERT INTO sign_in_failures (name, address, at) VALUES (?, ?, ?)",
                               (name, address, time.time()))

    def succeeded(self, name: str, address: str) -> None:
        with self.store.transaction():
            self.store.execute("DELETE FROM sign_in_failures WHERE name = ? AND address = ?",
                               (name, address))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
