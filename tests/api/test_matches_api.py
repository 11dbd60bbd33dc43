"""The matching API (CONTRACT.md 4a): the candidates' shape, proposing (201, 409 over capacity),
the state machine's 409s, the mentor's own matches only, the caseworker's none, the exact key sets,
constant query counts of the list."""
from __future__ import annotations

from datetime import date

import pytest

from core.extensions import db
from core.tenancy import tenant_context
from tests.api.conftest import assert_contract_error
from tests.conftest import api_token
from tests.core.matching.conftest import extra_plugins, matching_tenant, mentor_factory, referral_factory  # noqa: F401

BASE = "/api/v1/matchby"
MATCH_KEYS = {"id", "referral_id", "volunteer_id", "status", "proposed_on", "chosen_on", "started_on", "ended_on",
              "end_reason", "outcome", "meeting_count", "last_meeting_on", "candidate_ids"}
CONTRACT_KEYS = {"id", "referral_id", "volunteer_id", "status", "started_on", "ended_on", "end_reason", "outcome",
                 "meeting_count", "last_meeting_on"}


@pytest.fixture
def mentor_id(mentor_factory, matching_tenant):
    """A mentor made through the services; its id (read in the tenant, before any request)."""
    def make(*args, **kwargs):
        volunteer = mentor_factory(*args, **kwargs)
        with tenant_context(matching_tenant):
            return volunteer.id

    return make


@pytest.fixture
def referral_id(referral_factory, matching_tenant):
    def make(*args, **kwargs):
        referral = referral_factory(*args, **kwargs)
        with tenant_context(matching_tenant):
            return referral.id

    return make


@pytest.fixture
def coordinator_headers(client, matching_tenant, user_factory):
    return {**api_token(client, user_factory(matching_tenant, "coordinator")), "Accept-Language": "en"}


@pytest.fixture
def mentor_user(matching_tenant, user_factory):
    return user_factory(matching_tenant, "mentor")


@pytest.fixture
def mentor_headers(client, mentor_user):
    return {**api_token(client, mentor_user), "Accept-Language": "en"}


def propose(client, headers, referral_id, volunteer_ids):
    return client.post(f"{BASE}/matches", json={"referral_id": referral_id, "volunteer_ids": volunteer_ids},
                       headers=headers)


def test_candidates_have_the_contract_shape_best_first(client, coordinator_headers, mentor_id, referral_id):
    anna = mentor_id("Anna Andersen", interests=("fodbold",))
    bo = mentor_id("Bo Berg")
    referral = referral_id(interests=("fodbold",))
    response = client.get(f"{BASE}/referrals/{referral}/candidates?limit=5", headers=coordinator_headers)
    assert response.status_code == 200, response.json
    body = response.json
    assert set(body) == {"count", "candidates"} and body["count"] == 1
    assert [c["volunteer_id"] for c in body["candidates"]][0] == anna
    assert {c["volunteer_id"] for c in body["candidates"]} == {anna, bo}
    scores = [c["score"] for c in body["candidates"]]
    assert scores == sorted(scores, reverse=True)
    for candidate in body["candidates"]:
        assert set(candidate) == {"volunteer_id", "score", "parts"}
        for part in candidate["parts"]:
            assert set(part) == {"key", "points", "reason"} and isinstance(part["reason"], str)
    # Without ?limit: the tenant's number of candidates to present.
    default = client.get(f"{BASE}/referrals/{referral}/candidates", headers=coordinator_headers).json
    assert len(default["candidates"]) == default["count"] == 1


def test_candidates_are_for_coordinators_only(client, mentor_headers, referral_id):
    referral = referral_id()
    assert client.get(f"{BASE}/referrals/{referral}/candidates", headers=mentor_headers).status_code == 403


def test_propose_choose_accept_end_with_exact_keys(client, coordinator_headers, mentor_user, mentor_id,
                                                   referral_id):
    anna = mentor_id("Anna Andersen", user=mentor_user)
    bo = mentor_id("Bo Berg")
    referral = referral_id()
    created = propose(client, coordinator_headers, referral, [anna, bo])
    assert created.status_code == 201, created.json
    assert set(created.json) == MATCH_KEYS and CONTRACT_KEYS <= set(created.json)
    assert created.json["status"] == "proposed" and created.json["candidate_ids"] == [anna, bo]
    match_id = created.json["id"]
    chosen = client.post(f"{BASE}/matches/{match_id}/choose", json={"volunteer_id": anna}, headers=coordinator_headers)
    assert chosen.status_code == 200 and chosen.json["status"] == "chosen" and chosen.json["volunteer_id"] == anna
    mentor = {**api_token(client, mentor_user), "Accept-Language": "en"}
    accepted = client.post(f"{BASE}/matches/{match_id}/accept", headers=mentor)
    assert accepted.status_code == 200 and accepted.json["status"] == "active"
    assert accepted.json["started_on"] == date.today().isoformat()
    ended = client.post(f"{BASE}/matches/{match_id}/end", headers=coordinator_headers,
                        json={"ended_on": date.today().isoformat(), "end_reason": "completed", "outcome": "job"})
    assert ended.status_code == 200, ended.json
    assert (ended.json["status"], ended.json["end_reason"], ended.json["outcome"]) == ("ended", "completed", "job")
    one = client.get(f"{BASE}/matches/{match_id}", headers=coordinator_headers)
    assert one.status_code == 200 and set(one.json) == MATCH_KEYS
    assert (one.json["meeting_count"], one.json["last_meeting_on"]) == (0, None)


