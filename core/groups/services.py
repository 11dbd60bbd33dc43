"""Group meetings of the corps and standing volunteer groups: invitations and attendance."""
from __future__ import annotations

from datetime import date, time
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from core.audit import services as audit
from core.errors import Conflict, NotFound, ServiceError, raise_if
from core.extensions import db
from core.groups.models import GROUP_KINDS, MEETING_KINDS, GroupMeeting, GroupMeetingParticipant, VolunteerGroup
from core.pagination import paginate
from core.tenancy import utcnow
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
        errors["name"] = [_l("The name is required.")]
    elif len(name) > 120:
        errors["name"] = [_l("At most %(n)s characters.", n=120)]
    if kind not in GROUP_KINDS:
        errors["kind"] = [_l("Unknown code: %(code)s", code=kind)]
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
        raise ServiceError(_l("Unknown volunteer."), field="volunteer_ids")
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
            errors["kind"] = [_l("Unknown code: %(code)s", code=data.get("kind"))]
    if creating or "title" in data:
        if not data.get("title"):
            errors["title"] = [_l("The title is required.")]
        elif len(data["title"]) > 120:
            errors["title"] = [_l("At most %(n)s characters.", n=120)]
    if creating or "on" in data:
        on = data.get("on")
        if not isinstance(on, date):
            errors["on"] = [_l("Not a valid date.")]
        elif on.year < 2000 or on.year > volunteers.today().year + 5:
            errors["on"] = [_l("The date is not plausible.")]
    if data.get("starts_at") is not None and not isinstance(data["starts_at"], time):
        errors["starts_at"] = [_l("Not a valid time.")]
    if data.get("hours") is not None:
        try:
            hours = Decimal(str(data["hours"]))
            if not Decimal("0.5") <= hours <= Decimal("24"):
                raise InvalidOperation
            data["hours"] = hours.quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError):
            errors["hours"] = [_l("A meeting lasts between half an hour and %(max)s hours.", max=24)]
    for name, limit in (("place", 200), ("description", 4000)):
        if isinstance(data.get(name), str) and len(data[name]) > limit:
            errors[name] = [_l("At most %(n)s characters.", n=limit)]
    if data.get("group_id") is not None and db.session.get(VolunteerGroup, data["group_id"]) is None:
        errors["group_id"] = [_l("The group was not found.")]
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
    if any(v.status == VolunteerStatus.LEFT for v in chosen):
        raise ServiceError(_l("A volunteer who has left cannot be invited."), field="volunteer_ids")
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
        raise ServiceError(_l("The meeting belongs to no group."), field="group_id")
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
