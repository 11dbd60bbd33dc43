"""Group meetings of the corps and standing volunteer groups: invitations and attendance; the
meetings a municipality holds at a steady rhythm (``mentorkorps_meeting_rhythms``) and planning the
next ones of a rhythm in one go."""
from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from functools import cache
from datetime import date, time, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Integer, String, bindparam, case, func, select

from core.audit import services as audit
from core.errors import (
    UNREADABLE_DATE, UNREADABLE_TIME, Conflict, NotFound, ServiceError, outside_years, raise_if, too_long, unknown_choice,
)
from core.extensions import db
from core.groups.models import GROUP_KINDS, MEETING_KINDS, GroupMeeting, GroupMeetingParticipant, VolunteerGroup
from core.hooks import current_hooks
from core.hooks.types import MeetingRhythm
from core.pagination import paginate
from core.tenancy import built_once, utcnow
from core.volunteers import services as volunteers
from core.volunteers.models import Volunteer, VolunteerStatus

MEETING_KIND_LABELS = {
    "info_meeting": _l("Information meeting"),
    "experience_group": _l("Experience group"),
    "supervision": _l("Supervision"),
    "sparring_group": _l("Sparring group"),
    "social_event": _l("Social event"),
}
GROUP_KIND_LABELS = {k: MEETING_KIND_LABELS[k] for k in GROUP_KINDS}
MEETING_FIELDS = ("kind", "title", "on", "starts_at", "hours", "place", "description", "group_id")


# ---- standing groups ---------------------------------------------------------------------------

def create_group(name: str, kind: str) -> VolunteerGroup:
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_l("The name is missing. Write the group's name.")]
    elif len(name) > 120:
        errors["name"] = [too_long(name, 120)]
    if kind not in GROUP_KINDS:
        errors["kind"] = [unknown_choice(kind)]
    raise_if(errors)
    group = VolunteerGroup(name=name, kind=kind)
    db.session.add(group)
    db.session.flush()
    audit.record("group.created", group)
    return group


def get_group(group_id: int) -> VolunteerGroup:
    group = db.session.get(VolunteerGroup, group_id)
    if group is None:
        raise NotFound(_l("The group was not found."))
    return group


def list_groups() -> list[VolunteerGroup]:
    return db.session.scalars(select(VolunteerGroup).order_by(VolunteerGroup.kind, VolunteerGroup.name)).all()


def set_group_members(group: VolunteerGroup, volunteer_ids: list[int]) -> None:
    members = _volunteers(volunteer_ids) if volunteer_ids else []
    group.members = members
    audit.record("group.members_set", group, count=len(members))


def _volunteers(ids) -> list[Volunteer]:
    ids = {int(i) for i in ids}
    found = db.session.scalars(select(Volunteer).where(Volunteer.id.in_(ids))).all()
    if len(found) != len(ids):
        raise ServiceError(_l("A chosen volunteer was not found. Reload the page and choose again."), field="volunteer_ids")
    return found


# ---- meetings ----------------------------------------------------------------------------------

def _validate_meeting(data: dict, creating: bool) -> dict:
    errors: dict = {}
    data = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in data.items()}
    unknown = set(data) - set(MEETING_FIELDS)
    for key in unknown:
        errors[key] = [_l("Unknown field.")]
    if creating or "kind" in data:
        if data.get("kind") not in MEETING_KINDS:
            errors["kind"] = [unknown_choice(data.get("kind"))]
    if creating or "title" in data:
        if not data.get("title"):
            errors["title"] = [_l("The title is missing. Write the meeting's title.")]
        elif len(data["title"]) > 120:
            errors["title"] = [too_long(data["title"], 120)]
    if creating or "on" in data:
        on = data.get("on")
        if not isinstance(on, date):
            errors["on"] = [UNREADABLE_DATE]
        elif on.year < 2000 or on.year > volunteers.today().year + 5:
            errors["on"] = [outside_years(2000, volunteers.today().year + 5)]
    if data.get("starts_at") is not None and not isinstance(data["starts_at"], time):
        errors["starts_at"] = [UNREADABLE_TIME]
    if data.get("hours") is not None:
        try:
            hours = Decimal(str(data["hours"]))
            if not Decimal("0.5") <= hours <= Decimal("24"):
                raise InvalidOperation
            data["hours"] = hours.quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError):
            errors["hours"] = [_l("A meeting lasts between half an hour and %(max)s hours. Enter the length in hours, for "
                                   "example 2 or 1.5.", max=24)]
    for name, limit in (("place", 200), ("description", 4000)):
        if isinstance(data.get(name), str) and len(data[name]) > limit:
            errors[name] = [too_long(data[name], limit)]
    if data.get("group_id") is not None and db.session.get(VolunteerGroup, data["group_id"]) is None:
        errors["group_id"] = [_l("The chosen group was not found. Reload the page and choose again.")]
    raise_if(errors)
    return data


