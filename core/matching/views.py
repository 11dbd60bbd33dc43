"""Matching pages.

Coordinator: the matching board (waiting referrals with their ranked candidates, score parts and
reasons; propose N candidates, or any other available mentor; the batch suggestion for the whole
waiting list), a match's page (candidates, dated transitions, the young person's choice link, choose
on their behalf, cancel, end, meetings and follow-ups) and the matches in progress.
Mentor: a proposal chosen for them, to accept or decline (only their own; only what a mentor may
see of the young person: core.referrals.services.mentor_view).
The young person: the public choice page behind a single-use link (no login).

Thin: load, check access, call a service, render.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.access import members, public
from core.audit.reads import LIST, no_personal_data, reads
from core.errors import ServiceError
from core.fields import ActionForm
from core.forms import submit
from core.i18n import translated
from core.inputs import MAX_ID
from core.matching import services
from core.matching.assignment import candidate_count
from core.matching.models import MATCH_STATUSES, Match
from core.meetings import services as meetings
from core.pagination import Page, page_number
from core.referrals import services as referrals

bp = Blueprint("matching", __name__, url_prefix="/<tenant>", template_folder="templates")
mentor_bp = Blueprint("matching_mentor", __name__, url_prefix="/<tenant>/my/proposals", template_folder="templates")
public_bp = Blueprint("matching_public", __name__, url_prefix="/<tenant>/choose", template_folder="templates")


def _id(value, field: str) -> int:
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise ServiceError(_l("Choose one of the mentors."), field=field)
    return int(text)


def _ids(values, field: str) -> list[int]:
    return list(dict.fromkeys(_id(v, field) for v in values if (v or "").strip()))


def _labels() -> dict:
    return {"status_labels": translated(services.STATUS_LABELS), "end_reason_labels": translated(services.end_reasons()),
            "outcome_labels": translated(services.outcome_codes()),
            "followup_labels": translated(meetings.FOLLOWUP_LABELS), "today": services.today()}


# ---- the matching board ------------------------------------------------------------------------

@bp.route("/matching", methods=["GET", "POST"])
@members("coordinator")
@reads("citizen", action=LIST, criteria=("batch", "page"))
def board():
    """Waiting referrals with their ranked candidates; ``?batch=1`` shows the suggestion for the
    whole waiting list (a scarce mentor offered once). A POST proposes the checked mentors."""
    error, error_referral = None, None
    if request.method == "POST":
        form = ActionForm()

        def propose():
            referral = referrals.get_referral(_id(request.form.get("referral_id"), "referral_id"))
            chosen = _ids(request.form.getlist("volunteer_ids"), "volunteer_ids")
            chosen += [i for i in _ids([request.form.get("other_volunteer_id")], "volunteer_ids") if i not in chosen]
            return services.propose(referral, chosen)

        outcome = submit(form, propose)
        if outcome.ok:
            flash(_("The proposal is made."), "success")
            return redirect(url_for("matching.match", match_id=outcome.result.id))
        error = outcome.error or ServiceError(_l("The form has expired; try again."))
        error_referral = request.form.get("referral_id")
        code = outcome.status
    else:
        code = 200
    batch = request.args.get("batch") == "1"
    # One page of the waiting list at a time: each young person carries a form with their
    # candidates and every available mentor, which at forty young people weighed 280 kB.
    number = page_number(request.form if request.method == "POST" else request.args)
    available = services.eligible_volunteers()
    if batch:  # the suggestion is made for the whole list (a scarce mentor offered once), shown a page at a time
        suggested = [(row.referral, row.suggested, row.missing) for row in services.suggest_for_waiting_list(eligible=available)]
        page = _board_page(suggested, number)
        _load_citizens([row[0] for row in page.items])
    else:
        waiting = services.waiting_referrals()
        if error_referral is not None:  # the refusal is shown next to its young person, on their page
            place = next((i for i, r in enumerate(waiting) if str(r.id) == error_referral), None)
            number = number if place is None else place // services.BOARD_PAGE_SIZE + 1
        page = _board_page(waiting, number)
        _load_citizens(page.items)
        ranked = services.candidates_for_many(page.items, limit=services.BOARD_CANDIDATES, eligible=available)
        page.items = [(r, ranked[r.id], 0) for r in page.items]
    # A refusal for a young person the page does not show (no longer waiting) is shown above the list.
    error_above = error is not None and error_referral not in {str(row[0].id) for row in page.items}
    return render_template("matching/board.html", rows=page.items, page=page, batch=batch, preselect=candidate_count(),
                           available=available, error=error, error_referral=error_referral, error_above=error_above,
                           form=ActionForm(formdata=None), **_labels()), code


def _board_page(waiting: list, number: int) -> Page:
    """Page ``number`` of the board's rows; past the end, the last page (a proposal can empty the
    page the coordinator was on)."""
    size = services.BOARD_PAGE_SIZE
    last = max(1, -(-len(waiting) // size))
    number = min(number, last)
    return Page(waiting[(number - 1) * size:number * size], number, size, len(waiting))


# ---- matches ---------------------------------------------------------------------------------------

@bp.route("/matches")
@members("coordinator")
@reads("mentor_match", action=LIST, criteria=("status", "page"))
def matches():
    from core.matching.api import match_page

    status = request.args.get("status") if request.args.get("status") in MATCH_STATUSES else None
    page = match_page(status=status, page=page_number(request.args), per_page=current_app.config["PAGE_SIZE"],
                      options=_people_options())
    stats = meetings.match_stats([m.id for m in page.items])
    return render_template("matching/matches.html", page=page, stats=stats, status=status,
                           statuses=MATCH_STATUSES, **_labels())


def _load_citizens(referrals) -> None:
    """The young people of the board's referrals in one query (not one per row)."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from core.extensions import db
    from core.referrals.models import Referral

    ids = {r.id for r in referrals}
    if ids:
        db.session.scalars(select(Referral).where(Referral.id.in_(ids)).options(selectinload(Referral.citizen))).all()


