"""Meetings of a mentor and their young person, and follow-ups after a match ended.

"More than one meeting" and "more than two meetings" in the reports are counted from these logs;
the status N months after the end from the follow-ups. Services never commit.
"""
from __future__ import annotations

from datetime import date

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from core import clock
from core.audit import services as audit
from core.errors import Conflict, NotFound, ServiceError, raise_if
from core.extensions import db
from core.i18n import local_date
from core.hooks import current_hooks
from core.matching.models import Match
from core.meetings.models import FOLLOWUP_LABELS, FOLLOWUP_STATUSES, MEETING_PLACES, FollowUp, Meeting  # noqa: F401  (FOLLOWUP_LABELS: the labels live beside the codes)

MAX_MINUTES = 600
NOTE_LIMIT = 1000
PLACE_LABELS = {
    "cafe": _l("Café"),
    "walk": _l("Walk"),
    "cooking": _l("Cooking"),
    "online": _l("Online"),
    "other": _l("Other"),
}


def today() -> date:
    return clock.today()


def _acting_user_id():
    return current_user.id if has_request_context() and current_user.is_authenticated else None


# ---- meetings ---------------------------------------------------------------------------------------

def log_meeting(match: Match, data: dict) -> Meeting:
    """Log a meeting of an active match (or of an ended one, held before it ended)."""
    errors: dict = {}
    held_on, minutes = data.get("held_on"), data.get("minutes")
    place, note = data.get("place") or None, (data.get("note") or "").strip() or None
    if not isinstance(held_on, date):
        errors["held_on"] = [_l("Give the date of the meeting.")]
    elif held_on > today():
        errors["held_on"] = [_l("The meeting cannot be in the future.")]
    elif match.started_on and held_on < match.started_on:
        errors["held_on"] = [_l("The meeting cannot be before the match started (%(date)s).",
                                date=local_date(match.started_on))]
    elif match.ended_on and held_on > match.ended_on:
        errors["held_on"] = [_l("The meeting cannot be after the match ended (%(date)s).",
                                date=local_date(match.ended_on))]
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_MINUTES):
        errors["minutes"] = [_l("Give the length in minutes, from 1 to %(max)s.", max=MAX_MINUTES)]
    if place is not None and place not in MEETING_PLACES:
        errors["place"] = [_l("Choose a kind of place from the list.")]
    if note is not None and len(note) > NOTE_LIMIT:
        errors["note"] = [_l("At most %(n)s characters.", n=NOTE_LIMIT)]
    if match.status not in ("active", "ended"):
        raise Conflict(_l("Meetings are logged for a match that has started."))
    raise_if(errors)
    meeting = Meeting(match_id=match.id, held_on=held_on, minutes=minutes, place=place, note=note,
                      logged_by_id=_acting_user_id())
    db.session.add(meeting)
    db.session.flush()
    audit.record("meeting.logged", meeting, match=match.id)
    current_hooks().mentorkorps_meeting_logged(meeting=meeting)
    return meeting


def meetings_of(match_id: int) -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(Meeting.match_id == match_id)
                                   .order_by(Meeting.held_on.desc(), Meeting.id.desc())))


def match_stats(match_ids) -> dict[int, tuple[int, date | None]]:
    """``{match id: (meetings logged, date of the last one)}`` in one grouped query."""
    ids = list(match_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(Meeting.match_id, func.count(Meeting.id), func.max(Meeting.held_on))
                              .where(Meeting.match_id.in_(ids)).group_by(Meeting.match_id))
    stats = {match_id: (0, None) for match_id in ids}
    stats.update({match_id: (count, last) for match_id, count, last in rows})
    return stats


# ---- follow-ups -------------------------------------------------------------------------------------

def followup_months(match: Match) -> list[int]:
    months = current_hooks().mentorkorps_followup_months(match=match)
    return sorted({int(m) for m in months or [] if int(m) > 0})


def schedule_followups(match: Match) -> list[FollowUp]:
    """Follow-ups N calendar months after the match ended (N from ``mentorkorps_followup_months``,
    default 6); one already there for the same N is kept."""
    if match.ended_on is None:
        raise ServiceError(_l("Follow-ups are scheduled from the end of a match."))
    existing = {f.months_after for f in db.session.scalars(select(FollowUp).where(FollowUp.match_id == match.id))}
    made = []
    for months in followup_months(match):
        if months in existing:
            continue
        followup = FollowUp(match_id=match.id, months_after=months, due_on=clock.add_months(match.ended_on, months))
        db.session.add(followup)
        made.append(followup)
    db.session.flush()
    return made


def due_followups(on: date | None = None) -> list[FollowUp]:
    """Follow-ups whose day has come and that have no status yet, oldest first."""
    on = on or today()
    return list(db.session.scalars(select(FollowUp).where(FollowUp.recorded_on.is_(None), FollowUp.due_on <= on)
                                   .order_by(FollowUp.due_on, FollowUp.id)))


def get_followup(followup_id: int) -> FollowUp:
    followup = db.session.get(FollowUp, followup_id)
    if followup is None:
        raise NotFound(_l("No such follow-up."))
    return followup


def record_followup(match: Match, months_after: int, status: str) -> FollowUp:
    """Record the young person's status ``months_after`` months after the match ended (the scheduled
    follow-up, or a new one)."""
    errors = {}
    if status not in FOLLOWUP_STATUSES:
        errors["status"] = [_l("Choose a status from the list.")]
    if isinstance(months_after, bool) or not isinstance(months_after, int) or not 1 <= months_after <= 120:
        errors["months_after"] = [_l("Give the number of months after the end, from 1 to 120.")]
    if match.status != "ended" or match.ended_on is None:
        raise Conflict(_l("A follow-up is recorded for a match that has ended."))
    raise_if(errors)
    followup = db.session.scalar(select(FollowUp).where(FollowUp.match_id == match.id,
                                                        FollowUp.months_after == months_after))
    if followup is None:
        followup = FollowUp(match_id=match.id, months_after=months_after,
                            due_on=clock.add_months(match.ended_on, months_after))
        db.session.add(followup)
    if followup.due_on > today():
        raise ServiceError(_l("This follow-up is due on %(date)s.", date=local_date(followup.due_on)), field="months_after")
    followup.status, followup.recorded_on, followup.recorded_by_id = status, today(), _acting_user_id()
    db.session.flush()
    audit.record("followup.recorded", followup, match=match.id, months_after=months_after, status=status)
    return followup
