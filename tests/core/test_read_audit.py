"""The audit of every use of personal data, as a mechanism (core/audit).

Reads are declared by the endpoints (core.audit.reads) like their access policy and recorded by the
request cycle; sign-ins, failed sign-ins, sign-outs and API tokens by one line in the accounts
services. What is recorded: subject type and id, action, the criteria of a list (codes; a search
only as "a search was made"), never content or an e-mail address. The audit is written after the
request's own transaction in one short transaction (BEGIN IMMEDIATE on SQLite) with one INSERT,
only for a successful answer (and for a refused sign-in), never for a 5xx.
"""
from __future__ import annotations

import json
import runpy
import sqlite3
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Blueprint, jsonify
from sqlalchemy import event, select

from core.access import members, policy_of
from core.audit.models import AuditEvent
from core.audit.reads import LIST, declaration_of, no_personal_data, reads
from core.extensions import db as _db
from core.tenancy import tenant_context, unscoped
from core.volunteers import services as volunteers
from tests.conftest import PASSWORD, api_token, csrf_token, login, make_app, post_form

EMAIL = "karen.secret@example.dk"
ROOT = Path(__file__).resolve().parents[2]


# ---- helpers ----------------------------------------------------------------------------------

def audit_events(tenant=None, kind=None) -> list[AuditEvent]:
    """Every audit event (of ``tenant``, of ``kind``) as a new request would see them."""
    _db.session.rollback()
    with unscoped():
        query = select(AuditEvent).order_by(AuditEvent.id)
        if tenant is not None:
            query = query.where(AuditEvent.tenant_id == tenant.id)
        if kind is not None:
            query = query.where(AuditEvent.kind == kind)
        return list(_db.session.scalars(query))


def as_text(events) -> str:
    """Everything the events hold, as one string (to prove what is not in it)."""
    return json.dumps([{c.name: str(getattr(e, c.name)) for c in AuditEvent.__table__.columns} for e in events])


def make_volunteer(tenant, name="Karen Hemmelig", **extra):
    with tenant_context(tenant):
        volunteer = volunteers.create_volunteer({"name": name, "email": EMAIL, **extra})
        _db.session.commit()
        return volunteer.id


@pytest.fixture
def coordinator(client, tenant, user_factory):
    user = user_factory(tenant, "coordinator", name="Coordinator Clausen")
    login(client, user, tenant)
    client.user = user
    return client


def _tenant_get_rules(app):
    """Every GET of a tenant page or API endpoint open to the tenant's members."""
    for rule in app.url_map.iter_rules():
        if "tenant" in rule.arguments and "GET" in rule.methods:
            policy = policy_of(app, rule.endpoint, "GET")
            if policy is not None and policy.kind == "member":
                yield rule


def _undeclared(app) -> list[str]:
    return [f"GET {rule.rule} ({rule.endpoint})" for rule in _tenant_get_rules(app)
            if declaration_of(app, rule.endpoint, "GET") is None]


# ---- 1. one declared mechanism ----------------------------------------------------------------

def test_every_tenant_get_endpoint_declares_whether_it_reads_personal_data(app):
    """A page or API endpoint of a tenant that members can GET says what personal data it reads
    (``@reads``), or that it shows none (``@no_personal_data``) or only the caller's own
    (``@own_data``). Public pages (sign-in) show no one's data by definition."""
    missing = _undeclared(app)
    assert not missing, "tenant endpoints without a read declaration:\n" + "\n".join(missing)
    audited = {rule.endpoint for rule in _tenant_get_rules(app) if declaration_of(app, rule.endpoint, "GET").audited}
    # The pages and API endpoints with volunteers' data are among them (the walk is not vacuous).
    assert {"volunteers.index", "volunteers.show", "volunteers.edit", "volunteers.waiting_list",
            "volunteers_api.Volunteers", "volunteers_api.VolunteerResource", "volunteers_api.Screenings",
            "volunteers_api.StatusHistory", "volunteers_api.Eligibility", "training.detail", "groups.detail",
            "volunteer_groups.detail", "audit.volunteer_reads"} <= audited


