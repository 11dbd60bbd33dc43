"""Coordinator pages for courses, sessions, enrolment and attendance. Thin: load, check access,
call a service, render. A refusal is shown next to its field with the service's status (422, 409),
so the request is rolled back and nothing is half-saved."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from babel.lists import format_list
from flask_babel import format_date, format_decimal, format_time, get_locale, gettext as _
from sqlalchemy import select

from core.access import members
from core.audit.reads import no_personal_data, reads
from core.errors import ServiceError
from core.extensions import db
from core.forms import submit
from core.i18n import translated
from core.training import services
from core.fields import ActionForm, form_ids
from core.training.forms import CourseForm, EnrollForm, SessionForm
from core.training.models import ENROLLED, WAITING, CourseEnrollment, CourseSession, SessionAttendance
from core.volunteers import services as volunteers
from core.volunteers.models import Volunteer

bp = Blueprint("training", __name__, url_prefix="/<tenant>/courses", template_folder="templates")


@bp.context_processor
def _helpers():
    return {"number": format_decimal, "clock": lambda t: format_time(t, "short", rebase=False) if t else "",
            "status_labels": volunteers.STATUS_LABELS}


# ---- courses -----------------------------------------------------------------------------------

@bp.route("/")
@members("coordinator")
@no_personal_data("course titles, dates and counts")
def index():
    return render_template("training/index.html", courses=services.list_courses())


@bp.route("/new", methods=["GET", "POST"])
@members("coordinator")
@no_personal_data("an empty form")
def create():
    form = CourseForm()
    outcome = submit(form, lambda: services.create_course(_course_data(form)))
    if outcome.ok:
        flash(_("The course has been created. Add its sessions."), "success")
        return redirect(url_for("training.detail", course_id=outcome.result.id))
    return render_template("training/course_form.html", form=form, course=None), outcome.status


@bp.route("/<int:course_id>/edit", methods=["GET", "POST"])
@members("coordinator")
@no_personal_data("the course's own fields")
def edit(course_id: int):
    course = services.get_course(course_id)
    form = CourseForm(obj=course)
    outcome = submit(form, lambda: services.update_course(course, _course_data(form)))
    if outcome.ok:
        flash(_("The course has been saved."), "success")
        return redirect(url_for("training.detail", course_id=course.id))
    return render_template("training/course_form.html", form=form, course=course), outcome.status


def _course_data(form: CourseForm) -> dict:
    return {"title": form.title.data, "description": form.description.data, "place": form.place.data,
            "max_participants": form.max_participants.data}


@bp.route("/<int:course_id>")
@members("coordinator")
@reads("course", "course_id")
def detail(course_id: int):
    course = services.get_course(course_id)
    return _render_detail(course)


def _render_detail(course, *, session_form=None, enroll_form=None, status=200):
    """The course page: sessions, participants with their attendance, and the forms (a fixed
    number of queries however many sessions and participants)."""
    sessions = list(course.sessions)
    rows = db.session.execute(
        select(CourseEnrollment, Volunteer).join(Volunteer, CourseEnrollment.volunteer_id == Volunteer.id)
        .where(CourseEnrollment.course_id == course.id, CourseEnrollment.state.in_([ENROLLED, WAITING]))
        .order_by(Volunteer.name, Volunteer.id)).all()
    enrolled = [(e, v) for e, v in rows if e.state == ENROLLED]
    waiting = sorted(((e, v) for e, v in rows if e.state == WAITING), key=lambda r: (r[0].enrolled_at, r[0].id))
    attendance = {(session_id, volunteer_id): came for session_id, volunteer_id, came in db.session.execute(
        select(SessionAttendance.session_id, SessionAttendance.volunteer_id, SessionAttendance.attended)
        .join(CourseSession).where(CourseSession.course_id == course.id)).all()}
    attended_count = {s.id: 0 for s in sessions}
    for (session_id, _volunteer_id), came in attendance.items():
        if came and session_id in attended_count:
            attended_count[session_id] += 1
    session_form = session_form or SessionForm(formdata=None)
    enroll_form = enroll_form or EnrollForm(formdata=None)
    enroll_form.volunteer_id.choices = [("", _("Choose a volunteer"))] + _enrollable(course)
    today = volunteers.today()
    return render_template(
        "training/detail.html", course=course, sessions=sessions, enrolled=enrolled, waiting=waiting,
        attendance=attendance, attended_count=attended_count, session_form=session_form,
        enroll_form=enroll_form, action_form=ActionForm(formdata=None), today=today,
        completed=sum(1 for e, _v in enrolled if e.completed_on)), status


def _enrollable(course) -> list[tuple[int, str]]:
    """The picker's choices: those who still need a course and are not on this one."""
    labels = translated(volunteers.STATUS_LABELS)
    return [(v.id, f"{v.name} ({labels[v.status]})") for v in services.enrollable_volunteers(course)]


# ---- sessions ----------------------------------------------------------------------------------

