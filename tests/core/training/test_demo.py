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
    assert took < 15


def test_each_demo_corps_looks_like_a_real_one(app):
    load_demo()
    db.session.commit()
    today = date.today()
    for slug in [demo.slug for demo in demo_tenants()]:
        tenant = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
        with tenant_context(tenant):
            people = db.session.scalars(select(Volunteer)).all()
            assert 25 <= len(people) <= 40, slug
            statuses = Counter(v.status for v in people)
            assert set(statuses) == {"applicant", "info_meeting", "in_training", "approved", "active", "paused", "left"}, slug
            assert {v.gender for v in people} >= {"female", "male"}
            ages = [v.age_on(today) for v in people]
            assert 20 <= min(ages) and max(ages) <= 75
            assert len({v.recruitment_channel for v in people}) >= 3
            assert len({v.name for v in people}) == len(people)

            finished, upcoming = sorted(db.session.scalars(select(Course)).all(), key=lambda c: c.sessions[0].on)
            expected = {"middelfart": 5, "ishoej": 2}.get(slug)
            if expected:
                assert len(finished.sessions) == expected
                assert {float(s.hours) for s in finished.sessions} == {3.0}
            assert finished.sessions[-1].on < today < upcoming.sessions[0].on
            done = [e for e in finished.enrollments if e.completed_on]
            assert 0 < len(done) < len(finished.enrollments)
            states = Counter(e.state for e in upcoming.enrollments)
            assert states[ENROLLED] == upcoming.max_participants and states[WAITING] >= 1

            kinds = set(db.session.scalars(select(GroupMeeting.kind)))
            assert {"info_meeting", "supervision", "social_event"} <= kinds and kinds & {"experience_group", "sparring_group"}
            came = db.session.scalar(select(func.count()).select_from(GroupMeetingParticipant)
                                     .where(GroupMeetingParticipant.attended.is_(True)))
            assert came > 20
            assert db.session.scalar(select(func.count()).select_from(Screening)) > 5
            if slug == "middelfart":
                assert db.session.scalar(select(func.count()).select_from(VolunteerGroup)) == 5

            mentor = db.session.scalar(select(Volunteer).where(Volunteer.user_id == find_user(f"mentor@{slug}.dk").id))
            assert mentor.name == DEMO_NAMES["mentor"] and mentor.status == "active"
