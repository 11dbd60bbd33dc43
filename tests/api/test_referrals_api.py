"""The referrals API (CONTRACT.md 4a): consent required, the exact fields each role gets, a
caseworker's own referrals only, intake with every plugin rule's finding and 409 on a blocking one,
withdrawal of consent, the CPR number never stored in clear, constant query counts."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date, timedelta
from glob import glob
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.extensions import db
from core.hooks.types import Finding, IntakeCriterion, Rule
from core.platform.services import set_plugin_enabled
from core.tenancy import tenant_context
from tests.api.conftest import assert_contract_error
from tests.conftest import api_token
from tests.core.helpers import make_plugin

CPR = "0102034321"  # a valid CPR number (born 1 February 2003)
CPR_DASHED = "010203-4321"
BASE = "/api/v1/middelfart/referrals"

COORDINATOR_KEYS = {"id", "external_id", "status", "referred_on", "source", "situation", "reason", "referrer", "consent",
                    "citizen", "findings", "intake_answers", "decision", "decision_reason", "decided_on",
                    "decided_by_id", "shared_goals", "outcome", "created_at"}
COORDINATOR_CITIZEN_KEYS = {"id", "name", "birth_date", "cpr_masked", "gender", "postcode", "languages", "interests",
                            "education_wishes", "needs", "mentor_gender_wish", "mentor_wishes", "phone", "email",
                            "share_contact_with_mentor"}
CASEWORKER_KEYS = {"id", "status", "referred_on", "source", "situation", "reason", "consent", "citizen", "findings",
                   "decision", "decision_reason", "decided_on", "outcome"}
CASEWORKER_CITIZEN_KEYS = {"name", "birth_date"}
CASEWORKER_CONSENT_KEYS = {"given_on", "text_version", "withdrawn_on"}


def rule_under_18(citizen, on, **_):
    if citizen.age_on(on) is not None and citizen.age_on(on) < 18:
        return Finding("age", "Must be 18 or older", blocking=True)


def rule_postcode(citizen, on, **_):
    if citizen.postcode != "5500":
        return Finding("postcode", "Lives outside the municipality", blocking=False)


def intake_rules(tenant):
    return [Rule("age", "Age 18+", rule_under_18), Rule("postcode", "Postcode", rule_postcode)]


def intake_criteria(tenant):
    return [IntakeCriterion("drugs", "Is there active drug abuse?", reason="Active drug abuse excludes a mentor")]


@pytest.fixture
def extra_plugins():
    return (make_plugin("intake_rules", mentorkorps_target_group_rules=intake_rules,
                        mentorkorps_intake_criteria=intake_criteria),)


@pytest.fixture
def with_rules(tenant):
    set_plugin_enabled(tenant, "intake_rules", True)
    db.session.commit()
    return tenant


@pytest.fixture
def caseworker(tenant, user_factory):
    return user_factory(tenant, "caseworker")


@pytest.fixture
def cw_headers(client, caseworker):
    return {**api_token(client, caseworker), "Accept-Language": "en"}


def body(name="Amira Hansen", cpr=None, consent=True, **extra):
    citizen = {"name": name, "birth_date": "2003-02-01", "postcode": "5500", "interests": ["football"],
               "needs": "Structure in the week", "phone": "12345678", "email": "amira@example.dk"}
    if cpr:
        citizen["cpr"] = cpr
    data = {"citizen": citizen, "source": "jobcenter", "situation": "cash_benefit", "reason": "Dropped out of school"}
    if consent:
        data["consent"] = {"given_on": date.today().isoformat(), "text_version": "core-1"}
    data.update(extra)
    return data


def create(client, headers, **kwargs):
    response = client.post(BASE, json=body(**kwargs), headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


# ---- creation and consent -----------------------------------------------------------------------

def test_a_referral_without_consent_is_refused_with_422(client, headers, cw_headers):
    for h in (headers, cw_headers):
        response = client.post(BASE, json=body(consent=False), headers=h)
        assert_contract_error(response, 422, {"consent"})
    response = client.post(BASE, json={**body(), "consent": {"given_on": date.today().isoformat(), "text_version": ""}},
                           headers=headers)
    assert_contract_error(response, 422, {"consent"})
    assert client.get(BASE, headers=headers).get_json() == []


def test_a_caseworker_refers_and_gets_exactly_the_caseworker_fields(client, cw_headers, caseworker, tenant):
    created = create(client, cw_headers, cpr=CPR_DASHED)
    assert set(created) == CASEWORKER_KEYS
    assert set(created["citizen"]) == CASEWORKER_CITIZEN_KEYS
    assert set(created["consent"]) == CASEWORKER_CONSENT_KEYS
    assert created["status"] == "received" and created["findings"] == []
    text = str(created)
    assert CPR not in text and CPR_DASHED not in text and "010203" not in text  # not even masked
    assert "Structure" not in text and "12345678" not in text  # needs and contact details
    with tenant_context(tenant):
        from core.referrals.models import Referral

        referral = db.session.get(Referral, created["id"])
        assert referral.referrer_user_id == caseworker.id and referral.consent_registered_by_id == caseworker.id
        assert referral.consent_text_version == "core-1"
    detail = client.get(f"{BASE}/{created['id']}", headers=cw_headers).get_json()
    assert set(detail) == CASEWORKER_KEYS and set(detail["citizen"]) == CASEWORKER_CITIZEN_KEYS
    listed = client.get(BASE, headers=cw_headers).get_json()
    assert [set(row) for row in listed] == [CASEWORKER_KEYS]


def test_a_coordinator_gets_every_field_but_the_cpr_in_clear(client, headers, cw_headers):
    created = create(client, cw_headers, cpr=CPR)
    detail = client.get(f"{BASE}/{created['id']}", headers=headers).get_json()
    assert set(detail) == COORDINATOR_KEYS
    assert set(detail["citizen"]) == COORDINATOR_CITIZEN_KEYS
    assert set(detail["consent"]) == {"given_on", "text_version", "registered_by_id", "withdrawn_on", "withdrawn_by_id"}
    assert set(detail["referrer"]) == {"user_id", "name", "organisation"}
    assert detail["citizen"]["cpr_masked"] == "010203-xxxx"
    assert CPR not in str(detail) and CPR_DASHED not in str(detail)
    assert detail["citizen"]["needs"] == "Structure in the week"
    listed = client.get(BASE, headers=headers).get_json()
    assert [set(row) for row in listed] == [COORDINATOR_KEYS]


def test_a_coordinator_registers_an_outside_referrer_and_a_caseworker_cannot(client, headers, cw_headers):
    created = create(client, headers, referrer_name="Jens Vejleder", referrer_organisation="UU Middelfart",
                     source="guidance")
    assert created["referrer"] == {"user_id": None, "name": "Jens Vejleder", "organisation": "UU Middelfart"}
    response = client.post(BASE, json=body(referrer_name="Someone"), headers=cw_headers)
    assert_contract_error(response, 422, {"referrer_name"})


def test_invalid_cpr_and_unknown_codes_are_refused_next_to_their_fields(client, headers):
    response = client.post(BASE, json=body(cpr="3102034321", source="nowhere"), headers=headers)
    errors = assert_contract_error(response, 422)["errors"]
    assert set(errors) == {"citizen", "source"} and set(errors["citizen"]) == {"cpr"}
    danish = client.post(BASE, json=body(cpr="12"), headers={**headers, "Accept-Language": "da"})
    assert set(assert_contract_error(danish, 422)["errors"]["citizen"]) == {"cpr"}


def test_the_citizen_is_found_again_by_cpr_within_the_tenant(client, headers, other_headers, tenant, other_tenant):
    first = create(client, headers, cpr=CPR)
    # An open referral of the same young person is a conflict; after a rejection a new one is fine.
    assert_contract_error(client.post(BASE, json=body(cpr=CPR), headers=headers), 409)
    client.post(f"{BASE}/{first['id']}/intake", json={"decision": "reject", "reason": "Not now"}, headers=headers)
    second = create(client, headers, cpr=CPR_DASHED, name="Amira H.")
    assert second["citizen"]["id"] == first["citizen"]["id"] and second["citizen"]["name"] == "Amira H."
    # Another municipality has its own citizen for the same number.
    other = client.post("/api/v1/ishoej/referrals", json=body(cpr=CPR), headers=other_headers)
    assert other.status_code == 201
    with tenant_context(other_tenant):
        from core.referrals.models import Citizen

        assert len(db.session.scalars(select(Citizen)).all()) == 1


# ---- who sees what ----------------------------------------------------------------------------

def test_a_caseworker_sees_only_their_own_referrals(client, headers, cw_headers, tenant, user_factory):
    mine = create(client, cw_headers, name="Mine Own")
    other_cw = {**api_token(client, user_factory(tenant, "caseworker")), "Accept-Language": "en"}
    theirs = create(client, other_cw, name="Their Own")
    by_coordinator = create(client, headers, name="Coordinators Own")
    assert [r["id"] for r in client.get(BASE, headers=cw_headers).get_json()] == [mine["id"]]
    for referral in (theirs, by_coordinator):
        assert_contract_error(client.get(f"{BASE}/{referral['id']}", headers=cw_headers), 404)
        assert_contract_error(client.post(f"{BASE}/{referral['id']}/withdraw-consent", json={}, headers=cw_headers), 404)
    assert client.get(f"{BASE}/{mine['id']}", headers=cw_headers).status_code == 200
    assert len(client.get(BASE, headers=headers).get_json()) == 3


def test_no_referral_of_another_tenant_and_no_mentor(client, headers, cw_headers, mentor_headers, other_tenant,
                                                      user_factory):
    created = create(client, cw_headers)
    other_cw = {**api_token(client, user_factory(other_tenant, "caseworker")), "Accept-Language": "en"}
    assert_contract_error(client.get(f"{BASE}/{created['id']}", headers=other_cw), 404)
    assert_contract_error(client.get(f"/api/v1/ishoej/referrals/{created['id']}", headers=other_cw), 404)
    assert client.get("/api/v1/ishoej/referrals", headers=other_cw).get_json() == []
    for method, path in (("get", BASE), ("get", f"{BASE}/{created['id']}"), ("post", BASE),
                         ("post", f"{BASE}/{created['id']}/withdraw-consent")):
        assert_contract_error(getattr(client, method)(path, headers=mentor_headers, json={}), 403)
    assert_contract_error(client.post(f"{BASE}/{created['id']}/intake", json={"decision": "accept"},
                                      headers=cw_headers), 403)


def test_every_get_is_in_the_read_audit_as_a_read_of_the_young_person(client, headers, tenant):
    created = create(client, headers)
    client.get(f"{BASE}/{created['id']}", headers=headers)
    client.get(f"{BASE}?status=received", headers=headers)
    with tenant_context(tenant):
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "read")
                                    .order_by(AuditEvent.id)).all()
        assert [(e.action, e.subject_type, e.subject_id) for e in events] == [
            ("citizen.view", "citizen", created["citizen"]["id"]), ("citizen.list", "citizen", None)]
        assert events[1].details["criteria"] == {"status": "received"} and events[1].details["via"] == "api"


# ---- intake -----------------------------------------------------------------------------------

def test_every_rule_runs_and_a_blocking_finding_stops_acceptance_with_409(client, headers, with_rules):
    created = create(client, headers, name="Young Person")
    created_young = client.post(BASE, json={**body(name="Too Young"),
                                            "citizen": {**body()["citizen"], "name": "Too Young",
                                                        "birth_date": (date.today() - timedelta(days=365 * 16)).isoformat(),
                                                        "postcode": "7000"}}, headers=headers).get_json()
    assert created["findings"] == []
    assert created_young["findings"] == [
        {"rule": "age", "message": "Must be 18 or older", "blocking": True},
        {"rule": "postcode", "message": "Lives outside the municipality", "blocking": False}]
    response = client.post(f"{BASE}/{created_young['id']}/intake", json={"answers": {"drugs": False}, "decision": "accept"},
                           headers=headers)
    assert assert_contract_error(response, 409)["errors"] == {"age": ["Must be 18 or older"]}
    # The intake question's blocking answer is a blocking finding with the criterion's reason.
    response = client.post(f"{BASE}/{created['id']}/intake", json={"answers": {"drugs": True}, "decision": "accept"},
                           headers=headers)
    assert assert_contract_error(response, 409)["errors"] == {"drugs": ["Active drug abuse excludes a mentor"]}
    # Every question must be answered to accept; a rejection needs a reason.
    assert_contract_error(client.post(f"{BASE}/{created['id']}/intake", json={"decision": "accept"}, headers=headers),
                          422, {"drugs"})
    assert_contract_error(client.post(f"{BASE}/{created['id']}/intake", json={"decision": "reject"}, headers=headers),
                          422, {"reason"})
    accepted = client.post(f"{BASE}/{created['id']}/intake", json={"answers": {"drugs": False}, "decision": "accept"},
                           headers=headers)
    assert accepted.status_code == 200
    assert accepted.get_json()["status"] == "accepted" and accepted.get_json()["intake_answers"] == {"drugs": False}
    assert accepted.get_json()["decided_on"] == date.today().isoformat()
    assert_contract_error(client.post(f"{BASE}/{created['id']}/intake", json={"decision": "reject", "reason": "x"},
                                      headers=headers), 409)
    rejected = client.post(f"{BASE}/{created_young['id']}/intake",
                           json={"answers": {"drugs": True}, "decision": "reject", "reason": "Under 18"}, headers=headers)
    assert rejected.get_json()["status"] == "rejected"
    assert {f["rule"] for f in rejected.get_json()["findings"]} == {"age", "postcode", "drugs"}


def test_a_caseworker_sees_the_decision_but_not_the_intake_questions_findings(client, headers, cw_headers, with_rules):
    created = create(client, cw_headers, name="Some One")
    client.post(f"{BASE}/{created['id']}/intake", json={"answers": {"drugs": True}, "decision": "reject",
                                                         "reason": "Not the right offer"}, headers=headers)
    seen = client.get(f"{BASE}/{created['id']}", headers=cw_headers).get_json()
    assert seen["status"] == "rejected" and seen["decision"] == "reject"
    assert seen["decision_reason"] == "Not the right offer"
    assert seen["findings"] == [] and "intake_answers" not in seen and "drug" not in str(seen).lower()


# ---- withdrawal of consent --------------------------------------------------------------------

def test_withdrawing_consent_stops_the_referral_and_cancels_its_open_matches(client, headers, cw_headers, tenant):
    from core.matching.models import Match, MatchTransition

    created = create(client, cw_headers)
    client.post(f"{BASE}/{created['id']}/intake", json={"decision": "accept"}, headers=headers)
    with tenant_context(tenant):
        db.session.add(Match(referral_id=created["id"], status="proposed", proposed_on=date.today()))
        db.session.commit()
    response = client.post(f"{BASE}/{created['id']}/withdraw-consent", headers=cw_headers)  # the referring caseworker
    assert response.status_code == 200
    assert response.get_json()["status"] == "withdrawn"
    assert response.get_json()["consent"]["withdrawn_on"] == date.today().isoformat()
    with tenant_context(tenant):
        match = db.session.scalars(select(Match)).one()
        assert match.status == "cancelled"
        assert [(t.from_status, t.to_status) for t in db.session.scalars(select(MatchTransition))] == [
            ("proposed", "cancelled")]
        actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.kind == "write")))
        assert "referral.consent_withdrawn" in actions
    assert_contract_error(client.post(f"{BASE}/{created['id']}/withdraw-consent", json={}, headers=headers), 409)
    assert_contract_error(client.post(f"{BASE}/{created['id']}/intake", json={"decision": "accept"}, headers=headers),
                          409)


def test_the_mentor_view_of_a_young_person_is_the_mentor_field_list_and_empty_after_withdrawal(app, client, headers,
                                                                                               tenant):
    from core.referrals import schemas, services
    from core.referrals.models import Referral

    created = create(client, headers)
    with tenant_context(tenant):
        referral = db.session.get(Referral, created["id"])
        seen = schemas.MentorCitizenSchema().dump(services.mentor_view(referral))
        assert set(seen) == {"first_name", "age", "phone", "email", "shared_goals"}
        assert seen["first_name"] == "Amira" and seen["phone"] is None  # not agreed to share
        referral.citizen.share_contact_with_mentor = True
        assert services.mentor_view(referral)["phone"] == "12345678"
        db.session.rollback()
    client.post(f"{BASE}/{created['id']}/withdraw-consent", headers=headers)
    with tenant_context(tenant):
        assert services.mentor_view(db.session.get(Referral, created["id"])) is None


# ---- the CPR number is never stored in clear --------------------------------------------------

def test_the_cpr_number_is_not_in_the_database_in_plain_text(app, client, headers, database_url):
    create(client, headers, cpr=CPR_DASHED)
    db.session.remove()
    if database_url.startswith("sqlite"):
        path = db.engine.url.database
        db.engine.dispose()
        data = b"".join(open(p, "rb").read() for p in glob(path + "*"))
    else:
        tools = sorted(glob("/usr/lib/postgresql/*/bin/pg_dump"))
        dump = tools[-1] if tools else shutil.which("pg_dump")
        assert dump, "pg_dump is needed to check the PostgreSQL database"
        url = db.engine.url
        env = {**os.environ, "PGPASSWORD": url.password or ""}
        # As the superuser first: row-level security (core.tenancy) hides the rows from the
        # application's own role, and pg_dump refuses a table whose rows it cannot all see.
        for user in ("postgres", url.username):
            done = subprocess.run([dump, "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", user,
                                   "-d", url.database, "--data-only", "--table=citizen", "--table=referral"],
                                  capture_output=True, env=env)
            if done.returncode == 0:
                break
        assert done.returncode == 0, done.stderr.decode(errors="replace")
        data = done.stdout
        assert b"COPY public.citizen" in data
    assert b"Amira Hansen" in data  # the data is there ...
    for form in (CPR.encode(), CPR_DASHED.encode(), CPR.encode("utf-16-le")):
        assert form not in data  # ... but not the CPR number


# ---- query counts -----------------------------------------------------------------------------

def test_the_list_needs_as_many_queries_for_60_referrals_as_for_3(client, headers, count_queries, tenant):
    from core.matching.models import Match
    from core.referrals.models import Citizen, Referral

    def add(start, n):
        with tenant_context(tenant):
            for k in range(start, start + n):
                citizen = Citizen(name=f"Ung {k:03d}", birth_date=date(2003, 1, 1), languages=[], interests=[])
                db.session.add(citizen)
                db.session.flush()
                referral = Referral(citizen_id=citizen.id, referred_on=date.today(), source="school",
                                    situation="other", status="ended", consent_given_on=date.today(),
                                    consent_text_version="core-1", intake_answers={}, findings=[])
                db.session.add(referral)
                db.session.flush()
                db.session.add(Match(referral_id=referral.id, status="ended", proposed_on=date.today(),
                                     ended_on=date.today(), outcome="job"))
            db.session.commit()

    def measure():
        client.get(f"{BASE}?page_size=100", headers=headers)
        with count_queries() as queries:
            response = client.get(f"{BASE}?page_size=100", headers=headers)
        assert response.status_code == 200
        return len(queries), response.get_json()

    add(0, 3)
    few, rows = measure()
    assert len(rows) == 3 and {r["outcome"] for r in rows} == {"job"}
    add(3, 57)
    many, rows = measure()
    assert len(rows) == 60
    assert many == few, f"{few} statements for 3 referrals, {many} for 60"
