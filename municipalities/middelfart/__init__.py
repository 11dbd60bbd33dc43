"""Middelfart Jobcenter's voluntary social mentor corps (seeds 000/001).

The corps is run by the jobcenter's mentor coordinator for resource-poor young people aged 15-32
who have problems beyond unemployment and find it hard to find or complete an education or a job.
The coordinator matches (one mentor presented), the 5-evening course trains the mentors, five
standing experience groups meet monthly, there is supervision, and the mentor association holds
events. Each rule below names where it comes from; README.md lists them with their settings.
"""
from __future__ import annotations

from markupsafe import Markup

from core.hooks import PluginInfo, hookimpl
from core.hooks.types import Code, DemoTenant, Finding, IntakeCriterion, MeetingRhythm, Rule, Setting
from core.i18n import plugin_domain
from core.settings import MAX_CAPACITY

domain = plugin_domain(__file__, "middelfart")
_l = domain.lazy_gettext

NAME = "middelfart"

# Where a referral may come from and still count as "from the jobcenter" (seed 001: the corps is
# run in the jobcenter; it began in the jobcenter's "Projekt Virksomhedscenter").
JOBCENTER_SOURCES = ("jobcenter", "business_centre")
# Mentors who came from the discontinued social research project (seed 001: 27 of the 109).
RESEARCH_PROJECT = "research_project"

SETTINGS = (
    Setting("min_age", _l("Youngest age on the day of referral"), 15, min=10, max=30,
            help=_l("The corps is for young people aged 15-32 on the day they are referred.")),
    Setting("max_age", _l("Oldest age on the day of referral"), 32, min=15, max=40,
            help=_l("A young person outside the ages gets a blocking finding at intake.")),
    Setting("jobcenter_only", _l("Only referrals from the jobcenter can be accepted"), False, kind="bool",
            help=_l("Off: a referral from elsewhere is accepted, with a finding that says so.")),
    Setting("candidate_count", _l("Mentors presented per young person"), 1, min=1, max=5,
            help=_l("The coordinator matches: one mentor is presented.")),
    Setting("capacity_limit", _l("Most young people per mentor at a time"), MAX_CAPACITY, min=1, max=MAX_CAPACITY,
            help=_l("Each mentor's own number (usually one young person) can be set up to this.")),
    Setting("course_evenings", _l("Evenings of the mentor course a volunteer must attend"), 5, min=1, max=10,
            help=_l("The course runs over 5 evenings; a shorter course counts when all of its evenings are attended.")),
    Setting("research_project_trained", _l("Mentors from the research project count as trained"), True, kind="bool",
            help=_l("They were trained in the social research project and need not take the course again.")),
    Setting("experience_group_days", _l("Days between experience-group meetings"), 30, min=7, max=120,
            help=_l("The five experience groups meet once a month.")),
    Setting("supervision_days", _l("Days between supervision meetings"), 91, min=14, max=365,
            help=_l("Supervision of the mentors; every three months unless changed.")),
    Setting("followup_months", _l("Months after the end of a match to follow up"), 6, min=0, max=24,
            help=_l("0 means no follow-up.")),
)

SOURCES = [Code("business_centre", _l("The jobcenter's business centre (Projekt Virksomhedscenter)"))]

RECRUITMENT_CHANNELS = [
    Code("press", _l("Local press")),
    Code("brochure", _l("Brochures")),
    Code("word_of_mouth", _l("Word of mouth")),
    Code("mentor_spouse", _l("A mentor's spouse")),
    Code(RESEARCH_PROJECT, _l("From the discontinued social research project")),
]

# The seed's four reasons why 16 matches stopped, in its own words.
END_REASONS = [
    Code("completed", _l("Completed")),
    Code("moved_away", _l("Moved to another municipality")),
    Code("needs_beyond_scope", _l("More problems than a volunteer social mentor should take part in")),
    Code("boundary_issues", _l("Could not find the limit of what a volunteer social mentor is for")),
    Code("own_wish", _l("Wished to stop the match themselves")),
]

# The seed's results, in its own words.
OUTCOME_CODES = [
    Code("retained_in_education", _l("Kept in the education they had started when matched")),
    Code("benefits_to_education", _l("From cash benefit to education")),
    Code("sick_leave_to_education", _l("From sick leave to education")),
    Code("internship", _l("Motivated to take a company internship")),
    Code("gave_up", _l("We had to give up")),
]


def setting(tenant, key: str):
    return PLUGIN.setting(tenant, key)


# ---- target group and intake (seed 001: "Aldersgruppen er 15 - 32 år", "Problemer udover ledighed") --