@pytest.mark.parametrize("path, refused", [
    ([], "accept"), ([], "decline"), ([], "end"), (["choose"], "choose"), (["choose", "accept"], "cancel"),
    (["choose", "accept", "end"], "end"), (["cancel"], "choose"),
])
def test_a_transition_the_state_does_not_allow_is_409(client, coordinator_headers, mentor_user, mentor_id,
                                                      referral_id, path, refused):
    anna = mentor_id("Anna", user=mentor_user)
    match_id = propose(client, coordinator_headers, referral_id(), [anna]).json["id"]
    mentor = {**api_token(client, mentor_user), "Accept-Language": "en"}
    bodies = {"choose": ({"volunteer_id": anna}, coordinator_headers), "accept": (None, mentor),
              "decline": (None, mentor), "cancel": (None, coordinator_headers),
              "end": ({"ended_on": date.today().isoformat(), "end_reason": "completed", "outcome": "job"},
                      coordinator_headers)}
    for step in path:
        body, headers = bodies[step]
        assert client.post(f"{BASE}/matches/{match_id}/{step}", json=body, headers=headers).status_code == 200, step
    body, headers = bodies[refused]
    response = client.post(f"{BASE}/matches/{match_id}/{refused}", json=body, headers=headers)
    if refused in ("accept", "decline") and not path:
        # A proposal not yet chosen has no mentor: it is not the mentor's match yet.
        assert_contract_error(response, 404)
    else:
        assert_contract_error(response, 409)


def test_over_capacity_is_409(client, coordinator_headers, mentor_id, referral_id):
    anna = mentor_id("Anna", capacity=1)
    first, second = referral_id("Ung En"), referral_id("Ung To")
    assert propose(client, coordinator_headers, first, [anna]).status_code == 201
    body = assert_contract_error(propose(client, coordinator_headers, second, [anna]), 409)
    assert set(body["errors"]) == {"volunteer_ids"}


def test_a_mentor_sees_only_their_own_matches_and_a_caseworker_none(client, coordinator_headers, mentor_user,
                                                                    mentor_id, referral_id, user_factory,
                                                                    matching_tenant):
    anna = mentor_id("Anna", user=mentor_user)
    bo = mentor_id("Bo")
    mine = propose(client, coordinator_headers, referral_id("Ung En"), [anna]).json["id"]
    theirs = propose(client, coordinator_headers, referral_id("Ung To"), [bo]).json["id"]
    for match_id, volunteer_id in ((mine, anna), (theirs, bo)):
        client.post(f"{BASE}/matches/{match_id}/choose", json={"volunteer_id": volunteer_id}, headers=coordinator_headers)
    mentor = {**api_token(client, mentor_user), "Accept-Language": "en"}
    listed = client.get(f"{BASE}/matches", headers=mentor)
    assert listed.status_code == 200 and [m["id"] for m in listed.json] == [mine]
    assert set(listed.json[0]) == MATCH_KEYS
    assert client.get(f"{BASE}/matches/{mine}", headers=mentor).status_code == 200
    assert_contract_error(client.get(f"{BASE}/matches/{theirs}", headers=mentor), 404)
    assert_contract_error(client.post(f"{BASE}/matches/{theirs}/accept", headers=mentor), 404)
    assert_contract_error(client.post(f"{BASE}/matches/{theirs}/decline", headers=mentor), 404)
    # The coordinator cannot give the mentor's answer.
    assert client.post(f"{BASE}/matches/{mine}/accept", headers=coordinator_headers).status_code == 403
    caseworker = {**api_token(client, user_factory(matching_tenant, "caseworker")), "Accept-Language": "en"}
    for url in (f"{BASE}/matches", f"{BASE}/matches/{mine}"):
        assert client.get(url, headers=caseworker).status_code in (403, 404)
    # The coordinator sees both, filtered by status.
    all_ = client.get(f"{BASE}/matches?status=chosen", headers=coordinator_headers).json
    assert sorted(m["id"] for m in all_) == sorted([mine, theirs])
    assert client.get(f"{BASE}/matches?status=active", headers=coordinator_headers).json == []


def test_the_mentor_declines_and_the_referral_waits_again(client, coordinator_headers, mentor_user, mentor_id,
                                                          referral_id, matching_tenant):
    from core.referrals.models import Referral

    anna = mentor_id("Anna", user=mentor_user)
    referral = referral_id()
    match_id = propose(client, coordinator_headers, referral, [anna]).json["id"]
    client.post(f"{BASE}/matches/{match_id}/choose", json={"volunteer_id": anna}, headers=coordinator_headers)
    mentor = {**api_token(client, mentor_user), "Accept-Language": "en"}
    response = client.post(f"{BASE}/matches/{match_id}/decline", json={"note": "Ikke tid"}, headers=mentor)
    assert response.status_code == 200 and response.json["status"] == "declined"
    with tenant_context(matching_tenant):
        assert db.session.get(Referral, referral).status == "accepted"


def test_the_list_has_constant_queries(client, coordinator_headers, mentor_id, referral_id, count_queries):
    def add(n):
        for i in range(n):
            mentor = mentor_id(f"Mentor {i}-{n}")
            propose(client, coordinator_headers, referral_id(f"Ung {i}-{n}"), [mentor])

    add(2)
    with count_queries() as few:
        assert len(client.get(f"{BASE}/matches", headers=coordinator_headers).json) == 2
    add(6)
    with count_queries() as many:
        assert len(client.get(f"{BASE}/matches", headers=coordinator_headers).json) == 8
    assert len(many) == len(few), (len(few), len(many))
