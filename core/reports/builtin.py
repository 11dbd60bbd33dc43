"""The reports every tenant has (returned by the built-in defaults' ``mentorkorps_reports``):

- ``recruitment-funnel``: the volunteers whose first contact (``recruited_on``) is in the period, and
  how many of them have reached each later stage by ``to``, in total and per recruitment channel;
- ``activity``: matches started, matches ended and meetings held per calendar month of the period;
- ``followups``: follow-ups due in the period, how many were done by ``to``, and their statuses.

Each is a handful of SQL aggregates over the tenant's rows (CONTRACT.md section 5's counting rules,
:mod:`core.reports.rules`); nothing here loops over data rows.
"""
from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import case, func, select

from core.codes import recruitment_channels
from core.extensions import db
from core.groups.models import GroupMeeting, GroupMeetingParticipant
from core.hooks.types import ReportDefinition, ReportRow, ReportSection
from core.matching.models import Match
from core.meetings.models import FOLLOWUP_LABELS, FOLLOWUP_STATUSES, FollowUp, Meeting
from core.reports.rules import months_of, share, year_month
from core.training.models import CourseEnrollment
from core.volunteers.models import Volunteer, VolunteerStatus, VolunteerStatusChange

# ---- recruitment funnel ------------------------------------------------------------------------------

FUNNEL_STAGES = ("first_contact", "info_meeting", "course", "approved", "first_match")
FUNNEL_LABELS = {
    "first_contact": _l("First contact"),
    "info_meeting": _l("Came to an information meeting"),
    "course": _l("Completed a course"),
    "approved": _l("Approved as a mentor"),
    "first_match": _l("Matched with a young person"),
}
UNKNOWN_CHANNEL = "unknown"
# Approved (or, for a history imported as it happened, straight to active): a mentor from then on.
# Active can only follow approved in the lifecycle, so either change on or before `to` counts once.
BECAME_MENTOR = (VolunteerStatus.APPROVED, VolunteerStatus.ACTIVE)


def recruitment_funnel(*, tenant, start: date, end: date) -> list[ReportSection]:
    """The cohort: volunteers first in contact (``recruited_on``) in [start, end]. Each stage is
    counted on its own (a mentor who came from elsewhere may be approved without a course), as
    reached on or before ``end``; percents are of the cohort's first contacts (per channel, of the
    channel's)."""
    def reached(statement):
        return statement.group_by("volunteer_id").subquery()

    info = reached(select(GroupMeetingParticipant.volunteer_id.label("volunteer_id")).join(GroupMeeting)
                   .where(GroupMeeting.kind == "info_meeting", GroupMeeting.on <= end,
                          GroupMeetingParticipant.attended.is_(True)))
    course = reached(select(CourseEnrollment.volunteer_id.label("volunteer_id"))
                     .where(CourseEnrollment.completed_on <= end))
    approved = reached(select(VolunteerStatusChange.volunteer_id.label("volunteer_id"))
                       .where(VolunteerStatusChange.to_status.in_(BECAME_MENTOR), VolunteerStatusChange.on <= end))
    matched = reached(select(Match.volunteer_id.label("volunteer_id"))
                      .where(Match.volunteer_id.is_not(None), Match.started_on <= end))
    channel = func.coalesce(Volunteer.recruitment_channel, UNKNOWN_CHANNEL).label("channel")
    stmt = (select(channel, func.count(Volunteer.id), func.count(info.c.volunteer_id), func.count(course.c.volunteer_id),
                   func.count(approved.c.volunteer_id), func.count(matched.c.volunteer_id))
            .outerjoin(info, info.c.volunteer_id == Volunteer.id)
            .outerjoin(course, course.c.volunteer_id == Volunteer.id)
            .outerjoin(approved, approved.c.volunteer_id == Volunteer.id)
            .outerjoin(matched, matched.c.volunteer_id == Volunteer.id)
            .where(Volunteer.recruited_on >= start, Volunteer.recruited_on <= end)
            .group_by(channel))
    by_channel = {key: counts for key, *counts in db.session.execute(stmt).all()}

    def rows(counts):
        return tuple(ReportRow(stage, FUNNEL_LABELS[stage], value, share(value, counts[0]))
                     for stage, value in zip(FUNNEL_STAGES, counts, strict=True))

    totals = [sum(counts[i] for counts in by_channel.values()) for i in range(len(FUNNEL_STAGES))]
    sections = [ReportSection("total", _l("All channels"), rows(totals))]
    labels = recruitment_channels()
    # The tenant's channels in its order; codes it no longer has (a plugin switched off), then none.
    order = [key for key in labels if key in by_channel]
    order += sorted(key for key in by_channel if key not in labels and key != UNKNOWN_CHANNEL)
    order += [UNKNOWN_CHANNEL] if UNKNOWN_CHANNEL in by_channel else []
    for key in order:
        title = labels.get(key) or (_l("Channel not stated") if key == UNKNOWN_CHANNEL else key)
        sections.append(ReportSection(key, title, rows(by_channel[key])))
    return sections


