"""Coordinator pages for group meetings (``groups``: info meetings, experience groups, supervision,
sparring groups, social events) and for the standing volunteer groups (``volunteer_groups``).
Thin: load, check access, call a service, render. A refusal is shown next to its field with the
service's status (422, 409), so the request is rolled back and nothing is half-saved."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal, format_time, gettext as _, lazy_gettext as _l, ngettext
from sqlalchemy import func, select

from core.access import members
from core.audit.reads import no_personal_data, reads
from core.errors import ServiceError
from core.extensions import db
from core.forms import submit
from core.pagination import page_number
from core.groups import services
from core.fields import ActionForm, form_ids
from core.groups.forms import GroupForm, MeetingForm, PlanMeetingsForm, VolunteerChoiceForm
from core.groups.models import MEETING_KINDS, GroupMeeting, GroupMeetingParticipant, VolunteerGroup, volunteer_group_member
from core.volunteers import services as volunteers
from core.volunteers.models import Volunteer, VolunteerStatus

bp = Blueprint("groups", __name__, url_prefix="/<tenant>/group-meetings", template_folder="templates")
volunteer_groups_bp = Blueprint("volunteer_groups", __name__, url_prefix="/<tenant>/groups", template_folder="templates")

WHEN = ("upcoming", "past")


def _helpers():
    return {"number": format_decimal, "clock": lambda t: format_time(t, "short", rebase=False) if t else "",
            "kind_labels": services.MEETING_KIND_LABELS, "group_kind_labels": services.GROUP_KIND_LABELS,
            "status_labels": volunteers.STATUS_LABELS}


bp.context_processor(_helpers)
volunteer_groups_bp.context_processor(_helpers)


# ---- meetings ----------------------------------------------------------------------------------

@bp.route("/")
@members("coordinator")
@no_personal_data("meeting titles, dates and counts")
def index():
    kind = request.args.get("kind", "")
    kind = kind if kind in MEETING_KINDS else ""
    when = request.args.get("when", "")
    when = when if when in WHEN else ""
    upcoming = {"upcoming": True, "past": False}.get(when)
    page = services.list_meetings(kind=kind or None, upcoming=upcoming, page=page_number(request.args),
                                  per_page=current_app.config["PAGE_SIZE"])
    return render_template("groups/index.html", rows=page.items, total=page.total, kind=kind, when=when,
                           pagination=page, today=volunteers.today(), rhythms=services.rhythm_statuses(),
                           filters={k: v for k, v in (("kind", kind), ("when", when)) if v})


# ---- meetings at the municipality's rhythms ------------------------------------------------------

INVITE_LABELS = {"": _l("Nobody yet"), "group": _l("The members of the standing group"),
                 "mentors": _l("Every approved and active mentor")}


@bp.route("/plan/<kind>", methods=["GET", "POST"])
@members("coordinator")
@no_personal_data("meeting dates and titles")
def plan(kind: str):
    """Plan the next meetings of one of the municipality's rhythms (e.g. supervision every 91 days)."""
    rhythm = services.get_rhythm(kind)  # 404 for a kind the municipality holds at no rhythm
    status = next(s for s in services.rhythm_statuses() if s.rhythm.kind == kind)
    form = PlanMeetingsForm(data={"count": 3, "first_on": services.suggested_start(status), "title": str(rhythm.title),
                                  "invite": "mentors"})
    form.group_id.choices = [("", _("No standing group"))] + [
        (g.id, f"{g.name} ({services.MEETING_KIND_LABELS[g.kind]})") for g in services.list_groups()]
    form.invite.choices = [(key, str(label)) for key, label in INVITE_LABELS.items()]
    outcome = submit(form, lambda: services.plan_meetings(kind, {name: getattr(form, name).data
                                                                 for name in services.PLAN_FIELDS}))
    if outcome.ok:
        created = outcome.result
        flash(ngettext("%(num)s meeting has been planned: %(first)s to %(last)s.",
                       "%(num)s meetings have been planned: %(first)s to %(last)s.", len(created),
                       first=format_date(created[0].on, "medium"), last=format_date(created[-1].on, "medium")),
              "success")
        return redirect(url_for("groups.index", kind=kind, when="upcoming"))
    dates = []
    if isinstance(form.first_on.data, date) and isinstance(form.count.data, int) and 1 <= form.count.data <= services.PLAN_MAX:
        dates = services.planned_dates(rhythm, form.first_on.data, form.count.data)
    return render_template("groups/plan.html", form=form, rhythm=rhythm, status=status, dates=dates,
                           plan_max=services.PLAN_MAX), outcome.status


