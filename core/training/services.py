"""Courses: sessions, enrolment with a waiting list, attendance and completion by the tenant's rule."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from datetime import date, time
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Integer, and_, bindparam, func, or_, select
from sqlalchemy.orm import aliased, contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from core.audit import services as audit
from core.errors import UNREADABLE_DATE, Conflict, NotFound, ServiceError, outside_years, raise_if, too_long
from core.extensions import db
from core.hooks import current_hooks
from core.locking import lock_for_update
from core.tenancy import built_once
from core.training.models import ENROLLED, WAITING, WITHDRAWN, Course, CourseEnrollment, CourseSession, SessionAttendance
from core.volunteers import services as volunteers
from core.volunteers.models import Volunteer, VolunteerStatus

MAX_PARTICIPANTS = 500
MAX_SESSION_HOURS = Decimal("12")


def _text_errors(data: dict, limits: dict, errors: dict) -> None:
    for name, limit in limits.items():
        value = data.get(name)
        if isinstance(value, str) and len(value) > limit:
            errors.setdefault(name, []).append(too_long(value, limit))


# ---- courses -------------------------------------------------------------------------------

COURSE_FIELDS = ("title", "description", "place", "max_participants")


def _validate_course(data: dict, creating: bool) -> None:
    errors: dict = {}
    if (creating or "title" in data) and not (data.get("title") or "").strip():
        errors["title"] = [_l("The title is missing. Write the course's title.")]
    _text_errors(data, {"title": 120, "description": 4000, "place": 200}, errors)
    limit = data.get("max_participants")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_PARTICIPANTS):
        errors["max_participants"] = [_l("The maximum must be between 1 and %(max)s. Enter a number in that range, or "
                                         "leave the field empty for no limit.", max=MAX_PARTICIPANTS)]
    raise_if(errors)


def create_course(data: dict) -> Course:
    data = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in data.items() if k in COURSE_FIELDS}
    _validate_course(data, creating=True)
    course = Course(**data)
    db.session.add(course)
    db.session.flush()
    audit.record("course.created", course)
    return course


def update_course(course: Course, data: dict) -> Course:
    data = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in data.items() if k in COURSE_FIELDS}
    _validate_course(data, creating=False)
    if "max_participants" in data:
        course = _lock_course(course)  # the places are counted against the limit under the lock
    if data.get("max_participants") is not None and data["max_participants"] < (placed := _enrolled_count(course)):
        raise_if({"max_participants": [_l("%(count)s volunteers already have a place. Enter at least %(count)s, or "
                                          "withdraw someone from the course first.", count=placed)]})
    for key, value in data.items():
        setattr(course, key, value)
    audit.record("course.updated", course)
    return course


def get_course(course_id: int) -> Course:
    course = db.session.get(Course, course_id)
    if course is None:
        raise NotFound(_l("The course was not found."))
    return course


def list_courses():
    """Courses with their first and last session date and counts, newest first (one query)."""
    first = select(func.min(CourseSession.on)).where(CourseSession.course_id == Course.id).scalar_subquery()
    last = select(func.max(CourseSession.on)).where(CourseSession.course_id == Course.id).scalar_subquery()
    sessions = select(func.count(CourseSession.id)).where(CourseSession.course_id == Course.id).scalar_subquery()
    enrolled = (select(func.count(CourseEnrollment.id))
                .where(CourseEnrollment.course_id == Course.id, CourseEnrollment.state == ENROLLED).scalar_subquery())
    completed = (select(func.count(CourseEnrollment.id))
                 .where(CourseEnrollment.course_id == Course.id, CourseEnrollment.completed_on.is_not(None)).scalar_subquery())
    waiting = (select(func.count(CourseEnrollment.id))
               .where(CourseEnrollment.course_id == Course.id, CourseEnrollment.state == WAITING).scalar_subquery())
    stmt = (select(Course, first.label("first_on"), last.label("last_on"), sessions.label("sessions"),
                   enrolled.label("enrolled"), completed.label("completed"), waiting.label("waiting"))
            .order_by(first.desc().nulls_first(), Course.id.desc()))
    return db.session.execute(stmt).all()


# ---- sessions ------------------------------------------------------------------------------

def _parse_hours(value, errors) -> Decimal | None:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        hours = None
    if hours is None or not hours.is_finite():  # NaN cannot even be compared
        errors["hours"] = [_l("The length cannot be read. Enter it in hours, for example 3 or 2.5.")]
        return None
    if not Decimal("0.5") <= hours <= MAX_SESSION_HOURS:
        errors["hours"] = [_l("A session lasts between half an hour and %(max)s hours. Enter the length in hours, for "
                               "example 3 or 2.5.", max=MAX_SESSION_HOURS)]
        return None
    return hours.quantize(Decimal("0.1"))


def add_session(course: Course, on: date, hours, starts_at: time | None = None, place: str | None = None) -> CourseSession:
    errors: dict = {}
    if not isinstance(on, date):
        errors["on"] = [UNREADABLE_DATE]
    elif on.year < 2000 or on.year > volunteers.today().year + 5:
        errors["on"] = [outside_years(2000, volunteers.today().year + 5)]
    parsed = _parse_hours(hours, errors)
    _text_errors({"place": place}, {"place": 200}, errors)
    raise_if(errors)
    session = CourseSession(course=course, on=on, hours=parsed, starts_at=starts_at, place=(place or "").strip() or course.place)
    db.session.add(session)
    db.session.flush()
    _recompute_completion(course)
    audit.record("course.session_added", course)
    return session


def remove_session(session: CourseSession) -> list[CourseEnrollment]:
    """Remove a session nobody attended. Returns the waiting-list places given up by volunteers
    whom the removal lets complete the course (:func:`_recompute_completion`)."""
    if any(a.attended for a in session.attendance):
        raise Conflict(_l("Attendance is registered for this session; it cannot be removed."))
    course = session.course
    db.session.delete(session)
    db.session.flush()
    db.session.expire(course, ["sessions"])
    removed = _recompute_completion(course)
    audit.record("course.session_removed", course)
    return removed


def get_session(session_id: int) -> CourseSession:
    session = db.session.get(CourseSession, session_id)
    if session is None:
        raise NotFound(_l("The session was not found."))
    return session


# ---- enrolment and the waiting list ----------------------------------------------------------

def _enrolled_count(course: Course) -> int:
    return db.session.scalar(select(func.count(CourseEnrollment.id))
                             .where(CourseEnrollment.course_id == course.id, CourseEnrollment.state == ENROLLED))


def _lock_course(course: Course) -> Course:
    """The course row locked until the transaction ends: every change of who has a place, and of
    the number of places, takes this lock first (core.locking explains the pattern)."""
    return lock_for_update(Course, course.id)


def enroll(course: Course, volunteer: Volunteer) -> CourseEnrollment:
    """A place on the course, or on its waiting list when it is full. The free place is counted
    under the course's row lock, so concurrent enrolments never overfill it."""
    if volunteer.status == VolunteerStatus.LEFT:
        raise Conflict(_l("The volunteer has left the corps and cannot be enrolled. Choose another volunteer."),
                       field="volunteer_id")
    course = _lock_course(course)
    enrollment = db.session.scalar(select(CourseEnrollment).where(
        CourseEnrollment.course_id == course.id, CourseEnrollment.volunteer_id == volunteer.id))
    if enrollment is not None and enrollment.state != WITHDRAWN:
        raise Conflict(_l("The volunteer is already on this course or its waiting list. Choose another volunteer."),
                       field="volunteer_id")
    full = course.max_participants is not None and _enrolled_count(course) >= course.max_participants
    state = WAITING if full else ENROLLED
    if enrollment is None:
        enrollment = CourseEnrollment(course=course, volunteer_id=volunteer.id, state=state)
        db.session.add(enrollment)
    else:
        enrollment.state = state
    db.session.flush()
    audit.record("course.enrolled", course, volunteer_id=volunteer.id, state=state)
    return enrollment


