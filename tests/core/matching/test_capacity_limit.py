"""The core's consumer of ``mentorkorps_capacity_limit``: the most young people one mentor may have at
a time in a municipality. A volunteer's capacity cannot be set above it (service, web form, API),
the tenant's default capacity is kept within it, and matching counts a mentor's places as
``min(capacity, limit)`` — in the candidates, the batch suggestion, a proposal and a choice — so a
limit lowered after a mentor was registered with more holds at once."""
from __future__ import annotations

import pytest
from flask_babel import force_locale

from core.errors import Conflict, ServiceError
from core.extensions import db
from core.matching import services as matching
from core.matching.scoring import mentor_features
from core.settings import capacity_limit, tenant_setting, update_tenant_settings
from core.tenancy import tenant_context
from core.volunteers import services as volunteers
from tests.conftest import api_token, login, post_form
from tests.core.helpers import make_plugin
from tests.core.matching.conftest import MATCHING_PLUGIN
from tests.core.volunteers.helpers import field_error, text

LIMIT = {"value": 3}
CAPACITY_3 = ("The number of young people must be between 0 and 3. Enter a number in that range, or leave the field empty "
              "for the municipality's default.")


@pytest.fixture
def extra_plugins():
    LIMIT["value"] = 3
    return (make_plugin(MATCHING_PLUGIN, mentorkorps_course_required_for_matching=lambda tenant, volunteer: False,
                        mentorkorps_capacity_limit=lambda tenant: LIMIT["value"]),)


@pytest.fixture
def ctx(matching_tenant):
    with tenant_context(matching_tenant):
        yield matching_tenant


def english(messages) -> list[str]:
    with force_locale("en"):
        return [str(m) for m in messages]


def merged(*objects):
    return [db.session.merge(o) for o in objects]


def test_mentorkorps_capacity_limit_bounds_a_volunteers_capacity(ctx, tenant_factory):
    assert capacity_limit() == 3
    with pytest.raises(ServiceError) as refused:
        volunteers.create_volunteer({"name": "Ole", "capacity": 4})
    assert english(refused.value.errors["capacity"]) == [CAPACITY_3]
    db.session.rollback()
    volunteer = volunteers.create_volunteer({"name": "Ole", "capacity": 3})
    LIMIT["value"] = 2
    with pytest.raises(ServiceError):
        volunteers.update_volunteer(volunteer, {"capacity": 3})
    db.session.rollback()
    other = tenant_factory("andenby", "Andenby")  # no plugin: the default limit, 10
    assert capacity_limit(other) == 10


def test_the_default_capacity_stays_within_the_limit(ctx):
    update_tenant_settings(ctx, {"default_capacity": 3})
    LIMIT["value"] = 2
    assert volunteers.create_volunteer({"name": "Ida"}).capacity == 2  # the default, cut to the limit
    with pytest.raises(ServiceError) as refused:
        update_tenant_settings(ctx, {"default_capacity": 3})
    assert english(refused.value.errors["default_capacity"]) == ["Must be between 1 and 2."]
    assert tenant_setting(ctx, "default_capacity") == 3
    db.session.rollback()


def test_a_mentors_places_are_min_of_capacity_and_limit_in_every_step(ctx, mentor_factory, referral_factory):
    anna, bo = merged(mentor_factory("Anna", capacity=3), mentor_factory("Bo", capacity=1))
    young = [db.session.merge(referral_factory(f"Ung {n}")) for n in range(4)]
    first = matching.propose(young[0], [anna.id])
    matching.choose(first, anna.id)
    db.session.commit()
    assert mentor_features([anna.id, bo.id]).free_capacity.tolist() == [2, 1]

    LIMIT["value"] = 1  # lowered: Anna's one match fills her places
    assert mentor_features([anna.id, bo.id]).free_capacity.tolist() == [0, 1]
    assert [c.volunteer_id for c in matching.candidates_for(young[1], limit=5)] == [bo.id]
    rows = matching.suggest_for_waiting_list()
    assert [c.volunteer.id for row in rows for c in row.suggested] == [bo.id]  # one young person gets Bo, nobody Anna
    with pytest.raises(Conflict):
        matching.propose(young[1], [anna.id])
    db.session.rollback()

    LIMIT["value"] = 2  # raised: a second place, the third stays beyond the limit
    young, anna, bo = [db.session.merge(r) for r in young], db.session.merge(anna), db.session.merge(bo)
    second = matching.propose(young[1], [anna.id, bo.id])
    matching.choose(second, anna.id)
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        matching.propose(young[2], [anna.id])
    assert "Anna" in str(refused.value.message)
    db.session.rollback()


def test_a_choice_is_refused_when_the_limit_fell_meanwhile(ctx, mentor_factory, referral_factory):
    anna, bo = merged(mentor_factory("Anna", capacity=2), mentor_factory("Bo", capacity=2))
    one, two = merged(referral_factory("Ung En"), referral_factory("Ung To"))
    matching.choose(matching.propose(one, [anna.id]), anna.id)
    proposal = matching.propose(two, [anna.id, bo.id])
    db.session.commit()
    LIMIT["value"] = 1
    with pytest.raises(Conflict):
        matching.choose(proposal, anna.id)
    db.session.rollback()


def test_the_web_form_and_the_api_refuse_a_capacity_above_the_limit(app, client, matching_tenant, user_factory):
    user = user_factory(matching_tenant, "coordinator")
    login(client, user, matching_tenant)
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = text(client.get("/matchby/volunteers/new"))
    assert "at most 3" in page
    response = post_form(client, "/matchby/volunteers/new", {"name": "Ole", "capacity": "4"})
    assert response.status_code == 422
    assert field_error(text(response), "capacity") == CAPACITY_3
    assert post_form(client, "/matchby/volunteers/new", {"name": "Ole", "capacity": "3"}).status_code == 302

    headers = {**api_token(app.test_client(), user), "Accept-Language": "en"}
    api = app.test_client()
    response = api.post("/api/v1/matchby/volunteers", json={"name": "Ib", "capacity": 4}, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"capacity": [CAPACITY_3]}
    LIMIT["value"] = 5  # the next request reads the hook again
    assert api.post("/api/v1/matchby/volunteers", json={"name": "Ib", "capacity": 4}, headers=headers).status_code == 201
