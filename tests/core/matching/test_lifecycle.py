"""The match as a state machine: every allowed and refused transition, re-matching, capacity, the
choice link, follow-ups from the end date."""
from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.errors import Conflict, ServiceError
from core.extensions import db
from core.matching import services as matching
from core.matching.models import ChoiceLink, MatchTransition
from core.meetings import services as meetings
from core.meetings.models import FollowUp
from core.tenancy import tenant_context, utcnow


@pytest.fixture
def ctx(matching_tenant):
    with tenant_context(matching_tenant):
        yield matching_tenant


def test_the_main_path_with_dated_transitions(ctx, mentor_factory, referral_factory):
    anna, bo = mentor_factory("Anna Andersen"), mentor_factory("Bo Berg")
    referral = referral_factory()
    match = matching.propose(referral, [anna.id, bo.id])
    assert (match.status, referral.status) == ("proposed", "proposed")
    assert [c.volunteer_id for c in match.candidates] == [anna.id, bo.id]
    matching.choose(match, bo.id)
    assert (match.status, match.volunteer_id, match.chosen_on) == ("chosen", bo.id, date.today())
    matching.accept(match)
    assert (match.status, match.started_on, referral.status) == ("active", date.today(), "matched")
    matching.end(match, {"ended_on": date.today(), "end_reason": "completed", "outcome": "job"})
    assert (match.status, referral.status, match.outcome) == ("ended", "ended", "job")
    db.session.flush()
    steps = db.session.execute(select(MatchTransition.from_status, MatchTransition.to_status)
                               .where(MatchTransition.match_id == match.id).order_by(MatchTransition.id)).all()
    assert steps == [(None, "proposed"), ("proposed", "chosen"), ("chosen", "active"), ("active", "ended")]


@pytest.mark.parametrize("path, refused", [
    ([], "accept"), ([], "decline"), ([], "end"),
    (["choose"], "choose"), (["choose"], "end"),
    (["choose", "accept"], "choose"), (["choose", "accept"], "decline"), (["choose", "accept"], "cancel"),
    (["choose", "decline"], "accept"), (["choose", "decline"], "choose"), (["cancel"], "choose"),
    (["choose", "accept", "end"], "end"), (["choose", "accept", "end"], "accept"),
])
def test_a_transition_the_state_does_not_allow_is_a_conflict(ctx, mentor_factory, referral_factory, path, refused):
    anna = mentor_factory("Anna")
    match = matching.propose(referral_factory(), [anna.id])
    actions = {
        "choose": lambda: matching.choose(match, anna.id),
        "accept": lambda: matching.accept(match),
        "decline": lambda: matching.decline(match),
        "cancel": lambda: matching.cancel(match),
        "end": lambda: matching.end(match, {"ended_on": date.today(), "end_reason": "completed", "outcome": "job"}),
    }
    for step in path:
        actions[step]()
    before = match.status
    with pytest.raises(Conflict):
        actions[refused]()
    assert match.status == before


def test_a_declined_match_sends_the_referral_back_for_a_new_proposal(ctx, mentor_factory, referral_factory):
    anna, bo = mentor_factory("Anna"), mentor_factory("Bo")
    referral = referral_factory()
    first = matching.propose(referral, [anna.id])
    with pytest.raises(Conflict):  # one open match per referral
        matching.propose(referral, [bo.id])
    matching.choose(first, anna.id)
    matching.decline(first, note="No time this spring")
    assert (first.status, referral.status) == ("declined", "accepted")
    second = matching.propose(referral, [bo.id])
    assert second.status == "proposed" and second.id != first.id


def test_re_matching_after_a_break_down(ctx, mentor_factory, referral_factory):
    anna, bo = mentor_factory("Anna"), mentor_factory("Bo")
    referral = referral_factory()
    match = matching.propose(referral, [anna.id])
    matching.choose(match, anna.id)
    matching.accept(match)
    matching.end(match, {"ended_on": date.today(), "end_reason": "boundary_issues", "outcome": "none"})
    again = matching.propose(referral, [bo.id])
    assert (again.status, referral.status) == ("proposed", "proposed")


