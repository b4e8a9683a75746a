"""Where the app may send a user back to: only paths of this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def local_path(target: str | None) -> str | None:
    """`target` when it is a path of this site, else None: never send a user elsewhere after
    signing in or choosing a language (no scheme, no host, no "//" or "\\" that a browser
    would read as another host)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return None
    return target
