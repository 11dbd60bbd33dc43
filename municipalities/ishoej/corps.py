"""The corps' own rules: the volunteer profile form, the mandatory course before any match, how
many young people a mentor has, the mentors' meetings and supervision, and the follow-up after a
match (seeds 002 and 003).
"""
from __future__ import annotations

from core.hooks import hookimpl
from core.hooks.types import MeetingRhythm
from municipalities.ishoej import PLUGIN, _l

# The kind of group meeting the mentor meetings are: "møder for de aktive frivillige mentorer, hvor
# de har mulighed for at sparre og videndele med hinanden" is an experience-exchange meeting
# (erfamøde), the core's kind experience_group.
MENTOR_MEETING_KIND = "experience_group"


def months_in_days(months: int) -> int:
    return round(months * 365.25 / 12)  # 3 months: 91 days


@hookimpl(tryfirst=True)
def mentorkorps_volunteer_fields(tenant):
    """Seed 002: every volunteer fills in a form with their gender, age, ethnicity, interests, work
    background, competences, and wishes and reservations about being a mentor."""
    return tuple(PLUGIN.setting(tenant, "volunteer_fields"))


@hookimpl(tryfirst=True)
def mentorkorps_course_required_for_matching(tenant, volunteer):
    """Seed 002: "alle frivillige mentorer skal igennem et obligatorisk kursus, inden de matches"."""
    return True


@hookimpl(tryfirst=True)
def mentorkorps_course_completed(tenant, course, sessions, attended_session_ids):
    """The course counts when the volunteer attended at least ``course_evenings`` of its sessions
    (seed 002: about two evenings of three hours). A course with fewer sessions cannot be completed
    alone: the volunteer takes the missing evening on a later course."""
    attended = {session.id for session in sessions} & set(attended_session_ids)
    return len(attended) >= PLUGIN.setting(tenant, "course_evenings")


@hookimpl(tryfirst=True)
def mentorkorps_capacity_limit(tenant):
    """Seed 003: "Hver mentor matches med 1-2 unge ad gangen"."""
    return PLUGIN.setting(tenant, "capacity_limit")


@hookimpl(tryfirst=True)
def mentorkorps_meeting_rhythms(tenant):
    """Seed 002: meetings for the active mentors about every sixth week, supervision every third
    month (seed 003 calls them mentor meetings)."""
    return [
        MeetingRhythm(MENTOR_MEETING_KIND, _l("Mentor meeting"), PLUGIN.setting(tenant, "mentor_meeting_every_weeks") * 7),
        MeetingRhythm("supervision", _l("Supervision"), months_in_days(PLUGIN.setting(tenant, "supervision_every_months"))),
    ]


@hookimpl(tryfirst=True)
def mentorkorps_followup_months(tenant, match):
    """Success criterion 2 (seed 002): the share in education 6 months after the end of the course."""
    return sorted({int(months) for months in PLUGIN.setting(tenant, "followup_months")})
