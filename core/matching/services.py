"""Matching: the candidates for a referral, the batch suggestion for the whole waiting list, and the
match as a state machine (core.matching.models has the states).

    proposed --choose--> chosen --accept--> active --end--> ended
        |                   |--decline--> declined   (the referral waits for a new proposal)
        +--cancel--+--------+--cancel---> cancelled  (also every open match when consent is withdrawn)

Every transition is validated against that table (a refused one is a 409), dated in a
``MatchTransition``, audited and told to plugins (``mentorkorps_match_changed`` for every one;
``mentorkorps_match_proposed``/``_started``/``_ended`` for the main steps). Services never commit.

A mentor's capacity is never exceeded: ``propose`` and ``choose`` lock the volunteers' rows before
counting the places taken (core.locking; docs/locking.md), so two coordinators acting at the same
moment are serialised on the mentor, and the second one counts the first one's match.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import bindparam, select

from core import clock
from core.audit import services as audit
from core.codes import codes
from core.errors import Conflict, NotFound, ServiceError, raise_if
from core.extensions import db
from core.hooks import current_hooks
from core.i18n import local_date
from core.locking import lock_for_update
from core.matching import scoring
from core.matching.assignment import candidate_count, suggest
from core.matching.models import OPEN_STATUSES, ChoiceLink, Match, MatchCandidate, MatchTransition
from core.referrals.models import Referral
from core.settings import capacity_limit
from core.tenancy import built_once, utcnow

# The allowed transitions; anything else is refused with a 409.
TRANSITIONS = {
    "proposed": ("chosen", "cancelled"),
    "chosen": ("active", "declined", "cancelled"),
    "active": ("ended", "cancelled"),
    "ended": (),
    "declined": (),
    "cancelled": (),
}
STATUS_LABELS = {
    "proposed": _l("Proposed"),
    "chosen": _l("Chosen, waiting for the mentor"),
    "active": _l("Active"),
    "ended": _l("Ended"),
    "declined": _l("Declined by the mentor"),
    "cancelled": _l("Cancelled"),
}
# A referral may get a new proposal in these states: accepted, or after a match that ended
# (re-matching after a break-down); never while a match of it is open.
PROPOSABLE_REFERRAL_STATUSES = ("accepted", "ended")
MAX_CANDIDATES = 5
CHOICE_LINK_DAYS = 14
BOARD_CANDIDATES = 5  # ranked candidates shown per referral on the board, beyond the suggestion
BOARD_PAGE_SIZE = 10  # young people a page of the board shows, the longest waiting first


def today() -> date:
    return clock.today()


def _acting_user_id():
    return current_user.id if has_request_context() and current_user.is_authenticated else None


def end_reasons() -> dict:
    return codes("mentorkorps_end_reasons")


def outcome_codes() -> dict:
    return codes("mentorkorps_outcome_codes")


# ---- reading ------------------------------------------------------------------------------------

def get_match(match_id: int) -> Match:
    match = db.session.get(Match, match_id)
    if match is None:
        raise NotFound(_l("No such match."))
    return match


def get_match_for_page(match_id: int) -> Match:
    """:func:`get_match` with what its page shows loaded along: the young person, the mentor, the
    candidates with their mentors and the transitions (one statement built once, with two eager
    loads, instead of a lazy load built for each while the page renders)."""
    match = db.session.scalar(_match_page_statement(), {"match_id": match_id})
    if match is None:
        raise NotFound(_l("No such match."))
    return match


@cache
def _match_page_statement():
    from sqlalchemy.orm import joinedload, selectinload

    return built_once(select(Match).where(Match.id == bindparam("match_id")).options(
        joinedload(Match.referral).joinedload(Referral.citizen), joinedload(Match.volunteer),
        selectinload(Match.candidates).joinedload(MatchCandidate.volunteer), selectinload(Match.transitions)))


def citizen_id_of_match(match_id: int) -> int | None:
    """Whose match it is (the audit of a read of the match's page): one column, one statement
    built once; the page's objects are gone from the session by the time the audit asks."""
    return db.session.scalar(_citizen_of_match_statement(), {"match_id": match_id})


@cache
def _citizen_of_match_statement():
    return built_once(select(Referral.citizen_id).join(Match, Match.referral_id == Referral.id)
                      .where(Match.id == bindparam("match_id")))


def match_query(*, status: str | None = None, volunteer_id: int | None = None):
    statement = select(Match).order_by(Match.id.desc())
    if status:
        statement = statement.where(Match.status == status)
    if volunteer_id is not None:
        statement = statement.where(Match.volunteer_id == volunteer_id)
    return statement


def open_match_of(referral: Referral) -> Match | None:
    return db.session.scalar(select(Match).where(Match.referral_id == referral.id, Match.status.in_(OPEN_STATUSES))
                             .order_by(Match.id.desc()).limit(1))


# ---- candidates -----------------------------------------------------------------------------------

@dataclass
class CandidateView:
    """A candidate mentor for one referral: score and its parts ``{"key", "points", "reason"}``."""

    volunteer: object
    score: float
    parts: list = field(default_factory=list)

    @property
    def volunteer_id(self) -> int:
        return self.volunteer.id


def eligible_volunteers(on: date | None = None) -> list:
    """The volunteers the mentor-side eligibility service says can be matched (fixed queries)."""
    from core.volunteers.models import Volunteer
    from core.volunteers.services import MATCHABLE, eligibility_many

    on = on or today()
    volunteers = db.session.scalars(select(Volunteer).where(Volunteer.status.in_(MATCHABLE))
                                    .order_by(Volunteer.id)).all()
    gates = eligibility_many(list(volunteers), on)
    return [v for v in volunteers if gates[v.id].eligible]


def candidates_for(referral: Referral, *, limit: int | None = None, on: date | None = None,
                   exclude_match: Match | None = None) -> list[CandidateView]:
    """The ranked candidate mentors for ``referral``: eligible, with a free place, not blocked by a
    plugin criterion; best first (``mentorkorps_rank_candidates`` may reorder), at most ``limit``
    (default: the tenant's number of candidates to present)."""
    on = on or today()
    limit = limit or candidate_count()
    volunteers = {v.id: v for v in eligible_volunteers(on)}
    if not volunteers:
        return []
    young = scoring.young_features([referral], on)
    mentors = scoring.mentor_features(list(volunteers), on)
    if exclude_match is not None:  # the match's own candidacies do not take its candidates' places
        for candidate in exclude_match.candidates:
            if candidate.volunteer_id in mentors.ids:
                mentors.free_capacity[mentors.index_of(candidate.volunteer_id)] += 1
    result = scoring.score(young, mentors)
    ranked = [(j, points) for j, points in result.ranked(0) if mentors.free_capacity[j] > 0][:max(limit, 1) * 3]
    views = [(volunteers[int(mentors.ids[j])], float(points), result.explain(0, j)) for j, points in ranked]
    ordered = current_hooks().mentorkorps_rank_candidates(referral=referral, candidates=views)
    return [CandidateView(v, score, parts) for v, score, parts in ordered[:limit]]


def candidates_for_many(referrals: list[Referral], *, limit: int | None = None, on: date | None = None,
                        eligible: list | None = None) -> dict[int, list[CandidateView]]:
    """:func:`candidates_for` of many referrals in one scoring run (the matching board): the same
    ranking per referral, with the features and the eligibility loaded once, not per referral.
    ``eligible``: :func:`eligible_volunteers` on ``on``, when the caller has it already (the board
    lists them too; the gates run plugin hooks per volunteer)."""
    on = on or today()
    limit = limit or candidate_count()
    referrals = list(referrals)
    volunteers = {v.id: v for v in (eligible if eligible is not None else eligible_volunteers(on))}
    if not referrals or not volunteers:
        return {r.id: [] for r in referrals}
    young = scoring.young_features(referrals, on)
    mentors = scoring.mentor_features(list(volunteers), on)
    result = scoring.score(young, mentors)
    hooks = current_hooks()
    by_id = {r.id: r for r in referrals}
    by_referral = {r.id: [] for r in referrals}
    for i, referral_id in enumerate(young.ids):
        referral = by_id[int(referral_id)]
        ranked = [(j, points) for j, points in result.ranked(i) if mentors.free_capacity[j] > 0][:max(limit, 1) * 3]
        views = [(volunteers[int(mentors.ids[j])], float(points), result.explain(i, j)) for j, points in ranked]
        ordered = hooks.mentorkorps_rank_candidates(referral=referral, candidates=views)
        by_referral[referral.id] = [CandidateView(v, score, parts) for v, score, parts in ordered[:limit]]
    return by_referral


def waiting_referrals() -> list[Referral]:
    """Accepted referrals with no open match, in waiting order (oldest referral first). A referral
    whose match has ended is not waiting: it can get a new proposal from its own page, but it is not
    on the waiting list (a corps that has matched a hundred young people would see them all)."""
    open_ids = select(Match.referral_id).where(Match.status.in_(OPEN_STATUSES))
    return list(db.session.scalars(select(Referral).where(Referral.status == "accepted",
                                                          Referral.consent_withdrawn_on.is_(None),
                                                          Referral.id.not_in(open_ids))
                                   .order_by(Referral.referred_on, Referral.id)))


@dataclass
class BoardRow:
    referral: Referral
    suggested: list[CandidateView]
    missing: int


def suggest_for_waiting_list(on: date | None = None, *, eligible: list | None = None) -> list[BoardRow]:
    """Candidates for every waiting referral at once: a scarce mentor is offered to one young person
    only, and no mentor beyond their free places (core.matching.assignment). ``eligible`` as in
    :func:`candidates_for_many`."""
    on = on or today()
    referrals = waiting_referrals()
    volunteers = {v.id: v for v in (eligible if eligible is not None else eligible_volunteers(on))}
    if not referrals:
        return []
    batch = suggest(referrals, list(volunteers), on=on)
    by_id = {r.id: r for r in referrals}
    rows = []
    for suggestion in batch.suggestions:
        views = [CandidateView(volunteers[c.volunteer_id], c.score, batch.explain(suggestion, c))
                 for c in suggestion.candidates]
        rows.append(BoardRow(by_id[suggestion.referral_id], views, suggestion.missing))
    return rows


# ---- the state machine -------------------------------------------------------------------------------

def _transition(match: Match, to_status: str, *, on: date | None = None, note: str | None = None) -> MatchTransition:
    if to_status not in TRANSITIONS.get(match.status, ()):
        raise Conflict(_l("A match that is '%(status)s' cannot become '%(to)s'.",
                          status=STATUS_LABELS.get(match.status, match.status), to=STATUS_LABELS[to_status]))
    return _record(match, match.status, to_status, on=on, note=note)


def _record(match: Match, from_status: str | None, to_status: str, *, on=None, note=None) -> MatchTransition:
    transition = MatchTransition(from_status=from_status, to_status=to_status, on=on or today(), note=note,
                                 by_user_id=_acting_user_id())
    match.transitions.append(transition)
    match.status = to_status
    db.session.flush()
    audit.record(f"match.{to_status}", match, referral=match.referral_id, volunteer=match.volunteer_id, note=note)
    current_hooks().mentorkorps_match_changed(match=match, transition=transition)
    return transition


def _lock_volunteers(volunteer_ids) -> dict:
    """Lock the volunteers' rows in id order (two transactions never wait on each other crosswise)."""
    from core.volunteers.models import Volunteer

    locked = {}
    for volunteer_id in sorted(set(volunteer_ids)):
        volunteer = lock_for_update(Volunteer, volunteer_id)
        if volunteer is None:
            raise ServiceError(_l("No such mentor."), field="volunteer_ids", status=422)
        locked[volunteer_id] = volunteer
    return locked


def _check_places(volunteers: dict, *, own_match: Match | None = None) -> None:
    """After the locks: every volunteer has a free place (their places − chosen/active matches −
    candidacies in open proposals, not counting ``own_match``'s own candidacy). A mentor's places
    are ``min(capacity, the tenant's limit)`` (``mentorkorps_capacity_limit``), as in
    :func:`core.matching.scoring.mentor_features`."""
    taken = scoring.taken_places()
    limit = capacity_limit()
    own = {c.volunteer_id for c in own_match.candidates} if own_match is not None and own_match.status == "proposed" else set()
    full = [v for v_id, v in volunteers.items()
            if min(v.capacity or 0, limit) - taken.get(v_id, 0) + (1 if v_id in own else 0) <= 0]
    if full:
        raise Conflict(_l("No free place with %(names)s: the mentor's capacity is taken.",
                          names=", ".join(v.name for v in full)),
                       errors={"volunteer_ids": [_l("No free place with %(name)s.", name=v.name) for v in full]})


def propose(referral: Referral, volunteer_ids: list[int], *, on: date | None = None) -> Match:
    """Propose one or more candidate mentors for ``referral`` (a new ``proposed`` match)."""
    on = on or today()
    ids = list(dict.fromkeys(int(i) for i in volunteer_ids or []))
    errors = {}
    if not ids:
        errors["volunteer_ids"] = [_l("Choose at least one mentor.")]
    elif len(ids) > MAX_CANDIDATES:
        errors["volunteer_ids"] = [_l("At most %(n)s candidates.", n=MAX_CANDIDATES)]
    raise_if(errors)
    if referral.consent_withdrawn_on is not None:
        raise Conflict(_l("The young person has withdrawn their consent."))
    if referral.status not in PROPOSABLE_REFERRAL_STATUSES:
        raise Conflict(_l("Only an accepted referral can get a proposal."))
    if open_match_of(referral) is not None:
        raise Conflict(_l("The referral already has an open match."))
    volunteers = _lock_volunteers(ids)
    eligible = {v.id for v in eligible_volunteers(on)}
    not_eligible = [v for v in volunteers.values() if v.id not in eligible]
    if not_eligible:
        raise Conflict(_l("%(names)s cannot be matched now (see the mentor's page).",
                          names=", ".join(v.name for v in not_eligible)),
                       errors={"volunteer_ids": [_l("%(name)s cannot be matched now.", name=v.name) for v in not_eligible]})
    _check_places(volunteers)
    young = scoring.young_features([referral], on)
    mentors = scoring.mentor_features(ids, on)
    result = scoring.score(young, mentors)
    match = Match(referral_id=referral.id, status="proposed", proposed_on=on, created_by_id=_acting_user_id())
    db.session.add(match)
    points = {int(mentors.ids[j]): j for j in range(len(mentors))}
    for rank, volunteer_id in enumerate(ids, start=1):
        j = points.get(volunteer_id)
        total = float(result.total[0, j]) if j is not None else None
        match.candidates.append(MatchCandidate(
            volunteer_id=volunteer_id, rank=rank,
            score=total if total is not None and total not in (float("inf"), float("-inf")) else None,
            # What the coordinator saw, in their language, as the record of why this mentor was proposed.
            parts=[{"key": p["key"], "points": float(p["points"]), "reason": str(p["reason"])}
                   for p in result.explain(0, j)] if j is not None else []))
    referral.status = "proposed"
    db.session.flush()
    _record(match, None, "proposed", on=on)
    current_hooks().mentorkorps_match_proposed(match=match)
    return match


def choose(match: Match, volunteer_id: int, *, on: date | None = None) -> Match:
    """The young person's choice among the candidates (made through the link, or by the coordinator
    on their behalf). The other candidates' places are released."""
    if match.status != "proposed":
        _transition(match, "chosen")  # raises the 409 with the state's words
    if int(volunteer_id) not in {c.volunteer_id for c in match.candidates}:
        raise ServiceError(_l("Choose one of the proposed mentors."), field="volunteer_id")
    volunteers = _lock_volunteers([volunteer_id])
    _check_places(volunteers, own_match=match)
    match.volunteer_id = int(volunteer_id)
    match.chosen_on = on or today()
    _transition(match, "chosen", on=match.chosen_on)
    return match


def accept(match: Match, *, on: date | None = None) -> Match:
    """The chosen mentor accepts: the match starts."""
    on = on or today()
    _transition(match, "active", on=on)
    match.started_on = on
    match.referral.status = "matched"
    current_hooks().mentorkorps_match_started(match=match)
    return match


def decline(match: Match, *, note: str | None = None) -> Match:
    """The chosen mentor declines: the referral goes back on the waiting list for a new proposal."""
    _transition(match, "declined", note=(note or "")[:500] or None)
    match.referral.status = "accepted"
    return match


def cancel(match: Match, *, note: str | None = None) -> Match:
    """The coordinator withdraws a proposal (or a match not yet started)."""
    if match.status == "active":
        raise Conflict(_l("An active match is ended, not cancelled."))
    _transition(match, "cancelled", note=(note or "")[:500] or None)
    if match.referral.status == "proposed":
        match.referral.status = "accepted"
    return match


def cancel_for_withdrawn_consent(referral: Referral) -> int:
    """Every open match of ``referral`` is cancelled: the young person withdrew their consent."""
    matches = db.session.scalars(select(Match).where(Match.referral_id == referral.id,
                                                     Match.status.in_(OPEN_STATUSES))).all()
    for match in matches:
        _record(match, match.status, "cancelled", note="consent_withdrawn")
    return len(matches)


def end(match: Match, data: dict) -> Match:
    """End an active match with its end reason and outcome; follow-ups are scheduled from the end."""
    errors = {}
    ended_on = data.get("ended_on")
    if not isinstance(ended_on, date):
        errors["ended_on"] = [_l("Give the date the match ended.")]
    elif ended_on > today():
        errors["ended_on"] = [_l("The end date cannot be in the future.")]
    elif match.started_on and ended_on < match.started_on:
        errors["ended_on"] = [_l("The match cannot end before it started (%(date)s).", date=local_date(match.started_on))]
    if data.get("end_reason") not in end_reasons():
        errors["end_reason"] = [_l("Choose a reason from the list.")]
    if data.get("outcome") not in outcome_codes():
        errors["outcome"] = [_l("Choose an outcome from the list.")]
    if match.status != "active":
        _transition(match, "ended")  # the 409 for a match that is not active
    raise_if(errors)
    match.ended_on, match.end_reason, match.outcome = ended_on, data["end_reason"], data["outcome"]
    _transition(match, "ended", on=ended_on, note=data["end_reason"])
    match.referral.status = "ended"
    from core.meetings.services import schedule_followups

    schedule_followups(match)
    current_hooks().mentorkorps_match_ended(match=match)
    return match


# ---- the young person's choice link ------------------------------------------------------------------

class ChoiceLinkInvalid(Exception):
    """The link is unknown, used or expired (``kind``); the public page says so kindly."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_choice_link(match: Match, *, days: int = CHOICE_LINK_DAYS, locale: str | None = None) -> str:
    """A link for the young person to choose between the candidates of this one proposal. Returns the
    token (256 random bits), which is shown once; only its SHA-256 is stored. Earlier unused links of
    the same proposal stop working."""
    if match.status != "proposed" or len(match.candidates) < 2:
        raise Conflict(_l("A link is made for a proposal with two or more candidates."))
    now = utcnow()
    for old in db.session.scalars(select(ChoiceLink).where(ChoiceLink.match_id == match.id, ChoiceLink.used_at.is_(None))):
        old.expires_at = min(old.expires_at, now)
    token = secrets.token_urlsafe(32)
    db.session.add(ChoiceLink(match_id=match.id, token_hash=_token_hash(token), locale=locale,
                              expires_at=now + timedelta(days=days), created_by_id=_acting_user_id()))
    audit.record("match.choice_link_created", match)
    return token


def choice_link(token: str) -> ChoiceLink:
    """The link of ``token`` in the current tenant, or :class:`ChoiceLinkInvalid`."""
    if not token or len(token) > 200:
        raise ChoiceLinkInvalid("unknown")
    link = db.session.scalar(select(ChoiceLink).where(ChoiceLink.token_hash == _token_hash(token)))
    if link is None:
        raise ChoiceLinkInvalid("unknown")
    if link.used_at is not None or link.match.status != "proposed":
        raise ChoiceLinkInvalid("used")
    if link.expires_at <= utcnow():
        raise ChoiceLinkInvalid("expired")
    return link


def choose_by_link(token: str, volunteer_id: int) -> Match:
    link = choice_link(token)
    match = choose(link.match, volunteer_id)
    link.used_at = utcnow()
    return match


def age_band(age: int | None) -> str | None:
    """Ten-year bands ("30-39"), so the young person sees about how old, not a birth date."""
    if age is None:
        return None
    low = (age // 10) * 10
    return f"{low}-{low + 9}"


def choice_candidates(match: Match, on: date | None = None) -> list[dict]:
    """What the young person sees of each candidate: first name, age band, interests, own words."""
    on = on or today()
    return [{"volunteer_id": c.volunteer_id, "first_name": (c.volunteer.name or "").split(" ")[0],
             "age_band": age_band(c.volunteer.age_on(on)), "interests": list(c.volunteer.interests or []),
             "about_me": c.volunteer.about_me or ""} for c in match.candidates]
