"""Middelfart's demo records reproduce seed 001's figures, counted with CONTRACT.md section 5's rules
over the demo's period (``municipalities.middelfart.demo.demo_period``), by plain queries written
from those rules here, not by the code that made the records."""
from __future__ import annotations

import re
import time
from collections import Counter
from datetime import date

from sqlalchemy import and_, func, or_, select

from core.demo import DEMO_NAMES, load_demo
from core.extensions import db
from core.groups.models import GroupMeeting, GroupMeetingParticipant, VolunteerGroup
from core.matching.models import Match
from core.meetings.models import FollowUp, Meeting
from core.platform.services import get_tenant_by_slug
from core.referrals.models import Referral
from core.tenancy import tenant_context
from core.training.models import Course, CourseEnrollment
from core.volunteers.models import Volunteer
from municipalities.middelfart.demo import demo_period

# Seed 001, as the slides give it.
AGE_BANDS = {"18-25": 6, "26-35": 13, "36-45": 13, "46-55": 33, "56-65": 42, "66+": 2}
GENDERS = {"female": 69, "male": 40}
SECTOR_PERCENT = {"public": 54, "private": 46}
EDUCATION_PERCENT = {"care_teaching_social": 46, "vocational": 23, "higher": 29, "unskilled": 2}
MATCHED = 114
STOPPED = {"moved_away": 6, "needs_beyond_scope": 4, "boundary_issues": 4, "own_wish": 2}
OUTCOME_PERCENT = {"retained_in_education": 42, "benefits_to_education": 22, "sick_leave_to_education": 11,
                   "internship": 11, "gave_up": 4}


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def band(age: int) -> str:
    for low, high, name in ((18, 25, "18-25"), (26, 35, "26-35"), (36, 45, "36-45"), (46, 55, "46-55"),
                            (56, 65, "56-65")):
        if low <= age <= high:
            return name
    return "66+" if age >= 66 else "under 18"


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1)


def in_period(start: date, end: date):
    """A match active on at least one day of [start, end]: active on day d when started_on <= d and
    (ended_on is empty or d < ended_on)."""
    return and_(Match.started_on.is_not(None), Match.started_on <= end,
                or_(Match.ended_on.is_(None), and_(Match.ended_on > start, Match.ended_on > Match.started_on)))