# ---- activity per month ------------------------------------------------------------------------------

def month_label(key: str) -> LazyString:
    """``2024-03`` as "March 2024" in the reader's language, worded when shown."""
    year, month = (int(part) for part in key.split("-"))
    return LazyString(format_date, date(year, month, 1), "MMMM y")


def _per_month(day_column, start: date, end: date) -> dict:
    """``{YYYY-MM: count}`` of the rows whose ``day_column`` is in [start, end]. Counted per day first,
    then per month: the day is the column itself, so the database groups a tenant's 200,000 meetings
    without working out a month for each (4-5 times faster on PostgreSQL), and only a few hundred
    days are turned into months."""
    per_day = (select(day_column.label("day"), func.count().label("n"))
               .where(day_column >= start, day_column <= end).group_by(day_column).subquery())
    month = year_month(per_day.c.day).label("month")
    stmt = select(month, func.sum(per_day.c.n)).group_by(month)
    return {key: int(n) for key, n in db.session.execute(stmt).all()}


def activity(*, tenant, start: date, end: date) -> list[ReportSection]:
    """Per calendar month that overlaps the period, counting only days inside it: matches started
    (``started_on``), matches ended (``ended_on``) and meetings held (``held_on``)."""
    months = months_of(start, end)
    counted = {
        "matches_started": (_l("Matches started"), _per_month(Match.started_on, start, end)),
        "matches_ended": (_l("Matches ended"), _per_month(Match.ended_on, start, end)),
        "meetings_held": (_l("Meetings held"), _per_month(Meeting.held_on, start, end)),
    }
    return [ReportSection(key, title, tuple(ReportRow(m, month_label(m), counts.get(m, 0)) for m in months), chart="line")
            for key, (title, counts) in counted.items()]


# ---- follow-ups ----------------------------------------------------------------------------------------

def followups(*, tenant, start: date, end: date) -> list[ReportSection]:
    """Follow-ups due in the period (``due_on``); done are those with a status recorded on or before
    ``to``, whatever day that was (early or late); their statuses as percents of the done ones."""
    done = (FollowUp.status.is_not(None)) & (FollowUp.recorded_on <= end)
    status = case((done, FollowUp.status)).label("done_status")
    counts = dict(db.session.execute(
        select(status, func.count()).where(FollowUp.due_on >= start, FollowUp.due_on <= end).group_by(status)).all())
    due = sum(counts.values())
    not_done = counts.pop(None, 0)
    done_count = due - not_done
    return [
        ReportSection("followups", _l("Follow-ups due in the period"), (
            ReportRow("due", _l("Due in the period"), due),
            ReportRow("done", _l("Done by the last day"), done_count, share(done_count, due)),
            ReportRow("not_done", _l("Not done by the last day"), not_done, share(not_done, due)),
        )),
        ReportSection("status", _l("The young people's status at the follow-ups done"), tuple(
            ReportRow(key, FOLLOWUP_LABELS[key], counts.get(key, 0), share(counts.get(key, 0), done_count))
            for key in FOLLOWUP_STATUSES)),
    ]


REPORTS = (
    ReportDefinition("recruitment-funnel", _l("Recruitment funnel"), recruitment_funnel,
                     _l("Volunteers whose first contact was in the period, and how many of them came to an "
                        "information meeting, completed a course, were approved and were matched by its last day.")),
    ReportDefinition("activity", _l("Matches and meetings per month"), activity,
                     _l("Matches started, matches ended and meetings held in each month of the period.")),
    ReportDefinition("followups", _l("Follow-ups"), followups,
                     _l("Follow-ups due in the period, how many were done by its last day, and the young "
                        "people's status at them.")),
)
