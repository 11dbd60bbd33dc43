"""Citizens and referrals: a referral with the young person's consent, the intake by the tenant's
rules and questions (gathered from hooks), the decision, and the withdrawal of consent.

Every change goes through these functions; they validate, audit, call the lifecycle hooks and never
commit. Access (who may see or act on which referral) is the views' and API's, through
:func:`visible_referral`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import bindparam, func, select

from core.audit import services as audit
from core.audit.models import READ
from core.codes import codes
from core import clock
from core.inputs import clean_fields
from core.errors import Conflict, NotFound, ServiceError, raise_if
from core.extensions import db
from core.hooks import current_hooks
from core.pagination import paginate
from core.tenancy import built_once
from core.referrals import cpr as cpr_numbers
from core.referrals.models import GENDERS, OPEN_REFERRAL_STATUSES, REFERRAL_STATUSES, Citizen, Referral

TEXT_LIMITS = {"name": 120, "postcode": 10, "phone": 40, "email": 254, "education_wishes": 2000, "needs": 2000,
               "mentor_wishes": 2000, "reason": 4000, "referrer_name": 120, "referrer_organisation": 120,
               "consent_text_version": 40, "external_id": 64, "decision_reason": 2000}
LIST_LIMIT = 20  # languages, interests
CITIZEN_FIELDS = ("name", "birth_date", "cpr", "gender", "postcode", "languages", "interests", "education_wishes",
                  "needs", "mentor_gender_wish", "mentor_wishes", "phone", "email", "share_contact_with_mentor")
REFERRAL_FIELDS = ("referred_on", "source", "situation", "reason", "consent_given_on", "consent_text_version",
                   "referrer_name", "referrer_organisation")
DECISIONS = ("accept", "reject")
STATUS_LABELS = {
    "received": _l("Received"),
    "accepted": _l("Accepted"),
    "rejected": _l("Rejected"),
    "proposed": _l("Mentor proposed"),
    "matched": _l("Matched"),
    "ended": _l("Ended"),
    "withdrawn": _l("Consent withdrawn"),
}
GENDER_LABELS = {"female": _l("Female"), "male": _l("Male"), "other": _l("Other")}
DECISION_LABELS = {"accept": _l("Accepted"), "reject": _l("Rejected")}
# A finding's kind: of a target-group rule (about the referral's own data) or of an intake question
# (about the coordinator's answers, which only coordinators see).
RULE, QUESTION = "rule", "question"


def today() -> date:
    return clock.today()


def _acting_user():
    return current_user if has_request_context() and current_user.is_authenticated else None


def sources() -> dict:
    """``{code: label}`` of the tenant's referral sources (CONTRACT.md section 3 and plugins')."""
    return codes("mentorkorps_referral_sources")


def situations() -> dict:
    return codes("mentorkorps_referral_situations")


def consent_text():
    """The tenant's consent text: ``Code(version, text)``."""
    return current_hooks().mentorkorps_consent_text()


# ---- validation --------------------------------------------------------------------------------

def _check_lengths(data: dict, errors: dict) -> None:
    for key, limit in TEXT_LIMITS.items():
        value = data.get(key)
        if isinstance(value, str) and len(value) > limit:
            errors.setdefault(key, []).append(_l("At most %(num)s characters.", num=limit))
    for key in ("languages", "interests"):
        if len(data.get(key) or []) > LIST_LIMIT:
            errors.setdefault(key, []).append(_l("At most %(num)s entries.", num=LIST_LIMIT))
        elif any(len(item) > 60 for item in data.get(key) or []):
            errors.setdefault(key, []).append(_l("At most %(num)s characters each.", num=60))


def _validate_citizen(data: dict, errors: dict, on: date) -> str | None:
    """Check the young person's fields; the CPR number's ten digits, or ``None``."""
    digits = None
    if not data.get("name"):
        errors.setdefault("name", []).append(_l("The name is required."))
    if data.get("cpr"):
        try:
            digits = cpr_numbers.normalise(data["cpr"])
        except cpr_numbers.InvalidCPR:
            errors.setdefault("cpr", []).append(_l("Not a valid CPR number (DDMMYY-XXXX)."))
    if digits and data.get("birth_date") and data["birth_date"] != cpr_numbers.birth_date(digits):
        errors.setdefault("birth_date", []).append(_l("The birth date does not match the CPR number."))
    if not data.get("birth_date") and not digits and "cpr" not in errors:
        errors.setdefault("birth_date", []).append(_l("The birth date is required."))
    if data.get("birth_date") and data["birth_date"] > on:
        errors.setdefault("birth_date", []).append(_l("The birth date cannot be in the future."))
    for key in ("gender", "mentor_gender_wish"):
        if data.get(key) is not None and data[key] not in GENDERS:
            errors.setdefault(key, []).append(_l("Unknown code."))
    return digits


