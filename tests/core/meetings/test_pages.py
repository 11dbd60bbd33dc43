"""The meeting pages: the mentor's young people (only their own active matches, only what a mentor
may see), logging a meeting (service validation next to the field, confirmation at the top, the
list of meetings), consent withdrawal hiding the young person on the next request, another mentor's
match 404; the coordinator's follow-ups due (record a status); constant query counts."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from core.matching import services as matching
from core.meetings import services as meetings
from core.meetings.models import FollowUp, Meeting
from core.tenancy import tenant_context
from tests.conftest import login, post_form

MENTOR_FIELDS = {"young-first_name", "young-age", "young-phone", "young-email", "young-shared_goals",
                 "young-meetings", "young-last_meeting"}


_STAFF = {}


@pytest.fixture(autouse=True)
def _staff(matching_tenant, user_factory):
    _STAFF[matching_tenant.slug] = user_factory(matching_tenant, "coordinator")
    yield
    _STAFF.clear()


def _active(tenant, mentor, *, name="Yasmin Ung", share=True, started=None, goals="Find a job"):
    """An active match of ``mentor`` with a new young person; returns (match id, referral id)."""
    from core.referrals import services as referrals

    coordinator_user = _STAFF[tenant.slug]
    with tenant_context(tenant):
        referral = referrals.create_referral({
            "citizen": {"name": name, "birth_date": date(2004, 3, 3), "phone": "12345678",
                        "email": "ung@example.org", "share_contact_with_mentor": share,
                        "needs": "SECRET-NEEDS"},
            "referred_on": date.today() - timedelta(days=3), "source": "jobcenter", "situation": "cash_benefit",
            "reason": "SECRET-REASON", "consent_given_on": date.today() - timedelta(days=3),
            "consent_text_version": "v1", "referrer_name": "Jobcentret", "referrer_organisation": "Jobcenter",
        }, coordinator_user, "coordinator")
        referrals.decide_intake(referral, {}, "accept")
        referral.shared_goals = goals
        volunteer = db.session.merge(mentor)
        match = matching.propose(referral, [volunteer.id])
        matching.choose(match, volunteer.id)
        matching.accept(match, on=started or date.today() - timedelta(days=30))
        db.session.commit()
        return match.id, referral.id


@pytest.fixture
def mentor_user(matching_tenant, user_factory):
    return user_factory(matching_tenant, "mentor")


@pytest.fixture
def mentor(mentor_factory, mentor_user):
    return mentor_factory("Anna Andersen", capacity=5, user=mentor_user)


@pytest.fixture
def as_mentor(client, matching_tenant, mentor_user, mentor):
    login(client, mentor_user, matching_tenant)
    return client


def _testids(html, prefix):
    return set(re.findall(rf'data-testid="({prefix}[a-z_]+)"', html))


def test_my_young_people_shows_only_what_a_mentor_may_see(as_mentor, matching_tenant, mentor):
    match_id, _ = _active(matching_tenant, mentor, share=True)
    with tenant_context(matching_tenant):
        db.session.add(Meeting(match_id=match_id, held_on=date.today() - timedelta(days=2), minutes=60, place="cafe"))
        db.session.commit()
    response = as_mentor.get("/matchby/my/young-people")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _testids(html, "young-") == MENTOR_FIELDS
    assert "Yasmin" in html and "Yasmin Ung" not in html and "12345678" in html and "Find a job" in html
    assert "SECRET-NEEDS" not in html and "SECRET-REASON" not in html and "010203" not in html
    assert re.search(r'data-testid="young-meetings">1<', html)
    assert f"/matchby/my/matches/{match_id}/meetings/new" in html


def test_contact_details_only_when_the_young_person_agreed(as_mentor, matching_tenant, mentor):
    _active(matching_tenant, mentor, share=False)
    html = as_mentor.get("/matchby/my/young-people").get_data(as_text=True)
    assert _testids(html, "young-") == MENTOR_FIELDS - {"young-phone", "young-email"}
    assert "12345678" not in html and "ung@example.org" not in html


def test_another_mentors_match_is_not_there(as_mentor, matching_tenant, mentor, mentor_factory):
    other = mentor_factory("Bo Berg", capacity=2)
    theirs, _ = _active(matching_tenant, other, name="Other Ung")
    assert "Other" not in as_mentor.get("/matchby/my/young-people").get_data(as_text=True)
    assert as_mentor.get(f"/matchby/my/matches/{theirs}/meetings/new").status_code == 404
    response = post_form(as_mentor, f"/matchby/my/matches/{theirs}/meetings/new",
                         {"held_on": date.today().isoformat(), "minutes": "30"}, page="/matchby/my/young-people")
    assert response.status_code == 404
    with tenant_context(matching_tenant):
        assert db.session.scalar(select(Meeting).where(Meeting.match_id == theirs)) is None


def test_logging_a_meeting_confirms_at_the_top_and_lists_it(as_mentor, matching_tenant, mentor):
    match_id, _ = _active(matching_tenant, mentor)
    url = f"/matchby/my/matches/{match_id}/meetings/new"
    form = as_mentor.get(url).get_data(as_text=True)
    assert f'value="{date.today().isoformat()}"' in form  # the date defaults to today
    response = post_form(as_mentor, url, {"held_on": date.today().isoformat(), "minutes": "45", "place": "walk",
                                          "note": "Gåtur ved havnen"})
    assert response.status_code == 302
    page = as_mentor.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    confirmation = html.index('data-testid="meeting-logged"')
    assert confirmation < html.index("<h1") and "autofocus" in html[confirmation - 200:confirmation + 50]
    assert len(re.findall(r'data-testid="meeting"', html)) == 1 and "Gåtur ved havnen" in html
    with tenant_context(matching_tenant):
        meeting = db.session.scalar(select(Meeting).where(Meeting.match_id == match_id))
        assert (meeting.minutes, meeting.place, meeting.held_on) == (45, "walk", date.today())


@pytest.mark.parametrize("data, field", [
    ({"held_on": (date.today() + timedelta(days=1)).isoformat()}, "held_on"),
    ({"held_on": (date.today() - timedelta(days=40)).isoformat()}, "held_on"),  # before the start
    ({"minutes": "0"}, "minutes"),
    ({"minutes": "601"}, "minutes"),
    ({"place": "moon"}, "place"),
])
def test_a_refused_meeting_is_shown_next_to_its_field(as_mentor, matching_tenant, mentor, data, field):
    match_id, _ = _active(matching_tenant, mentor, started=date.today() - timedelta(days=30))
    url = f"/matchby/my/matches/{match_id}/meetings/new"
    response = post_form(as_mentor, url, {"held_on": date.today().isoformat(), "minutes": "30", **data})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.findall(r'data-field="([a-z_]+)"', html) == [field]
    with tenant_context(matching_tenant):
        assert db.session.scalar(select(Meeting).where(Meeting.match_id == match_id)) is None


def test_a_meeting_before_the_start_names_the_start_as_the_reader_writes_dates(as_mentor, matching_tenant, mentor):
    from babel.dates import format_date

    started = date.today() - timedelta(days=30)
    match_id, _ = _active(matching_tenant, mentor, started=started)
    url = f"/matchby/my/matches/{match_id}/meetings/new"
    response = post_form(as_mentor, url, {"held_on": (started - timedelta(days=1)).isoformat(), "minutes": "30"})
    assert response.status_code == 422
    message = re.search(r'data-field="held_on">(.*?)</span>', response.get_data(as_text=True), re.S).group(1)
    assert format_date(started, "medium", locale="da") in message and started.isoformat() not in message  # Danish


def test_after_consent_is_withdrawn_the_mentor_sees_nothing(as_mentor, matching_tenant, mentor):
    from core.referrals import services as referrals

    match_id, referral_id = _active(matching_tenant, mentor)
    url = f"/matchby/my/matches/{match_id}/meetings/new"
    assert as_mentor.get(url).status_code == 200
    with tenant_context(matching_tenant):
        referrals.withdraw_consent(referrals.get_referral(referral_id))
        db.session.commit()
    html = as_mentor.get("/matchby/my/young-people").get_data(as_text=True)
    assert "Yasmin" not in html and 'data-testid="no-young-people"' in html
    assert as_mentor.get(url).status_code == 404
    assert post_form(as_mentor, url, {"held_on": date.today().isoformat()},
                     page="/matchby/my/young-people").status_code == 404


def test_my_young_people_has_a_constant_number_of_queries(as_mentor, matching_tenant, mentor, count_queries):
    def queries():
        as_mentor.get("/matchby/my/young-people")
        with count_queries() as q:
            assert as_mentor.get("/matchby/my/young-people").status_code == 200
        return len(q)

    _active(matching_tenant, mentor, name="En Ung")
    one = queries()
    for name in ("To Ung", "Tre Ung", "Fire Ung"):
        _active(matching_tenant, mentor, name=name)
    assert queries() == one


# ---- follow-ups -----------------------------------------------------------------------------------

@pytest.fixture
def coordinator(client, matching_tenant, user_factory):
    user = user_factory(matching_tenant, "coordinator")
    login(client, user, matching_tenant)
    return user


def _ended(tenant, mentor, name, *, ended=None):
    match_id, _ = _active(tenant, mentor, name=name, started=date.today() - timedelta(days=400))
    with tenant_context(tenant):
        match = matching.get_match(match_id)
        matching.end(match, {"ended_on": ended or date.today() - timedelta(days=200), "end_reason": "completed",
                             "outcome": "job"})
        db.session.commit()
    return match_id


def test_the_followups_due_are_listed_and_recorded(client, coordinator, matching_tenant, mentor):
    due = _ended(matching_tenant, mentor, "Sara Ung")
    _ended(matching_tenant, mentor, "Later Ung", ended=date.today() - timedelta(days=10))  # not due yet
    response = client.get("/matchby/followups")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sara" in html and "Later" not in html and "Sara Ung" not in html
    assert set(re.findall(r'data-testid="(followup-[a-z_]+)"', html)) == {
        "followup-first_name", "followup-months_after", "followup-due_on"}
    with tenant_context(matching_tenant):
        followup = db.session.scalar(select(FollowUp).where(FollowUp.match_id == due))
        followup_id = followup.id
    refused = post_form(client, "/matchby/followups", {"followup_id": followup_id, "status": "rich"})
    assert refused.status_code == 422
    assert re.findall(r'data-field="([a-z_]+)"', refused.get_data(as_text=True)) == ["status"]
    done = post_form(client, "/matchby/followups", {"followup_id": followup_id, "status": "education"})
    assert done.status_code == 302
    with tenant_context(matching_tenant):
        followup = db.session.get(FollowUp, followup_id)
        assert (followup.status, followup.recorded_on) == ("education", date.today())
    after = client.get("/matchby/followups").get_data(as_text=True)
    assert 'data-testid="followup"' not in after and 'data-testid="no-followups"' in after


def test_the_followups_page_has_a_constant_number_of_queries(client, coordinator, matching_tenant, mentor,
                                                             count_queries):
    def queries():
        client.get("/matchby/followups")
        with count_queries() as q:
            assert client.get("/matchby/followups").status_code == 200
        return len(q)

    _ended(matching_tenant, mentor, "En Ung")
    one = queries()
    for name in ("To Ung", "Tre Ung", "Fire Ung"):
        _ended(matching_tenant, mentor, name)
    assert queries() == one


def test_a_mentor_or_caseworker_has_no_followups_page(client, matching_tenant, user_factory):
    login(client, user_factory(matching_tenant, "caseworker"), matching_tenant)
    assert client.get("/matchby/followups").status_code in (403, 404)
