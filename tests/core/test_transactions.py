"""One commit per request, and only when the request succeeded (core/__init__.py ``finish_transaction``
and ``rollback_on_error``).

The rest of the suite runs with ``TESTING`` on, which propagates exceptions into the test: the path a
crashing request takes in production (an error handler answers 500, then after_request and teardown
run) is never exercised there, so committing always, or on a 4xx answer, went unnoticed. Here the app
runs as in production (``PROPAGATE_EXCEPTIONS`` off) with a test-only blueprint whose views write
through a service and then fail in each way a request can fail. What is left behind is read from a
fresh session in a new application context, as another request would see it.
"""
from __future__ import annotations

import pytest
from flask import Blueprint, abort, jsonify
from sqlalchemy import func, select, text

from core.access import members
from core.errors import ServiceError
from core.extensions import db as _db
from core.tenancy import Municipality, tenant_context
from core.volunteers import services as volunteers
from core.volunteers.models import Volunteer
from tests.conftest import api_token

NAME = "Skrevet Af Anmodningen"


@pytest.fixture
def app_config():
    return {"PROPAGATE_EXCEPTIONS": False}


def probe_blueprint() -> Blueprint:
    """Views that write a volunteer through the service, then answer or fail as their name says."""
    bp = Blueprint("transaction_probe", __name__, url_prefix="/api/v1/<tenant>/transaction-probe")

    def write():
        volunteers.create_volunteer({"name": NAME})  # flushed: the row is in the transaction

    @bp.post("/ok")
    @members("coordinator")
    def ok():
        write()
        return jsonify({"written": True}), 201

    @bp.post("/refused")
    @members("coordinator")
    def refused():
        write()
        return jsonify({"code": 422, "message": "refused after writing", "errors": {}}), 422

    @bp.post("/not-found")
    @members("coordinator")
    def not_found():
        write()
        abort(404)

    @bp.post("/service-error")
    @members("coordinator")
    def service_error():
        write()
        raise ServiceError("refused by a service after writing", field="name")

    @bp.post("/crash")
    @members("coordinator")
    def crash():
        write()
        raise RuntimeError("a bug after writing")

    @bp.post("/commit-fails")
    @members("coordinator")
    def commit_fails():
        write()
        # Not flushed: the unique slug is violated only when after_request commits.
        _db.session.add(Municipality(slug="middelfart", name="En kommune til"))
        return jsonify({"written": True}), 201

    return bp


@pytest.fixture
def probe(app, tenant, user_factory):
    app.register_blueprint(probe_blueprint())
    client = app.test_client()
    headers = {**api_token(client, user_factory(tenant, "coordinator")), "Accept-Language": "en"}

    def post(name):
        return client.post(f"/api/v1/{tenant.slug}/transaction-probe/{name}", headers=headers)

    return post


def written(app, tenant_id: int) -> int:
    """Volunteers named NAME as a fresh session sees them (a new application context has its own)."""
    _db.session.commit()  # the test's own session lets go of SQLite's lock, as between requests
    with app.app_context():
        tenant = _db.session.get(Municipality, tenant_id)
        with tenant_context(tenant):
            count = _db.session.scalar(select(func.count(Volunteer.id)).where(Volunteer.name == NAME))
        _db.session.remove()
    return count


def municipalities(app) -> int:
    """Tenants counted on a connection of its own, below the ORM."""
    _db.session.commit()
    with app.app_context(), _db.engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM municipality")).scalar_one()


def test_the_probe_is_real_a_successful_request_is_committed(app, tenant, probe):
    tenant_id = tenant.id
    assert written(app, tenant_id) == 0
    response = probe("ok")
    assert response.status_code == 201, response.get_json()
    assert written(app, tenant_id) == 1


@pytest.mark.parametrize("view, status", [("refused", 422), ("not-found", 404), ("service-error", 422), ("crash", 500)])
def test_a_request_that_fails_after_writing_leaves_nothing_behind(app, tenant, probe, view, status):
    tenant_id = tenant.id
    response = probe(view)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.get_json()["code"] == status  # the contract's error, not a traceback
    assert written(app, tenant_id) == 0
    assert probe("ok").status_code == 201  # and the next request of the app is served normally
    assert written(app, tenant_id) == 1


def test_a_failing_commit_in_after_request_is_a_clean_500_and_is_rolled_back(app, tenant, probe):
    tenant_id = tenant.id
    before = municipalities(app)
    response = probe("commit-fails")
    assert response.status_code == 500, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert body["code"] == 500 and body["message"] and "IntegrityError" not in response.get_data(as_text=True)
    assert written(app, tenant_id) == 0
    assert municipalities(app) == before
    # The session was rolled back, not left in a failed transaction for the next request.
    assert probe("ok").status_code == 201
    assert written(app, tenant_id) == 1