def create_meeting(data: dict) -> GroupMeeting:
    data = _validate_meeting(data, creating=True)
    meeting = GroupMeeting(**data)
    db.session.add(meeting)
    db.session.flush()
    audit.record("group_meeting.created", meeting, kind=meeting.kind)
    return meeting


def update_meeting(meeting: GroupMeeting, data: dict) -> GroupMeeting:
    data = _validate_meeting(data, creating=False)
    for key, value in data.items():
        setattr(meeting, key, value)
    audit.record("group_meeting.updated", meeting)
    return meeting


def get_meeting(meeting_id: int) -> GroupMeeting:
    meeting = db.session.get(GroupMeeting, meeting_id)
    if meeting is None:
        raise NotFound(_l("The meeting was not found."))
    return meeting


def list_meetings(kind: str | None = None, upcoming: bool | None = None, page: int = 1, per_page: int = 50):
    """One page (core.pagination.Page) of rows ``(GroupMeeting, invited, attended)``: the meetings
    with their invited and attended counts (two queries)."""
    filters = []
    if kind:
        filters.append(GroupMeeting.kind == kind)
    if upcoming is True:
        filters.append(GroupMeeting.on >= volunteers.today())
    elif upcoming is False:
        filters.append(GroupMeeting.on < volunteers.today())
    order = (GroupMeeting.on, GroupMeeting.id) if upcoming else (GroupMeeting.on.desc(), GroupMeeting.id.desc())
    invited = func.count(GroupMeetingParticipant.id)
    came = func.coalesce(func.sum(case((GroupMeetingParticipant.attended.is_(True), 1), else_=0)), 0)
    stmt = (select(GroupMeeting, invited.label("invited"), came.label("attended"))
            .outerjoin(GroupMeetingParticipant).where(*filters).group_by(GroupMeeting.id).order_by(*order))
    return paginate(stmt, select(func.count(GroupMeeting.id)).where(*filters), page=page, per_page=per_page, rows=True)


def invite(meeting: GroupMeeting, volunteer_ids: list[int]) -> int:
    """Invite volunteers; returns how many were new. Those who left the corps cannot be invited."""
    chosen = _volunteers(volunteer_ids)
    left = [v.name for v in chosen if v.status == VolunteerStatus.LEFT]
    if left:
        raise ServiceError(_l("%(names)s has left the corps and cannot be invited. Untick them and invite again.",
                              names=", ".join(left)), field="volunteer_ids")
    existing = {p.volunteer_id: p for p in meeting.participants}
    added = 0
    for volunteer in chosen:
        row = existing.get(volunteer.id)
        if row is None:
            meeting.participants.append(GroupMeetingParticipant(volunteer_id=volunteer.id, invited_at=utcnow()))
            added += 1
        elif row.invited_at is None:
            row.invited_at = utcnow()
    db.session.flush()
    audit.record("group_meeting.invited", meeting, count=added)
    return added


def invite_group(meeting: GroupMeeting) -> int:
    if meeting.group is None:
        raise ServiceError(_l("The meeting belongs to no standing group, so there are no members to invite. Choose the "
                              "volunteers to invite instead."), field="group_id")
    return invite(meeting, [v.id for v in meeting.group.members if v.status != VolunteerStatus.LEFT])


def register_attendance(meeting: GroupMeeting, attended: dict[int, bool]) -> None:
    """Record who came (``{volunteer_id: came}``). People who came without an invitation are added.
    Coming to an information meeting moves an applicant to 'attended info meeting'."""
    if meeting.on > volunteers.today():
        raise Conflict(_l("Attendance can be registered from the day of the meeting."), field="attendance")
    chosen = {v.id: v for v in _volunteers(list(attended))} if attended else {}
    existing = {p.volunteer_id: p for p in meeting.participants}
    for volunteer_id, came in attended.items():
        row = existing.get(volunteer_id)
        if row is None:
            meeting.participants.append(GroupMeetingParticipant(volunteer_id=volunteer_id, attended=bool(came)))
        else:
            row.attended = bool(came)
        if came and meeting.kind == "info_meeting":
            volunteers.advance_to(chosen[volunteer_id], VolunteerStatus.INFO_MEETING, meeting.on)
    db.session.flush()
    audit.record("group_meeting.attendance_registered", meeting, count=len(attended))


def participants(meeting: GroupMeeting):
    return db.session.execute(
        select(GroupMeetingParticipant, Volunteer).join(Volunteer, GroupMeetingParticipant.volunteer_id == Volunteer.id)
        .where(GroupMeetingParticipant.meeting_id == meeting.id).order_by(Volunteer.name, Volunteer.id)).all()


