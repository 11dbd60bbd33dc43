"""The referral pages: the caseworker's form (consent required) and own list, the coordinator's
intake queue and referral page (CPR masked, audited "show", every finding, intake with 409 on a
blocking finding, withdrawal with confirmation, who looked), what each role sees, and constant
query counts."""
from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.extensions import db
from core.hooks.types import Finding, IntakeCriterion, Rule
from core.platform.services import set_plugin_enabled
from core.referrals import services
from core.referrals.models import Citizen, Referral
from core.tenancy import tenant_context
from tests.conftest import login, post_form
from tests.core.helpers import make_plugin
from tests.core.volunteers.conftest import use_english
from tests.core.volunteers.helpers import field_error

CPR = "0102034321"


def young_rule(citizen, on, **_):
    if citizen.age_on(on) < 18:
        return Finding("age", "Must be 18 or older", blocking=True)


def postcode_rule(citizen, on, **_):
    if citizen.postcode != "5500":
        return Finding("postcode", "Lives outside the municipality")


@pytest.fixture
def extra_plugins():
    return (make_plugin("page_rules",
                        mentorkorps_target_group_rules=lambda tenant: [Rule("age", "Age", young_rule),
                                                                       Rule("postcode", "Postcode", postcode_rule)],
                        mentorkorps_intake_criteria=lambda tenant: [
                            IntakeCriterion("drugs", "Is there active drug abuse?", reason="Drug abuse excludes")]),)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def signed_in_as(app, tenant, user):
    client = app.test_client()
    login(client, user, tenant)
    return use_english(client, tenant)


@pytest.fixture
def caseworker(tenant, user_factory):
    return user_factory(tenant, "caseworker", name="Casey Worker")


@pytest.fixture
def cw(app, tenant, caseworker):
    return signed_in_as(app, tenant, caseworker)


@pytest.fixture
def coordinator(app, tenant, user_factory):
    return signed_in_as(app, tenant, user_factory(tenant, "coordinator", name="Coco Ordinator"))


def referral_of(tenant, name, *, referrer_id=None, status="received", birth_date=date(2003, 2, 1), cpr=None,
                referred_on=None, postcode="5500"):
    with tenant_context(tenant):
        from core.referrals import cpr as cpr_numbers

        citizen = Citizen(name=name, birth_date=birth_date, postcode=postcode, languages=[], interests=[],
                          needs=f"Needs of {name}",
                          cpr_encrypted=cpr_numbers.encrypt(cpr) if cpr else None,
                          cpr_hash=cpr_numbers.lookup_hash(cpr) if cpr else None)
        db.session.add(citizen)
        db.session.flush()
        referral = Referral(citizen_id=citizen.id, referred_on=referred_on or date.today(), source="school",
                            situation="in_education", reason=f"Reason for {name}", status=status,
                            referrer_user_id=referrer_id, consent_given_on=date.today(), consent_text_version="core-1",
                            intake_answers={}, findings=[])
        db.session.add(referral)
        db.session.commit()
        return referral.id


FORM = {"name": "Amira Hansen", "birth_date": "2003-02-01", "source": "jobcenter", "situation": "cash_benefit",
        "reason": "Dropped out", "consent": "y", "consent_given_on": date.today().isoformat()}


