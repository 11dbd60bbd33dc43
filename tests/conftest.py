"""Fixtures: ``app`` (a fresh app and plugin manager per test), ``db`` (empty tables), ``client``,
factories for tenants and users, and helpers to sign in and to post forms with a CSRF token.

The schema is built once per run by the real Alembic migrations, on SQLite (a temporary file) or on
the PostgreSQL server that ``DATABASE_URL`` names. Each test starts with empty tables.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text

from core import create_app
from core.extensions import db as _db

PASSWORD = "test-password-123"

# The suite runs in the testing environment (core/config.py), and so do the commands it starts in
# subprocesses (the installed `mentorkorps` script): they may run without a secret key of their own.
os.environ.setdefault("MENTORKORPS_ENV", "testing")


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues():
    """Tests read translated text: compile the catalogues as `make i18n` does, once per run."""
    from tests.catalogues import compile_catalogues

    compile_catalogues()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def _schema(database_url):
    """Migrate an empty database to head once per run (dropping what a previous run left)."""
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})
    with app.app_context():
        if _db.engine.dialect.name == "postgresql":
            with _db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        _db.engine.dispose()
    return database_url


def _empty_tables():
    from core.tenancy import unscoped

    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    with unscoped():  # raw SQL on every tenant's tables: explicitly cross-tenant (docs/sql.md)
        if _db.engine.dialect.name == "postgresql":
            _db.session.execute(text("TRUNCATE {} RESTART IDENTITY CASCADE".format(", ".join(f'"{t}"' for t in tables))))
        else:
            for table in tables:
                _db.session.execute(text(f'DELETE FROM "{table}"'))
        _db.session.commit()


_demo_rows: dict | None = None


def load_demo_data() -> None:
    """The demo data in the (empty) tables of the app in context: ``core.demo.load_demo()`` the first
    time in a run, which replays three municipalities' history through the services (about half a
    minute); later calls put the same rows back in one INSERT per table (about a second). For tests
    that *use* the demo (pages, browsers); the demo's own tests call ``load_demo`` itself."""
    global _demo_rows
    from sqlalchemy import func, select

    from core.demo import load_demo
    from core.tenancy import unscoped

    tables = _db.metadata.sorted_tables  # parents before children
    if _demo_rows is None:
        load_demo()
        _db.session.commit()
        with unscoped():
            _demo_rows = {t.name: [dict(row._mapping) for row in _db.session.execute(select(t))] for t in tables}
        _db.session.commit()
        return
    with unscoped():  # explicitly cross-tenant: every tenant's rows at once (docs/sql.md)
        for table in tables:
            if _demo_rows.get(table.name):
                _db.session.execute(table.insert(), _demo_rows[table.name])
        if _db.engine.dialect.name == "postgresql":  # the ids go on after the restored ones
            for table in tables:
                if "id" in table.c and _demo_rows.get(table.name):
                    top = _db.session.scalar(select(func.max(table.c.id)))
                    _db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), :top)"),
                                        {"top": top})
        _db.session.commit()


class RequestIsolatedClient(FlaskClient):
    """Runs each request in an application context of its own, as in production.

    The ``app`` fixture keeps a context pushed for the whole test, and Flask's test client would
    reuse it: every request of a test would then share ``flask.g`` (tenant, membership, cached hook
    relay, language) and one SQLAlchemy session, hiding exactly the bugs the tests look for. The
    test's own session commits first, so what the test set up is visible to the request (as if
    written by another process) and SQLite's write lock is free.
    """

    def run_wsgi_app(self, environ, buffered=False):
        if has_app_context():
            _db.session.commit()
        with self.application.app_context():
            return super().run_wsgi_app(environ, buffered=buffered)


def make_app(database_url, extra_plugins=(), **config):
    app = _make_app(database_url, extra_plugins, **config)
    app.test_client_class = RequestIsolatedClient
    return app


def _make_app(database_url, extra_plugins=(), **config):
    return create_app({
        "SQLALCHEMY_DATABASE_URI": database_url,
        "TESTING": True,
        "SECRET_KEY": "test",
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        **config,
    }, extra_plugins=extra_plugins)


@pytest.fixture
def app_config():
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def extra_plugins():
    """Override in a test module to register test plugins beside the installed ones."""
    return ()


@pytest.fixture
def app(_schema, app_config, extra_plugins):
    app = make_app(_schema, extra_plugins, **app_config)
    with app.app_context():
        _empty_tables()
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def frozen(app):
    """``frozen(day)``: the app's today (core.clock.today) is ``day`` until the test ends."""
    def freeze(day):
        app.config["TODAY"] = day
    yield freeze
    app.config.pop("TODAY", None)


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def pm(app):
    """The app's own plugin manager (fresh per test)."""
    from core.hooks.manager import plugin_manager

    return plugin_manager(app)


@pytest.fixture
def tenant_factory(db):
    from core.platform.services import create_tenant

    def make(slug="middelfart", name=None, plugins=()):
        tenant = create_tenant(slug, name or slug.title(), plugins)
        db.session.commit()
        return tenant

    return make


@pytest.fixture
def user_factory(db):
    from core.accounts import services

    counter = {"n": 0}

    def make(tenant=None, role="coordinator", email=None, platform_admin=False, name=""):
        counter["n"] += 1
        email = email or f"user{counter['n']}-{role}@example.dk"
        user = services.create_user(email, PASSWORD, name=name or email.split("@")[0], platform_admin=platform_admin)
        if tenant is not None:
            services.add_membership(user, tenant, role)
        db.session.commit()
        return user

    return make


@pytest.fixture
def tenant(tenant_factory):
    """A tenant on the core's default rules (its municipality package off: the packages' own tests
    switch them on)."""
    return tenant_factory("middelfart", "Middelfart Kommune")


@pytest.fixture
def other_tenant(tenant_factory):
    return tenant_factory("ishoej", "Ishøj Kommune")


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, page="/") -> str:
    """A CSRF token of the client's session, read from a page that has a form."""
    response = client.get(page)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {page} ({response.status_code})"
    return match.group(1)


def login(client, user, tenant):
    """Sign in through the real login form."""
    token = csrf_token(client, f"/{tenant.slug}/login")
    response = client.post(f"/{tenant.slug}/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def post_form(client, url, data=None, page=None, **kwargs):
    """POST a form with a valid CSRF token taken from ``page`` (default: ``url`` itself)."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, page or url)
    return client.post(url, data=data, **kwargs)


def api_token(client, user) -> dict:
    response = client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 201, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


@pytest.fixture
def signed_in(client, tenant, user_factory):
    """A client signed in as a coordinator of ``tenant``."""
    user = user_factory(tenant, "coordinator")
    login(client, user, tenant)
    client.user = user
    return client


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __len__(self):
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as q: ...`` then ``len(q)``: SQL statements sent to the database."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting():
        counter = QueryCounter()

        def before(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")):
                counter.statements.append(statement)

        event.listen(_db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(_db.engine, "before_cursor_execute", before)

    return counting


def pytest_collection_modifyitems(config, items):
    """Browser tests need the system's Chromium; CI (REQUIRE_BROWSER=1) fails rather than skips."""
    if Path("/usr/bin/chromium").exists() or os.environ.get("REQUIRE_BROWSER") == "1":
        return
    skip = pytest.mark.skip(reason="/usr/bin/chromium is not installed")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