def withdraw(enrollment: CourseEnrollment) -> CourseEnrollment | None:
    """Take a volunteer off the course; the longest waiting volunteer gets the place. Returns the
    promoted enrolment, if any."""
    _lock_course(enrollment.course)
    db.session.refresh(enrollment)  # as committed by whoever held the lock before us
    was_enrolled = enrollment.state == ENROLLED
    enrollment.state = WITHDRAWN
    enrollment.completed_on = None
    db.session.flush()
    audit.record("course.withdrawn", enrollment.course, volunteer_id=enrollment.volunteer_id)
    if not was_enrolled:
        return None
    first_waiting = db.session.scalar(select(CourseEnrollment).where(
        CourseEnrollment.course_id == enrollment.course_id, CourseEnrollment.state == WAITING)
        .order_by(CourseEnrollment.enrolled_at, CourseEnrollment.id).limit(1))
    if first_waiting is not None:
        first_waiting.state = ENROLLED
        audit.record("course.promoted_from_waiting_list", enrollment.course, volunteer_id=first_waiting.volunteer_id)
    return first_waiting


def get_enrollment(course: Course, volunteer_id: int) -> CourseEnrollment:
    enrollment = db.session.scalar(select(CourseEnrollment).where(
        CourseEnrollment.course_id == course.id, CourseEnrollment.volunteer_id == volunteer_id))
    if enrollment is None:
        raise NotFound(_l("The volunteer is not on this course."))
    return enrollment


