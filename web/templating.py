"""What the templates use beyond Jinja: sheet text as HTML, and links to the current search."""

from __future__ import annotations

import re
from itertools import groupby
from typing import Any

from flask import request, url_for
from markupsafe import Markup

from web.params import PICK, changed, search_args

_BULLET = re.compile(r"[-•*▪‣◦–]\s+")
_CELL = re.compile(r"\S\s*\|\s*\S")


def search_url(endpoint: str = "search.page", *, drop: tuple[str, str | None] | None = None,
               **replace: Any) -> str:
    """The URL of the current search with some parameters changed (the page number is reset
    unless given: a new filter starts on page 1)."""
    replace.setdefault("page", None)
    args = changed(search_args(request.args), drop=drop, **replace)
    if endpoint == "search.page":
        # The sheets picked for comparison stay picked from page to page (web.sheets.PICK).
        for record_id in dict.fromkeys(request.args.getlist(PICK)):
            if drop != (PICK, record_id):
                args.add(PICK, record_id)
    return url_for(endpoint, **args.to_dict(flat=False))


def _kind(line: str) -> str:
    if _BULLET.match(line):
        return "list"
    # Importers keep a table's rows as lines of cells between "|" (a budget breakdown).
    return "table" if _CELL.search(line) else "text"


def sheet_url(record_id: str) -> str:
    """A sheet's page, carrying the current search (and its page) so the sheet can lead back
    to the results it was opened from."""
    args = search_args(request.args)
    page = request.args.get("page", "")
    if page.isdigit() and page != "1":
        args.add("page", page)
    return url_for("sheets.sheet", record_id=record_id, **args.to_dict(flat=False))


def paragraphs(text: str | None) -> Markup:
    """Sheet text as HTML, escaped: blocks between blank lines become paragraphs, runs of
    lines starting with a bullet ("- ", "• ", "* ") become lists, and runs of two or more
    lines of cells between "|" become a table (its first row the header)."""
    out: list[Markup] = []
    for block in re.split(r"\n\s*\n", text or ""):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        for kind, group in groupby(lines, key=_kind):
            run = list(group)
            if kind == "list":
                items = (Markup("<li>{}</li>").format(_BULLET.sub("", line, 1)) for line in run)
                out.append(Markup("<ul>{}</ul>").format(Markup("").join(items)))
            elif kind == "table" and len(run) > 1:
                out.append(_table(run))
            else:
                out.append(Markup("<p>{}</p>").format(Markup("<br>").join(run)))
    return Markup("").join(out)


def _table(lines: list[str]) -> Markup:
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    width = max(len(row) for row in rows)

    def cells(row: list[str], tag: str) -> Markup:
        padded = row + [""] * (width - len(row))
        return Markup("").join(Markup(f"<{tag}>{{}}</{tag}>").format(cell) for cell in padded)

    head = Markup("<thead><tr>{}</tr></thead>").format(cells(rows[0], "th"))
    body = Markup("").join(Markup("<tr>{}</tr>").format(cells(row, "td")) for row in rows[1:])
    return Markup('<div class="table-wrap"><table class="text-table">{}<tbody>{}</tbody>'
                  '</table></div>').format(head, body)
