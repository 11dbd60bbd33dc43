"""#MentorIshøj's rules end to end (municipalities/ishoej, seeds 002/003), through the API and the pages
as a caseworker, a coordinator, a mentor and the young person would use them:

- intake: a 31-year-old, a young person living in another municipality (2605 Brøndby) and one with
  a blocking exclusion are each refused acceptance with the right finding and then rejected; a
  20-year-old from 2635 is accepted; the age counts on the day of referral;
- matching: exactly two candidates are presented, and the young person's choice (through the link,
  or made on their behalf) decides; a mentor with two young people gets no third; the criteria
  weigh needs and education wishes, a wished-for background and gender, never requiring them;
- the corps: the volunteer profile form's questions are required; the course counts after two
  evenings; mentor meetings and supervision at their rhythm; follow-up after six months;
- the settings: on the settings page in Danish and English, validated per field, audited, and in
  force from the next request;
- none of it reaches another municipality.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.extensions import db
from core.matching import services as matching
from core.matching.models import Match
from core.platform.services import update_plugin_settings
from core.referrals.models import Referral
from core.tenancy import tenant_context
from core.volunteers import services as volunteers
from tests.conftest import api_token, csrf_token, login, post_form

BLOCKING_QUESTIONS = ("drug_abuse", "severe_mental_illness", "criminal_milieu")
NO = {key: False for key in BLOCKING_QUESTIONS}
TODAY = date.today()


# ---- fixtures ------------------------------------------------------------------------------------

@pytest.fixture
def ishoej(tenant_factory):
    return tenant_factory("ishoej", "Ishøj Kommune", plugins=("ishoej",))


@pytest.fixture
def plain(tenant_factory):
    """A municipality without Ishøj's rules (the defaults only)."""
    return tenant_factory("plainby", "Plainby Kommune")


@pytest.fixture
def coordinator(ishoej, user_factory):
    return user_factory(ishoej, "coordinator")


@pytest.fixture
def headers(client, coordinator):
    return {**api_token(client, coordinator), "Accept-Language": "en"}


@pytest.fixture
def caseworker_headers(client, ishoej, user_factory):
    return {**api_token(client, user_factory(ishoej, "caseworker")), "Accept-Language": "en"}


@pytest.fixture
def web(app, ishoej, coordinator):
    """The coordinator's browser, reading English."""
    client = app.test_client()
    login(client, coordinator, ishoej)
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client


def born(age: int, on: date = TODAY) -> date:
    """A birth date that makes someone ``age`` years old on ``on`` (and for a while after)."""
    return date(on.year - age, on.month, 1) - timedelta(days=40)


def referral_body(*, age=20, postcode="2635", source="jobcenter_vallensbaek", situation="education_ready",
                  name="Yasmin Ung", **citizen):
    return {"citizen": {"name": name, "birth_date": born(age).isoformat(), "postcode": postcode,
                        "interests": ["fodbold"], **citizen},
            "source": source, "situation": situation, "reason": "Har brug for en voksen at tale med",
            "consent": {"given_on": TODAY.isoformat(), "text_version": "ishoej-2026-1"}}


