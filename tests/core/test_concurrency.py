"""Capacity under concurrency: many coordinators enrolling at the same moment, through the HTTP API
of a real server with real threads (werkzeug, threaded), on SQLite and on PostgreSQL.

The limit is checked under the course's row lock (core.locking); without it, PostgreSQL lets
concurrent requests each count a free place and overfill the course.
"""
from __future__ import annotations

import http.client
import json
import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from core.extensions import db as _db
from core.tenancy import tenant_context
from core.training import services as training
from core.training.models import ENROLLED, WAITING, CourseEnrollment
from core.volunteers import services as volunteers
from tests.conftest import PASSWORD

THREADS = 20
PLACES = 3


@pytest.fixture
def app_config():
    # As in production: an exception becomes a 500 answer, never a traceback into the test.
    return {"PROPAGATE_EXCEPTIONS": False}


@contextmanager
def served(app):
    """The app served by werkzeug on a free port, one thread per request, until the block ends."""
    _db.session.commit()
    _db.session.remove()  # the test's own session holds no connection or lock while requests run
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="concurrency-server", daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def call(port, method, path, body=None, token=None, timeout=60):
    """One request on a connection of its own: ``(status, parsed JSON or text)``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/json", "Accept-Language": "en"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        raw = response.read().decode("utf-8", "replace")
    finally:
        connection.close()
    try:
        return response.status, json.loads(raw)
    except ValueError:
        return response.status, raw


def race(port, requests_):
    """Send every ``(method, path, body, token)`` from a thread of its own, all released together
    by a barrier; the answers in the same order."""
    barrier = threading.Barrier(len(requests_))
    results: list = [None] * len(requests_)

    def worker(index, method, path, body, token):
        try:
            barrier.wait(timeout=30)
            results[index] = call(port, method, path, body, token)
        except Exception as error:  # noqa: BLE001  (reported by the assertion below, with the others)
            results[index] = ("client error", repr(error))

    threads = [threading.Thread(target=worker, args=(i, *r)) for i, r in enumerate(requests_)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a request never answered"
    return results


@pytest.fixture
def world(app, tenant, user_factory):
    """A course with 3 places, 20 volunteers and a coordinator, as plain values (the test's own
    session must not hold a transaction, SQLite's write lock above all, while the server works)."""
    coordinator = user_factory(tenant, "coordinator")
    with tenant_context(tenant):
        course = training.create_course({"title": "Mentorkursus", "max_participants": PLACES})
        people = [volunteers.create_volunteer({"name": f"Frivillig {i:02d}"}) for i in range(THREADS)]
        _db.session.commit()
        return {"slug": tenant.slug, "course_id": course.id, "volunteer_ids": [v.id for v in people],
                "email": coordinator.email}


@pytest.fixture
def tokens(app, world):
    """A bearer token per thread (one coordinator), issued through the API before the race."""
    issued = []
    with served(app) as port:
        for _ in range(THREADS):
            status, body = call(port, "POST", "/api/v1/auth/token", {"email": world["email"], "password": PASSWORD})
            assert status == 201, body
            issued.append(body["token"])
    return issued


def states_in_database(slug, course_id):
    """The course's enrolments by state, read afresh after the server has stopped."""
    from core.platform.services import get_tenant_by_slug

    with tenant_context(get_tenant_by_slug(slug)):
        rows = _db.session.execute(select(CourseEnrollment.state, func.count(CourseEnrollment.id))
                                   .where(CourseEnrollment.course_id == course_id)
                                   .group_by(CourseEnrollment.state)).all()
        _db.session.rollback()
        return dict(rows)


def test_twenty_concurrent_enrolments_fill_exactly_the_places(app, world, tokens):
    slug, course_id, volunteer_ids = world["slug"], world["course_id"], world["volunteer_ids"]
    path = f"/api/v1/{slug}/courses/{course_id}/enrollments"
    with served(app) as port:
        results = race(port, [("POST", path, {"volunteer_id": v}, token) for v, token in zip(volunteer_ids, tokens)])
        status, detail = call(port, "GET", f"/api/v1/{slug}/courses/{course_id}", token=tokens[0])

    statuses = sorted(str(s) for s, _ in results)
    assert all(s in (201, 409) for s, _ in results), results  # no 500, no 'database is locked', no client error
    placed = [body for s, body in results if s == 201 and body["state"] == ENROLLED]
    waiting = [body for s, body in results if s == 201 and body["state"] == WAITING]
    refused = [body for s, body in results if s == 409]
    assert len(placed) == PLACES, statuses
    assert len(placed) + len(waiting) + len(refused) == THREADS
    for body in refused:  # a clear refusal in the contract's format, never an empty or HTML answer
        assert body["code"] == 409 and body["message"], body

    # What the database holds, read afresh: exactly the places, everyone else on the waiting list.
    assert states_in_database(slug, course_id) == {ENROLLED: PLACES, WAITING: len(waiting)}
    assert status == 200
    assert sorted(e["volunteer_id"] for e in detail["enrollments"] if e["state"] == ENROLLED) == \
        sorted(body["volunteer_id"] for body in placed)


def test_the_same_volunteer_enrolled_concurrently_gets_one_place_and_clear_409s(app, world, tokens):
    slug, course_id, volunteer_ids = world["slug"], world["course_id"], world["volunteer_ids"]
    path = f"/api/v1/{slug}/courses/{course_id}/enrollments"
    contenders = tokens[:8]
    with served(app) as port:
        results = race(port, [("POST", path, {"volunteer_id": volunteer_ids[0]}, token) for token in contenders])

    assert sorted(s for s, _ in results) == [201] + [409] * (len(contenders) - 1), results
    for status, body in results:
        if status == 409:
            assert body["code"] == 409 and body["errors"] == {"volunteer_id": [body["errors"]["volunteer_id"][0]]}, body
    assert states_in_database(slug, course_id) == {ENROLLED: 1}


def test_concurrent_withdrawals_promote_each_waiting_volunteer_once(app, world, tokens):
    """Places freed at the same moment go to the longest waiting, one each, not all to the first."""
    from core.platform.services import get_tenant_by_slug

    slug, course_id, volunteer_ids = world["slug"], world["course_id"], world["volunteer_ids"]
    with tenant_context(get_tenant_by_slug(slug)):
        course = training.get_course(course_id)
        for volunteer_id in volunteer_ids[:PLACES + 3]:
            training.enroll(course, volunteers.get_volunteer(volunteer_id))
        _db.session.commit()
    leaving = volunteer_ids[:PLACES]
    with served(app) as port:
        results = race(port, [("DELETE", f"/api/v1/{slug}/courses/{course_id}/enrollments/{v}", None, token)
                              for v, token in zip(leaving, tokens)])

    assert [s for s, _ in results] == [200] * PLACES, results
    promoted = sorted(body["promoted"]["volunteer_id"] for _, body in results)
    assert promoted == sorted(volunteer_ids[PLACES:PLACES + 3])
    assert states_in_database(slug, course_id) == {ENROLLED: PLACES, "withdrawn": PLACES}