def test_the_walk_finds_an_endpoint_added_without_a_read_declaration(app):
    bp = Blueprint("undeclared_reads", __name__)

    @bp.route("/<tenant>/secret-list")
    @members("coordinator")
    def secret_list():
        return "names"

    @bp.route("/<tenant>/declared")
    @members("coordinator")
    @no_personal_data("a test page")
    def declared():
        return "nothing personal"

    app.register_blueprint(bp)
    missing = _undeclared(app)
    assert any("undeclared_reads.secret_list" in line for line in missing)
    assert not any("undeclared_reads.declared" in line for line in missing)


def test_a_declaration_needs_a_table_name_and_a_known_action():
    with pytest.raises(ValueError):
        reads("Volunteer", "volunteer_id")
    with pytest.raises(ValueError):
        reads("volunteer", "volunteer_id", action="peek")
    assert reads("citizen", id=lambda args: args["ref"])  # generic: any subject, id by a callable


def test_viewing_a_volunteer_records_who_what_and_whom_never_the_content(coordinator, tenant):
    volunteer_id = make_volunteer(tenant)
    response = coordinator.get(f"/{tenant.slug}/volunteers/{volunteer_id}")
    assert response.status_code == 200 and "Karen Hemmelig" in response.get_data(as_text=True)

    [read] = audit_events(tenant, kind="read")
    assert (read.action, read.subject_type, read.subject_id, read.user_id) == \
        ("volunteer.view", "volunteer", volunteer_id, coordinator.user.id)
    assert read.details == {}
    assert "Karen" not in as_text([read]) and EMAIL not in as_text([read])


def test_a_list_records_its_criteria_and_that_a_search_was_made_not_the_search_text(coordinator, tenant):
    make_volunteer(tenant)
    response = coordinator.get(f"/{tenant.slug}/volunteers/", query_string={"q": EMAIL, "status": "applicant"})
    assert response.status_code == 200 and "Karen Hemmelig" in response.get_data(as_text=True)

    [read] = audit_events(tenant, kind="read")
    assert read.action == "volunteer.list" and read.subject_id is None
    assert read.details == {"criteria": {"status": "applicant"}, "search": True}
    assert EMAIL not in as_text([read]) and "karen" not in as_text([read]).lower()


def test_criteria_values_that_are_not_codes_are_recorded_only_as_present():
    declaration = reads("volunteer", action=LIST, criteria=("status", "channel"), search=("q",)).__call__(
        lambda: None)._read_declaration
    details = declaration.details({"status": "active", "channel": "Karen Hemmelig <k@x.dk>", "q": "  "})
    assert details == {"criteria": {"status": "active", "channel": True}}


