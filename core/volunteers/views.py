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
from core.groups.services import MEETING_KIND_LABELS, volunteer_meetings
from core.training import services as training
from core.training.models import ENROLLED, WAITING, WITHDRAWN
from core.volunteers import services
from core.volunteers.forms import (MentorAccountForm, MentorProfileForm, RecruitmentFilterForm, ScreeningForm,
                                   StatusForm, VolunteerForm)
from core.volunteers.recruitment import STAGE_LABELS, STAGES, recruitment_overview

bp = Blueprint("volunteers", __name__, url_prefix="/<tenant>/volunteers", template_folder="templates")
mentor_bp = Blueprint("mentor", __name__, url_prefix="/<tenant>/me", template_folder="templates")

ENROLLMENT_LABELS = {ENROLLED: _l("Has a place"), WAITING: _l("On the waiting list"), WITHDRAWN: _l("Withdrawn")}
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
@reads("volunteer", action=LIST, criteria=("status", "channel", "page"), search=("q",))
def index():
    search = request.args.get("q", "").strip()[:100]
    status = request.args.get("status", "")
    status = status if status in services.STATUS_LABELS else ""
    channel = request.args.get("channel", "")[:40]
    page = services.list_volunteers(search=search or None, status=status or None, channel=channel or None,
                                    page=page_number(request.args), per_page=current_app.config["PAGE_SIZE"])
    filters = {key: value for key, value in (("q", search), ("status", status), ("channel", channel)) if value}
    return render_template("volunteers/index.html", page=page, search=search, status=status, channel=channel,
                           filters=filters, **_labels())


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


def _volunteer_page(volunteer, *, status_form=None, screening_form=None, account_form=None, code=200):
    transitions = services.allowed_transitions(volunteer)
    if status_form is None:
        status_form = StatusForm(formdata=None, transitions=transitions, data={"on": services.today()})
    if screening_form is None:
        screening_form = ScreeningForm(formdata=None, data={"obtained_on": services.today()})
    if account_form is None:
        account_form = MentorAccountForm(formdata=None, data={"email": volunteer.email or ""})
    courses, meetings = _history(volunteer)
    return render_template(
        "volunteers/show.html", volunteer=volunteer, transitions=transitions, status_form=status_form,
        screening_form=screening_form, account_form=account_form, courses=courses, meetings=meetings,
        eligibility=services.eligibility(volunteer), valid_until=services.screening_valid_until,
        linked_user=_linked_user(volunteer), **_labels()), code


@bp.route("/<int:volunteer_id>")
@members("coordinator")
@reads("volunteer", "volunteer_id")
def show(volunteer_id: int):
    return _volunteer_page(services.get_volunteer(volunteer_id))


@bp.route("/<int:volunteer_id>/status", methods=["POST"])
@members("coordinator")
def change_status(volunteer_id: int):
    volunteer = services.get_volunteer(volunteer_id)
    form = StatusForm(transitions=services.allowed_transitions(volunteer))
    outcome = submit(form, lambda: services.change_status(volunteer, form.status.data, on=form.on.data,
                                                          note=form.note.data))
    if outcome.ok:
        flash(_("The status is now '%(status)s'.", status=services.STATUS_LABELS[volunteer.status]), "success")
        return redirect(url_for("volunteers.show", volunteer_id=volunteer.id))
    return _volunteer_page(volunteer, status_form=form, code=outcome.status)


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
    past = [row for row in meetings if row[0].on < today]
    return render_template("volunteers/mentor_profile.html", volunteer=volunteer, courses=courses,
                           upcoming=upcoming, past=past, **_labels())


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