def _validate_referral(data: dict, errors: dict, on: date) -> None:
    if data.get("source") not in sources():
        errors.setdefault("source", []).append(_l("Choose where the referral comes from.") if not data.get("source")
                                               else _l("Unknown code."))
    if data.get("situation") not in situations():
        errors.setdefault("situation", []).append(_l("Choose the young person's situation.")
                                                  if not data.get("situation") else _l("Unknown code."))
    if data.get("referred_on") and data["referred_on"] > on:
        errors.setdefault("referred_on", []).append(_l("The date cannot be in the future."))
    # The young person's consent is required: no referral without it.
    if not data.get("consent_given_on"):
        errors.setdefault("consent_given_on", []).append(_l("The young person's consent is required."))
    elif data["consent_given_on"] > on:
        errors.setdefault("consent_given_on", []).append(_l("The date cannot be in the future."))
    if not data.get("consent_text_version"):
        errors.setdefault("consent_text_version", []).append(_l("State the version of the consent text."))


# ---- referrals ---------------------------------------------------------------------------------

def create_referral(data: dict, referrer, role: str) -> Referral:
    """A new referral (status ``received``) of the young person in ``data["citizen"]``.

    ``data`` holds the referral's fields (:data:`REFERRAL_FIELDS`) and ``citizen``, a dict of the
    young person's (:data:`CITIZEN_FIELDS`). The citizen is found by the CPR number's keyed hash
    within the tenant, or created. ``referrer`` is the signed-in user: a caseworker is the referrer;
    a coordinator registers either their own referral or a named outside referrer
    (``referrer_name``, ``referrer_organisation``). Errors come back at once, per field, with the
    citizen's fields under their own names."""
    data = dict(data)
    citizen_data = clean_fields(dict(data.pop("citizen", None) or {}))
    unknown = (set(data) - set(REFERRAL_FIELDS)) | (set(citizen_data) - set(CITIZEN_FIELDS))
    if unknown:
        raise ServiceError(_l("Unknown fields: %(fields)s", fields=", ".join(sorted(unknown))))
    data = clean_fields(data)
    on = today()
    errors: dict[str, list] = {}
    digits = _validate_citizen(citizen_data, errors, on)
    _validate_referral(data, errors, on)
    _check_lengths({**citizen_data, **data}, errors)
    if role != "coordinator" and (data.get("referrer_name") or data.get("referrer_organisation")):
        errors.setdefault("referrer_name", []).append(_l("Only a coordinator registers an outside referrer."))
    if data.get("referrer_organisation") and not data.get("referrer_name"):
        errors.setdefault("referrer_name", []).append(_l("Name the referrer."))
    raise_if(errors)

    citizen = None
    if digits:
        citizen = db.session.scalar(select(Citizen).where(Citizen.cpr_hash == cpr_numbers.lookup_hash(digits)))
    if citizen is not None:
        if db.session.scalar(select(func.count(Referral.id)).where(Referral.citizen_id == citizen.id,
                                                                   Referral.status.in_(OPEN_REFERRAL_STATUSES))):
            raise Conflict(_l("The young person already has an open referral."), field="cpr")
        for key, value in citizen_data.items():  # the newest referral brings the current details
            if key != "cpr" and value not in (None, []):
                setattr(citizen, key, value)
    else:
        fields = {k: v for k, v in citizen_data.items() if k != "cpr"}
        if digits:
            fields.setdefault("birth_date", None)
            fields["birth_date"] = fields["birth_date"] or cpr_numbers.birth_date(digits)
            fields.update(cpr_encrypted=cpr_numbers.encrypt(digits), cpr_hash=cpr_numbers.lookup_hash(digits))
        fields.setdefault("languages", [])
        fields.setdefault("interests", [])
        fields["share_contact_with_mentor"] = bool(fields.get("share_contact_with_mentor"))
        citizen = Citizen(**fields)
        db.session.add(citizen)
        db.session.flush()

    outside = role == "coordinator" and data.get("referrer_name")
    referral = Referral(
        citizen_id=citizen.id, referred_on=data.get("referred_on") or on, source=data["source"],
        situation=data["situation"], reason=data.get("reason"), status="received",
        referrer_user_id=None if outside else referrer.id,
        referrer_name=data.get("referrer_name") if outside else None,
        referrer_organisation=data.get("referrer_organisation") if outside else None,
        consent_given_on=data["consent_given_on"], consent_text_version=data["consent_text_version"],
        consent_registered_by_id=referrer.id, intake_answers={}, findings=[])
    db.session.add(referral)
    db.session.flush()
    referral.citizen = citizen
    referral.findings = intake_findings(referral, {})  # the rules' findings as they stand at referral
    audit.record("referral.created", referral, citizen=citizen.id, source=referral.source)
    current_hooks().mentorkorps_referral_created(referral=referral)
    return referral


