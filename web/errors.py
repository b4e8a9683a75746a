"""The app's error pages and its one JSON error body: every error a request can meet, one
handler each.

Pages show the message on error.html. Requests under /api/ get, whatever the error:

    {"error": {"code": 400, "status": "Bad Request", "message": "...",
               "field": "budget_min",            (when one parameter is wrong)
               "fields": {"title": ["..."]}}}    (when a record's fields are, 422)
"""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.http import HTTP_STATUS_CODES

from kb.core.errors import BadParameter, NotFound, ReadOnlyHome, StoreError


def register(app: Flask) -> None:
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(NotFound, not_found)
    app.register_error_handler(BadParameter, bad_parameter)
    app.register_error_handler(ReadOnlyHome, read_only_home)
    app.register_error_handler(StoreError, unreadable_store)
    app.register_error_handler(sqlite3.DatabaseError, unreadable_store)
    app.register_error_handler(Exception, server_error)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, message: str, *, field: str | None = None,
               fields: Any = None) -> tuple[Response, int]:
    """The API's one error body, with its status."""
    error: dict[str, Any] = {"code": status, "status": HTTP_STATUS_CODES.get(status, "Error"),
                             "message": message}
    if field is not None:
        error["field"] = field
    if fields is not None:
        error["fields"] = fields
    return jsonify({"error": error}), status


def csrf_error(exc: CSRFError) -> Any:
    message = _("This form has expired or did not come from this site: reload the page and "
                "try again.")
    if wants_json():
        return json_error(400, message)
    return render_template("error.html", code=400, title=_("Form expired"), message=message), 400


def http_error(exc: HTTPException) -> Any:
    if isinstance(exc, SecurityError):
        # A Host not in TRUSTED_HOSTS: no URL of this site can be built for it, so no page.
        # Plain English: which language the caller reads is unknown for a host not served.
        return Response("This site does not answer to that host name.\n", 400,
                        mimetype="text/plain")
    title, message = exc.name, exc.description
    if exc.code == 404:
        title = _("Page not found")
        message = _("There is no page at this address. Check the link, or search for the "
                    "sheet.")
    elif exc.code == 405:
        title = _("Not allowed")
        message = _("This address cannot be used that way.")
    if wants_json():
        return json_error(exc.code or 500, message)
    return render_template("error.html", code=exc.code, title=title, message=message), exc.code


def not_found(exc: NotFound) -> Any:
    if wants_json():
        return json_error(404, exc.message)
    return render_template("error.html", code=404, title=_("Not found"), message=exc.message), 404


def bad_parameter(exc: BadParameter) -> Any:
    if wants_json():
        return json_error(400, exc.message, field=exc.field)
    return render_template("error.html", code=400, title=_("Bad request"), message=exc.message), 400


def read_only_home(exc: ReadOnlyHome) -> Any:
    # 503: the server cannot do it as it is deployed; nothing the client could change.
    if wants_json():
        return json_error(503, exc.message)
    return render_template("error.html", code=503, title=_("Read-only knowledge base"),
                           message=exc.message), 503


def unreadable_store(exc: Exception) -> Any:
    # 503, not 500: the code is sound, the database under it is not. The log says which
    # file and why; the page names no path, only what the site's staff should run.
    current_app.logger.error("The knowledge base database cannot be read on %s: %s",
                             request.path, exc)
    message = _("The knowledge base cannot be read at the moment: its database is damaged or "
                "unavailable. The site's staff can run `kb check`, which says what to do.")
    if wants_json():
        return json_error(503, message)
    return render_template("error.html", code=503, title=_("Knowledge base unavailable"),
                           message=message), 503


def server_error(exc: Exception) -> Any:
    current_app.logger.exception("Unhandled error on %s", request.path)
    message = _("Something went wrong on our side; the error has been logged.")
    if wants_json():
        return json_error(500, message)
    return render_template("error.html", code=500, title=_("Server error"), message=message), 500
