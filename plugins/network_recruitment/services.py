"""Network-based recruitment (seed 004), every state change of it:

    recorded (the young person named an adult, consented to contacting them)
      -> asked (the corps asked the adult) -> answer no  -> closed "declined"
                                           -> answer yes -> the short route: a volunteer record
                                              (channel nominated_by_young_person), the child-protection
                                              certificate, a short introduction, approval
                                              -> the match with exactly this young person ("matched")
                                              or -> "not_approved"
    and, beside it: "none_named" (the young person named no one), "withdrawn" (the young person
    withdrew their consent; the adult's contact data are removed), "rejected" (the referral was
    rejected at intake; the same).

A declined or refused nomination closes, and the referral stays accepted: it is back on the
matching board, where the corps' mentors are offered again. The services validate (every field's
error at once), record the audit with codes only, and never commit; the matching itself goes
through ``core.matching.services`` (propose the one volunteer, the young person's choice, the
adult's acceptance), the volunteer through ``core.volunteers.services``.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core import clock
from core.audit import services as audit
from core.errors import Conflict, NotFound, ServiceError, raise_if
from core.extensions import db
from core.inputs import clean_fields
from core.referrals.models import Citizen, Referral
from core.tenancy import current_tenant
from plugins.network_recruitment import domain
from plugins.network_recruitment.models import NetworkNomination

_l = domain.lazy_gettext

NOMINATED = "nominated_by_young_person"  # the volunteer's recruitment channel
CHILD_CERTIFICATE = "child_certificate"
NOMINATION_FIELDS = ("adult_name", "relation", "phone", "email", "consent_to_contact_on")
TEXT_LIMITS = {"adult_name": 120, "relation": 80, "phone": 40, "email": 254, "note": 2000}
# The seed asks for the most significant adult *other than the parents*.
PARENT_WORDS = frozenset({"mor", "far", "mother", "father", "forælder", "forældre", "parent", "parents", "mom", "dad",
                          "mum", "stedmor", "stedfar", "stepmother", "stepfather", "papmor", "papfar", "bonusmor",
                          "bonusfar"})
# A nomination can be recorded for a referral in these states (no mentor and no proposal yet).
NOMINATABLE = ("received", "accepted", "ended")

STAGE_LABELS = {
    "to_ask": _l("To be asked"),
    "awaiting_answer": _l("Waiting for the adult's answer"),
    "short_route": _l("Short route to mentor"),
    "matched": _l("Became the young person's mentor"),
    "declined": _l("Said no"),
    "not_approved": _l("Not approved"),
    "none_named": _l("The young person named no one"),
    "withdrawn": _l("Consent withdrawn; contact data removed"),
    "rejected": _l("Referral rejected; contact data removed"),
}

# While the plugin proposes a nominated adult for their own young person, the eligibility rules
# that keep that adult away from everyone else let them through (hooks.py). Holds a volunteer id.
_own_proposal: ContextVar[int | None] = ContextVar("network_recruitment_own_proposal", default=None)


@contextmanager
def proposing_for_own_young_person(volunteer_id: int):
    token = _own_proposal.set(volunteer_id)
    try:
        yield
    finally:
        _own_proposal.reset(token)


def own_proposal() -> int | None:
    return _own_proposal.get()


def today() -> date:
    return clock.today()


def setting(key: str):
    from plugins.network_recruitment import PLUGIN

    return PLUGIN.setting(current_tenant(), key)


def _acting_user_id():
    return current_user.id if has_request_context() and current_user.is_authenticated else None


# ---- reading ---------------------------------------------------------------------------------------

def get_nomination(nomination_id: int) -> NetworkNomination:
    nomination = db.session.get(NetworkNomination, nomination_id)
    if nomination is None:
        raise NotFound(_l("The nomination was not found."))
    return nomination


def nominations_of(referral_id: int) -> list[NetworkNomination]:
    """Every nomination of a referral, the newest first, with its volunteer (one query)."""
    return list(db.session.scalars(select(NetworkNomination).options(joinedload(NetworkNomination.volunteer))
                                   .where(NetworkNomination.referral_id == referral_id)
                                   .order_by(NetworkNomination.id.desc())))


def open_nomination_of(referral_id: int) -> NetworkNomination | None:
    return db.session.scalar(select(NetworkNomination).where(NetworkNomination.referral_id == referral_id,
                                                             NetworkNomination.closed_reason.is_(None)))


def open_nominations_by_referral() -> dict[int, NetworkNomination]:
    """``{referral id: its open nomination}`` for the whole tenant (open nominations are few)."""
    return {n.referral_id: n for n in db.session.scalars(
        select(NetworkNomination).where(NetworkNomination.closed_reason.is_(None)))}


def referral_id_of(nomination_id) -> int | None:
    nomination = db.session.get(NetworkNomination, int(nomination_id)) if nomination_id is not None else None
    return nomination.referral_id if nomination is not None else None


def citizen_id_of_nomination(nomination_id) -> int | None:
    """The young person of a nomination (the subject of the read audit)."""
    from core.referrals.services import citizen_id_of

    return citizen_id_of(referral_id_of(nomination_id))


def may_nominate(referral: Referral) -> bool:
    """Whether the panel offers to record a nomination for this referral now."""
    if not referral.consent_active or referral.status not in NOMINATABLE:
        return False
    return referral.status != "received" or setting("ask_at_intake")


@dataclass
class ShortRoute:
    """Where a nomination's short route stands: what is done and what is missing before approval."""

    screening_on: date | None
    screening_required: bool
    introductions: list
    introductions_needed: int

    @property
    def screening_done(self) -> bool:
        return self.screening_on is not None or not self.screening_required

    @property
    def introduction_done(self) -> bool:
        return len(self.introductions) >= self.introductions_needed

    @property
    def ready(self) -> bool:
        return self.screening_done and self.introduction_done


