"""REST API (flask-smorest) of matching: CONTRACT.md section 4a.

- ``GET /referrals/<id>/candidates`` (coordinator): the ranked candidates with their score parts.
- ``POST /matches`` (coordinator): propose one or more candidates; over a mentor's capacity 409.
- ``POST /matches/<id>/choose`` and ``/cancel`` and ``/end`` (coordinator); ``/accept`` and
  ``/decline`` (the match's mentor only: the answer is theirs to give). A transition the match's
  state does not allow: 409.
- ``GET /matches`` (``?status=``) and ``/matches/<id>``: a coordinator every match, a mentor only
  their own (another's is 404), a caseworker none (404: they follow their referrals).

Thin handlers: load (schema) → access (policy decorator, then ``_visible``) → service → dump. The
meeting figures of a list come from one grouped query (core.meetings.services.match_stats).
"""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from core.access import current_role, members
from core.api_base import Blueprint, document_errors
from core.audit.reads import LIST, reads
from core.errors import NotFound
from core.matching import schemas, services
from core.matching.assignment import candidate_count
from core.meetings.services import match_stats
from core.pagination import paginate
from core.referrals import services as referrals

blp = Blueprint("matches_api", __name__, url_prefix="/api/v1/<tenant>",
                description="Matching: candidates, proposals, the young person's choice, the mentor's answer, the end")


def _citizen_of(args) -> int | None:
    return referrals.citizen_id_of(args.get("referral_id"))


def _mentor_volunteer_id() -> int | None:
    from core.volunteers.services import volunteer_for_user

    volunteer = volunteer_for_user(current_user)
    return volunteer.id if volunteer is not None else None


def _visible(match_id: int):
    """The match, if the caller's role may see it: a mentor only their own (another's is 404)."""
    match = services.get_match(match_id)
    if current_role() == "mentor":
        mine = _mentor_volunteer_id()
        if mine is None or match.volunteer_id != mine:
            raise NotFound(_l("No such match."))
    return match


def match_page(*, status=None, volunteer_id=None, page=1, per_page=50, options=()):
    """A page of matches (newest first) with their candidates loaded in one more query (and what
    ``options`` loads besides)."""
    from core.matching.models import Match

    statement = services.match_query(status=status, volunteer_id=volunteer_id).options(selectinload(Match.candidates),
                                                                                       *options)
    count = select(func.count(Match.id))
    if status:
        count = count.where(Match.status == status)
    if volunteer_id is not None:
        count = count.where(Match.volunteer_id == volunteer_id)
    return paginate(statement, count, page=page, per_page=per_page)


def match_data(match, stats=None) -> dict:
    count, last = (stats or match_stats([match.id])).get(match.id, (0, None))
    return {"id": match.id, "referral_id": match.referral_id, "volunteer_id": match.volunteer_id,
            "status": match.status, "proposed_on": match.proposed_on, "chosen_on": match.chosen_on,
            "started_on": match.started_on, "ended_on": match.ended_on, "end_reason": match.end_reason,
            "outcome": match.outcome, "meeting_count": count, "last_meeting_on": last,
            "candidate_ids": [c.volunteer_id for c in match.candidates]}


@blp.route("/referrals/<int:referral_id>/candidates")
class Candidates(MethodView):
    @members("coordinator")
    @reads("citizen", _citizen_of)
    @blp.arguments(schemas.CandidateArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, schemas.CandidatesSchema)
    @document_errors(blp, 403)
    def get(self, referral_id, limit=None):
        """The candidate mentors for a referral, best first, with their score and its parts
        (`key`, `points`, `reason`). `count` is the tenant's number of candidates to present;
        `limit` (default `count`) how many are listed."""
        referral = referrals.get_referral(referral_id)
        count = candidate_count()
        views = services.candidates_for(referral, limit=limit or count)
        return {"count": count, "candidates": [
            {"volunteer_id": v.volunteer_id, "score": v.score,
             "parts": [{"key": p["key"], "points": float(p["points"]), "reason": str(p["reason"])} for p in v.parts]}
            for v in views]}


