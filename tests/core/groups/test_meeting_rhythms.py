"""The core's consumer of ``mentorkorps_meeting_rhythms``: the group meetings a municipality holds at
a steady rhythm. The groups page shows each rhythm with its next meeting and plans the next
meetings of one in one go (a service, a form, an audit record); the coordinator's front page has a
task when no meeting of a rhythm's kind is planned within its rhythm, with one query for all the
rhythms. A municipality without rhythms sees none of it."""
from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from core.audit.models import AuditEvent
from core.errors import NotFound, ServiceError
from core.extensions import db
from core.groups import services as groups
from core.groups.models import GroupMeeting, GroupMeetingParticipant
from core.hooks.types import MeetingRhythm
from core.tenancy import tenant_context
from tests.conftest import login, post_form
from tests.core.helpers import make_plugin
from tests.core.training.conftest import field_error

PLUGIN = "rhythm_rules"
RHYTHMS = [
    MeetingRhythm("supervision", "Supervision", 91),
    MeetingRhythm("experience_group", "Mentormøde", 42),
    MeetingRhythm("supervision", "Another supervision", 30),  # a second rhythm of a kind: the first wins
    MeetingRhythm("knitting_circle", "Strikkeklub", 7),  # a kind the core does not know: left out
]


@pytest.fixture
def extra_plugins():
    return (make_plugin(PLUGIN, mentorkorps_meeting_rhythms=lambda tenant: RHYTHMS),)


@pytest.fixture
def rhythmby(tenant_factory):
    return tenant_factory("rhythmby", "Rhythmby Kommune", plugins=(PLUGIN,))


@pytest.fixture
def plainby(tenant_factory):
    return tenant_factory("plainby", "Plainby Kommune")


def today() -> date:
    return date.today()


def day(n: int) -> date:
    return today() + timedelta(days=n)


def _coordinator(app, tenant, user_factory):
    client = app.test_client()
    login(client, user_factory(tenant, "coordinator"), tenant)
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client


def _meeting(tenant, kind, offset, title="Møde"):
    with tenant_context(tenant):
        groups.create_meeting({"kind": kind, "title": title, "on": day(offset)})
        db.session.commit()


def _mentors(tenant, *statuses):
    from core.volunteers import services as volunteers

    ids = []
    with tenant_context(tenant):
        for n, status in enumerate(statuses):
            volunteer = volunteers.create_volunteer({"name": f"Mentor {n}", "recruited_on": day(-100)})
            path = {"approved": ("in_training", "approved"), "active": ("in_training", "approved", "active"),
                    "applicant": ()}[status]
            for step in path:
                volunteers.change_status(volunteer, step, day(-50))
            ids.append(volunteer.id)
        db.session.commit()
    return ids


def test_mentorkorps_meeting_rhythms_are_gathered_first_of_a_kind_and_known_kinds_only(rhythmby, plainby):
    with tenant_context(rhythmby):
        rhythms = groups.meeting_rhythms()
    assert [(r.kind, r.title, r.every_days) for r in rhythms] == [("supervision", "Supervision", 91),
                                                                   ("experience_group", "Mentormøde", 42)]
    with tenant_context(plainby):
        assert groups.meeting_rhythms() == [] and groups.rhythm_statuses() == []


def test_a_rhythm_is_unplanned_until_a_meeting_of_its_kind_lies_within_it(rhythmby):
    _meeting(rhythmby, "supervision", -60, "Last supervision")
    _meeting(rhythmby, "supervision", 92)  # beyond 91 days: does not count
    _meeting(rhythmby, "experience_group", 42)  # exactly within
    _meeting(rhythmby, "social_event", 1)  # another kind
    with tenant_context(rhythmby):
        statuses = {s.rhythm.kind: s for s in groups.rhythm_statuses()}
        assert (statuses["supervision"].last_on, statuses["supervision"].next_on) == (day(-60), day(92))
        assert statuses["supervision"].unplanned and not statuses["experience_group"].unplanned
        assert [s.rhythm.kind for s in groups.unplanned_rhythms()] == ["supervision"]
        assert groups.suggested_start(statuses["supervision"]) == day(92 + 91)  # after the latest one
        assert groups.unplanned_rhythms(on=day(2)) == []  # two days on, 92 is within the rhythm
        assert [s.rhythm.kind for s in groups.unplanned_rhythms(on=day(43))] == ["experience_group"]


def test_planning_creates_the_dated_meetings_invites_and_is_audited(rhythmby):
    approved, active, applicant = _mentors(rhythmby, "approved", "active", "applicant")
    with tenant_context(rhythmby):
        created = groups.plan_meetings("supervision", {
            "count": 3, "first_on": day(10), "title": "Supervision med psykolog", "starts_at": time(17, 0),
            "hours": "2", "place": "Rådhuset", "invite": "mentors"})
        db.session.commit()
        ids = [m.id for m in created]
    with tenant_context(rhythmby):
        meetings = db.session.scalars(select(GroupMeeting).where(GroupMeeting.id.in_(ids)).order_by(GroupMeeting.on)).all()
        assert [m.on for m in meetings] == [day(10), day(101), day(192)]
        assert {(m.kind, m.title, m.starts_at, float(m.hours), m.place) for m in meetings} == {
            ("supervision", "Supervision med psykolog", time(17, 0), 2.0, "Rådhuset")}
        invited = db.session.execute(select(GroupMeetingParticipant.meeting_id, GroupMeetingParticipant.volunteer_id)).all()
        assert sorted(invited) == sorted((m, v) for m in ids for v in (approved, active))  # not the applicant
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "group_meeting.planned")).all()
        assert len(events) == 1 and events[0].details["count"] == 3 and events[0].details["every_days"] == 91
        assert not groups.rhythm_statuses()[0].unplanned