def test_the_demo_reproduces_every_figure_of_seed_001(app, capsys):
    today = date.today()
    started = time.perf_counter()
    load_demo(today, only="middelfart")
    db.session.commit()
    took = time.perf_counter() - started
    with capsys.disabled():
        print(f"\nmiddelfart demo: {took:.1f}s")
    start, end = demo_period(today)
    assert (end - start).days > 365

    with tenant_context(get_tenant_by_slug("middelfart")):
        # ---- the mentors: volunteers who count on `to`, ages on `to`
        counted = db.session.scalars(select(Volunteer).where(
            Volunteer.recruited_on <= end, or_(Volunteer.left_on.is_(None), Volunteer.left_on > end))).all()
        assert len(counted) == 109
        assert Counter(band(age_on(v.birth_date, end)) for v in counted) == AGE_BANDS
        assert Counter(v.gender for v in counted) == GENDERS
        sectors = Counter(v.employment_sector for v in counted)
        assert {k: round(percent(n, 109)) for k, n in sectors.items()} == SECTOR_PERCENT
        assert sectors == {"public": 59, "private": 50}
        educations = Counter(v.education for v in counted)
        assert {k: round(percent(n, 109)) for k, n in educations.items()} == EDUCATION_PERCENT
        # Some left on the way: they exist, and do not count.
        assert db.session.scalar(select(func.count(Volunteer.id)).where(Volunteer.status == "left")) >= 5

        # ---- the young people
        matched = db.session.scalar(select(func.count(func.distinct(Referral.citizen_id)))
                                    .join(Match, Match.referral_id == Referral.id).where(in_period(start, end)))
        assert matched == MATCHED
        stopped = db.session.execute(select(Match.end_reason, func.count(Match.id)).where(
            in_period(start, end), Match.ended_on <= end, Match.end_reason != "completed")
            .group_by(Match.end_reason)).all()
        assert dict(stopped) == STOPPED and sum(n for _, n in stopped) == 16
        outcomes = dict(db.session.execute(
            select(Match.outcome, func.count(func.distinct(Referral.citizen_id)))
            .join(Referral, Match.referral_id == Referral.id)
            .where(in_period(start, end), Match.ended_on <= end, Match.outcome != "none")
            .group_by(Match.outcome)).all())
        assert {k: round(percent(n, matched)) for k, n in outcomes.items()} == OUTCOME_PERCENT
        assert outcomes == {"retained_in_education": 48, "benefits_to_education": 25, "sick_leave_to_education": 13,
                            "internship": 13, "gave_up": 5}

        # ---- and it looks like a living corps
        statuses = Counter(db.session.scalars(select(Volunteer.status)))
        assert statuses["active"] > 60 and statuses["approved"] > 0 and statuses["paused"] > 0
        assert db.session.scalar(select(func.count(VolunteerGroup.id))) == 5
        kinds = Counter(db.session.scalars(select(GroupMeeting.kind)))
        assert kinds["experience_group"] >= 5 * 15 and kinds["supervision"] >= 6 and kinds["social_event"] >= 10
        assert kinds["info_meeting"] >= 3
        assert db.session.scalar(select(func.count(GroupMeetingParticipant.id))
                                 .where(GroupMeetingParticipant.attended.is_(True))) > 1000
        courses = db.session.scalars(select(Course)).all()
        assert len(courses) == 5 and all(len(c.sessions) == 5 for c in courses)
        assert db.session.scalar(select(func.count(CourseEnrollment.id))
                                 .where(CourseEnrollment.completed_on.is_not(None))) == 43 + 29 + 10
        assert Counter(db.session.scalars(select(Match.status))) >= Counter({"ended": 106, "active": 8, "chosen": 1,
                                                                            "proposed": 1})
        assert Counter(db.session.scalars(select(Referral.status))) >= Counter({"received": 4, "accepted": 4,
                                                                               "rejected": 3})
        assert db.session.scalar(select(func.count(Meeting.id))) > 800
        assert db.session.scalar(select(func.count(FollowUp.id)).where(FollowUp.recorded_on.is_not(None))) > 50
        assert db.session.scalar(select(func.count(FollowUp.id)).where(FollowUp.recorded_on.is_(None),
                                                                     FollowUp.due_on <= end)) > 0
        mette = db.session.scalar(select(Volunteer).where(Volunteer.name == DEMO_NAMES["mentor"]))
        assert mette.user_id is not None and mette.status == "active"
        assert Counter(db.session.scalars(select(Match.status).where(Match.volunteer_id == mette.id))) == {
            "ended": 1, "active": 1, "chosen": 1}

    # ---- every page of the demo shows it, for each role
    from core.demo import DEMO_PASSWORD

    def signed_in(email):
        client = app.test_client()
        page = client.get("/middelfart/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        response = client.post("/middelfart/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token})
        assert response.status_code == 302
        return client

    with tenant_context(get_tenant_by_slug("middelfart")):
        ids = {
            "course": db.session.scalar(select(Course.id).order_by(Course.id)),
            "meeting": db.session.scalar(select(GroupMeeting.id).where(GroupMeeting.kind == "experience_group")
                                         .order_by(GroupMeeting.id)),
            "group": db.session.scalar(select(VolunteerGroup.id).order_by(VolunteerGroup.id)),
            "received": db.session.scalar(select(Referral.id).where(Referral.status == "received").order_by(Referral.id)),
            "ended": db.session.scalar(select(Match.id).where(Match.status == "ended").order_by(Match.id)),
            "chosen": db.session.scalar(select(Match.id).where(Match.status == "chosen")),
            "mette": mette.id,
        }
        session_id = db.session.get(Course, ids["course"]).sessions[0].id
    coordinator = signed_in("koordinator@middelfart.dk")
    pages = {
        "/": ["Middelfart"], "/volunteers/": [], f"/volunteers/{ids['mette']}": [DEMO_NAMES["mentor"]],
        "/volunteers/recruitment": ["gtefælle til en mentor"], "/volunteers/waiting-list": [],
        "/courses/": ["Unge-mentorkursus, hold 1", "hold 5"], f"/courses/{ids['course']}": ["Unge-mentorkursus, hold 1"],
        f"/courses/{ids['course']}/sessions/{session_id}/attendance": [],
        "/group-meetings/": ["Erfamøde, Erfagruppe 1", "Supervision med ekstern psykolog"],
        f"/group-meetings/{ids['meeting']}": ["Erfagruppe 1"], "/groups/": ["Erfagruppe 5"],
        f"/groups/{ids['group']}": ["Erfagruppe 1"], "/referrals/": [], f"/referrals/{ids['received']}": [
            "Har den unge problemer udover ledighed"],
        "/matching": [], "/matches": [], f"/matches/{ids['ended']}": [], "/followups": [],
        "/settings/": ["Middelfarts mentorkorps", "Ældste alder på henvisningsdagen"],
    }
    for path, expected in pages.items():
        response = coordinator.get(f"/middelfart{path}")
        text = response.get_data(as_text=True)
        assert response.status_code == 200, path
        for words in expected:
            assert words in text, (path, words)
    assert coordinator.get("/middelfart/volunteers/").get_data(as_text=True).count("<tr") > 50  # a full page
    assert DEMO_NAMES["mentor"] in coordinator.get("/middelfart/volunteers/?q=Mette").get_data(as_text=True)
    mentor = signed_in("mentor@middelfart.dk")
    for path in ("/", "/me/", "/my/young-people", "/my/proposals/", f"/my/proposals/{ids['chosen']}"):
        assert mentor.get(f"/middelfart{path}").status_code == 200, path
    front = mentor.get("/middelfart/").get_data(as_text=True)
    assert 'data-testid="front-proposal"' in front and 'data-testid="front-young-person"' in front
    assert 'data-testid="middelfart-mentor-role"' in front
    caseworker = signed_in("sagsbehandler@middelfart.dk")
    mine = caseworker.get("/middelfart/referrals/mine")
    assert mine.status_code == 200 and mine.get_data(as_text=True).count("<tr") > 20
