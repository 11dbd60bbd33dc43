"""Ishøj's demo municipality (municipalities/ishoej/demo.py): about ten active mentors with the whole
profile form, one or two young people each, young people from Jobcenter Vallensbæk, CPH West and UU
who chose between two candidates, every stage of the young person's path, mentor meetings every six
weeks and supervision every three months; and every page of the demo answers with its content."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from core.demo import DEMO_PASSWORD, load_demo
from core.extensions import db
from core.groups.models import GroupMeeting, GroupMeetingParticipant
from core.matching.models import Match, MatchCandidate
from core.meetings.models import FollowUp, Meeting
from core.platform.services import get_tenant_by_slug
from core.referrals.models import Referral
from core.tenancy import tenant_context
from core.volunteers.models import Volunteer
from municipalities.ishoej import PROFILE_FORM

TODAY = date.today()


@pytest.fixture
def demo(app):
    load_demo(TODAY, only="ishoej")
    db.session.commit()
    tenant = get_tenant_by_slug("ishoej")
    with tenant_context(tenant):
        yield tenant


def test_about_ten_active_mentors_with_the_whole_profile_form_and_one_or_two_young_people(demo):
    people = db.session.scalars(select(Volunteer)).all()
    mentors = [v for v in people if v.status == "active"]
    assert 9 <= len(mentors) <= 11  # seed 003: "ca. 10 mentorer"; seed 002: 8-10 active on average
    for volunteer in people:
        assert all(getattr(volunteer, name) not in (None, "", []) for name in PROFILE_FORM), volunteer.name
    backgrounds = Counter(v.background for v in mentors)
    assert sum(n for b, n in backgrounds.items() if b.endswith("-dansk")) >= 3  # role models of minority backgrounds
    assert {v.gender for v in mentors} == {"female", "male"}
    open_matches = Counter(db.session.scalars(select(Match.volunteer_id).where(Match.status.in_(("active", "chosen")))))
    assert set(open_matches) <= {v.id for v in mentors}
    assert all(1 <= open_matches[v.id] <= 2 for v in mentors), open_matches
    assert all(v.capacity <= 2 for v in people)


def test_the_young_people_chose_between_two_and_every_stage_is_there(demo):
    referrals = db.session.scalars(select(Referral)).all()
    assert {r.source for r in referrals} == {"jobcenter_vallensbaek", "cph_west", "uu"}
    assert {r.situation for r in referrals} == {"education_ready", "dropout_risk"}
    assert {r.consent_text_version for r in referrals} == {"ishoej-2026-1"}
    statuses = Counter(r.status for r in referrals)
    assert statuses["received"] >= 2 and statuses["accepted"] >= 1 and statuses["rejected"] == 2
    assert statuses["matched"] >= 8 and statuses["ended"] >= 3
    candidates = Counter(db.session.scalars(select(MatchCandidate.match_id)))
    matches = db.session.scalars(select(Match)).all()
    assert all(candidates[m.id] == 2 for m in matches)
    for match in matches:
        if match.status != "proposed":
            assert match.volunteer_id in {c.volunteer_id for c in match.candidates}
    assert Counter(m.status for m in matches)["proposed"] == 1  # waiting for the young person's choice
    assert Counter(m.status for m in matches)["chosen"] == 1  # waiting for the mentor
    rejected = {r.decision_reason: {f["rule"] for f in r.findings if f["blocking"]} for r in referrals
                if r.status == "rejected"}
    assert sorted(rejected.values(), key=sorted) == [{"drug_abuse"}, {"residence"}]

    ended = [m for m in matches if m.status == "ended"]
    assert {m.outcome for m in ended} >= {"job", "benefits_to_education", "internship"}
    assert {m.end_reason for m in ended} >= {"completed", "moved_away"}
    followups = db.session.scalars(select(FollowUp)).all()
    assert {f.match_id for f in followups} == {m.id for m in ended}
    assert [f.status for f in followups if f.status] == ["job"]
    assert any(f.status is None and f.due_on <= TODAY for f in followups)  # one due: a task on the front page
    assert db.session.scalar(select(func.count(Meeting.id))) > 50


def test_mentor_meetings_every_six_weeks_and_supervision_every_three_months(demo):
    def dates(kind):
        return sorted(db.session.scalars(select(GroupMeeting.on).where(GroupMeeting.kind == kind)))

    mentor_meetings, supervision = dates("experience_group"), dates("supervision")
    past = [d for d in mentor_meetings if d <= TODAY]
    assert len(past) >= 3 and {(b - a).days for a, b in zip(past, past[1:])} <= {42}
    assert len([d for d in mentor_meetings if d > TODAY]) >= 2 and len([d for d in supervision if d > TODAY]) >= 1
    assert {(b - a).days for a, b in zip(supervision, supervision[1:])} <= {91}
    came = db.session.execute(select(GroupMeeting.kind, func.count(GroupMeetingParticipant.id))
                              .join(GroupMeetingParticipant).where(GroupMeetingParticipant.attended.is_(True))
                              .group_by(GroupMeeting.kind)).all()
    assert dict(came)["experience_group"] > 5 and dict(came)["supervision"] > 5


def _menu_links(html: str) -> list[str]:
    nav = html[html.index("<nav"):html.index("</nav>")]
    return sorted(set(re.findall(r'href="(/ishoej/[^"#?]*)"', nav)))


@pytest.mark.parametrize("role", ["coordinator", "caseworker", "mentor"])
def test_every_page_of_the_demo_answers_with_its_content(app, demo, role):
    client = app.test_client()
    email = {"coordinator": "koordinator", "caseworker": "sagsbehandler", "mentor": "mentor"}[role]
    from tests.conftest import csrf_token

    token = csrf_token(client, "/ishoej/login")
    assert client.post("/ishoej/login", data={"email": f"{email}@ishoej.dk", "password": DEMO_PASSWORD,
                                              "csrf_token": token}).status_code == 302
    front = client.get("/ishoej/").get_data(as_text=True)
    pages = _menu_links(front)
    assert len(pages) >= {"coordinator": 10, "caseworker": 3, "mentor": 3}[role]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(re.findall(r"<tr|<li|<input", response.get_data(as_text=True))) > 5, url
    if role == "coordinator":
        for key in ("new_referrals", "waiting_young", "waiting_mentor", "no_contact", "followups_due"):
            assert re.search(rf'data-testid="task-{key}-count">[1-9]', front), key
        mentor = db.session.scalar(select(Volunteer.id).where(Volunteer.status == "active").order_by(Volunteer.id))
        match = db.session.scalar(select(Match.id).where(Match.status == "active").order_by(Match.id))
        for url in (f"/ishoej/volunteers/{mentor}", f"/ishoej/matches/{match}", "/ishoej/group-meetings/plan/supervision"):
            assert client.get(url).status_code == 200, url
        board = client.get("/ishoej/matching").get_data(as_text=True)
        assert board.count('name="volunteer_ids"') >= 2  # the waiting young person's two suggested mentors
    if role == "mentor":
        assert len(re.findall(r'data-testid="front-young-person"', front)) in (1, 2)
