"""The plugin's hook implementations (README.md lists them with the seed's words behind each).

Every one reads the tenant's settings through ``PLUGIN.setting`` (the relay's cache, no query), and
none runs for a tenant that has not enabled the plugin: the relay leaves the plugin out.
"""
from __future__ import annotations

import numpy as np
from core.hooks import hookimpl
from core.hooks.types import Code, Finding, MeetingRhythm, MenuItem, Rule, ScoringCriterion
from plugins.network_recruitment import PLUGIN, domain
from plugins.network_recruitment.services import NOMINATED, own_proposal

_l = domain.lazy_gettext

BENEFIT_SITUATIONS = ("cash_benefit", "education_benefit")
YOUTH_UNIT_CASE = "youth_unit_case"


# ---- codes ------------------------------------------------------------------------------------------

@hookimpl
def mentorkorps_recruitment_channels(tenant):
    return [Code(NOMINATED, _l("Nominated by the young person"))]


@hookimpl
def mentorkorps_referral_situations(tenant):
    return [Code(YOUTH_UNIT_CASE, _l("Active case in the youth unit"))]


# ---- the target group (seed 004: "Målgruppe") ---------------------------------------------------------

def _target_group_rule(tenant):
    limit = PLUGIN.setting(tenant, "youth_case_age_limit")
    blocking = PLUGIN.setting(tenant, "target_group_blocking")

    def check(citizen, on, referral=None, **_):
        situation = getattr(referral, "situation", None)
        if situation in BENEFIT_SITUATIONS:
            return None
        age = citizen.age_on(on)
        if situation == YOUTH_UNIT_CASE and age is not None and age < limit:
            return None
        if situation == YOUTH_UNIT_CASE:
            return Finding("network_target_group", _l(
                "An active case in the youth unit counts for young people under %(age)s; this young person is "
                "%(years)s.", age=limit, years=age if age is not None else "?"), blocking=blocking)
        return Finding("network_target_group", _l(
            "Outside the target group: the young person receives neither cash benefit nor education benefit, and "
            "is not under %(age)s with an active case in the youth unit.", age=limit), blocking=blocking)

    return Rule("network_target_group", _l("Cash or education benefit, or under %(age)s with a case in the youth unit",
                                           age=limit), check)


@hookimpl
def mentorkorps_target_group_rules(tenant):
    return [_target_group_rule(tenant)]


# ---- the nominated adult: no full course, and only for their own young person ---------------------------

@hookimpl
def mentorkorps_course_required_for_matching(tenant, volunteer):
    if volunteer.recruitment_channel == NOMINATED:
        return False  # the short route (screening and a short introduction) replaces the course
    return None


@hookimpl
def mentorkorps_eligibility_findings(tenant, volunteer, on):
    if own_proposal() == volunteer.id:  # the plugin matching the adult with the young person who named them
        return []
    findings = []
    if volunteer.recruitment_channel == NOMINATED:
        findings.append(Finding("network_nominated", _l(
            "Named by a young person as their significant adult: mentor for that young person only."), blocking=True))
    postcodes = PLUGIN.setting(tenant, "local_postcodes")
    if postcodes and volunteer.postcode and volunteer.postcode.strip() not in postcodes:
        findings.append(Finding("lives_outside", _l(
            "Lives outside the municipality (postcode %(postcode)s): not offered to new young people.",
            postcode=volunteer.postcode), blocking=True))
    return findings


@hookimpl
def mentorkorps_scoring_criteria(tenant):
    """``network_nomination``: no points; while a young person's significant adult is being asked
    (``hold_while_asking``), the corps' mentors are not offered to them, so the board and the batch
    suggestion spend no scarce mentor on them; the pair of the adult and their own young person is
    explained. The open nominations are loaded once per scoring run."""
    from sqlalchemy import select

    from core.extensions import db
    from plugins.network_recruitment.models import NetworkNomination

    hold = PLUGIN.setting(tenant, "hold_while_asking")
    loaded: dict = {}

    def open_nominations() -> dict:
        if "open" not in loaded:
            loaded["open"] = dict(db.session.execute(
                select(NetworkNomination.referral_id, NetworkNomination.volunteer_id)
                .where(NetworkNomination.closed_reason.is_(None), NetworkNomination.adult_name.is_not(None))).all())
        return loaded["open"]

    def score(young, mentors):
        return np.zeros((len(young), len(mentors)), dtype=np.float32)

    def explain(young_row, mentor_row, points):
        if open_nominations().get(young_row.id) == mentor_row.id:
            return _l("The adult the young person named")
        return None

    def blocks(young, mentors):
        nominated = open_nominations()
        if not hold or not nominated:
            return np.zeros((len(young), len(mentors)), dtype=bool)
        waiting = np.isin(young.ids, np.fromiter(nominated, dtype=np.int64, count=len(nominated)))
        own = np.array([nominated.get(int(i)) or -1 for i in young.ids], dtype=np.int64)
        return waiting[:, None] & (mentors.ids[None, :] != own[:, None])

    return [ScoringCriterion("network_nomination", _l("The young person's significant adult"), score, explain,
                             weight=1.0, blocks=blocks)]


# ---- lifecycle: the young person's consent, the intake ---------------------------------------------------

@hookimpl
def mentorkorps_consent_withdrawn(tenant, referral):
    from plugins.network_recruitment.services import remove_contact_data

    remove_contact_data(referral, "withdrawn")


@hookimpl
def mentorkorps_referral_decided(tenant, referral):
    if referral.decision == "reject":
        from plugins.network_recruitment.services import remove_contact_data

        remove_contact_data(referral, "rejected")


# ---- the corps' own rhythm: sparring groups (seed 004: "mindre sparringsgrupper") -------------------------

@hookimpl
def mentorkorps_meeting_rhythms(tenant):
    weeks = PLUGIN.setting(tenant, "sparring_every_weeks")
    return [MeetingRhythm("sparring_group", _l("Sparring groups"), every_days=weeks * 7)]


# ---- pages -----------------------------------------------------------------------------------------------

@hookimpl
def mentorkorps_menu_items(tenant, user, role):
    return [MenuItem("network", _l("Significant adults"), "network_recruitment.index",
                     roles=frozenset({"coordinator"}), order=8)]


@hookimpl
def mentorkorps_template_slot(tenant, slot, context):
    from core.access import current_role

    if current_role() != "coordinator":
        return None
    from plugins.network_recruitment import panels

    if slot == "referral_detail" and context.get("referral") is not None:
        return [panels.referral_panel(context["referral"])]
    if slot == "matching_board_referral" and context.get("referral") is not None:
        return [panels.board_note(context["referral"])]
    if slot == "front_page":
        return [panels.front_page()]
    return None


__all__ = [name for name in dict(globals()) if name.startswith("mentorkorps_")]
