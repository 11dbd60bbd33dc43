"""Tenancy below the ORM, on the real models and the migrated schema (SQLite and PostgreSQL):

- Core, text and driver-level statements on tenant tables are refused unless ``unscoped()``;
- ``session.get()`` does not hand out another tenant's row from the identity map, in ONE session
  that works for two tenants in turn (as the CLI, the demo loader and jobs do);
- a row's ``tenant_id`` cannot be changed, nor chosen with no tenant in context;
- the association table carries the tenant, filled by the ORM;
- the database refuses a reference from one tenant's row to another tenant's row.

No test clears the session between the tenants unless it says so.
"""
from datetime import date

import pytest
from sqlalchemy import delete, exc, func, insert, select, text, update

from core.groups.models import GroupMeeting, GroupMeetingParticipant, VolunteerGroup, volunteer_group_member
from core.matching.models import Match, MatchCandidate, MatchTransition
from core.meetings.models import FollowUp, Meeting
from core.referrals.models import Citizen, Referral
from core.tenancy import (RawSQLRefused, TenantChangeRefused, TenantContextMissing, tenant_context, unscoped)
from core.training.models import Course, CourseEnrollment, CourseSession, SessionAttendance
from core.volunteers.models import Screening, Volunteer, VolunteerStatusChange

DAY = date(2026, 3, 2)


def _volunteer(name):
    return Volunteer(name=name, status_since=DAY, recruited_on=DAY)


def _tenant_rows(db, name):
    """One of each kind of tenant row, in the tenant in context; returns their ids."""
    v = _volunteer(f"{name} Frivillig")
    course = Course(title=f"{name} Kursus")
    session = CourseSession(course=course, on=DAY, hours=2)
    group = VolunteerGroup(name=f"{name} Gruppe", kind="experience_group", members=[v])
    meeting = GroupMeeting(kind="experience_group", title=f"{name} Møde", on=DAY, group=group)
    db.session.add_all([v, course, session, group, meeting])
    db.session.flush()
    screening = Screening(volunteer=v, kind="child_certificate", obtained_on=DAY)
    change = VolunteerStatusChange(volunteer=v, to_status="applicant", on=DAY)
    enrollment = CourseEnrollment(course=course, volunteer_id=v.id)
    attendance = SessionAttendance(session=session, volunteer_id=v.id, attended=True)
    participant = GroupMeetingParticipant(meeting=meeting, volunteer_id=v.id)
    citizen = Citizen(name=f"{name} Ung", birth_date=date(2006, 5, 1), languages=[], interests=[])
    db.session.add_all([screening, change, enrollment, attendance, participant, citizen])
    db.session.flush()
    referral = Referral(citizen_id=citizen.id, referred_on=DAY, source="jobcenter", situation="cash_benefit",
                        reason=f"{name} henvisning", status="matched", consent_given_on=DAY,
                        consent_text_version="core-1", intake_answers={}, findings=[])
    db.session.add(referral)
    db.session.flush()
    match = Match(referral_id=referral.id, volunteer_id=v.id, status="ended", proposed_on=DAY, started_on=DAY,
                  ended_on=DAY, end_reason="completed", outcome="none")
    db.session.add(match)
    db.session.flush()
    candidate = MatchCandidate(match_id=match.id, volunteer_id=v.id, rank=1, parts=[])
    transition = MatchTransition(match_id=match.id, to_status="proposed", on=DAY)
    match_meeting = Meeting(match_id=match.id, held_on=DAY, minutes=60, note=f"{name} samtale")
    followup = FollowUp(match_id=match.id, months_after=6, due_on=DAY)
    db.session.add_all([candidate, transition, match_meeting, followup])
    db.session.flush()
    return {"volunteer": v.id, "course": course.id, "session": session.id, "group": group.id, "meeting": meeting.id,
            "screening": screening.id, "status_change": change.id, "enrollment": enrollment.id,
            "attendance": attendance.id, "participant": participant.id, "citizen": citizen.id,
            "referral": referral.id, "match": match.id, "candidate": candidate.id, "transition": transition.id,
            "match_meeting": match_meeting.id, "followup": followup.id}


@pytest.fixture
def two_tenants(db, tenant, other_tenant):
    """A (middelfart) and B (ishoej), each with one row of every kind, committed."""
    with tenant_context(tenant):
        a_ids = _tenant_rows(db, "Middelfart")
    with tenant_context(other_tenant):
        b_ids = _tenant_rows(db, "Ishoej")
    db.session.commit()
    return tenant, other_tenant, a_ids, b_ids