# ---- attendance and completion ----------------------------------------------------------------

def register_attendance(session: CourseSession, attended: dict[int, bool]) -> list[CourseEnrollment]:
    """Record who came to a session (``{volunteer_id: came}``) for volunteers with a place on the
    course; completion is then recomputed by the tenant's rule. Returns the waiting-list places
    (on other courses) given up by those who have now completed the course."""
    if session.on > volunteers.today():
        raise Conflict(_l("Attendance can be registered from the day of the session."), field="attendance")
    course = session.course
    enrolled = {e.volunteer_id: e for e in course.enrollments if e.state == ENROLLED}
    strangers = set(attended) - set(enrolled)
    if strangers:
        raise ServiceError(_l("Someone on the list no longer has a place on the course. Reload the page and register "
                              "again."), field="attendance")
    existing = {a.volunteer_id: a for a in session.attendance}
    for volunteer_id, came in attended.items():
        row = existing.get(volunteer_id)
        if row is None:
            db.session.add(SessionAttendance(session=session, volunteer_id=volunteer_id, attended=bool(came)))
        else:
            row.attended = bool(came)
    db.session.flush()
    for volunteer_id, came in attended.items():
        if came:
            volunteers.advance_to(enrolled[volunteer_id].volunteer, VolunteerStatus.IN_TRAINING, session.on)
    removed = _recompute_completion(course, [enrolled[v] for v in attended])
    audit.record("course.attendance_registered", course, session_id=session.id, count=len(attended))
    return removed


def _recompute_completion(course: Course, enrollments=None) -> list[CourseEnrollment]:
    """Apply the completion rule (hook) to the course's enrolments: ``completed_on`` is the date of
    the last session attended when the rule holds, else empty. A volunteer who has now completed
    the course needs no other: they are taken off every other course's waiting list (through
    :func:`withdraw`), and those enrolments are returned."""
    # In date order, as the hook promises (a session added in this transaction sits last in the list).
    sessions = sorted(course.sessions, key=lambda s: (s.on, s.starts_at or time.min, s.id or 0))
    enrollments = [e for e in (enrollments if enrollments is not None else course.enrollments) if e.state == ENROLLED]
    if not enrollments:
        return []
    ids = [e.volunteer_id for e in enrollments]
    rows = db.session.execute(
        select(SessionAttendance.volunteer_id, SessionAttendance.session_id)
        .join(CourseSession).where(CourseSession.course_id == course.id, SessionAttendance.attended.is_(True),
                                   SessionAttendance.volunteer_id.in_(ids))).all()
    attended: dict[int, set[int]] = {}
    for volunteer_id, session_id in rows:
        attended.setdefault(volunteer_id, set()).add(session_id)
    dates = {s.id: s.on for s in sessions}
    hooks = current_hooks()
    newly_completed = []
    for enrollment in enrollments:
        mine = attended.get(enrollment.volunteer_id, set())
        done = hooks.mentorkorps_course_completed(course=course, sessions=sessions, attended_session_ids=frozenset(mine))
        was_completed = enrollment.completed_on is not None
        enrollment.completed_on = max(dates[i] for i in mine) if done and mine else None
        if enrollment.completed_on is not None and not was_completed:
            newly_completed.append(enrollment.volunteer_id)
    return _leave_other_waiting_lists(course, newly_completed)


