"""Middelfart's two reports to its committee (seed 001's slides, CONTRACT.md section 5):

- ``middelfart-mentors``: who the mentors are (age on ``to``, gender, sector, education), over the
  volunteers who count on ``to``;
- ``middelfart-outcomes``: how many young people were matched in the period, how many matches
  stopped and why, and what the young people went on to.

Counted with SQL aggregates over the contract's rules (:mod:`core.reports.rules`), a few statements each.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, func, select

from core.codes import codes
from core.extensions import db
from core.hooks import hookimpl
from core.hooks.types import ReportDefinition, ReportRow, ReportSection
from core.matching.models import Match
from core.referrals.models import Referral
from core.reports.rules import age_between, match_ended_by, match_in_period, share, volunteer_counts_on
from core.volunteers.models import EDUCATIONS, EMPLOYMENT_SECTORS, GENDERS, Volunteer
from municipalities.middelfart import domain

_l = domain.lazy_gettext

AGE_BANDS = (("18-25", 18, 25), ("26-35", 26, 35), ("36-45", 36, 45), ("46-55", 46, 55), ("56-65", 56, 65),
             ("66+", 66, None))
AGE_LABELS = {"18-25": _l("18-25 years"), "26-35": _l("26-35 years"), "36-45": _l("36-45 years"),
              "46-55": _l("46-55 years"), "56-65": _l("56-65 years"), "66+": _l("66 years or older")}
GENDER_LABELS = {"female": _l("Women"), "male": _l("Men"), "other": _l("Other gender")}
SECTOR_LABELS = {"public": _l("Public sector"), "private": _l("Private sector"), "none": _l("Not employed")}
EDUCATION_LABELS = {"care_teaching_social": _l("Care, teaching or social work"),
                    "vocational": _l("Vocational education"), "higher": _l("Higher education"),
                    "unskilled": _l("Unskilled")}
COMPLETED, NO_OUTCOME = "completed", "none"


def _count(condition):
    return func.count(case((condition, 1)))


def mentors(*, tenant, start: date, end: date) -> list[ReportSection]:
    """Over the volunteers who count on ``to`` (CONTRACT.md: ``recruited_on <= to`` and not left by
    then): age bands in whole years on ``to``, gender, sector and education. Only sector and education
    have percents (of the volunteers counted), as the contract has it; an unknown value is in no row."""
    columns = [func.count(Volunteer.id)]
    columns += [_count(age_between(Volunteer.birth_date, end, low, high)) for _, low, high in AGE_BANDS]
    columns += [_count(Volunteer.gender == code) for code in GENDERS]
    columns += [_count(Volunteer.employment_sector == code) for code in EMPLOYMENT_SECTORS]
    columns += [_count(Volunteer.education == code) for code in EDUCATIONS]
    counted, *values = db.session.execute(select(*columns).where(volunteer_counts_on(Volunteer, end))).one()
    ages, values = values[:len(AGE_BANDS)], values[len(AGE_BANDS):]
    genders, values = values[:len(GENDERS)], values[len(GENDERS):]
    sectors, educations = values[:len(EMPLOYMENT_SECTORS)], values[len(EMPLOYMENT_SECTORS):]
    return [
        ReportSection("age", _l("Age"), tuple(
            ReportRow(key, AGE_LABELS[key], n) for (key, _, _), n in zip(AGE_BANDS, ages, strict=True))),
        ReportSection("gender", _l("Gender"), tuple(
            ReportRow(key, GENDER_LABELS[key], n) for key, n in zip(GENDERS, genders, strict=True))),
        ReportSection("sector", _l("Employment sector"), tuple(
            ReportRow(key, SECTOR_LABELS[key], n, share(n, counted))
            for key, n in zip(EMPLOYMENT_SECTORS, sectors, strict=True))),
        ReportSection("education", _l("Education"), tuple(
            ReportRow(key, EDUCATION_LABELS[key], n, share(n, counted))
            for key, n in zip(EDUCATIONS, educations, strict=True))),
    ]


def outcomes(*, tenant, start: date, end: date) -> list[ReportSection]:
    """``matched``: distinct young people with a match in the period. ``stopped``: matches in the
    period, ended by ``to``, with an end reason other than ``completed``. A match with no end reason
    recorded is not stopped: it has no reason other than completed to count it under. Outcomes:
    distinct young people with a match in the period, ended by ``to``, with that outcome, as a percent
    of ``matched``. One statement over the period's matches, a conditional count per figure."""
    reasons = {key: label for key, label in codes("mentorkorps_end_reasons").items() if key != COMPLETED}
    outcome_codes = {key: label for key, label in codes("mentorkorps_outcome_codes").items() if key != NO_OUTCOME}
    ended = match_ended_by(Match, end)
    stopped = and_(ended, Match.end_reason.is_not(None), Match.end_reason != COMPLETED)
    matched, stopped_total, *counts = db.session.execute(
        select(func.count(func.distinct(Referral.citizen_id)), _count(stopped),
               *[_count(and_(stopped, Match.end_reason == key)) for key in reasons],
               *[func.count(func.distinct(case((and_(ended, Match.outcome == key), Referral.citizen_id))))
                 for key in outcome_codes])
        .join(Referral, Match.referral_id == Referral.id).where(match_in_period(Match, start, end))).one()
    by_reason, by_outcome = counts[:len(reasons)], counts[len(reasons):]
    return [
        ReportSection("totals", _l("Young people matched and matches stopped"), (
            ReportRow("matched", _l("Young people matched"), matched),
            ReportRow("stopped", _l("Matches stopped"), stopped_total),
        )),
        ReportSection("stop_reasons", _l("Why matches stopped"), tuple(
            ReportRow(key, label, n) for (key, label), n in zip(reasons.items(), by_reason, strict=True))),
        ReportSection("outcomes", _l("Results for the young people"), tuple(
            ReportRow(key, label, n, share(n, matched))
            for (key, label), n in zip(outcome_codes.items(), by_outcome, strict=True))),
    ]


REPORTS = (
    ReportDefinition("middelfart-mentors", _l("The mentors"), mentors,
                     _l("The volunteers in the corps on the last day of the period: age, gender, employment "
                        "sector and education.")),
    ReportDefinition("middelfart-outcomes", _l("Matches and results"), outcomes,
                     _l("Young people matched in the period, the matches that stopped and why, and the "
                        "results for the young people.")),
)


@hookimpl(tryfirst=True)
def mentorkorps_reports(tenant):
    return list(REPORTS)
