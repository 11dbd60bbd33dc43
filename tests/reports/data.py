"""Generated records for the report tests: several hundred volunteers, young people, matches, meetings
and follow-ups from a fixed seed, plus hand-placed edge cases around the periods the tests use.

Written straight into one tenant's tables (ORM bulk inserts in its context: history as it happened,
no services). ``generate()`` returns the same records as plain dicts with their ids, which is all
the independent computation in ``oracle.py`` reads: another tenant's rows can never reach it.
"""
from __future__ import annotations

import calendar
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import insert

from core.extensions import db
from core.groups.models import GroupMeeting, GroupMeetingParticipant
from core.matching.models import Match
from core.meetings.models import FollowUp, Meeting
from core.referrals.models import Citizen, Referral
from core.tenancy import tenant_context
from core.training.models import Course, CourseEnrollment
from core.volunteers.models import Volunteer, VolunteerStatusChange

FIRST_DAY, LAST_DAY = date(2019, 1, 1), date(2024, 12, 31)

# The periods every report is compared over: several years, one calendar year, one day, leap days,
# and the two periods on either side of "31 August + 6 months = 28 February".
PERIODS = (
    (date(2021, 3, 1), date(2023, 8, 31)),
    (date(2022, 1, 1), date(2022, 12, 31)),
    (date(2022, 6, 15), date(2022, 6, 15)),
    (date(2020, 2, 29), date(2024, 2, 29)),
    (date(2022, 1, 1), date(2023, 2, 28)),
    (date(2022, 1, 1), date(2023, 2, 27)),
    (date(2019, 1, 1), date(2024, 12, 31)),
    (date(2023, 3, 1), date(2023, 3, 1)),
)
P_FROM, P_TO = PERIODS[0]

GENDERS = ("female", "male", "other", None)
SECTORS = ("public", "private", "none", None)
EDUCATIONS = ("care_teaching_social", "vocational", "higher", "unskilled", None)
# Some of every tenant's codes, a code only some tenants have, one no tenant has any more, and none.
CHANNELS = ("press", "brochure", "word_of_mouth", "info_meeting", "web", "network", "other", "mentor_spouse",
            "legacy_fair", None)
END_REASONS = ("completed", "completed", "completed", "moved_away", "needs_beyond_scope", "boundary_issues",
               "own_wish", "mentor_stopped", "other", None)
OUTCOMES = ("retained_in_education", "benefits_to_education", "sick_leave_to_education", "internship", "job",
            "gave_up", "none", None)
FOLLOWUP_STATUSES = ("education", "education", "job", "internship", "benefits", "unknown")