def short_route(nomination: NetworkNomination) -> ShortRoute:
    screenings = [s.obtained_on for s in (nomination.volunteer.screenings if nomination.volunteer else [])
                  if s.kind == CHILD_CERTIFICATE]
    return ShortRoute(max(screenings) if screenings else None, bool(setting("screening_required")),
                      nomination.introductions, int(setting("introduction_sessions")))


@dataclass
class Overview:
    open: list  # (nomination, referral, citizen), oldest first
    to_ask: list  # (referral, citizen): accepted, waiting, never asked about a significant adult
    closed: list  # (nomination, referral, citizen), the newest first
    counts: dict


def overview(closed_limit: int = 50) -> Overview:
    """The nominations page: open nominations by stage, young people not yet asked, the latest closed
    ones. Three queries, whatever the number of rows."""
    from core.matching.models import OPEN_STATUSES, Match

    rows = db.session.execute(
        select(NetworkNomination, Referral, Citizen)
        .join(Referral, Referral.id == NetworkNomination.referral_id)
        .join(Citizen, Citizen.id == Referral.citizen_id)
        .options(joinedload(NetworkNomination.volunteer))
        .order_by(NetworkNomination.recorded_on, NetworkNomination.id)).unique().all()
    open_rows = [(n, r, c) for n, r, c in rows if n.is_open]
    closed_rows = sorted([(n, r, c) for n, r, c in rows if not n.is_open],
                         key=lambda row: (row[0].closed_on or date.min, row[0].id), reverse=True)[:closed_limit]
    asked = select(NetworkNomination.referral_id)
    open_matches = select(Match.referral_id).where(Match.status.in_(OPEN_STATUSES))
    statuses = ("received", "accepted") if setting("ask_at_intake") else ("accepted",)
    to_ask = db.session.execute(
        select(Referral, Citizen).join(Citizen, Citizen.id == Referral.citizen_id)
        .where(Referral.status.in_(statuses), Referral.consent_withdrawn_on.is_(None),
               Referral.id.not_in(asked), Referral.id.not_in(open_matches))
        .order_by(Referral.referred_on, Referral.id)).all()
    counts = {stage: 0 for stage in STAGE_LABELS}
    for nomination, _r, _c in rows:
        counts[nomination.stage] += 1
    return Overview(open_rows, [tuple(r) for r in to_ask], closed_rows, counts)


def stage_counts() -> dict:
    """``{stage: number}`` of the open nominations (the front page's line), one query."""
    from sqlalchemy import func

    counts = {"to_ask": 0, "awaiting_answer": 0, "short_route": 0}
    rows = db.session.execute(
        select(NetworkNomination.asked_on.is_(None), NetworkNomination.answer, func.count(NetworkNomination.id))
        .where(NetworkNomination.closed_reason.is_(None))
        .group_by(NetworkNomination.asked_on.is_(None), NetworkNomination.answer))
    for not_asked, answer, count in rows:
        stage = "to_ask" if not_asked else ("short_route" if answer == "yes" else "awaiting_answer")
        counts[stage] += count
    return counts