def get_referral(referral_id: int) -> Referral:
    referral = db.session.get(Referral, referral_id)
    if referral is None:
        raise NotFound(_l("The referral was not found."))
    return referral


def visible_referral(referral_id: int, user, role: str) -> Referral:
    """The referral as ``user`` in ``role`` may see it: a coordinator any of the tenant's, a
    caseworker only their own (another's is "not found", exactly as one that does not exist)."""
    referral = get_referral(referral_id)
    if role == "coordinator":
        return referral
    if role == "caseworker" and referral.referrer_user_id == user.id:
        return referral
    raise NotFound(_l("The referral was not found."))


def get_referral_for_page(referral_id: int) -> Referral:
    """:func:`get_referral` with its young person loaded along (the referral's page shows both), by
    a statement built once instead of a lazy load built while the page renders."""
    referral = db.session.scalar(_referral_page_statement(), {"referral_id": referral_id})
    if referral is None:
        raise NotFound(_l("The referral was not found."))
    return referral


@cache
def _referral_page_statement():
    from sqlalchemy.orm import joinedload

    return built_once(select(Referral).where(Referral.id == bindparam("referral_id"))
                      .options(joinedload(Referral.citizen)))


def citizen_id_of(referral_id) -> int | None:
    """The young person of a referral (for the read audit: the subject is the young person). One
    column by a statement built once: the page's objects are gone from the session by the time the
    audit asks (the identity map holds them weakly)."""
    if referral_id is None:
        return None
    return db.session.scalar(_citizen_of_statement(), {"referral_id": int(referral_id)})


@cache
def _citizen_of_statement():
    return built_once(select(Referral.citizen_id).where(Referral.id == bindparam("referral_id")))


def _outcome_column():
    from core.matching.models import Match

    return (select(Match.outcome)
            .where(Match.referral_id == Referral.id, Match.tenant_id == Referral.tenant_id, Match.status == "ended")
            .order_by(Match.ended_on.desc(), Match.id.desc()).limit(1).correlate(Referral).scalar_subquery()
            .label("outcome"))


def referral_query(*, status: str | None = None, referrer_user_id: int | None = None, oldest_first: bool = False):
    """Referrals with their young person and outcome (of the last ended match): ``(referral,
    outcome)`` rows in one statement."""
    from sqlalchemy.orm import joinedload

    stmt = select(Referral, _outcome_column()).options(joinedload(Referral.citizen))
    if status:
        stmt = stmt.where(Referral.status == status)
    if referrer_user_id is not None:
        stmt = stmt.where(Referral.referrer_user_id == referrer_user_id)
    if oldest_first:
        return stmt.order_by(Referral.referred_on, Referral.id)
    return stmt.order_by(Referral.referred_on.desc(), Referral.id.desc())


def list_referrals(*, status=None, referrer_user_id=None, oldest_first=False, page=1, per_page=50):
    """One page of ``(referral, outcome)`` rows: two statements, whatever the number of rows."""
    stmt = referral_query(status=status, referrer_user_id=referrer_user_id, oldest_first=oldest_first)
    count = select(func.count(Referral.id))
    if status:
        count = count.where(Referral.status == status)
    if referrer_user_id is not None:
        count = count.where(Referral.referrer_user_id == referrer_user_id)
    return paginate(stmt, count, page=page, per_page=per_page, rows=True)


def outcome_of(referral: Referral) -> str | None:
    return db.session.scalar(_outcome_statement(), {"referral_id": referral.id})


@cache
def _outcome_statement():
    """The outcome of the referral's latest ended match; built once (the referral's page asks)."""
    from core.matching.models import Match

    return built_once(select(Match.outcome).where(Match.referral_id == bindparam("referral_id"), Match.status == "ended")
                      .order_by(Match.ended_on.desc(), Match.id.desc()).limit(1))


# ---- what each role sees -----------------------------------------------------------------------