def add_months(day: date, months: int) -> date:
    """The test's own calendar months (not the app's): a day the target month lacks is its last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass
class Records:
    volunteers: list = field(default_factory=list)
    status_changes: list = field(default_factory=list)
    info_attendance: list = field(default_factory=list)  # (meeting on, kind, volunteer id, attended)
    enrollments: list = field(default_factory=list)
    citizens: list = field(default_factory=list)
    referrals: list = field(default_factory=list)
    matches: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    followups: list = field(default_factory=list)


def _day(rng: random.Random, first: date = FIRST_DAY, last: date = LAST_DAY) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _insert(model, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    ids = db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows).all()
    for row, new_id in zip(rows, ids, strict=True):
        row["id"] = new_id
    return ids


def _volunteer(rng, n, **fixed) -> dict:
    recruited = fixed.pop("recruited_on", None) or _day(rng)
    row = {"name": f"Frivillig {n}", "birth_date": _day(rng, date(1938, 1, 1), date(2006, 12, 31)),
           "gender": rng.choice(GENDERS), "employment_sector": rng.choice(SECTORS), "education": rng.choice(EDUCATIONS),
           "recruitment_channel": rng.choice(CHANNELS), "recruited_on": recruited, "left_on": None,
           "status": "applicant", "status_since": recruited, "capacity": 2}
    if rng.random() < 0.08:
        row["birth_date"] = None
    if rng.random() < 0.25:
        row["left_on"] = recruited + timedelta(days=rng.randint(0, 900))
    row.update(fixed)
    return row


def _edge_volunteers(start: date, end: date) -> list[dict]:
    """Around ``end`` (the first period's ``to``): turning a band's age on it and the day after, born
    29 February, recruited on it, leaving on it and the day after."""
    day_after = end + timedelta(days=1)
    people = []
    for years in (18, 26, 36, 46, 56, 66):
        people.append({"birth_date": add_months(end, -12 * years)})        # turns `years` on `to`
        people.append({"birth_date": add_months(day_after, -12 * years)})  # turns `years` the day after
    people += [{"birth_date": date(1996, 2, 29)}, {"birth_date": date(1964, 2, 29)}, {"birth_date": date(2000, 2, 29)},
               {"recruited_on": end}, {"recruited_on": start}, {"recruited_on": day_after},
               {"recruited_on": start - timedelta(days=1)},
               {"recruited_on": start - timedelta(days=40), "left_on": end},
               {"recruited_on": start - timedelta(days=40), "left_on": day_after}]
    return people


def generate(tenant, seed: int, *, volunteers: int = 320, citizens: int = 300, matches: int = 420) -> Records:
    rng = random.Random(seed)
    out = Records()
    with tenant_context(tenant):
        # ---- volunteers, their status history, information meetings and courses
        rows = [_volunteer(rng, n) for n in range(volunteers)]
        rows += [_volunteer(rng, volunteers + i, **{"recruited_on": P_FROM - timedelta(days=100), "left_on": None,
                                                    **fixed})
                 for i, fixed in enumerate(_edge_volunteers(P_FROM, P_TO))]
        _insert(Volunteer, rows)
        out.volunteers = rows
        changes = []
        for v in rows:
            on = v["recruited_on"]
            roll = rng.random()
            if roll < 0.12:  # an imported history: straight to active
                changes.append({"volunteer_id": v["id"], "from_status": None, "to_status": "active", "on": on})
            elif roll < 0.7:
                for status in ("info_meeting", "in_training", "approved", "active"):
                    on += timedelta(days=rng.randint(0, 60))
                    changes.append({"volunteer_id": v["id"], "from_status": None, "to_status": status, "on": on})
                    if rng.random() < 0.25:
                        break
            else:
                changes.append({"volunteer_id": v["id"], "from_status": None, "to_status": "info_meeting",
                                "on": on + timedelta(days=rng.randint(0, 30))})
        # The day approval counts: approved on the first period's `to` and the day after.
        changes += [{"volunteer_id": rows[-1]["id"], "from_status": None, "to_status": "approved", "on": P_TO},
                    {"volunteer_id": rows[-2]["id"], "from_status": None, "to_status": "approved",
                     "on": P_TO + timedelta(days=1)}]
        _insert(VolunteerStatusChange, changes)
        out.status_changes = changes

        meetings = [{"kind": kind, "title": f"{kind} {i}", "on": _day(rng)}
                    for i, kind in enumerate(["info_meeting"] * 24 + ["experience_group"] * 6)]
        meetings.append({"kind": "info_meeting", "title": "On the last day", "on": P_TO})
        meetings.append({"kind": "info_meeting", "title": "The day after", "on": P_TO + timedelta(days=1)})
        _insert(GroupMeeting, meetings)
        participants = []
        for meeting in meetings:
            for v in rng.sample(rows, 14):
                attended = rng.choice((True, True, False, None))
                participants.append({"meeting_id": meeting["id"], "volunteer_id": v["id"], "attended": attended})
                out.info_attendance.append((meeting["on"], meeting["kind"], v["id"], attended))
        _insert(GroupMeetingParticipant, participants)

        courses = [{"title": f"Kursus {i}"} for i in range(6)]
        _insert(Course, courses)
        enrollments = []
        for course in courses:
            for v in rng.sample(rows, 40):
                completed = v["recruited_on"] + timedelta(days=rng.randint(10, 200)) if rng.random() < 0.7 else None
                enrollments.append({"course_id": course["id"], "volunteer_id": v["id"], "completed_on": completed,
                                    "state": "enrolled"})
        enrollments[0]["completed_on"], enrollments[1]["completed_on"] = P_TO, P_TO + timedelta(days=1)
        _insert(CourseEnrollment, enrollments)
        out.enrollments = enrollments

        # ---- young people and their referrals (some come back with a second referral)
        people = [{"name": f"Ung {n}", "birth_date": _day(rng, date(1990, 1, 1), date(2008, 12, 31))}
                  for n in range(citizens)]
        # Two with one match each and nothing else, so that whether their match counts shows in the
        # distinct young people.
        alone = [{"name": f"Ung med ét forløb {n}", "birth_date": date(2001, 5, 5)} for n in range(2)]
        _insert(Citizen, people + alone)
        out.citizens = people + alone
        referrals = []
        for person in people:
            for _ in range(1 if rng.random() < 0.85 else 2):
                referred = _day(rng, FIRST_DAY - timedelta(days=200), LAST_DAY - timedelta(days=60))
                referrals.append({"citizen_id": person["id"], "referred_on": referred, "source": "jobcenter",
                                  "situation": "cash_benefit", "status": "matched", "consent_given_on": referred,
                                  "consent_text_version": "core-1"})
        own = [{"citizen_id": person["id"], "referred_on": date(2021, 1, 4), "source": "jobcenter",
                "situation": "cash_benefit", "status": "ended", "consent_given_on": date(2021, 1, 4),
                "consent_text_version": "core-1"} for person in alone]
        _insert(Referral, referrals + own)
        out.referrals = referrals + own

        # ---- matches: random, then the hand-placed ones
        mentors = [v for v in rows if rng.random() < 0.6]
        plan = []
        for _ in range(matches):
            started = _day(rng, FIRST_DAY - timedelta(days=300), LAST_DAY) if rng.random() < 0.93 else None
            ended = None
            if started is not None and rng.random() < 0.75:
                ended = started + timedelta(days=rng.choice((0, rng.randint(1, 30), rng.randint(30, 500))))
            plan.append((rng.choice(referrals), rng.choice(mentors) if started or rng.random() < 0.5 else None,
                         started, ended))
        d = timedelta
        edges = [  # (started_on, ended_on) around the first period and the others
            (P_FROM, None), (P_FROM - d(30), P_FROM), (P_FROM - d(30), P_FROM + d(1)), (P_FROM, P_FROM),
            (P_TO, None), (P_TO, P_TO), (P_TO - d(50), P_TO), (P_TO + d(1), None), (P_TO - d(10), P_TO + d(1)),
            (date(2022, 5, 10), date(2022, 5, 10)), (date(2022, 6, 15), date(2022, 6, 16)),
            (date(2022, 6, 14), date(2022, 6, 15)), (date(2022, 6, 15), None),
            (date(2022, 3, 1), date(2022, 8, 31)), (date(2022, 2, 1), date(2022, 8, 31)),
            (date(2022, 4, 1), date(2022, 8, 30)), (date(2022, 3, 3), date(2022, 9, 1)),
            (date(2019, 6, 1), date(2020, 2, 29)), (date(2020, 2, 29), None), (date(2023, 3, 1), date(2023, 3, 2)),
        ]
        mentor_cycle = iter(mentors * 3)
        plan += [(rng.choice(referrals), next(mentor_cycle), s, e) for s, e in edges]
        # Started the day before the first period (in its first year), and before the fifth period, ended
        # on the last day that is 6 months before its `to` (31 August 2022 for 28 February 2023).
        lone_edges = [(P_FROM - d(1), date(2021, 6, 1)), (date(2021, 11, 1), date(2022, 8, 31))]
        plan += [(referral, next(mentor_cycle), s, e) for referral, (s, e) in zip(own, lone_edges, strict=True)]
        # One mentor with overlapping, nested and touching matches (the active-mentor days merge them).
        busy = mentors[0]
        plan += [(rng.choice(referrals), busy, s, e) for s, e in (
            (date(2021, 4, 1), date(2021, 9, 1)), (date(2021, 5, 1), date(2021, 6, 1)),
            (date(2021, 9, 1), date(2022, 1, 1)), (date(2021, 12, 1), None), (date(2022, 2, 1), date(2022, 2, 1)))]
        match_rows = []
        for referral, mentor, started, ended in plan:
            status = "ended" if ended else "active" if started else rng.choice(("proposed", "cancelled"))
            match_rows.append({
                "referral_id": referral["id"], "volunteer_id": mentor["id"] if mentor else None, "status": status,
                "proposed_on": (started or _day(rng)) - timedelta(days=7), "started_on": started, "ended_on": ended,
                "end_reason": rng.choice(END_REASONS) if ended else None,
                "outcome": rng.choice(OUTCOMES) if ended else None,
                "network_nominated": rng.random() < 0.3})
        _insert(Match, match_rows)
        out.matches = match_rows

        # ---- meetings: on the match's days (some on its first and last), a few on the period's edges
        meeting_rows = []
        for match in match_rows:
            if match["started_on"] is None:
                continue
            last = match["ended_on"] or match["started_on"] + timedelta(days=400)
            span = (last - match["started_on"]).days
            count = rng.choice((0, 1, 2, 3, 3, 4, 6, 9))
            for _ in range(count):
                meeting_rows.append({"match_id": match["id"],
                                     "held_on": match["started_on"] + timedelta(days=rng.randint(0, span)),
                                     "minutes": 60})
        by_edge = {(m["started_on"], m["ended_on"]): m for m in match_rows[-len(edges) - len(lone_edges) - 5:]}
        for key, days in (((date(2022, 3, 1), date(2022, 8, 31)), (0, 30, 60)),  # eligible on 28 Feb 2023
                          ((date(2022, 2, 1), date(2022, 8, 31)), (1, 40, 80)),  # eligible, no follow-up
                          ((date(2022, 4, 1), date(2022, 8, 30)), (2, 3, 4)),
                          ((date(2022, 3, 3), date(2022, 9, 1)), (5, 6, 7)),
                          ((P_FROM, None), (0, 1)), ((P_TO - d(50), P_TO), (0, 50, 50)),
                          (lone_edges[0], (1, 2, 3)), (lone_edges[1], (10, 20, 30))):
            match = by_edge[key]
            meeting_rows += [{"match_id": match["id"], "held_on": key[0] + timedelta(days=n), "minutes": 45} for n in days]
        _insert(Meeting, meeting_rows)
        out.meetings = meeting_rows

        # ---- follow-ups at 6 months (and some at 3 and 12); some missing, some scheduled but not done
        followup_rows = []
        for match in match_rows:
            if match["ended_on"] is None:
                continue
            for months in (3, 6, 12):
                if rng.random() < (0.75 if months == 6 else 0.2):
                    due = add_months(match["ended_on"], months)
                    done = rng.random() < 0.7
                    followup_rows.append({
                        "match_id": match["id"], "months_after": months, "due_on": due,
                        "status": rng.choice(FOLLOWUP_STATUSES) if done else None,
                        "recorded_on": due + timedelta(days=rng.randint(-10, 60)) if done else None})
        edge_followups = {  # 31 August + 6 months: 28 February; one scheduled and not done
            (date(2022, 3, 1), date(2022, 8, 31)): ("education", date(2023, 2, 28)),
            (date(2022, 4, 1), date(2022, 8, 30)): (None, None),
            (date(2022, 3, 3), date(2022, 9, 1)): ("education", date(2023, 3, 1)),
        }
        followup_rows = [f for f in followup_rows
                         if not any(f["match_id"] == by_edge[k]["id"] for k in (*edge_followups, (date(2022, 2, 1), date(2022, 8, 31))))]
        for key, (status, recorded) in edge_followups.items():
            match = by_edge[key]
            followup_rows.append({"match_id": match["id"], "months_after": 6, "due_on": add_months(key[1], 6),
                                  "status": status, "recorded_on": recorded})
        _insert(FollowUp, followup_rows)
        out.followups = followup_rows
        db.session.commit()
    return out