def _people_options():
    """The young people and mentors of a page of matches, loaded with it (not one query per row)."""
    from sqlalchemy.orm import selectinload

    from core.referrals.models import Referral

    return (selectinload(Match.referral).selectinload(Referral.citizen), selectinload(Match.volunteer))


def _match_page(match, *, link=None, error=None, code=200):
    from core.meetings.models import FollowUp
    from sqlalchemy import select

    from core.extensions import db

    count, last = meetings.match_stats([match.id])[match.id]
    followups = db.session.scalars(select(FollowUp).where(FollowUp.match_id == match.id)
                                   .order_by(FollowUp.months_after)).all()
    link_url = url_for("matching_public.choose", token=link, _external=True) if link else None
    return render_template("matching/match.html", match=match, referral=match.referral, link_url=link_url,
                           meeting_count=count, last_meeting_on=last, followups=followups, error=error,
                           form=ActionForm(formdata=None), **_labels()), code


def _referral_citizen(args):
    return services.citizen_id_of_match(args["match_id"]) if args.get("match_id") else None


@bp.route("/matches/<int:match_id>")
@members("coordinator")
@reads("citizen", _referral_citizen)
def match(match_id: int):
    return _match_page(services.get_match_for_page(match_id))


@bp.route("/matches/<int:match_id>/<action>", methods=["POST"])
@members("coordinator")
def act(match_id: int, action: str):
    """choose / link / cancel / end: one button each, then back to the match's page."""
    match = services.get_match(match_id)
    actions = {
        "choose": lambda: services.choose(match, _id(request.form.get("volunteer_id"), "volunteer_id")),
        "link": lambda: services.create_choice_link(match),
        "cancel": lambda: services.cancel(match, note=request.form.get("note")),
        "end": lambda: services.end(match, _end_data()),
    }
    if action not in actions:
        abort(404)
    outcome = submit(ActionForm(), actions[action])
    if outcome.ok and action == "link":
        return _match_page(match, link=outcome.result)  # the token is shown this once
    if outcome.ok:
        flash({"choose": _("The choice is recorded; the mentor is asked."), "cancel": _("The proposal is cancelled."),
               "end": _("The match is ended.")}[action], "success")
        return redirect(url_for("matching.match", match_id=match.id))
    return _match_page(match, error=outcome.error or ServiceError(_l("The form has expired; try again.")),
                       code=outcome.status)


def _end_data() -> dict:
    from datetime import date

    try:
        ended_on = date.fromisoformat((request.form.get("ended_on") or "").strip())
    except ValueError:
        ended_on = None
    return {"ended_on": ended_on, "end_reason": request.form.get("end_reason"), "outcome": request.form.get("outcome")}


