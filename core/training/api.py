"""REST API (flask-smorest) for courses: sessions, enrolment with a waiting list, attendance.

Thin handlers: load (schema) → access (policy decorator) → service → dump. Domain refusals are the
services' ``ServiceError`` (422, 404, 409) and reach the caller as CONTRACT.md section 4 errors."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask.views import MethodView

from core.access import members
from core.api_base import Blueprint, document_errors
from core.audit.reads import no_personal_data, reads
from core.errors import NotFound
from core.training import schemas, services
from core.training.models import ENROLLED, WAITING
from core.volunteers import services as volunteers

blp = Blueprint("training_api", __name__, url_prefix="/api/v1/<tenant>/courses", description="Courses: sessions, enrolment, attendance")

STATE_ORDER = {ENROLLED: 0, WAITING: 1}


def _course_detail(course_id: int) -> dict:
    course = services.get_course_detail(course_id)
    enrollments = sorted(course.enrollments, key=lambda e: (STATE_ORDER.get(e.state, 2), e.enrolled_at, e.id))
    return {
        "id": course.id, "title": course.title, "description": course.description, "place": course.place,
        "max_participants": course.max_participants,
        "sessions": [{"id": s.id, "on": s.on, "starts_at": s.starts_at, "hours": s.hours, "place": s.place,
                      "attendance": sorted(({"volunteer_id": a.volunteer_id, "attended": a.attended} for a in s.attendance),
                                           key=lambda a: a["volunteer_id"])}
                     for s in course.sessions],
        "enrollments": enrollments,
    }


def _session_of(course_id: int, session_id: int):
    course = services.get_course(course_id)
    session = services.get_session(session_id)
    if session.course_id != course.id:
        raise NotFound(_l("The session was not found."))
    return session


@blp.route("")
class Courses(MethodView):
    @members("coordinator")
    @no_personal_data("course titles, dates and counts")
    @blp.response(200, schemas.CourseSummarySchema(many=True))
    @document_errors(blp, 403)
    def get(self):
        """Every course with its first and last session and how many are enrolled, completed and
        waiting; the newest first."""
        return [{"id": row.Course.id, "title": row.Course.title, "place": row.Course.place,
                 "max_participants": row.Course.max_participants, "first_on": row.first_on, "last_on": row.last_on,
                 "session_count": row.sessions, "enrolled": row.enrolled, "completed": row.completed,
                 "waiting": row.waiting} for row in services.list_courses()]

    @members("coordinator")
    @blp.arguments(schemas.CourseCreateSchema)
    @blp.response(201, schemas.CourseSchema)
    @document_errors(blp, 403)
    def post(self, data):
        """Create a course (add its sessions next)."""
        course = services.create_course(data)
        return _course_detail(course.id)


@blp.route("/<int:course_id>")
class CourseResource(MethodView):
    @members("coordinator")
    @reads("course", "course_id")
    @blp.response(200, schemas.CourseSchema)
    @document_errors(blp, 403)
    def get(self, course_id):
        """A course with its sessions (and the attendance registered) and its enrolments."""
        return _course_detail(course_id)

    @members("coordinator")
    @blp.arguments(schemas.CoursePatchSchema)
    @blp.response(200, schemas.CourseSchema)
    @document_errors(blp, 403)
    def patch(self, data, course_id):
        """Change the course; only the fields sent are changed."""
        services.update_course(services.get_course(course_id), data)
        return _course_detail(course_id)


@blp.route("/<int:course_id>/sessions")
class Sessions(MethodView):
    @members("coordinator")
    @blp.arguments(schemas.CourseSessionInSchema)
    @blp.response(201, schemas.CourseSessionSchema)
    @document_errors(blp, 403)
    def post(self, data, course_id):
        """Add a session (date, start, length in hours, place)."""
        session = services.add_session(services.get_course(course_id), data["on"], data["hours"],
                                       starts_at=data.get("starts_at"), place=data.get("place"))
        return {"id": session.id, "on": session.on, "starts_at": session.starts_at, "hours": session.hours,
                "place": session.place, "attendance": []}


@blp.route("/<int:course_id>/sessions/<int:session_id>")
class SessionResource(MethodView):
    @members("coordinator")
    @blp.response(204)
    @document_errors(blp, 403, 409)
    def delete(self, course_id, session_id):
        """Remove a session; refused (409) once attendance is registered for it."""
        services.remove_session(_session_of(course_id, session_id))


@blp.route("/<int:course_id>/sessions/<int:session_id>/attendance")
class SessionAttendance(MethodView):
    @members("coordinator")
    @blp.arguments(schemas.SessionAttendanceInSchema)
    @blp.response(200, schemas.AttendanceSheetSchema)
    @document_errors(blp, 403, 409)
    def put(self, data, course_id, session_id):
        """Register who came to a session (volunteers with a place on the course). Completion is
        then worked out by the tenant's rule; the answer is the session's sheet with it."""
        session = _session_of(course_id, session_id)
        services.register_attendance(session, {row["volunteer_id"]: row["attended"] for row in data["attendance"]})
        completed = {e.volunteer_id: e.completed_on for e in session.course.enrollments}
        return {"session_id": session.id,
                "attendance": [{"volunteer_id": v.id, "volunteer_name": v.name, "attended": attended,
                                "completed_on": completed.get(v.id)}
                               for v, attended in services.attendance_sheet(session)]}


@blp.route("/<int:course_id>/enrollments")
class Enrollments(MethodView):
    @members("coordinator")
    @blp.arguments(schemas.EnrollmentInSchema)
    @blp.response(201, schemas.EnrollmentSchema)
    @document_errors(blp, 403, 409)
    def post(self, data, course_id):
        """Give a volunteer a place on the course, or a place on its waiting list when it is full
        (`state` says which). A volunteer already on the course, or who has left, is 409."""
        course = services.get_course(course_id)
        return services.enroll(course, volunteers.get_volunteer(data["volunteer_id"]))


@blp.route("/<int:course_id>/enrollments/<int:volunteer_id>")
class EnrollmentResource(MethodView):
    @members("coordinator")
    @blp.response(200, schemas.WithdrawalSchema)
    @document_errors(blp, 403)
    def delete(self, course_id, volunteer_id):
        """Take a volunteer off the course (or its waiting list); the longest waiting volunteer
        gets a freed place (`promoted`)."""
        enrollment = services.get_enrollment(services.get_course(course_id), volunteer_id)
        promoted = services.withdraw(enrollment)
        return {"withdrawn": enrollment, "promoted": promoted}