def matches_with_mentor_outside(postcodes) -> list:
    """``[(match, volunteer)]``: active matches whose mentor's postcode is not one of the
    municipality's ``postcodes`` (the mentor moved away), one query."""
    from core.matching.models import Match
    from core.volunteers.models import Volunteer

    return [tuple(row) for row in db.session.execute(
        select(Match, Volunteer).join(Volunteer, Volunteer.id == Match.volunteer_id)
        .where(Match.status == "active", Volunteer.postcode.is_not(None), Volunteer.postcode.not_in(list(postcodes)))
        .order_by(Volunteer.name, Match.id))]


# ---- validation helpers -------------------------------------------------------------------------------

def _check_day(errors: dict, field: str, day, *, not_before: date | None = None, before_label=None,
               required: bool = True) -> None:
    if day is None:
        if required:
            errors.setdefault(field, []).append(_l("Give the date."))
        return
    if not isinstance(day, date):
        errors.setdefault(field, []).append(_l("Not a valid date."))
    elif day > today():
        errors.setdefault(field, []).append(_l("The date cannot be in the future."))
    elif not_before is not None and day < not_before:
        errors.setdefault(field, []).append(before_label or _l("The date cannot be before %(date)s.",
                                                               date=not_before.isoformat()))


def _check_lengths(data: dict, errors: dict) -> None:
    for key, limit in TEXT_LIMITS.items():
        value = data.get(key)
        if isinstance(value, str) and len(value) > limit:
            errors.setdefault(key, []).append(_l("At most %(num)s characters.", num=limit))


def _check_referral(referral: Referral) -> None:
    if not referral.consent_active:
        raise Conflict(_l("The young person has withdrawn their consent."))
    if referral.status not in NOMINATABLE:
        raise Conflict(_l("The young person has a mentor or a proposal, or the referral is closed."))
    if referral.status == "received" and not setting("ask_at_intake"):
        raise Conflict(_l("The significant adult is asked about once the referral is accepted."))
    if open_nomination_of(referral.id) is not None:
        raise Conflict(_l("The young person already has a nomination in progress."))


def _stage(nomination: NetworkNomination, *stages: str) -> None:
    if nomination.stage not in stages:
        raise Conflict(_l("The nomination is '%(stage)s'; this step does not apply now.",
                          stage=STAGE_LABELS[nomination.stage]))


# ---- recording the nomination ----------------------------------------------------------------------

def record_nomination(referral: Referral, data: dict) -> NetworkNomination:
    """The young person named the most significant adult in their life (other than the parents)
    and consented to the corps contacting them. ``data``: :data:`NOMINATION_FIELDS`."""
    unknown = set(data) - set(NOMINATION_FIELDS)
    if unknown:
        raise ServiceError(_l("Unknown fields: %(fields)s", fields=", ".join(sorted(unknown))))
    data = clean_fields(dict(data))
    _check_referral(referral)
    errors: dict[str, list] = {}
    if not data.get("adult_name"):
        errors.setdefault("adult_name", []).append(_l("The adult's name is required."))
    relation = data.get("relation")
    if not relation:
        errors.setdefault("relation", []).append(_l("Say who the adult is to the young person (e.g. aunt, coach)."))
    elif relation.casefold() in PARENT_WORDS:
        errors.setdefault("relation", []).append(_l("Ask for an adult other than the parents."))
    if not data.get("phone") and not data.get("email"):
        errors.setdefault("phone", []).append(_l("Give a phone number or an e-mail address."))
    if data.get("email") and ("@" not in data["email"] or " " in data["email"]):
        errors.setdefault("email", []).append(_l("Enter a valid e-mail address."))
    consent = data.get("consent_to_contact_on")
    if consent is None:
        errors.setdefault("consent_to_contact_on", []).append(
            _l("The young person's consent to contacting the adult is required."))
    else:
        _check_day(errors, "consent_to_contact_on", consent)
    _check_lengths(data, errors)
    raise_if(errors)
    nomination = NetworkNomination(referral_id=referral.id, adult_name=data["adult_name"], relation=relation,
                                   phone=data.get("phone"), email=data.get("email"), consent_to_contact_on=consent,
                                   recorded_on=today(), answer="pending", introduction_dates=[],
                                   created_by_id=_acting_user_id())
    db.session.add(nomination)
    db.session.flush()
    audit.record("network_nomination.recorded", nomination, referral=referral.id)
    return nomination


def record_none_named(referral: Referral) -> NetworkNomination:
    """The young person was asked and named no one: the referral goes the corps' way."""
    _check_referral(referral)
    on = today()
    nomination = NetworkNomination(referral_id=referral.id, recorded_on=on, closed_reason="none_named", closed_on=on,
                                   introduction_dates=[], created_by_id=_acting_user_id())
    db.session.add(nomination)
    db.session.flush()
    audit.record("network_nomination.none_named", nomination, referral=referral.id)
    return nomination


