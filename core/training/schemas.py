"""marshmallow schemas of the courses API: load schemas (``unknown = RAISE``, explicit fields,
lengths) and dump schemas. The domain rules (participant limit, session length, plausible dates,
who may be registered) are the services'; the OpenAPI document shows their limits as metadata."""
from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from core.training.models import ENROLLED, WAITING, WITHDRAWN
from core.training.services import MAX_PARTICIPANTS, MAX_SESSION_HOURS
from core.schemas import TOO_LONG, LoadSchema, LocalTime, PatchSchema, StrictBoolean, UtcDateTime, max_length, object_id, text, whole_number

ENROLLMENT_STATES = (ENROLLED, WAITING, WITHDRAWN)


# ---- courses -----------------------------------------------------------------------------------

class CoursePatchSchema(PatchSchema):
    title = fields.String(validate=max_length(120))
    description = text(4000)
    place = text(200, metadata={"description": "Where the course is held; the default place of its sessions"})
    max_participants = whole_number(allow_none=True, metadata={
        "minimum": 1, "maximum": MAX_PARTICIPANTS,
        "description": "Places on the course; when they are taken, new enrolments go on the waiting list. "
                       "Empty: no limit"})


class CourseCreateSchema(CoursePatchSchema):
    title = fields.String(required=True, validate=max_length(120))


class CourseSummarySchema(ma.Schema):
    id = fields.Integer()
    title = fields.String()
    place = fields.String(allow_none=True)
    max_participants = fields.Integer(allow_none=True)
    first_on = fields.Date(allow_none=True, metadata={"description": "The day of the first session"})
    last_on = fields.Date(allow_none=True, metadata={"description": "The day of the last session"})
    session_count = fields.Integer()
    enrolled = fields.Integer(metadata={"description": "Volunteers with a place"})
    completed = fields.Integer(metadata={"description": "Volunteers who completed the course"})
    waiting = fields.Integer(metadata={"description": "Volunteers on the waiting list"})


class SessionAttendanceSchema(ma.Schema):
    volunteer_id = fields.Integer()
    attended = fields.Boolean()


class CourseSessionSchema(ma.Schema):
    id = fields.Integer()
    on = fields.Date()
    starts_at = fields.Time(allow_none=True)
    hours = fields.Float()
    place = fields.String(allow_none=True)
    attendance = fields.List(fields.Nested(SessionAttendanceSchema), metadata={"description": "What is registered"})


class EnrollmentSchema(ma.Schema):
    volunteer_id = fields.Integer()
    volunteer_name = fields.String(attribute="volunteer.name")
    state = fields.String(metadata={"enum": list(ENROLLMENT_STATES)})
    enrolled_at = UtcDateTime(metadata={"description": "UTC; the waiting list is served in this order"})
    completed_on = fields.Date(allow_none=True, metadata={"description": "Set by the tenant's completion rule from attendance"})


class CourseSchema(ma.Schema):
    id = fields.Integer()
    title = fields.String()
    description = fields.String(allow_none=True)
    place = fields.String(allow_none=True)
    max_participants = fields.Integer(allow_none=True)
    sessions = fields.List(fields.Nested(CourseSessionSchema))
    enrollments = fields.List(fields.Nested(EnrollmentSchema))


# ---- sessions ----------------------------------------------------------------------------------

class CourseSessionInSchema(LoadSchema):
    on = fields.Date(required=True)
    starts_at = LocalTime(allow_none=True, metadata={"description": "HH:MM"})
    hours = fields.Decimal(required=True, metadata={"minimum": 0.5, "maximum": float(MAX_SESSION_HOURS)})
    place = text(200, metadata={"description": "Default: the course's place"})


# ---- enrolment ---------------------------------------------------------------------------------

class EnrollmentInSchema(LoadSchema):
    volunteer_id = object_id(required=True)


class WithdrawalSchema(ma.Schema):
    withdrawn = fields.Nested(EnrollmentSchema)
    promoted = fields.Nested(EnrollmentSchema, allow_none=True,
                             metadata={"description": "Who got the place from the waiting list, if anyone"})


# ---- attendance --------------------------------------------------------------------------------

class SessionAttendanceItemSchema(LoadSchema):
    volunteer_id = object_id(required=True)
    attended = StrictBoolean(required=True)


def _no_repeated_volunteers(items):
    ids = [item["volunteer_id"] for item in items]
    if len(ids) != len(set(ids)):
        raise ma.ValidationError(str(_l("A volunteer appears more than once.")))


class SessionAttendanceInSchema(LoadSchema):
    attendance = fields.List(fields.Nested(SessionAttendanceItemSchema), required=True,
                             validate=[validate.Length(max=MAX_PARTICIPANTS, error=TOO_LONG), _no_repeated_volunteers])


class AttendanceSheetRowSchema(ma.Schema):
    volunteer_id = fields.Integer()
    volunteer_name = fields.String()
    attended = fields.Boolean(allow_none=True, metadata={"description": "Empty until registered"})
    completed_on = fields.Date(allow_none=True)


class AttendanceSheetSchema(ma.Schema):
    session_id = fields.Integer()
    attendance = fields.List(fields.Nested(AttendanceSheetRowSchema))
