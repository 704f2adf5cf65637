"""Courtyard (掌上四合院): an online courtyard for every building's residents."""
from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from flask import Flask, g, jsonify, render_template, request, session
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .config import ROOT, Config, engine_settings
from .session_cookie import CachedSerializerSessions

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_pragmas(dbapi_conn, _record):
    """WAL + synchronous=NORMAL: a commit no longer fsyncs the journal and stalls every socket."""
    if isinstance(dbapi_conn, sqlite3.Connection):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()


def create_app(config: Config | None = None) -> Flask:
    config = config or Config()
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"),
                instance_path=config.INSTANCE_DIR)
    app.config.update(config.as_dict())
    app.session_interface = CachedSerializerSessions()  # one serializer, not one per socket event
    uri, engine_options = engine_settings(app.config["SQLALCHEMY_DATABASE_URI"], app.config["DATABASE_POOL_SIZE"])
    if uri.startswith("sqlite"):
        (ROOT / "instance").mkdir(exist_ok=True)
    engine_options.update(config.SQLALCHEMY_ENGINE_OPTIONS)
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options

    if app.config["PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _init_extensions(app)
    _init_security(app)
    _init_errors(app)
    _init_blueprints(app)
    return app


def _init_extensions(app: Flask) -> None:
    from . import dbping, i18n, worker
    from .extensions import babel, csrf, db, limiter, login_manager, migrate, socketio

    from . import models  # noqa: F401  (the whole schema, for SQLAlchemy and Alembic)

    db.init_app(app)
    with app.app_context():
        dbping.init_app(app, db.engine)  # ping pooled connections that sat idle, not every checkout
    migrate.init_app(app, db, directory=str(ROOT / "courtyard" / "migrations"), render_as_batch=True,
                    compare_type=True)
    csrf.init_app(app)
    i18n.prepare_translations(app)  # a fresh checkout has .po files only (*.mo are built, not in git)
    babel.init_app(app, locale_selector=i18n.select_locale)  # the zone: BABEL_DEFAULT_TIMEZONE
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    limiter.init_app(app)
    queue = {}
    if (app.config["REDIS_URL"] or "").startswith(("redis://", "rediss://", "unix://")):
        from .realtime.queue import OrderedRedisManager  # every process delivers in Redis's order
        queue["client_manager"] = OrderedRedisManager(app.config["REDIS_URL"], channel="flask-socketio")
    socketio.init_app(
        app,
        async_mode=app.config["COURTYARD_ASYNC"],
        message_queue=app.config["REDIS_URL"],
        **queue,
        cors_allowed_origins=app.config["CORS_ORIGINS"] or None,  # None: same origin only
        max_http_buffer_size=64 * 1024,
        manage_session=False,
        ping_interval=25,
        ping_timeout=20,
    )
    worker.init_app(app)  # WORKER_NAME: session ids nginx routes back to this process (deploy/nginx.conf)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    app.jinja_env.globals["_locale_name"] = i18n.current_locale_name
    i18n.init_app(app)


def _init_security(app: Flask) -> None:
    from .accounts import services as accounts
    from .extensions import csrf, login_manager, talisman

    talisman.init_app(
        app,
        force_https=False,  # TLS ends at the reverse proxy (docs/deployment.md)
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy={
            "default-src": "'self'",
            "img-src": "'self' data: blob:",
            "style-src": "'self'",
            "script-src": "'self'",
            "connect-src": "'self' ws: wss:",
            "frame-ancestors": "'none'",
            "form-action": "'self'",
        },
        frame_options="DENY",
        referrer_policy="same-origin",
    )

    @login_manager.user_loader
    def load_user(session_id):
        return accounts.user_by_session_id(session_id)

    @login_manager.request_loader
    def load_from_bearer(req):
        header = req.headers.get("Authorization", "")
        if header[:7].lower() == "bearer ":
            raw = header[7:].strip()
            g.bearer_token = raw
            return accounts.user_for_token(raw)
        return None

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import redirect, url_for
        from .api import error_response, wants_json
        from .errors import Unauthenticated
        if wants_json():
            return error_response(Unauthenticated())
        return redirect(url_for("accounts.login", next=request.full_path))

    @app.before_request
    def check_csrf():
        """CSRF for every cookie-authenticated write; bearer-token API calls need none.

        A session cookie wins over a bearer header in Flask-Login, so a request that carries
        the cookie identity is checked whatever else it carries.
        """
        if request.method in SAFE_METHODS:
            return
        if not session.get("_user_id"):
            from .api import wants_json
            if wants_json() or request.headers.get("Authorization", "")[:7].lower() == "bearer ":
                return  # no cookie identity to ride on; nothing to forge
        csrf.protect()


def _init_errors(app: Flask) -> None:
    from flask import flash, redirect
    from .api import error_response, http_error_as_domain, wants_json
    from .errors import BadRequest, DomainError, TooLarge

    @app.errorhandler(DomainError)
    def domain_error(err: DomainError):
        if wants_json():
            return error_response(err)
        return render_template("error.html", error=err), err.status

    @app.errorhandler(CSRFError)
    def csrf_error(err):
        from flask_babel import gettext as _
        if wants_json():
            return error_response(BadRequest(_("Missing or expired CSRF token.")))
        flash(_("Your form had expired. Please try again."), "error")
        return redirect(request.referrer or "/")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        err = http_error_as_domain(exc)
        if exc.code == 413:
            err = TooLarge()
        if wants_json():
            return error_response(err)
        return render_template("error.html", error=err), exc.code

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        from .extensions import db
        db.session.rollback()
        if wants_json():
            resp = jsonify({"error": {"code": "internal", "message": "Internal error"}})
            return resp, 500
        return render_template("error.html", error=None), 500


def _init_blueprints(app: Flask) -> None:
    from . import api, audit, cli, districts, emergencies, insight, notifications, projects, realtime, search, tasks, voting
    from .accounts.views import bp as accounts_bp
    from .audit import listeners as audit_listeners
    from .deliberation import listeners as deliberation_listeners
    from .deliberation.moderation_views import bp as moderation_bp
    from .deliberation.views import bp as deliberation_bp
    from .places.views import bp as places_bp
    from .uploads.views import bp as uploads_bp
    from .web import bp as web_bp
    from .web.participation import bp as participation_bp

    audit_listeners.connect()  # first: the log hears each act before the other listeners do
    notifications.init_app(app)  # before api.init_app: their JSON routes join the API blueprint
    audit.init_app(app)
    deliberation_listeners.connect()
    search.init_app(app)  # the index's listeners, /search and its JSON routes (before the API blueprint)
    emergencies.init_app(app)
    districts.init_app(app)
    projects.init_app(app)  # the pool's pages and template globals
    api.init_app(app)
    app.register_blueprint(web_bp)
    app.register_blueprint(participation_bp)  # open ballots and a topic's progress for the pages
    app.register_blueprint(accounts_bp)
    app.register_blueprint(places_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(deliberation_bp)
    app.register_blueprint(uploads_bp)
    cli.init_app(app)
    realtime.init_app(app)
    voting.init_app(app)
    tasks.init_app(app)
    insight.init_app(app)
