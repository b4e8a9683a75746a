"""Where the app may send a user back to: only paths of this site."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# CR, LF and the other control characters: a Location header cannot hold them (a 500 after
# signing in), and a browser may drop them and read another address.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def local_path(target: str | None) -> str | None:
    """`target` when it is a path of this site, else None: never send a user elsewhere after
    signing in or choosing a language (no scheme, no host, no "//" or "\\" that a browser
    would read as another host, no control character)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target or _CONTROL.search(target):
        return None
    return target
