"""marshmallow schemas of the referrals API: load schemas (``unknown = RAISE``, explicit fields,
lengths) and one dump schema per role, each with an EXPLICIT field list. Who sees what:

- **coordinator** — the whole referral and young person, the CPR number only masked
  (``cpr_masked``: ``010203-xxxx``; in clear only on the referral page's audited "show CPR").
- **caseworker** (their own referrals only) — what they sent and what became of it: status,
  source, situation, their own reason, dates, consent dates, the decision with its reason, the
  target-group rules' findings (about the data they sent) and the outcome. Not: the CPR number in
  any form, the intake answers, the findings of the intake questions (the coordinator's
  assessment), the young person's needs, wishes and contact details, the shared goals.
- **mentor** — never a referral: :class:`MentorCitizenSchema` is the most a mentor sees of their
  young person (first name, age, contact details the young person agreed to share, the shared
  goals); never the CPR number, the needs, the intake answers or the referral's text.

The API's response is documented with :class:`ReferralSchema` (the coordinator's fields); its
``dump`` hands the object to the caller's role's schema, so a caseworker's answer has a subset of
the documented fields.
"""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from core.referrals.models import GENDERS, REFERRAL_STATUSES
from core.referrals.services import DECISIONS, LIST_LIMIT, TEXT_LIMITS
from core.schemas import TOO_LONG, LoadSchema, StrictBoolean, UtcDateTime, code, max_length, one_of, text


# ---- load --------------------------------------------------------------------------------------

class CitizenInSchema(LoadSchema):
    name = fields.String(required=True, validate=max_length(TEXT_LIMITS["name"]))
    birth_date = fields.Date(required=True, allow_none=True,
                             metadata={"description": "YYYY-MM-DD; may be null when a CPR number is given"})
    cpr = text(11, metadata={"description": "DDMMYY-XXXX or ten digits; stored encrypted, never sent back in clear"})
    gender = code(GENDERS)
    postcode = text(TEXT_LIMITS["postcode"])
    languages = fields.List(fields.String(validate=max_length(60)), allow_none=True,
                            validate=validate.Length(max=LIST_LIMIT, error=TOO_LONG))
    interests = fields.List(fields.String(validate=max_length(60)), allow_none=True,
                            validate=validate.Length(max=LIST_LIMIT, error=TOO_LONG))
    education_wishes = text(TEXT_LIMITS["education_wishes"])
    needs = text(TEXT_LIMITS["needs"])
    mentor_gender_wish = code(GENDERS)
    mentor_wishes = text(TEXT_LIMITS["mentor_wishes"])
    phone = text(TEXT_LIMITS["phone"])
    email = text(TEXT_LIMITS["email"])
    share_contact_with_mentor = StrictBoolean(metadata={"description": "The young person agrees that the mentor "
                                                                       "sees the phone number and e-mail address"})


class ConsentInSchema(LoadSchema):
    given_on = fields.Date(required=True)
    text_version = fields.String(required=True, validate=[max_length(TEXT_LIMITS["consent_text_version"]),
                                                          validate.Length(min=1)])


class ReferralCreateSchema(LoadSchema):
    citizen = fields.Nested(CitizenInSchema, required=True)
    referred_on = fields.Date(allow_none=True, metadata={"description": "Default today"})
    source = fields.String(required=True, validate=max_length(40),
                           metadata={"description": "A referral source code of the tenant (CONTRACT.md section 3 "
                                                    "and its plugins')"})
    situation = fields.String(required=True, validate=max_length(40),
                              metadata={"description": "A situation code of the tenant"})
    reason = text(TEXT_LIMITS["reason"])
    consent = fields.Nested(ConsentInSchema, required=True,
                            metadata={"description": "The young person's consent; without it the referral is refused"})
    referrer_name = text(TEXT_LIMITS["referrer_name"], metadata={
        "description": "Coordinators only: a named outside referrer (jobcenter, school, counsellor)"})
    referrer_organisation = text(TEXT_LIMITS["referrer_organisation"])


class ReferralListArgsSchema(ma.Schema):
    status = fields.String(validate=one_of(REFERRAL_STATUSES), metadata={"enum": list(REFERRAL_STATUSES)})


class IntakeInSchema(LoadSchema):
    answers = fields.Dict(keys=fields.String(validate=max_length(64)), values=fields.Raw(allow_none=True),
                          load_default=dict, validate=validate.Length(max=100, error=TOO_LONG),
                          metadata={"description": "criterion key: answer (the tenant's intake questions)"})
    decision = fields.String(required=True, validate=one_of(DECISIONS), metadata={"enum": list(DECISIONS)})
    reason = text(TEXT_LIMITS["decision_reason"], metadata={"description": "Required to reject"})


