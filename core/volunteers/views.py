"""Coordinator pages for volunteers: list, page, create/edit, status, screening, mentor login,
waiting list and recruitment overview; and the mentor's own profile. Thin: load, check access,
call a service, render.

A refused change re-renders its page with the messages next to the fields and an error status
(422, or 409 for a status change the lifecycle does not allow); the request's transaction is then
rolled back by the after-request hook, so nothing is half-saved.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_time, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from core.access import members
from core.audit.reads import LIST, no_personal_data, own_data, reads
from core.codes import recruitment_channels
from core.extensions import db
from core.forms import submit
from core.pagination import page_number
from core.i18n import translated
from core.groups import services as groups
from core.groups.services import MEETING_KIND_LABELS, volunteer_meetings
from core.training import services as training
from core.training.models import ENROLLED, WAITING, WITHDRAWN
from core.volunteers import services
from core.volunteers.forms import (CourseChoiceForm, InfoMeetingForm, MentorAccountForm, MentorProfileForm,
                                   RecruitmentFilterForm, ScreeningForm, StatusForm, VolunteerForm)
from core.volunteers.models import VolunteerStatus
from core.volunteers.recruitment import STAGE_LABELS, STAGES, recruitment_overview

bp = Blueprint("volunteers", __name__, url_prefix="/<tenant>/volunteers", template_folder="templates")
mentor_bp = Blueprint("mentor", __name__, url_prefix="/<tenant>/me", template_folder="templates")

ENROLLMENT_LABELS = {ENROLLED: _l("Has a place"), WAITING: _l("On the waiting list"), WITHDRAWN: _l("Withdrawn")}
# Changes that end something: the page asks for confirmation before making them.
CONFIRMED_CHANGES = {
    VolunteerStatus.LEFT: _l("Leaving is final: the status can no longer change afterwards, and a volunteer who "
                             "comes back is registered anew."),
    VolunteerStatus.PAUSED: _l("While paused, the volunteer cannot be matched with a young person."),
}
INFO_MEETING = "info_meeting"
LIST_COLUMNS = ("name", "status", "recruitment_channel", "capacity", "recruited_on", "birth_date")  # what the list shows
# A mentor of many years has hundreds of meetings behind them: the pages show the newest, and the
# whole history is one link away (?meetings=all), so that a page does not grow with the years.
MEETINGS_SHOWN = 10
FORM_FIELDS = tuple(name for name in services.PROFILE_FIELDS if name != "external_id")


def _labels():
    """The code labels every volunteer template shows, translated once per page (not per row)."""
    return {
        "status_labels": translated(services.STATUS_LABELS),
        "gender_labels": translated(services.GENDER_LABELS),
        "sector_labels": translated(services.SECTOR_LABELS),
        "education_labels": translated(services.EDUCATION_LABELS),
        "screening_labels": translated(services.SCREENING_LABELS),
        "channel_labels": translated(recruitment_channels()),
        "meeting_kind_labels": translated(MEETING_KIND_LABELS),
        "enrollment_labels": translated(ENROLLMENT_LABELS),
        "today": services.today(),
    }


# ---- the list ----------------------------------------------------------------------------------

@bp.route("/")
@members("coordinator")
@reads("volunteer", action=LIST, criteria=("status", "channel", "sort", "page"), search=("q",))
def index():
    search = request.args.get("q", "").strip()[:100]
    status = request.args.get("status", "")
    status = status if status in services.STATUS_LABELS else ""
    channel = request.args.get("channel", "")[:40]
    sort = services.ListSort.parse(request.args.get("sort"))
    page = services.list_volunteers(search=search or None, status=status or None, channel=channel or None, sort=sort,
                                    page=page_number(request.args), per_page=current_app.config["PAGE_SIZE"],
                                    only=LIST_COLUMNS)
    filters = {key: value for key, value in (("q", search), ("status", status), ("channel", channel)) if value}
    # The pager keeps the filters and the sort; a column's sort link keeps the filters and starts
    # again at page 1; the filter form keeps the sort.
    kept = {**filters, "sort": sort.value} if not sort.is_default else filters
    return render_template("volunteers/index.html", page=page, search=search, status=status, channel=channel,
                           filters=filters, kept=kept, sort=sort, **_labels())


# ---- create and edit ---------------------------------------------------------------------------

def _profile_data(form, fields) -> dict:
    return {name: getattr(form, name).data for name in fields}


@bp.route("/new", methods=["GET", "POST"])
@members("coordinator")
@no_personal_data("an empty form")
def create():
    form = VolunteerForm(channels=recruitment_channels(), required=services.required_fields())
    outcome = submit(form, lambda: services.create_volunteer(_profile_data(form, FORM_FIELDS)))
    if outcome.ok:
        volunteer = outcome.result
        flash(_("%(name)s is registered.", name=volunteer.name), "success")
        return redirect(url_for("volunteers.show", volunteer_id=volunteer.id))
    return render_template("volunteers/form.html", form=form, volunteer=None,
                           capacity_limit=services.capacity_limit()), outcome.status


@bp.route("/<int:volunteer_id>/edit", methods=["GET", "POST"])
@members("coordinator")
@reads("volunteer", "volunteer_id")
def edit(volunteer_id: int):
    volunteer = services.get_volunteer(volunteer_id)
    form = VolunteerForm(obj=volunteer, channels=recruitment_channels(), required=services.required_fields())
    outcome = submit(form, lambda: services.update_volunteer(volunteer, _profile_data(form, FORM_FIELDS)))
    if outcome.ok:
        flash(_("The profile is saved."), "success")
        return redirect(url_for("volunteers.show", volunteer_id=volunteer.id))
    return render_template("volunteers/form.html", form=form, volunteer=volunteer,
                           capacity_limit=services.capacity_limit()), outcome.status


# ---- a volunteer's page ------------------------------------------------------------------------

def _history(volunteer):
    """The volunteer's courses (with sessions and attendance) and group meetings."""
    return training.volunteer_courses(volunteer), volunteer_meetings(volunteer)