def test_the_caseworker_refers_with_consent_and_the_consent_text_version_is_shown(cw, tenant, caseworker):
    page = text(cw.get("/middelfart/referrals/new"))
    assert "Version of the consent text: core-1" in page and "withdraw my consent" in page
    assert 'name="referrer_name"' not in page  # only a coordinator names an outside referrer
    refused = post_form(cw, "/middelfart/referrals/new", {k: v for k, v in FORM.items() if k != "consent"})
    assert refused.status_code == 422
    assert field_error(text(refused), "consent_given_on") == "The young person's consent is required."
    bad_cpr = post_form(cw, "/middelfart/referrals/new", {**FORM, "cpr": "999999-9999"})
    assert bad_cpr.status_code == 422 and field_error(text(bad_cpr), "cpr") == "Not a valid CPR number (DDMMYY-XXXX)."
    response = post_form(cw, "/middelfart/referrals/new", {**FORM, "cpr": "010203-4321"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/middelfart/referrals/mine")
    with tenant_context(tenant):
        referral = db.session.scalars(select(Referral)).one()
        assert (referral.status, referral.referrer_user_id, referral.consent_text_version) == (
            "received", caseworker.id, "core-1")
        assert referral.citizen.cpr_encrypted and CPR.encode() not in referral.citizen.cpr_encrypted


def test_my_referrals_shows_only_the_caseworkers_own_with_status_decision_and_outcome(cw, tenant, caseworker,
                                                                                      user_factory):
    from core.matching.models import Match

    own = referral_of(tenant, "Own Young", referrer_id=caseworker.id, status="ended")
    referral_of(tenant, "Someone Elses", referrer_id=user_factory(tenant, "caseworker").id)
    with tenant_context(tenant):
        referral = db.session.get(Referral, own)
        referral.decision, referral.decision_reason = "accept", "Fits well"
        db.session.add(Match(referral_id=own, status="ended", proposed_on=date.today(), ended_on=date.today(),
                             outcome="job"))
        db.session.commit()
    page = text(cw.get("/middelfart/referrals/mine"))
    assert "Own Young" in page and "Someone Elses" not in page
    row = re.search(r'<tr data-referral="%d">(.*?)</tr>' % own, page, re.S).group(1)
    assert "Ended" in row and "Accepted" in row and "Fits well" in row and "Job" in row
    assert "Needs of" not in page and "Reason for" not in page
    # The coordinator's pages are not the caseworker's.
    assert cw.get("/middelfart/referrals/").status_code == 403
    assert cw.get(f"/middelfart/referrals/{own}").status_code == 403


def test_a_caseworker_withdraws_consent_of_their_own_referral_only_after_confirming(cw, tenant, caseworker,
                                                                                    user_factory):
    own = referral_of(tenant, "Own Young", referrer_id=caseworker.id)
    other = referral_of(tenant, "Other Young", referrer_id=user_factory(tenant, "caseworker").id)
    confirm = text(cw.get(f"/middelfart/referrals/{own}/withdraw-consent"))
    assert "Yes, withdraw the consent" in confirm
    with tenant_context(tenant):
        assert db.session.get(Referral, own).status == "received"  # asking changed nothing
    assert cw.get(f"/middelfart/referrals/{other}/withdraw-consent").status_code == 404
    assert post_form(cw, f"/middelfart/referrals/{other}/withdraw-consent",
                     page=f"/middelfart/referrals/{own}/withdraw-consent").status_code == 404
    response = post_form(cw, f"/middelfart/referrals/{own}/withdraw-consent")
    assert response.status_code == 302
    with tenant_context(tenant):
        assert db.session.get(Referral, own).status == "withdrawn"
        assert db.session.get(Referral, other).status == "received"


def test_the_intake_queue_lists_received_referrals_oldest_first(coordinator, tenant):
    referral_of(tenant, "Newest", referred_on=date.today())
    referral_of(tenant, "Oldest", referred_on=date.today() - timedelta(days=10))
    referral_of(tenant, "Decided", status="accepted")
    page = text(coordinator.get("/middelfart/referrals/"))
    assert "Decided" not in page
    assert page.index("Oldest") < page.index("Newest")
    assert "Needs of" not in page


def test_the_referral_page_masks_the_cpr_and_showing_it_is_audited(coordinator, tenant):
    referral_id = referral_of(tenant, "Amira Hansen", cpr=CPR)
    page = text(coordinator.get(f"/middelfart/referrals/{referral_id}"))
    assert "010203-xxxx" in page and CPR not in page and "010203-4321" not in page
    assert "Needs of Amira Hansen" in page and "Reason for Amira Hansen" in page
    shown = post_form(coordinator, f"/middelfart/referrals/{referral_id}/cpr", page=f"/middelfart/referrals/{referral_id}")
    assert shown.status_code == 200 and "010203-4321" in text(shown)
    with tenant_context(tenant):
        # The reads of one young person's record (the front page's list reads have no single subject).
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "read", AuditEvent.subject_id.is_not(None))
                                    .order_by(AuditEvent.id)).all()
        citizen_id = db.session.get(Referral, referral_id).citizen_id
        assert [(e.action, e.subject_id) for e in events] == [("citizen.view", citizen_id)] * 2 + [
            ("cpr.revealed", citizen_id)]
    again = text(coordinator.get(f"/middelfart/referrals/{referral_id}"))
    assert "Saw the CPR number" in again and "Coco Ordinator" in again  # who looked at the young person
    assert "010203-4321" not in again  # shown once, on request only