@bp.route("/<int:course_id>/sessions", methods=["POST"])
@members("coordinator")
def add_session(course_id: int):
    course = services.get_course(course_id)
    form = SessionForm()
    outcome = submit(form, lambda: services.add_session(course, form.on.data, form.hours.data,
                                                        starts_at=form.starts_at.data, place=form.place.data))
    if outcome.ok:
        flash(_("The session on %(date)s has been added.", date=_date(outcome.result.on)), "success")
        return redirect(url_for("training.detail", course_id=course.id, _anchor="sessions"))
    return _render_detail(course, session_form=form, status=outcome.status)


def _session_of(course_id: int, session_id: int):
    course = services.get_course(course_id)
    session = services.get_session(session_id)
    if session.course_id != course.id:
        abort(404)
    return course, session


@bp.route("/<int:course_id>/sessions/<int:session_id>/remove", methods=["POST"])
@members("coordinator")
def remove_session(course_id: int, session_id: int):
    course, session = _session_of(course_id, session_id)
    on = session.on
    try:
        removed = services.remove_session(session)
    except ServiceError as refused:
        flash(str(refused.message), "error")
        return _render_detail(course, status=refused.status)
    flash(_("The session on %(date)s has been removed.", date=_date(on)), "success")
    flash_waiting_lists_left(removed)
    return redirect(url_for("training.detail", course_id=course.id, _anchor="sessions"))


# ---- enrolment ---------------------------------------------------------------------------------

@bp.route("/<int:course_id>/enrollments", methods=["POST"])
@members("coordinator")
def enroll(course_id: int):
    course = services.get_course(course_id)
    form = EnrollForm()
    outcome = submit(form, lambda: services.enroll(course, _volunteer(form.volunteer_id.data)))
    if outcome.ok:
        enrollment = outcome.result
        if enrollment.state == WAITING:
            flash(_("The course is full: %(name)s is on the waiting list.", name=enrollment.volunteer.name), "info")
        else:
            flash(_("%(name)s has a place on the course.", name=enrollment.volunteer.name), "success")
        return redirect(url_for("training.detail", course_id=course.id, _anchor="participants"))
    return _render_detail(course, enroll_form=form, status=outcome.status)


def _volunteer(volunteer_id) -> Volunteer:
    volunteer = db.session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise ServiceError(_("Unknown volunteer."), field="volunteer_id")
    return volunteer


@bp.route("/<int:course_id>/enrollments/<int:volunteer_id>/withdraw", methods=["POST"])
@members("coordinator")
def withdraw(course_id: int, volunteer_id: int):
    course = services.get_course(course_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    enrollment = services.get_enrollment(course, volunteer_id)
    if enrollment.state not in (ENROLLED, WAITING):
        abort(404)
    name = enrollment.volunteer.name
    promoted = services.withdraw(enrollment)
    flash(_("%(name)s has been taken off the course.", name=name), "success")
    if promoted is not None:
        flash(_("%(name)s got the place from the waiting list.", name=promoted.volunteer.name), "success")
    return redirect(url_for("training.detail", course_id=course.id, _anchor="participants"))


# ---- attendance --------------------------------------------------------------------------------

@bp.route("/<int:course_id>/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@members("coordinator")
@reads("course", "course_id")
def attendance(course_id: int, session_id: int):
    """Who came to a session: one large checkbox per participant, made for a phone."""
    course, session = _session_of(course_id, session_id)
    form = ActionForm()
    outcome = submit(form, lambda: services.register_attendance(session, _attendance_from(request.form)))
    if outcome.ok:
        flash(_("Attendance on %(date)s has been saved.", date=_date(session.on)), "success")
        flash_waiting_lists_left(outcome.result)
        # To the top of the course page, where the confirmations are: on a phone, a jump to the
        # participants would leave them off screen.
        return redirect(url_for("training.detail", course_id=course.id))
    sheet = services.attendance_sheet(session)
    if outcome.error is not None:  # show what was ticked, not what is stored
        ticked = set(form_ids(request.form.getlist("came")))
        sheet = [(v, v.id in ticked) for v, _came in sheet]
    return render_template("training/attendance.html", course=course, session=session, sheet=sheet, form=form,
                           future=session.on > volunteers.today()), outcome.status


def _ids(values) -> list[int]:
    ids = form_ids(values)
    if None in ids:
        raise ServiceError(_("Unknown volunteer."), field="attendance")
    return ids


def _attendance_from(formdata) -> dict[int, bool]:
    """``{volunteer_id: came}`` for every volunteer the page showed: ticked came, unticked did not."""
    shown = _ids(formdata.getlist("shown"))
    came = set(_ids(formdata.getlist("came")))
    if came - set(shown):
        raise ServiceError(_("Only volunteers with a place on the course can be registered."), field="attendance")
    return {volunteer_id: volunteer_id in came for volunteer_id in shown}


def _date(day) -> str:
    return format_date(day, "long")


def flash_waiting_lists_left(removed) -> None:
    """Say whom completing the course took off other courses' waiting lists (one message each)."""
    by_volunteer: dict[int, list] = {}
    for enrollment in removed or ():
        by_volunteer.setdefault(enrollment.volunteer_id, []).append(enrollment)
    for enrollments in by_volunteer.values():
        flash(_("%(name)s has completed the course and was taken off the waiting list of %(courses)s.",
                name=enrollments[0].volunteer.name,
                courses=format_list([e.course.title for e in enrollments], locale=get_locale())), "info")