def _linked_user(volunteer):
    if volunteer.user_id is None:
        return None
    from core.accounts.models import User

    return db.session.get(User, volunteer.user_id)


def _format_when(day, starts_at=None) -> str:
    when = format_date(day, "medium")
    return f"{when}, {format_time(starts_at, 'short', rebase=False)}" if starts_at else when


def _meeting_choices(meetings) -> list[tuple[int, str]]:
    return [(m.id, f"{m.title} ({_format_when(m.on, m.starts_at)})") for m in meetings]


def _course_choices(openings) -> list[tuple[int, str]]:
    choices = []
    for opening in openings:
        details = [_("from %(date)s", date=format_date(opening.first_on, "medium")) if opening.first_on
                   else _("no sessions planned yet")]
        if opening.free == 0:
            details.append(_("full: goes on the waiting list"))
        elif opening.free is not None:
            details.append(ngettext("%(num)s place left", "%(num)s places left", opening.free))
        choices.append((opening.course.id, f"{opening.course.title} ({', '.join(details)})"))
    return choices


class NextStep:
    """What the volunteer's page offers to do next: invite an applicant to one of the upcoming info
    meetings, and enrol a volunteer who still needs a course (training.needs_course) on one of the
    open courses. The choices come from the page's two history queries (no query of their own)."""

    def __init__(self, volunteer, courses, openings, upcoming_info_meetings):
        today = services.today()
        completed = any(e.completed_on is not None and e.completed_on <= today for e, _sessions in courses)
        self.invite = volunteer.status == VolunteerStatus.APPLICANT
        self.enroll = training.needs_course(volunteer, completed)
        self.meetings = _meeting_choices(upcoming_info_meetings) if self.invite else []
        self.courses = _course_choices(openings) if self.enroll else []
        self.current = [e for e, _sessions in courses if e.state in (ENROLLED, WAITING) and e.completed_on is None]

    def __bool__(self):
        return self.invite or self.enroll


def _newest_meetings(rows: list) -> tuple[list, int]:
    """The meeting history a page shows (newest first, :data:`MEETINGS_SHOWN` of them unless the
    whole history is asked for) and how many meetings there are in all."""
    if request.args.get("meetings") == "all":
        return rows, len(rows)
    return rows[:MEETINGS_SHOWN], len(rows)


def _page_data(volunteer):
    """The page's history and what it offers next (two queries)."""
    courses, openings = training.volunteer_courses_and_openings(volunteer)
    meetings, upcoming = groups.volunteer_meetings_and_upcoming(volunteer, INFO_MEETING)
    return courses, meetings, NextStep(volunteer, courses, openings, upcoming)