def referral_data(referral: Referral, outcome: str | None, role: str) -> dict:
    """Every field a role's schema may pick (core.referrals.schemas holds the explicit lists).
    A caseworker's findings are the target-group rules' only; the CPR number only masked, and only
    worked out for a coordinator."""
    citizen = referral.citizen
    findings = list(referral.findings or [])
    if role != "coordinator":
        findings = [f for f in findings if f.get("kind", RULE) == RULE]
    return {
        "id": referral.id, "external_id": referral.external_id, "status": referral.status,
        "referred_on": referral.referred_on, "source": referral.source, "situation": referral.situation,
        "reason": referral.reason,
        "referrer": {"user_id": referral.referrer_user_id, "name": referral.referrer_name,
                     "organisation": referral.referrer_organisation},
        "consent": {"given_on": referral.consent_given_on, "text_version": referral.consent_text_version,
                    "registered_by_id": referral.consent_registered_by_id,
                    "withdrawn_on": referral.consent_withdrawn_on, "withdrawn_by_id": referral.consent_withdrawn_by_id},
        "citizen": {
            "id": citizen.id, "name": citizen.name, "birth_date": citizen.birth_date,
            "cpr_masked": masked_cpr(citizen) if role == "coordinator" else None,
            "gender": citizen.gender, "postcode": citizen.postcode, "languages": citizen.languages or [],
            "interests": citizen.interests or [], "education_wishes": citizen.education_wishes, "needs": citizen.needs,
            "mentor_gender_wish": citizen.mentor_gender_wish, "mentor_wishes": citizen.mentor_wishes,
            "phone": citizen.phone, "email": citizen.email,
            "share_contact_with_mentor": bool(citizen.share_contact_with_mentor)},
        "findings": findings, "intake_answers": referral.intake_answers or {}, "decision": referral.decision,
        "decision_reason": referral.decision_reason, "decided_on": referral.decided_on,
        "decided_by_id": referral.decided_by_id, "shared_goals": referral.shared_goals, "outcome": outcome,
        "created_at": referral.created_at,
    }


def mentor_view(referral: Referral, on: date | None = None) -> dict | None:
    """The most a mentor sees of their young person (core.referrals.schemas.MentorCitizenSchema):
    first name, age, the contact details the young person agreed to share, the shared goals. Nothing
    once the consent is withdrawn."""
    if not referral.consent_active:
        return None
    citizen = referral.citizen
    share = bool(citizen.share_contact_with_mentor)
    return {"first_name": citizen.first_name, "age": citizen.age_on(on or today()),
            "phone": citizen.phone if share else None, "email": citizen.email if share else None,
            "shared_goals": referral.shared_goals}


# ---- CPR ---------------------------------------------------------------------------------------

def masked_cpr(citizen: Citizen) -> str | None:
    """``010203-xxxx``, or ``None`` when no CPR number is registered."""
    if not citizen.cpr_encrypted:
        return None
    return cpr_numbers.mask(cpr_numbers.decrypt(citizen.cpr_encrypted))


def reveal_cpr(citizen: Citizen, user=None) -> str | None:
    """The CPR number in clear (coordinators only: the view's policy), recorded in the read audit as
    ``cpr.revealed`` of the young person."""
    if not citizen.cpr_encrypted:
        return None
    digits = cpr_numbers.decrypt(citizen.cpr_encrypted)
    user = user or _acting_user()
    audit.note(audit.Pending(READ, "cpr.revealed", getattr(user, "id", None), "citizen", citizen.id))
    return f"{digits[:6]}-{digits[6:]}"


# ---- intake ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Question:
    key: str
    question: object
    reason: object
    blocking_answer: object


def intake_questions() -> list[Question]:
    """Every intake question of every enabled plugin, the first of a key winning."""
    seen, questions = set(), []
    for batch in current_hooks().mentorkorps_intake_criteria():
        for criterion in batch or []:
            if criterion.key not in seen:
                seen.add(criterion.key)
                questions.append(Question(criterion.key, criterion.question, criterion.reason,
                                          criterion.blocking_answer))
    return questions


def intake_findings(referral: Referral, answers: dict | None = None, on: date | None = None) -> list[dict]:
    """Every finding of every target-group rule of every enabled plugin (each rule runs), then one
    per intake question whose answer is its blocking answer: ``{"rule", "message", "blocking",
    "kind"}``, messages in the current language."""
    on = on or today()
    findings = []
    for batch in current_hooks().mentorkorps_target_group_rules():
        for rule in batch or []:
            finding = rule.check(citizen=referral.citizen, referral=referral, on=on)
            if finding is not None:
                findings.append({"rule": finding.code or rule.key, "message": str(finding.message),
                                 "blocking": bool(finding.blocking), "kind": RULE})
    answers = answers if answers is not None else (referral.intake_answers or {})
    for question in intake_questions():
        if question.key in answers and answers[question.key] == question.blocking_answer:
            findings.append({"rule": question.key, "message": str(question.reason), "blocking": True,
                             "kind": QUESTION})
    return findings


