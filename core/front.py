"""What the front pages show: what needs doing now, per role. Read-only queries, a fixed number per
page whatever the number of rows (a count and the first few of each kind)."""
from __future__ import annotations

from collections import namedtuple
from functools import cache
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Date, Integer, String, bindparam, cast, func, literal, null, select, union_all

from core import clock
from core.extensions import db
from core.matching.models import Match
from core.meetings.models import FollowUp, Meeting
from core.referrals.models import Citizen, Referral
from core.settings import tenant_setting
from core.tenancy import built_once, current_tenant

TOP = 5


@dataclass
class Pile:
    """A kind of task: how many, and the first few."""

    count: int = 0
    items: list = field(default_factory=list)


def _matches(status):
    return (select(Match, Citizen.name).join(Referral, Referral.id == Match.referral_id)
            .join(Citizen, Citizen.id == Referral.citizen_id).where(Match.status == status))


def first_name(name: str | None) -> str:
    return (name or "").split(" ")[0]


def no_contact_since(on: date) -> date:
    return on - timedelta(days=tenant_setting(current_tenant(), "no_contact_days"))


# What a row of each pile shows (the template reads these attributes).
ReferralRow = namedtuple("ReferralRow", "id referred_on name")
MatchRow = namedtuple("MatchRow", "id proposed_on chosen_on started_on")
FollowUpRow = namedtuple("FollowUpRow", "match_id months_after due_on")
VolunteerRow = namedtuple("VolunteerRow", "id name")


def _branch(kind: str, columns, statement, order, top: int | None = TOP):
    """One pile as a branch of the tasks' UNION ALL: the same seven columns for every pile, its
    first ``top`` rows in order (their rank) and the pile's whole count (a window over every row,
    counted before the LIMIT)."""
    id_, name, d1, d2, n = columns
    statement = statement.with_only_columns(
        literal(kind, String).label("kind"), id_.label("id"), name.label("name"),
        d1.label("d1"), (d2 if d2 is not None else cast(null(), Date)).label("d2"),
        (n if n is not None else cast(null(), Integer)).label("n"),
        func.row_number().over(order_by=order).label("rank"), func.count().over().label("total"),
        maintain_column_froms=True)
    if top is not None:
        statement = statement.order_by(*order).limit(top)
    return select(statement.subquery())


@cache
def _tasks_statement():
    """The coordinator's piles as one statement, built once (building it costs several times what
    running it does); the day and the limits derived from it are bound parameters."""
    from core.volunteers.models import Screening, Volunteer
    from core.volunteers.services import MATCHABLE

    received = select(Referral.id).join(Citizen, Citizen.id == Referral.citizen_id).where(Referral.status == "received")

    def matches(status):
        return (select(Match.id).join(Referral, Referral.id == Match.referral_id)
                .join(Citizen, Citizen.id == Referral.citizen_id).where(Match.status == status))

    # The last meeting of each active match, looked up per match on the (tenant, match, held_on)
    # index, not by grouping every meeting the tenant ever logged.
    last_meeting = (select(func.max(Meeting.held_on)).where(Meeting.match_id == Match.id)
                    .correlate(Match).scalar_subquery())
    since = func.coalesce(last_meeting, Match.started_on)
    quiet = matches("active").where(since <= bindparam("quiet_since", type_=Date))
    due = (select(FollowUp.id).join(Match, Match.id == FollowUp.match_id)
           .join(Referral, Referral.id == Match.referral_id).join(Citizen, Citizen.id == Referral.citizen_id)
           .where(FollowUp.recorded_on.is_(None), FollowUp.due_on <= bindparam("on", type_=Date)))
    latest = (select(Screening.volunteer_id, func.max(Screening.obtained_on).label("obtained"))
              .group_by(Screening.volunteer_id).subquery())
    certificates = (select(Volunteer.id).join(latest, latest.c.volunteer_id == Volunteer.id)
                    .where(Volunteer.status.in_(MATCHABLE),
                           latest.c.obtained.between(bindparam("obtained_from", type_=Date),
                                                     bindparam("obtained_until", type_=Date))))
    return built_once(union_all(
        _branch("new_referrals", (Referral.id, Citizen.name, Referral.referred_on, None, None), received,
                (Referral.referred_on, Referral.id)),
        _branch("waiting_young", (Match.id, Citizen.name, Match.proposed_on, None, None), matches("proposed"),
                (Match.proposed_on, Match.id)),
        _branch("waiting_mentor", (Match.id, Citizen.name, Match.chosen_on, None, None), matches("chosen"),
                (Match.chosen_on, Match.id)),
        _branch("no_contact", (Match.id, Citizen.name, Match.started_on, last_meeting, None), quiet,
                (since, Match.id)),
        _branch("followups_due", (FollowUp.match_id, Citizen.name, FollowUp.due_on, None, FollowUp.months_after),
                due, (FollowUp.due_on, FollowUp.id)),
        _branch("screenings_expiring", (Volunteer.id, Volunteer.name, latest.c.obtained, None, None), certificates,
                (latest.c.obtained, Volunteer.id), top=None),
    ))