@pytest.mark.parametrize("data, field", [
    ({"count": 0}, "count"), ({"count": 13}, "count"), ({"count": "3"}, "count"), ({"count": True}, "count"),
    ({"first_on": day(-1)}, "first_on"), ({"first_on": None}, "first_on"), ({"title": "x" * 121}, "title"),
    ({"hours": "30"}, "hours"), ({"invite": "everyone"}, "invite"), ({"invite": "group"}, "invite"),
    ({"group_id": 99999}, "group_id"), ({"first_on": date(day(0).year + 5, 1, 1), "count": 12}, "count"),
])
def test_planning_refuses_bad_input_per_field_and_creates_nothing(rhythmby, data, field):
    with tenant_context(rhythmby):
        with pytest.raises(ServiceError) as refused:
            groups.plan_meetings("experience_group", {"count": 2, "first_on": day(3), **data})
        assert field in refused.value.errors
        db.session.rollback()
        assert db.session.scalar(select(func.count(GroupMeeting.id))) == 0


def test_a_kind_without_a_rhythm_cannot_be_planned(rhythmby, plainby):
    for tenant, kind in ((rhythmby, "social_event"), (rhythmby, "knitting_circle"), (plainby, "supervision")):
        with tenant_context(tenant):
            with pytest.raises(NotFound):
                groups.plan_meetings(kind, {"count": 1, "first_on": day(1)})


def test_the_groups_page_shows_the_rhythms_and_plans_the_next_meetings(app, rhythmby, plainby, user_factory):
    _meeting(rhythmby, "experience_group", -20, "Mentormøde i oktober")
    client = _coordinator(app, rhythmby, user_factory)
    page = client.get("/rhythmby/group-meetings/").get_data(as_text=True)
    assert 'data-testid="rhythm-supervision"' in page and 'data-testid="rhythm-experience_group"' in page
    assert page.count('data-testid="rhythm-unplanned"') == 2 and "/rhythmby/group-meetings/plan/supervision" in page

    form = client.get("/rhythmby/group-meetings/plan/experience_group").get_data(as_text=True)
    assert re.search(r'name="first_on"[^>]*value="%s"' % day(22).isoformat(), form)  # 42 days after the last one
    assert re.search(r'name="title"[^>]*value="Mentormøde"', form) and form.count("<li>") >= 3
    posted = {"count": "2", "first_on": day(22).isoformat(), "title": "Mentormøde", "starts_at": "19:00", "hours": "2",
              "place": "", "description": "", "group_id": "", "invite": ""}  # the whole form, as a browser sends it
    refused = post_form(client, "/rhythmby/group-meetings/plan/experience_group", {**posted, "count": "20"})
    assert refused.status_code == 422
    assert field_error(refused.get_data(as_text=True), "count") == (
        "Plan between 1 and 12 meetings at a time. Enter a number in that range.")
    response = post_form(client, "/rhythmby/group-meetings/plan/experience_group", posted)
    assert response.status_code == 302
    with tenant_context(rhythmby):
        assert sorted(db.session.scalars(select(GroupMeeting.on).where(GroupMeeting.on > day(0)))) == [day(22), day(64)]
    page = client.get("/rhythmby/group-meetings/").get_data(as_text=True)  # the next request
    assert page.count('data-testid="rhythm-unplanned"') == 1

    assert client.get("/rhythmby/group-meetings/plan/social_event").status_code == 404
    plain = _coordinator(app, plainby, user_factory)
    assert 'data-testid="rhythms"' not in plain.get("/plainby/group-meetings/").get_data(as_text=True)
    assert plain.get("/plainby/group-meetings/plan/supervision").status_code == 404


def _rhythm_tasks(html: str) -> list[str]:
    return re.findall(r'<li data-testid="rhythm-task"><a href="/[a-z]+/group-meetings/plan/([a-z_]+)"', html)


def test_the_front_page_has_a_task_for_each_rhythm_with_nothing_planned(app, rhythmby, plainby, user_factory):
    client = _coordinator(app, rhythmby, user_factory)
    assert _rhythm_tasks(client.get("/rhythmby/").get_data(as_text=True)) == ["supervision", "experience_group"]
    _meeting(rhythmby, "supervision", 30)
    html = client.get("/rhythmby/").get_data(as_text=True)
    assert _rhythm_tasks(html) == ["experience_group"]
    assert 'data-testid="rhythm-tasks-count">1<' in html
    _meeting(rhythmby, "experience_group", 40)
    assert 'data-testid="rhythm-tasks"' not in client.get("/rhythmby/").get_data(as_text=True)
    plain = _coordinator(app, plainby, user_factory)
    assert 'data-testid="rhythm-tasks"' not in plain.get("/plainby/").get_data(as_text=True)
    mentor = app.test_client()
    login(mentor, user_factory(rhythmby, "mentor"), rhythmby)
    assert 'data-testid="rhythm-tasks"' not in mentor.get("/rhythmby/").get_data(as_text=True)


def test_the_rhythm_task_costs_one_query_for_all_rhythms(app, rhythmby, plainby, user_factory, count_queries):
    def queries(client, slug):
        client.get(f"/{slug}/")
        with count_queries() as q:
            assert client.get(f"/{slug}/").status_code == 200
        return len(q)

    with_rhythms, without = _coordinator(app, rhythmby, user_factory), _coordinator(app, plainby, user_factory)
    assert queries(with_rhythms, "rhythmby") == queries(without, "plainby") + 1
    for offset in (-100, -50, 5, 200):
        _meeting(rhythmby, "supervision", offset)
        _meeting(rhythmby, "experience_group", offset)
    assert queries(with_rhythms, "rhythmby") == queries(without, "plainby") + 1
