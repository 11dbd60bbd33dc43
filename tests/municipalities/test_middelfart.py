"""Middelfart's own rules, end to end through the API and the pages (seeds 000/001): the target group
15-32 on the day of referral and problems beyond unemployment, the jobcenter as referrer, one
mentor presented, the seed's codes, the 5-evening course, the corps' meeting rhythms and follow-up,
and every setting taking effect on the next request, for Middelfart only."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from core.clock import add_months
from core.extensions import db
from core.hooks import hooks_for
from core.platform.services import plugin_settings, update_plugin_settings
from core.tenancy import tenant_context
from tests.api.conftest import assert_contract_error
from tests.conftest import api_token, login, post_form

TODAY = date.today()
GOOD_ANSWERS = {"problems_beyond_unemployment": True, "needs_professional_help": False}


@pytest.fixture
def mid(tenant_factory):
    """Middelfart with its plugin enabled (the shared ``tenant`` fixture runs on the defaults)."""
    return tenant_factory("middelfart", "Middelfart Kommune", plugins=("middelfart",))


@pytest.fixture
def plain(tenant_factory):
    """A municipality on the default rules."""
    return tenant_factory("nabokommune", "Nabokommune")


@pytest.fixture
def coordinator_headers(client, mid, user_factory):
    return {**api_token(client, user_factory(mid, "coordinator")), "Accept-Language": "en"}


@pytest.fixture
def caseworker_headers(client, mid, user_factory):
    return {**api_token(client, user_factory(mid, "caseworker")), "Accept-Language": "en"}


def born(age: int, on: date = TODAY) -> str:
    """A birth date that makes the young person ``age`` on ``on`` (ten days past the birthday)."""
    return (add_months(on, -12 * age) - timedelta(days=10)).isoformat()


def referral(age: int | None = None, *, birth_date=None, referred_on: date = TODAY, source="jobcenter",
             situation="cash_benefit", name="Amira Hansen"):
    return {"citizen": {"name": name, "birth_date": birth_date or born(age, referred_on), "postcode": "5500"},
            "referred_on": referred_on.isoformat(), "source": source, "situation": situation,
            "consent": {"given_on": referred_on.isoformat(), "text_version": "core-1"}}


def refer(client, headers, slug="middelfart", **kwargs):
    response = client.post(f"/api/v1/{slug}/referrals", json=referral(**kwargs), headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def intake(client, headers, referral_id, answers=None, decision="accept", slug="middelfart", **extra):
    return client.post(f"/api/v1/{slug}/referrals/{referral_id}/intake",
                       json={"answers": GOOD_ANSWERS if answers is None else answers, "decision": decision, **extra},
                       headers=headers)


def mentor(tenant, name, *, channel="research_project", user=None, screened=True):
    """An approved volunteer who has taken no course (only the research project's count as trained)."""
    from core.volunteers import services as volunteers

    with tenant_context(tenant):
        volunteer = volunteers.create_volunteer({"name": name, "birth_date": date(1970, 5, 5), "gender": "female",
                                                 "recruitment_channel": channel,
                                                 "recruited_on": TODAY - timedelta(days=200)})
        volunteers.change_status(volunteer, "in_training", TODAY - timedelta(days=120))
        if screened:
            volunteers.add_screening(volunteer, "child_certificate", TODAY - timedelta(days=100))
        volunteers.change_status(volunteer, "approved", TODAY - timedelta(days=90))
        if user is not None:
            volunteer.user_id = user.id
        db.session.commit()
        return volunteer.id


def set_settings(tenant, **values):
    update_plugin_settings(tenant, "middelfart", values)
    db.session.commit()


def findings(created) -> dict:
    return {f["rule"]: (f["message"], f["blocking"]) for f in created["findings"]}


# ---- the young person's path, end to end ------------------------------------------------------------

def test_a_16_year_old_referred_by_the_jobcenter_is_accepted_matched_and_ended_with_the_seeds_codes(
        client, mid, coordinator_headers, caseworker_headers, user_factory):
    created = refer(client, caseworker_headers, age=16, situation="in_education")
    assert created["status"] == "received" and created["findings"] == []
    # The intake asks Middelfart's two questions; both must be answered to accept.
    missing = intake(client, coordinator_headers, created["id"], answers={})
    assert_contract_error(missing, 422, {"problems_beyond_unemployment", "needs_professional_help"})
    accepted = intake(client, coordinator_headers, created["id"])
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["status"] == "accepted" and accepted.get_json()["findings"] == []

    # Coordinator-led matching: one mentor presented, though three could be.
    mentor_user = user_factory(mid, "mentor")
    chosen = mentor(mid, "Hanne Holm", user=mentor_user)
    for name in ("Birgit Bach", "Lone Lund"):
        mentor(mid, name)
    candidates = client.get(f"/api/v1/middelfart/referrals/{created['id']}/candidates",
                            headers=coordinator_headers).get_json()
    assert candidates["count"] == 1 and len(candidates["candidates"]) == 1
    proposal = client.post("/api/v1/middelfart/matches", json={"referral_id": created["id"], "volunteer_ids": [chosen]},
                           headers=coordinator_headers)
    assert proposal.status_code == 201, proposal.get_json()
    match_id = proposal.get_json()["id"]
    assert client.post(f"/api/v1/middelfart/matches/{match_id}/choose", json={"volunteer_id": chosen},
                       headers=coordinator_headers).status_code == 200
    mentor_headers = {**api_token(client, mentor_user), "Accept-Language": "en"}
    assert client.post(f"/api/v1/middelfart/matches/{match_id}/accept", json={},
                       headers=mentor_headers).get_json()["status"] == "active"

    # Ended with one of the seed's reasons and outcomes; followed up 6 months later.
    ended = client.post(f"/api/v1/middelfart/matches/{match_id}/end", headers=coordinator_headers, json={
        "ended_on": TODAY.isoformat(), "end_reason": "own_wish", "outcome": "retained_in_education"})
    assert ended.status_code == 200, ended.get_json()
    assert (ended.get_json()["end_reason"], ended.get_json()["outcome"]) == ("own_wish", "retained_in_education")
    with tenant_context(mid):
        from core.meetings.models import FollowUp

        assert [(f.months_after, f.due_on) for f in db.session.scalars(select(FollowUp))] == [(6, add_months(TODAY, 6))]


@pytest.mark.parametrize("age", [14, 33])
def test_a_14_and_a_33_year_old_get_the_blocking_age_finding(client, coordinator_headers, age):
    created = refer(client, coordinator_headers, age=age)
    message = f"{age} years old on the day of referral; the corps is for young people aged 15-32."
    assert findings(created) == {"age": (message, True)}
    refused = intake(client, coordinator_headers, created["id"])
    assert assert_contract_error(refused, 409)["errors"] == {"age": [message]}
    danish = intake(client, {**coordinator_headers, "Accept-Language": "da"}, created["id"])
    assert f"{age} år på henvisningsdagen" in assert_contract_error(danish, 409)["errors"]["age"][0]
    rejected = intake(client, coordinator_headers, created["id"], decision="reject", reason="Uden for målgruppen")
    assert rejected.get_json()["status"] == "rejected"


@pytest.mark.parametrize("age", [15, 32])
def test_the_limits_themselves_belong_to_the_target_group(client, coordinator_headers, age):
    created = refer(client, coordinator_headers, age=age)
    assert created["findings"] == []
    assert intake(client, coordinator_headers, created["id"]).get_json()["status"] == "accepted"


def test_the_age_is_the_age_on_the_day_of_referral(client, coordinator_headers):
    """32 when the jobcenter referred; 33 by the time of the intake: still in the target group."""
    referred_on = TODAY - timedelta(days=40)
    birth = (add_months(referred_on, -12 * 33) + timedelta(days=20)).isoformat()  # 33 twenty days after the referral
    created = refer(client, coordinator_headers, birth_date=birth, referred_on=referred_on)
    assert created["findings"] == []
    assert intake(client, coordinator_headers, created["id"]).get_json()["status"] == "accepted"
    too_old = refer(client, coordinator_headers, birth_date=birth, referred_on=TODAY - timedelta(days=5), name="B")
    assert set(findings(too_old)) == {"age"}


def test_the_same_referral_has_no_age_rule_in_a_municipality_without_the_plugin(client, plain, user_factory):
    headers = {**api_token(client, user_factory(plain, "coordinator")), "Accept-Language": "en"}
    created = refer(client, headers, slug="nabokommune", age=33, source="school")
    assert created["findings"] == []
    accepted = intake(client, headers, created["id"], answers={}, slug="nabokommune")
    assert accepted.get_json()["status"] == "accepted"


@pytest.mark.parametrize("answers, rule, reason", [
    ({"problems_beyond_unemployment": False, "needs_professional_help": False}, "problems_beyond_unemployment",
     "The corps is for young people with problems beyond unemployment."),
    ({"problems_beyond_unemployment": True, "needs_professional_help": True}, "needs_professional_help",
     "A volunteer social mentor is not a psychologist, a doctor, a social worker or an addiction counsellor."),
])
def test_the_intake_questions_block_with_the_seeds_reason(client, coordinator_headers, answers, rule, reason):
    created = refer(client, coordinator_headers, age=20)
    refused = intake(client, coordinator_headers, created["id"], answers=answers)
    assert assert_contract_error(refused, 409)["errors"] == {rule: [reason]}
    rejected = intake(client, coordinator_headers, created["id"], answers=answers, decision="reject", reason=reason)
    assert rejected.get_json()["status"] == "rejected"
    assert {f["rule"] for f in rejected.get_json()["findings"]} == {rule}


def test_a_referral_from_outside_the_jobcenter_is_flagged_and_blocked_only_when_the_setting_says_so(
        client, mid, coordinator_headers):
    assert findings(refer(client, coordinator_headers, age=20, source="business_centre")) == {}
    from_school = refer(client, coordinator_headers, age=20, source="school")
    assert list(findings(from_school)) == ["jobcenter"] and not findings(from_school)["jobcenter"][1]
    assert intake(client, coordinator_headers, from_school["id"]).get_json()["status"] == "accepted"

    set_settings(mid, jobcenter_only=True)
    again = refer(client, coordinator_headers, age=20, source="guidance", name="Second")
    assert findings(again)["jobcenter"][1] is True
    assert set(assert_contract_error(intake(client, coordinator_headers, again["id"]), 409)["errors"]) == {"jobcenter"}


# ---- settings: the next request, this municipality only ---------------------------------------------

def test_changed_age_limits_and_candidate_count_hold_from_the_next_request(client, mid, plain, coordinator_headers):
    mentors = [mentor(mid, name) for name in ("Anne Andersen", "Bo Bach", "Camilla Holm")]
    waiting = refer(client, coordinator_headers, age=20)
    intake(client, coordinator_headers, waiting["id"])
    url = f"/api/v1/middelfart/referrals/{waiting['id']}/candidates"
    assert client.get(url, headers=coordinator_headers).get_json()["count"] == 1
    assert findings(refer(client, coordinator_headers, age=31, name="Before")) == {}

    set_settings(mid, max_age=30, candidate_count=2)
    assert plugin_settings(mid, "middelfart")["max_age"] == 30
    after = refer(client, coordinator_headers, age=31, name="After")
    assert findings(after)["age"] == ("31 years old on the day of referral; the corps is for young people aged 15-30.",
                                      True)
    shown = client.get(url, headers=coordinator_headers).get_json()
    assert shown["count"] == 2 and len(shown["candidates"]) == 2
    assert {c["volunteer_id"] for c in shown["candidates"]} <= set(mentors)
    assert hooks_for(plain).mentorkorps_candidate_count() == 1  # the neighbour keeps the default
    with tenant_context(plain):
        assert [r for batch in hooks_for(plain).mentorkorps_target_group_rules() for r in batch or []] == []


def test_the_coordinator_changes_the_settings_on_the_page_in_danish(app, mid, user_factory):
    client = login(app.test_client(), user_factory(mid, "coordinator"), mid)
    page = client.get("/middelfart/settings/").get_data(as_text=True)
    assert 'data-testid="plugin-settings-middelfart"' in page
    assert "Middelfarts mentorkorps" in page and "Yngste alder på henvisningsdagen" in page
    refused = post_form(client, "/middelfart/settings/plugins/middelfart", {
        "middelfart-min_age": "15", "middelfart-max_age": "99", "middelfart-candidate_count": "1",
        "middelfart-capacity_limit": "2", "middelfart-course_evenings": "5", "middelfart-research_project_trained": "y",
        "middelfart-experience_group_days": "30", "middelfart-supervision_days": "91",
        "middelfart-followup_months": "6"}, page="/middelfart/settings/")
    assert refused.status_code == 422 and 'data-field="middelfart-max_age"' in refused.get_data(as_text=True)
    saved = post_form(client, "/middelfart/settings/plugins/middelfart", {
        "middelfart-min_age": "16", "middelfart-max_age": "30", "middelfart-candidate_count": "1",
        "middelfart-capacity_limit": "1", "middelfart-course_evenings": "4",
        "middelfart-experience_group_days": "28", "middelfart-supervision_days": "60",
        "middelfart-followup_months": "3"}, page="/middelfart/settings/")
    assert saved.status_code == 302, saved.get_data(as_text=True)[:500]
    db.session.commit()
    assert plugin_settings(mid, "middelfart") == {
        "min_age": 16, "max_age": 30, "jobcenter_only": False, "candidate_count": 1, "capacity_limit": 1,
        "course_evenings": 4, "research_project_trained": False, "experience_group_days": 28,
        "supervision_days": 60, "followup_months": 3}
    hooks = hooks_for(mid)
    assert hooks.mentorkorps_capacity_limit() == 1
    assert [(r.kind, r.every_days) for batch in hooks.mentorkorps_meeting_rhythms() for r in batch] == [
        ("experience_group", 28), ("supervision", 60)]


def test_the_meeting_rhythms_capacity_and_follow_up_of_the_defaults(mid, plain):
    hooks = hooks_for(mid)
    with force_locale("da"):
        rhythms = [(r.kind, str(r.title), r.every_days) for batch in hooks.mentorkorps_meeting_rhythms() for r in batch]
    assert rhythms == [("experience_group", "Erfamøde", 30), ("supervision", "Supervision", 91)]
    assert hooks.mentorkorps_capacity_limit() == 10  # the seed sets none: each mentor's own number decides
    assert hooks.mentorkorps_followup_months(match=None) == [6]
    assert [r for batch in hooks_for(plain).mentorkorps_meeting_rhythms() for r in batch] == []
    set_settings(mid, followup_months=0)
    assert hooks_for(mid).mentorkorps_followup_months(match=None) == []


# ---- codes --------------------------------------------------------------------------------------------

def test_the_seeds_codes_and_words(app, mid, plain):
    from core.codes import recruitment_channels
    from core.matching.services import end_reasons, outcome_codes
    from core.referrals.services import sources

    with app.test_request_context("/"), force_locale("en"):
        with tenant_context(mid):
            channels, reasons, outcomes = recruitment_channels(), end_reasons(), outcome_codes()
            assert {"press", "brochure", "word_of_mouth", "mentor_spouse", "research_project"} <= set(channels)
            assert str(channels["mentor_spouse"]) == "A mentor's spouse"
            assert str(reasons["moved_away"]) == "Moved to another municipality"
            assert str(reasons["boundary_issues"]) == "Could not find the limit of what a volunteer social mentor is for"
            assert list(reasons)[:5] == ["completed", "moved_away", "needs_beyond_scope", "boundary_issues", "own_wish"]
            assert list(outcomes)[:5] == ["retained_in_education", "benefits_to_education", "sick_leave_to_education",
                                          "internship", "gave_up"]
            assert str(outcomes["gave_up"]) == "We had to give up"
            assert "business_centre" in sources()
        with tenant_context(plain):
            assert "mentor_spouse" not in recruitment_channels() and "business_centre" not in sources()
            assert str(end_reasons()["moved_away"]) == "Moved away"
        with force_locale("da"), tenant_context(mid):
            assert str(end_reasons()["moved_away"]) == "Flyttede til en anden kommune"
            assert str(recruitment_channels()["mentor_spouse"]) == "Ægtefælle til en mentor"


def test_a_mentors_spouse_is_a_recruitment_channel_in_middelfart_only(client, coordinator_headers, plain, user_factory):
    volunteer = {"name": "Peter Holm", "recruitment_channel": "mentor_spouse"}
    assert client.post("/api/v1/middelfart/volunteers", json=volunteer, headers=coordinator_headers).status_code == 201
    other = {**api_token(client, user_factory(plain, "coordinator")), "Accept-Language": "en"}
    assert_contract_error(client.post("/api/v1/nabokommune/volunteers", json=volunteer, headers=other), 422,
                          {"recruitment_channel"})


# ---- the 5-evening course, and the research project's mentors -------------------------------------------

def test_the_five_evening_course_needs_every_evening_unless_the_setting_says_fewer(mid):
    from core.training import services as training
    from core.volunteers import services as volunteers

    with tenant_context(mid):
        course = training.create_course({"title": "Unge-mentorkursus"})
        evenings = [training.add_session(course, TODAY - timedelta(days=40 - 7 * i), 3) for i in range(5)]
        anna = volunteers.create_volunteer({"name": "Anna", "recruitment_channel": "press",
                                            "recruited_on": TODAY - timedelta(days=60)})
        training.enroll(course, anna)
        for i, evening in enumerate(evenings):
            training.register_attendance(evening, {anna.id: i != 2})  # missed the third evening
        assert training.get_enrollment(course, anna.id).completed_on is None
        db.session.commit()

    set_settings(mid, course_evenings=4)
    with tenant_context(mid):
        course = training.get_course(course.id)
        training.register_attendance(course.sessions[4], {anna.id: True})  # completion is worked out again
        assert training.get_enrollment(course, anna.id).completed_on == course.sessions[4].on
        training.register_attendance(course.sessions[0], {anna.id: False})  # two missed: not enough
        assert training.get_enrollment(course, anna.id).completed_on is None
        short = training.create_course({"title": "Opfølgningsaften"})
        first, second = (training.add_session(short, TODAY - timedelta(days=d), 2) for d in (9, 2))
        training.enroll(short, anna)
        training.register_attendance(first, {anna.id: True})
        training.register_attendance(second, {anna.id: False})
        assert training.get_enrollment(short, anna.id).completed_on is None  # a shorter course: all of it


def test_the_research_projects_mentors_need_no_course_unless_the_setting_says_so(mid):
    from core.volunteers.services import eligibility, get_volunteer

    trained, press = mentor(mid, "Karen Forsker"), mentor(mid, "Pia Presse", channel="press")
    with tenant_context(mid):
        assert eligibility(get_volunteer(trained)).eligible
        assert [f.code for f in eligibility(get_volunteer(press)).findings if f.blocking] == ["course"]
    set_settings(mid, research_project_trained=False)
    with tenant_context(mid):
        assert [f.code for f in eligibility(get_volunteer(trained)).findings if f.blocking] == ["course"]


# ---- pages ------------------------------------------------------------------------------------------

def test_the_mentors_front_page_reminds_what_a_volunteer_mentor_is_not(app, mid, plain, user_factory):
    mentor_page = login(app.test_client(), user_factory(mid, "mentor"), mid).get("/middelfart/").get_data(as_text=True)
    assert 'data-testid="middelfart-mentor-role"' in mentor_page
    assert "Du er ikke psykolog, læge, socialrådgiver eller misbrugsbehandler" in mentor_page
    coordinator_page = login(app.test_client(), user_factory(mid, "coordinator"), mid).get("/middelfart/")
    assert "middelfart-mentor-role" not in coordinator_page.get_data(as_text=True)
    neighbour = login(app.test_client(), user_factory(plain, "mentor"), plain).get("/nabokommune/")
    assert neighbour.status_code == 200 and "middelfart-mentor-role" not in neighbour.get_data(as_text=True)


def test_the_intake_page_asks_middelfarts_questions_in_danish(app, client, mid, coordinator_headers, user_factory):
    created = refer(client, coordinator_headers, age=34)
    page = login(app.test_client(), user_factory(mid, "coordinator"), mid).get(f"/middelfart/referrals/{created['id']}")
    text = re.sub(r"\s+", " ", page.get_data(as_text=True))
    assert "Har den unge problemer udover ledighed" in text
    assert "34 år på henvisningsdagen; mentorkorpset er for unge på 15-32 år." in text
