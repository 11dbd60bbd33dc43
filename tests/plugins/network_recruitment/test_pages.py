"""The plugin's pages and its panel in the core's pages: the referral page's panel leads through
every step (the form of the next step only; a refusal shown next to its field with the request
rolled back), the matching board's note, the front page's line, the overview; a tenant without the
plugin gets 404 and no panel; switching the plugin off changes that tenant's pages on the next
request and no other tenant's; another tenant's nomination is not found."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.extensions import db
from core.matching.models import Match
from core.tenancy import tenant_context
from plugins.network_recruitment.models import NetworkNomination
from tests.conftest import csrf_token, login, post_form
from tests.plugins.network_recruitment.conftest import days_ago


@pytest.fixture
def coordinator(client, net_tenant, coordinator_of):
    user = coordinator_of(net_tenant)
    login(client, user, net_tenant)
    client.post("/lang", data={"lang": "en", "csrf_token": csrf_token(client, "/netby/")})
    return user


def _stage(html):
    found = re.search(r'data-testid="network-stage" data-stage="(\w+)"', html)
    return found.group(1) if found else None


def test_the_referral_page_leads_through_every_step_to_the_match(client, coordinator, net_tenant, referral_in):
    referral_id = referral_in(net_tenant)
    page = f"/netby/referrals/{referral_id}"
    html = client.get(page).get_data(as_text=True)
    assert "The young person&#39;s significant adult" in html and 'data-testid="network-nominate-form"' in html
    response = post_form(client, f"/netby/network/referrals/{referral_id}/nominate", page=page, data={
        "adult_name": "Hanne Holm", "relation": "moster", "phone": "20304050", "email": "",
        "consent_to_contact_on": days_ago(3).isoformat()})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/netby/referrals/{referral_id}#network")
    html = client.get(page).get_data(as_text=True)
    assert _stage(html) == "to_ask" and "Hanne Holm" in html and 'data-testid="network-asked-form"' in html
    assert 'data-testid="network-nominate-form"' not in html
    with tenant_context(net_tenant):
        nomination_id = db.session.scalar(select(NetworkNomination.id))
    steps = [("asked", {"asked_on": days_ago(2).isoformat()}, "awaiting_answer"),
             ("answer", {"answer": "yes", "answered_on": days_ago(2).isoformat(), "postcode": "9999"}, "short_route"),
             ("screening", {"obtained_on": days_ago(1).isoformat()}, "short_route"),
             ("introduction", {"held_on": days_ago(1).isoformat()}, "short_route")]
    for step, data, stage in steps:
        response = post_form(client, f"/netby/network/nominations/{nomination_id}/{step}", data, page=page)
        assert response.status_code == 302, (step, response.get_data(as_text=True)[:3000])
        html = client.get(page).get_data(as_text=True)
        assert _stage(html) == stage, step
    assert 'data-step="screening" data-done="true"' in html and 'data-step="introduction" data-done="true"' in html
    response = post_form(client, f"/netby/network/nominations/{nomination_id}/approve",
                         {"approved_on": days_ago(0).isoformat()}, page=page)
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert _stage(html) is None and 'data-stage="matched"' in html and "Became the young person&#39;s mentor" in html
    with tenant_context(net_tenant):
        match = db.session.scalar(select(Match).where(Match.referral_id == referral_id))
        assert match.status == "active" and match.network_nominated
    assert "Matched" in html  # the core's status of the referral


def test_a_refused_step_is_shown_next_to_its_field_and_nothing_is_kept(client, coordinator, net_tenant, referral_in,
                                                                       nomination_at):
    referral_id = referral_in(net_tenant)
    nomination_id = nomination_at(net_tenant, referral_id, "short_route")
    page = f"/netby/referrals/{referral_id}"
    response = post_form(client, f"/netby/network/nominations/{nomination_id}/approve",
                         {"approved_on": days_ago(0).isoformat()}, page=page)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Register the child-protection certificate (børneattest) first." in html
    assert "0 of 1 introduction sessions held." in html
    response = post_form(client, f"/netby/network/nominations/{nomination_id}/introduction",
                         {"held_on": days_ago(-3).isoformat()}, page=page)
    assert response.status_code == 422
    assert re.search(r'data-field="held_on">The date cannot be in the future', response.get_data(as_text=True))
    with tenant_context(net_tenant):
        nomination = db.session.get(NetworkNomination, nomination_id)
        assert nomination.stage == "short_route" and nomination.introduction_dates == []
        assert nomination.volunteer.status == "applicant"
    response = post_form(client, f"/netby/network/referrals/{referral_id}/nominate", page=page, data={
        "adult_name": "Bo", "relation": "far", "phone": "1", "consent_to_contact_on": days_ago(1).isoformat()})
    assert response.status_code == 409  # one nomination in progress at a time


def test_a_refused_nomination_shows_each_error_next_to_its_field(client, coordinator, net_tenant, referral_in):
    referral_id = referral_in(net_tenant)
    response = post_form(client, f"/netby/network/referrals/{referral_id}/nominate",
                         page=f"/netby/referrals/{referral_id}",
                         data={"adult_name": "", "relation": "far", "consent_to_contact_on": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for name in ("adult_name", "relation", "phone", "consent_to_contact_on"):
        assert f'data-field="{name}"' in html, name
    assert "Ask for an adult other than the parents." in html
    with tenant_context(net_tenant):
        assert db.session.scalar(select(NetworkNomination.id)) is None


def test_the_panel_and_pages_are_in_danish_by_default(client, net_tenant, coordinator_of, referral_in):
    referral_id = referral_in(net_tenant)
    login(client, coordinator_of(net_tenant), net_tenant)
    html = client.get(f"/netby/referrals/{referral_id}").get_data(as_text=True)
    assert "Den unges betydningsfulde voksne" in html and "Registrér den betydningsfulde voksne" in html
    html = client.get("/netby/network/").get_data(as_text=True)
    assert "<h1>Betydningsfulde voksne</h1>" in html
    assert "Betydningsfulde voksne" in client.get("/netby/").get_data(as_text=True)  # the menu item


def test_the_board_notes_the_adult_and_the_front_page_counts(client, coordinator, net_tenant, referral_in,
                                                              corps_mentor, nomination_at):
    waiting = referral_in(net_tenant, "Sara Venter")
    other = referral_in(net_tenant, "Oliver Anden")
    corps_mentor(net_tenant, "Karin Korps")
    nomination_at(net_tenant, waiting, "awaiting_answer")
    html = client.get("/netby/matching").get_data(as_text=True)
    section = html.split(f'data-testid="board-referral-{waiting}"')[1].split("</section>")[0]
    assert 'data-testid="network-board-note"' in section and "Waiting for the answer of Hanne Holm" in section
    assert 'data-testid="candidate"' not in section  # the corps' mentors held back meanwhile
    section = html.split(f'data-testid="board-referral-{other}"')[1].split("</section>")[0]
    assert 'data-testid="network-board-note"' not in section and "Karin Korps" in section
    front = client.get("/netby/").get_data(as_text=True)
    assert 'data-testid="network-front"' in front and "1 answer awaited" in front
    overview = client.get("/netby/network/").get_data(as_text=True)
    assert "Sara Venter" in overview and 'data-stage="awaiting_answer"' in overview
    assert "Oliver Anden" in overview.split('data-testid="network-to-ask"')[1]


def test_the_board_reads_the_nominations_once_for_all_rows(client, coordinator, net_tenant, referral_in,
                                                            nomination_at, count_queries):
    def board_queries():
        with count_queries() as queries:
            assert client.get("/netby/matching").status_code == 200
        return len(queries)

    first = referral_in(net_tenant, "Sara En")
    nomination_at(net_tenant, first, "awaiting_answer")
    one = board_queries()
    for name in ("Ida To", "Emil Tre", "Noah Fire"):
        nomination_at(net_tenant, referral_in(net_tenant, name), "to_ask")
    assert board_queries() == one


def test_consent_withdrawal_removes_the_adults_contact_data(client, coordinator, net_tenant, referral_in,
                                                            nomination_at):
    from core.referrals import services as referrals

    referral_id = referral_in(net_tenant)
    nomination_id = nomination_at(net_tenant, referral_id, "matched")
    with tenant_context(net_tenant):
        adult_id = db.session.get(NetworkNomination, nomination_id).volunteer_id
    response = post_form(client, f"/netby/referrals/{referral_id}/withdraw-consent")
    assert response.status_code == 302
    with tenant_context(net_tenant):
        nomination = db.session.get(NetworkNomination, nomination_id)
        assert (nomination.adult_name, nomination.relation, nomination.phone, nomination.email) == (None,) * 4
        assert nomination.stage == "matched"  # closed already: the history stays, without the person
        assert nomination.volunteer.status == "left" and nomination.volunteer_id == adult_id
        assert nomination.match.status == "cancelled"
    html = client.get(f"/netby/referrals/{referral_id}").get_data(as_text=True)
    assert "Hanne Holm" not in html and "20 30 40 50" not in html
    # An open nomination closes as withdrawn.
    second = referral_in(net_tenant, "Ida Anden")
    open_id = nomination_at(net_tenant, second, "awaiting_answer")
    with tenant_context(net_tenant):
        referrals.withdraw_consent(referrals.get_referral(second))
        db.session.commit()
    with tenant_context(net_tenant):
        nomination = db.session.get(NetworkNomination, open_id)
        assert nomination.stage == "withdrawn" and nomination.adult_name is None and nomination.phone is None


def test_a_rejected_referral_keeps_no_adult(net_tenant, referral_in, nomination_at, coordinator_of):
    from core.referrals import services as referrals

    referral_id = referral_in(net_tenant, accept=False)
    nomination_id = nomination_at(net_tenant, referral_id, "to_ask")
    with tenant_context(net_tenant):
        referrals.decide_intake(referrals.get_referral(referral_id), {}, "reject", "Ikke i målgruppen",
                                user=coordinator_of(net_tenant))
        db.session.commit()
    with tenant_context(net_tenant):
        nomination = db.session.get(NetworkNomination, nomination_id)
        assert nomination.stage == "rejected" and nomination.adult_name is None


def test_ask_at_intake_decides_when_the_panel_offers_to_record(client, coordinator, net_tenant, referral_in):
    from core.platform.services import update_plugin_settings

    received = referral_in(net_tenant, accept=False)
    assert 'data-testid="network-nominate-form"' in client.get(f"/netby/referrals/{received}").get_data(as_text=True)
    update_plugin_settings(net_tenant, "network_recruitment", {"ask_at_intake": False})
    db.session.commit()
    html = client.get(f"/netby/referrals/{received}").get_data(as_text=True)
    assert 'data-testid="network-nominate-form"' not in html and 'data-testid="network-panel"' in html
    response = post_form(client, f"/netby/network/referrals/{received}/nominate", page=f"/netby/referrals/{received}",
                         data={"adult_name": "Hanne", "relation": "moster", "phone": "1",
                               "consent_to_contact_on": days_ago(1).isoformat()})
    assert response.status_code == 409


def test_a_tenant_without_the_plugin_gets_404_and_no_panel(client, tenant_factory, coordinator_of, referral_in):
    plain = tenant_factory("plainby", "Plainby Kommune")
    referral_id = referral_in(plain)
    login(client, coordinator_of(plain), plain)
    html = client.get(f"/plainby/referrals/{referral_id}").get_data(as_text=True)
    assert 'data-testid="network-panel"' not in html and "network" not in html.split("<main")[1].lower()
    assert client.get("/plainby/network/").status_code == 404
    assert client.get(f"/plainby/network/referrals/{referral_id}").status_code == 404
    response = post_form(client, f"/plainby/network/referrals/{referral_id}/nominate", page=f"/plainby/referrals/{referral_id}",
                         data={"adult_name": "Hanne", "relation": "moster", "phone": "1",
                               "consent_to_contact_on": days_ago(1).isoformat()})
    assert response.status_code == 404


def test_switching_the_plugin_off_changes_that_tenant_on_the_next_request_only(
        client, net_tenant, tenant_factory, coordinator_of, referral_in, nomination_at):
    from core.platform.services import set_plugin_enabled

    other = tenant_factory("andetby", "Andetby Kommune", plugins=("network_recruitment",))
    here, there = referral_in(net_tenant), referral_in(other)
    nomination_at(other, there, "to_ask")
    user = coordinator_of(net_tenant)
    from core.accounts import services as accounts

    accounts.add_membership(user, other, "coordinator")
    db.session.commit()
    login(client, user, net_tenant)
    assert 'data-testid="network-panel"' in client.get(f"/netby/referrals/{here}").get_data(as_text=True)
    assert client.get("/netby/network/").status_code == 200
    set_plugin_enabled(net_tenant, "network_recruitment", False)
    db.session.commit()
    assert 'data-testid="network-panel"' not in client.get(f"/netby/referrals/{here}").get_data(as_text=True)
    assert client.get("/netby/network/").status_code == 404
    assert "Betydningsfulde voksne" not in client.get("/netby/").get_data(as_text=True)
    # The other tenant keeps it.
    assert 'data-testid="network-panel"' in client.get(f"/andetby/referrals/{there}").get_data(as_text=True)
    assert client.get("/andetby/network/").status_code == 200
    set_plugin_enabled(net_tenant, "network_recruitment", True)
    db.session.commit()
    assert client.get("/netby/network/").status_code == 200


def test_another_tenants_nomination_is_not_found(client, net_tenant, tenant_factory, coordinator_of, referral_in,
                                                 nomination_at):
    other = tenant_factory("andetby", "Andetby Kommune", plugins=("network_recruitment",))
    theirs = nomination_at(other, referral_in(other), "to_ask")
    their_referral = referral_in(other, "Ida Anden")
    mine = referral_in(net_tenant)
    login(client, coordinator_of(net_tenant), net_tenant)
    page = f"/netby/referrals/{mine}"
    response = post_form(client, f"/netby/network/nominations/{theirs}/asked", {"asked_on": days_ago(1).isoformat()},
                         page=page)
    assert response.status_code == 404
    assert client.get(f"/netby/network/referrals/{their_referral}").status_code == 404
    with tenant_context(other):
        assert db.session.get(NetworkNomination, theirs).asked_on is None


def test_caseworkers_and_mentors_see_neither_panel_nor_pages(client, net_tenant, user_factory, referral_in):
    referral_in(net_tenant)
    caseworker = user_factory(net_tenant, "caseworker")
    login(client, caseworker, net_tenant)
    assert client.get("/netby/network/").status_code == 403
    assert 'data-testid="network-front"' not in client.get("/netby/").get_data(as_text=True)


def test_the_overview_and_the_panel_read_a_constant_number_of_times(client, coordinator, net_tenant, referral_in,
                                                                    nomination_at, count_queries):
    def queries(url):
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        return len(counted)

    first = referral_in(net_tenant, "Sara En")
    nomination_at(net_tenant, first, "short_route")
    overview, panel = queries("/netby/network/"), queries(f"/netby/referrals/{first}")
    for name, stage in (("Ida To", "to_ask"), ("Emil Tre", "matched"), ("Noah Fire", "awaiting_answer")):
        nomination_at(net_tenant, referral_in(net_tenant, name), stage)
    referral_in(net_tenant, "Asta Fem")  # not asked yet
    assert queries("/netby/network/") == overview
    assert queries(f"/netby/referrals/{first}") == panel