@hookimpl(tryfirst=True)
def mentorkorps_target_group_rules(tenant):
    low, high = setting(tenant, "min_age"), setting(tenant, "max_age")
    jobcenter_only = setting(tenant, "jobcenter_only")

    def age(citizen, on, referral=None, **_):
        day = referral.referred_on if referral is not None and referral.referred_on else on
        years = citizen.age_on(day)
        if years is None:
            return Finding("age", _l("The age is unknown; the corps is for young people aged %(low)s-%(high)s.",
                                     low=low, high=high), blocking=True)
        if not low <= years <= high:
            return Finding("age", _l("%(age)s years old on the day of referral; the corps is for young people aged "
                                     "%(low)s-%(high)s.", age=years, low=low, high=high), blocking=True)
        return None

    def from_jobcenter(citizen, on, referral=None, **_):
        if referral is None or referral.source in JOBCENTER_SOURCES:
            return None
        return Finding("jobcenter", _l("Not referred by the jobcenter: the corps is Jobcenter Middelfart's offer to "
                                       "the young people it works with."), blocking=bool(jobcenter_only))

    return [Rule("age", _l("Aged %(low)s-%(high)s on the day of referral", low=low, high=high), age),
            Rule("jobcenter", _l("Referred by the jobcenter"), from_jobcenter)]


@hookimpl(tryfirst=True)
def mentorkorps_intake_criteria(tenant):
    return [
        IntakeCriterion(
            "problems_beyond_unemployment",
            _l("Does the young person have problems beyond unemployment that make it hard to find or complete "
               "an education or a job (for example loneliness, no structure in everyday life, low self-esteem)?"),
            reason=_l("The corps is for young people with problems beyond unemployment."),
            blocking_answer=False),
        IntakeCriterion(
            "needs_professional_help",
            _l("Does the young person above all need help that only a professional can give (a psychologist, a "
               "doctor, a social worker or addiction treatment)?"),
            reason=_l("A volunteer social mentor is not a psychologist, a doctor, a social worker or an addiction "
                      "counsellor."),
            blocking_answer=True),
    ]


@hookimpl(tryfirst=True)
def mentorkorps_referral_sources(tenant):
    return SOURCES


# ---- matching (seed 001: the coordinator matches the young people with the mentors) --------------

@hookimpl(tryfirst=True)
def mentorkorps_candidate_count(tenant):
    return setting(tenant, "candidate_count")


@hookimpl(tryfirst=True)
def mentorkorps_capacity_limit(tenant):
    return setting(tenant, "capacity_limit")


@hookimpl(tryfirst=True)
def mentorkorps_followup_months(tenant, match):
    months = setting(tenant, "followup_months")
    return [months] if months else []


# ---- codes -------------------------------------------------------------------------------------------

@hookimpl(tryfirst=True)
def mentorkorps_recruitment_channels(tenant):
    return RECRUITMENT_CHANNELS


@hookimpl(tryfirst=True)
def mentorkorps_end_reasons(tenant):
    return END_REASONS


@hookimpl(tryfirst=True)
def mentorkorps_outcome_codes(tenant):
    return OUTCOME_CODES


# ---- the mentors: the 5-evening course, experience groups, supervision ------------------------------

@hookimpl(tryfirst=True)
def mentorkorps_course_completed(tenant, course, sessions, attended_session_ids):
    required = setting(tenant, "course_evenings")
    if not sessions or required >= len(sessions):
        return None  # every evening: the core's own rule (and any other plugin's) decides
    return len({s.id for s in sessions} & set(attended_session_ids)) >= required


@hookimpl(tryfirst=True)
def mentorkorps_course_required_for_matching(tenant, volunteer):
    if volunteer.recruitment_channel == RESEARCH_PROJECT and setting(tenant, "research_project_trained"):
        return False
    return None


@hookimpl(tryfirst=True)
def mentorkorps_meeting_rhythms(tenant):
    return [MeetingRhythm("experience_group", _l("Experience-group meeting"), setting(tenant, "experience_group_days")),
            MeetingRhythm("supervision", _l("Supervision"), setting(tenant, "supervision_days"))]


# ---- pages ---------------------------------------------------------------------------------------------

@hookimpl(tryfirst=True)
def mentorkorps_template_slot(tenant, slot, context):
    if slot != "front_page" or context.get("role") != "mentor":
        return None
    return [Markup('<div class="alert alert-info mt-6" role="note" data-testid="middelfart-mentor-role">'
                   '<div class="alert-body"><p class="alert-heading">{}</p><p class="alert-text">{}</p></div></div>')
            .format(domain.gettext("A volunteer social mentor is a role model, a buffer and a motivator."),
                    domain.gettext("You are not a psychologist, a doctor, a social worker or an addiction "
                                   "counsellor. When the young person needs more than that, tell the mentor "
                                   "coordinator."))]


def _load_demo(tenant, today):
    from municipalities.middelfart.demo import load

    load(tenant, today)


DEMO = DemoTenant("middelfart", "Middelfart Kommune", ("middelfart",), _load_demo)

PLUGIN = PluginInfo(
    name=NAME, kind="municipality", title=_l("Middelfart mentor corps"),
    description=_l("Jobcenter Middelfart's voluntary social mentor corps for young people aged 15-32."),
    settings=SETTINGS, demo=DEMO)

# The reports to the committee (CONTRACT.md section 5), where the plugin manager looks for hooks.
from municipalities.middelfart.reports import mentorkorps_reports  # noqa: E402,F401
