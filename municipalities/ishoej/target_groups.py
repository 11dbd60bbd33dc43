"""Who #MentorIshøj is for (seed 002, "Målgruppe" and "Visitation"): the target-group rules, where
referrals come from, the young person's situation and the consent text.

- Age 18-30 (settings ``min_age``/``max_age``), on the day of referral: a young person who turns 31
  while waiting for intake is still in. Outside: a blocking finding.
- Living in Ishøj (setting ``postcodes``, default 2635): "Det er et krav, at de unge bor i Ishøj
  Kommune". Another postcode: a blocking finding. No postcode given (the referral API makes it
  optional, and a referral cannot be edited): a finding that is not blocking, asking the
  coordinator to check.
- Ready for education or at risk of dropping out: a situation other than those (or in education)
  is a finding that is not blocking — the caseworker may know better, the coordinator judges.
"""
from __future__ import annotations

from core.hooks import hookimpl
from core.hooks.types import Code, Finding, Rule
from municipalities.ishoej import PLUGIN, _l

SOURCES = [
    Code("jobcenter_vallensbaek", _l("Jobcenter Vallensbæk")),
    Code("cph_west", _l("CPH West")),
    Code("uu", _l("UU guidance counsellor")),
]
SITUATIONS = [
    Code("education_ready", _l("Ready for education")),
    Code("dropout_risk", _l("At risk of dropping out")),
]
# The situations of the target group: education-ready young people, and those in an education who
# are at risk of dropping out of it.
TARGET_SITUATIONS = ("education_ready", "dropout_risk", "in_education")
CONSENT_VERSION = "ishoej-2026-1"


def _postcodes(tenant) -> tuple[str, ...]:
    return tuple(PLUGIN.setting(tenant, "postcodes"))


@hookimpl(tryfirst=True)
def mentorkorps_target_group_rules(tenant):
    low, high = PLUGIN.setting(tenant, "min_age"), PLUGIN.setting(tenant, "max_age")
    postcodes = _postcodes(tenant)

    def age(citizen, on, referral=None, **_):
        day = referral.referred_on if referral is not None and referral.referred_on else on
        years = citizen.age_on(day)
        if years is None:
            return Finding("age", _l("The birth date is unknown: #MentorIshøj is for young people aged %(low)s-%(high)s.",
                                     low=low, high=high), blocking=True)
        if not low <= years <= high:
            return Finding("age", _l("The young person was %(age)s years old when referred: #MentorIshøj is for "
                                     "young people aged %(low)s-%(high)s.", age=years, low=low, high=high),
                           blocking=True)
        return None

    def residence(citizen, **_):
        postcode = (citizen.postcode or "").strip()
        if not postcode:
            return Finding("residence_unknown", _l("No postcode is given: check that the young person lives in Ishøj "
                                                   "Kommune (%(postcodes)s).", postcodes=", ".join(postcodes)))
        if postcode not in postcodes:
            return Finding("residence", _l("The young person lives in %(postcode)s: #MentorIshøj requires that the young "
                                           "person lives in Ishøj Kommune (%(postcodes)s).",
                                           postcode=postcode, postcodes=", ".join(postcodes)), blocking=True)
        return None

    def situation(citizen, referral=None, **_):
        if referral is None or referral.situation in TARGET_SITUATIONS:
            return None
        return Finding("situation", _l("#MentorIshøj is for young people who are ready for education or at risk of "
                                       "dropping out of one: check the young person's situation."))

    return [
        Rule("age", _l("Aged %(low)s-%(high)s", low=low, high=high), age),
        Rule("residence", _l("Lives in Ishøj Kommune"), residence),
        Rule("situation", _l("Ready for education or at risk of dropping out"), situation),
    ]


@hookimpl(tryfirst=True)
def mentorkorps_referral_sources(tenant):
    return SOURCES


@hookimpl(tryfirst=True)
def mentorkorps_referral_situations(tenant):
    return SITUATIONS


@hookimpl(tryfirst=True)
def mentorkorps_consent_text(tenant):
    return Code(CONSENT_VERSION, _l(
        "I agree that my referral is sent to the coordinator of #MentorIshøj at Ishøj Kommune, who stores what it "
        "says about me in order to find a volunteer mentor for me. I will be presented with two possible mentors and "
        "choose one of them myself. Once I have a mentor, the mentor sees my first name, my age, the contact details "
        "I agree to share and the goals we agree on. I can withdraw my consent at any time; the mentor then sees "
        "nothing more about me."))
