"""Schemathesis against the generated OpenAPI document (GET /api/v1/openapi.json), in process, with
a real bearer token of each tenant role, on SQLite and on PostgreSQL alike.

For every operation it sends the document's examples, the coverage cases (every boundary, every
field missing or of the wrong type, no body, methods the path does not have) and a bounded number of
generated requests (:data:`MAX_EXAMPLES`, one fixed seed, no shrinking, no example database), and
checks each answer: no server error; status, content type, headers and body as the document says
(a field that can be empty must be declared nullable, ``X-Pagination`` a string); invalid data
refused; a 405 names the allowed methods in ``Allow``. The coordinator, who may do everything, gets
the full run; the caseworker and the mentor, who are refused before any input is read (the mentor
but for their own record), the examples and a few generated requests per operation.

The tenant in every path is the caller's own (``middelfart``), with a volunteer, a course with a
session and a group meeting in it, so that generated ids can meet real rows. Revoking the token
(DELETE /auth/token) is left out: it would end the run's own credentials; tests/core/test_api_auth.py
covers it.
"""
from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
import schemathesis
import schemathesis.engine
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events

from core.extensions import db
from core.groups import services as groups
from core.tenancy import tenant_context
from core.training import services as training
from core.volunteers import services as volunteers
from tests.conftest import api_token

MAX_EXAMPLES = {"coordinator": 25, "caseworker": 5, "mentor": 5}
CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance", "response_headers_conformance",
          "response_schema_conformance", "negative_data_rejection", "unsupported_method", "allow_header_conformance"]


@pytest.fixture(params=sorted(MAX_EXAMPLES))
def role(request):
    return request.param


@pytest.fixture
def caller(tenant, user_factory, role):
    """A member of ``tenant`` with ``role``; a mentor is linked to a volunteer record of their own."""
    user = user_factory(tenant, role)
    with tenant_context(tenant):
        today = date.today()
        volunteer = volunteers.create_volunteer({"name": "Anna", "birth_date": date(1980, 1, 1),
                                                 "recruitment_channel": "press", "recruited_on": today - timedelta(days=30)})
        if role == "mentor":
            volunteer.user_id = user.id
        course = training.create_course({"title": "Mentorkursus", "max_participants": 3})
        training.add_session(course, today - timedelta(days=2), 3)
        groups.create_meeting({"kind": "social_event", "title": "Sommerfest", "on": today - timedelta(days=1)})
        db.session.commit()
    return user


@pytest.fixture
def api_app(_schema, app):
    """A second app on the same database: the ``app`` fixture keeps an application context pushed
    for the whole test, and requests to that same app would share it (one ``g``, one SQLAlchemy
    session); a request to another app gets a context of its own, as in production."""
    from tests.conftest import make_app

    other = make_app(_schema)
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def run_schemathesis(api_app, token: str, max_examples: int, coverage: bool) -> tuple[list[str], int]:
    """The examples, coverage (when ``coverage``) and fuzzing phases over every operation: the
    failures and errors as lines ``operation: title: message`` (each listed once), and the number of
    requests sent."""
    config = SchemathesisConfig.from_dict({
        "seed": 20261130,
        "cache": {"enabled": False},
        "headers": {"Authorization": token, "Accept-Language": "en"},
        "parameters": {"path.tenant": "middelfart"},
        "generation": {"max-examples": max_examples, "no-shrink": True, "database": "none"},
        "phases": {"coverage": {"enabled": coverage}, "stateful": {"enabled": False}},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
    })
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app, config=config)
    schema = schema.exclude(path="/api/v1/auth/token", method="DELETE")
    problems, requests = {}, 0
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            requests += len(event.recorder.cases)
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.failure_info is not None:
                        failure = check.failure_info.failure
                        problems.setdefault(f"{failure.operation}: {failure.title}: {failure.message}".strip(), None)
        elif isinstance(event, events.NonFatalError):  # the application raised (TESTING propagates it)
            reproduce = event.info.format().rpartition("Reproduce with:")[2].strip()
            problems.setdefault(f"{event.label}: {type(event.value).__name__}: {event.value}\n    {reproduce}", None)
        elif isinstance(event, events.FatalError):
            problems.setdefault(f"schemathesis could not run: {event.exception!r}", None)
    return list(problems), requests


def test_the_api_keeps_to_its_document(api_app, client, caller, role):
    token = api_token(client, caller)["Authorization"]
    started = time.monotonic()
    problems, requests = run_schemathesis(api_app, token, MAX_EXAMPLES[role], coverage=role == "coordinator")
    print(f"\nschemathesis as {role}: {requests} requests in {time.monotonic() - started:.1f} s")
    assert requests > 100 if role == "coordinator" else requests > 50
    assert not problems, "\n\n".join(problems)
