"""#MentorIshøj: Ishøj Kommune's volunteer mentor corps for young people (seeds 002 and 003).

Young people aged 18-30 who live in Ishøj, ready for education or at risk of dropping out of one,
referred by Jobcenter Vallensbæk, CPH West or a UU guidance counsellor; not drug abusers, the
severely mentally ill or those deep in a criminal milieu (they need professional help first).
Every volunteer fills in the profile form and takes the mandatory course of two evenings before any
match; the coordinator finds two mentors, presents them, and the young person chooses. A mentor has
one or two young people at a time; the mentors meet about every six weeks and get supervision every
three months.

The rules live in the modules beside this one (``target_groups``, ``intake``, ``matching``,
``corps``); this module declares the plugin, its settings and its demo municipality, and gathers
the hook implementations so that the plugin manager finds them here. README.md lists every hook,
setting and default, and where each comes from in the seeds.
"""
from __future__ import annotations

from core.hooks import PluginInfo
from core.hooks.types import Code, DemoTenant, Setting
from core.i18n import plugin_domain
from core.settings import MAX_CAPACITY

domain = plugin_domain(__file__, "ishoej")
_l = domain.lazy_gettext

NAME = "ishoej"


class PostcodesSetting(Setting):
    """A list of Danish postcodes: four digits each."""

    def clean(self, value):
        words = super().clean(value)
        if any(len(word) != 4 or not word.isascii() or not word.isdigit() for word in words):
            raise ValueError(_l("A postcode is four digits, e.g. 2635."))
        return words


# The questions of the volunteer profile form (seed 002: "køn, alder, etnicitet, interesser,
# erhvervsbaggrund, kompetencer samt ønsker og forbehold"), as Volunteer fields, and the other
# profile fields a municipality may add to it.
PROFILE_FORM = ("gender", "birth_date", "background", "interests", "work_background", "competences", "wishes",
                "reservations")
PROFILE_FIELD_CHOICES = (
    Code("gender", _l("Gender")),
    Code("birth_date", _l("Birth date (age)")),
    Code("background", _l("Ethnic background")),
    Code("interests", _l("Interests")),
    Code("work_background", _l("Work background")),
    Code("competences", _l("Competences")),
    Code("wishes", _l("Wishes")),
    Code("reservations", _l("Reservations")),
    Code("languages", _l("Languages")),
    Code("phone", _l("Phone")),
    Code("email", _l("E-mail")),
    Code("postcode", _l("Postcode")),
)
FOLLOWUP_CHOICES = tuple(Code(str(months), _l("%(num)s months after the end", num=months))
                         for months in (1, 2, 3, 6, 9, 12, 18, 24))

SETTINGS = (
    # The ranges keep the youngest age at or below the oldest whatever the two values.
    Setting("min_age", _l("Youngest age on the day of referral"), 18, min=15, max=25,
            help=_l("The target group is young people aged 18-30 (project description, 2014).")),
    Setting("max_age", _l("Oldest age on the day of referral"), 30, min=25, max=40,
            help=_l("A young person outside the ages gets a blocking finding at intake.")),
    PostcodesSetting("postcodes", _l("Postcodes the young person must live in"), ["2635"], kind="list", min=1, max=20,
                     help=_l("It is a requirement that the young people live in Ishøj Kommune. Separate with commas.")),
    Setting("candidate_count", _l("Mentors presented to the young person"), 2, min=1, max=5,
            help=_l("At most two possible mentors are found and presented; the young person chooses.")),
    Setting("capacity_limit", _l("Most young people per mentor at a time"), 2, min=1, max=MAX_CAPACITY,
            help=_l("Each mentor is matched with 1-2 young people at a time.")),
    Setting("course_evenings", _l("Course evenings a volunteer must attend before a match"), 2, min=1, max=10,
            help=_l("The mandatory course is about two evenings of three hours, before any match.")),
    Setting("mentor_meeting_every_weeks", _l("Weeks between mentor meetings"), 6, min=1, max=26,
            help=_l("The active mentors meet about every six weeks to exchange experience.")),
    Setting("supervision_every_months", _l("Months between supervision meetings"), 3, min=1, max=12,
            help=_l("The mentors receive supervision every three months.")),
    Setting("followup_months", _l("When the young person's status is followed up"), ["6"], kind="list", min=1,
            choices=FOLLOWUP_CHOICES,
            help=_l("Success criterion 2 counts who is in education 6 months after the end.")),
    Setting("volunteer_fields", _l("Questions of the volunteer profile form that must be answered"), list(PROFILE_FORM),
            kind="list", choices=PROFILE_FIELD_CHOICES,
            help=_l("Every volunteer fills in the profile form when recruited. An answer such as \"does not wish to "
                    "state it\" is an answer.")),
)


def _load_demo(tenant, today):
    from municipalities.ishoej.demo import load

    load(tenant, today)


DEMO = DemoTenant("ishoej", "Ishøj Kommune", (NAME,), _load_demo)

PLUGIN = PluginInfo(
    name=NAME, kind="municipality", title=_l("#MentorIshøj"),
    description=_l("Volunteer mentors for young people aged 18-30 in Ishøj who are ready for an education or at "
                   "risk of dropping out of one."),
    settings=SETTINGS, demo=DEMO)

# The hook implementations, gathered here where the plugin manager looks for them.
from municipalities.ishoej.corps import (  # noqa: E402
    mentorkorps_capacity_limit,
    mentorkorps_course_completed,
    mentorkorps_course_required_for_matching,
    mentorkorps_followup_months,
    mentorkorps_meeting_rhythms,
    mentorkorps_volunteer_fields,
)
from municipalities.ishoej.intake import mentorkorps_intake_criteria  # noqa: E402
from municipalities.ishoej.matching import mentorkorps_candidate_count, mentorkorps_scoring_criteria  # noqa: E402
from municipalities.ishoej.reports import mentorkorps_reports  # noqa: E402
from municipalities.ishoej.target_groups import (  # noqa: E402
    mentorkorps_consent_text,
    mentorkorps_referral_situations,
    mentorkorps_referral_sources,
    mentorkorps_target_group_rules,
)

__all__ = [
    "PLUGIN", "domain", "mentorkorps_capacity_limit", "mentorkorps_candidate_count", "mentorkorps_consent_text",
    "mentorkorps_course_completed", "mentorkorps_course_required_for_matching", "mentorkorps_followup_months",
    "mentorkorps_intake_criteria", "mentorkorps_meeting_rhythms", "mentorkorps_referral_situations",
    "mentorkorps_referral_sources", "mentorkorps_reports", "mentorkorps_scoring_criteria", "mentorkorps_target_group_rules",
    "mentorkorps_volunteer_fields",
]