def _leave_other_waiting_lists(course: Course, volunteer_ids: list[int]) -> list[CourseEnrollment]:
    if not volunteer_ids:
        return []
    waiting = db.session.scalars(
        select(CourseEnrollment).where(CourseEnrollment.volunteer_id.in_(volunteer_ids),
                                       CourseEnrollment.state == WAITING, CourseEnrollment.course_id != course.id)
        .order_by(CourseEnrollment.volunteer_id, CourseEnrollment.id)).all()
    removed = []
    for enrollment in waiting:
        _lock_course(enrollment.course)
        db.session.refresh(enrollment)  # still waiting once we hold the lock? (a place may have come free)
        if enrollment.state == WAITING:
            withdraw(enrollment)  # a waiting place: nobody is promoted
            removed.append(enrollment)
    return removed


def attendance_sheet(session: CourseSession):
    """The enrolled volunteers of a session's course with what is registered for them."""
    registered = {a.volunteer_id: a.attended for a in session.attendance}
    rows = db.session.execute(
        select(Volunteer).join(CourseEnrollment, CourseEnrollment.volunteer_id == Volunteer.id)
        .where(CourseEnrollment.course_id == session.course_id, CourseEnrollment.state == ENROLLED)
        .order_by(Volunteer.name, Volunteer.id)).scalars().all()
    return [(volunteer, registered.get(volunteer.id)) for volunteer in rows]


def volunteer_courses(volunteer: Volunteer):
    """A volunteer's enrolments (newest first) with each course's sessions (in time order) and their
    own attendance, in one query: ``[(enrollment, [(session, attended or None), ...]), ...]``. The
    course of each enrolment comes with it (``enrollment.course`` is then read without a query: a
    lazy load under the tenant filter would query even for an object already loaded)."""
    rows = db.session.execute(
        select(CourseEnrollment, CourseSession, SessionAttendance.attended)
        .join(Course, Course.id == CourseEnrollment.course_id)
        .outerjoin(CourseSession, CourseSession.course_id == Course.id)
        .outerjoin(SessionAttendance, (SessionAttendance.session_id == CourseSession.id)
                   & (SessionAttendance.volunteer_id == volunteer.id))
        .where(CourseEnrollment.volunteer_id == volunteer.id)
        .order_by(CourseEnrollment.enrolled_at.desc(), CourseEnrollment.id.desc(), CourseSession.on,
                  CourseSession.starts_at, CourseSession.id)
        .options(contains_eager(CourseEnrollment.course))).all()
    history: dict[int, tuple] = {}
    for enrollment, session, attended in rows:
        sessions = history.setdefault(enrollment.id, (enrollment, []))[1]
        if session is not None:
            sessions.append((session, attended))
    return list(history.values())


# ---- who still needs a course, and which courses are open -------------------------------------

def needs_course(volunteer: Volunteer, has_completed: bool) -> bool:
    """Whether ``volunteer`` still needs a course: they have not left, have not completed one
    (``has_completed``), and the tenant's rules ask for one before a match
    (``mentorkorps_course_required_for_matching``, the gate eligibility checks too)."""
    if volunteer.status == VolunteerStatus.LEFT or has_completed:
        return False
    return bool(current_hooks().mentorkorps_course_required_for_matching(volunteer=volunteer))


def enrollable_volunteers(course: Course) -> list[Volunteer]:
    """Whom the course page offers to enrol: those who still need a course (:func:`needs_course`)
    and have neither a place nor a waiting-list place on ``course``; by name, in one query."""
    on = volunteers.today()
    on_course = select(CourseEnrollment.volunteer_id).where(
        CourseEnrollment.course_id == course.id, CourseEnrollment.state.in_([ENROLLED, WAITING]))
    done = aliased(CourseEnrollment)
    completed = select(done.id).where(done.volunteer_id == Volunteer.id, done.completed_on.is_not(None),
                                      done.completed_on <= on).exists()
    rows = db.session.execute(
        select(Volunteer, completed)
        .where(Volunteer.status != VolunteerStatus.LEFT, Volunteer.id.not_in(on_course))
        .order_by(Volunteer.name, Volunteer.id)).all()
    return [volunteer for volunteer, has_completed in rows if needs_course(volunteer, bool(has_completed))]