# ---- 1. Core, text and driver-level SQL --------------------------------------------------------------

def _core_statements(db):
    v = Volunteer.__table__
    return {
        "select(Volunteer.__table__)": lambda: db.session.execute(select(v)).all(),
        "count over the table": lambda: db.session.execute(select(func.count()).select_from(v)).scalar(),
        "text()": lambda: db.session.execute(text("SELECT name FROM volunteer")).all(),
        "text() naming no table": lambda: db.session.execute(text("SELECT 1")).all(),
        "connection().execute(Core)": lambda: db.session.connection().execute(select(v.c.name)).all(),
        "connection().execute(text)": lambda: db.session.connection().execute(text("SELECT name FROM volunteer")).all(),
        "exec_driver_sql": lambda: db.session.connection().exec_driver_sql('SELECT name FROM "volunteer"').all(),
        "Core table beside an ORM entity": lambda: db.session.execute(
            select(Course.title, v.c.name).join(v, v.c.id > 0)).all(),
        "Core subquery in an ORM statement": lambda: db.session.execute(
            select(Course.title).where(Course.id.in_(select(Course.__table__.c.id)))).all(),
        "Core update": lambda: db.session.execute(update(v).values(name="x")),
        "Core delete": lambda: db.session.execute(delete(Screening.__table__)),
        "Core insert": lambda: db.session.execute(insert(v).values(name="x", tenant_id=1, status="applicant",
                                                                    status_since=DAY, recruited_on=DAY, capacity=1,
                                                                    languages=[], interests=[], created_at=DAY)),
        "association table": lambda: db.session.execute(select(volunteer_group_member)).all(),
    }


def test_core_and_text_statements_are_refused_inside_a_tenant_context(db, two_tenants):
    a, b, _, _ = two_tenants
    not_refused = []
    for kind, run in _core_statements(db).items():
        with tenant_context(a):
            try:
                run()
            except RawSQLRefused:
                pass
            else:
                not_refused.append(kind)
        db.session.rollback()
    assert not not_refused, f"ran inside a tenant context: {not_refused}"


def test_core_statements_on_tenant_tables_are_refused_with_no_tenant_too(db, two_tenants):
    not_refused = []
    for kind, run in _core_statements(db).items():
        if kind == "text() naming no table":
            continue
        try:
            run()
        except (RawSQLRefused, TenantContextMissing):
            pass
        else:
            not_refused.append(kind)
        db.session.rollback()
    assert not not_refused, f"ran with no tenant: {not_refused}"
    assert db.session.execute(text("SELECT 1")).scalar() == 1  # SQL on no tenant table is fine


def test_unscoped_lets_core_and_text_through_and_sees_every_tenant(db, two_tenants):
    a, b, _, _ = two_tenants
    for scope in (lambda: unscoped(), lambda: _nested(a)):
        with scope():
            assert db.session.execute(select(func.count()).select_from(Volunteer.__table__)).scalar() == 2
            assert db.session.execute(text("SELECT count(*) FROM volunteer")).scalar() == 2
            assert db.session.connection().exec_driver_sql("SELECT count(*) FROM volunteer").scalar() == 2


class _nested:
    """unscoped() inside a tenant context (a cross-tenant step of a tenant's work)."""

    def __init__(self, tenant):
        self.tenant = tenant

    def __enter__(self):
        self.outer, self.inner = tenant_context(self.tenant), unscoped()
        self.outer.__enter__()
        self.inner.__enter__()

    def __exit__(self, *exc_info):
        self.inner.__exit__(*exc_info)
        self.outer.__exit__(*exc_info)


def test_the_orm_keeps_working_inside_a_tenant_context(db, two_tenants):
    """The guard lets the ORM's own statements through: queries, relationship loads (the
    association table too), flushes, bulk inserts."""
    a, b, a_ids, _ = two_tenants
    with tenant_context(a):
        assert db.session.scalar(select(func.count()).select_from(Volunteer)) == 1
        group = db.session.get(VolunteerGroup, a_ids["group"])
        assert [v.name for v in group.members] == ["Middelfart Frivillig"]
        course = db.session.get(Course, a_ids["course"])
        assert [s.id for s in course.sessions] == [a_ids["session"]]
        assert db.session.get(CourseEnrollment, a_ids["enrollment"]).volunteer.name == "Middelfart Frivillig"
        group.members = []
        db.session.flush()
        db.session.execute(insert(Volunteer), [{"name": "Bulk", "status_since": DAY, "recruited_on": DAY}])
        db.session.execute(update(Volunteer).where(Volunteer.name == "Bulk").values(name="Bulk 2"))
        assert db.session.scalar(select(func.count()).select_from(Volunteer)) == 2
    db.session.rollback()


