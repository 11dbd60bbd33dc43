"""`make bench` is not part of the suite (it needs wrk and minutes); these keep its harness from
rotting: every benchmarked URL answers 200 to a signed-in coordinator (not a redirect to the login
page), the floor apps answer on the same database, wrk's output is read right, and the production
server's configuration hides query strings and the server version."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from bench import floors
from bench.run import parse_wrk, server_spec, targets
from tests.conftest import api_token

ROOT = Path(__file__).resolve().parents[2]

WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:18765/
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     7.17ms    6.46ms  60.11ms   92.71%
    Req/Sec     2.60k   775.88     3.23k    80.00%
  Latency Distribution
     50%    5.30ms
     75%    5.82ms
     90%   10.14ms
     99%    1.41s
  2590 requests in 1.00s, 427.45KB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   2589.29
Transfer/sec:    427.33KB
"""


@pytest.fixture
def volunteers(tenant, db):
    from core.tenancy import tenant_context
    from core.volunteers import services

    with tenant_context(tenant):
        made = [services.create_volunteer({"name": f"Bench Person {n:02d}", "email": f"bench{n}@example.com",
                                           "recruited_on": date(2026, 1, 5)}) for n in range(3)]
        db.session.commit()
        return [(v.id, v.name) for v in made]


def test_every_benchmarked_page_answers_200_to_a_signed_in_coordinator(app, signed_in, tenant, volunteers):
    volunteer_id = volunteers[0][0]
    pages = [t for t in targets(tenant.slug, tenant.id, volunteer_id) if t.server == "app"]
    assert {t.auth for t in pages} == {"web", "api"}
    headers = {"web": {}, "api": api_token(signed_in, signed_in.user)}
    for page in pages:
        response = signed_in.get(page.path, headers=headers[page.auth])
        assert response.status_code == 200, (page.path, response.status_code, response.headers.get("Location"))
        assert page.floor in {t.name for t in targets(tenant.slug, tenant.id, volunteer_id)}


def test_the_floor_apps_answer_on_the_same_database(app, tenant, volunteers, database_url):
    plan = {t.server: t for t in targets(tenant.slug, tenant.id, volunteers[0][0]) if t.server != "app"}
    assert set(plan) == set(floors.KINDS)
    assert floors.create_app("hello").test_client().get(plan["hello"].path).status_code == 200

    one_row = floors.create_app("one_row", database_url).test_client().get(plan["one_row"].path)
    assert one_row.status_code == 200
    assert one_row.json["name"] == volunteers[0][1]

    listed = floors.create_app("list", database_url).test_client().get(plan["list"].path)
    assert listed.status_code == 200
    page = listed.get_data(as_text=True)
    assert all(name in page for _, name in volunteers)
    assert page.count("<tr>") == len(volunteers) + 1  # the heading row and one per volunteer