def _volunteer_page(volunteer, *, status_form=None, screening_form=None, account_form=None, info_form=None,
                    course_form=None, confirm=None, code=200):
    """The volunteer's page. ``confirm`` is the status form of a change that ends something, shown
    as a question with its consequence before anything changes."""
    transitions = services.allowed_transitions(volunteer)
    if status_form is None:  # nothing chosen: no status, no date
        status_form = StatusForm(formdata=None, transitions=transitions)
    if screening_form is None:
        screening_form = ScreeningForm(formdata=None, data={"obtained_on": services.today()})
    if account_form is None:
        account_form = MentorAccountForm(formdata=None, data={"email": volunteer.email or ""})
    courses, meetings, next_step = _page_data(volunteer)
    if info_form is None:
        info_form = InfoMeetingForm(formdata=None, choices=next_step.meetings)
    if course_form is None:
        course_form = CourseChoiceForm(formdata=None, choices=next_step.courses)
    meetings, meetings_total = _newest_meetings(meetings)
    return render_template(
        "volunteers/show.html", volunteer=volunteer, transitions=transitions, status_form=status_form,
        screening_form=screening_form, account_form=account_form, courses=courses, meetings=meetings,
        meetings_total=meetings_total,
        next_step=next_step, info_form=info_form, course_form=course_form, confirm=confirm,
        confirmed_changes=CONFIRMED_CHANGES, eligibility=services.eligibility(volunteer),
        valid_until=services.screening_valid_until, linked_user=_linked_user(volunteer), **_labels()), code


@bp.route("/<int:volunteer_id>")
@members("coordinator")
@reads("volunteer", "volunteer_id")
def show(volunteer_id: int):
    return _volunteer_page(services.get_volunteer_with_history(volunteer_id))


@bp.route("/<int:volunteer_id>/status", methods=["POST"])
@members("coordinator")
def change_status(volunteer_id: int):
    """A status change; one that ends something (CONFIRMED_CHANGES) is first checked by the service
    and asked about, and made only when the confirmation comes back (``confirmed``)."""
    volunteer = services.get_volunteer(volunteer_id)
    form = StatusForm(transitions=services.allowed_transitions(volunteer))
    asking = form.status.data in CONFIRMED_CHANGES and form.confirmed.data != "yes"
    if asking:
        outcome = submit(form, lambda: services.check_status_change(volunteer, form.status.data, on=form.on.data,
                                                                    note=form.note.data))
        if outcome.ok:
            return _volunteer_page(volunteer, confirm=form)
        return _volunteer_page(volunteer, status_form=form, code=outcome.status)
    outcome = submit(form, lambda: services.change_status(volunteer, form.status.data, on=form.on.data,
                                                          note=form.note.data))
    if outcome.ok:
        flash(_("The status is now '%(status)s'.", status=services.STATUS_LABELS[volunteer.status]), "success")
        return redirect(url_for("volunteers.show", volunteer_id=volunteer.id))
    return _volunteer_page(volunteer, status_form=form, code=outcome.status)


@bp.route("/<int:volunteer_id>/info-meeting", methods=["POST"])
@members("coordinator")
def invite_to_info_meeting(volunteer_id: int):
    """Invite the volunteer to one of the upcoming info meetings the page offered."""
    volunteer = services.get_volunteer(volunteer_id)
    _meetings, upcoming = groups.volunteer_meetings_and_upcoming(volunteer, INFO_MEETING)
    form = InfoMeetingForm(choices=_meeting_choices(upcoming))
    meeting = next((m for m in upcoming if m.id == form.chosen.data), None)
    outcome = submit(form, lambda: groups.invite(groups.get_meeting(meeting.id), [volunteer.id]))
    if outcome.ok:
        flash(_("%(name)s is invited to %(meeting)s on %(date)s.", name=volunteer.name, meeting=meeting.title,
                date=format_date(meeting.on, "long")), "success")
        return redirect(url_for("volunteers.show", volunteer_id=volunteer.id))
    return _volunteer_page(volunteer, info_form=form, code=outcome.status)


@bp.route("/<int:volunteer_id>/course", methods=["POST"])
@members("coordinator")
def enroll_on_course(volunteer_id: int):
    """Enrol the volunteer on one of the open courses the page offered (a place, or the waiting list
    when it is full)."""
    volunteer = services.get_volunteer(volunteer_id)
    _courses, openings = training.volunteer_courses_and_openings(volunteer)
    form = CourseChoiceForm(choices=_course_choices(openings))
    course = next((o.course for o in openings if o.course.id == form.chosen.data), None)
    outcome = submit(form, lambda: training.enroll(course, volunteer))
    if outcome.ok:
        if outcome.result.state == WAITING:
            flash(_("%(course)s is full: %(name)s is on its waiting list.", course=course.title, name=volunteer.name),
                  "info")
        else:
            flash(_("%(name)s has a place on %(course)s.", name=volunteer.name, course=course.title), "success")
        return redirect(url_for("volunteers.show", volunteer_id=volunteer.id))
    return _volunteer_page(volunteer, course_form=form, code=outcome.status)


