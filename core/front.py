"""What the front pages show: what needs doing now, per role. Read-only queries, a fixed number per
page whatever the number of rows (a count and the first few of each kind)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from core import clock
from core.extensions import db
from core.matching.models import Match
from core.meetings.models import FollowUp, Meeting
from core.referrals.models import Citizen, Referral
from core.settings import tenant_setting
from core.tenancy import current_tenant

TOP = 5


@dataclass
class Pile:
    """A kind of task: how many, and the first few."""

    count: int = 0
    items: list = field(default_factory=list)


def _pile(statement, order, top=TOP) -> Pile:
    count = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    items = list(db.session.execute(statement.order_by(*order).limit(top)).unique()) if count else []
    return Pile(count, items)


def _matches(status):
    return (select(Match, Citizen.name).join(Referral, Referral.id == Match.referral_id)
            .join(Citizen, Citizen.id == Referral.citizen_id).where(Match.status == status))


def first_name(name: str | None) -> str:
    return (name or "").split(" ")[0]


def no_contact_since(on: date) -> date:
    return on - timedelta(days=tenant_setting(current_tenant(), "no_contact_days"))


def coordinator_tasks(on: date | None = None) -> dict[str, Pile]:
    from core.volunteers.services import screenings_expiring

    on = on or clock.today()
    received = (select(Referral.id, Referral.referred_on, Citizen.name)
                .join(Citizen, Citizen.id == Referral.citizen_id).where(Referral.status == "received"))
    last_meeting = (select(Meeting.match_id, func.max(Meeting.held_on).label("last"))
                    .group_by(Meeting.match_id).subquery())
    since = func.coalesce(last_meeting.c.last, Match.started_on)
    quiet = (select(Match, Citizen.name, last_meeting.c.last).join(Referral, Referral.id == Match.referral_id)
             .join(Citizen, Citizen.id == Referral.citizen_id)
             .outerjoin(last_meeting, last_meeting.c.match_id == Match.id)
             .where(Match.status == "active", since <= no_contact_since(on)))
    due = (select(FollowUp, Citizen.name).join(Match, Match.id == FollowUp.match_id)
           .join(Referral, Referral.id == Match.referral_id).join(Citizen, Citizen.id == Referral.citizen_id)
           .where(FollowUp.recorded_on.is_(None), FollowUp.due_on <= on))
    expiring = screenings_expiring(on, 30)
    return {
        "new_referrals": _pile(received, (Referral.referred_on, Referral.id)),
        "waiting_young": _pile(_matches("proposed"), (Match.proposed_on, Match.id)),
        "waiting_mentor": _pile(_matches("chosen"), (Match.chosen_on, Match.id)),
        "no_contact": _pile(quiet, (since, Match.id)),
        "followups_due": _pile(due, (FollowUp.due_on, FollowUp.id)),
        "screenings_expiring": Pile(len(expiring), expiring[:TOP]),
    }


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