def _meeting_form(form: MeetingForm) -> MeetingForm:
    form.kind.choices = [("", _("Choose"))] + [(k, str(label)) for k, label in services.MEETING_KIND_LABELS.items()]
    form.group_id.choices = [("", _("No standing group"))] + [
        (g.id, f"{g.name} ({services.MEETING_KIND_LABELS[g.kind]})") for g in services.list_groups()]
    return form


def _meeting_data(form: MeetingForm) -> dict:
    return {name: getattr(form, name).data for name in services.MEETING_FIELDS}


@bp.route("/new", methods=["GET", "POST"])
@members("coordinator")
@no_personal_data("an empty form")
def create():
    form = MeetingForm()
    if request.method == "GET":
        form.kind.data = request.args.get("kind", "")
        form.group_id.data = request.args.get("group_id", type=int)
    _meeting_form(form)
    outcome = submit(form, lambda: services.create_meeting(_meeting_data(form)))
    if outcome.ok:
        flash(_("The meeting has been created."), "success")
        return redirect(url_for("groups.detail", meeting_id=outcome.result.id))
    return render_template("groups/meeting_form.html", form=form, meeting=None), outcome.status


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@members("coordinator")
@no_personal_data("the meeting's own fields")
def edit(meeting_id: int):
    meeting = services.get_meeting(meeting_id)
    form = _meeting_form(MeetingForm(obj=meeting))
    outcome = submit(form, lambda: services.update_meeting(meeting, _meeting_data(form)))
    if outcome.ok:
        flash(_("The meeting has been saved."), "success")
        return redirect(url_for("groups.detail", meeting_id=meeting.id))
    return render_template("groups/meeting_form.html", form=form, meeting=meeting), outcome.status


@bp.route("/<int:meeting_id>")
@members("coordinator")
@reads("group_meeting", "meeting_id")
def detail(meeting_id: int):
    return _render_detail(services.get_meeting(meeting_id))


def _render_detail(meeting, invite_form=None, status=200):
    participants = services.participants(meeting)
    invite_form = invite_form or VolunteerChoiceForm(formdata=None)
    taken = {v.id for _p, v in participants}
    invite_form.volunteer_ids.choices = [(vid, label) for vid, label in _volunteer_choices() if vid not in taken]
    return render_template("groups/detail.html", meeting=meeting, participants=participants, invite_form=invite_form,
                           action_form=ActionForm(formdata=None), today=volunteers.today(),
                           invited=sum(1 for p, _v in participants if p.invited_at),
                           came=sum(1 for p, _v in participants if p.attended)), status


def _volunteer_choices(include: set[int] = frozenset()) -> list[tuple[int, str]]:
    """Volunteers who have not left (and those in ``include``), with their status (one query)."""
    condition = Volunteer.status != VolunteerStatus.LEFT
    if include:
        condition = condition | Volunteer.id.in_(include)
    rows = db.session.execute(select(Volunteer.id, Volunteer.name, Volunteer.status).where(condition)
                              .order_by(Volunteer.name, Volunteer.id)).all()
    return [(vid, f"{name} ({volunteers.STATUS_LABELS[status]})") for vid, name, status in rows]


def _chosen_ids(form: VolunteerChoiceForm) -> list[int]:
    return [i for i in (form.volunteer_ids.data or []) if i is not None]


def _ticked_ids(form: VolunteerChoiceForm) -> list[int]:
    chosen = _chosen_ids(form)
    if not chosen:
        raise ServiceError(_("Tick at least one volunteer."), field="volunteer_ids")
    return chosen


@bp.route("/<int:meeting_id>/invite", methods=["POST"])
@members("coordinator")
def invite(meeting_id: int):
    meeting = services.get_meeting(meeting_id)
    form = VolunteerChoiceForm()
    outcome = submit(form, lambda: services.invite(meeting, _ticked_ids(form)))
    if outcome.ok:
        flash(ngettext("%(num)s volunteer has been invited.", "%(num)s volunteers have been invited.", outcome.result),
              "success")
        return redirect(url_for("groups.detail", meeting_id=meeting.id, _anchor="participants"))
    return _render_detail(meeting, form, outcome.status)


