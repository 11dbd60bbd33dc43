"""REST API (flask-smorest) for group meetings: info meetings, experience groups, supervision,
sparring groups and social events, with invitations and attendance.

Thin handlers: load (schema) → access (policy decorator) → service → dump. Domain refusals are the
services' ``ServiceError`` (422, 404, 409) and reach the caller as CONTRACT.md section 4 errors."""
from __future__ import annotations

from flask.views import MethodView

from core.access import members
from core.api_base import Blueprint, document_errors, errors_as
from core.audit.reads import no_personal_data, reads
from core.groups import schemas, services

blp = Blueprint("groups_api", __name__, url_prefix="/api/v1/<tenant>/group-meetings", description="Group meetings: invitations and attendance")

MEETING_COLUMNS = ("id", "kind", "title", "on", "starts_at", "hours", "place", "group_id")


def _participants(meeting) -> list[dict]:
    return [{"volunteer_id": p.volunteer_id, "volunteer_name": v.name, "invited_at": p.invited_at, "attended": p.attended}
            for p, v in services.participants(meeting)]


def _meeting_detail(meeting) -> dict:
    return {**{c: getattr(meeting, c) for c in MEETING_COLUMNS}, "description": meeting.description,
            "participants": _participants(meeting)}


@blp.route("")
class GroupMeetings(MethodView):
    @members("coordinator")
    @no_personal_data("meeting titles, dates and counts")
    @blp.arguments(schemas.GroupMeetingListArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, schemas.GroupMeetingSummarySchema(many=True))
    @blp.paginate()
    @document_errors(blp, 403)
    def get(self, pagination_parameters, kind=None, upcoming=None):
        """Meetings with how many are invited and came; filter by kind and upcoming/past.

        Paginated: `page` and `page_size`; the `X-Pagination` header has the totals."""
        page = services.list_meetings(kind=kind, upcoming=upcoming, page=pagination_parameters.page,
                                      per_page=pagination_parameters.page_size)
        pagination_parameters.item_count = page.total
        return [{**{c: getattr(row.GroupMeeting, c) for c in MEETING_COLUMNS}, "invited": row.invited,
                 "attended": row.attended} for row in page.items]

    @members("coordinator")
    @blp.arguments(schemas.GroupMeetingCreateSchema)
    @blp.response(201, schemas.GroupMeetingSchema)
    @document_errors(blp, 403)
    def post(self, data):
        """Plan a meeting (invite people next)."""
        return _meeting_detail(services.create_meeting(data))


@blp.route("/<int:meeting_id>")
class GroupMeetingResource(MethodView):
    @members("coordinator")
    @reads("group_meeting", "meeting_id")
    @blp.response(200, schemas.GroupMeetingSchema)
    @document_errors(blp, 403)
    def get(self, meeting_id):
        """A meeting with its participants: who is invited and who came."""
        return _meeting_detail(services.get_meeting(meeting_id))

    @members("coordinator")
    @blp.arguments(schemas.GroupMeetingPatchSchema)
    @blp.response(200, schemas.GroupMeetingSchema)
    @document_errors(blp, 403)
    def patch(self, data, meeting_id):
        """Change the meeting; only the fields sent are changed."""
        return _meeting_detail(services.update_meeting(services.get_meeting(meeting_id), data))


@blp.route("/<int:meeting_id>/invitations")
class Invitations(MethodView):
    @members("coordinator")
    @blp.arguments(schemas.InvitationInSchema)
    @blp.response(200, schemas.InvitationResultSchema)
    @document_errors(blp, 403)
    def post(self, data, meeting_id):
        """Invite volunteers (those already invited stay invited; one who has left cannot be)."""
        meeting = services.get_meeting(meeting_id)
        added = services.invite(meeting, data["volunteer_ids"])
        return {"added": added, "participants": _participants(meeting)}


@blp.route("/<int:meeting_id>/attendance")
class Attendance(MethodView):
    @members("coordinator")
    @blp.arguments(schemas.MeetingAttendanceInSchema)
    @blp.response(200, schemas.GroupMeetingSchema)
    @document_errors(blp, 403, 409)
    def put(self, data, meeting_id):
        """Register who came (from the day of the meeting). Someone who came uninvited is added; an
        applicant who came to an information meeting moves on to `info_meeting`."""
        meeting = services.get_meeting(meeting_id)
        with errors_as(volunteer_ids="attendance"):
            services.register_attendance(meeting, {row["volunteer_id"]: row["attended"] for row in data["attendance"]})
        return _meeting_detail(meeting)