def test_capacity_counts_active_chosen_and_open_candidacies(ctx, mentor_factory, referral_factory):
    anna = mentor_factory("Anna", capacity=2)
    first, second, third = referral_factory("En"), referral_factory("To"), referral_factory("Tre")
    m1 = matching.propose(first, [anna.id])
    matching.choose(m1, anna.id)
    matching.accept(m1)                       # one place taken by an active match
    matching.propose(second, [anna.id])       # the second by an open candidacy
    with pytest.raises(Conflict) as refused:
        matching.propose(third, [anna.id])
    assert "volunteer_ids" in refused.value.errors
    assert [c.volunteer.id for c in matching.candidates_for(third, limit=5)] == []


def test_choosing_frees_the_other_candidates(ctx, mentor_factory, referral_factory):
    anna, bo = mentor_factory("Anna"), mentor_factory("Bo")
    first, second = referral_factory("En"), referral_factory("To")
    match = matching.propose(first, [anna.id, bo.id])
    assert matching.candidates_for(second, limit=5) == []   # both are proposed elsewhere
    matching.choose(match, anna.id)
    assert [c.volunteer.id for c in matching.candidates_for(second, limit=5)] == [bo.id]


def test_a_paused_mentor_or_an_unknown_id_cannot_be_proposed(ctx, mentor_factory, referral_factory):
    paused = mentor_factory("Pia", status="paused")
    with pytest.raises(Conflict):
        matching.propose(referral_factory(), [paused.id])
    with pytest.raises(ServiceError):
        matching.propose(referral_factory("Ny"), [999999])


def test_only_an_accepted_referral_with_consent_gets_a_proposal(ctx, mentor_factory, referral_factory):
    from core.referrals import services as referrals

    anna = mentor_factory("Anna")
    with pytest.raises(Conflict):
        matching.propose(referral_factory(accept=False), [anna.id])
    referral = referral_factory("Med samtykke")
    match = matching.propose(referral, [anna.id])
    referrals.withdraw_consent(referral)
    assert match.status == "cancelled"
    with pytest.raises(Conflict):
        matching.propose(referral, [anna.id])


def test_ending_validates_dates_and_codes_and_schedules_the_follow_up(ctx, mentor_factory, referral_factory):
    anna = mentor_factory("Anna")
    match = matching.propose(referral_factory(), [anna.id])
    matching.choose(match, anna.id)
    matching.accept(match, on=date(2026, 2, 27))
    for bad, field in (({"ended_on": date.today() + timedelta(days=1)}, "ended_on"),
                       ({"ended_on": date(2026, 2, 1)}, "ended_on"),
                       ({"end_reason": "bored"}, "end_reason"), ({"outcome": "rich"}, "outcome")):
        data = {"ended_on": date(2026, 8, 31), "end_reason": "completed", "outcome": "job", **bad}
        with pytest.raises(ServiceError) as refused:
            matching.end(match, data)
        assert field in refused.value.errors
        assert match.status == "active"
    matching.end(match, {"ended_on": date(2026, 8, 31), "end_reason": "completed", "outcome": "job"})
    db.session.flush()
    followups = db.session.scalars(select(FollowUp).where(FollowUp.match_id == match.id)).all()
    # Six calendar months after 31 August is the last day of February.
    assert [(f.months_after, f.due_on, f.status) for f in followups] == [(6, date(2027, 2, 28), None)]


