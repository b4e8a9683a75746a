"""The Flask application factory: `create_app(config)` builds one app on one knowledge base."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, Response, redirect, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from markupsafe import Markup
from werkzeug.middleware.proxy_fix import ProxyFix

from importers.limits import MB
from index.highlight import snippet_html
from kb.core.money import basis_of
from kb.service.knowledge_base import default_home
from web import (analysis, api, auth, batches, errors, fair_use, i18n, review, search, sheets,
                 staff)
from web.knowledge import SharedKnowledgeBase
from web.params import SEARCH_PARAMS
from web.templating import paragraphs, search_url, sheet_url
from web.urls import local_path

HERE = Path(__file__).resolve().parent
DEFAULTS = {
    "KB_HOME": None,               # None: KB_HOME from the environment, else ./kb-data
    "PAGE_SIZE": 10,
    "SITE_NAME": "practice-kb",
    "DEFAULT_LOCALE": "en",
    "BABEL_TRANSLATION_DIRECTORIES": str(HERE / "translations"),
    "TRUST_PROXY": False,
    # With TRUST_PROXY: the addresses the proxy connects from; X-Forwarded-* headers from any
    # other address are dropped (a client reaching the server directly picks no address).
    "TRUSTED_PROXIES": ("127.0.0.1", "::1"),
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,     # a working day
    "WTF_CSRF_TIME_LIMIT": None,                # valid as long as the session
    "UPLOAD_MAX_MB": 200,                       # one staff upload (MAX_CONTENT_LENGTH)
}
# (endpoint, label) of the staff home's tasks.
STAFF_LINKS = (batches.STAFF_LINK, review.STAFF_LINK)
# The pages load nothing from elsewhere and run no inline script.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # frame-ancestors above, for browsers that predate it.
    "X-Frame-Options": "DENY",
}
# Over HTTPS (directly or through the trusted proxy): browsers keep to HTTPS for a year.
HSTS = "max-age=31536000"


class SafeJSONProvider(DefaultJSONProvider):
    """JSON with <, > and & written as \\u escapes: sheet text stays inert even where a
    careless client puts an API answer into a page."""
    sort_keys = False
    ensure_ascii = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return super().dumps(obj, **kwargs).translate(_JSON_ESCAPES)


_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


class TrustedProxyFix:
    """ProxyFix for the requests that came through the configured proxy only."""
    FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                 "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX", "HTTP_FORWARDED")

    def __init__(self, wsgi_app: Any, proxies: tuple[str, ...] | list[str]):
        self.direct = wsgi_app
        self.proxied = ProxyFix(wsgi_app, x_for=1, x_proto=1, x_host=1)
        self.proxies = frozenset(proxies)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("REMOTE_ADDR") in self.proxies:
            return self.proxied(environ, start_response)
        for key in self.FORWARDED:
            environ.pop(key, None)
        return self.direct(environ, start_response)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.json = SafeJSONProvider(app)
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = int(float(app.config["UPLOAD_MAX_MB"]) * MB)
    home = app.config["KB_HOME"] or default_home()
    app.extensions["knowledge_base"] = SharedKnowledgeBase(home)
    app.secret_key = app.config.get("SECRET_KEY") or auth.secret_key(Path(home))
    app.session_interface = auth.SessionCookies()
    if app.config["TRUST_PROXY"]:
        # Behind a reverse proxy: its X-Forwarded-Proto says whether the user came by HTTPS.
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, app.config["TRUSTED_PROXIES"])
    app.before_request(auth.refuse_on_read_only_home)
    app.before_request(auth.load_user)
    # After load_user (staff are exempt), before any view takes the searcher lock.
    fair_use.init_app(app)
    CSRFProtect(app)
    Babel(app, locale_selector=i18n.select_locale)
    app.register_blueprint(search.blueprint)
    app.register_blueprint(sheets.blueprint)
    app.register_blueprint(analysis.blueprint)
    app.register_blueprint(api.blueprint, url_prefix="/api")
    app.register_blueprint(staff.blueprint)
    app.register_blueprint(review.blueprint)
    app.register_blueprint(batches.blueprint)
    app.register_blueprint(batches.api)

    app.add_url_rule("/language/<code>", "language", choose_language)
    app.jinja_env.globals.update(
        facet_label=i18n.facet_label, facet_titles=i18n.FACET_TITLES, number=i18n.number,
        euros=i18n.euros, budget_figure=i18n.budget_figure, hit_basis=i18n.hit_basis,
        hit_yearly=i18n.hit_yearly,
        basis_of=basis_of, basis_words=i18n.BASIS_WORDS,
        language_name=i18n.language_name, theme_label=i18n.theme_label,
        ui_language=i18n.ui_language, locales=i18n.LOCALES, search_url=search_url,
        sheet_url=sheet_url, search_params=SEARCH_PARAMS,
        current_user=auth.current_user, staff_links=STAFF_LINKS)
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.filters["snippet_html"] = lambda pieces: Markup(snippet_html(pieces))
    app.jinja_env.filters["date_text"] = i18n.date_text
    app.jinja_env.filters["moment"] = i18n.moment
    app.jinja_env.filters["worded"] = i18n.worded
    # A missing value prints nothing, never "None" ("NoneFrance" for a sheet with no city).
    app.jinja_env.finalize = lambda value: "" if value is None else value
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.after_request
    def secure(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        return response

    errors.register(app)
    return app


def choose_language(code: str) -> Response:
    """The visible language switch: remembers the choice and goes back where the user was."""
    response = redirect(local_path(request.args.get("next")) or "/")
    if code in i18n.LOCALES:
        response.set_cookie(i18n.LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True)
    return response

