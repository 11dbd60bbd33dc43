"""The front pages show what needs doing now. Coordinator: new referrals, proposals waiting for the
young person or the mentor, active matches with no meeting for ``no_contact_days`` (counted once the
match is that old), follow-ups due, certificates expiring within 30 days, each with a count and the
first few; caseworker: their own referrals' statuses and the "refer" button; mentor: their young
people with "log a meeting" and a proposal waiting for their answer. Constant query counts."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from core.extensions import db
from core.matching import services as matching
from core.meetings.models import Meeting
from core.tenancy import tenant_context
from tests.conftest import login
from tests.core.matching.conftest import extra_plugins, matching_tenant, mentor_factory, referral_factory  # noqa: F401

TASKS = {"new_referrals", "waiting_young", "waiting_mentor", "no_contact", "followups_due", "screenings_expiring"}


def _match(tenant, referral, volunteer, *, to="active", started=None, ended=None):
    with tenant_context(tenant):
        referral, volunteer = db.session.merge(referral), db.session.merge(volunteer)
        match = matching.propose(referral, [volunteer.id])
        if to != "proposed":
            matching.choose(match, volunteer.id)
        if to in ("active", "ended"):
            matching.accept(match, on=started or date.today())
        if to == "ended":
            matching.end(match, {"ended_on": ended, "end_reason": "completed", "outcome": "job"})
        db.session.commit()
        return match.id


def _counts(html):
    return {key: int(n) for key, n in re.findall(r'data-testid="task-([a-z_]+)-count">(\d+)<', html)}


@pytest.fixture
def coordinator(client, matching_tenant, user_factory):
    login(client, user_factory(matching_tenant, "coordinator"), matching_tenant)
    return client


def _expiring_mentor(tenant, mentor_factory, name, in_days):
    from core.volunteers import services as volunteers

    volunteer = mentor_factory(name)
    with tenant_context(tenant):
        volunteer = db.session.merge(volunteer)
        volunteers.add_screening(volunteer, "criminal_record",
                                 volunteers.add_months(date.today() + timedelta(days=in_days), -24))
        db.session.commit()
    return volunteer


def _one_of_each(tenant, mentor_factory, referral_factory, n=1):
    for i in range(n):
        referral_factory(f"Ny{i} Ung", accept=False)
        _match(tenant, referral_factory(f"Valg{i} Ung"), mentor_factory(f"Mentor P{i}"), to="proposed")
        _match(tenant, referral_factory(f"Svar{i} Ung"), mentor_factory(f"Mentor C{i}"), to="chosen")
        _match(tenant, referral_factory(f"Stille{i} Ung"), mentor_factory(f"Mentor A{i}"),
               started=date.today() - timedelta(days=40))
        _match(tenant, referral_factory(f"Slut{i} Ung"), mentor_factory(f"Mentor E{i}"), to="ended",
               started=date.today() - timedelta(days=400), ended=date.today() - timedelta(days=200))
        _expiring_mentor(tenant, mentor_factory, f"Udløber{i} Mentor", 10)


def test_the_coordinators_front_page_lists_each_kind_of_task(coordinator, matching_tenant, mentor_factory,
                                                             referral_factory):
    _one_of_each(matching_tenant, mentor_factory, referral_factory)
    _expiring_mentor(matching_tenant, mentor_factory, "Senere Mentor", 60)  # not within 30 days
    response = coordinator.get("/matchby/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert set(re.findall(r'data-testid="task-([a-z_]+)"', html)) == TASKS
    assert _counts(html) == {key: 1 for key in TASKS}
    for name in ("Ny0", "Valg0", "Svar0", "Stille0", "Slut0", "Udløber0 Mentor"):
        assert name in html
    assert "Senere Mentor" not in html
    assert "/matchby/referrals/" in html and "/matchby/followups" in html


def test_no_contact_counts_once_the_match_is_that_old(coordinator, matching_tenant, mentor_factory,
                                                      referral_factory, frozen):
    from core.settings import update_tenant_settings

    quiet = _match(matching_tenant, referral_factory("Ny Start"), mentor_factory("Anna"))  # started today
    met = _match(matching_tenant, referral_factory("Har Mødt"), mentor_factory("Bo"),
                 started=date.today() - timedelta(days=100))
    with tenant_context(matching_tenant):
        db.session.add(Meeting(match_id=met, held_on=date.today(), minutes=30))
        db.session.commit()
    frozen(date.today() + timedelta(days=20))
    assert _counts(coordinator.get("/matchby/").get_data(as_text=True))["no_contact"] == 0
    frozen(date.today() + timedelta(days=21))
    html = coordinator.get("/matchby/").get_data(as_text=True)
    assert _counts(html)["no_contact"] == 2 and "Ny Start" in html and "Har Mødt" in html
    with tenant_context(matching_tenant):
        update_tenant_settings(db.session.merge(matching_tenant), {"no_contact_days": 22})
        db.session.commit()
    assert _counts(coordinator.get("/matchby/").get_data(as_text=True))["no_contact"] == 0
    assert quiet != met


def test_a_follow_up_is_a_task_from_its_due_day(coordinator, matching_tenant, mentor_factory, referral_factory,
                                                frozen):
    ended = date.today() - timedelta(days=10)
    _match(matching_tenant, referral_factory("Slut Ung"), mentor_factory("Anna"), to="ended",
           started=date.today() - timedelta(days=100), ended=ended)
    from core.clock import add_months

    frozen(add_months(ended, 6) - timedelta(days=1))
    assert _counts(coordinator.get("/matchby/").get_data(as_text=True))["followups_due"] == 0
    frozen(add_months(ended, 6))
    html = coordinator.get("/matchby/").get_data(as_text=True)
    assert _counts(html)["followups_due"] == 1 and "Slut Ung" in html


def test_the_coordinators_front_page_has_a_constant_number_of_queries(coordinator, matching_tenant, mentor_factory,
                                                                      referral_factory, count_queries):
    def queries():
        coordinator.get("/matchby/")
        with count_queries() as q:
            assert coordinator.get("/matchby/").status_code == 200
        return len(q)

    _one_of_each(matching_tenant, mentor_factory, referral_factory)
    one = queries()
    _one_of_each(matching_tenant, mentor_factory, referral_factory, n=3)
    assert _counts(coordinator.get("/matchby/").get_data(as_text=True)) == {key: 4 for key in TASKS}
    assert queries() == one


def test_the_caseworker_sees_their_own_referrals_and_the_refer_button(client, matching_tenant, user_factory):
    from core.referrals import services as referrals

    mine, theirs = user_factory(matching_tenant, "caseworker"), user_factory(matching_tenant, "caseworker")
    for user, name in ((mine, "Min Ung"), (theirs, "Deres Ung")):
        with tenant_context(matching_tenant):
            referrals.create_referral({
                "citizen": {"name": name, "birth_date": date(2004, 3, 3)}, "source": "jobcenter",
                "situation": "cash_benefit", "consent_given_on": date.today(), "consent_text_version": "v1"},
                user, "caseworker")
            db.session.commit()
    login(client, mine, matching_tenant)
    html = client.get("/matchby/").get_data(as_text=True)
    assert "Min Ung" in html and "Deres Ung" not in html
    assert 'data-testid="refer-button"' in html and "/matchby/referrals/new" in html
    assert re.findall(r'data-testid="(status-[a-z]+)"', html) == ["status-received"]
    assert len(re.findall(r'data-testid="my-referral"', html)) == 1


def test_the_mentor_sees_their_young_people_and_a_proposal_to_answer(client, matching_tenant, user_factory,
                                                                     mentor_factory, referral_factory):
    user = user_factory(matching_tenant, "mentor")
    anna = mentor_factory("Anna", capacity=3, user=user)
    active = _match(matching_tenant, referral_factory("Yasmin Ung"), anna)
    chosen = _match(matching_tenant, referral_factory("Omar Ung"), anna, to="chosen")
    _match(matching_tenant, referral_factory("Anden Ung"), mentor_factory("Bo"))  # another mentor's
    login(client, user, matching_tenant)
    html = client.get("/matchby/").get_data(as_text=True)
    assert len(re.findall(r'data-testid="front-young-person"', html)) == 1 and "Yasmin" in html
    assert "Yasmin Ung" not in html and "Anden" not in html
    assert f"/matchby/my/matches/{active}/meetings/new" in html
    assert len(re.findall(r'data-testid="front-proposal"', html)) == 1
    assert f"/matchby/my/proposals/{chosen}" in html and "Omar Ung" not in html


@pytest.mark.parametrize("value, ok", [(0, False), (1, True), (365, True), (366, False), (True, False), ("21", False)])
def test_no_contact_days_is_validated(matching_tenant, value, ok):
    from core.errors import ServiceError
    from core.settings import tenant_setting, update_tenant_settings

    with tenant_context(matching_tenant):
        tenant = db.session.merge(matching_tenant)
        assert tenant_setting(tenant, "no_contact_days") == 21
        if ok:
            update_tenant_settings(tenant, {"no_contact_days": value})
            assert tenant_setting(tenant, "no_contact_days") == value
        else:
            with pytest.raises(ServiceError) as refused:
                update_tenant_settings(tenant, {"no_contact_days": value})
            assert list(refused.value.errors) == ["no_contact_days"]
        db.session.rollback()


def test_no_contact_days_is_on_the_settings_page(coordinator, matching_tenant):
    from tests.conftest import post_form

    page = coordinator.get("/matchby/settings/").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="no_contact_days"[^>]*value="21"', page)
    refused = post_form(coordinator, "/matchby/settings/", {"screening_valid_months": "24", "default_capacity": "1",
                                                             "no_contact_days": "400"})
    assert refused.status_code == 422
    assert re.findall(r'data-field="([a-z_]+)"', refused.get_data(as_text=True)) == ["no_contact_days"]
    saved = post_form(coordinator, "/matchby/settings/", {"screening_valid_months": "24", "default_capacity": "1",
                                                           "no_contact_days": "30"})
    assert saved.status_code == 302
    assert re.search(r'name="no_contact_days"[^>]*value="30"', coordinator.get("/matchby/settings/").get_data(as_text=True))
