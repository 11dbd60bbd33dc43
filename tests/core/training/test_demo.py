"""The demo data: a mentor corps per demo municipality, made through the services, loaded twice
without duplicates."""
from __future__ import annotations

import time
from collections import Counter
from datetime import date

from flask import g
from sqlalchemy import func, select

from core.accounts.services import find_user
from core.demo import DEMO_NAMES, demo_tenants, load_demo
from core.extensions import db
from core.groups.models import GroupMeeting, GroupMeetingParticipant, VolunteerGroup
from core.training.models import ENROLLED, WAITING, Course, CourseEnrollment, CourseSession, SessionAttendance
from core.tenancy import Municipality, tenant_context, unscoped
from core.matching.models import Match
from core.meetings.models import FollowUp, Meeting
from core.referrals.models import Referral
from core.volunteers.models import Screening, Volunteer, VolunteerStatusChange

TABLES = (Municipality, Volunteer, VolunteerStatusChange, Screening, Course, CourseSession, CourseEnrollment,
          SessionAttendance, GroupMeeting, GroupMeetingParticipant, VolunteerGroup)


def counts():
    with unscoped():
        return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model)) for model in TABLES}


def test_the_demo_loads_twice_without_duplicates(app, capsys):
    started = time.perf_counter()
    assert load_demo() is True
    db.session.commit()
    took = time.perf_counter() - started
    first = counts()
    assert load_demo() is False
    db.session.commit()
    assert counts() == first
    assert "tenant" not in g  # the demo leaves no tenant behind in the caller's context
    with capsys.disabled():
        print(f"\ndemo: {took:.2f}s, {first}")
    assert took < 90  # three municipalities' history through the services (about 25 s idle)


def test_each_demo_corps_looks_like_a_real_one(app):
    """Whatever package supplies it, a demo municipality is a living corps and has young people on
    every stage of their path. (Each package's own test checks its programme's figures.)"""
    load_demo()
    db.session.commit()
    today = date.today()
    assert {demo.slug for demo in demo_tenants()} == {"middelfart", "ishoej", "eksempel"}
    for slug in [demo.slug for demo in demo_tenants()]:
        tenant = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
        with tenant_context(tenant):
            people = db.session.scalars(select(Volunteer)).all()
            assert len(people) >= 20, slug
            statuses = Counter(v.status for v in people)
            assert {"active", "approved", "left"} <= set(statuses), (slug, statuses)
            assert set(statuses) & {"applicant", "info_meeting", "in_training"}, (slug, statuses)  # the next ones
            assert {v.gender for v in people} >= {"female", "male"}
            ages = [v.age_on(today) for v in people]
            assert 18 <= min(ages) and max(ages) <= 80
            assert len({v.recruitment_channel for v in people}) >= 3
            assert len({v.name for v in people}) == len(people)

            courses = sorted(db.session.scalars(select(Course)).all(), key=lambda c: c.sessions[0].on)
            finished = [c for c in courses if c.sessions[-1].on < today]
            assert finished and all({float(s.hours) for s in c.sessions} == {3.0} for c in finished), slug
            done = [e for c in finished for e in c.enrollments if e.completed_on]
            assert 0 < len(done) < sum(len(c.enrollments) for c in finished), slug  # not everyone finishes
            upcoming_info = db.session.scalar(select(func.count()).select_from(GroupMeeting).where(
                GroupMeeting.kind == "info_meeting", GroupMeeting.on > today))
            assert upcoming_info or any(c.sessions[0].on > today for c in courses), slug  # recruiting goes on

            kinds = set(db.session.scalars(select(GroupMeeting.kind)))
            assert {"info_meeting", "supervision", "social_event"} <= kinds and kinds & {"experience_group", "sparring_group"}
            came = db.session.scalar(select(func.count()).select_from(GroupMeetingParticipant)
                                     .where(GroupMeetingParticipant.attended.is_(True)))
            assert came > 20
            assert db.session.scalar(select(func.count()).select_from(Screening)) > 5
            if slug == "middelfart":
                assert db.session.scalar(select(func.count()).select_from(VolunteerGroup)) == 5

            # The young people: waiting, matched, ended with an outcome, followed up.
            referrals = Counter(db.session.scalars(select(Referral.status)))
            assert {"matched", "ended"} <= set(referrals) and set(referrals) & {"received", "accepted", "proposed"}, \
                (slug, referrals)
            active = db.session.scalars(select(Match).where(Match.status == "active")).all()
            assert len(active) >= 5
            held = set(db.session.scalars(select(Meeting.match_id)))
            assert sum(m.id in held for m in active) >= len(active) * 0.7, slug
            assert db.session.scalar(select(func.count()).select_from(Match).where(
                Match.status == "ended", Match.outcome.is_not(None))) >= 3
            assert db.session.scalar(select(func.count()).select_from(FollowUp)) >= 3

            mentor = db.session.scalar(select(Volunteer).where(Volunteer.user_id == find_user(f"mentor@{slug}.dk").id))
            assert mentor.name == DEMO_NAMES["mentor"] and mentor.status == "active"