# ---- 2. the identity map ------------------------------------------------------------------------------

def test_get_never_returns_another_tenants_row_from_the_identity_map(db, two_tenants):
    a, b, a_ids, b_ids = two_tenants
    with tenant_context(b):
        b_volunteer = db.session.get(Volunteer, b_ids["volunteer"])
        b_course = db.session.get(Course, b_ids["course"])
        assert b_volunteer is not None and b_course is not None
    # The same session, its identity map still holding B's rows.
    assert b_volunteer in db.session
    with tenant_context(a):
        assert db.session.get(Volunteer, b_ids["volunteer"]) is None
        assert db.session.get(Course, b_ids["course"]) is None
        with pytest.raises(exc.NoResultFound):
            db.session.get_one(Volunteer, b_ids["volunteer"])
        assert db.session.get(Volunteer, a_ids["volunteer"]).name == "Middelfart Frivillig"
    with pytest.raises(TenantContextMissing):
        db.session.get(Volunteer, b_ids["volunteer"])
    with tenant_context(b):  # B still finds its own row, the same object
        assert db.session.get(Volunteer, b_ids["volunteer"]) is b_volunteer
    with unscoped():
        assert db.session.get(Volunteer, b_ids["volunteer"]) is b_volunteer


def test_get_after_a_commit_expired_the_rows_finds_nothing_of_another_tenant(db, two_tenants):
    a, b, _, b_ids = two_tenants
    with tenant_context(b):
        db.session.get(Volunteer, b_ids["volunteer"])
    db.session.commit()  # expires every loaded row
    with tenant_context(a):
        assert db.session.get(Volunteer, b_ids["volunteer"]) is None


# ---- 3. tenant_id is not for changing --------------------------------------------------------------

def test_changing_a_rows_tenant_id_is_refused(db, two_tenants):
    a, b, a_ids, _ = two_tenants
    for scope in (lambda: tenant_context(a), unscoped):
        with scope():
            volunteer = db.session.get(Volunteer, a_ids["volunteer"])
            volunteer.tenant_id = b.id
            with pytest.raises(TenantChangeRefused):
                db.session.flush()
        db.session.rollback()
    with tenant_context(a):
        with pytest.raises(TenantChangeRefused):
            db.session.execute(update(Volunteer).values(tenant_id=b.id))
    db.session.rollback()
    with unscoped():
        assert dict(db.session.execute(select(Volunteer.name, Volunteer.tenant_id)).all()) == {
            "Middelfart Frivillig": a.id, "Ishoej Frivillig": b.id}


def test_a_new_row_with_its_own_tenant_id_and_no_tenant_in_context_is_refused(db, two_tenants):
    a, b, _, _ = two_tenants
    volunteer = _volunteer("Self-chosen")
    volunteer.tenant_id = b.id
    db.session.add(volunteer)
    with pytest.raises(TenantContextMissing):
        db.session.flush()
    db.session.rollback()
    with unscoped():  # explicit cross-tenant work may
        volunteer = _volunteer("Imported")
        volunteer.tenant_id = b.id
        db.session.add(volunteer)
        db.session.flush()
        assert volunteer.tenant_id == b.id
    db.session.rollback()


def test_a_row_added_for_one_tenant_is_not_flushed_as_another(db, two_tenants):
    """Added in A's context and flushed only after the session moved on to B: it is A's row, and B
    may not write it, so the flush refuses instead of storing it as B's."""
    a, b, _, _ = two_tenants
    a_id = a.id
    with tenant_context(a):
        volunteer = _volunteer("Pending")
        db.session.add(volunteer)
        assert volunteer.tenant_id == a_id  # stamped when added, not when flushed
    with tenant_context(b):
        with pytest.raises(TenantContextMissing):
            db.session.flush()
    db.session.rollback()


# ---- 4. the association table ---------------------------------------------------------------------

def test_group_members_carry_the_tenant_filled_by_the_orm(db, two_tenants):
    a, b, a_ids, b_ids = two_tenants
    with tenant_context(b):
        group = db.session.get(VolunteerGroup, b_ids["group"])
        extra = _volunteer("Ishoej Anden")
        db.session.add(extra)
        group.members.append(extra)
        db.session.flush()
    db.session.commit()
    assert not volunteer_group_member.c.tenant_id.nullable
    with unscoped():
        rows = db.session.execute(select(volunteer_group_member.c.group_id, volunteer_group_member.c.tenant_id)).all()
    assert sorted(rows) == sorted([(a_ids["group"], a.id), (b_ids["group"], b.id), (b_ids["group"], b.id)])


