"""Mentorkorps: the application factory."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, Flask, g, request
from sqlalchemy import event

from core.config import DefaultConfig, environment_overrides, instance_secret_key


def create_app(config: dict | None = None, *, extra_plugins=()) -> Flask:
    """Build the app. ``config`` overrides everything (tests); ``extra_plugins`` registers plugin
    modules beside the installed ones (tests, embedding). Settings, later ones winning: the
    defaults, the instance's key file (``instance/secret_key``), ``instance/config.py``, the
    environment, ``config``. Outside development and testing it refuses to start without a secret
    key of its own (:mod:`core.security`)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(DefaultConfig)
    if key := instance_secret_key(app.instance_path):
        app.config["SECRET_KEY"] = key
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(environment_overrides())
    app.config.update(config or {})
    from core import security

    security.init_app(app)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'mentorkorps.db'}"

    _init_extensions(app)
    _init_plugins(app, extra_plugins)
    from core import inputs

    inputs.init_app(app)  # bounded <int:...> ids and no NUL characters: before the blueprints' rules
    _register_blueprints(app)
    _init_request_cycle(app)
    from core import cli

    cli.register(app)
    return app


def _init_extensions(app: Flask) -> None:
    from core import i18n, models  # noqa: F401  (every table known before anything binds)
    from core.extensions import api, babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=i18n.select_locale,
                   default_translation_directories=str(Path(__file__).resolve().parent.parent / "translations"))
    i18n.install(app, babel)  # the catalogue looked up once per request, not on every gettext call
    csrf.init_app(app)
    limiter.init_app(app)
    if _safe_methods_skip_the_limiter not in limiter._request_filters:  # one Limiter for every app
        limiter.request_filter(_safe_methods_skip_the_limiter)
    api.init_app(app)
    _init_login(app, login_manager)
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                _tune_sqlite(app, engine)


def _safe_methods_skip_the_limiter() -> bool:
    """The only rate limits are on the sign-in forms' POSTs (core.accounts): a GET has none to
    check, and skips the limiter's look-up of the endpoint's limits on every page."""
    return request.method in ("GET", "HEAD", "OPTIONS")