def decide_intake(referral: Referral, answers: dict, decision: str, reason: str | None = None,
                  user=None) -> Referral:
    """Record the intake: the answers, the findings as they stood, the decision and its reason.

    Accepting while a blocking finding stands is a :class:`Conflict` (409) with the blocking
    findings in ``errors`` (``{rule: [message]}``); rejecting needs a reason; accepting needs every
    question answered. Only a referral still ``received`` can be decided."""
    user = user or _acting_user()
    if referral.status != "received":
        raise Conflict(_l("The referral is no longer waiting for intake."), field="decision")
    reason = (reason or "").strip() or None
    answers = dict(answers or {})
    questions = {q.key: q for q in intake_questions()}
    errors: dict[str, list] = {}
    for key in set(answers) - set(questions):
        errors.setdefault(key, []).append(_l("Unknown question."))
    for key, value in answers.items():
        if key in questions and not isinstance(value, (bool, str, int, type(None))):
            errors.setdefault(key, []).append(_l("Not a valid answer."))
    if decision not in DECISIONS:
        errors.setdefault("decision", []).append(_l("Choose accept or reject."))
    if decision == "reject" and not reason:
        errors.setdefault("reason", []).append(_l("Give the reason for the rejection."))
    if reason and len(reason) > TEXT_LIMITS["decision_reason"]:
        errors.setdefault("reason", []).append(_l("At most %(num)s characters.", num=TEXT_LIMITS["decision_reason"]))
    if decision == "accept":
        for key in questions:
            if answers.get(key) is None:
                errors.setdefault(key, []).append(_l("Answer the question."))
    raise_if(errors)
    findings = intake_findings(referral, answers)
    blocking = [f for f in findings if f["blocking"]]
    if decision == "accept" and blocking:
        conflict = {}
        for finding in blocking:
            conflict.setdefault(finding["rule"], []).append(finding["message"])
        raise Conflict(_l("The referral cannot be accepted while a blocking finding stands."), errors=conflict)
    referral.intake_answers = answers
    referral.findings = findings
    referral.decision = decision
    referral.decision_reason = reason
    referral.decided_on = today()
    referral.decided_by_id = getattr(user, "id", None)
    referral.status = "accepted" if decision == "accept" else "rejected"
    audit.record("referral.decided", referral, decision=decision, blocking=len(blocking))
    current_hooks().mentorkorps_referral_decided(referral=referral)
    return referral


# ---- consent -----------------------------------------------------------------------------------

def _cancel_open_matches(referral: Referral, user) -> int:
    """Cancel every open match of the referral, each with a dated transition. The match service's
    own function is used once it exists (core.matching.services.cancel_for_withdrawn_consent)."""
    try:
        from core.matching import services as matching
    except ImportError:
        matching = None
    cancel = getattr(matching, "cancel_for_withdrawn_consent", None)
    if cancel is not None:
        return cancel(referral)
    from core.matching.models import OPEN_STATUSES, Match, MatchTransition

    matches = db.session.scalars(select(Match).where(Match.referral_id == referral.id,
                                                     Match.status.in_(OPEN_STATUSES))).all()
    for match in matches:
        db.session.add(MatchTransition(match_id=match.id, from_status=match.status, to_status="cancelled",
                                       on=today(), note="consent_withdrawn", by_user_id=getattr(user, "id", None)))
        match.status = "cancelled"
        audit.record("match.cancelled", match, reason="consent_withdrawn")
    return len(matches)


def withdraw_consent(referral: Referral, user=None) -> Referral:
    """The young person withdrew their consent: one action. The referral stops (``withdrawn``),
    every open match of it is cancelled, and from the next request on the mentor sees nothing."""
    user = user or _acting_user()
    if referral.consent_withdrawn_on is not None:
        raise Conflict(_l("The consent has already been withdrawn."))
    referral.consent_withdrawn_on = today()
    referral.consent_withdrawn_by_id = getattr(user, "id", None)
    referral.status = "withdrawn"
    cancelled = _cancel_open_matches(referral, user)
    audit.record("referral.consent_withdrawn", referral, cancelled_matches=cancelled)
    current_hooks().mentorkorps_consent_withdrawn(referral=referral)
    return referral


__all__ = ["REFERRAL_STATUSES", "create_referral", "decide_intake", "get_referral", "intake_findings",
           "intake_questions", "list_referrals", "masked_cpr", "reveal_cpr", "visible_referral", "withdraw_consent"]
