"""marshmallow schemas of the volunteers API: load schemas (``unknown = RAISE``, explicit fields,
lengths, codes) and dump schemas (only what a coordinator needs).

The schemas check the shape of a request: types, lengths and fixed code lists. The domain rules
(age, dates in order, capacity, the tenant's recruitment channels) are the services' and come back
as a ``ServiceError`` with the same per-field error format, so they are not repeated here; the
OpenAPI document shows their limits through ``metadata``.
"""
from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from core.settings import MAX_CAPACITY
from core.volunteers.models import EDUCATIONS, EMPLOYMENT_SECTORS, GENDERS, SCREENING_KINDS, VolunteerStatus
from core.volunteers.services import LIST_LIMIT, TEXT_LIMITS

STATUSES = tuple(s.value for s in VolunteerStatus)

# Messages of marshmallow's validators, lazily translated so that the caller's language is used
# when the validator formats them (the msgids are marshmallow's own, see core/i18n_messages.py).
TOO_LONG = _l("Longer than maximum length {max}.")
ONE_OF = _l("Must be one of: {choices}.")
AT_LEAST = _l("Must be greater than or equal to {min}.")


def max_length(n: int) -> validate.Length:
    return validate.Length(max=n, error=TOO_LONG)


def one_of(choices) -> validate.OneOf:
    return validate.OneOf(tuple(choices), error=ONE_OF)


def text(n: int, **kwargs) -> fields.String:
    """An optional text of at most ``n`` characters (``null`` clears it)."""
    kwargs.setdefault("allow_none", True)
    return fields.String(validate=max_length(n), **kwargs)


def code(choices, **kwargs) -> fields.String:
    kwargs.setdefault("allow_none", True)
    return fields.String(validate=one_of(choices), **kwargs)


def object_id(**kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(min=1, error=AT_LEAST), **kwargs)


class LoadSchema(ma.Schema):
    """Base of every request body: a field the API does not know is an error, never ignored."""

    class Meta:
        unknown = ma.RAISE


# ---- volunteers --------------------------------------------------------------------------------

class VolunteerPatchSchema(LoadSchema):
    """The profile fields a coordinator may set; every field is optional (PATCH)."""

    name = fields.String(validate=max_length(TEXT_LIMITS["name"]))
    external_id = text(TEXT_LIMITS["external_id"], metadata={"description": "The municipality's own key (import)"})
    email = text(TEXT_LIMITS["email"])
    phone = text(TEXT_LIMITS["phone"])
    postcode = text(TEXT_LIMITS["postcode"])
    gender = code(GENDERS)
    birth_date = fields.Date(allow_none=True, metadata={"description": "YYYY-MM-DD; a mentor is at least 18"})
    background = text(TEXT_LIMITS["background"], metadata={"description": "Ethnic background, as the volunteer chooses to state it"})
    languages = fields.List(fields.String(validate=max_length(60)), allow_none=True,
                            validate=validate.Length(max=LIST_LIMIT, error=TOO_LONG))
    interests = fields.List(fields.String(validate=max_length(60)), allow_none=True,
                            validate=validate.Length(max=LIST_LIMIT, error=TOO_LONG))
    work_background = text(TEXT_LIMITS["work_background"])
    competences = text(TEXT_LIMITS["competences"])
    wishes = text(TEXT_LIMITS["wishes"])
    reservations = text(TEXT_LIMITS["reservations"])
    employment_sector = code(EMPLOYMENT_SECTORS)
    education = code(EDUCATIONS)
    recruitment_channel = text(40, metadata={"description": "A recruitment channel code of the tenant (the defaults and "
                                                            "those its plugins add)"})
    capacity = fields.Integer(strict=True, allow_none=True, metadata={
        "minimum": 0, "maximum": MAX_CAPACITY,
        "description": "How many young people at once; empty: the tenant's default"})
    recruited_on = fields.Date(allow_none=True, metadata={"description": "First contact; default today"})


class VolunteerCreateSchema(VolunteerPatchSchema):
    name = fields.String(required=True, validate=max_length(TEXT_LIMITS["name"]))


class VolunteerListArgsSchema(ma.Schema):
    q = fields.String(validate=max_length(100), metadata={"description": "Part of the name or e-mail"})
    status = fields.String(validate=one_of(STATUSES), metadata={"enum": list(STATUSES)})
    channel = fields.String(validate=max_length(40), metadata={"description": "Recruitment channel code"})


class VolunteerSummarySchema(ma.Schema):
    """A row of the list: contact and status, not the profile."""

    id = fields.Integer()
    external_id = fields.String()
    name = fields.String()
    email = fields.String()
    phone = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    status_since = fields.Date()
    recruitment_channel = fields.String()
    capacity = fields.Integer()
    recruited_on = fields.Date()
    left_on = fields.Date()


class VolunteerSchema(VolunteerSummarySchema):
    """A volunteer's record: the profile, recruitment, capacity and status."""

    postcode = fields.String()
    gender = fields.String(metadata={"enum": list(GENDERS)})
    birth_date = fields.Date()
    background = fields.String()
    languages = fields.List(fields.String())
    interests = fields.List(fields.String())
    work_background = fields.String()
    competences = fields.String()
    wishes = fields.String()
    reservations = fields.String()
    employment_sector = fields.String(metadata={"enum": list(EMPLOYMENT_SECTORS)})
    education = fields.String(metadata={"enum": list(EDUCATIONS)})


# ---- status ------------------------------------------------------------------------------------

class StatusChangeInSchema(LoadSchema):
    to_status = code(STATUSES, required=True, allow_none=False)
    on = fields.Date(allow_none=True, metadata={"description": "The day of the change; default today"})
    note = text(500)


class StatusChangeSchema(ma.Schema):
    id = fields.Integer()
    from_status = fields.String(metadata={"enum": list(STATUSES)})
    to_status = fields.String(metadata={"enum": list(STATUSES)})
    on = fields.Date()
    note = fields.String()
    at = fields.DateTime(metadata={"description": "When it was recorded (UTC)"})


# ---- screening ---------------------------------------------------------------------------------

class ScreeningInSchema(LoadSchema):
    kind = code(SCREENING_KINDS, required=True, allow_none=False)
    obtained_on = fields.Date(required=True)
    note = text(500)


class ScreeningSchema(ma.Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(SCREENING_KINDS)})
    obtained_on = fields.Date()
    valid_until = fields.Date(metadata={"description": "obtained_on plus the tenant's validity in months"})
    note = fields.String()


# ---- eligibility -------------------------------------------------------------------------------

class FindingSchema(ma.Schema):
    code = fields.String(metadata={"description": "The gate: status, course, screening or a plugin's rule"})
    message = fields.String(metadata={"description": "In the language of Accept-Language"})
    blocking = fields.Boolean()


class EligibilitySchema(ma.Schema):
    eligible = fields.Boolean(metadata={"description": "Whether the volunteer can be matched today"})
    findings = fields.List(fields.Nested(FindingSchema))