def refer(client, headers, **kwargs) -> dict:
    response = client.post("/api/v1/ishoej/referrals", json=referral_body(**kwargs), headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def intake(client, headers, referral_id, decision="accept", answers=NO, reason=None):
    body = {"answers": answers, "decision": decision, **({"reason": reason} if reason else {})}
    return client.post(f"/api/v1/ishoej/referrals/{referral_id}/intake", json=body, headers=headers)


PROFILE_FORM = {"gender": "female", "birth_date": date(1970, 5, 1), "background": "Dansk", "interests": ["cykling"],
                "work_background": "Pædagog", "competences": "God til at lytte", "wishes": "En ung, der vil i gang",
                "reservations": "Ingen forbehold"}


@pytest.fixture
def mentor_factory(ishoej):
    """Active Ishøj mentors: the whole profile form, the two-evening course, a certificate."""
    from core.training import services as training

    def make(name, *, capacity=2, evenings=2, **profile):
        with tenant_context(ishoej):
            volunteer = volunteers.create_volunteer({**PROFILE_FORM, "name": name, "capacity": capacity,
                                                     "recruited_on": TODAY - timedelta(days=100), **profile})
            course = training.create_course({"title": f"Mentorkursus for {name}"})
            sessions = [training.add_session(course, TODAY - timedelta(days=60 - 7 * i), 3) for i in range(2)]
            training.enroll(course, volunteer)
            for session in sessions[:evenings]:
                training.register_attendance(session, {volunteer.id: True})
            volunteers.add_screening(volunteer, "child_certificate", TODAY - timedelta(days=30))
            if volunteer.status == "applicant":
                volunteers.change_status(volunteer, "in_training", TODAY - timedelta(days=50))
            volunteers.change_status(volunteer, "approved", TODAY - timedelta(days=20))
            volunteers.change_status(volunteer, "active", TODAY - timedelta(days=10))
            db.session.commit()
            return volunteer.id

    return make


def accepted(client, headers, **kwargs) -> int:
    referral = refer(client, headers, **kwargs)
    assert intake(client, headers, referral["id"]).status_code == 200
    return referral["id"]


# ---- intake: the target group and the exclusions -------------------------------------------------

def test_a_31_year_old_is_refused_and_rejected_for_the_age(client, headers):
    referral = refer(client, headers, age=31)
    assert [f for f in referral["findings"] if f["blocking"]] == [{
        "rule": "age", "blocking": True,
        "message": "The young person was 31 years old when referred: #MentorIshøj is for young people aged 18-30."}]
    refused = intake(client, headers, referral["id"])
    assert refused.status_code == 409 and set(refused.get_json()["errors"]) == {"age"}
    rejected = intake(client, headers, referral["id"], "reject", reason="Over 30 år")
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    stored = client.get(f"/api/v1/ishoej/referrals/{referral['id']}", headers=headers).get_json()
    assert [f["rule"] for f in stored["findings"] if f["blocking"]] == ["age"]


def test_a_young_person_living_in_another_municipality_is_refused_and_rejected(client, headers):
    referral = refer(client, headers, age=22, postcode="2605")
    refused = intake(client, headers, referral["id"])
    assert refused.status_code == 409
    assert refused.get_json()["errors"] == {"residence": [
        "The young person lives in 2605: #MentorIshøj requires that the young person lives in Ishøj Kommune (2635)."]}
    assert intake(client, headers, referral["id"], "reject", reason="Bor i Brøndby").get_json()["status"] == "rejected"


@pytest.mark.parametrize("question", BLOCKING_QUESTIONS)
def test_each_exclusion_blocks_with_its_reason(client, headers, question):
    referral = refer(client, headers, age=22)
    assert not [f for f in referral["findings"] if f["blocking"]]
    refused = intake(client, headers, referral["id"], answers={**NO, question: True})
    assert refused.status_code == 409
    (message,) = refused.get_json()["errors"][question]
    assert "needs professional help first" in message and "outside #MentorIshøj's target group" in message
    rejected = intake(client, headers, referral["id"], "reject", answers={**NO, question: True}, reason=message)
    assert rejected.status_code == 200
    stored = client.get(f"/api/v1/ishoej/referrals/{referral['id']}", headers=headers).get_json()
    assert stored["status"] == "rejected"
    assert [(f["rule"], f["message"]) for f in stored["findings"] if f["blocking"]] == [(question, message)]


def test_a_20_year_old_from_2635_is_accepted_once_every_question_is_answered(client, headers, caseworker_headers):
    referral = refer(client, caseworker_headers, age=20, source="cph_west", situation="dropout_risk")
    assert referral["findings"] == []
    unanswered = intake(client, headers, referral["id"], answers={})
    assert unanswered.status_code == 422 and set(unanswered.get_json()["errors"]) == set(BLOCKING_QUESTIONS)
    response = intake(client, headers, referral["id"])
    assert response.status_code == 200 and response.get_json()["status"] == "accepted"


def test_the_age_counts_on_the_day_of_referral(client, headers, frozen):
    referred = date(TODAY.year - 1, 6, 10)
    frozen(referred)
    body = referral_body()
    body["citizen"]["birth_date"] = date(referred.year - 31, 6, 20).isoformat()  # 30, turns 31 ten days later
    body["consent"]["given_on"] = referred.isoformat()
    referral = client.post("/api/v1/ishoej/referrals", json=body, headers=headers).get_json()
    frozen(referred + timedelta(days=30))  # intake a month later: 31 by then
    assert intake(client, headers, referral["id"]).status_code == 200


def test_a_missing_postcode_or_another_situation_is_a_finding_to_check_not_a_refusal(client, headers):
    referral = refer(client, headers, postcode="", source="jobcenter", situation="cash_benefit")
    assert {f["rule"]: f["blocking"] for f in referral["findings"]} == {"residence_unknown": False, "situation": False}
    assert intake(client, headers, referral["id"]).status_code == 200


def test_the_sources_situations_and_consent_text_of_ishoej(web, ishoej):
    page = web.get("/ishoej/referrals/new").get_data(as_text=True)
    for label in ("Jobcenter Vallensbæk", "CPH West", "UU guidance counsellor", "Ready for education",
                  "At risk of dropping out", "Jobcenter", "Cash benefit"):  # Ishøj's, and the contract's codes
        assert label in page, label
    assert "ishoej-2026-1" in page and "#MentorIshøj" in page


# ---- matching ------------------------------------------------------------------------------------

def test_exactly_two_candidates_are_presented_and_the_young_persons_choice_decides(app, client, headers, web,
                                                                                  mentor_factory, ishoej):
    ids = [mentor_factory(name) for name in ("Anna Andersen", "Bo Berg", "Carl Carlsen", "Dina Dahl")]
    referral_id = accepted(client, headers)
    answer = client.get(f"/api/v1/ishoej/referrals/{referral_id}/candidates", headers=headers).get_json()
    assert answer["count"] == 2 and len(answer["candidates"]) == 2
    first, second = (c["volunteer_id"] for c in answer["candidates"])
    assert {first, second} <= set(ids)
    proposed = client.post("/api/v1/ishoej/matches", json={"referral_id": referral_id, "volunteer_ids": [first, second]},
                           headers=headers)
    assert proposed.status_code == 201 and proposed.get_json()["status"] == "proposed"
    match_id = proposed.get_json()["id"]

    # The young person chooses through the link: the second one.
    made = post_form(web, f"/ishoej/matches/{match_id}/link", page=f"/ishoej/matches/{match_id}")
    token = re.search(r'/ishoej/choose/([A-Za-z0-9_-]+)', made.get_data(as_text=True)).group(1)
    young = app.test_client()
    page = young.get(f"/ishoej/choose/{token}").get_data(as_text=True)
    assert len(re.findall(r'data-testid="choice-first_name"', page)) == 2
    assert post_form(young, f"/ishoej/choose/{token}", {"volunteer_id": second}).status_code == 200
    match = client.get(f"/api/v1/ishoej/matches/{match_id}", headers=headers).get_json()
    assert (match["status"], match["volunteer_id"]) == ("chosen", second)

    # Made on the young person's behalf, the choice decides the same way.
    other_id = accepted(client, headers, name="Omar Ung", gender="male")
    candidates = [c["volunteer_id"] for c in client.get(f"/api/v1/ishoej/referrals/{other_id}/candidates",
                                                        headers=headers).get_json()["candidates"]]
    assert len(candidates) == 2  # two again, whoever they are
    made = client.post("/api/v1/ishoej/matches", json={"referral_id": other_id, "volunteer_ids": candidates},
                       headers=headers).get_json()
    chosen = client.post(f"/api/v1/ishoej/matches/{made['id']}/choose", json={"volunteer_id": candidates[1]},
                         headers=headers).get_json()
    assert (chosen["status"], chosen["volunteer_id"]) == ("chosen", candidates[1])


def test_a_mentor_with_two_young_people_gets_no_third(client, headers, mentor_factory, ishoej):
    response = client.post("/api/v1/ishoej/volunteers", json={**_json(PROFILE_FORM), "name": "Ulla", "capacity": 3},
                           headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"capacity": [
        "The number of young people must be between 0 and 2. Enter a number in that range, or leave the field empty for "
        "the municipality's default."]}
    anna = mentor_factory("Anna Andersen", capacity=2)
    for name in ("Ung En", "Ung To"):
        referral_id = accepted(client, headers, name=name)
        made = client.post("/api/v1/ishoej/matches", json={"referral_id": referral_id, "volunteer_ids": [anna]},
                           headers=headers)
        assert made.status_code == 201
        assert client.post(f"/api/v1/ishoej/matches/{made.get_json()['id']}/choose", json={"volunteer_id": anna},
                           headers=headers).status_code == 200
    third = accepted(client, headers, name="Ung Tre")
    refused = client.post("/api/v1/ishoej/matches", json={"referral_id": third, "volunteer_ids": [anna]}, headers=headers)
    assert refused.status_code == 409 and "volunteer_ids" in refused.get_json()["errors"]
    assert client.get(f"/api/v1/ishoej/referrals/{third}/candidates", headers=headers).get_json()["candidates"] == []


def _json(profile: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in profile.items()}


def test_the_criteria_weigh_needs_and_wishes_and_honour_a_wish_without_requiring_it(ishoej, mentor_factory, client,
                                                                                      headers):
    carpenter = mentor_factory("Murat Kaya", gender="male", background="Tyrkisk-dansk", languages=["dansk", "tyrkisk"],
                               work_background="Tømrer i 25 år", competences="Praktisk anlagt", birth_date=date(1975, 1, 1))
    teacher = mentor_factory("Lone Lund", gender="female", background="Dansk", work_background="Pensioneret lærer",
                             competences="Kender uddannelsessystemet", birth_date=date(1958, 1, 1))
    referral_id = accepted(client, headers, name="Emre Ung", gender="male", education_wishes="Vil gerne være tømrer",
                           mentor_gender_wish="female", mentor_wishes="Gerne en mentor med tyrkisk baggrund")
    with tenant_context(ishoej), force_locale("en"):
        referral = db.session.get(Referral, referral_id)
        views = {c.volunteer_id: c for c in matching.candidates_for(referral, limit=5)}
        parts = {v: {p["key"]: {**p, "reason": str(p["reason"])} for p in views[v].parts} for v in views}
    assert set(views) == {carpenter, teacher}  # a wish is never a requirement: both are candidates
    assert parts[carpenter]["needs_and_wishes"]["points"] == 1.5
    assert "crafts and trades" in str(parts[carpenter]["needs_and_wishes"]["reason"])
    assert parts[carpenter]["background_wish"]["points"] == 1.0
    assert "Tyrkisk" in str(parts[carpenter]["background_wish"]["reason"])
    assert "gender_wish" not in parts[carpenter] and parts[teacher]["gender_wish"]["points"] == 1.0
    assert "background_wish" not in parts[teacher]
    assert parts[teacher]["age_gap"]["points"] == 0.5  # an adult a good deal older, never a penalty for it
    assert min(p["points"] for v in parts for p in parts[v].values()) >= 0  # no criterion subtracts or blocks


def test_scoring_reads_the_texts_with_a_fixed_number_of_queries(ishoej, mentor_factory, client, headers, count_queries):
    referral_id = accepted(client, headers)

    def queries():
        with tenant_context(ishoej):
            referral = db.session.get(Referral, referral_id)
            with count_queries() as q:
                matching.candidates_for(referral)
            db.session.rollback()
        return len(q)

    for n in range(3):
        mentor_factory(f"Mentor {n}")
    few = queries()
    for n in range(3, 9):
        mentor_factory(f"Mentor {n}", work_background="Elektriker", competences="Kender uddannelsessystemet")
    assert queries() == few


# ---- the corps -----------------------------------------------------------------------------------

def test_the_profile_forms_questions_are_required_on_the_web_and_in_the_api(client, headers, web):
    response = client.post("/api/v1/ishoej/volunteers", json={"name": "Ole"}, headers=headers)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == set(PROFILE_FORM)
    assert client.post("/api/v1/ishoej/volunteers", json={**_json(PROFILE_FORM), "name": "Ole"},
                       headers=headers).status_code == 201
    page = web.get("/ishoej/volunteers/new").get_data(as_text=True)
    starred = set(re.findall(r'<label class="form-label" for="([a-z_]+)">[^<]*<span class="mk-required"', page))
    assert starred == {"name", *PROFILE_FORM}


def test_the_course_counts_after_two_evenings(ishoej, mentor_factory):
    one_evening = mentor_factory("Eva Enaften", evenings=1)
    two_evenings = mentor_factory("Tove Toaftener", evenings=2)
    with tenant_context(ishoej):
        found = volunteers.eligibility_many([db.session.get(volunteers.Volunteer, i) for i in (one_evening, two_evenings)])
        assert [f.code for f in found[one_evening].findings] == ["course"]
        assert found[two_evenings].eligible


def test_the_rhythms_of_mentor_meetings_and_supervision(web, ishoej):
    page = web.get("/ishoej/group-meetings/").get_data(as_text=True)
    assert re.search(r'data-testid="rhythm-experience_group">\s*<strong>Mentor meeting</strong>:\s*every 42 days', page)
    assert re.search(r'data-testid="rhythm-supervision">\s*<strong>Supervision</strong>:\s*every 91 days', page)
    front = web.get("/ishoej/").get_data(as_text=True)
    assert re.findall(r'group-meetings/plan/([a-z_]+)"', front) == ["experience_group", "supervision"]


def test_a_match_ending_schedules_the_follow_up_six_months_after(client, headers, mentor_factory, ishoej):
    anna = mentor_factory("Anna Andersen")
    referral_id = accepted(client, headers)
    with tenant_context(ishoej):
        match = matching.propose(db.session.get(Referral, referral_id), [anna])
        matching.choose(match, anna)
        matching.accept(match, on=TODAY - timedelta(days=100))
        matching.end(match, {"ended_on": TODAY, "end_reason": "completed", "outcome": "benefits_to_education"})
        db.session.commit()
        assert followups(match) == [(6, volunteers.add_months(TODAY, 6))]


def followups(match) -> list[tuple[int, date]]:
    from core.meetings.models import FollowUp

    return [(f.months_after, f.due_on) for f in db.session.scalars(
        select(FollowUp).where(FollowUp.match_id == match.id).order_by(FollowUp.months_after))]


# ---- the settings --------------------------------------------------------------------------------

SETTING_LABELS = {
    "en": ["Youngest age on the day of referral", "Postcodes the young person must live in",
           "Mentors presented to the young person", "Most young people per mentor at a time",
           "Weeks between mentor meetings", "Months between supervision meetings"],
    "da": ["Yngste alder på henvisningsdagen", "Postnumre, den unge skal bo i", "Mentorer, der præsenteres for den unge",
           "Flest unge pr. mentor ad gangen", "Uger mellem mentormøder", "Måneder mellem supervisionsmøder"],
}


def _settings_form(**values) -> dict:
    base = {"ishoej-min_age": "18", "ishoej-max_age": "30", "ishoej-postcodes": "2635", "ishoej-candidate_count": "2",
            "ishoej-capacity_limit": "2", "ishoej-course_evenings": "2", "ishoej-mentor_meeting_every_weeks": "6",
            "ishoej-supervision_every_months": "3", "ishoej-followup_months": ["6"],
            "ishoej-volunteer_fields": list(PROFILE_FORM)}
    return {**base, **{f"ishoej-{k}": v for k, v in values.items()}}


def test_the_settings_are_on_the_page_in_danish_and_english(app, ishoej, coordinator):
    browser = app.test_client()
    login(browser, coordinator, ishoej)
    danish = browser.get("/ishoej/settings/").get_data(as_text=True)
    assert 'data-testid="plugin-settings-ishoej"' in danish
    for label in SETTING_LABELS["da"]:
        assert label in danish, label
    browser.post("/lang", data={"lang": "en", "csrf_token": csrf_token(browser, "/ishoej/settings/")})
    english = browser.get("/ishoej/settings/").get_data(as_text=True)
    for label in SETTING_LABELS["en"]:
        assert label in english, label


def test_a_changed_setting_is_validated_audited_and_in_force_from_the_next_request(client, headers, web, ishoej,
                                                                                   mentor_factory):
    for name in ("Anna Andersen", "Bo Berg", "Carl Carlsen"):
        mentor_factory(name)
    refused = post_form(web, "/ishoej/settings/plugins/ishoej", _settings_form(postcodes="26x5", min_age="26"),
                        page="/ishoej/settings/")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "A postcode is four digits, e.g. 2635." in page and "Must be between 15 and 25." in page
    older = refer(client, headers, age=31, name="Ældre Ung")
    assert "age" in {f["rule"] for f in older["findings"]}

    saved = post_form(web, "/ishoej/settings/plugins/ishoej",
                      _settings_form(max_age="32", candidate_count="1", postcodes="2635, 2625"), page="/ishoej/settings/")
    assert saved.status_code == 302
    # The next request: a 31-year-old from Vallensbæk (2625) is in the target group, one candidate is presented.
    older = refer(client, headers, age=31, postcode="2625", name="Ældre Ung To")
    assert [f for f in older["findings"] if f["blocking"]] == []
    assert intake(client, headers, older["id"]).status_code == 200
    answer = client.get(f"/api/v1/ishoej/referrals/{older['id']}/candidates", headers=headers).get_json()
    assert answer["count"] == 1 and len(answer["candidates"]) == 1
    with tenant_context(ishoej):
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "plugin.settings_updated")).one()
        assert event.details["plugin"] == "ishoej"
        assert event.details["values"] == {"max_age": 32, "candidate_count": 1, "postcodes": ["2635", "2625"]}