def record_asked(nomination: NetworkNomination, asked_on: date | None) -> NetworkNomination:
    """The corps asked the adult whether they will be the young person's mentor."""
    _stage(nomination, "to_ask")
    errors: dict = {}
    _check_day(errors, "asked_on", asked_on, not_before=nomination.consent_to_contact_on,
               before_label=_l("The adult is asked after the young person consented."))
    raise_if(errors)
    nomination.asked_on = asked_on
    audit.record("network_nomination.asked", nomination)
    return nomination


def record_answer(nomination: NetworkNomination, answer: str | None, answered_on: date | None,
                  volunteer_data: dict | None = None, note: str | None = None) -> NetworkNomination:
    """The adult's answer. ``no``: the nomination closes and the referral is matched from the corps.
    ``yes``: the adult becomes a volunteer (channel ``nominated_by_young_person``; their name and
    contact from the nomination, ``volunteer_data`` may add ``birth_date`` and ``postcode``) and
    starts the short route."""
    _stage(nomination, "awaiting_answer")
    volunteer_data = clean_fields(dict(volunteer_data or {}))
    if set(volunteer_data) - {"birth_date", "postcode"}:
        raise ServiceError(_l("Unknown fields: %(fields)s",
                              fields=", ".join(sorted(set(volunteer_data) - {"birth_date", "postcode"}))))
    note = (note or "").strip() or None
    errors: dict = {}
    if answer not in ("yes", "no"):
        errors.setdefault("answer", []).append(_l("Choose yes or no."))
    _check_day(errors, "answered_on", answered_on, not_before=nomination.asked_on,
               before_label=_l("The answer cannot come before the adult was asked."))
    _check_lengths({"note": note}, errors)
    raise_if(errors)
    nomination.answer, nomination.answered_on, nomination.note = answer, answered_on, note or nomination.note
    if answer == "no":
        nomination.closed_reason, nomination.closed_on = "declined", answered_on
        audit.record("network_nomination.declined", nomination)
        return nomination
    from core.volunteers import services as volunteers

    volunteer = volunteers.create_volunteer({
        "name": nomination.adult_name, "phone": nomination.phone, "email": nomination.email,
        "recruitment_channel": NOMINATED, "recruited_on": answered_on, "capacity": 1, **volunteer_data})
    nomination.volunteer_id = volunteer.id
    nomination.volunteer = volunteer
    audit.record("network_nomination.accepted", nomination, volunteer=volunteer.id)
    return nomination


# ---- the short route ------------------------------------------------------------------------------

def _volunteer_of(nomination: NetworkNomination):
    _stage(nomination, "short_route")
    if nomination.volunteer is None:  # pragma: no cover - a yes always creates one
        raise Conflict(_l("The adult has no volunteer record."))
    return nomination.volunteer


def add_screening(nomination: NetworkNomination, obtained_on: date | None):
    """The adult's child-protection certificate (børneattest), through the volunteer services."""
    from core.volunteers import services as volunteers

    volunteer = _volunteer_of(nomination)
    errors: dict = {}
    _check_day(errors, "obtained_on", obtained_on)
    raise_if(errors)
    return volunteers.add_screening(volunteer, CHILD_CERTIFICATE, obtained_on)


def record_introduction(nomination: NetworkNomination, held_on: date | None) -> NetworkNomination:
    """A session of the short introduction (instead of the corps' full course) was held with the
    adult; the first one moves the volunteer into training."""
    from core.volunteers import services as volunteers

    volunteer = _volunteer_of(nomination)
    errors: dict = {}
    _check_day(errors, "held_on", held_on, not_before=nomination.answered_on,
               before_label=_l("The introduction comes after the adult said yes."))
    if held_on is not None and held_on.isoformat() in (nomination.introduction_dates or []):
        errors.setdefault("held_on", []).append(_l("A session on this date is already recorded."))
    raise_if(errors)
    nomination.introduction_dates = sorted([*(nomination.introduction_dates or []), held_on.isoformat()])
    volunteers.advance_to(volunteer, "in_training", held_on)
    audit.record("network_nomination.introduction_held", nomination, sessions=len(nomination.introduction_dates))
    return nomination


