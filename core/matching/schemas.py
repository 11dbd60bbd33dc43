"""marshmallow schemas of the matching API (CONTRACT.md 4a): load schemas (``unknown = RAISE``,
explicit fields) and dump schemas with EXPLICIT field lists. Who sees what of a match:

- **coordinator** — every match of the tenant: :class:`MatchSchema`.
- **mentor** — only their own matches (others are 404), with the same fields: ids, status, dates,
  end reason, outcome and the meeting figures; nothing of the young person (the mentor's page shows
  the little a mentor may see, through core.referrals.services.mentor_view).
- **caseworker** — no match (404): they follow the outcome through their referrals.
"""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from core.matching.models import MATCH_STATUSES
from core.schemas import LoadSchema, max_length, object_id, one_of

MATCH_KEYS = ("id", "referral_id", "volunteer_id", "status", "proposed_on", "chosen_on", "started_on", "ended_on",
              "end_reason", "outcome", "meeting_count", "last_meeting_on", "candidate_ids")


# ---- load --------------------------------------------------------------------------------------

class MatchListArgsSchema(ma.Schema):
    status = fields.String(validate=one_of(MATCH_STATUSES), metadata={"enum": list(MATCH_STATUSES)})


class CandidateArgsSchema(ma.Schema):
    limit = fields.Integer(strict=False, validate=validate.Range(min=1, max=20),
                           metadata={"description": "How many candidates (default: the tenant's number to present)"})


class ProposeInSchema(LoadSchema):
    referral_id = object_id(required=True)
    volunteer_ids = fields.List(object_id(), required=True, validate=validate.Length(min=1, max=20))


class ChooseInSchema(LoadSchema):
    volunteer_id = object_id(required=True)


class DeclineInSchema(LoadSchema):
    note = fields.String(allow_none=True, validate=max_length(500))


class CancelInSchema(LoadSchema):
    note = fields.String(allow_none=True, validate=max_length(500))


class EndInSchema(LoadSchema):
    ended_on = fields.Date(required=True)
    end_reason = fields.String(required=True, validate=max_length(40))
    outcome = fields.String(required=True, validate=max_length(40))


# ---- dump --------------------------------------------------------------------------------------

class ScorePartSchema(ma.Schema):
    key = fields.String()
    points = fields.Float()
    reason = fields.String()


class CandidateSchema(ma.Schema):
    volunteer_id = fields.Integer()
    score = fields.Float(allow_none=True)
    parts = fields.List(fields.Nested(ScorePartSchema))


class CandidatesSchema(ma.Schema):
    count = fields.Integer(metadata={"description": "The tenant's number of candidates to present"})
    candidates = fields.List(fields.Nested(CandidateSchema), metadata={"description": "Best first"})


class MatchSchema(ma.Schema):
    """A match, as a coordinator and the match's own mentor see it."""

    id = fields.Integer()
    referral_id = fields.Integer()
    volunteer_id = fields.Integer(allow_none=True, metadata={"description": "The chosen mentor; null while proposed"})
    status = fields.String(metadata={"enum": list(MATCH_STATUSES)})
    proposed_on = fields.Date()
    chosen_on = fields.Date(allow_none=True)
    started_on = fields.Date(allow_none=True)
    ended_on = fields.Date(allow_none=True)
    end_reason = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    meeting_count = fields.Integer()
    last_meeting_on = fields.Date(allow_none=True)
    candidate_ids = fields.List(fields.Integer(), metadata={"description": "The proposed mentors, in rank order"})
