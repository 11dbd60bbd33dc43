"""The network-recruitment report (CONTRACT.md section 5): the matches running on ``to``, the mentors
with more than one young person, and how many matches of the period have the mentor the young
person nominated. Three SQL aggregates over the contract's rules (:mod:`core.reports.rules`)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, func, select

from core.extensions import db
from core.hooks import hookimpl
from core.hooks.types import ReportDefinition, ReportRow, ReportSection
from core.matching.models import Match
from core.referrals.models import Referral
from core.reports.rules import match_active_on, match_in_period, share
from plugins.network_recruitment import domain

_l = domain.lazy_gettext


def status(*, tenant, start: date, end: date) -> list[ReportSection]:
    """``active_mentors``/``active_citizens``: distinct volunteers/young people with a match active on
    ``to``; ``mentors_with_several``: volunteers with more than one; ``network_nominated``: matches in
    the period whose mentor the young person nominated, with percent of the matches in the period.

    One statement over the period's matches (a match active on ``to`` is one of them); a window
    counts each mentor's matches active on ``to``."""
    active = match_active_on(Match, end)
    matches = (select(Match.volunteer_id.label("volunteer_id"), Referral.citizen_id.label("citizen_id"),
                      Match.network_nominated.label("nominated"), case((active, 1), else_=0).label("active"),
                      func.sum(case((active, 1), else_=0)).over(partition_by=Match.volunteer_id).label("mentor_active"))
               .join(Referral, Match.referral_id == Referral.id)
               .where(match_in_period(Match, start, end))
               .subquery())
    is_active = matches.c.active == 1
    in_period, nominated, mentors, citizens, several = db.session.execute(select(
        func.count(), func.count(case((matches.c.nominated.is_(True), 1))),
        func.count(func.distinct(case((is_active, matches.c.volunteer_id)))),
        func.count(func.distinct(case((is_active, matches.c.citizen_id)))),
        func.count(func.distinct(case((and_(is_active, matches.c.mentor_active > 1), matches.c.volunteer_id)))),
    )).one()
    return [ReportSection("status", _l("Mentors and young people"), (
        ReportRow("active_mentors", _l("Mentors with a young person on the last day"), mentors),
        ReportRow("active_citizens", _l("Young people with a mentor on the last day"), citizens),
        ReportRow("mentors_with_several", _l("Mentors with more than one young person on the last day"), several),
        ReportRow("network_nominated", _l("Matches of the period with a mentor the young person nominated"), nominated,
                  share(nominated, in_period)),
    ))]


REPORTS = (
    ReportDefinition("network-recruitment", _l("Network recruitment"), status,
                     _l("Mentors and young people matched on the last day of the period, and how many matches had "
                        "a mentor from the young person's own network.")),
)


@hookimpl
def mentorkorps_reports(tenant):
    return list(REPORTS)
