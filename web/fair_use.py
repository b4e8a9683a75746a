"""Fair use of the search: each client address spends a budget of seconds of search work.

The index answers one search at a time per worker process (web/knowledge.py), so a client
sending costly queries back to back delays everyone else, even though each query's cost is
bounded. Each address has a bucket of FAIR_USE_SECONDS of work (CPU time of the request's
thread, from the first hook to the last byte sent: waiting for the index lock is not work),
refilled at FAIR_USE_REFILL seconds per second. A request to a metered page is refused with
429 and Retry-After while the address's bucket is empty (the last request may leave it in
debt: a large export is served once, then paid for), before any search starts.

    FAIR_USE_SECONDS  3.0   seconds of work an address may spend at once (0: no limit)
    FAIR_USE_REFILL   0.05  seconds of work given back per second (0.5 s every 10 s)

Each can also be set in the environment (KB_FAIR_USE_SECONDS, KB_FAIR_USE_REFILL) for
`kb serve`; the app's config wins over the environment. A search costs about 15 ms, so a
person searching every second uses under a third of the refill. Signed-in staff are exempt: their
accounts are few and known, and their exports of the whole base must not be cut off.
Addresses come from request.remote_addr, as for the staff sign-in limiter: X-Forwarded-For
counts only from the configured proxy (TRUSTED_PROXIES with `--behind-proxy`). IPv6
addresses count by their /64 (one host usually owns a whole /64). Each worker process keeps
its own buckets.
"""

from __future__ import annotations

import ipaddress
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, g, render_template, request
from flask_babel import gettext as _

from kb.core.errors import KbError
from web import auth
from web.errors import json_error, wants_json

DEFAULTS = {"FAIR_USE_SECONDS": 3.0, "FAIR_USE_REFILL": 0.05}
# The endpoints whose work is metered: every one that runs a search or reads a result set.
METERED = frozenset({"search.page", "search.guessed", "search.feed", "api.search",
                     "api.facets", "analysis.page", "analysis.export_csv",
                     "analysis.export_json"})
# Buckets kept before the full ones (the same as new) are forgotten.
MAX_BUCKETS = 10_000


@dataclass
class Bucket:
    seconds: float          # of work left; below zero after a costly last request
    at: float               # clock time of `seconds`


class FairUse:
    """The buckets of one process. `clock` measures time passing (refill), `work_clock` the
    work of the calling thread (both injectable for tests)."""

    def __init__(self, seconds: float, refill: float, *,
                 clock: Callable[[], float] = time.monotonic,
                 work_clock: Callable[[], float] = time.thread_time):
        self.seconds, self.refill = seconds, refill
        self.clock, self.work_clock = clock, work_clock
        self._buckets: dict[str, Bucket] = {}
        self._prune_at = MAX_BUCKETS
        self._lock = threading.Lock()

    def left(self, address: str) -> float:
        """Seconds of work the address may still spend (negative: in debt)."""
        with self._lock:
            return self._current(address).seconds

    def wait(self, address: str) -> float:
        """Seconds until the address may be served again: 0 when it may now."""
        left = self.left(address)
        if left > 0:
            return 0.0
        if self.refill <= 0:
            return math.inf
        return max(-left, 1e-6) / self.refill    # an empty bucket waits a little at least

    def charge(self, address: str, seconds: float) -> None:
        with self._lock:
            bucket = self._current(address)
            bucket.seconds -= seconds
            self._buckets[address] = bucket
            if len(self._buckets) > self._prune_at:
                self._forget_full()
                # Many addresses in debt at once: scan again only when they have doubled.
                self._prune_at = max(MAX_BUCKETS, 2 * len(self._buckets))

    def _current(self, address: str) -> Bucket:
        now = self.clock()
        bucket = self._buckets.get(address)
        if bucket is None:
            return Bucket(self.seconds, now)
        bucket.seconds = min(self.seconds, bucket.seconds + (now - bucket.at) * self.refill)
        bucket.at = now
        return bucket

    def _forget_full(self) -> None:
        for address in list(self._buckets):
            if self._current(address).seconds >= self.seconds:
                del self._buckets[address]


def init_app(app: Flask) -> None:
    """Settings (config, else environment, else DEFAULTS) and the hook before each request."""
    for key, default in DEFAULTS.items():
        app.config.setdefault(key, _number(key, os.environ.get("KB_" + key, default)))
    seconds, refill = (_number(key, app.config[key]) for key in DEFAULTS)
    app.extensions["fair_use"] = FairUse(seconds, refill)
    if seconds > 0:
        app.before_request(_meter)
        app.after_request(_charge_on_close)


def client_key(address: str | None) -> str:
    """The bucket of an address: itself, or its /64 for IPv6."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "?"
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def _meter() -> Any:
    if request.endpoint not in METERED or auth.current_user():
        return None
    fair = current_app.extensions["fair_use"]
    address = client_key(request.remote_addr)
    wait = fair.wait(address)
    if wait:
        return _refused(wait)
    start = fair.work_clock()
    # Charged when the last byte is sent: an export streams after the view returns. The
    # server closes the response in the thread that sent it, so work_clock is this thread's.
    g.fair_use_close = lambda: fair.charge(address, fair.work_clock() - start)
    return None


def _charge_on_close(response: Response) -> Response:
    """The metered request's work is charged once its response is closed."""
    close = g.pop("fair_use_close", None)
    if close is not None:
        response.call_on_close(close)
    return response


def _refused(wait: float) -> Any:
    seconds = max(1, math.ceil(min(wait, 24 * 3600)))
    message = _("This address has used its share of the search for now. Try again in "
                "%(seconds)s seconds.", seconds=seconds)
    if wants_json():
        response, status = json_error(429, message)
    else:
        response = Response(render_template("error.html", code=429,
                                             title=_("Too many searches"), message=message))
        status = 429
    response.status_code = status
    response.headers["Retry-After"] = str(seconds)
    return response


def _number(key: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not number >= 0:
        raise KbError(f"{key} must be a number of seconds, 0 or more, not {value!r}.")
    return number
