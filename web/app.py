"""The Flask application factory: `create_app(config)` builds one app on one knowledge base."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, jsonify, redirect, render_template, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import Babel, gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from kb.knowledge_base import NotFound, default_home
from web import auth, i18n
from web.knowledge import SharedKnowledgeBase
from web.params import BadParameter
from web.templating import paragraphs, search_url

HERE = Path(__file__).resolve().parent
DEFAULTS = {
    "KB_HOME": None,               # None: KB_HOME from the environment, else ./kb-data
    "PAGE_SIZE": 10,
    "SITE_NAME": "practice-kb",
    "DEFAULT_LOCALE": "en",
    "BABEL_TRANSLATION_DIRECTORIES": str(HERE / "translations"),
    "TRUST_PROXY": False,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,     # a working day
    "WTF_CSRF_TIME_LIMIT": None,                # valid as long as the session
}
# The pages load nothing from elsewhere and run no inline script.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class SafeJSONProvider(DefaultJSONProvider):
    """JSON with <, > and & written as \\u escapes: sheet text stays inert even where a
    careless client puts an API answer into a page."""
    sort_keys = False
    ensure_ascii = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return super().dumps(obj, **kwargs).translate(_JSON_ESCAPES)


_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.json = SafeJSONProvider(app)
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    home = app.config["KB_HOME"] or default_home()
    app.extensions["knowledge_base"] = SharedKnowledgeBase(home)
    app.secret_key = app.config.get("SECRET_KEY") or auth.secret_key(Path(home))
    app.session_interface = auth.SessionCookies()
    if app.config["TRUST_PROXY"]:
        # Behind a reverse proxy: its X-Forwarded-Proto says whether the user came by HTTPS.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    CSRFProtect(app)
    Babel(app, locale_selector=i18n.select_locale)
    app.extensions["staff_links"] = []       # (endpoint, label) of the staff home's tasks

    from web import analysis, api, batches, review, search, sheets, staff
    app.register_blueprint(search.blueprint)
    app.register_blueprint(sheets.blueprint)
    app.register_blueprint(analysis.blueprint)
    app.register_blueprint(api.blueprint, url_prefix="/api")
    app.register_blueprint(staff.blueprint)
    app.register_blueprint(review.blueprint)
    app.register_blueprint(batches.blueprint)

    app.add_url_rule("/language/<code>", "language", choose_language)
    app.jinja_env.globals.update(
        facet_label=i18n.facet_label, facet_titles=i18n.FACET_TITLES, number=i18n.number,
        euros=i18n.euros, language_name=i18n.language_name, theme_label=i18n.theme_label,
        ui_language=i18n.ui_language, locales=i18n.LOCALES, search_url=search_url,
        current_user=auth.current_user, staff_links=app.extensions["staff_links"])
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.filters["date_text"] = i18n.date_text
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.after_request
    def secure(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        return response

    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(NotFound, not_found)
    app.register_error_handler(BadParameter, bad_parameter)
    app.register_error_handler(Exception, server_error)
    return app


def knowledge_base() -> SharedKnowledgeBase:
    from flask import current_app
    return current_app.extensions["knowledge_base"]


def choose_language(code: str) -> Response:
    """The visible language switch: remembers the choice and goes back where the user was."""
    target = request.args.get("next", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        target = "/"
    response = redirect(target)
    if code in i18n.LOCALES:
        response.set_cookie(i18n.LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True)
    return response


def wants_json() -> bool:
    return request.path.startswith("/api/")


def csrf_error(exc: CSRFError) -> Any:
    message = _("This form has expired or did not come from this site: reload the page and "
                "try again.")
    if wants_json():
        return jsonify({"error": {"message": message}}), 400
    return render_template("error.html", code=400, title=_("Form expired"), message=message), 400


def http_error(exc: HTTPException) -> Any:
    title, message = exc.name, exc.description
    if exc.code == 404:
        title = _("Page not found")
        message = _("There is no page at this address. Check the link, or search for the "
                    "sheet.")
    elif exc.code == 405:
        title = _("Not allowed")
        message = _("This address cannot be used that way.")
    if wants_json():
        return jsonify({"error": {"message": message}}), exc.code
    return render_template("error.html", code=exc.code, title=title, message=message), exc.code


def not_found(exc: NotFound) -> Any:
    if wants_json():
        return jsonify({"error": {"message": exc.message}}), 404
    return render_template("error.html", code=404, title=_("Not found"), message=exc.message), 404


def bad_parameter(exc: BadParameter) -> Any:
    if wants_json():
        return jsonify(exc.as_json()), 400
    return render_template("error.html", code=400, title=_("Bad request"), message=exc.message), 400


def server_error(exc: Exception) -> Any:
    from flask import current_app
    current_app.logger.exception("Unhandled error on %s", request.path)
    message = _("Something went wrong on our side; the error has been logged.")
    if wants_json():
        return jsonify({"error": {"message": message}}), 500
    return render_template("error.html", code=500, title=_("Server error"), message=message), 500