def test_the_follow_up_is_due_on_its_day_and_recorded(app, ctx, mentor_factory, referral_factory):
    anna = mentor_factory("Anna")
    match = matching.propose(referral_factory(), [anna.id])
    matching.choose(match, anna.id)
    matching.accept(match, on=date.today() - timedelta(days=300))
    ended = date.today() - timedelta(days=200)
    matching.end(match, {"ended_on": ended, "end_reason": "completed", "outcome": "job"})
    due_on = meetings.followup_months(match) and db.session.scalar(select(FollowUp.due_on))
    assert meetings.due_followups(due_on - timedelta(days=1)) == []
    assert [f.match_id for f in meetings.due_followups(due_on)] == [match.id]
    app.config["TODAY"] = due_on
    try:
        meetings.record_followup(match, 6, "education")
        assert meetings.due_followups(due_on) == []
        with pytest.raises(ServiceError):
            meetings.record_followup(match, 6, "rich")
    finally:
        app.config.pop("TODAY")


def test_the_choice_link_is_random_hashed_single_use_and_scoped(ctx, mentor_factory, referral_factory):
    anna, bo, cai = mentor_factory("Anna A", about_me="Jeg elsker fodbold"), mentor_factory("Bo B"), mentor_factory("Cai C")
    match = matching.propose(referral_factory("En"), [anna.id, bo.id])
    other = matching.propose(referral_factory("To"), [cai.id])
    token = matching.create_choice_link(match)
    assert len(token) >= 22  # at least 128 bits in URL-safe base64
    stored = db.session.scalars(select(ChoiceLink.token_hash)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()] and token not in stored
    shown = matching.choice_candidates(matching.choice_link(token).match)
    assert [c["first_name"] for c in shown] == ["Anna", "Bo"]
    assert shown[0]["about_me"] == "Jeg elsker fodbold" and shown[0]["age_band"].endswith("9")
    with pytest.raises(ServiceError):
        matching.choose_by_link(token, cai.id)  # a candidate of another proposal
    matching.choose_by_link(token, bo.id)
    assert (match.status, match.volunteer_id) == ("chosen", bo.id)
    for bad in (token, "unknown-token", ""):
        with pytest.raises(matching.ChoiceLinkInvalid):
            matching.choice_link(bad)
    with pytest.raises(Conflict):  # one candidate: the coordinator presents, no link
        matching.create_choice_link(other)


def test_an_expired_or_replaced_link_no_longer_works(ctx, mentor_factory, referral_factory):
    anna, bo = mentor_factory("Anna"), mentor_factory("Bo")
    match = matching.propose(referral_factory(), [anna.id, bo.id])
    old = matching.create_choice_link(match)
    new = matching.create_choice_link(match)
    with pytest.raises(matching.ChoiceLinkInvalid) as refused:
        matching.choice_link(old)
    assert refused.value.kind == "expired"
    link = matching.choice_link(new)
    link.expires_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(matching.ChoiceLinkInvalid) as refused:
        matching.choice_link(new)
    assert refused.value.kind == "expired"


def test_candidates_are_ranked_with_reasons(ctx, mentor_factory, referral_factory):
    mentor_factory("Anna", interests=["fodbold", "musik"])
    mentor_factory("Bo", interests=["skak"])
    referral = referral_factory(interests=["fodbold"])
    found = matching.candidates_for(referral, limit=2)
    assert [c.volunteer.name for c in found] == ["Anna", "Bo"]
    assert any(part["key"] == "interests" and "fodbold" in str(part["reason"]) for part in found[0].parts)
    assert found[0].score > found[1].score


def test_the_batch_offers_a_scarce_mentor_to_one_young_person(ctx, mentor_factory, referral_factory):
    mentor_factory("Anna", interests=["fodbold"])
    first, second = referral_factory("En", interests=["fodbold"]), referral_factory("To", interests=["fodbold"])
    rows = matching.suggest_for_waiting_list()
    offered = [[c.volunteer.name for c in row.suggested] for row in rows]
    assert [row.referral.id for row in rows] == [first.id, second.id]
    assert sorted(offered) == [[], ["Anna"]]