def volunteer_meetings(volunteer: Volunteer):
    """A volunteer's invitations and attendance, newest first."""
    return db.session.execute(
        select(GroupMeeting, GroupMeetingParticipant).join(GroupMeetingParticipant)
        .where(GroupMeetingParticipant.volunteer_id == volunteer.id)
        .order_by(GroupMeeting.on.desc(), GroupMeeting.id.desc())).all()


# A row of a volunteer's meeting history, as the volunteer's page reads it: plain tuples, not ORM
# objects (a long-standing mentor has a few invitations a month, and loading two objects per row
# cost more than the query).
MeetingSeen = namedtuple("MeetingSeen", "id on starts_at title kind place")
Invitation = namedtuple("Invitation", "id attended")


@cache
def _meetings_and_upcoming_statement():
    """Built once, its values bound at execution (:func:`core.tenancy.built_once`)."""
    volunteer_id = bindparam("volunteer_id", type_=Integer)
    mine = (GroupMeetingParticipant.meeting_id == GroupMeeting.id) & (GroupMeetingParticipant.volunteer_id == volunteer_id)
    upcoming = (GroupMeeting.kind == bindparam("kind", type_=String)) & (GroupMeeting.on >= bindparam("on", type_=Date))
    return built_once(
        select(*(getattr(GroupMeeting, name) for name in MeetingSeen._fields),
               GroupMeetingParticipant.id, GroupMeetingParticipant.attended)
        .outerjoin(GroupMeetingParticipant, mine)
        .where(GroupMeetingParticipant.id.is_not(None) | upcoming)
        .order_by(GroupMeeting.on.desc(), GroupMeeting.id.desc()))


def volunteer_meetings_and_upcoming(volunteer: Volunteer, kind: str, on: date | None = None):
    """``(history, upcoming)`` in one query: the volunteer's invitations and attendance,
    ``[(MeetingSeen, Invitation)]`` newest first, and the meetings of ``kind`` on ``on`` (default
    today) or later that the volunteer is not invited to, ``[MeetingSeen]`` soonest first."""
    on = on or volunteers.today()
    history, upcoming = [], []
    for *meeting, invitation_id, attended in db.session.execute(
            _meetings_and_upcoming_statement(), {"volunteer_id": volunteer.id, "kind": kind, "on": on}):
        if invitation_id is None:
            upcoming.append(MeetingSeen(*meeting))
        else:
            history.append((MeetingSeen(*meeting), Invitation(invitation_id, attended)))
    upcoming.sort(key=lambda m: (m.on, m.starts_at or time.min, m.id))
    return history, upcoming


# ---- meetings at a steady rhythm ---------------------------------------------------------------

PLAN_MAX = 12  # meetings planned in one go
PLAN_FIELDS = ("count", "first_on", "title", "starts_at", "hours", "place", "description", "group_id", "invite")
INVITE_CHOICES = ("", "group", "mentors")


def meeting_rhythms() -> list[MeetingRhythm]:
    """The group meetings the tenant holds at a steady rhythm (the gatherer hook
    ``mentorkorps_meeting_rhythms``): the first rhythm of a kind wins (a municipality's before a
    reusable plugin's), kinds the core does not know and rhythms shorter than a day are left out."""
    seen, rhythms = set(), []
    for batch in current_hooks().mentorkorps_meeting_rhythms():
        for rhythm in batch or []:
            if rhythm.kind in MEETING_KINDS and rhythm.kind not in seen and int(rhythm.every_days) >= 1:
                seen.add(rhythm.kind)
                rhythms.append(rhythm)
    return rhythms


def get_rhythm(kind: str) -> MeetingRhythm:
    rhythm = next((r for r in meeting_rhythms() if r.kind == kind), None)
    if rhythm is None:
        raise NotFound(_l("The municipality holds no meetings of this kind at a rhythm."))
    return rhythm


@dataclass(frozen=True)
class RhythmStatus:
    """Where a rhythm stands on a day: the last meeting of its kind before the day, the first one
    from the day on and the latest one planned (``None`` when there is none)."""

    rhythm: MeetingRhythm
    on: date
    last_on: date | None
    next_on: date | None
    latest_on: date | None = None

    @property
    def planned_within(self) -> date:
        """The next meeting should be on or before this day."""
        return self.on + timedelta(days=int(self.rhythm.every_days))

    @property
    def unplanned(self) -> bool:
        """No meeting of the kind is planned within the rhythm (from the day on)."""
        return self.next_on is None or self.next_on > self.planned_within