@bp.route("/<int:volunteer_id>/screenings", methods=["POST"])
@members("coordinator")
def add_screening(volunteer_id: int):
    volunteer = services.get_volunteer(volunteer_id)
    form = ScreeningForm()
    outcome = submit(form, lambda: services.add_screening(volunteer, form.kind.data, form.obtained_on.data,
                                                          form.note.data))
    if outcome.ok:
        flash(_("The certificate is registered."), "success")
        return redirect(url_for("volunteers.show", volunteer_id=volunteer.id, _anchor="screening"))
    return _volunteer_page(volunteer, screening_form=form, code=outcome.status)


@bp.route("/<int:volunteer_id>/account", methods=["POST"])
@members("coordinator")
def create_account(volunteer_id: int):
    volunteer = services.get_volunteer(volunteer_id)
    form = MentorAccountForm()
    outcome = submit(form, lambda: services.create_mentor_account(volunteer, form.email.data, form.password.data))
    if outcome.ok:
        email = outcome.result.email
        flash(_("%(name)s can now sign in as a mentor with %(email)s.", name=volunteer.name, email=email), "success")
        return redirect(url_for("volunteers.show", volunteer_id=volunteer.id))
    return _volunteer_page(volunteer, account_form=form, code=outcome.status)


# ---- waiting list and recruitment --------------------------------------------------------------

@bp.route("/waiting-list")
@members("coordinator")
@reads("volunteer", action=LIST)
def waiting_list():
    return render_template("volunteers/waiting_list.html", volunteers=services.waiting_list(), **_labels())


@bp.route("/recruitment")
@members("coordinator")
@no_personal_data("counts per channel and stage")
def recruitment():
    year = services.today().year
    formdata = MultiDict({"start": date(year, 1, 1).isoformat(), "end": date(year, 12, 31).isoformat()})  # this year
    for key in ("start", "end", "course"):
        if key in request.args:
            formdata.setlist(key, request.args.getlist(key))
    form = RecruitmentFilterForm(formdata=formdata)
    courses = training.list_courses()
    form.course.choices = [("", _("All volunteers"))] + [(str(row[0].id), row[0].title) for row in courses]
    rows, code = None, 200
    if form.validate():
        course_id = None
        if form.course.data:
            known = {str(row[0].id): row[0].id for row in courses}
            if form.course.data not in known:
                form.course.errors.append(_("The course was not found."))
            else:
                course_id = known[form.course.data]
        if not form.errors:
            rows = recruitment_overview(form.start.data, form.end.data, course_id)
    if form.errors:
        code = 422
    return render_template("volunteers/recruitment.html", form=form, rows=rows, stages=STAGES,
                           stage_labels=STAGE_LABELS), code


# ---- the mentor's own pages --------------------------------------------------------------------

@mentor_bp.route("/")
@members("mentor")
@own_data
def profile():
    volunteer = services.volunteer_for_user(current_user)
    if volunteer is None:
        return render_template("volunteers/mentor_profile.html", volunteer=None, **_labels())
    courses, meetings = _history(volunteer)
    today = services.today()
    upcoming = sorted((row for row in meetings if row[0].on >= today), key=lambda row: (row[0].on, row[0].id))
    past, past_total = _newest_meetings([row for row in meetings if row[0].on < today])
    return render_template("volunteers/mentor_profile.html", volunteer=volunteer, courses=courses,
                           upcoming=upcoming, past=past, past_total=past_total, **_labels())


@mentor_bp.route("/edit", methods=["GET", "POST"], endpoint="edit")
@members("mentor")
@own_data
def edit_own_profile():
    volunteer = services.volunteer_for_user(current_user)
    if volunteer is None:
        abort(404)
    form = MentorProfileForm(obj=volunteer, required=services.required_fields())
    outcome = submit(form, lambda: services.update_volunteer(
        volunteer, _profile_data(form, services.SELF_SERVICE_FIELDS), allowed=services.SELF_SERVICE_FIELDS))
    if outcome.ok:
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("mentor.profile"))
    return render_template("volunteers/mentor_edit.html", form=form, volunteer=volunteer), outcome.status

