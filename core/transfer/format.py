"""The import format of CONTRACT.md section 3: six sheets, their columns, and what each column holds.

Codes come from the tenant's hooks where a plugin may add its own (recruitment channels, referral
sources and situations, end reasons, outcomes) and from the models elsewhere, so they are read in the
tenant's context, once per import (:func:`allowed_codes`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.codes import codes
from core.meetings.models import FOLLOWUP_STATUSES
from core.meetings.services import MAX_MINUTES
from core.referrals.models import GENDERS as CITIZEN_GENDERS
from core.volunteers.models import EDUCATIONS, EMPLOYMENT_SECTORS, GENDERS as VOLUNTEER_GENDERS

# What a column holds.
EXTERNAL_ID = "external_id"  # the row's key, text of at most 64 characters
TEXT = "text"
DATE = "date"
CODE = "code"
REFERENCE = "reference"  # the external_id of a row of another sheet
WHOLE_NUMBER = "whole_number"

EXTERNAL_ID_LENGTH = 64
NAME_LENGTH = 120
MAX_MONTHS_AFTER = 120  # as the follow-up service allows
YES, NO = "yes", "no"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False  # a value is required in every row
    codes: Callable[[], object] | None = None  # for CODE: the allowed codes (an iterable of keys)
    sheet: str | None = None  # for REFERENCE: the sheet whose external_id it names
    limit: int | None = None  # TEXT: most characters; WHOLE_NUMBER: the largest value
    optional: bool = False  # the column itself may be left out of the sheet


def _hook_codes(hook_name: str) -> Callable[[], object]:
    return lambda: codes(hook_name)


def _fixed(values) -> Callable[[], object]:
    return lambda: values


# Parents before children: the order the sheets are validated, imported and exported in.
SHEETS: dict[str, tuple[Column, ...]] = {
    "volunteers": (
        Column("external_id", EXTERNAL_ID, required=True),
        Column("name", TEXT, required=True, limit=NAME_LENGTH),
        Column("birth_date", DATE),
        Column("gender", CODE, codes=_fixed(VOLUNTEER_GENDERS)),
        Column("employment_sector", CODE, codes=_fixed(EMPLOYMENT_SECTORS)),
        Column("education", CODE, codes=_fixed(EDUCATIONS)),
        Column("recruitment_channel", CODE, codes=_hook_codes("mentorkorps_recruitment_channels")),
        Column("recruited_on", DATE, required=True),
        Column("left_on", DATE),
    ),
    "citizens": (
        Column("external_id", EXTERNAL_ID, required=True),
        Column("name", TEXT, required=True, limit=NAME_LENGTH),
        Column("birth_date", DATE),
        Column("gender", CODE, codes=_fixed(CITIZEN_GENDERS)),
    ),
    "referrals": (
        Column("external_id", EXTERNAL_ID, required=True),
        Column("citizen_id", REFERENCE, required=True, sheet="citizens"),
        Column("referred_on", DATE, required=True),
        Column("source", CODE, required=True, codes=_hook_codes("mentorkorps_referral_sources")),
        Column("situation", CODE, required=True, codes=_hook_codes("mentorkorps_referral_situations")),
    ),
    "matches": (
        Column("external_id", EXTERNAL_ID, required=True),
        Column("referral_id", REFERENCE, required=True, sheet="referrals"),
        Column("volunteer_id", REFERENCE, required=True, sheet="volunteers"),
        Column("started_on", DATE, required=True),
        Column("ended_on", DATE),
        Column("end_reason", CODE, codes=_hook_codes("mentorkorps_end_reasons")),
        Column("outcome", CODE, codes=_hook_codes("mentorkorps_outcome_codes")),
        Column("network_nominated", CODE, codes=_fixed((YES, NO)), optional=True),
    ),
    "meetings": (
        Column("match_id", REFERENCE, required=True, sheet="matches"),
        Column("held_on", DATE, required=True),
        Column("minutes", WHOLE_NUMBER, limit=MAX_MINUTES),
    ),
    "followups": (
        Column("match_id", REFERENCE, required=True, sheet="matches"),
        Column("months_after", WHOLE_NUMBER, required=True, limit=MAX_MONTHS_AFTER),
        Column("status", CODE, codes=_fixed(FOLLOWUP_STATUSES)),
    ),
}


def column_names(sheet: str) -> tuple[str, ...]:
    return tuple(column.name for column in SHEETS[sheet])


def allowed_codes() -> dict[tuple[str, str], tuple[str, ...]]:
    """``{(sheet, column): codes}`` for every code column, as the current tenant has them."""
    return {(sheet, column.name): tuple(column.codes())
            for sheet, columns in SHEETS.items() for column in columns if column.kind == CODE}
