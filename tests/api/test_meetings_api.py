"""The meetings API (CONTRACT.md 4a): logging a meeting (201, the service's validation as the
contract's 422 per field, 409 before the start), the exact key sets per role, a mentor only on their
own match (another is 404, also after the young person withdrew consent), a caseworker none (404);
follow-ups recorded (200 for the scheduled one, 201 for a new one) and listed (``?due=true``)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.clock import add_months
from core.extensions import db
from core.matching import services as matching
from core.tenancy import tenant_context
from tests.api.conftest import assert_contract_error
from tests.conftest import api_token
from tests.core.matching.conftest import extra_plugins, matching_tenant, mentor_factory, referral_factory  # noqa: F401

BASE = "/api/v1/matchby"
MENTOR_KEYS = {"id", "match_id", "held_on", "minutes", "place", "note"}
COORDINATOR_KEYS = MENTOR_KEYS | {"logged_by_id"}
FOLLOWUP_KEYS = {"id", "match_id", "months_after", "due_on", "status", "recorded_on"}


def _match(tenant, referral, volunteer, *, to="active", started=None, ended=None):
    with tenant_context(tenant):
        referral, volunteer = db.session.merge(referral), db.session.merge(volunteer)
        match = matching.propose(referral, [volunteer.id])
        if to != "proposed":
            matching.choose(match, volunteer.id)
        if to in ("active", "ended"):
            matching.accept(match, on=started or date.today() - timedelta(days=30))
        if to == "ended":
            matching.end(match, {"ended_on": ended, "end_reason": "completed", "outcome": "job"})
        db.session.commit()
        return match.id, referral.id


@pytest.fixture
def coordinator_headers(client, matching_tenant, user_factory):
    return {**api_token(client, user_factory(matching_tenant, "coordinator")), "Accept-Language": "en"}


@pytest.fixture
def mentor_user(matching_tenant, user_factory):
    return user_factory(matching_tenant, "mentor")


@pytest.fixture
def mentor_headers(client, mentor_user):
    return {**api_token(client, mentor_user), "Accept-Language": "en"}


@pytest.fixture
def own(matching_tenant, mentor_factory, referral_factory, mentor_user):
    """An active match of the signed-in mentor: (match id, referral id)."""
    return _match(matching_tenant, referral_factory("Yasmin Ung"), mentor_factory("Anna", user=mentor_user))


def _log(client, headers, match_id, **body):
    return client.post(f"{BASE}/meetings", json={"match_id": match_id, "held_on": date.today().isoformat(),
                                                 "minutes": 30, **body}, headers=headers)


def test_the_mentor_logs_and_reads_their_own_meetings(client, mentor_headers, coordinator_headers, own):
    match_id, _ = own
    created = _log(client, mentor_headers, match_id, place="cafe", note="Kaffe")
    assert created.status_code == 201, created.get_json()
    assert set(created.get_json()) == MENTOR_KEYS
    assert created.get_json()["place"] == "cafe" and created.get_json()["minutes"] == 30
    listed = client.get(f"{BASE}/meetings?match_id={match_id}", headers=mentor_headers)
    assert listed.status_code == 200 and [set(m) for m in listed.get_json()] == [MENTOR_KEYS]
    seen = client.get(f"{BASE}/meetings?match_id={match_id}", headers=coordinator_headers).get_json()
    assert [set(m) for m in seen] == [COORDINATOR_KEYS] and seen[0]["logged_by_id"] is not None
    by_coordinator = _log(client, coordinator_headers, match_id, minutes=None)
    assert by_coordinator.status_code == 201 and set(by_coordinator.get_json()) == COORDINATOR_KEYS


@pytest.mark.parametrize("body, field", [
    ({"held_on": (date.today() + timedelta(days=1)).isoformat()}, "held_on"),
    ({"held_on": (date.today() - timedelta(days=40)).isoformat()}, "held_on"),  # before the start
    ({"minutes": 0}, "minutes"),
    ({"minutes": 601}, "minutes"),
    ({"place": "moon"}, "place"),
    ({"held_on": "31-12-2025"}, "held_on"),
])
def test_a_refused_meeting_is_the_contracts_422(client, mentor_headers, own, body, field):
    match_id, _ = own
    assert_contract_error(_log(client, mentor_headers, match_id, **body), 422, {field})
    assert client.get(f"{BASE}/meetings?match_id={match_id}", headers=mentor_headers).get_json() == []


def test_a_meeting_before_the_match_started_is_409(client, coordinator_headers, matching_tenant, mentor_factory,
                                                   referral_factory):
    match_id, _ = _match(matching_tenant, referral_factory(), mentor_factory("Bo"), to="chosen")
    assert_contract_error(_log(client, coordinator_headers, match_id), 409)


def test_a_mentor_cannot_log_or_read_on_another_mentors_match(client, mentor_headers, own, matching_tenant,
                                                              mentor_factory, referral_factory):
    theirs, _ = _match(matching_tenant, referral_factory("Other Ung"), mentor_factory("Bo"))
    assert_contract_error(_log(client, mentor_headers, theirs), 404)
    assert_contract_error(client.get(f"{BASE}/meetings?match_id={theirs}", headers=mentor_headers), 404)


def test_after_consent_is_withdrawn_the_mentor_gets_404(client, mentor_headers, own, matching_tenant):
    from core.referrals import services as referrals

    match_id, referral_id = own
    assert _log(client, mentor_headers, match_id).status_code == 201
    with tenant_context(matching_tenant):
        referrals.withdraw_consent(referrals.get_referral(referral_id))
        db.session.commit()
    assert_contract_error(client.get(f"{BASE}/meetings?match_id={match_id}", headers=mentor_headers), 404)
    assert_contract_error(_log(client, mentor_headers, match_id), 404)


def test_a_caseworker_sees_no_meetings_and_no_followups(client, own, matching_tenant, user_factory):
    match_id, _ = own
    caseworker = {**api_token(client, user_factory(matching_tenant, "caseworker")), "Accept-Language": "en"}
    assert_contract_error(client.get(f"{BASE}/meetings?match_id={match_id}", headers=caseworker), 404)
    assert _log(client, caseworker, match_id).status_code == 403
    assert client.get(f"{BASE}/followups?due=true", headers=caseworker).status_code == 403


def test_followups_are_recorded_and_listed(client, coordinator_headers, mentor_headers, matching_tenant,
                                           mentor_factory, referral_factory):
    ended = date.today() - timedelta(days=200)
    match_id, _ = _match(matching_tenant, referral_factory("Slut Ung"), mentor_factory("Anna"), to="ended",
                         started=date.today() - timedelta(days=400), ended=ended)
    due = client.get(f"{BASE}/followups?due=true", headers=coordinator_headers)
    assert due.status_code == 200
    assert [(set(f), f["months_after"], f["due_on"]) for f in due.get_json()] == [
        (FOLLOWUP_KEYS, 6, add_months(ended, 6).isoformat())]
    url = f"{BASE}/matches/{match_id}/followups"
    assert_contract_error(client.post(url, json={"months_after": 6, "status": "rich"}, headers=coordinator_headers),
                          422, {"status"})
    scheduled = client.post(url, json={"months_after": 6, "status": "education"}, headers=coordinator_headers)
    assert scheduled.status_code == 200 and set(scheduled.get_json()) == FOLLOWUP_KEYS
    assert scheduled.get_json()["status"] == "education"
    new = client.post(url, json={"months_after": 3, "status": "job"}, headers=coordinator_headers)
    assert new.status_code == 201 and new.get_json()["months_after"] == 3
    assert_contract_error(client.post(url, json={"months_after": 12, "status": "job"}, headers=coordinator_headers),
                          422, {"months_after"})  # not due yet
    assert client.get(f"{BASE}/followups?due=true", headers=coordinator_headers).get_json() == []
    assert len(client.get(f"{BASE}/followups", headers=coordinator_headers).get_json()) == 2
    assert client.post(url, json={"months_after": 6, "status": "job"}, headers=mentor_headers).status_code == 403