@blp.route("/matches")
class Matches(MethodView):
    @members("coordinator", "mentor")
    @reads("mentor_match", action=LIST, criteria=("status", "page", "page_size"))
    @blp.arguments(schemas.MatchListArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, schemas.MatchSchema(many=True))
    @blp.paginate()
    @document_errors(blp, 403)
    def get(self, pagination_parameters, status=None):
        """Matches, newest first (`?status=`): a coordinator's all, a mentor's only their own.

        Paginated: `page` and `page_size`; the `X-Pagination` header has the totals."""
        volunteer_id = None
        if current_role() == "mentor":
            volunteer_id = _mentor_volunteer_id() or -1
        page = match_page(status=status, volunteer_id=volunteer_id, page=pagination_parameters.page,
                          per_page=pagination_parameters.page_size)
        pagination_parameters.item_count = page.total
        stats = match_stats([m.id for m in page.items])
        return [match_data(m, stats) for m in page.items]

    @members("coordinator")
    @blp.arguments(schemas.ProposeInSchema)
    @blp.response(201, schemas.MatchSchema)
    @document_errors(blp, 403, 409)
    def post(self, data):
        """Propose one or more candidate mentors for an accepted referral. A mentor without a free
        place (capacity less the matches chosen or active and the open proposals), or who cannot be
        matched now, is 409; so is a referral that is not waiting."""
        referral = referrals.get_referral(data["referral_id"])
        return match_data(services.propose(referral, data["volunteer_ids"]))


@blp.route("/matches/<int:match_id>")
class MatchResource(MethodView):
    @members("coordinator", "mentor")
    @reads("mentor_match", "match_id")
    @blp.response(200, schemas.MatchSchema)
    @document_errors(blp, 403)
    def get(self, match_id):
        """A match (a mentor: only their own; another's is 404)."""
        return match_data(_visible(match_id))


@blp.route("/matches/<int:match_id>/choose")
class Choose(MethodView):
    @members("coordinator")
    @blp.arguments(schemas.ChooseInSchema)
    @blp.response(200, schemas.MatchSchema)
    @document_errors(blp, 403, 409)
    def post(self, data, match_id):
        """The young person's choice among the candidates, made on their behalf. 409 unless the match
        is proposed, or when the chosen mentor's capacity is taken meanwhile."""
        return match_data(services.choose(services.get_match(match_id), data["volunteer_id"]))


@blp.route("/matches/<int:match_id>/accept")
class Accept(MethodView):
    @members("mentor")
    @blp.response(200, schemas.MatchSchema)
    @document_errors(blp, 403, 409)
    def post(self, match_id):
        """The chosen mentor accepts: the match starts. 409 unless the match is chosen."""
        return match_data(services.accept(_visible(match_id)))


@blp.route("/matches/<int:match_id>/decline")
class Decline(MethodView):
    @members("mentor")
    @blp.arguments(schemas.DeclineInSchema, required=False)
    @blp.response(200, schemas.MatchSchema)
    @document_errors(blp, 403, 409)
    def post(self, data, match_id):
        """The chosen mentor declines (an optional `note`): the referral waits for a new proposal."""
        return match_data(services.decline(_visible(match_id), note=(data or {}).get("note")))


@blp.route("/matches/<int:match_id>/cancel")
class Cancel(MethodView):
    @members("coordinator")
    @blp.arguments(schemas.CancelInSchema, required=False)
    @blp.response(200, schemas.MatchSchema)
    @document_errors(blp, 403, 409)
    def post(self, data, match_id):
        """Withdraw a proposal or a match not yet started (an active match is ended instead: 409)."""
        return match_data(services.cancel(services.get_match(match_id), note=(data or {}).get("note")))


@blp.route("/matches/<int:match_id>/end")
class End(MethodView):
    @members("coordinator")
    @blp.arguments(schemas.EndInSchema)
    @blp.response(200, schemas.MatchSchema)
    @document_errors(blp, 403, 409)
    def post(self, data, match_id):
        """End an active match with its end reason and outcome (the tenant's codes); follow-ups are
        scheduled from `ended_on`. 409 unless the match is active."""
        return match_data(services.end(services.get_match(match_id), data))
