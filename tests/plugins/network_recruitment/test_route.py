"""The scenario of seed 004 through the rules, end to end: a nomination becomes a match with the
nominated adult without the full course; a "no" and a "not approved" send the young person back to
the matching board, where a corps mentor is offered and matched; the nominated adult is offered to
no other young person; the steps refuse what is out of order, per field."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.errors import Conflict, ServiceError
from core.extensions import db
from core.matching import services as matching
from core.matching.models import Match
from core.referrals.services import get_referral
from core.tenancy import tenant_context
from core.volunteers import services as volunteers
from core.volunteers.models import Volunteer
from plugins.network_recruitment import services
from plugins.network_recruitment.models import NetworkNomination
from tests.plugins.network_recruitment.conftest import ADULT, days_ago


def _candidate_ids(referral_id):
    return [c.volunteer_id for c in matching.candidates_for(get_referral(referral_id), limit=5)]


def test_a_nomination_becomes_a_match_with_the_nominated_adult_without_the_full_course(
        net_tenant, referral_in, corps_mentor):
    referral_id = referral_in(net_tenant)
    corps_mentor(net_tenant)
    with tenant_context(net_tenant):
        referral = get_referral(referral_id)
        nomination = services.record_nomination(referral, dict(ADULT))
        assert nomination.stage == "to_ask" and nomination.answer == "pending"
        services.record_asked(nomination, days_ago(15))
        assert nomination.stage == "awaiting_answer"
        services.record_answer(nomination, "yes", days_ago(12), {"postcode": "9999", "birth_date": days_ago(365 * 45)})
        adult = nomination.volunteer
        assert nomination.stage == "short_route"
        assert (adult.name, adult.phone, adult.recruitment_channel, adult.status, adult.capacity) == (
            "Hanne Holm", "20 30 40 50", "nominated_by_young_person", "applicant", 1)
        # Before the short route is done, approval is refused with every missing step at once.
        with pytest.raises(ServiceError) as refused:
            services.approve_and_match(nomination, days_ago(9))
        assert set(refused.value.errors) == {"screening", "introduction"}
        services.add_screening(nomination, days_ago(10))
        services.record_introduction(nomination, days_ago(8))
        assert adult.status == "in_training"
        match = services.approve_and_match(nomination, days_ago(5))
        db.session.commit()
    with tenant_context(net_tenant):
        match = db.session.get(Match, match.id)
        adult = db.session.get(Volunteer, adult.id)
        nomination = db.session.get(NetworkNomination, nomination.id)
        assert (match.status, match.volunteer_id, match.referral_id) == ("active", adult.id, referral_id)
        assert match.network_nominated is True and match.started_on == days_ago(5)
        assert [c.volunteer_id for c in match.candidates] == [adult.id]  # exactly that adult
        assert match.referral.status == "matched"
        assert adult.status == "active"
        assert (nomination.stage, nomination.match_id, nomination.approved_on) == ("matched", match.id, days_ago(5))
        # No course at all: the gate that the plugin lifts for the adult is the course.
        assert not volunteers.eligibility(adult).findings or all(f.code != "course" for f in volunteers.eligibility(adult).findings)


def test_without_the_plugin_the_adult_would_need_the_course(net_tenant, referral_in, nomination_at):
    """The rule mutated: with the plugin switched off, the same adult is refused by the course gate."""
    from core.platform.services import set_plugin_enabled

    nomination_id = nomination_at(net_tenant, referral_in(net_tenant), "ready")
    with tenant_context(net_tenant):
        adult_id = db.session.get(NetworkNomination, nomination_id).volunteer_id
    set_plugin_enabled(net_tenant, "network_recruitment", False)
    db.session.commit()
    with tenant_context(net_tenant):
        adult = db.session.get(Volunteer, adult_id)
        volunteers.change_status(adult, "approved", days_ago(1))
        codes = {f.code for f in volunteers.eligibility(adult).findings if f.blocking}
        assert "course" in codes


@pytest.mark.parametrize("how", ["declined", "not_approved"])
def test_a_no_or_a_refusal_sends_the_young_person_back_to_the_corps(how, net_tenant, referral_in, corps_mentor,
                                                                     nomination_at):
    referral_id = referral_in(net_tenant)
    karin_id = corps_mentor(net_tenant)
    nomination_id = nomination_at(net_tenant, referral_id, "awaiting_answer" if how == "declined" else "ready")
    with tenant_context(net_tenant):
        # While the adult is asked, the corps' mentors are held back from this young person.
        assert [r.id for r in matching.waiting_referrals()] == [referral_id]
        assert _candidate_ids(referral_id) == []
        nomination = db.session.get(NetworkNomination, nomination_id)
        if how == "declined":
            services.record_answer(nomination, "no", days_ago(3), note="Har ikke tid")
        else:
            adult_id = nomination.volunteer_id
            services.refuse(nomination, days_ago(3), "Børneattesten")
            assert db.session.get(Volunteer, adult_id).status == "left"
        db.session.commit()
    with tenant_context(net_tenant):
        nomination = db.session.get(NetworkNomination, nomination_id)
        assert nomination.stage == how and nomination.closed_on == days_ago(3)
        referral = get_referral(referral_id)
        assert referral.status == "accepted"
        assert [r.id for r in matching.waiting_referrals()] == [referral_id]  # back on the board
        assert _candidate_ids(referral_id) == [karin_id]  # ... where the corps' mentor is offered
        match = matching.propose(referral, [karin_id])
        matching.choose(match, karin_id)
        matching.accept(match)
        db.session.commit()
        assert match.status == "active" and match.network_nominated is False


def test_the_corps_is_offered_meanwhile_when_the_tenant_does_not_hold_back(net_tenant, referral_in, corps_mentor,
                                                                           nomination_at):
    from core.platform.services import update_plugin_settings

    referral_id = referral_in(net_tenant)
    karin_id = corps_mentor(net_tenant)
    nomination_at(net_tenant, referral_id, "awaiting_answer")
    update_plugin_settings(net_tenant, "network_recruitment", {"hold_while_asking": False})
    db.session.commit()
    with tenant_context(net_tenant):
        assert _candidate_ids(referral_id) == [karin_id]


def test_the_nominated_adult_is_offered_to_no_other_young_person(net_tenant, referral_in, corps_mentor,
                                                                 nomination_at):
    own_id = referral_in(net_tenant, "Sara Egen")
    other_id = referral_in(net_tenant, "Oliver Anden")
    karin_id = corps_mentor(net_tenant, capacity=3)
    nomination_id = nomination_at(net_tenant, own_id, "ready")
    with tenant_context(net_tenant):
        nomination = db.session.get(NetworkNomination, nomination_id)
        adult = nomination.volunteer
        volunteers.change_status(adult, "approved", days_ago(2))  # approved by hand: still only for their own
        eligibility = volunteers.eligibility(adult)
        assert not eligibility.eligible and "network_nominated" in {f.code for f in eligibility.findings}
        assert adult.id not in {v.id for v in matching.eligible_volunteers()}
        assert _candidate_ids(other_id) == [karin_id]
        rows = {row.referral.id: [c.volunteer_id for c in row.suggested] for row in matching.suggest_for_waiting_list()}
        assert adult.id not in rows[other_id]
        # A proposal by hand is refused too.
        with pytest.raises(Conflict):
            matching.propose(get_referral(other_id), [adult.id])
        db.session.rollback()
    with tenant_context(net_tenant):
        nomination = db.session.get(NetworkNomination, nomination_id)
        services.approve_and_match(nomination, days_ago(1))
        db.session.commit()
    with tenant_context(net_tenant):
        match = db.session.scalar(select(Match).where(Match.referral_id == own_id))
        assert match.volunteer_id == nomination.volunteer_id and match.network_nominated
        assert nomination.volunteer_id not in _candidate_ids(other_id)


def test_the_parents_are_not_the_significant_adult_and_errors_come_per_field(net_tenant, referral_in):
    referral_id = referral_in(net_tenant)
    with tenant_context(net_tenant):
        referral = get_referral(referral_id)
        with pytest.raises(ServiceError) as refused:
            services.record_nomination(referral, {"adult_name": "", "relation": "Mor", "phone": "", "email": "x",
                                                  "consent_to_contact_on": None})
        assert set(refused.value.errors) == {"adult_name", "relation", "email", "consent_to_contact_on"}
        with pytest.raises(ServiceError) as refused:
            services.record_nomination(referral, {**ADULT, "phone": None, "email": None,
                                                  "consent_to_contact_on": days_ago(-1)})
        assert set(refused.value.errors) == {"phone", "consent_to_contact_on"}
        services.record_nomination(referral, dict(ADULT))
        with pytest.raises(Conflict):
            services.record_nomination(referral, dict(ADULT))  # one open nomination at a time


def test_steps_out_of_order_are_refused(net_tenant, referral_in, nomination_at):
    nomination_id = nomination_at(net_tenant, referral_in(net_tenant), "to_ask")
    with tenant_context(net_tenant):
        nomination = db.session.get(NetworkNomination, nomination_id)
        with pytest.raises(Conflict):
            services.record_answer(nomination, "yes", days_ago(1))  # not asked yet
        with pytest.raises(ServiceError) as refused:
            services.record_asked(nomination, days_ago(25))  # before the young person consented
        assert "asked_on" in refused.value.errors
        services.record_asked(nomination, days_ago(10))
        with pytest.raises(ServiceError) as refused:
            services.record_answer(nomination, "maybe", days_ago(11))
        assert set(refused.value.errors) == {"answer", "answered_on"}
        with pytest.raises(Conflict):
            services.approve_and_match(nomination, days_ago(1))


def test_the_referral_must_be_decided_before_the_match(net_tenant, referral_in, nomination_at):
    referral_id = referral_in(net_tenant, accept=False)  # nominated at intake (ask_at_intake)
    nomination_id = nomination_at(net_tenant, referral_id, "ready")
    with tenant_context(net_tenant):
        with pytest.raises(ServiceError) as refused:
            services.approve_and_match(db.session.get(NetworkNomination, nomination_id), days_ago(1))
        assert "referral" in refused.value.errors


def test_a_young_person_who_names_no_one_goes_the_corps_way(net_tenant, referral_in, corps_mentor):
    referral_id = referral_in(net_tenant)
    karin_id = corps_mentor(net_tenant)
    with tenant_context(net_tenant):
        assert [r.id for _n, r, _c in []] == []
        assert referral_id in {r.id for r, _c in services.overview().to_ask}
        services.record_none_named(get_referral(referral_id))
        db.session.commit()
        assert referral_id not in {r.id for r, _c in services.overview().to_ask}
        assert _candidate_ids(referral_id) == [karin_id]