def test_every_finding_is_shown_and_a_blocking_one_stops_acceptance(coordinator, tenant):
    set_plugin_enabled(tenant, "page_rules", True)
    db.session.commit()
    referral_id = referral_of(tenant, "Too Young", birth_date=date.today() - timedelta(days=365 * 16), postcode="7000")
    url = f"/middelfart/referrals/{referral_id}"
    page = text(coordinator.get(url))
    assert "Must be 18 or older" in page and "Lives outside the municipality" in page
    assert "Is there active drug abuse?" in page
    refused = post_form(coordinator, f"{url}/intake", {"answer-drugs": "no", "decision": "accept"}, page=url)
    assert refused.status_code == 409
    assert "The referral cannot be accepted while a blocking finding stands." in text(refused)
    no_reason = post_form(coordinator, f"{url}/intake", {"answer-drugs": "no", "decision": "reject"}, page=url)
    assert no_reason.status_code == 422 and field_error(text(no_reason), "reason") == "Give the reason for the rejection."
    done = post_form(coordinator, f"{url}/intake", {"answer-drugs": "yes", "decision": "reject", "reason": "Under 18"},
                     page=url)
    assert done.status_code == 302
    with tenant_context(tenant):
        referral = db.session.get(Referral, referral_id)
        assert (referral.status, referral.decision, referral.decision_reason) == ("rejected", "reject", "Under 18")
        assert referral.intake_answers == {"drugs": True}
        assert [f["rule"] for f in referral.findings] == ["age", "postcode", "drugs"]


def test_a_coordinator_registers_a_referral_from_an_outside_referrer(coordinator, tenant):
    response = post_form(coordinator, "/middelfart/referrals/new",
                         {**FORM, "referrer_name": "Jens Vejleder", "referrer_organisation": "UU", "source": "guidance"})
    assert response.status_code == 302
    with tenant_context(tenant):
        referral = db.session.scalars(select(Referral)).one()
        assert (referral.referrer_user_id, referral.referrer_name, referral.referrer_organisation) == (
            None, "Jens Vejleder", "UU")
    assert "Jens Vejleder" in text(coordinator.get(response.headers["Location"]))


def test_a_mentor_has_no_referral_page(app, tenant, user_factory):
    referral_id = referral_of(tenant, "Amira Hansen")
    mentor = signed_in_as(app, tenant, user_factory(tenant, "mentor"))
    for path in ("/middelfart/referrals/", "/middelfart/referrals/new", "/middelfart/referrals/mine",
                 f"/middelfart/referrals/{referral_id}", f"/middelfart/referrals/{referral_id}/withdraw-consent"):
        assert mentor.get(path).status_code == 403, path


def test_the_menu_shows_each_role_its_referral_pages(cw, coordinator):
    cw_page, co_page = text(cw.get("/middelfart/")), text(coordinator.get("/middelfart/"))
    assert "My referrals" in cw_page and "Refer a young person" in cw_page and 'href="/middelfart/referrals/"' not in cw_page
    assert 'href="/middelfart/referrals/"' in co_page and "My referrals" not in co_page


@pytest.mark.parametrize("path, role", [("/middelfart/referrals/", "coordinator"),
                                        ("/middelfart/referrals/mine", "caseworker")])
def test_the_list_pages_need_as_many_queries_for_60_referrals_as_for_3(app, tenant, user_factory, count_queries,
                                                                       path, role):
    user = user_factory(tenant, role)
    client = signed_in_as(app, tenant, user)

    def measure():
        client.get(path)
        with count_queries() as queries:
            response = client.get(path)
        assert response.status_code == 200
        return len(queries), text(response)

    for n in range(3):
        referral_of(tenant, f"Ung {n:03d}", referrer_id=user.id)
    few, page = measure()
    assert page.count("Ung 0") == 3
    for n in range(3, 60):
        referral_of(tenant, f"Ung {n:03d}", referrer_id=user.id)
    many, page = measure()
    assert page.count("Ung 0") == 50  # a page of 50
    assert many == few, f"{few} statements for 3 referrals, {many} for 60"
