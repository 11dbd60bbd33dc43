"""#MentorIshøj's success criteria (seed 003, CONTRACT.md section 5), one report:

1. young people who got a mentor and met them more than once, per calendar year;
2. of the matches that ended at least six months ago, how many young people are in education then;
3. the average number of active mentors over the period's days.

Counted with SQL aggregates over the contract's rules (:mod:`core.reports.rules`): a statement per
criterion, none per row.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, case, func, or_, select

from core.extensions import db
from core.hooks import hookimpl
from core.hooks.types import ReportDefinition, ReportRow, ReportSection
from core.matching.models import Match
from core.meetings.models import FollowUp, Meeting
from core.referrals.models import Referral
from core.reports.rules import (
    as_date,
    days_between,
    last_day_months_before,
    match_in_period,
    mean,
    meeting_counts,
    period_days,
    share,
    year_of,
    years_of,
)
from municipalities.ishoej import _l

FOLLOWUP_MONTHS = 6


def _meetings_up_to_three(end: date):
    """How many meetings the match held on or before ``end``, counted no further than three: the
    criteria ask only whether there were more than one and more than two. On the (tenant, match,
    held_on) index that reads at most three entries per match, where counting every meeting read a
    ten-year history's 200,000."""
    first_three = (select(Meeting.id).where(Meeting.match_id == Match.id, meeting_counts(Meeting, end))
                   .order_by(Meeting.held_on).limit(3).correlate(Match).subquery())
    return select(func.count()).select_from(first_three).scalar_subquery()


def _counted_matches(start: date, end: date, cutoff: date):
    """The matches either criterion can count (started in the period, or in the period and ended by
    ``cutoff``), with their meetings counted up to three (``held``). ``OFFSET 0`` keeps PostgreSQL
    from merging this subquery into the statement that uses it, which would count the meetings again
    for every place ``held`` is read."""
    candidates = and_(Match.started_on <= end,
                      or_(Match.started_on >= start, and_(Match.ended_on > start, Match.ended_on <= cutoff)))
    return (select(Match.id.label("match_id"), Match.referral_id.label("referral_id"),
                   Match.started_on.label("started_on"), Match.ended_on.label("ended_on"),
                   _meetings_up_to_three(end).label("held"))
            .where(candidates)
            .offset(0)
            .subquery())


def criteria_1_and_2(start: date, end: date) -> tuple[ReportSection, ReportSection]:
    """Criterion 1, per calendar year overlapping the period: distinct young people with a match that
    started in that year and within the period (``started_on`` in [from, to]) and has more than one
    meeting.

    Criterion 2, eligible: matches in the period with more than two meetings that ended at least 6
    months before ``to`` (6 calendar months after ``ended_on`` is on or before ``to``). A follow-up at
    ``months_after`` 6 is one whose status has been recorded: a follow-up that is scheduled but has no
    status yet is no follow-up, so its match counts under ``no_followup``. The contract dates the
    follow-up by nothing, so a status recorded after ``to`` counts too.

    Both in one statement, grouped by the year the match started; a match's meetings are counted
    only up to three."""
    cutoff = last_day_months_before(end, FOLLOWUP_MONTHS)
    matches = _counted_matches(start, end, cutoff)
    eligible = and_(matches.c.held > 2, match_in_period(matches.c, start, end), matches.c.ended_on <= cutoff)
    year = year_of(matches.c.started_on).label("year")
    rows = db.session.execute(
        select(year, func.count(func.distinct(case((matches.c.started_on >= start, Referral.citizen_id)))),
               func.count(case((eligible, 1))),
               func.count(case((and_(eligible, FollowUp.status == "education"), 1))),
               func.count(case((and_(eligible, FollowUp.status.is_(None)), 1))))
        .select_from(matches)
        .join(Referral, Referral.id == matches.c.referral_id)
        .outerjoin(FollowUp, and_(FollowUp.match_id == matches.c.match_id, FollowUp.months_after == FOLLOWUP_MONTHS))
        .where(matches.c.held > 1)
        .group_by(year)).all()
    # A row per year a counted match started in (a few dozen at most): criterion 1 is each year's
    # distinct young people who started within the period, criterion 2 the sum over the years.
    per_year = {row[0]: row[1] for row in rows}
    total, in_education, no_followup = (sum(row[i] for row in rows) for i in (2, 3, 4))
    criterion_1 = ReportSection(
        "criterion_1", _l("Criterion 1: young people matched who met their mentor more than once"),
        tuple(ReportRow(str(year), str(year), per_year.get(year, 0)) for year in years_of(start, end)))
    criterion_2 = ReportSection("criterion_2", _l("Criterion 2: in education six months after the end"), (
        ReportRow("eligible", _l("Matches that ended at least six months ago, with more than two meetings"), total),
        ReportRow("in_education", _l("In education at the follow-up six months after"), in_education,
                  share(in_education, total)),
        ReportRow("no_followup", _l("No follow-up six months after"), no_followup),
    ))
    return criterion_1, criterion_2


def active_mentor_days(start: date, end: date):
    """The sum, over the days of [start, end], of the distinct volunteers with a match active that
    day, in SQL: per volunteer, the length of the union of their matches' active days.

    A match is active on [started_on, ended_on) (open: to the end of the period), clipped to the
    period. Each volunteer's intervals are swept in order of their start (a window over the
    volunteer's earlier intervals): an interval adds only its days after the latest end of the
    earlier ones, so days two matches share are counted once (the same sum as merging overlapping
    intervals into islands and adding up their lengths, in one window pass)."""
    first, after = as_date(start), as_date(end + timedelta(days=1))
    begins = case((Match.started_on < start, first), else_=Match.started_on)
    ends = case((Match.ended_on.is_(None), after), (Match.ended_on > end, after), else_=Match.ended_on)
    clipped = (select(begins.label("s"), ends.label("e"),
                      func.max(ends).over(partition_by=Match.volunteer_id, order_by=(begins, ends),
                                          rows=(None, -1)).label("covered_to"))
               .where(match_in_period(Match, start, end), Match.volunteer_id.is_not(None))
               .subquery())
    new_from = case((clipped.c.covered_to > clipped.c.s, clipped.c.covered_to), else_=clipped.c.s)
    return select(func.coalesce(func.sum(case((clipped.c.e > new_from, days_between(new_from, clipped.c.e)),
                                              else_=0)), 0))


def criterion_3(start: date, end: date) -> ReportSection:
    total = db.session.scalar(active_mentor_days(start, end))
    return ReportSection("criterion_3", _l("Criterion 3: active mentors"), (
        ReportRow("average_active_mentors", _l("Average number of active mentors per day"),
                  mean(total, period_days(start, end))),
    ))


def success_criteria(*, tenant, start: date, end: date) -> list[ReportSection]:
    return [*criteria_1_and_2(start, end), criterion_3(start, end)]


REPORTS = (
    ReportDefinition("ishoej-success-criteria", _l("Success criteria"), success_criteria,
                     _l("The project's three success criteria: young people who met their mentor more than once, "
                        "young people in education six months after the end, and active mentors.")),
)


@hookimpl(tryfirst=True)
def mentorkorps_reports(tenant):
    return list(REPORTS)
