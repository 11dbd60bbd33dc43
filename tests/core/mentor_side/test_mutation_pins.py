"""Pins for what mutation testing found unguarded in the gates matching will use
(core/volunteers/services.py): each test fails when its guard is removed or moved by one.

- a paused or left volunteer is not matchable (``MATCHABLE`` and the status gate);
- a renewed screening counts the newest certificate, whatever order they were registered in;
- a certificate is valid on its last valid day and expired the day after;
- a mentor's capacity may be exactly ``MAX_CAPACITY`` (10), not one more.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.errors import ServiceError
from core.settings import MAX_CAPACITY, update_tenant_settings
from core.training import services as training
from core.volunteers import services as volunteers
from core.volunteers.models import Volunteer
from tests.conftest import api_token

ADULT = date(1980, 5, 17)


def blocking(result) -> list[str]:
    return sorted(f.code for f in result.findings if f.blocking)


def matchable_volunteer(days_ago, status="approved", certificates=None):
    """A volunteer who passes every gate: course completed, a valid certificate (or the
    ``certificates`` obtained on the dates given, in that order), approved (then ``status``)."""
    volunteer = volunteers.create_volunteer({"name": "Bo Berg", "birth_date": ADULT,
                                             "recruited_on": days_ago(120)})
    course = training.create_course({"title": "Mentorkursus"})
    sessions = [training.add_session(course, days_ago(d), 3) for d in (60, 53)]
    training.enroll(course, volunteer)
    for session in sessions:
        training.register_attendance(session, {volunteer.id: True})
    for obtained in (certificates if certificates is not None else [days_ago(40)]):
        volunteers.add_screening(volunteer, "child_certificate", obtained)
    volunteers.change_status(volunteer, "approved", on=days_ago(30))
    if status == "active":
        volunteers.change_status(volunteer, "active", on=days_ago(20))
    return volunteer


# ---- status ----------------------------------------------------------------------------------

def test_only_approved_and_active_volunteers_are_matchable(in_tenant, days_ago):
    volunteer = matchable_volunteer(days_ago)
    assert volunteers.eligibility(volunteer).eligible  # approved
    volunteers.change_status(volunteer, "active", on=days_ago(20))
    assert volunteers.eligibility(volunteer).eligible

    volunteers.change_status(volunteer, "paused", on=days_ago(10))
    paused = volunteers.eligibility(volunteer)
    assert not paused.eligible and blocking(paused) == ["status"]

    volunteers.change_status(volunteer, "active", on=days_ago(5))  # back from the pause
    assert volunteers.eligibility(volunteer).eligible

    volunteers.change_status(volunteer, "left", on=days_ago(1))
    left = volunteers.eligibility(volunteer)
    assert not left.eligible and blocking(left) == ["status"]


def test_the_batched_check_refuses_paused_and_left_among_eligible_ones(in_tenant, days_ago):
    approved, paused, left = (matchable_volunteer(days_ago) for _ in range(3))
    volunteers.change_status(paused, "paused", on=days_ago(10))
    volunteers.change_status(left, "left", on=days_ago(10))
    result = volunteers.eligibility_many([approved, paused, left])
    assert {v.id: result[v.id].eligible for v in (approved, paused, left)} == {
        approved.id: True, paused.id: False, left.id: False}


# ---- screening: the newest certificate counts -------------------------------------------------

@pytest.mark.parametrize("newest_first", [False, True], ids=["renewed", "registered-newest-first"])
def test_a_renewed_screening_counts_the_newest_certificate(in_tenant, days_ago, newest_first):
    old, renewed = days_ago(365 * 3), days_ago(10)  # the old one expired (24 months by default)
    volunteer = matchable_volunteer(days_ago, certificates=[renewed, old] if newest_first else [old, renewed])
    result = volunteers.eligibility(volunteer)
    assert result.eligible, [str(r) for r in result.reasons]
    # And the other way round: an old certificate registered later does not hide an expiry.
    expired_only = matchable_volunteer(days_ago, certificates=[days_ago(365 * 3), days_ago(365 * 4)])
    assert blocking(volunteers.eligibility(expired_only)) == ["screening_expired"]


# ---- screening: the last valid day and the day it expires -------------------------------------

@pytest.mark.parametrize("obtained, months, last_valid", [
    (date(2024, 3, 15), 24, date(2026, 3, 15)),
    (date(2024, 2, 29), 24, date(2026, 2, 28)),  # no 29 February in 2026: the month's last day
    (date(2025, 8, 31), 1, date(2025, 9, 30)),
])
def test_a_certificate_is_valid_on_its_last_day_and_expired_the_next(in_tenant, days_ago, obtained, months, last_valid):
    update_tenant_settings(in_tenant, {"screening_valid_months": months})
    volunteer = matchable_volunteer(days_ago, certificates=[obtained])
    screening = volunteer.screenings[0]
    assert volunteers.screening_valid_until(screening) == last_valid

    def screening_codes(on):
        return [c for c in blocking(volunteers.eligibility(volunteer, on=on)) if c.startswith("screening")]

    assert screening_codes(obtained) == []
    assert screening_codes(last_valid) == []
    expired = volunteers.eligibility(volunteer, on=last_valid + timedelta(days=1))
    assert [f.code for f in expired.findings if f.code.startswith("screening")] == ["screening_expired"]


# ---- capacity: exactly the maximum ------------------------------------------------------------

def test_capacity_of_exactly_the_maximum_is_accepted_and_one_more_refused(in_tenant):
    assert MAX_CAPACITY == 10
    volunteer = volunteers.create_volunteer({"name": "Cecilie Dam", "capacity": 10})
    assert volunteer.capacity == 10
    volunteers.update_volunteer(volunteer, {"capacity": 0})
    volunteers.update_volunteer(volunteer, {"capacity": 10})
    assert volunteer.capacity == 10
    with pytest.raises(ServiceError) as error:
        volunteers.update_volunteer(volunteer, {"capacity": 11})
    assert list(error.value.errors) == ["capacity"]
    with pytest.raises(ServiceError) as error:
        volunteers.create_volunteer({"name": "Dorte Ege", "capacity": 11})
    assert list(error.value.errors) == ["capacity"]
    # The tenant's default for new mentors has the same ceiling.
    update_tenant_settings(in_tenant, {"default_capacity": 10})
    assert volunteers.create_volunteer({"name": "Erik Falk"}).capacity == 10
    with pytest.raises(ServiceError) as error:
        update_tenant_settings(in_tenant, {"default_capacity": 11})
    assert list(error.value.errors) == ["default_capacity"]


def test_capacity_maximum_through_the_api(client, tenant, user_factory):
    headers = {**api_token(client, user_factory(tenant, "coordinator")), "Accept-Language": "en"}
    url = f"/api/v1/{tenant.slug}/volunteers"
    accepted = client.post(url, json={"name": "Frida Gram", "capacity": 10}, headers=headers)
    assert accepted.status_code == 201, accepted.get_json()
    assert accepted.get_json()["capacity"] == 10
    refused = client.post(url, json={"name": "Gustav Holm", "capacity": 11}, headers=headers)
    assert refused.status_code == 422 and set(refused.get_json()["errors"]) == {"capacity"}, refused.get_json()
    changed = client.patch(f"{url}/{accepted.get_json()['id']}", json={"capacity": 11}, headers=headers)
    assert changed.status_code == 422 and set(changed.get_json()["errors"]) == {"capacity"}, changed.get_json()
    assert [v["capacity"] for v in client.get(url, headers=headers).get_json()] == [10]