def test_the_limit_meeting_rhythm_and_follow_up_settings_take_effect(client, headers, web, ishoej, mentor_factory):
    with tenant_context(ishoej):
        update_plugin_settings(ishoej, "ishoej", {"capacity_limit": 1, "mentor_meeting_every_weeks": 4,
                                                  "followup_months": ["3", "6"]})
        db.session.commit()
    response = client.post("/api/v1/ishoej/volunteers", json={**_json(PROFILE_FORM), "name": "Ulla", "capacity": 2},
                           headers=headers)
    assert response.get_json()["errors"] == {"capacity": [
        "The number of young people must be between 0 and 1. Enter a number in that range, or leave the field empty for "
        "the municipality's default."]}
    page = web.get("/ishoej/group-meetings/").get_data(as_text=True)
    assert re.search(r"<strong>Mentor meeting</strong>:\s*every 28 days", page)
    anna = mentor_factory("Anna Andersen", capacity=1)
    referral_id = accepted(client, headers)
    with tenant_context(ishoej):
        match = matching.propose(db.session.get(Referral, referral_id), [anna])
        matching.choose(match, anna)
        matching.accept(match, on=TODAY - timedelta(days=100))
        matching.end(match, {"ended_on": TODAY, "end_reason": "completed", "outcome": "job"})
        db.session.commit()
        assert [months for months, _due in followups(match)] == [3, 6]


# ---- only Ishøj ----------------------------------------------------------------------------------

def test_ishoejs_rules_do_not_reach_another_municipality(client, plain, user_factory):
    headers = {**api_token(client, user_factory(plain, "coordinator")), "Accept-Language": "en"}
    body = referral_body(age=31, postcode="2605", source="jobcenter", situation="cash_benefit")
    body["consent"]["text_version"] = "core-1"
    referral = client.post("/api/v1/plainby/referrals", json=body, headers=headers).get_json()
    assert referral["findings"] == []
    assert client.post(f"/api/v1/plainby/referrals/{referral['id']}/intake", json={"answers": {}, "decision": "accept"},
                       headers=headers).status_code == 200
    assert client.post("/api/v1/plainby/volunteers", json={"name": "Ole", "capacity": 5}, headers=headers).status_code == 201
    sources = client.post("/api/v1/plainby/referrals", json={**body, "source": "cph_west"}, headers=headers)
    assert sources.status_code == 422 and "source" in sources.get_json()["errors"]
    with tenant_context(plain):
        assert matching.candidate_count() == 1
        assert db.session.scalar(select(Match.id)) is None