# ---- 5. composite foreign keys --------------------------------------------------------------------

CROSS_TENANT_INSERTS = {
    "screening": "INSERT INTO screening (tenant_id, volunteer_id, kind, obtained_on, at) "
                 "VALUES (:a, :b_volunteer, 'child_certificate', '2026-03-02', '2026-03-02')",
    "volunteer_status_change": "INSERT INTO volunteer_status_change (tenant_id, volunteer_id, to_status, \"on\", at) "
                               "VALUES (:a, :b_volunteer, 'applicant', '2026-03-02', '2026-03-02')",
    "course_session": "INSERT INTO course_session (tenant_id, course_id, \"on\", hours) VALUES (:a, :b_course, '2026-03-02', 2)",
    "course_enrollment (course)": "INSERT INTO course_enrollment (tenant_id, course_id, volunteer_id, state, enrolled_at) "
                                  "VALUES (:a, :b_course, :a_volunteer, 'enrolled', '2026-03-02')",
    "course_enrollment (volunteer)": "INSERT INTO course_enrollment (tenant_id, course_id, volunteer_id, state, enrolled_at) "
                                     "VALUES (:a, :a_course, :b_volunteer, 'enrolled', '2026-03-02')",
    "session_attendance": "INSERT INTO session_attendance (tenant_id, session_id, volunteer_id, attended, registered_at) "
                          "VALUES (:a, :b_session, :a_volunteer, true, '2026-03-02')",
    "group_meeting": "INSERT INTO group_meeting (tenant_id, kind, title, \"on\", group_id, created_at) "
                     "VALUES (:a, 'experience_group', 'x', '2026-03-02', :b_group, '2026-03-02')",
    "group_meeting_participant": "INSERT INTO group_meeting_participant (tenant_id, meeting_id, volunteer_id) "
                                 "VALUES (:a, :b_meeting, :a_volunteer)",
    "volunteer_group_member": "INSERT INTO volunteer_group_member (tenant_id, group_id, volunteer_id) "
                              "VALUES (:a, :a_group, :b_volunteer)",
}


def _params(a, b, a_ids, b_ids):
    return {"a": a.id, **{f"a_{k}": v for k, v in a_ids.items()}, **{f"b_{k}": v for k, v in b_ids.items()}}


@pytest.mark.parametrize("kind", sorted(CROSS_TENANT_INSERTS))
def test_the_database_refuses_a_reference_into_another_tenant(db, two_tenants, kind):
    a, b, a_ids, b_ids = two_tenants
    params = _params(a, b, a_ids, b_ids)
    with unscoped():
        with pytest.raises(exc.IntegrityError):
            db.session.execute(text(CROSS_TENANT_INSERTS[kind]), params)
            db.session.flush()
        db.session.rollback()
        # The same row pointing into its own tenant is accepted: it is the tenant that is refused.
        own = {k: (a_ids[k[2:]] if k.startswith("b_") else v) for k, v in params.items()}
        db.session.execute(text(f"DELETE FROM {kind.split()[0]}"))  # room for it under the unique constraints
        db.session.execute(text(CROSS_TENANT_INSERTS[kind]), own)
        db.session.rollback()


def test_every_reference_between_tenant_tables_is_composite(db):
    from core.tenancy import _tenant_tables

    tenant_tables = _tenant_tables() & set(db.metadata.tables.values())
    simple = []
    for table in tenant_tables:
        for constraint in table.foreign_key_constraints:
            if constraint.referred_table in tenant_tables and "tenant_id" not in constraint.column_keys:
                simple.append(f"{table.name}.{constraint.column_keys}")
    assert not simple, f"references between tenant tables without tenant_id: {simple}"
    assert all("tenant_id" in t.c and not t.c.tenant_id.nullable for t in tenant_tables)


def test_deleting_a_group_keeps_its_meetings_and_their_tenant(db, two_tenants):
    a, b, a_ids, _ = two_tenants
    with tenant_context(a):
        db.session.delete(db.session.get(VolunteerGroup, a_ids["group"]))
        db.session.flush()
        meeting = db.session.get(GroupMeeting, a_ids["meeting"])
        db.session.refresh(meeting)
        assert (meeting.group_id, meeting.tenant_id) == (None, a.id)
    db.session.rollback()
