"""Meeting pages.

Mentor (phone first): "my young people" (only their own active matches whose young person has not
withdrawn consent; only what a mentor may see: core.referrals.services.mentor_view), with the number
of meetings and the last one; "log a meeting" with the confirmation at the top of the page and the
meetings logged with that young person.
Coordinator: the follow-ups that are due, a status to record on each row.

Thin: load, check access, call a service, render.
"""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from core.access import members
from core.audit.reads import LIST, reads
from core.errors import NotFound
from core.extensions import db
from core.forms import submit
from core.i18n import translated
from core.matching.models import Match
from core.meetings import services
from core.meetings.forms import FollowUpForm, MeetingForm
from core.referrals import services as referrals
from core.referrals.models import Referral

mentor_bp = Blueprint("meetings_mentor", __name__, url_prefix="/<tenant>/my", template_folder="templates")
bp = Blueprint("meetings", __name__, url_prefix="/<tenant>", template_folder="templates")


def _labels() -> dict:
    return {"place_labels": translated(services.PLACE_LABELS),
            "followup_labels": translated(services.FOLLOWUP_LABELS), "today": services.today()}


# ---- the mentor's young people -------------------------------------------------------------------

def own_active_matches(user, match_id: int | None = None) -> list[Match]:
    """The signed-in mentor's active matches whose young person still consents, with the referral
    and the young person loaded in the same query."""
    from core.volunteers.services import volunteer_for_user

    volunteer = volunteer_for_user(user)
    if volunteer is None:
        return []
    statement = (select(Match).join(Match.referral).join(Referral.citizen)
                 .options(contains_eager(Match.referral).contains_eager(Referral.citizen))
                 .where(Match.volunteer_id == volunteer.id, Match.status == "active",
                        Referral.consent_withdrawn_on.is_(None))
                 .order_by(Match.started_on.desc(), Match.id.desc()))
    if match_id is not None:
        statement = statement.where(Match.id == match_id)
    return list(db.session.scalars(statement).unique())


def _own_match(match_id: int) -> Match:
    found = own_active_matches(current_user, match_id)
    if not found:
        raise NotFound(_l("No such match."))
    return found[0]


def _own_citizen(args):
    found = own_active_matches(current_user, args.get("match_id")) if args.get("match_id") else []
    return found[0].referral.citizen_id if found else None


@mentor_bp.route("/young-people")
@members("mentor")
@reads("citizen", action=LIST)
def young_people():
    matches = own_active_matches(current_user)
    stats = services.match_stats(m.id for m in matches)
    on = services.today()
    people = [{"match": m, "young": referrals.mentor_view(m.referral, on), "meetings": stats[m.id][0],
               "last_meeting_on": stats[m.id][1]} for m in matches]
    return render_template("meetings/young_people.html", people=people, **_labels())


@mentor_bp.route("/matches/<int:match_id>/meetings/new", methods=["GET", "POST"])
@members("mentor")
@reads("citizen", _own_citizen)
def log(match_id: int):
    match = _own_match(match_id)
    form = MeetingForm()
    if request.method == "GET" and not form.held_on.data:
        form.held_on.data = services.today()
    outcome = submit(form, lambda: services.log_meeting(match, form.data_for_service()))
    if outcome.ok:
        return redirect(url_for("meetings_mentor.log", match_id=match.id, logged=outcome.result.id))
    logged = request.args.get("logged", type=int) if request.method == "GET" else None
    meetings = services.meetings_of(match.id)
    confirmed = next((m for m in meetings if m.id == logged), None)
    return render_template("meetings/log.html", match=match, young=referrals.mentor_view(match.referral),
                           form=form, meetings=meetings, confirmed=confirmed, **_labels()), outcome.status


# ---- the coordinator's follow-ups ----------------------------------------------------------------

def _due_rows():
    """``[(follow-up, its match)]``: the matches, referrals and young people of every row in one query."""
    due = services.due_followups()
    ids = {f.match_id for f in due}
    matches = {}
    if ids:
        matches = {m.id: m for m in db.session.scalars(
            select(Match).join(Match.referral).join(Referral.citizen)
            .options(contains_eager(Match.referral).contains_eager(Referral.citizen))
            .where(Match.id.in_(ids))).unique()}
    return [(f, matches[f.match_id]) for f in due]


@bp.route("/followups", methods=["GET", "POST"])
@members("coordinator")
@reads("citizen", action=LIST)
def followups():
    form = FollowUpForm()
    failed_id = None

    def record():
        try:
            followup = services.get_followup(int(form.followup_id.data or 0))
        except ValueError:
            raise NotFound(_l("No such follow-up.")) from None
        return services.record_followup(followup.match, followup.months_after, form.status.data or "")

    outcome = submit(form, record)
    if outcome.ok:
        from flask import flash

        flash(_("The follow-up of %(name)s is recorded.", name=outcome.result.match.referral.citizen.first_name),
              "success")
        return redirect(url_for("meetings.followups"))
    if request.method == "POST":
        failed_id = form.followup_id.data
    return render_template("meetings/followups.html", followups=_due_rows(), form=form, failed_id=failed_id,
                           **_labels()), outcome.status
