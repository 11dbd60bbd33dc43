"""A mentor's capacity under concurrency: 20 coordinators propose the same mentor for 20 young
people at the same moment, through the HTTP API of a real server with real threads, on SQLite and
on PostgreSQL (DATABASE_URL). Exactly the free places succeed; the rest get a clear 409; no 500.

``propose`` locks the mentor's row before counting the places taken (core.locking); without the
lock, concurrent requests each count a free place and the mentor is over-booked."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.extensions import db as _db
from core.tenancy import tenant_context
from tests.conftest import PASSWORD
from tests.core.test_concurrency import THREADS, app_config, call, race, served  # noqa: F401


@pytest.fixture
def world(app, matching_tenant, user_factory, mentor_factory, referral_factory, request):
    coordinator = user_factory(matching_tenant, "coordinator")
    capacity = request.param
    mentor = mentor_factory("Anna Andersen", capacity=capacity)
    referrals = [referral_factory(f"Ung {i:02d}") for i in range(THREADS)]
    with tenant_context(matching_tenant):
        values = {"slug": matching_tenant.slug, "mentor_id": mentor.id, "capacity": capacity,
                  "referral_ids": [r.id for r in referrals], "email": coordinator.email}
        _db.session.commit()
    return values


def _tokens(app, email):
    issued = []
    with served(app) as port:
        for _ in range(THREADS):
            status, body = call(port, "POST", "/api/v1/auth/token", {"email": email, "password": PASSWORD})
            assert status == 201, body
            issued.append(body["token"])
    return issued


def _proposals_of(slug, mentor_id) -> int:
    from core.matching.models import Match, MatchCandidate
    from core.platform.services import get_tenant_by_slug

    with tenant_context(get_tenant_by_slug(slug)):
        count = _db.session.scalar(select(func.count(MatchCandidate.id)).join(Match, Match.id == MatchCandidate.match_id)
                                   .where(MatchCandidate.volunteer_id == mentor_id, Match.status == "proposed"))
        _db.session.rollback()
        return count


@pytest.mark.parametrize("world", [1, 2], indirect=True, ids=["capacity-1", "capacity-2"])
def test_twenty_concurrent_proposals_of_one_mentor_fill_exactly_the_free_places(app, world):
    tokens = _tokens(app, world["email"])
    path = f"/api/v1/{world['slug']}/matches"
    with served(app) as port:
        results = race(port, [("POST", path, {"referral_id": referral_id, "volunteer_ids": [world["mentor_id"]]}, token)
                              for referral_id, token in zip(world["referral_ids"], tokens)])

    statuses = sorted(str(s) for s, _ in results)
    assert all(s in (201, 409) for s, _ in results), results  # no 500, no 'database is locked', no client error
    created = [body for s, body in results if s == 201]
    refused = [body for s, body in results if s == 409]
    assert len(created) == world["capacity"], statuses
    assert len(refused) == THREADS - world["capacity"], statuses
    for body in created:
        assert body["status"] == "proposed" and body["candidate_ids"] == [world["mentor_id"]], body
    for body in refused:  # a clear refusal in the contract's format
        assert body["code"] == 409 and body["message"] and set(body["errors"]) == {"volunteer_ids"}, body
    assert _proposals_of(world["slug"], world["mentor_id"]) == world["capacity"]