@bp.route("/matches/<int:match_id>/cancel", methods=["GET"])
@members("coordinator")
@reads("citizen", _referral_citizen)
def confirm_cancel(match_id: int):
    return render_template("matching/cancel.html", match=services.get_match(match_id), form=ActionForm(formdata=None),
                           **_labels())


# ---- the mentor's answer --------------------------------------------------------------------------

def _own_match(match_id: int):
    from core.errors import NotFound
    from core.volunteers.services import volunteer_for_user

    match = services.get_match(match_id)
    volunteer = volunteer_for_user(current_user)
    if volunteer is None or match.volunteer_id != volunteer.id:
        raise NotFound(_l("No such match."))
    return match


def _mentor_page(match, *, confirm_decline=False, error=None, code=200):
    return render_template("matching/proposal.html", match=match, young=referrals.mentor_view(match.referral),
                           confirm_decline=confirm_decline, error=error, form=ActionForm(formdata=None),
                           **_labels()), code


def _own_citizen(args):
    return _referral_citizen(args)


@mentor_bp.route("/")
@members("mentor")
@reads("citizen", action=LIST)
def proposals():
    """The proposals waiting for the mentor's answer (young people who chose them), first names only."""
    from core.volunteers.services import volunteer_for_user

    volunteer = volunteer_for_user(current_user)
    waiting = []
    if volunteer is not None:
        from core.matching.api import match_page

        waiting = match_page(status="chosen", volunteer_id=volunteer.id, per_page=100, options=_people_options()).items
    rows = [(m, referrals.mentor_view(m.referral)) for m in waiting]
    return render_template("matching/proposals.html", rows=[(m, y) for m, y in rows if y], **_labels())


@mentor_bp.route("/<int:match_id>")
@members("mentor")
@reads("citizen", _own_citizen)
def proposal(match_id: int):
    return _mentor_page(_own_match(match_id), confirm_decline=request.args.get("decline") == "1")


@mentor_bp.route("/<int:match_id>/accept", methods=["POST"])
@members("mentor")
def accept(match_id: int):
    match = _own_match(match_id)
    outcome = submit(ActionForm(), lambda: services.accept(match))
    if outcome.ok:
        flash(_("You have accepted. Welcome as mentor!"), "success")
        return redirect(url_for("matching_mentor.proposal", match_id=match.id))
    return _mentor_page(match, error=outcome.error or ServiceError(_l("The form has expired; try again.")),
                        code=outcome.status)


@mentor_bp.route("/<int:match_id>/decline", methods=["POST"])
@members("mentor")
def decline(match_id: int):
    match = _own_match(match_id)
    outcome = submit(ActionForm(), lambda: services.decline(match, note=request.form.get("note")))
    if outcome.ok:
        flash(_("You have declined. The coordinator will find another mentor."), "success")
        return redirect(url_for("matching_mentor.proposal", match_id=match.id))
    return _mentor_page(match, confirm_decline=True,
                        error=outcome.error or ServiceError(_l("The form has expired; try again.")), code=outcome.status)


# ---- the young person's choice (public) -----------------------------------------------------------

INVALID_STATUS = {"unknown": 404, "used": 410, "expired": 410}


@public_bp.route("/<token>", methods=["GET", "POST"])
@public
@no_personal_data("the young person's own link: the mentors' first names, age bands, interests and the words they "
                  "wrote for young people to read; nothing about the young person")
def choose(token: str):
    try:
        link = services.choice_link(token)
    except services.ChoiceLinkInvalid as invalid:
        return render_template("matching/choice_invalid.html", kind=invalid.kind), INVALID_STATUS[invalid.kind]
    error = None
    if request.method == "POST":
        outcome = submit(ActionForm(), lambda: services.choose_by_link(
            token, _id(request.form.get("volunteer_id"), "volunteer_id")))
        if outcome.ok:
            return render_template("matching/choice_thanks.html")
        error = outcome.error or ServiceError(_l("The form has expired; try again."))
        if outcome.status == 409:
            return render_template("matching/choice_invalid.html", kind="used"), 410
        code = outcome.status
    else:
        code = 200
    return render_template("matching/choice.html", candidates=services.choice_candidates(link.match), error=error,
                           form=ActionForm(formdata=None)), code