@dataclass(frozen=True)
class OpenCourse:
    """A course open for enrolment: it has no session yet, or one today or later."""

    course: Course
    first_on: date | None  # its first session
    enrolled: int  # places taken

    @property
    def free(self) -> int | None:
        """Places left (``None``: no limit)."""
        if self.course.max_participants is None:
            return None
        return max(self.course.max_participants - self.enrolled, 0)


@cache
def _courses_and_openings_statement():
    """Built once, its values bound at execution (:func:`core.tenancy.built_once`): building it
    cost ten times what SQLite takes to run it (2.8 against 0.2 ms on a volunteer's page)."""
    later = aliased(CourseSession)
    last_on = select(func.max(later.on)).where(later.course_id == Course.id).correlate(Course).scalar_subquery()
    taken = aliased(CourseEnrollment)
    enrolled = (select(func.count(taken.id)).where(taken.course_id == Course.id, taken.state == ENROLLED)
                .correlate(Course).scalar_subquery())
    volunteer_id, on = bindparam("volunteer_id", type_=Integer), bindparam("on", type_=Date)
    return built_once(
        select(Course, CourseEnrollment, CourseSession, SessionAttendance.attended, enrolled)
        .outerjoin(CourseEnrollment, and_(CourseEnrollment.course_id == Course.id,
                                          CourseEnrollment.volunteer_id == volunteer_id))
        .outerjoin(CourseSession, CourseSession.course_id == Course.id)
        .outerjoin(SessionAttendance, (SessionAttendance.session_id == CourseSession.id)
                   & (SessionAttendance.volunteer_id == volunteer_id))
        .where(or_(CourseEnrollment.id.is_not(None), func.coalesce(last_on, on) >= on))
        .order_by(Course.id, CourseSession.on, CourseSession.starts_at, CourseSession.id))


def volunteer_courses_and_openings(volunteer: Volunteer, on: date | None = None):
    """``(history, openings)`` in one query: the volunteer's enrolments as :func:`volunteer_courses`
    gives them, and the courses open for enrolment on ``on`` (default today) that the volunteer is
    not on (never enrolled, or withdrawn), soonest first, as :class:`OpenCourse`."""
    on = on or volunteers.today()
    rows = db.session.execute(_courses_and_openings_statement(), {"volunteer_id": volunteer.id, "on": on}).all()
    courses: dict[int, tuple] = {}
    for course, enrollment, session, attended, taken_places in rows:
        entry = courses.setdefault(course.id, (course, enrollment, [], taken_places))
        if session is not None:
            entry[2].append((session, attended))
    history, openings = [], []
    for course, enrollment, sessions, taken_places in courses.values():
        if enrollment is not None:
            set_committed_value(enrollment, "course", course)  # read by the page without a query
            history.append((enrollment, sessions))
        if enrollment is None or enrollment.state == WITHDRAWN:
            last = sessions[-1][0].on if sessions else None
            if last is None or last >= on:
                openings.append(OpenCourse(course, sessions[0][0].on if sessions else None, taken_places or 0))
    history.sort(key=lambda row: (row[0].enrolled_at, row[0].id), reverse=True)
    openings.sort(key=lambda o: (o.first_on is None, o.first_on or on, o.course.id))
    return history, openings


# ---- read helpers of the REST API ----------------------------------------------------------------

def get_course_detail(course_id: int) -> Course:
    """A course with its sessions (with their attendance) and its enrolments (with their volunteers)
    loaded up front: a fixed number of queries however many people are on it."""
    from sqlalchemy.orm import joinedload, selectinload

    course = db.session.scalar(select(Course).where(Course.id == course_id).options(
        selectinload(Course.sessions).selectinload(CourseSession.attendance),
        selectinload(Course.enrollments).joinedload(CourseEnrollment.volunteer)))
    if course is None:
        raise NotFound(_l("The course was not found."))
    return course