@bp.route("/<int:meeting_id>/invite-group", methods=["POST"])
@members("coordinator")
def invite_group(meeting_id: int):
    meeting = services.get_meeting(meeting_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        added = services.invite_group(meeting)
    except ServiceError as refused:
        flash(str(refused.message), "error")
        return _render_detail(meeting, status=refused.status)
    flash(ngettext("%(num)s volunteer has been invited.", "%(num)s volunteers have been invited.", added), "success")
    return redirect(url_for("groups.detail", meeting_id=meeting.id, _anchor="participants"))


@bp.route("/<int:meeting_id>/attendance", methods=["GET", "POST"])
@members("coordinator")
@reads("group_meeting", "meeting_id")
def attendance(meeting_id: int):
    """Who came: a large checkbox per invited volunteer, and those who came without an invitation."""
    meeting = services.get_meeting(meeting_id)
    form = ActionForm()
    outcome = submit(form, lambda: services.register_attendance(meeting, _attendance_from(request.form)))
    if outcome.ok:
        flash(_("Attendance on %(date)s has been saved.", date=format_date(meeting.on, "long")), "success")
        # To the top of the meeting's page, where the confirmation and the counts are: on a phone,
        # a jump to the participants would leave the confirmation off screen.
        return redirect(url_for("groups.detail", meeting_id=meeting.id))
    participants = services.participants(meeting)
    sheet = [(v, p.attended) for p, v in participants]
    walk_ins = set()
    if outcome.error is not None:  # show what was ticked, not what is stored
        ticked = set(form_ids(request.form.getlist("came")))
        walk_ins = set(form_ids(request.form.getlist("walk_in")))
        sheet = [(v, v.id in ticked) for v, _came in sheet]
    listed = {v.id for v, _came in sheet}
    others = [(vid, label) for vid, label in _volunteer_choices() if vid not in listed]
    return render_template("groups/attendance.html", meeting=meeting, sheet=sheet, others=others, walk_ins=walk_ins,
                           form=form, future=meeting.on > volunteers.today()), outcome.status


def _ids(values) -> list[int]:
    ids = form_ids(values)
    if None in ids:
        raise ServiceError(_("Unknown volunteer."), field="attendance")
    return ids


def _attendance_from(formdata) -> dict[int, bool]:
    """``{volunteer_id: came}``: every listed participant (ticked came, unticked did not) and the
    ticked walk-ins."""
    shown = _ids(formdata.getlist("shown"))
    came = set(_ids(formdata.getlist("came")))
    if came - set(shown):
        raise ServiceError(_("Unknown volunteer."), field="attendance")
    result = {volunteer_id: volunteer_id in came for volunteer_id in shown}
    for volunteer_id in _ids(formdata.getlist("walk_in")):
        result[volunteer_id] = True
    return result


# ---- standing volunteer groups -------------------------------------------------------------------

@volunteer_groups_bp.route("/", methods=["GET", "POST"], endpoint="index")
@members("coordinator")
@no_personal_data("group names and counts")
def group_index():
    form = _group_form(GroupForm())
    outcome = submit(form, lambda: services.create_group(form.name.data, form.kind.data))
    if outcome.ok:
        flash(_("The group has been created. Choose its members."), "success")
        return redirect(url_for("volunteer_groups.detail", group_id=outcome.result.id))
    groups = services.list_groups()
    counts = dict(db.session.execute(
        select(VolunteerGroup.id, func.count(volunteer_group_member.c.volunteer_id))
        .join(volunteer_group_member, volunteer_group_member.c.group_id == VolunteerGroup.id)
        .group_by(VolunteerGroup.id)).all())
    return render_template("groups/groups.html", groups=groups, counts=counts, form=form), outcome.status


def _group_form(form: GroupForm) -> GroupForm:
    form.kind.choices = [("", _("Choose"))] + [(k, str(label)) for k, label in services.GROUP_KIND_LABELS.items()]
    return form


@volunteer_groups_bp.route("/<int:group_id>", methods=["GET", "POST"], endpoint="detail")
@members("coordinator")
@reads("volunteer_group", "group_id")
def group_detail(group_id: int):
    group = services.get_group(group_id)
    member_ids = {v.id for v in group.members}
    form = VolunteerChoiceForm(volunteer_ids=sorted(member_ids))
    outcome = submit(form, lambda: services.set_group_members(group, _chosen_ids(form)))
    if outcome.ok:
        flash(_("The members of %(name)s have been saved.", name=group.name), "success")
        return redirect(url_for("volunteer_groups.detail", group_id=group.id))
    chosen = set(_chosen_ids(form)) if outcome.error is not None or form.errors else member_ids
    # The members first (ticked), then everyone else who could join, each part by name.
    form.volunteer_ids.choices = sorted(_volunteer_choices(include=member_ids), key=lambda choice: choice[0] not in member_ids)
    meetings = db.session.execute(
        select(GroupMeeting, func.count(GroupMeetingParticipant.id))
        .outerjoin(GroupMeetingParticipant, (GroupMeetingParticipant.meeting_id == GroupMeeting.id)
                   & GroupMeetingParticipant.attended.is_(True))
        .where(GroupMeeting.group_id == group.id).group_by(GroupMeeting.id)
        .order_by(GroupMeeting.on.desc(), GroupMeeting.id.desc()).limit(20)).all()
    return render_template("groups/group.html", group=group, members=group.members, form=form, chosen=chosen,
                           meetings=meetings, today=volunteers.today()), outcome.status
