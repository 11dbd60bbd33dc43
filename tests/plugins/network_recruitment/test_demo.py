"""The demo municipality ``eksempel`` reproduces seed 004's status (21 active mentors, several named
by their young person, one moved to North Jutland and continuing, 32 young people, mentors with more
than one young person, sparring groups), counted here by plain queries; and its pages show it."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from core.demo import DEMO_PASSWORD, load_demo
from core.extensions import db
from core.groups.models import GroupMeeting, VolunteerGroup
from core.matching.models import Match
from core.meetings.models import Meeting
from core.platform.services import get_tenant_by_slug
from core.referrals.models import Referral
from core.tenancy import tenant_context
from core.volunteers.models import Volunteer
from plugins.network_recruitment.models import NetworkNomination
from tests.conftest import csrf_token


@pytest.fixture
def demo(app):
    load_demo(date.today(), only="eksempel")
    db.session.commit()
    tenant = get_tenant_by_slug("eksempel")
    db.session.commit()
    return tenant


def _sign_in(client, email):
    token = csrf_token(client, "/eksempel/login")
    response = client.post("/eksempel/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return client


def test_the_demo_reproduces_seed_004(demo):
    with tenant_context(demo):
        active = db.session.scalars(select(Volunteer).where(Volunteer.status == "active")).all()
        assert len(active) == 21  # "Aktuelt er der 21 aktive frivillige mentorer"
        named = [v for v in active if v.recruitment_channel == "nominated_by_young_person"]
        assert len(named) >= 5
        # Each active mentor has a young person; several have more than one.
        per_mentor = dict(db.session.execute(select(Match.volunteer_id, func.count(Match.id))
                                             .where(Match.status == "active").group_by(Match.volunteer_id)).all())
        assert {v.id for v in active} == set(per_mentor)
        assert sum(1 for count in per_mentor.values() if count > 1) >= 2
        # The adults the young people named became mentors of exactly those young people.
        for nomination in db.session.scalars(select(NetworkNomination).where(NetworkNomination.closed_reason == "matched")):
            assert nomination.match.volunteer_id == nomination.volunteer_id and nomination.match.network_nominated
        stages = {n.stage for n in db.session.scalars(select(NetworkNomination))}
        assert {"matched", "short_route", "awaiting_answer", "to_ask", "declined", "not_approved",
                "none_named"} <= stages
        # "tilknyttet 32 borgere"
        assert db.session.scalar(select(func.count(func.distinct(Referral.citizen_id)))) == 32
        # "En er flyttet til det nordjyske, men fortsætter": outside the municipality, with a young person.
        moved = db.session.scalar(select(Volunteer).where(Volunteer.postcode == "9000"))
        assert moved is not None and moved.id in per_mentor
        # Sparring groups meet, the network mentors' among them; meetings are logged.
        groups = db.session.scalars(select(VolunteerGroup).where(VolunteerGroup.kind == "sparring_group")).all()
        assert len(groups) >= 3 and any(set(named) & set(g.members) for g in groups)
        assert db.session.scalar(select(func.count(GroupMeeting.id)).where(GroupMeeting.kind == "sparring_group")) >= 9
        assert db.session.scalar(select(func.count(Meeting.id))) > 100


def test_every_page_of_the_demo_shows_its_content(client, demo):
    _sign_in(client, "koordinator@eksempel.dk")
    pages = {
        "/eksempel/": ["Betydningsfulde voksne", "svar ventes"],
        "/eksempel/network/": ["Den korte vej til mentor", "Blev den unges mentor", "Sagde nej", "Ikke godkendt"],
        "/eksempel/matching": ["Venter på svar fra", "Korpsets mentorer tilbydes ikke imens"],
        "/eksempel/matches": ["Aktiv"],
        "/eksempel/volunteers/": ["Mette Mentor", "Foreslået af den unge"],
        "/eksempel/volunteers/recruitment": ["Foreslået af den unge"],
        "/eksempel/group-meetings/": ["Sparringsgruppe"],
        "/eksempel/referrals/": ["Noah Frederiksen"],
        "/eksempel/settings/": ["Netværksbaseret rekruttering", "Kommunens postnumre"],
    }
    for url, expected in pages.items():
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        for text in expected:
            assert text in html, (url, text)
    with tenant_context(demo):
        nominations = db.session.scalars(select(NetworkNomination)).all()
        referral_ids = {n.stage: n.referral_id for n in nominations}
        intake_id = db.session.scalar(select(Referral.id).where(Referral.status == "received"))
        moved_id = db.session.scalar(select(Volunteer.id).where(Volunteer.postcode == "9000"))
    for stage, text in (("matched", "Blev den unges mentor"), ("short_route", "Den korte vej til mentor"),
                        ("awaiting_answer", "Næste trin: den voksnes svar"), ("to_ask", "Næste trin: spørg den voksne"),
                        ("declined", "Sagde nej"), ("none_named", "Den unge foreslog ingen")):
        html = client.get(f"/eksempel/referrals/{referral_ids[stage]}").get_data(as_text=True)
        assert text in html, stage
    html = client.get(f"/eksempel/referrals/{intake_id}").get_data(as_text=True)
    assert "Uden for målgruppen" in html and "Registrér den betydningsfulde voksne" in html  # asked at intake
    html = client.get(f"/eksempel/volunteers/{moved_id}").get_data(as_text=True)
    assert "Bor uden for kommunen (postnummer 9000)" in html


def test_the_demo_mentor_sees_their_young_people(client, demo):
    with tenant_context(demo):
        mette = db.session.scalar(select(Volunteer).where(Volunteer.name == "Mette Mentor"))
        first_names = [m.referral.citizen.first_name for m in db.session.scalars(
            select(Match).where(Match.volunteer_id == mette.id, Match.status == "active"))]
    assert len(first_names) == 2
    _sign_in(client, "mentor@eksempel.dk")
    response = client.get("/eksempel/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and all(name in html for name in first_names)