def approve_and_match(nomination: NetworkNomination, approved_on: date | None):
    """Approve the adult after the short route and match them with exactly the young person who
    named them: the volunteer is approved, proposed as the one candidate, chosen and accepted on the
    day (they said yes to this young person already), the match is marked ``network_nominated``
    and the volunteer becomes active. Every missing step is reported at once."""
    from core.matching import services as matching
    from core.volunteers import services as volunteers

    volunteer = _volunteer_of(nomination)
    referral = nomination.referral
    route = short_route(nomination)
    errors: dict = {}
    last = max([nomination.answered_on, *route.introductions, *([route.screening_on] if route.screening_on else [])])
    _check_day(errors, "approved_on", approved_on, not_before=last,
               before_label=_l("The approval comes after the steps of the short route (%(date)s).",
                               date=last.isoformat()))
    if not route.screening_done:
        errors.setdefault("screening", []).append(
            _l("Register the child-protection certificate (børneattest) first."))
    if not route.introduction_done:
        errors.setdefault("introduction", []).append(
            _l("%(held)s of %(needed)s introduction sessions held.", held=len(route.introductions),
               needed=route.introductions_needed))
    if referral.status == "received":
        errors.setdefault("referral", []).append(_l("Decide the intake of the referral first."))
    raise_if(errors)
    if not referral.consent_active:
        raise Conflict(_l("The young person has withdrawn their consent."))
    if referral.decided_on and approved_on < referral.decided_on:
        raise ServiceError(_l("The approval cannot be before the intake (%(date)s).",
                              date=referral.decided_on.isoformat()), field="approved_on")
    if volunteer.status == "left":
        raise Conflict(_l("The volunteer has left."))
    volunteers.advance_to(volunteer, "in_training", approved_on)
    if volunteer.status == "in_training":
        volunteers.change_status(volunteer, "approved", approved_on, note=None)
    with proposing_for_own_young_person(volunteer.id):
        match = matching.propose(referral, [volunteer.id], on=approved_on)
        matching.choose(match, volunteer.id, on=approved_on)
        matching.accept(match, on=approved_on)
    match.network_nominated = True
    audit.record("match.network_nominated", match, nomination=nomination.id)
    if volunteer.status == "approved":
        volunteers.change_status(volunteer, "active", approved_on, note=None)
    nomination.approved_on = approved_on
    nomination.match_id = match.id
    nomination.closed_reason, nomination.closed_on = "matched", approved_on
    audit.record("network_nomination.matched", nomination, match=match.id, volunteer=volunteer.id)
    return match


def refuse(nomination: NetworkNomination, closed_on: date | None, note: str | None = None) -> NetworkNomination:
    """The adult cannot be approved (the certificate, the introduction, or the coordinator's
    judgement): the nomination closes, the volunteer record leaves, and the referral is matched
    from the corps (it is accepted and waiting, so the matching board offers corps mentors)."""
    from core.volunteers import services as volunteers

    volunteer = _volunteer_of(nomination)
    note = (note or "").strip() or None
    errors: dict = {}
    _check_day(errors, "closed_on", closed_on, not_before=max(nomination.answered_on, volunteer.status_since),
               before_label=_l("The date cannot be before the adult's last step (%(date)s).",
                               date=max(nomination.answered_on, volunteer.status_since).isoformat()))
    _check_lengths({"note": note}, errors)
    raise_if(errors)
    nomination.closed_reason, nomination.closed_on = "not_approved", closed_on
    nomination.note = note or nomination.note
    if volunteer.status != "left":
        volunteers.change_status(volunteer, "left", closed_on, note=str(_l("Not approved as a nominated mentor.")))
    audit.record("network_nomination.not_approved", nomination, volunteer=volunteer.id)
    return nomination


# ---- the young person's consent, the intake -------------------------------------------------------------

def remove_contact_data(referral: Referral, reason: str) -> int:
    """The young person withdrew their consent (``withdrawn``), or the referral was rejected at
    intake (``rejected``): the adult's name and contact data are removed from every nomination of
    the referral, an open one closes, and a nominated adult's volunteer record that exists only for
    this young person leaves. Returns the number of nominations touched."""
    from core.volunteers import services as volunteers

    touched = 0
    for nomination in nominations_of(referral.id):
        nomination.adult_name = nomination.relation = nomination.phone = nomination.email = nomination.note = None
        if nomination.is_open:
            nomination.closed_reason, nomination.closed_on = reason, today()
        volunteer = nomination.volunteer
        if volunteer is not None and volunteer.status != "left":
            volunteers.change_status(volunteer, "left", max(today(), volunteer.status_since),
                                     note=str(_l("The young person who named them withdrew from the corps.")))
        touched += 1
        audit.record("network_nomination.contact_data_removed", nomination, reason=reason)
    return touched
