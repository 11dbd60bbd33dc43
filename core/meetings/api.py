"""REST API (flask-smorest) of meetings and follow-ups: CONTRACT.md section 4a.

- ``POST /meetings`` (the match's mentor, a coordinator): log a meeting → 201. A mentor may log only
  on their own match whose young person still consents; another match is 404.
- ``GET /meetings?match_id=``: a coordinator any match's meetings; a mentor only their own match's
  (another's, or one whose young person withdrew consent, is 404); a caseworker 404 (they follow
  their referrals, not the meetings).
- ``POST /matches/<id>/followups`` (coordinator): the young person's status N months after the end
  → 201 when the follow-up is new, 200 when the scheduled one is recorded.
- ``GET /followups`` (``?due=true``: only those due and not recorded) (coordinator).

Thin handlers: load (schema) → access (policy decorator, then ``_visible``) → service → dump with
the caller's role's schema (core.meetings.schemas).
"""
from __future__ import annotations

from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.access import current_role, members
from core.api_base import Blueprint, document_errors
from core.audit.reads import LIST, reads
from core.errors import NotFound
from core.extensions import db
from core.matching import services as matching
from core.meetings import schemas, services
from core.meetings.models import FollowUp

blp = Blueprint("meetings_api", __name__, url_prefix="/api/v1/<tenant>",
                description="Meetings of a mentor and their young person; follow-ups after a match ended")


def _visible(match_id: int):
    """The match, if the caller may see its meetings: a coordinator any; a mentor their own whose
    young person still consents; otherwise 404."""
    role = current_role()
    if role == "coordinator":
        return matching.get_match(match_id)
    if role == "mentor":
        from core.volunteers.services import volunteer_for_user

        match = matching.get_match(match_id)
        volunteer = volunteer_for_user(current_user)
        if (volunteer is not None and match.volunteer_id == volunteer.id and match.referral.consent_active
                and match.status in ("active", "ended")):
            return match
    raise NotFound(_l("No such match."))


def _for_role(meeting):
    """What the caller's role sees of a meeting (the response schema dumps only these keys)."""
    keys = schemas.MEETING_KEYS if current_role() == "coordinator" else schemas.MENTOR_MEETING_KEYS
    return {key: getattr(meeting, key) for key in keys}


def _dump(meetings):
    return [_for_role(m) for m in meetings] if isinstance(meetings, list) else _for_role(meetings)


@blp.route("/meetings")
class Meetings(MethodView):
    @members("coordinator", "mentor", "caseworker")
    @reads("meeting", action=LIST, criteria=("match_id",))
    @blp.arguments(schemas.MeetingListArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, schemas.MeetingSchema(many=True))
    @document_errors(blp, 403, 404)
    def get(self, match_id):
        """A match's meetings, latest first. A mentor: only their own match's (without `logged_by_id`);
        another's is 404. A caseworker: 404."""
        return _dump(services.meetings_of(_visible(match_id).id))

    @members("coordinator", "mentor")
    @blp.arguments(schemas.MeetingInSchema)
    @blp.response(201, schemas.MeetingSchema)
    @document_errors(blp, 403, 404, 409)
    def post(self, data):
        """Log a meeting: `held_on` not in the future nor before the match started, `minutes` 1 to
        600, `place` one of `cafe, walk, cooking, online, other`. A match that has not started: 409."""
        match = _visible(data.pop("match_id"))
        return _dump(services.log_meeting(match, data))


@blp.route("/matches/<int:match_id>/followups")
class FollowUps(MethodView):
    @members("coordinator")
    @blp.arguments(schemas.FollowUpInSchema)
    @blp.response(200, schemas.FollowUpSchema)
    @document_errors(blp, 403, 404, 409)
    def post(self, data, match_id):
        """Record the young person's `status` (`education, job, internship, benefits, unknown`)
        `months_after` the match ended: 200 for the scheduled follow-up, 201 for a new one. Before its
        day: 422; a match that has not ended: 409."""
        match = matching.get_match(match_id)
        existed = db.session.scalar(select(FollowUp.id).where(FollowUp.match_id == match.id,
                                                              FollowUp.months_after == data["months_after"]))
        followup = services.record_followup(match, data["months_after"], data["status"])
        return followup, 200 if existed else 201


@blp.route("/followups")
class FollowUpList(MethodView):
    @members("coordinator")
    @reads("followup", action=LIST, criteria=("due",))
    @blp.arguments(schemas.FollowUpListArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, schemas.FollowUpSchema(many=True))
    @document_errors(blp, 403)
    def get(self, due="false"):
        """Follow-ups by due date; `?due=true`: only those whose day has come and that have no status."""
        if due == "true":
            return services.due_followups()
        return list(db.session.scalars(select(FollowUp).order_by(FollowUp.due_on, FollowUp.id)))
