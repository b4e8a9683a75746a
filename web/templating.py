"""What the templates use beyond Jinja: sheet text as HTML, and links to the current search."""

from __future__ import annotations

import re
from itertools import groupby
from typing import Any

from flask import request, url_for
from markupsafe import Markup

from web.params import changed, search_args

_BULLET = re.compile(r"[-•*▪‣◦–]\s+")


def search_url(endpoint: str = "search.page", *, drop: tuple[str, str | None] | None = None,
               **replace: Any) -> str:
    """The URL of the current search with some parameters changed (the page number is reset
    unless given: a new filter starts on page 1)."""
    replace.setdefault("page", None)
    args = changed(search_args(request.args), drop=drop, **replace)
    return url_for(endpoint, **args.to_dict(flat=False))


def paragraphs(text: str | None) -> Markup:
    """Sheet text as HTML, escaped: blocks between blank lines become paragraphs, and runs of
    lines starting with a bullet ("- ", "• ", "* ") become lists."""
    out: list[Markup] = []
    for block in re.split(r"\n\s*\n", text or ""):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        for is_list, run in groupby(lines, key=lambda line: bool(_BULLET.match(line))):
            if is_list:
                items = (Markup("<li>{}</li>").format(_BULLET.sub("", line, 1)) for line in run)
                out.append(Markup("<ul>{}</ul>").format(Markup("").join(items)))
            else:
                out.append(Markup("<p>{}</p>").format(Markup("<br>").join(run)))
    return Markup("").join(out)
