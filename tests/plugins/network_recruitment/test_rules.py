"""The plugin's rules and settings: the target group (cash or education benefit, or under 18 with an
active case in the youth unit) through the API's intake; the settings on the municipality's page
in Danish, validated and taking effect on the next request; a mentor who moves away keeps their
young person (or, by the setting, is handed over), and is not offered to new young people; the
sparring groups' rhythm."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.extensions import db
from core.hooks.manager import hooks_for
from core.tenancy import tenant_context
from core.volunteers import services as volunteers
from tests.conftest import api_token, login, post_form
from tests.plugins.network_recruitment.conftest import days_ago


def _refer(client, headers, slug, *, age, situation):
    birth = date.today() - timedelta(days=365 * age + 60)
    response = client.post(f"/api/v1/{slug}/referrals", headers=headers, json={
        "citizen": {"name": "Ung Person", "birth_date": birth.isoformat()}, "source": "social_services",
        "situation": situation, "consent": {"given_on": date.today().isoformat(), "text_version": "core-1"}})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def headers(client, net_tenant, coordinator_of):
    return {**api_token(client, coordinator_of(net_tenant)), "Accept-Language": "en"}


@pytest.mark.parametrize("age,situation,inside", [
    (24, "cash_benefit", True), (19, "education_benefit", True), (16, "youth_unit_case", True),
    (18, "youth_unit_case", False), (20, "in_education", False), (16, "sick_leave", False)])
def test_the_target_group(client, headers, age, situation, inside):
    referral = _refer(client, headers, "netby", age=age, situation=situation)
    rules = [f for f in referral["findings"] if f["rule"] == "network_target_group"]
    assert (rules == []) is inside, rules
    if not inside:
        assert rules[0]["blocking"] is False  # the seed's *primary* target group: the coordinator decides
        accepted = client.post(f"/api/v1/netby/referrals/{referral['id']}/intake", headers=headers,
                               json={"answers": {}, "decision": "accept"})
        assert accepted.status_code == 200


def test_the_target_group_blocks_when_the_setting_says_so_and_the_age_limit_moves(client, headers, net_tenant):
    from core.platform.services import update_plugin_settings

    update_plugin_settings(net_tenant, "network_recruitment", {"target_group_blocking": True,
                                                               "youth_case_age_limit": 19})
    db.session.commit()
    referral = _refer(client, headers, "netby", age=20, situation="in_education")
    assert [f["blocking"] for f in referral["findings"] if f["rule"] == "network_target_group"] == [True]
    refused = client.post(f"/api/v1/netby/referrals/{referral['id']}/intake", headers=headers,
                          json={"answers": {}, "decision": "accept"})
    assert refused.status_code == 409 and "network_target_group" in refused.get_json()["errors"]
    eighteen = _refer(client, headers, "netby", age=18, situation="youth_unit_case")
    assert not [f for f in eighteen["findings"] if f["rule"] == "network_target_group"]  # under 19 now


def test_the_situation_and_the_rule_belong_to_the_plugins_tenants_only(client, tenant_factory, user_factory):
    plain = tenant_factory("plainby", "Plainby Kommune")
    headers = api_token(client, user_factory(plain, "coordinator"))
    response = client.post("/api/v1/plainby/referrals", headers=headers, json={
        "citizen": {"name": "Ung Person", "birth_date": "2005-01-01"}, "source": "jobcenter",
        "situation": "youth_unit_case", "consent": {"given_on": date.today().isoformat(), "text_version": "core-1"}})
    assert response.status_code == 422 and "situation" in response.get_json()["errors"]
    referral = _refer(client, headers, "plainby", age=20, situation="in_education")
    assert referral["findings"] == []


def test_the_settings_are_on_the_municipalitys_page_in_danish_and_validated(client, net_tenant, coordinator_of):
    login(client, coordinator_of(net_tenant), net_tenant)
    page = client.get("/netby/settings/").get_data(as_text=True)
    assert "Netværksbaseret rekruttering" in page and "Gange i den korte introduktion" in page
    assert "En mentor, der flytter væk, beholder sin unge" in page
    url = "/netby/settings/plugins/network_recruitment"
    refused = post_form(client, url, {"network_recruitment-introduction_sessions": "9"}, page="/netby/settings/")
    assert refused.status_code == 422
    saved = post_form(client, url, {"network_recruitment-introduction_sessions": "2",
                                    "network_recruitment-local_postcodes": "9999, 9998",
                                    "network_recruitment-sparring_every_weeks": "4",
                                    "network_recruitment-youth_case_age_limit": "18",
                                    "network_recruitment-ask_at_intake": "y",
                                    "network_recruitment-hold_while_asking": "y",
                                    "network_recruitment-screening_required": "y",
                                    "network_recruitment-keep_after_moving": "y"}, page="/netby/settings/")
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    with tenant_context(net_tenant):
        settings = hooks_for(net_tenant).settings_of("network_recruitment")
        assert settings["introduction_sessions"] == 2 and settings["local_postcodes"] == ["9999", "9998"]
        rhythms = [r for batch in hooks_for(net_tenant).mentorkorps_meeting_rhythms() for r in batch]
        assert [(r.kind, r.every_days) for r in rhythms] == [("sparring_group", 28)]


def test_the_number_of_introduction_sessions_holds_from_the_next_request(client, net_tenant, coordinator_of,
                                                                         referral_in, nomination_at):
    from core.platform.services import update_plugin_settings

    referral_id = referral_in(net_tenant)
    nomination_id = nomination_at(net_tenant, referral_id, "ready")
    login(client, coordinator_of(net_tenant), net_tenant)
    page = f"/netby/referrals/{referral_id}"
    update_plugin_settings(net_tenant, "network_recruitment", {"introduction_sessions": 2})
    db.session.commit()
    refused = post_form(client, f"/netby/network/nominations/{nomination_id}/approve",
                        {"approved_on": date.today().isoformat()}, page=page)
    assert refused.status_code == 422 and "1 af 2 introduktionsgange holdt." in refused.get_data(as_text=True)
    update_plugin_settings(net_tenant, "network_recruitment", {"introduction_sessions": 1})
    db.session.commit()
    done = post_form(client, f"/netby/network/nominations/{nomination_id}/approve",
                     {"approved_on": date.today().isoformat()}, page=page)
    assert done.status_code == 302


def test_a_mentor_who_moves_away_keeps_their_young_person_and_takes_no_new_one(
        client, net_tenant, coordinator_of, corps_mentor, referral_in):
    from core.matching import services as matching
    from core.platform.services import update_plugin_settings
    from core.referrals.services import get_referral

    update_plugin_settings(net_tenant, "network_recruitment", {"local_postcodes": ["9999"]})
    mentor_id = corps_mentor(net_tenant, "Louise Lund", capacity=2, postcode="9999")
    first, second = referral_in(net_tenant, "Sara En"), referral_in(net_tenant, "Ida To")
    with tenant_context(net_tenant):
        match = matching.propose(get_referral(first), [mentor_id])
        matching.choose(match, mentor_id)
        matching.accept(match)
        match_id = match.id
        mentor = volunteers.get_volunteer(mentor_id)
        assert volunteers.eligibility(mentor).eligible
        volunteers.update_volunteer(mentor, {"postcode": "9000"})  # "flyttet til det nordjyske"
        db.session.commit()
    with tenant_context(net_tenant):
        mentor = volunteers.get_volunteer(mentor_id)
        finding = {f.code: f for f in volunteers.eligibility(mentor).findings}["lives_outside"]
        assert finding.blocking and "9000" in str(finding.message)
        assert mentor_id not in [c.volunteer_id for c in matching.candidates_for(get_referral(second), limit=5)]
        assert matching.get_match(match_id).status == "active"  # keeps the young person
    login(client, coordinator_of(net_tenant), net_tenant)
    assert 'data-testid="network-moved"' not in client.get("/netby/").get_data(as_text=True)
    # The municipality that hands the young person over: the front page asks for it, next request.
    update_plugin_settings(net_tenant, "network_recruitment", {"keep_after_moving": False})
    db.session.commit()
    front = client.get("/netby/").get_data(as_text=True)
    assert 'data-testid="network-moved"' in front and "Louise Lund" in front and f"/netby/matches/{match_id}" in front


def test_an_adult_living_elsewhere_is_matched_with_their_own_young_person(net_tenant, referral_in, nomination_at):
    from core.platform.services import update_plugin_settings
    from plugins.network_recruitment import services
    from plugins.network_recruitment.models import NetworkNomination

    update_plugin_settings(net_tenant, "network_recruitment", {"local_postcodes": ["9999"]})
    db.session.commit()
    referral_id = referral_in(net_tenant)
    nomination_id = nomination_at(net_tenant, referral_id, "ready")
    with tenant_context(net_tenant):
        nomination = db.session.get(NetworkNomination, nomination_id)
        volunteers.update_volunteer(nomination.volunteer, {"postcode": "8000"})  # the aunt lives in Aarhus
        match = services.approve_and_match(nomination, days_ago(1))
        assert match.status == "active" and match.volunteer.postcode == "8000"