def _tune_sqlite(app: Flask, engine) -> None:
    """WAL, a busy timeout, foreign keys; writes (unsafe HTTP methods, CLI) BEGIN IMMEDIATE so two
    writers queue on the lock instead of failing half-way with 'database is locked'."""
    from flask import has_request_context

    busy_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # g.write_transaction: a write at the end of a GET (core.audit.services.write) begins IMMEDIATE too.
        reading = has_request_context() and request.method in ("GET", "HEAD", "OPTIONS") and not g.get("write_transaction")
        if reading:
            # Straight to the driver: a read's BEGIN needs none of SQLAlchemy's statement machinery
            # (an execution context and events, as costly as a small query) on every page.
            connection.connection.driver_connection.execute("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _init_login(app: Flask, login_manager) -> None:
    from flask_babel import lazy_gettext as _l

    login_manager.init_app(app)
    login_manager.login_message = _l("Sign in to continue.")
    login_manager.login_message_category = "info"
    # The cookie names a server-side session (core.accounts.services.sign_in), not a user.
    login_manager.id_attribute = "get_session_token"

    # Both loaders also find the URL's municipality and the user's membership there, in the same
    # query (core.access.enforce takes them from core.accounts.services.tenant_lookup).
    @login_manager.user_loader
    def load_user(session_token: str):
        if request.path.startswith("/api/"):
            return None  # the API authenticates by bearer token only, never by cookie
        from core.accounts.services import user_for_session

        return user_for_session(session_token, g.get("tenant_slug"))

    @login_manager.request_loader
    def load_user_from_token(req):
        header = req.headers.get("Authorization", "")
        if not req.path.startswith("/api/") or not header.startswith("Bearer "):
            return None
        from core.accounts.services import user_for_token

        return user_for_token(header[7:].strip(), g.get("tenant_slug"))


def _init_plugins(app: Flask, extra_plugins) -> None:
    from core.hooks.manager import build_plugin_manager

    app.extensions["mentorkorps_plugins"] = build_plugin_manager(extra_plugins)


def _register_blueprints(app: Flask) -> None:
    from core.access import declare_public_endpoints
    from core.accounts import api as accounts_api
    from core.accounts import views as accounts_views
    from core.extensions import api, csrf
    from core.platform import views as platform_views
    from core import web

    from core.groups import api as groups_api, views as groups_views
    from core.platform import tenant_views
    from core.training import api as training_api, views as training_views
    from core.volunteers import api as volunteers_api, views as volunteers_views

    for bp in (web.bp, accounts_views.bp, platform_views.bp, tenant_views.bp, volunteers_views.bp,
               volunteers_views.mentor_bp, training_views.bp, groups_views.bp, groups_views.volunteer_groups_bp):
        app.register_blueprint(bp)
    from core.audit import views as audit_views

    app.register_blueprint(audit_views.bp)
    from core.referrals import api as referrals_api, views as referrals_views

    app.register_blueprint(referrals_views.bp)
    csrf.exempt(referrals_api.blp)
    api.register_blueprint(referrals_api.blp)
    from core.matching import api as matching_api, views as matching_views

    for bp in (matching_views.bp, matching_views.mentor_bp, matching_views.public_bp):
        app.register_blueprint(bp)
    csrf.exempt(matching_api.blp)
    api.register_blueprint(matching_api.blp)
    from core.meetings import api as meetings_api, views as meetings_views

    for bp in (meetings_views.bp, meetings_views.mentor_bp):
        app.register_blueprint(bp)
    csrf.exempt(meetings_api.blp)
    api.register_blueprint(meetings_api.blp)
    from core.transfer import views as transfer_views

    app.register_blueprint(transfer_views.bp)
    from core.reports import api as reports_api, views as reports_views

    app.register_blueprint(reports_views.bp)
    csrf.exempt(reports_api.blp)
    api.register_blueprint(reports_api.blp)
    for blp in (accounts_api.blp, volunteers_api.blp, training_api.blp, groups_api.blp):
        csrf.exempt(blp)
        api.register_blueprint(blp)
    # A plugin's own pages and API (PluginInfo.blueprints / api_blueprints), registered for every
    # tenant; their views are guarded with members(..., plugin=NAME), so a tenant without the plugin
    # gets 404.
    from core.hooks.manager import plugin_manager

    for info in plugin_manager(app).infos.values():
        for bp in info.blueprints:
            app.register_blueprint(bp)
        for blp in info.api_blueprints:
            csrf.exempt(blp)
            api.register_blueprint(blp)
    # The API authenticates with bearer tokens (POST /api/v1/auth/token); say so in the document.
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearerAuth": []}]
    assets = Blueprint("dkfds", __name__, static_folder=app.config["DKFDS_DIST"], static_url_path="/assets/dkfds")
    app.register_blueprint(assets)
    charts = Blueprint("chartjs", __name__, static_folder=app.config["CHARTJS_DIST"], static_url_path="/assets/chartjs")
    app.register_blueprint(charts)
    declare_public_endpoints(app, "static", "dkfds.static", "chartjs.static", "api-docs.openapi_json", "api-docs.openapi_redoc")


def _init_request_cycle(app: Flask) -> None:
    from flask_babel import get_locale
    from flask_login import current_user

    from core import access
    from core.audit import access_log, services as audit
    from core.errors import ServiceError, error_page
    from core.extensions import db
    from core.tenancy import current_tenant

    @app.url_value_preprocessor
    def pull_tenant(endpoint, values):
        if values and "tenant" in values:
            g.tenant_slug = values.pop("tenant")

    expects_tenant: dict[str, bool] = {}  # endpoint -> whether its URL has <tenant>

    @app.url_defaults
    def add_tenant(endpoint, values):
        if "tenant" in values:
            return
        tenant = current_tenant()
        if tenant is None:
            return
        expecting = expects_tenant.get(endpoint)
        if expecting is None:  # werkzeug walks every rule of the endpoint: once per endpoint, not per link
            expecting = app.url_map.is_endpoint_expecting(endpoint, "tenant")
            if getattr(app, "_got_first_request", False):  # the rules are final once the app serves
                expects_tenant[endpoint] = expecting
        if expecting:
            values["tenant"] = tenant.slug

    app.before_request(access.enforce)
    from core import urls

    urls.install(app)  # templates build each link shape once (core/urls.py)
    access_log.install()  # the development server's access log without query strings (personal data)

    @app.after_request
    def finish_transaction(response):
        """Exactly one commit per request, and only when it succeeded. The audit of reads and
        sign-ins is collected before and written after it, in its own transaction (core.audit)."""
        audit_rows = audit.collect(response)
        if response.status_code < 400:
            _commit_without_expiring(db.session())
        else:
            db.session.rollback()
        audit.write(audit_rows)
        return response

    @app.teardown_request
    def rollback_on_error(exc):
        if exc is not None:
            db.session.rollback()
        access.leave_tenant_scope(exc)

    @app.context_processor
    def page_context():
        from core.navigation import menu_items

        tenant = current_tenant()
        user = current_user._get_current_object()
        return {
            # The request and the user themselves rather than Flask's and Flask-Login's proxies: a
            # page reads them dozens of times, and each read through a proxy walks the context stack.
            "request": request._get_current_object(),
            "current_user": user,
            "current_tenant": tenant,
            "current_locale": get_locale().language,  # "en", though English is written en_GB (core.i18n)
            "languages": app.config["LANGUAGES"],
            "menu": menu_items() if tenant is not None and user.is_authenticated else [],
            "role": access.current_role(),
            "role_labels": ROLE_LABELS,
            "slot": _template_slot,
        }

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        """A refusal that reached no form: JSON for the API, the error page for the web."""
        from core.api_base import json_error

        db.session.rollback()
        if request.path.startswith("/api/"):
            return json_error(error.status, error.message, error.errors)
        return error_page(error.status, str(error.message))


def _commit_without_expiring(session) -> None:
    """The request's commit, without expiring what it loaded: the answer is made, nothing reads
    those objects again (the session ends with the request), and expiring every loaded row (a page
    loads a hundred or more) costs more than the commit itself."""
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def _role_labels():
    from flask_babel import lazy_gettext as _l

    return {"coordinator": _l("Coordinator"), "caseworker": _l("Caseworker"), "mentor": _l("Mentor")}


ROLE_LABELS = _role_labels()


def _template_slot(name: str, **context):
    """Fragments that enabled plugins put into the named place of a page."""
    from markupsafe import Markup

    from core.hooks import current_hooks
    from core.tenancy import current_tenant

    if current_tenant() is None:
        return Markup("")
    parts = current_hooks().mentorkorps_template_slot(slot=name, context=context)
    return Markup("").join(fragment for fragments in parts for fragment in (fragments or []))
