"""Fixtures for matching: mentors who may be matched (approved, no course or certificate required by
a test plugin and the tenant's setting) and accepted referrals, made through the services."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.extensions import db
from core.tenancy import tenant_context
from tests.core.helpers import make_plugin

MATCHING_PLUGIN = "matching_test_rules"


@pytest.fixture
def extra_plugins():
    return (make_plugin(MATCHING_PLUGIN, mentorkorps_course_required_for_matching=lambda tenant, volunteer: False),)


@pytest.fixture
def matching_tenant(tenant_factory):
    from core.settings import update_tenant_settings

    tenant = tenant_factory("matchby", "Matchby Kommune", plugins=(MATCHING_PLUGIN,))
    with tenant_context(tenant):
        update_tenant_settings(tenant, {"screening_required": False})
        db.session.commit()
    return tenant


@pytest.fixture
def mentor_factory(matching_tenant):
    from core.volunteers import services as volunteers

    def make(name, *, capacity=1, interests=(), status="approved", user=None, about_me=None):
        with tenant_context(matching_tenant):
            volunteer = volunteers.create_volunteer({
                "name": name, "birth_date": date(1980, 5, 5), "recruitment_channel": "press",
                "recruited_on": date.today() - timedelta(days=200), "capacity": capacity,
                "interests": list(interests)})
            volunteers.change_status(volunteer, "in_training", date.today() - timedelta(days=40))
            volunteers.change_status(volunteer, "approved", date.today() - timedelta(days=10))
            if status != "approved":
                volunteers.change_status(volunteer, status, date.today() - timedelta(days=5))
            if user is not None:
                volunteer.user_id = user.id
            volunteer.about_me = about_me
            db.session.commit()
            return volunteer

    return make


@pytest.fixture
def referral_factory(matching_tenant, user_factory):
    from core.referrals import services as referrals

    coordinator = user_factory(matching_tenant, "coordinator")

    def make(name="Ung Person", *, accept=True, interests=(), referred_on=None):
        with tenant_context(matching_tenant):
            referral = referrals.create_referral({
                "citizen": {"name": name, "birth_date": date(2004, 3, 3), "interests": list(interests)},
                "referred_on": referred_on or date.today() - timedelta(days=3),
                "source": "jobcenter", "situation": "cash_benefit",
                "consent_given_on": date.today() - timedelta(days=3), "consent_text_version": "v1",
                "referrer_name": "Jobcentret", "referrer_organisation": "Jobcenter",
            }, coordinator, "coordinator")
            if accept:
                referrals.decide_intake(referral, {}, "accept")
            db.session.commit()
            return referral

    return make
