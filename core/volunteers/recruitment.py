"""The recruitment overview: per channel, how many came to an info meeting, started the course,
completed it and became active in a period (optionally only the volunteers of one course, a
recruitment round). Counted in SQL from attendance and the status history, never typed in."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.codes import recruitment_channels
from core.extensions import db
from core.groups.models import GroupMeeting, GroupMeetingParticipant
from core.training.models import CourseEnrollment, CourseSession, SessionAttendance
from core.volunteers.models import Volunteer, VolunteerStatus, VolunteerStatusChange

STAGES = ("info_meeting", "started_course", "completed_course", "became_active")
STAGE_LABELS = {
    "info_meeting": _l("Came to an info meeting"),
    "started_course": _l("Started the course"),
    "completed_course": _l("Completed the course"),
    "became_active": _l("Became active mentors"),
}
UNKNOWN = "unknown"


@dataclass
class ChannelRow:
    key: str
    label: object
    counts: dict


def recruitment_overview(start: date, end: date, course_id: int | None = None) -> list[ChannelRow]:
    channel = func.coalesce(Volunteer.recruitment_channel, UNKNOWN).label("channel")
    in_round = []
    if course_id is not None:
        in_round.append(Volunteer.id.in_(select(CourseEnrollment.volunteer_id).where(CourseEnrollment.course_id == course_id)))

    def per_channel(volunteer_ids):
        ids = volunteer_ids.subquery()
        stmt = (select(channel, func.count(func.distinct(Volunteer.id)))
                .join(ids, ids.c.volunteer_id == Volunteer.id).where(*in_round).group_by(channel))
        return dict(db.session.execute(stmt).all())

    first_session = (select(SessionAttendance.volunteer_id, func.min(CourseSession.on).label("first_on"))
                     .join(CourseSession).where(SessionAttendance.attended.is_(True))
                     .group_by(SessionAttendance.volunteer_id).subquery())
    counts = {
        "info_meeting": per_channel(
            select(GroupMeetingParticipant.volunteer_id.label("volunteer_id")).join(GroupMeeting)
            .where(GroupMeeting.kind == "info_meeting", GroupMeetingParticipant.attended.is_(True),
                   GroupMeeting.on.between(start, end))),
        "started_course": per_channel(
            select(first_session.c.volunteer_id.label("volunteer_id")).where(first_session.c.first_on.between(start, end))),
        "completed_course": per_channel(
            select(CourseEnrollment.volunteer_id.label("volunteer_id")).where(CourseEnrollment.completed_on.between(start, end))
            .where(*([CourseEnrollment.course_id == course_id] if course_id is not None else []))),
        "became_active": per_channel(
            select(VolunteerStatusChange.volunteer_id.label("volunteer_id"))
            .where(VolunteerStatusChange.to_status == VolunteerStatus.ACTIVE, VolunteerStatusChange.on.between(start, end))),
    }
    labels = dict(recruitment_channels())
    seen = {key for stage in counts.values() for key in stage}
    keys = list(labels) + sorted(seen - set(labels))
    rows = []
    for key in keys:
        row_counts = {stage: counts[stage].get(key, 0) for stage in STAGES}
        if key in labels or any(row_counts.values()):
            rows.append(ChannelRow(key, labels.get(key, _l("Unknown") if key == UNKNOWN else key), row_counts))
    rows.append(ChannelRow("total", _l("Total"), {stage: sum(counts[stage].values()) for stage in STAGES}))
    return rows
