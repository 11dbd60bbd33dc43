"""marshmallow schemas of the group-meetings API: load schemas (``unknown = RAISE``, explicit
fields, lengths, codes) and dump schemas. Plausible dates, meeting length and who may be invited are
the services' rules; the OpenAPI document shows their limits as metadata."""
from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from core.groups.models import MEETING_KINDS
from core.schemas import TOO_LONG, LoadSchema, LocalTime, PatchSchema, StrictBoolean, UtcDateTime, code, max_length, object_id, one_of, text

MAX_PEOPLE = 500  # volunteers in one invitation or attendance list


class GroupMeetingPatchSchema(PatchSchema):
    kind = code(MEETING_KINDS, allow_none=False)
    title = fields.String(validate=max_length(120))
    on = fields.Date()
    starts_at = LocalTime(allow_none=True, metadata={"description": "HH:MM"})
    hours = fields.Decimal(allow_none=True, metadata={"minimum": 0.5, "maximum": 24})
    place = text(200)
    description = text(4000)
    group_id = object_id(allow_none=True, metadata={"description": "The standing group (experience or sparring group) meeting"})


class GroupMeetingCreateSchema(GroupMeetingPatchSchema):
    kind = code(MEETING_KINDS, required=True, allow_none=False)
    title = fields.String(required=True, validate=max_length(120))
    on = fields.Date(required=True)


class GroupMeetingListArgsSchema(ma.Schema):
    kind = fields.String(validate=one_of(MEETING_KINDS))
    upcoming = fields.Boolean(metadata={"description": "true: from today, soonest first; false: before today, "
                                                       "newest first; absent: all, newest first"})


class GroupMeetingSummarySchema(ma.Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(MEETING_KINDS)})
    title = fields.String()
    on = fields.Date()
    starts_at = fields.Time(allow_none=True)
    hours = fields.Float(allow_none=True)
    place = fields.String(allow_none=True)
    group_id = fields.Integer(allow_none=True)
    invited = fields.Integer(metadata={"description": "Participants (invited, or registered as having come)"})
    attended = fields.Integer(metadata={"description": "Participants registered as having come"})


class ParticipantSchema(ma.Schema):
    volunteer_id = fields.Integer(allow_none=True)
    volunteer_name = fields.String()
    invited_at = UtcDateTime(allow_none=True, metadata={"description": "UTC; empty for someone who came uninvited"})
    attended = fields.Boolean(allow_none=True, metadata={"description": "Empty until registered"})


class GroupMeetingSchema(ma.Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(MEETING_KINDS)})
    title = fields.String()
    on = fields.Date()
    starts_at = fields.Time(allow_none=True)
    hours = fields.Float(allow_none=True)
    place = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    group_id = fields.Integer(allow_none=True)
    participants = fields.List(fields.Nested(ParticipantSchema))


def _no_repeats(values):
    if len(values) != len(set(values)):
        raise ma.ValidationError(str(_l("A volunteer appears more than once.")))


class InvitationInSchema(LoadSchema):
    volunteer_ids = fields.List(object_id(), required=True,
                                validate=[validate.Length(min=1, max=MAX_PEOPLE, error=_l("Length must be between {min} and {max}.")),
                                          _no_repeats])


class InvitationResultSchema(ma.Schema):
    added = fields.Integer(metadata={"description": "How many were not invited before"})
    participants = fields.List(fields.Nested(ParticipantSchema))


class MeetingAttendanceItemSchema(LoadSchema):
    volunteer_id = object_id(required=True)
    attended = StrictBoolean(required=True)


class MeetingAttendanceInSchema(LoadSchema):
    attendance = fields.List(fields.Nested(MeetingAttendanceItemSchema), required=True,
                             validate=[validate.Length(max=MAX_PEOPLE, error=TOO_LONG),
                                       lambda items: _no_repeats([i["volunteer_id"] for i in items])])