def test_api_reads_are_recorded_with_the_token_and_a_200_row_export_is_one_event(client, tenant, user_factory,
                                                                                  count_queries):
    user = user_factory(tenant, "coordinator")
    headers = api_token(client, user)
    with tenant_context(tenant):
        ids = [volunteers.create_volunteer({"name": f"Frivillig {n:03d}"}).id for n in range(60)]
        _db.session.commit()
    before = len(audit_events(tenant, kind="read"))

    with count_queries() as queries:
        response = client.get(f"/api/v1/{tenant.slug}/volunteers", query_string={"page_size": 200}, headers=headers)
    assert response.status_code == 200 and len(response.json) == 60
    inserts = [s for s in queries.statements if s.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT")]
    assert len(inserts) == 1, "one INSERT per request, not one per row"

    response = client.get(f"/api/v1/{tenant.slug}/volunteers/{ids[0]}/screenings", headers=headers)
    assert response.status_code == 200
    reads_ = audit_events(tenant, kind="read")[before:]
    assert [(r.action, r.subject_id) for r in reads_] == [("volunteer.list", None), ("volunteer.view", ids[0])]
    assert reads_[0].details["criteria"] == {"page_size": "200"}
    assert all(r.details["via"] == "api" and isinstance(r.details["token"], int) for r in reads_)
    assert all(r.user_id == user.id for r in reads_)


def test_nothing_is_recorded_when_nothing_was_shown(app, client, tenant, other_tenant, user_factory):
    """A redirect to the sign-in page, a 404, another role's 403, another tenant's id: no read."""
    volunteer_id = make_volunteer(tenant)
    foreign_id = make_volunteer(other_tenant, name="Anden Kommunes Frivillig")
    assert client.get(f"/{tenant.slug}/volunteers/{volunteer_id}").status_code == 302  # anonymous
    login(client, user_factory(tenant, "mentor"), tenant)
    assert client.get(f"/{tenant.slug}/volunteers/{volunteer_id}").status_code == 403
    coordinator = app.test_client()
    login(coordinator, user_factory(tenant, "coordinator"), tenant)
    assert coordinator.get(f"/{tenant.slug}/volunteers/{foreign_id}").status_code == 404
    assert coordinator.get(f"/{tenant.slug}/volunteers/{volunteer_id + foreign_id + 100}").status_code == 404
    assert audit_events(kind="read") == []


def _crashing_reads_blueprint():
    bp = Blueprint("crashing_reads", __name__)

    @bp.route("/<tenant>/crashing/<int:volunteer_id>")
    @members("coordinator")
    @reads("volunteer", "volunteer_id")
    def crashing(volunteer_id):
        volunteers.get_volunteer(volunteer_id)
        raise RuntimeError("the page failed after reading")

    return bp


def test_a_request_that_fails_with_a_server_error_records_no_read(app, client, tenant, user_factory):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error handler answers 500
    app.register_blueprint(_crashing_reads_blueprint())
    volunteer_id = make_volunteer(tenant)
    login(client, user_factory(tenant, "coordinator"), tenant)
    assert client.get(f"/{tenant.slug}/crashing/{volunteer_id}").status_code == 500
    assert audit_events(kind="read") == []


# ---- 5. written after the request's transaction, robustly ---------------------------------------

def _concurrent_writer_blueprint(database_path):
    """A page that reads, and meanwhile another process commits a write (as a second worker would)."""
    bp = Blueprint("concurrent_reads", __name__)

    @bp.route("/<tenant>/concurrent/<int:volunteer_id>")
    @members("coordinator")
    @reads("volunteer", "volunteer_id")
    def concurrent(volunteer_id):
        name = volunteers.get_volunteer(volunteer_id).name  # the GET's read transaction has begun
        other = sqlite3.connect(database_path, timeout=5)
        other.execute("UPDATE municipality SET plugins_version = plugins_version + 1")  # a real change
        other.commit()
        other.close()
        return jsonify({"name": name})

    return bp


@pytest.fixture
def sqlite_path(app):
    if _db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's locking")
    return _db.engine.url.database


def test_the_read_audit_survives_a_concurrent_writer_during_the_get(app, client, tenant, user_factory, sqlite_path):
    """Writing the audit inside the GET's read transaction would fail here ('database is locked':
    the snapshot is stale once another connection committed); it is written in its own."""
    app.register_blueprint(_concurrent_writer_blueprint(sqlite_path))
    volunteer_id = make_volunteer(tenant)
    login(client, user_factory(tenant, "coordinator"), tenant)
    response = client.get(f"/{tenant.slug}/concurrent/{volunteer_id}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert [(e.action, e.subject_id) for e in audit_events(kind="read")] == [("volunteer.view", volunteer_id)]


def test_the_audit_transaction_begins_immediate_and_waits_for_a_busy_writer(app, coordinator, tenant, sqlite_path):
    volunteer_id = make_volunteer(tenant)
    statements = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement.strip().upper())

    url = f"/{tenant.slug}/volunteers/{volunteer_id}"
    _db.session.rollback()  # the test's own session holds no lock meanwhile
    # Another worker holds the write lock for a moment: the audit waits for it instead of failing.
    holder = sqlite3.connect(sqlite_path, timeout=5, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE municipality SET name = name")
    release = threading.Timer(0.5, lambda: holder.execute("COMMIT"))
    event.listen(_db.engine, "before_cursor_execute", remember)
    try:
        release.start()
        started = time.monotonic()
        response = coordinator.get(url)
        waited = time.monotonic() - started
    finally:
        event.remove(_db.engine, "before_cursor_execute", remember)
        release.join()
        holder.close()
    assert response.status_code == 200
    assert waited >= 0.4
    insert = next(i for i, s in enumerate(statements) if s.startswith("INSERT INTO AUDIT_EVENT"))
    begin = max(i for i, s in enumerate(statements[:insert]) if s.startswith("BEGIN"))
    assert statements[begin] == "BEGIN IMMEDIATE"
    assert [e.subject_id for e in audit_events(tenant, kind="read")] == [volunteer_id]


# ---- 2. sign-ins, sign-outs and tokens ---------------------------------------------------------

def auth_events(tenant=None):
    return [(e.action, e.user_id) for e in audit_events(tenant, kind="auth")]


def test_signing_in_and_out_is_recorded(client, tenant, user_factory):
    user = user_factory(tenant, "coordinator")
    login(client, user, tenant)
    response = post_form(client, f"/{tenant.slug}/logout", page=f"/{tenant.slug}/")
    assert response.status_code == 302
    assert auth_events(tenant) == [("login.succeeded", user.id), ("logout", user.id)]


def test_a_failed_sign_in_is_recorded_though_its_answer_is_refused(client, tenant, other_tenant, user_factory):
    member = user_factory(tenant, "coordinator")
    stranger = user_factory(other_tenant, "coordinator")
    for email in (member.email, EMAIL, stranger.email):
        token = csrf_token(client, f"/{tenant.slug}/login")
        response = client.post(f"/{tenant.slug}/login", data={"email": email, "password": "wrong-password-1",
                                                               "csrf_token": token})
        assert 400 <= response.status_code < 500
    # The member is named; an unknown address and another municipality's user are not.
    assert auth_events(tenant) == [("login.failed", member.id), ("login.failed", None), ("login.failed", None)]
    assert auth_events(other_tenant) == []
    assert EMAIL not in as_text(audit_events()) and stranger.email not in as_text(audit_events())


def test_issuing_and_refusing_api_tokens_is_recorded_in_each_municipality_of_the_user(client, tenant, other_tenant,
                                                                                         tenant_factory, user_factory):
    third = tenant_factory("eksempel", "Eksempel Kommune")
    user = user_factory(tenant, "coordinator")
    from core.accounts import services as accounts

    accounts.add_membership(user, other_tenant, "caseworker")
    _db.session.commit()
    api_token(client, user)
    assert client.post("/api/v1/auth/token", json={"email": user.email, "password": "wrong-password-1"}).status_code == 401
    assert client.post("/api/v1/auth/token", json={"email": EMAIL, "password": PASSWORD}).status_code == 401
    for each in (tenant, other_tenant):
        assert auth_events(each) == [("token.created", user.id), ("token.refused", user.id)]
        assert audit_events(each, kind="auth")[0].subject_type == "api_token"
    assert auth_events(third) == []
    assert EMAIL not in as_text(audit_events())


def test_token_use_is_recorded_once_per_interval_across_workers(app, client, tenant, user_factory, _schema):
    user = user_factory(tenant, "coordinator")
    headers, url = api_token(client, user), f"/api/v1/{tenant.slug}/courses"
    for _ in range(3):
        assert client.get(url, headers=headers).status_code == 200
    # A second worker (its own app and process memory) finds the recent record in the database.
    _db.session.rollback()  # the test's own session holds no lock meanwhile
    second = make_app(_schema)
    with second.app_context():
        assert second.test_client().get(url, headers=headers).status_code == 200
        _db.session.remove()
    used = [e for e in audit_events(tenant, kind="auth") if e.action == "token.used"]
    assert len(used) == 1 and used[0].user_id == user.id and used[0].subject_type == "api_token"


def test_token_use_is_recorded_again_after_the_interval(app, client, tenant, user_factory):
    app.config["AUDIT_TOKEN_USE_MINUTES"] = 0
    headers = api_token(client, user_factory(tenant, "coordinator"))
    for _ in range(2):
        assert client.get(f"/api/v1/{tenant.slug}/courses", headers=headers).status_code == 200
    assert [e.action for e in audit_events(tenant, kind="auth")].count("token.used") == 2


# ---- 3. who looked at a volunteer --------------------------------------------------------------

def test_a_coordinator_sees_who_looked_at_a_volunteer(app, client, tenant, user_factory):
    volunteer_id = make_volunteer(tenant)
    other_id = make_volunteer(tenant, name="Ikke Set")
    looker = app.test_client()
    login(looker, user_factory(tenant, "coordinator", name="Lone Læser"), tenant)
    assert looker.get(f"/{tenant.slug}/volunteers/{volunteer_id}").status_code == 200
    headers = api_token(looker, user_factory(tenant, "coordinator", name="Anders API"))
    assert looker.get(f"/api/v1/{tenant.slug}/volunteers/{volunteer_id}", headers=headers).status_code == 200
    assert looker.get(f"/{tenant.slug}/volunteers/{other_id}").status_code == 200

    login(client, user_factory(tenant, "coordinator", name="Connie Coordinator"), tenant)
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = client.get(f"/{tenant.slug}/volunteers/{volunteer_id}").get_data(as_text=True)
    assert f'href="/{tenant.slug}/volunteers/{volunteer_id}/reads"' in page
    response = client.get(f"/{tenant.slug}/volunteers/{volunteer_id}/reads")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Who has looked at Karen Hemmelig" in html
    rows = html.split('data-testid="reads"')[1]
    # Newest first: Connie (the page she came from), Anders through the API, Lone on the page.
    assert rows.index("Connie Coordinator") < rows.index("Anders API") < rows.index("Lone Læser")
    assert "(through the API)" in rows and "Looked at the record" in rows
    assert rows.count("<tr>") == 4  # the header and three reads: the other volunteer's read is not here


def test_only_coordinators_see_the_reads_and_only_of_their_own_tenant(app, client, tenant, other_tenant, user_factory):
    foreign_id = make_volunteer(other_tenant)
    own_id = make_volunteer(tenant)
    login(client, user_factory(tenant, "coordinator"), tenant)
    assert client.get(f"/{tenant.slug}/volunteers/{foreign_id}/reads").status_code == 404
    mentor = app.test_client()
    login(mentor, user_factory(tenant, "mentor"), tenant)
    assert mentor.get(f"/{tenant.slug}/volunteers/{own_id}/reads").status_code == 403


# ---- 4. no personal data in the access log -----------------------------------------------------

def test_the_production_access_log_has_no_query_string():
    """A search is a GET with ``?q=`` (the API's contract); the term must not reach the access log.
    The gunicorn configuration logs the path only: rendered here with gunicorn's own atoms."""
    from gunicorn.glogging import Logger

    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    log_format = settings["access_log_format"]
    query = f"q={EMAIL}&status=active"
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/middelfart/volunteers/", "QUERY_STRING": query,
               "RAW_URI": f"/middelfart/volunteers/?{query}", "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "127.0.0.1", "HTTP_REFERER": f"http://x/middelfart/volunteers/?{query}",
               "HTTP_USER_AGENT": "test"}
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])], method="GET",
                              path="/middelfart/volunteers/", query=query, uri=environ["RAW_URI"], version=(1, 1))
    response = SimpleNamespace(status="200 OK", headers=[], sent=10, response_length=10)
    logger = Logger.__new__(Logger)
    logger.cfg = SimpleNamespace(logger_class=Logger, access_log_format=log_format)
    atoms = logger.atoms(response, request, environ, __import__("datetime").timedelta(seconds=0.01))
    line = log_format % atoms
    assert "/middelfart/volunteers/" in line
    assert EMAIL not in line and "status=active" not in line


def test_the_development_server_access_log_has_no_query_string(app, signed_in, tenant, caplog):
    """``make run`` serves with Werkzeug: its request log line is filtered by the app."""
    import logging

    from werkzeug.serving import WSGIRequestHandler

    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.path = f"/{tenant.slug}/volunteers/?q={EMAIL}&status=active"
    handler.command, handler.request_version, handler.requestline = "GET", "HTTP/1.1", f"GET {handler.path} HTTP/1.1"
    handler.client_address = ("127.0.0.1", 5000)
    handler.address_string = lambda: "127.0.0.1"
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        handler.log_request(200, 10)
    [line] = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert f"/{tenant.slug}/volunteers/" in line
    assert EMAIL not in line and "status=active" not in line