def test_wrk_output_is_read():
    figures = parse_wrk(WRK_OUTPUT)
    assert figures == {"requests_per_s": 2589.29, "p50_ms": 5.3, "p99_ms": 1410.0, "requests": 2590, "errors": 7}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_production_server_logs_no_query_string_and_names_no_version(tmp_path):
    """gunicorn with the repository's configuration, serving a floor app as `make bench` does."""
    port, log = _free_port(), tmp_path / "access.log"
    env = {**os.environ, "BIND": f"127.0.0.1:{port}", "ACCESS_LOG": str(log), "WEB_CONCURRENCY": "1"}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py",
                               server_spec("hello")], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = urllib.request.urlopen(f"http://127.0.0.1:{port}/?q=karen.jensen%40example.com", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert answer.status == 200
        server_header = answer.headers.get("Server", "")
        assert "gunicorn" not in server_header.lower()
        assert not any(ch.isdigit() for ch in server_header), server_header
    finally:
        server.terminate()
        server.wait(timeout=20)
    logged = log.read_text()
    assert '"GET / HTTP/1.1" 200' in logged
    assert "karen" not in logged and "example.com" not in logged and "q=" not in logged


def test_the_young_persons_path_pages_are_benchmarked_and_answer_200(app, db, signed_in, tenant, volunteers, database_url):
    """The bench's top-up of referrals and matches runs, and every page of the path it measures
    answers 200 to the signed-in coordinator."""
    from bench.run import top_up_path
    from core.accounts import services as accounts
    from core.tenancy import tenant_context
    from core.training import services as training
    from core.volunteers import services as volunteer_services

    slug, tenant_id = tenant.slug, tenant.id  # read now: after the commit a read would hold SQLite's write lock
    accounts.add_membership(accounts.create_user(f"koordinator@{slug}.dk", "bench-password-1"), tenant, "coordinator")
    with tenant_context(tenant):  # the three volunteers become mentors who may be matched
        course = training.create_course({"title": "Kursus"})
        session = training.add_session(course, date(2026, 1, 10), 3)
        for volunteer_id, _name in volunteers:
            volunteer = volunteer_services.get_volunteer(volunteer_id)
            training.enroll(course, volunteer)
            training.register_attendance(session, {volunteer_id: True})
            volunteer_services.add_screening(volunteer, "child_certificate", date(2026, 1, 12))
            volunteer_services.change_status(volunteer, "approved", date(2026, 1, 15))
        db.session.commit()
    path = top_up_path(database_url, slug, referrals=8, matches=2)
    assert path["match_id"] is not None
    pages = [t for t in targets(slug, tenant_id, volunteers[0][0], path) if t.server == "app"]
    headers = {"web": {}, "api": api_token(signed_in, signed_in.user)}
    assert len(pages) >= 14
    for page in pages:
        response = signed_in.get(page.path, headers=headers[page.auth])
        assert response.status_code == 200, (page.path, response.status_code, response.headers.get("Location"))


def test_the_production_workers_keep_start_up_objects_out_of_the_garbage_collectors_sight():
    """gunicorn.conf.py's post_worker_init freezes what the worker made at start-up and raises the
    collector's first threshold, in every worker (the app and the floors alike)."""
    import json

    spec = {}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), spec)
    port = _free_port()
    env = {**os.environ, "BIND": f"127.0.0.1:{port}", "ACCESS_LOG": "off", "WEB_CONCURRENCY": "1"}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py",
                               "tests.bench.gc_probe:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read())
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert answer["threshold"] == list(spec["GC_THRESHOLD"])
    assert answer["frozen"] > 1000


def test_the_signed_in_reference_pages_answer_only_a_signed_in_member(app, db, tenant, other_tenant, user_factory,
                                                                       database_url):
    """The ``signed_in`` reference is the app itself with two empty pages behind the same sign-in
    and membership check as every page (a measure of the app's machinery, not a way around it)."""
    from tests.conftest import login

    from types import SimpleNamespace

    user = user_factory(tenant, "coordinator")
    coordinator, here = SimpleNamespace(email=user.email), SimpleNamespace(slug=tenant.slug)
    plan = {t.name: t for t in targets(tenant.slug, tenant.id, 1) if t.server == "signed_in"}
    elsewhere = other_tenant.slug
    db.session.commit()  # the test's own session holds no transaction while the reference app writes
    reference = floors.create_app("signed_in", database_url)
    reference.config.update(TESTING=True, SECRET_KEY="test", RATELIMIT_ENABLED=False)
    assert {t.floor for t in plan.values()} == {"hello"}
    client = reference.test_client()
    for target in plan.values():
        assert client.get(target.path).status_code == 302  # not signed in: the login page
    login(client, coordinator, here)
    answer = client.get(plan["signed-in answer"].path)
    assert (answer.status_code, answer.get_data(as_text=True)) == (200, "ok")
    page = client.get(plan["signed-in empty page"].path)
    assert page.status_code == 200
    assert 'data-testid="tenant-name"' in page.get_data(as_text=True)  # the layout, with its header
    refused = client.get(f"/{elsewhere}/bench/answer")
    assert refused.status_code == 404  # not a member there: the same answer as for a tenant that does not exist
    with reference.app_context():
        from core.extensions import db as reference_db

        reference_db.engine.dispose()
