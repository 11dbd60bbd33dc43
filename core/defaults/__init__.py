"""The built-in plugin: every default behaviour, as ``trylast`` implementations any plugin overrides."""
from flask_babel import lazy_gettext as _l

from core.hooks import PluginInfo, hookimpl
from core.hooks.types import Code, MenuItem

PLUGIN = PluginInfo(name="defaults", title=_l("Built-in defaults"), kind="core")

RECRUITMENT_CHANNELS = [
    Code("press", _l("Local press")),
    Code("brochure", _l("Brochure")),
    Code("word_of_mouth", _l("Word of mouth")),
    Code("info_meeting", _l("Information meeting")),
    Code("association", _l("Association")),
    Code("web", _l("Web and social media")),
    Code("network", _l("The young person's network")),
    Code("other", _l("Other")),
]

END_REASONS = [
    Code("completed", _l("Completed")),
    Code("moved_away", _l("Moved away")),
    Code("needs_beyond_scope", _l("Needs beyond what a volunteer mentor can handle")),
    Code("boundary_issues", _l("Could not keep to what a volunteer mentor is for")),
    Code("own_wish", _l("The young person's own wish")),
    Code("mentor_stopped", _l("The mentor stopped")),
    Code("other", _l("Other")),
]

OUTCOME_CODES = [
    Code("retained_in_education", _l("Stayed in education")),
    Code("benefits_to_education", _l("From benefits to education")),
    Code("sick_leave_to_education", _l("From sick leave to education")),
    Code("internship", _l("Internship")),
    Code("job", _l("Job")),
    Code("gave_up", _l("Gave up")),
    Code("none", _l("No outcome")),
]

REFERRAL_SOURCES = [
    Code("jobcenter", _l("Jobcenter")),
    Code("school", _l("School or education")),
    Code("guidance", _l("Guidance counsellor")),
    Code("social_services", _l("Social services")),
    Code("self", _l("The young person themselves")),
    Code("other", _l("Other")),
]

REFERRAL_SITUATIONS = [
    Code("in_education", _l("In education")),
    Code("cash_benefit", _l("Cash benefit")),
    Code("education_benefit", _l("Education benefit")),
    Code("sick_leave", _l("Sick leave")),
    Code("other", _l("Other")),
]

CONSENT_TEXT = Code("core-1", _l(
    "I agree that the municipality's mentor corps receives this referral and stores what it says about me, "
    "so that a volunteer mentor can be found for me. Once I have a mentor, the mentor sees my first name, "
    "my age, the contact details I agree to share and the goals we agree on. I can withdraw my consent at "
    "any time; the mentor then no longer sees anything about me."))


@hookimpl(trylast=True)
def mentorkorps_target_group_rules(tenant):
    return []


@hookimpl(trylast=True)
def mentorkorps_intake_criteria(tenant):
    return []


@hookimpl(trylast=True)
def mentorkorps_referral_sources(tenant):
    return REFERRAL_SOURCES


@hookimpl(trylast=True)
def mentorkorps_referral_situations(tenant):
    return REFERRAL_SITUATIONS


@hookimpl(trylast=True)
def mentorkorps_consent_text(tenant):
    return CONSENT_TEXT


@hookimpl(trylast=True)
def mentorkorps_scoring_criteria(tenant):
    from core.matching.criteria import default_criteria  # numpy and scipy only when matching runs

    return default_criteria()


@hookimpl(trylast=True)
def mentorkorps_rank_candidates(tenant, referral, candidates):
    return sorted(candidates, key=lambda c: (-c[1], c[0].id))


@hookimpl(trylast=True)
def mentorkorps_candidate_count(tenant):
    return 1


@hookimpl(trylast=True)
def mentorkorps_followup_months(tenant, match):
    return [6]


@hookimpl(trylast=True)
def mentorkorps_recruitment_channels(tenant):
    return RECRUITMENT_CHANNELS


@hookimpl(trylast=True)
def mentorkorps_end_reasons(tenant):
    return END_REASONS


@hookimpl(trylast=True)
def mentorkorps_outcome_codes(tenant):
    return OUTCOME_CODES


@hookimpl(trylast=True)
def mentorkorps_reports(tenant):
    from core.reports.builtin import REPORTS  # the models and services load after the plugin manager

    return list(REPORTS)


@hookimpl(trylast=True)
def mentorkorps_menu_items(tenant, user, role):
    coordinator = frozenset({"coordinator"})
    return [
        MenuItem("front", _l("Front page"), "web.front", order=0),
        MenuItem("volunteers", _l("Volunteers"), "volunteers.index", roles=coordinator, order=10),
        MenuItem("courses", _l("Courses"), "training.index", roles=coordinator, order=20),
        MenuItem("group_meetings", _l("Group meetings"), "groups.index", roles=coordinator, order=30),
        MenuItem("recruitment", _l("Recruitment"), "volunteers.recruitment", roles=coordinator, order=40),
        MenuItem("intake", _l("Intake"), "referrals.intake_queue", roles=coordinator, order=5),
        MenuItem("refer", _l("Refer a young person"), "referrals.create", roles=frozenset({"caseworker"}), order=10),
        MenuItem("my_referrals", _l("My referrals"), "referrals.mine", roles=frozenset({"caseworker"}), order=20),
        MenuItem("settings", _l("Settings"), "tenant_settings.edit", roles=coordinator, order=90),
        MenuItem("my_profile", _l("My profile"), "mentor.profile", roles=frozenset({"mentor"}), order=10),
        MenuItem("my_young_people", _l("My young people"), "meetings_mentor.young_people",
                 roles=frozenset({"mentor"}), order=5),
        MenuItem("followups", _l("Follow-ups"), "meetings.followups", roles=coordinator, order=60),
        MenuItem("reports", _l("Reports"), "reports.index", roles=coordinator, order=70),
        MenuItem("matching", _l("Matching"), "matching.board", roles=coordinator, order=6),
        MenuItem("matches", _l("Matches"), "matching.matches", roles=coordinator, order=7),
        MenuItem("my_proposals", _l("Proposals for me"), "matching_mentor.proposals", roles=frozenset({"mentor"}),
                 order=4),
    ]


@hookimpl(trylast=True)
def mentorkorps_template_slot(tenant, slot, context):
    return []


@hookimpl(trylast=True)
def mentorkorps_course_completed(tenant, course, sessions, attended_session_ids):
    return bool(sessions) and all(s.id in attended_session_ids for s in sessions)


@hookimpl(trylast=True)
def mentorkorps_course_required_for_matching(tenant, volunteer):
    return True


@hookimpl(trylast=True)
def mentorkorps_eligibility_findings(tenant, volunteer, on):
    return []


@hookimpl(trylast=True)
def mentorkorps_capacity_limit(tenant):
    from core.settings import MAX_CAPACITY

    return MAX_CAPACITY


@hookimpl(trylast=True)
def mentorkorps_volunteer_fields(tenant):
    return ()


@hookimpl(trylast=True)
def mentorkorps_meeting_rhythms(tenant):
    return []