def rhythm_statuses(on: date | None = None) -> list[RhythmStatus]:
    """Every rhythm of the tenant with its last and next meeting, in one query for all of them (none
    when the tenant has no rhythm)."""
    on = on or volunteers.today()
    rhythms = meeting_rhythms()
    if not rhythms:
        return []
    found = {kind: dates for kind, *dates in db.session.execute(
        _rhythm_statement(), {"on": on, "kinds": [r.kind for r in rhythms]})}
    return [RhythmStatus(r, on, *found.get(r.kind, (None, None, None))) for r in rhythms]


@cache
def _rhythm_statement():
    """Each kind's last meeting before the day, first from the day on and latest; built once."""
    on = bindparam("on", type_=Date)
    last = func.max(case((GroupMeeting.on < on, GroupMeeting.on)))
    upcoming = func.min(case((GroupMeeting.on >= on, GroupMeeting.on)))
    return built_once(select(GroupMeeting.kind, last, upcoming, func.max(GroupMeeting.on))
                      .where(GroupMeeting.kind.in_(bindparam("kinds", expanding=True))).group_by(GroupMeeting.kind))


def unplanned_rhythms(on: date | None = None) -> list[RhythmStatus]:
    """The rhythms with no meeting planned within their rhythm (the coordinator's front page)."""
    return [status for status in rhythm_statuses(on) if status.unplanned]


def suggested_start(status: RhythmStatus) -> date:
    """Where the next meetings of a rhythm would start: a rhythm after the last one of the kind
    (planned or held), and not before the day itself."""
    if status.latest_on is None:
        return status.on
    return max(status.latest_on + timedelta(days=int(status.rhythm.every_days)), status.on)


def planned_dates(rhythm: MeetingRhythm, first_on: date, count: int) -> list[date]:
    return [first_on + timedelta(days=int(rhythm.every_days) * n) for n in range(count)]


def plan_meetings(kind: str, data: dict) -> list[GroupMeeting]:
    """Plan the next ``count`` meetings of the tenant's rhythm of ``kind``: one every
    ``every_days`` days from ``first_on`` (today or later), each with the same title, time, place,
    description and standing group, and each inviting ``invite``: the standing group's members
    (``"group"``), every approved and active mentor (``"mentors"``) or nobody yet (``""``).
    Every error comes back at once, per field; nothing is created unless all hold. Audited as
    ``group_meeting.planned`` (and each meeting as created)."""
    rhythm = get_rhythm(kind)
    data = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in data.items()}
    errors: dict = {}
    for key in set(data) - set(PLAN_FIELDS):
        errors[key] = [_l("Unknown field.")]
    count = data.get("count")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= PLAN_MAX:
        errors["count"] = [_l("Plan between 1 and %(max)s meetings at a time. Enter a number in that range.", max=PLAN_MAX)]
    first_on = data.get("first_on")
    if isinstance(first_on, date) and first_on < volunteers.today():
        errors["first_on"] = [_l("The first meeting is in the past. Choose today or a later date.")]
    invite_choice = data.get("invite") or ""
    if invite_choice not in INVITE_CHOICES:
        errors["invite"] = [unknown_choice(invite_choice)]
    elif invite_choice == "group" and data.get("group_id") is None:
        errors["invite"] = [_l("No standing group is chosen. Choose the group whose members are invited.")]
    meeting = {"kind": kind, "title": data.get("title") or str(rhythm.title), "on": first_on,
               **{key: data.get(key) for key in ("starts_at", "hours", "place", "description", "group_id")}}
    try:
        meeting = _validate_meeting(meeting, creating=True)
    except ServiceError as refused:  # the meeting's own rules, the date's under this form's name
        for key, messages in refused.errors.items():
            errors.setdefault("first_on" if key == "on" else key, []).extend(messages)
    if not errors and planned_dates(rhythm, first_on, count)[-1].year > volunteers.today().year + 5:
        errors["count"] = [_l("The last meeting would fall after %(year)s. Plan fewer meetings.",
                               year=volunteers.today().year + 5)]
    raise_if(errors)
    mentors = []
    if invite_choice == "mentors":
        mentors = db.session.scalars(select(Volunteer.id).where(
            Volunteer.status.in_((VolunteerStatus.APPROVED, VolunteerStatus.ACTIVE)))).all()
    created = []
    for on in planned_dates(rhythm, first_on, count):
        planned = create_meeting({**meeting, "on": on})
        if invite_choice == "group":
            invite_group(planned)
        elif mentors:
            invite(planned, list(mentors))
        created.append(planned)
    audit.record("group_meeting.planned", created[0], kind=kind, count=count, every_days=int(rhythm.every_days),
                 first=first_on.isoformat(), last=created[-1].on.isoformat())
    return created