def coordinator_tasks(on: date | None = None) -> dict[str, Pile]:
    """The coordinator's piles, in one query: a UNION ALL of one branch per pile (each its count and
    first rows), so the front page costs one round trip whatever the number of rows."""
    on = on or clock.today()
    # Certificates: the window of obtaining dates, widened by a few days for month ends (add_months
    # is monotone); the exact rule is applied below, as core.volunteers.services.screenings_expiring does.
    months = tenant_setting(current_tenant(), "screening_valid_months")
    last_day = on + timedelta(days=30)
    rows = db.session.execute(_tasks_statement(), {
        "on": on, "quiet_since": no_contact_since(on),
        "obtained_from": clock.add_months(on, -months) - timedelta(days=4),
        "obtained_until": clock.add_months(last_day, -months) + timedelta(days=4)}).all()
    by_kind: dict[str, list] = {}
    totals: dict[str, int] = {}
    for row in sorted(rows, key=lambda r: (r.kind, r.rank)):
        by_kind.setdefault(row.kind, []).append(row)
        totals[row.kind] = row.total
    piles = {
        "new_referrals": [ReferralRow(r.id, r.d1, r.name) for r in by_kind.get("new_referrals", [])],
        "waiting_young": [(MatchRow(r.id, r.d1, None, None), r.name) for r in by_kind.get("waiting_young", [])],
        "waiting_mentor": [(MatchRow(r.id, None, r.d1, None), r.name) for r in by_kind.get("waiting_mentor", [])],
        "no_contact": [(MatchRow(r.id, None, None, r.d1), r.name, r.d2) for r in by_kind.get("no_contact", [])],
        "followups_due": [(FollowUpRow(r.id, r.n, r.d1), r.name) for r in by_kind.get("followups_due", [])],
    }
    tasks = {kind: Pile(totals.get(kind, 0), items) for kind, items in piles.items()}
    expiring = [(VolunteerRow(r.id, r.name), clock.add_months(r.d1, months)) for r in by_kind.get("screenings_expiring", [])]
    expiring = sorted([(v, until) for v, until in expiring if on <= until <= last_day], key=lambda p: (p[1], p[0].id))
    tasks["screenings_expiring"] = Pile(len(expiring), expiring[:TOP])
    return {
        **tasks,
        # The municipality's meeting rhythms with no meeting planned within the rhythm (one query for
        # every rhythm, none when the municipality has no rhythm); shown by _front.html.
        "unplanned_rhythms": _unplanned_rhythms(on),
    }


def _unplanned_rhythms(on: date) -> Pile:
    from core.groups.services import unplanned_rhythms

    statuses = unplanned_rhythms(on)
    return Pile(len(statuses), statuses)


def caseworker_referrals(user, top: int = 10) -> tuple[dict[str, int], list]:
    """``({status: count}, the latest referrals)`` of the caseworker's own referrals."""
    counts = dict(db.session.execute(select(Referral.status, func.count(Referral.id))
                                     .where(Referral.referrer_user_id == user.id).group_by(Referral.status)).all())
    latest = list(db.session.execute(
        select(Referral.id, Referral.referred_on, Referral.status, Citizen.name)
        .join(Citizen, Citizen.id == Referral.citizen_id).where(Referral.referrer_user_id == user.id)
        .order_by(Referral.referred_on.desc(), Referral.id.desc()).limit(top)))
    return counts, latest


def mentor_proposals(volunteer_id: int) -> list:
    """``[(match, young person's name)]``: proposals chosen for this mentor and waiting for their answer."""
    return list(db.session.execute(_matches("chosen").where(Match.volunteer_id == volunteer_id)
                                   .order_by(Match.chosen_on, Match.id)))
