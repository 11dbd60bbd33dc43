"""marshmallow schemas of the volunteers API: load schemas (``unknown = RAISE``, explicit fields,
lengths, codes) and dump schemas (only what a coordinator needs).

The schemas check the shape of a request: types, lengths and fixed code lists. The domain rules
(age, dates in order, capacity within the tenant's limit, the profile fields the tenant requires,
the tenant's recruitment channels) are the services' and come back
as a ``ServiceError`` with the same per-field error format, so they are not repeated here; the
OpenAPI document shows their limits through ``metadata``.
"""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from core.schemas import TOO_LONG, LoadSchema, PatchSchema, UtcDateTime, code, max_length, one_of, text, whole_number
from core.settings import MAX_CAPACITY
from core.volunteers.models import EDUCATIONS, EMPLOYMENT_SECTORS, GENDERS, SCREENING_KINDS, VolunteerStatus
from core.volunteers.services import LIST_LIMIT, TEXT_LIMITS

STATUSES = tuple(s.value for s in VolunteerStatus)


# ---- volunteers --------------------------------------------------------------------------------

class VolunteerPatchSchema(PatchSchema):
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
    capacity = whole_number(allow_none=True, metadata={
        "minimum": 0, "maximum": MAX_CAPACITY,
        "description": "How many young people at once, at most the tenant's limit (the mentorkorps_capacity_limit "
                       "hook; 10 unless a plugin sets less); empty: the tenant's default"})
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
    external_id = fields.String(allow_none=True)
    name = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": list(STATUSES)})
    status_since = fields.Date()
    recruitment_channel = fields.String(allow_none=True)
    capacity = fields.Integer()
    recruited_on = fields.Date()
    left_on = fields.Date(allow_none=True)


class VolunteerSchema(VolunteerSummarySchema):
    """A volunteer's record: the profile, recruitment, capacity and status."""

    postcode = fields.String(allow_none=True)
    gender = fields.String(allow_none=True, metadata={"enum": [*GENDERS, None]})
    birth_date = fields.Date(allow_none=True)
    background = fields.String(allow_none=True)
    languages = fields.List(fields.String())
    interests = fields.List(fields.String())
    work_background = fields.String(allow_none=True)
    competences = fields.String(allow_none=True)
    wishes = fields.String(allow_none=True)
    reservations = fields.String(allow_none=True)
    employment_sector = fields.String(allow_none=True, metadata={"enum": [*EMPLOYMENT_SECTORS, None]})
    education = fields.String(allow_none=True, metadata={"enum": [*EDUCATIONS, None]})


# ---- status ------------------------------------------------------------------------------------

class StatusChangeInSchema(LoadSchema):
    to_status = code(STATUSES, required=True, allow_none=False)
    on = fields.Date(allow_none=True, metadata={"description": "The day of the change; default today"})
    note = text(500)


class StatusChangeSchema(ma.Schema):
    id = fields.Integer()
    from_status = fields.String(allow_none=True, metadata={"enum": [*STATUSES, None]})
    to_status = fields.String(metadata={"enum": list(STATUSES)})
    on = fields.Date()
    note = fields.String(allow_none=True)
    at = UtcDateTime(metadata={"description": "When it was recorded (UTC)"})


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
    note = fields.String(allow_none=True)


# ---- eligibility -------------------------------------------------------------------------------

class FindingSchema(ma.Schema):
    code = fields.String(metadata={"description": "The gate: status, course, screening or a plugin's rule"})
    message = fields.String(metadata={"description": "In the language of Accept-Language"})
    blocking = fields.Boolean()


class EligibilitySchema(ma.Schema):
    eligible = fields.Boolean(metadata={"description": "Whether the volunteer can be matched today"})
    findings = fields.List(fields.Nested(FindingSchema))
