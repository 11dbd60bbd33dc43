"""Every report of CONTRACT.md section 5 (and the core's three), computed the plain way from the
generated records (``data.Records``): loops over rows, an age function and calendar months of its
own. It shares nothing with the code under test (no ``core.reports``), so the two agree only when
both read the contract the same way.

Each function returns ``[(section key, [(row key, value, percent or None), ...]), ...]``.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from tests.reports.data import add_months


def age(born: date, on: date) -> int:
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


def percent(part, whole):
    """One decimal, halves up; a share of nothing is 0."""
    if whole == 0:
        return 0.0
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def active_on(match, day: date) -> bool:
    return (match["started_on"] is not None and match["started_on"] <= day
            and (match["ended_on"] is None or day < match["ended_on"]))


def in_period(match, start: date, end: date) -> bool:
    """Active on at least one day of [start, end]. The first day of the period on or after the match
    started is the one to try: a match active on any later day of the period is active on it too."""
    if match["started_on"] is None:
        return False
    first = max(start, match["started_on"])
    return first <= end and active_on(match, first)


def ended_by(match, end: date) -> bool:
    return match["ended_on"] is not None and match["ended_on"] <= end


def counts_on(volunteer, day: date) -> bool:
    return volunteer["recruited_on"] <= day and (volunteer["left_on"] is None or volunteer["left_on"] > day)


def meetings_of(records, end: date) -> dict:
    """Match id -> number of its meetings held on or before ``end``."""
    counted = {}
    for meeting in records.meetings:
        if meeting["held_on"] <= end:
            counted[meeting["match_id"]] = counted.get(meeting["match_id"], 0) + 1
    return counted


def citizen_of(records) -> dict:
    by_referral = {r["id"]: r["citizen_id"] for r in records.referrals}
    return {m["id"]: by_referral[m["referral_id"]] for m in records.matches}


# ---- middelfart-mentors ----------------------------------------------------------------------------------

BANDS = (("18-25", 18, 25), ("26-35", 26, 35), ("36-45", 36, 45), ("46-55", 46, 55), ("56-65", 56, 65),
         ("66+", 66, 200))


def middelfart_mentors(records, start, end):
    counted = [v for v in records.volunteers if counts_on(v, end)]
    ages = [age(v["birth_date"], end) for v in counted if v["birth_date"] is not None]
    age_rows = [(key, sum(1 for a in ages if low <= a <= high), None) for key, low, high in BANDS]

    def tally(field, codes, with_percent):
        rows = []
        for code in codes:
            n = sum(1 for v in counted if v[field] == code)
            rows.append((code, n, percent(n, len(counted)) if with_percent else None))
        return rows

    return [("age", age_rows), ("gender", tally("gender", ("female", "male", "other"), False)),
            ("sector", tally("employment_sector", ("public", "private", "none"), True)),
            ("education", tally("education", ("care_teaching_social", "vocational", "higher", "unskilled"), True))]


# ---- middelfart-outcomes ---------------------------------------------------------------------------------

def middelfart_outcomes(records, start, end, end_reasons, outcome_codes):
    citizen = citizen_of(records)
    period = [m for m in records.matches if in_period(m, start, end)]
    matched = len({citizen[m["id"]] for m in period})
    stopped = [m for m in period if ended_by(m, end) and m["end_reason"] is not None and m["end_reason"] != "completed"]
    reasons = [(code, sum(1 for m in stopped if m["end_reason"] == code), None)
               for code in end_reasons if code != "completed"]
    outcomes = []
    for code in outcome_codes:
        if code == "none":
            continue
        people = {citizen[m["id"]] for m in period if ended_by(m, end) and m["outcome"] == code}
        outcomes.append((code, len(people), percent(len(people), matched)))
    return [("totals", [("matched", matched, None), ("stopped", len(stopped), None)]),
            ("stop_reasons", reasons), ("outcomes", outcomes)]


# ---- ishoej-success-criteria -----------------------------------------------------------------------------

def ishoej_success_criteria(records, start, end):
    citizen = citizen_of(records)
    held = meetings_of(records, end)
    criterion_1 = []
    for year in range(start.year, end.year + 1):
        people = {citizen[m["id"]] for m in records.matches
                  if m["started_on"] is not None and m["started_on"].year == year and start <= m["started_on"] <= end
                  and held.get(m["id"], 0) > 1}
        criterion_1.append((str(year), len(people), None))

    followup_6 = {f["match_id"]: f for f in records.followups if f["months_after"] == 6}
    eligible = [m for m in records.matches
                if in_period(m, start, end) and held.get(m["id"], 0) > 2
                and m["ended_on"] is not None and add_months(m["ended_on"], 6) <= end]
    in_education = [m for m in eligible if m["id"] in followup_6 and followup_6[m["id"]]["status"] == "education"]
    # A follow-up row without a status is scheduled, not done: no follow-up.
    no_followup = [m for m in eligible if m["id"] not in followup_6 or followup_6[m["id"]]["status"] is None]
    criterion_2 = [("eligible", len(eligible), None),
                   ("in_education", len(in_education), percent(len(in_education), len(eligible))),
                   ("no_followup", len(no_followup), None)]

    period = [m for m in records.matches if in_period(m, start, end) and m["volunteer_id"] is not None]
    total = 0
    number_of_days = 0
    for day in days(start, end):
        number_of_days += 1
        total += len({m["volunteer_id"] for m in period if active_on(m, day)})
    average = float((Decimal(total) / Decimal(number_of_days)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    return [("criterion_1", criterion_1), ("criterion_2", criterion_2),
            ("criterion_3", [("average_active_mentors", average, None)])]


# ---- network-recruitment ---------------------------------------------------------------------------------

def network_recruitment(records, start, end):
    citizen = citizen_of(records)
    active = [m for m in records.matches if active_on(m, end)]
    per_mentor = {}
    for m in active:
        if m["volunteer_id"] is not None:
            per_mentor[m["volunteer_id"]] = per_mentor.get(m["volunteer_id"], 0) + 1
    period = [m for m in records.matches if in_period(m, start, end)]
    nominated = sum(1 for m in period if m["network_nominated"])
    return [("status", [("active_mentors", len(per_mentor), None),
                        ("active_citizens", len({citizen[m["id"]] for m in active}), None),
                        ("mentors_with_several", sum(1 for n in per_mentor.values() if n > 1), None),
                        ("network_nominated", nominated, percent(nominated, len(period)))])]


# ---- recruitment-funnel (core) ---------------------------------------------------------------------------

def recruitment_funnel(records, start, end, channel_order):
    """``channel_order``: the tenant's channel codes in its order (the sections' order after the total)."""
    info = {vid for on, kind, vid, attended in records.info_attendance
            if kind == "info_meeting" and attended is True and on <= end}
    course = {e["volunteer_id"] for e in records.enrollments if e["completed_on"] is not None and e["completed_on"] <= end}
    approved = {c["volunteer_id"] for c in records.status_changes
                if c["to_status"] in ("approved", "active") and c["on"] <= end}
    matched = {m["volunteer_id"] for m in records.matches
               if m["volunteer_id"] is not None and m["started_on"] is not None and m["started_on"] <= end}
    cohort = [v for v in records.volunteers if start <= v["recruited_on"] <= end]

    def stages(people):
        ids = [v["id"] for v in people]
        values = [len(ids), sum(1 for i in ids if i in info), sum(1 for i in ids if i in course),
                  sum(1 for i in ids if i in approved), sum(1 for i in ids if i in matched)]
        keys = ("first_contact", "info_meeting", "course", "approved", "first_match")
        return [(k, n, percent(n, values[0])) for k, n in zip(keys, values)]

    sections = [("total", stages(cohort))]
    present = {v["recruitment_channel"] or "unknown" for v in cohort}
    order = [c for c in channel_order if c in present]
    order += sorted(c for c in present if c not in channel_order and c != "unknown")
    order += ["unknown"] if "unknown" in present else []
    for channel in order:
        sections.append((channel, stages([v for v in cohort if (v["recruitment_channel"] or "unknown") == channel])))
    return sections


# ---- activity (core) -------------------------------------------------------------------------------------

def months(start: date, end: date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        month += 1
        if month == 13:
            year, month = year + 1, 1


def activity(records, start, end):
    def per_month(dates):
        rows = []
        for year, month in months(start, end):
            first = max(start, date(year, month, 1))
            last = min(end, date(year, month, calendar.monthrange(year, month)[1]))
            rows.append((f"{year:04d}-{month:02d}", sum(1 for d in dates if d is not None and first <= d <= last), None))
        return rows

    return [("matches_started", per_month([m["started_on"] for m in records.matches])),
            ("matches_ended", per_month([m["ended_on"] for m in records.matches])),
            ("meetings_held", per_month([m["held_on"] for m in records.meetings]))]


# ---- followups (core) ------------------------------------------------------------------------------------

def followups(records, start, end):
    due = [f for f in records.followups if start <= f["due_on"] <= end]
    done = [f for f in due if f["status"] is not None and f["recorded_on"] is not None and f["recorded_on"] <= end]
    statuses = [(s, sum(1 for f in done if f["status"] == s), percent(sum(1 for f in done if f["status"] == s), len(done)))
                for s in ("education", "job", "internship", "benefits", "unknown")]
    return [("followups", [("due", len(due), None), ("done", len(done), percent(len(done), len(due))),
                           ("not_done", len(due) - len(done), percent(len(due) - len(done), len(due)))]),
            ("status", statuses)]
