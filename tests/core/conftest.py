"""Fixtures of the core's tests.

``client`` is overridden so that every request runs in an application context of its own, as it does
in production. The ``app`` fixture keeps an application context pushed for the whole test; Flask's
test client reuses a pushed context of the same app, so without this every request of a test would
share ``flask.g`` (the tenant, the membership, the cached hook relay, the signed-in user) and one
SQLAlchemy session with its identity map — which hides exactly the bugs these tests look for
(a relay cached across requests, a tenant left over from the previous request).

Before each request the test's own session commits, so what the test set up is visible to the
request (as if written by another process) and SQLite's write lock is free for the request.
"""
from __future__ import annotations

import pytest
from flask import has_app_context
from flask.testing import FlaskClient

from core.extensions import db as _db


class RequestIsolatedClient(FlaskClient):
    def run_wsgi_app(self, environ, buffered=False):
        if has_app_context():
            _db.session.commit()
        with self.application.app_context():
            return super().run_wsgi_app(environ, buffered=buffered)


@pytest.fixture
def client(app):
    app.test_client_class = RequestIsolatedClient
    return app.test_client()