class WithdrawConsentInSchema(LoadSchema):
    """No fields: withdrawing is one action (an empty body or ``{}``)."""


# ---- dump: per role ----------------------------------------------------------------------------

class ReferralFindingSchema(ma.Schema):
    rule = fields.String(metadata={"description": "The rule's or question's key"})
    message = fields.String(metadata={"description": "The reason, in the language of the moment it was found"})
    blocking = fields.Boolean()


class CoordinatorCitizenSchema(ma.Schema):
    id = fields.Integer()
    name = fields.String()
    birth_date = fields.Date(allow_none=True)
    cpr_masked = fields.String(allow_none=True, metadata={"description": "010203-xxxx; null without a CPR number"})
    gender = fields.String(allow_none=True)
    postcode = fields.String(allow_none=True)
    languages = fields.List(fields.String())
    interests = fields.List(fields.String())
    education_wishes = fields.String(allow_none=True)
    needs = fields.String(allow_none=True)
    mentor_gender_wish = fields.String(allow_none=True)
    mentor_wishes = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    share_contact_with_mentor = fields.Boolean()


class CaseworkerCitizenSchema(ma.Schema):
    name = fields.String()
    birth_date = fields.Date(allow_none=True)


class CoordinatorConsentSchema(ma.Schema):
    given_on = fields.Date()
    text_version = fields.String()
    registered_by_id = fields.Integer(allow_none=True)
    withdrawn_on = fields.Date(allow_none=True)
    withdrawn_by_id = fields.Integer(allow_none=True)


class CaseworkerConsentSchema(ma.Schema):
    given_on = fields.Date()
    text_version = fields.String()
    withdrawn_on = fields.Date(allow_none=True)


class ReferrerSchema(ma.Schema):
    user_id = fields.Integer(allow_none=True, metadata={"description": "The referring account, if any"})
    name = fields.String(allow_none=True, metadata={"description": "A named outside referrer"})
    organisation = fields.String(allow_none=True)


class CaseworkerReferralSchema(ma.Schema):
    """A caseworker's own referral: what they sent and what became of it."""

    id = fields.Integer()
    status = fields.String(metadata={"enum": list(REFERRAL_STATUSES)})
    referred_on = fields.Date()
    source = fields.String()
    situation = fields.String()
    reason = fields.String(allow_none=True)
    consent = fields.Nested(CaseworkerConsentSchema)
    citizen = fields.Nested(CaseworkerCitizenSchema)
    findings = fields.List(fields.Nested(ReferralFindingSchema), metadata={
        "description": "Findings of the target-group rules (for a caseworker: not those of the intake questions)"})
    decision = fields.String(allow_none=True, metadata={"enum": [*DECISIONS, None]})
    decision_reason = fields.String(allow_none=True)
    decided_on = fields.Date(allow_none=True)
    outcome = fields.String(allow_none=True, metadata={"description": "The outcome code of the ended match"})


class ReferralSchema(CaseworkerReferralSchema):
    """A referral as a coordinator sees it (a caseworker's answer has a subset of these fields:
    see the module's docstring)."""

    external_id = fields.String(allow_none=True)
    referrer = fields.Nested(ReferrerSchema)
    consent = fields.Nested(CoordinatorConsentSchema)
    citizen = fields.Nested(CoordinatorCitizenSchema)
    intake_answers = fields.Dict(metadata={"description": "criterion key: answer"})
    decided_by_id = fields.Integer(allow_none=True)
    shared_goals = fields.String(allow_none=True)
    created_at = UtcDateTime()

    def dump(self, obj, *, many=None):
        """Dump with the schema of the caller's role (coordinator: this one)."""
        from core.access import current_role

        schema_class = ROLE_SCHEMAS.get(current_role())
        if schema_class is None:  # no other role sees referrals
            raise ma.ValidationError("no referral fields for this role")
        many = self.many if many is None else many
        if schema_class is ReferralSchema:
            return super().dump(obj, many=many)
        return schema_class(many=many).dump(obj)


class MentorCitizenSchema(ma.Schema):
    """The most a mentor ever sees of their young person."""

    first_name = fields.String()
    age = fields.Integer(allow_none=True)
    phone = fields.String(allow_none=True, metadata={"description": "Only when the young person agreed to share it"})
    email = fields.String(allow_none=True, metadata={"description": "Only when the young person agreed to share it"})
    shared_goals = fields.String(allow_none=True)


ROLE_SCHEMAS = {"coordinator": ReferralSchema, "caseworker": CaseworkerReferralSchema}

# The explicit field lists, for the tests and the documentation.
COORDINATOR_FIELDS = frozenset(ReferralSchema._declared_fields)
CASEWORKER_FIELDS = frozenset(CaseworkerReferralSchema._declared_fields)
MENTOR_FIELDS = frozenset(MentorCitizenSchema._declared_fields)

