"""Fixtures for network-based recruitment: tenants with the plugin, a corps mentor who took the full
course and has a certificate (the ordinary route), accepted referrals, and a nomination taken to a
chosen step through the plugin's services."""
from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from core.clock import travel
from core.extensions import db
from core.tenancy import tenant_context

PLUGIN = "network_recruitment"
DAY = timedelta(days=1)


def days_ago(n: int) -> date:
    return date.today() - n * DAY


@pytest.fixture
def net_tenant(tenant_factory):
    return tenant_factory("netby", "Netby Kommune", plugins=(PLUGIN,))


@pytest.fixture
def coordinator_of(user_factory):
    made = {}

    def make(tenant):
        if tenant.id not in made:
            made[tenant.id] = user_factory(tenant, "coordinator")
        return made[tenant.id]

    return make


@pytest.fixture
def corps_mentor(coordinator_of):
    """The id of a mentor of the corps' ordinary route: recruited, the full course completed, a certificate,
    approved."""
    from core.training import services as training
    from core.volunteers import services as volunteers

    def make(tenant, name="Karin Korps", *, capacity=2, postcode=None, interests=()):
        with tenant_context(tenant):
            volunteer = volunteers.create_volunteer({
                "name": name, "birth_date": date(1975, 4, 4), "recruitment_channel": "word_of_mouth",
                "recruited_on": days_ago(120), "capacity": capacity, "postcode": postcode,
                "interests": list(interests)})
            course = training.create_course({"title": f"Mentorkursus {name}", "max_participants": 5})
            session = training.add_session(course, days_ago(60), 3, starts_at=time(17, 0))
            training.enroll(course, volunteer)
            training.register_attendance(session, {volunteer.id: True})
            volunteers.add_screening(volunteer, "child_certificate", days_ago(50))
            volunteers.change_status(volunteer, "approved", days_ago(40))
            volunteer_id = volunteer.id
            db.session.commit()
            return volunteer_id

    return make


@pytest.fixture
def referral_in(coordinator_of):
    """The id of a referral of a young person, accepted at intake unless ``accept=False``."""
    from core.referrals import services as referrals

    def make(tenant, name="Yasmin Ung", *, situation="cash_benefit", age=20, accept=True, interests=()):
        coordinator = coordinator_of(tenant)
        with tenant_context(tenant):
            referral = referrals.create_referral({
                "citizen": {"name": name, "birth_date": date.today() - timedelta(days=365 * age + 40),
                            "interests": list(interests)},
                "referred_on": days_ago(30), "source": "jobcenter", "situation": situation,
                "consent_given_on": days_ago(30), "consent_text_version": "core-1",
                "referrer_name": "Ungeenheden", "referrer_organisation": "Kommunen",
            }, coordinator, "coordinator")
            if accept:
                with travel(days_ago(28)):
                    referrals.decide_intake(referral, {}, "accept", user=coordinator)
            referral_id = referral.id
            db.session.commit()
            return referral_id

    return make


ADULT = {"adult_name": "Hanne Holm", "relation": "moster", "phone": "20 30 40 50", "email": "hanne@example.com",
         "consent_to_contact_on": days_ago(20)}


@pytest.fixture
def nomination_at():
    """Take a new nomination of ``referral`` to ``stage`` through the services: ``to_ask``,
    ``awaiting_answer``, ``short_route`` (yes, the adult is a volunteer), ``ready`` (certificate and
    introduction done) or ``matched``. Returns the nomination's id."""
    from plugins.network_recruitment import services

    def make(tenant, referral_id, stage="to_ask", **adult):
        from core.referrals.services import get_referral

        with tenant_context(tenant):
            nomination = services.record_nomination(get_referral(referral_id), {**ADULT, **adult})
            if stage != "to_ask":
                services.record_asked(nomination, days_ago(15))
            if stage in ("short_route", "ready", "matched"):
                services.record_answer(nomination, "yes", days_ago(12), {"postcode": "9999"})
            if stage in ("ready", "matched"):
                services.add_screening(nomination, days_ago(10))
                services.record_introduction(nomination, days_ago(8))
            if stage == "matched":
                services.approve_and_match(nomination, days_ago(5))
            nomination_id = nomination.id
            db.session.commit()
            return nomination_id

    return make
