"""marshmallow schemas of the meetings API (CONTRACT.md 4a): load schemas (``unknown = RAISE``,
explicit fields; the ranges are the service's, in its own words) and dump schemas with EXPLICIT
field lists. Who sees what:

- **coordinator** — every meeting and follow-up of the tenant: :class:`MeetingSchema` (with who
  logged it), :class:`FollowUpSchema`.
- **mentor** — the meetings of their own matches only (another match is 404), without who logged
  them: :class:`MentorMeetingSchema`. No follow-ups.
- **caseworker** — no meetings (404) and no follow-ups (403): they follow their referrals.
"""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from core.meetings.models import FOLLOWUP_STATUSES, MEETING_PLACES
from core.inputs import MAX_ID
from core.schemas import AT_LEAST, AT_MOST, LoadSchema, max_length, object_id, one_of, whole_number

MENTOR_MEETING_KEYS = ("id", "match_id", "held_on", "minutes", "place", "note")
MEETING_KEYS = MENTOR_MEETING_KEYS + ("logged_by_id",)
FOLLOWUP_KEYS = ("id", "match_id", "months_after", "due_on", "status", "recorded_on")


# ---- load --------------------------------------------------------------------------------------

class MeetingInSchema(LoadSchema):
    match_id = object_id(required=True)
    held_on = fields.Date(required=True)
    minutes = whole_number(allow_none=True, metadata={"description": "1 to 600"})
    place = fields.String(allow_none=True, validate=max_length(20), metadata={"enum": list(MEETING_PLACES)})
    note = fields.String(allow_none=True, validate=max_length(1000))


class MeetingListArgsSchema(ma.Schema):
    match_id = fields.Integer(required=True, strict=False,
                              validate=[validate.Range(min=1, error=AT_LEAST), validate.Range(max=MAX_ID, error=AT_MOST)])


class FollowUpInSchema(LoadSchema):
    months_after = whole_number(required=True, metadata={"description": "1 to 120"})
    status = fields.String(required=True, validate=max_length(20), metadata={"enum": list(FOLLOWUP_STATUSES)})


class FollowUpListArgsSchema(ma.Schema):
    due = fields.String(load_default="false", validate=one_of(("true", "false")),
                        metadata={"enum": ["true", "false"],
                                  "description": "true: only the follow-ups whose day has come and that have no status"})


# ---- dump --------------------------------------------------------------------------------------

class MentorMeetingSchema(ma.Schema):
    """A meeting as the match's mentor sees it."""

    class Meta:
        fields = MENTOR_MEETING_KEYS

    id = fields.Integer()
    match_id = fields.Integer()
    held_on = fields.Date()
    minutes = fields.Integer(allow_none=True)
    place = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class MeetingSchema(MentorMeetingSchema):
    """A meeting as a coordinator sees it."""

    class Meta:
        fields = MEETING_KEYS

    logged_by_id = fields.Integer(allow_none=True)


class FollowUpSchema(ma.Schema):
    class Meta:
        fields = FOLLOWUP_KEYS

    id = fields.Integer()
    match_id = fields.Integer()
    months_after = fields.Integer()
    due_on = fields.Date()
    status = fields.String(allow_none=True)
    recorded_on = fields.Date(allow_none=True)
