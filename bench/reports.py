"""`make bench`, reports: every report of a corps with ten years of history, beside a baseline
measured in the same run (CONTRACT.md section 6). Run alone with ``python -m bench.reports``.

1. Generates, with a fixed seed, a mentor corps' history from 2016 to 2025
   (:func:`generate_history`): ``BENCH_REPORT_MEETINGS`` meetings (default 200,000) spread over
   matches (one per ~33 meetings: ~6,000), their mentors (one per four matches: ~1,500, plus a third
   as many who came to first contact and dropped out), their young people and referrals (some referred
   again for a second match), follow-ups 6 and 12 months after the matches that ended (some missing,
   some not done), some matches with a mentor the young person nominated, and the recruitment funnel's
   information meetings, courses and status changes.
2. Bulk-inserts the same history into three tenants, because a municipality's package can be
   enabled only for the tenant whose slug is its name (CONTRACT.md section 1): ``middelfart``
   (the Middelfart package), ``ishoej`` (the Ishøj package) and ``eksempel`` (network recruitment).
   Each lists the core's reports and its plugin's. The database is a throwaway SQLite file migrated to
   head and, when ``DATABASE_URL`` is set, that database as well — in a PostgreSQL schema of the run's
   own (``bench_reports_<pid>``, created, migrated to head and dropped again), so that the
   municipalities' slugs are free whatever the database holds and nothing else is touched. On
   PostgreSQL the tables are vacuumed and analysed after loading, as autovacuum leaves them after bulk
   inserts; SQLite is measured as the app runs it (the app never runs ``ANALYZE``).
3. Measures every report each tenant lists (``core.reports.services.tenant_reports()``) through
   ``run_report(key, from, to)`` — what the API and the page call — for one year (2025) and for the
   whole ten years, each call in a transaction of its own inside a GET request context (as a request
   runs it), repeated: median and best wall time, and the median CPU time of this process (on
   PostgreSQL the server's CPU is not in it). Target: under 100 ms each. Baseline, in the same run and
   the same way: ``SELECT count(*), sum(minutes) FROM meeting WHERE tenant_id = :t`` over the tenant's
   meetings, the floor of touching every meeting once; each report's median is given as a ratio to
   the baseline's (wall time, and CPU time, which a busy machine disturbs less). One more, instrumented, call of each report
   counts its statements; for a report that misses the target the slowest statement is kept with its
   plan (``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN ANALYZE`` on PostgreSQL).
4. Prints a table (median, best, CPU, the ratio to the baseline, the target) and merges
   ``{"reports": ...}`` into ``bench/results.json``.

Environment: ``BENCH_REPORT_MEETINGS`` (default 200000), ``BENCH_REPORT_REPEAT`` (timed calls per report
and period, default 7), ``DATABASE_URL``.
"""
from __future__ import annotations

import bisect
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
SEED = 2026
FIRST, LAST = date(2016, 1, 1), date(2025, 12, 31)
PERIODS = (("one_year", date(2025, 1, 1), LAST), ("ten_years", FIRST, LAST))
TARGET_MS = 100.0
# (slug, plugins): a municipality's package only for the tenant of its own slug.
TENANTS = (("middelfart", ("middelfart",)), ("ishoej", ("ishoej",)), ("eksempel", ("network_recruitment",)))

MEETINGS_PER_MATCH = 33
MATCHES_PER_MENTOR = 4
REMATCH_SHARE = 0.17  # a match whose young person had an earlier one (a new referral of the same person)

# The codes of CONTRACT.md section 3, weighted roughly as a corps sees them.
GENDERS = ("female",) * 12 + ("male",) * 7 + ("other",)
SECTORS = ("public", "public", "private", "private", "none", None)
EDUCATIONS = ("care_teaching_social", "care_teaching_social", "vocational", "higher", "higher", "unskilled", None)
CHANNELS = ("press", "brochure", "word_of_mouth", "word_of_mouth", "info_meeting", "association", "web", "web",
            "network", "other", None)
SOURCES = ("jobcenter", "jobcenter", "jobcenter", "school", "guidance", "social_services", "self", "other")
SITUATIONS = ("in_education", "cash_benefit", "cash_benefit", "education_benefit", "sick_leave", "other")
STOP_REASONS = ("moved_away", "needs_beyond_scope", "boundary_issues", "own_wish", "own_wish", "mentor_stopped",
                "other")
OUTCOMES = ("retained_in_education", "benefits_to_education", "sick_leave_to_education", "internship", "job",
            "gave_up", "none")
FOLLOWUP_STATUSES = ("education", "education", "education", "job", "job", "internship", "benefits", "benefits",
                     "unknown")
MINUTES = (30, 45, 60, 60, 60, 90, 120, None)
PLACES = ("cafe", "walk", "cooking", "online", "other")
INFO_MEETING_MONTHS = (2, 5, 8, 11)  # one information meeting a quarter


# ---- the history, as plain rows ------------------------------------------------------------------------

@dataclass
class History:
    """A corps' records as plain values; references are list positions (``volunteer``, ``citizen``,
    ``referral``, ``match``), so the same history can be inserted into any tenant or written as an
    import workbook."""

    volunteers: list[dict] = field(default_factory=list)
    status_changes: list[tuple] = field(default_factory=list)  # (volunteer, from_status, to_status, on)
    info_meetings: list[date] = field(default_factory=list)
    attendance: list[tuple] = field(default_factory=list)  # (info meeting, volunteer, attended)
    courses: list[str] = field(default_factory=list)
    enrollments: list[tuple] = field(default_factory=list)  # (course, volunteer, completed_on or None)
    citizens: list[dict] = field(default_factory=list)
    referrals: list[dict] = field(default_factory=list)
    matches: list[dict] = field(default_factory=list)
    meetings: list[tuple] = field(default_factory=list)  # (match, held_on, minutes, place)
    followups: list[tuple] = field(default_factory=list)  # (match, months_after, due_on, status, recorded_on)

    def sizes(self) -> dict:
        return {"volunteers": len(self.volunteers), "status_changes": len(self.status_changes),
                "info_meetings": len(self.info_meetings), "info_meeting_participants": len(self.attendance),
                "courses": len(self.courses), "course_enrollments": len(self.enrollments),
                "citizens": len(self.citizens), "referrals": len(self.referrals), "matches": len(self.matches),
                "open_matches": sum(1 for m in self.matches if m["ended_on"] is None),
                "network_nominated": sum(1 for m in self.matches if m["network_nominated"]),
                "meetings": len(self.meetings), "followups": len(self.followups)}


def _add_months(day: date, months: int) -> date:
    from core.clock import add_months

    return add_months(day, months)


def generate_history(meetings: int, seed: int = SEED) -> History:
    """A corps' history from ``FIRST`` to ``LAST`` with exactly ``meetings`` meetings; the other sizes
    follow from it (see the module's docstring). Deterministic for a seed."""
    rng = random.Random(seed)
    history = History()
    match_count = max(meetings // MEETINGS_PER_MATCH, 4)
    mentor_count = max(match_count // MATCHES_PER_MENTOR, 2)
    dropout_count = max(mentor_count // 3, 1)

    def day_between(low: date, high: date) -> date:
        return low + timedelta(days=rng.randint(0, max((high - low).days, 0)))

    def days(n: int) -> timedelta:
        return timedelta(days=n)

    def birth(age_low: int, age_high: int, on: date) -> date:
        return on - days(rng.randint(age_low * 365, age_high * 365 + 364))

    history.info_meetings = [date(year, month, 10) for year in range(FIRST.year - 1, LAST.year + 1)
                             for month in INFO_MEETING_MONTHS]
    history.courses = [f"Mentorkursus {year} {half}" for year in range(FIRST.year - 1, LAST.year + 1) for half in (1, 2)]

    def course_of(day: date) -> int:
        return (day.year - (FIRST.year - 1)) * 2 + (0 if day.month <= 6 else 1)

    def next_info_meeting(after: date) -> int | None:
        index = bisect.bisect_left(history.info_meetings, after)
        return index if index < len(history.info_meetings) and history.info_meetings[index] <= LAST else None

    # Volunteers: mentors first (approved, with matches), then those who dropped out before a course.
    approved_on: list[date | None] = []
    steps_of: list[list[tuple]] = []  # each volunteer's (from_status, to_status, on), in order
    for n in range(mentor_count + dropout_count):
        mentor = n < mentor_count
        recruited = day_between(FIRST - days(365), LAST - days(60))
        steps = [(None, "applicant", recruited)]
        info = next_info_meeting(recruited)
        left = approved = None
        if mentor:
            info_day = history.info_meetings[info] if info is not None else recruited
            completed = min(info_day + days(rng.randint(30, 75)), LAST)
            approved = min(completed + days(rng.randint(0, 14)), LAST)
            steps += [("applicant", "info_meeting", info_day),
                      ("info_meeting", "in_training", min(info_day + days(7), LAST)),
                      ("in_training", "approved", approved)]
            history.enrollments.append((course_of(completed), n, completed))
            if info is not None:
                history.attendance.append((info, n, True))
            if rng.random() < 0.45:
                left = approved + days(rng.randint(365, 6 * 365))
        else:
            if info is not None and rng.random() < 0.6:
                history.attendance.append((info, n, True))
                steps.append(("applicant", "info_meeting", history.info_meetings[info]))
                if rng.random() < 0.5:
                    history.enrollments.append((course_of(history.info_meetings[info]), n, None))
            elif info is not None:
                history.attendance.append((info, n, False))  # invited, did not come
            left = steps[-1][2] + days(rng.randint(14, 200))
        left = left if left is not None and left <= LAST else None
        approved_on.append(approved)
        steps_of.append(steps)
        history.volunteers.append({
            "name": f"Frivillig {n + 1}", "birth_date": birth(18, 72, LAST), "gender": rng.choice(GENDERS),
            "employment_sector": rng.choice(SECTORS), "education": rng.choice(EDUCATIONS),
            "recruitment_channel": rng.choice(CHANNELS), "recruited_on": recruited, "left_on": left})

    # Matches over the ten years, each with a mentor approved by its start who has not left by then
    # (for the first weeks of the history, the earliest approved).
    by_approval = sorted(range(mentor_count), key=lambda v: approved_on[v])
    approval_days = [approved_on[v] for v in by_approval]
    starts = sorted(day_between(FIRST, LAST - days(14)) for _ in range(match_count))
    citizen_busy_until: list[date | None] = []  # the young person's last match's end (None: still open)
    first_match: dict[int, date] = {}
    for index, started in enumerate(starts):
        available = max(bisect.bisect_right(approval_days, started), 1)
        volunteer = by_approval[rng.randrange(available)]
        for _ in range(20):
            left = history.volunteers[volunteer]["left_on"]
            if left is None or left > started + days(30):
                break
            volunteer = by_approval[rng.randrange(available)]
        ended = started + days(rng.randint(30, 720))
        left = history.volunteers[volunteer]["left_on"]
        mentor_left = left is not None and started < left < ended
        if mentor_left:
            ended = left
        if ended > LAST:
            ended = None
        citizen = None
        if index and rng.random() < REMATCH_SHARE:
            earlier = history.matches[rng.randrange(index)]["citizen"]
            busy = citizen_busy_until[earlier]
            if busy is not None and busy < started:
                citizen = earlier
        if citizen is None:
            citizen = len(history.citizens)
            history.citizens.append({"name": f"Ung {citizen + 1}", "birth_date": birth(15, 29, started),
                                     "gender": rng.choice(("female", "male", "male", "other"))})
            citizen_busy_until.append(None)
        citizen_busy_until[citizen] = ended
        referral = len(history.referrals)
        history.referrals.append({"citizen": citizen, "referred_on": started - days(rng.randint(7, 120)),
                                  "source": rng.choice(SOURCES), "situation": rng.choice(SITUATIONS),
                                  "status": "ended" if ended else "matched"})
        reason = outcome = None
        if ended is not None:
            reason = "mentor_stopped" if mentor_left else ("completed" if rng.random() < 0.55 else rng.choice(STOP_REASONS))
            outcome = rng.choice(OUTCOMES)
        history.matches.append({"referral": referral, "citizen": citizen, "volunteer": volunteer,
                                "started_on": started, "ended_on": ended, "end_reason": reason, "outcome": outcome,
                                "network_nominated": rng.random() < 0.08})
        first_match.setdefault(volunteer, started)

    # A mentor's first match makes them active, and then they leave from active; the status and its
    # date are where the history ends.
    for n, volunteer in enumerate(history.volunteers):
        steps, left = steps_of[n], volunteer["left_on"]
        active = first_match.get(n)
        if active is not None and active >= steps[-1][2] and (left is None or active < left):
            steps.append((steps[-1][1], "active", active))
        if left is not None:
            steps.append((steps[-1][1], "left", left))
        volunteer.update(status=steps[-1][1], status_since=steps[-1][2])
        history.status_changes += [(n, from_status, to_status, on) for from_status, to_status, on in steps]

    # Young people referred and waiting (or turned down): no match.
    for _ in range(max(match_count // 20, 1)):
        citizen = len(history.citizens)
        referred = day_between(LAST - days(365), LAST)
        history.citizens.append({"name": f"Ung {citizen + 1}", "birth_date": birth(15, 29, referred),
                                 "gender": rng.choice(("female", "male", "other"))})
        history.referrals.append({"citizen": citizen, "referred_on": referred, "source": rng.choice(SOURCES),
                                  "situation": rng.choice(SITUATIONS),
                                  "status": rng.choice(("accepted", "accepted", "rejected"))})

    # Meetings: shared out over the matches by their days of activity (give or take), exactly `meetings`.
    spans = [((m["ended_on"] or LAST) - m["started_on"]).days + 1 for m in history.matches]
    weights = [span * rng.uniform(0.3, 1.7) for span in spans]
    total = sum(weights)
    counts = [int(meetings * w / total) for w in weights]
    for _ in range(meetings - sum(counts)):
        counts[rng.randrange(len(counts))] += 1
    for index, (match, span, count) in enumerate(zip(history.matches, spans, counts)):
        held = sorted(match["started_on"] + days(rng.randrange(span)) for _ in range(count))
        history.meetings += [(index, on, rng.choice(MINUTES), rng.choice(PLACES)) for on in held]

    # Follow-ups of the ended matches: most 6 months after, some 12; some missing, some not done yet.
    for index, match in enumerate(history.matches):
        if match["ended_on"] is None:
            continue
        for months, share in ((6, 0.9), (12, 0.3)):
            if rng.random() >= share:
                continue
            due = _add_months(match["ended_on"], months)
            status = rng.choice(FOLLOWUP_STATUSES) if due <= LAST and rng.random() < 0.9 else None
            recorded = min(due + days(rng.randint(0, 21)), LAST) if status else None
            history.followups.append((index, months, due, status, recorded))
    return history


# ---- into the database ----------------------------------------------------------------------------------

def insert_history(history: History) -> None:
    """Bulk-insert ``history`` into the current tenant (ORM bulk INSERTs: the tenant is filled in and
    checked by the tenancy mechanism), in the caller's transaction."""
    from sqlalchemy import insert

    from core.extensions import db
    from core.groups.models import GroupMeeting, GroupMeetingParticipant
    from core.matching.models import Match, MatchTransition
    from core.meetings.models import FollowUp, Meeting
    from core.referrals.models import Citizen, Referral
    from core.training.models import ENROLLED, WITHDRAWN, Course, CourseEnrollment
    from core.volunteers.models import Volunteer, VolunteerStatusChange

    # render_nulls: a None is sent as NULL, so that rows with and without a value go in the same
    # batch (by default the ORM leaves None keys out and splits the rows into a batch per key set).
    def ids(model, rows: list[dict]) -> list[int]:
        statement = insert(model).returning(model.id, sort_by_parameter_order=True)
        return list(db.session.scalars(statement.execution_options(render_nulls=True), rows))

    def rows_into(model, rows: list[dict]) -> None:
        # With RETURNING the rows go as multi-row INSERTs of a thousand ("insertmanyvalues"), not as the
        # driver's executemany of one row each (seconds more per 100,000 rows on PostgreSQL).
        if rows:
            db.session.execute(insert(model).returning(model.id).execution_options(render_nulls=True), rows)

    stamp = datetime(LAST.year, LAST.month, LAST.day, tzinfo=timezone.utc)
    volunteer_ids = ids(Volunteer, [{**v, "capacity": 2, "languages": ["dansk"], "interests": []}
                                    for v in history.volunteers])
    rows_into(VolunteerStatusChange, [{"volunteer_id": volunteer_ids[v], "from_status": f, "to_status": t, "on": on}
                                      for v, f, t, on in history.status_changes])
    info_ids = ids(GroupMeeting, [{"kind": "info_meeting", "title": "Informationsmøde", "on": on}
                                  for on in history.info_meetings])
    rows_into(GroupMeetingParticipant, [{"meeting_id": info_ids[m], "volunteer_id": volunteer_ids[v],
                                         "attended": attended, "invited_at": stamp}
                                        for m, v, attended in history.attendance])
    course_ids = ids(Course, [{"title": title} for title in history.courses])
    rows_into(CourseEnrollment, [{"course_id": course_ids[c], "volunteer_id": volunteer_ids[v],
                                  "state": ENROLLED if completed or c % 2 else WITHDRAWN, "completed_on": completed}
                                 for c, v, completed in history.enrollments])
    citizen_ids = ids(Citizen, [{**c, "languages": [], "interests": [], "share_contact_with_mentor": False}
                                for c in history.citizens])
    referral_ids = ids(Referral, [{
        "citizen_id": citizen_ids[r["citizen"]], "referred_on": r["referred_on"], "source": r["source"],
        "situation": r["situation"], "status": r["status"], "consent_given_on": r["referred_on"],
        "consent_text_version": "core-1", "decision": "reject" if r["status"] == "rejected" else "accept",
        "decided_on": r["referred_on"], "intake_answers": {}, "findings": []} for r in history.referrals])
    match_ids = ids(Match, [{
        "referral_id": referral_ids[m["referral"]], "volunteer_id": volunteer_ids[m["volunteer"]],
        "status": "ended" if m["ended_on"] else "active", "proposed_on": m["started_on"],
        "chosen_on": m["started_on"], "started_on": m["started_on"], "ended_on": m["ended_on"],
        "end_reason": m["end_reason"], "outcome": m["outcome"], "network_nominated": m["network_nominated"]}
        for m in history.matches])
    transitions = [{"match_id": match_ids[i], "from_status": None, "to_status": "active", "on": m["started_on"]}
                   for i, m in enumerate(history.matches)]
    transitions += [{"match_id": match_ids[i], "from_status": "active", "to_status": "ended", "on": m["ended_on"]}
                    for i, m in enumerate(history.matches) if m["ended_on"]]
    rows_into(MatchTransition, transitions)
    rows_into(Meeting, [{"match_id": match_ids[m], "held_on": on, "minutes": minutes, "place": place}
                        for m, on, minutes, place in history.meetings])
    rows_into(FollowUp, [{"match_id": match_ids[m], "months_after": months, "due_on": due, "status": status,
                          "recorded_on": recorded} for m, months, due, status, recorded in history.followups])


# ---- the database: a throwaway one ---------------------------------------------------------------------

@contextlib.contextmanager
def throwaway_database(database_url: str | None, name: str):
    """Yields a SQLAlchemy URL to work in and removes what it made afterwards: with ``None`` a new
    SQLite file; with a PostgreSQL URL the same database with ``search_path`` set to a new schema
    ``<name>_<pid>`` (dropped afterwards), so a bench's tenants never meet the database's own."""
    if database_url is None:
        with tempfile.TemporaryDirectory(prefix=f"mentorkorps-{name}-") as workdir:
            yield f"sqlite:///{Path(workdir) / 'bench.db'}"
        return
    from sqlalchemy import create_engine, make_url, text

    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise SystemExit(f"bench: DATABASE_URL must be PostgreSQL (or unset), not {url.get_backend_name()}")
    schema = f"{name.replace('-', '_')}_{os.getpid()}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def bench_app(database_url: str, secret: str):
    from core import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "SECRET_KEY": secret,
                       "RATELIMIT_ENABLED": False})


# ---- measuring ----------------------------------------------------------------------------------------------

def _timed(function, repeat: int, after=None) -> list[tuple[float, float]]:
    """``[(wall seconds, CPU seconds of this process)]`` of ``repeat`` calls; ``after()`` runs after each
    call, untimed (ends the call's transaction)."""
    seconds = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        function()
        seconds.append((time.perf_counter() - start, time.process_time() - cpu))
        if after is not None:
            after()
    return seconds


def _figure(seconds: list[tuple[float, float]]) -> dict:
    wall, cpu = [s[0] for s in seconds], [s[1] for s in seconds]
    return {"median_ms": round(statistics.median(wall) * 1000, 3), "best_ms": round(min(wall) * 1000, 3),
            "cpu_median_ms": round(statistics.median(cpu) * 1000, 3), "runs": len(seconds)}


@contextlib.contextmanager
def recorded_statements(engine):
    """Collects ``(statement, parameters, seconds)`` of every statement sent to the driver in the block."""
    from sqlalchemy import event

    statements, started = [], []

    def before(conn, cursor, statement, parameters, context, executemany):
        started.append(time.perf_counter())

    def after(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters, time.perf_counter() - started.pop()))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def explain(statement: str, parameters, dialect: str) -> str:
    """The plan of a report's statement, run with its own parameters in the current transaction."""
    from core.extensions import db
    from core.tenancy import unscoped

    prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    with unscoped():  # EXPLAIN of the report's own statement, which names its tenant itself
        rows = db.session.connection().exec_driver_sql(prefix + statement, parameters).all()
    if dialect == "sqlite":
        return "\n".join(f"{row[0]}<-{row[1]} {row[-1]}" for row in rows)
    return "\n".join(row[0] for row in rows)


def _value_rows(report) -> tuple[int, int]:
    rows = [row for section in report.sections for row in section.rows]
    return len(rows), sum(1 for row in rows if row.value)


def measure(database_url: str, meetings: int, repeat: int, history: History | None = None) -> dict:
    """Generate the history in three tenants of ``database_url`` (migrated to head here) and measure
    every report of each; returns this database's figures."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from core.extensions import db
    from core.meetings.models import Meeting
    from core.platform.services import create_tenant
    from core.reports.services import run_report, tenant_reports
    from core.tenancy import tenant_context, unscoped

    app = bench_app(database_url, "bench-reports")
    if history is None:
        history = generate_history(meetings)
    with app.app_context():
        upgrade()
        dialect = db.engine.dialect.name
        tenant_ids = {}
        started = time.perf_counter()
        for slug, plugins in TENANTS:
            tenant = create_tenant(slug, f"Bench {slug}", plugins)
            db.session.commit()
            tenant_ids[slug] = tenant.id
            with tenant_context(tenant):
                insert_history(history)
                db.session.commit()
        inserted = time.perf_counter() - started
        if dialect == "postgresql":
            db.session.commit()
            # The state autovacuum keeps a table in after bulk inserts: the planner's statistics, and the
            # visibility map that lets an index-only scan skip the table. VACUUM runs outside a transaction.
            with unscoped(), db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                for table in db.metadata.sorted_tables:
                    connection.exec_driver_sql(f'VACUUM ANALYZE "{table.name}"')
        db.session.remove()

        measured, baselines = [], {}
        # A GET request's context, as the API runs a report: SQLite's read transactions begin plainly.
        with app.test_request_context("/", method="GET"):
            from core.tenancy import Municipality

            for slug, _plugins in TENANTS:
                tenant = db.session.get(Municipality, tenant_ids[slug])
                with tenant_context(tenant):
                    floor_statement = select(func.count(), func.sum(Meeting.minutes))
                    counted = db.session.execute(floor_statement).one()
                    db.session.rollback()
                    floor = _figure(_timed(lambda: db.session.execute(floor_statement).one(), repeat,
                                           db.session.rollback))
                    baselines[slug] = {**floor, "meetings": counted[0], "minutes": counted[1]}
                    keys = list(tenant_reports())
                    for key in keys:
                        for period, start, end in PERIODS:
                            report = run_report(key, start, end)  # warm-up: imports, statement caches
                            db.session.rollback()
                            figure = _figure(_timed(lambda: run_report(key, start, end), repeat, db.session.rollback))
                            with recorded_statements(db.engine) as statements:
                                run_report(key, start, end)
                            rows, nonzero = _value_rows(report)
                            item = {"tenant": slug, "key": key, "period": period, "from": start.isoformat(),
                                    "to": end.isoformat(), **figure, "statements": len(statements),
                                    "statement_ms": [round(seconds * 1000, 2) for _, _, seconds in statements],
                                    "rows": rows, "nonzero_rows": nonzero, "target_ms": TARGET_MS,
                                    "met": figure["median_ms"] < TARGET_MS,
                                    "ratio": round(figure["median_ms"] / max(floor["median_ms"], 1e-6), 1),
                                    "cpu_ratio": round(figure["cpu_median_ms"] / max(floor["cpu_median_ms"], 1e-6), 1)}
                            if not item["met"] and statements:
                                statement, parameters, seconds = max(statements, key=lambda s: s[2])
                                item["slowest_statement"] = {"sql": statement, "parameters": repr(parameters),
                                                             "ms": round(seconds * 1000, 3),
                                                             "plan": explain(statement, parameters, dialect)}
                            db.session.rollback()
                            measured.append(item)
        db.session.remove()
        db.engine.dispose()
    return {"database": dialect,
            "data": {**history.sizes(), "tenants": [slug for slug, _ in TENANTS], "first_day": FIRST.isoformat(),
                     "last_day": LAST.isoformat(), "insert_s": round(inserted, 2)},
            "baseline": {"statement": "SELECT count(*), sum(minutes) FROM meeting WHERE tenant_id = :t",
                         "per_tenant": baselines},
            "reports": measured}


def table(summary: dict) -> str:
    lines = [f"\nMentorkorps bench, reports (load average before: {summary['load_average_before'][0]}, "
             f"after: {summary['load_average_after'][0]}, {summary['cpus']} CPUs)"]
    for run in summary["runs"]:
        data = run["data"]
        lines.append(f"{run['database']}: {data['meetings']} meetings, {data['matches']} matches, {data['volunteers']} "
                     f"volunteers, {data['citizens']} young people, {data['followups']} follow-ups per tenant; "
                     f"generated in {summary['generate_s']} s, inserted into {len(data['tenants'])} tenants in "
                     f"{data['insert_s']} s")
        lines.append(f"  {'tenant':<11} {'report':<24} {'period':<9} {'median ms':>10} {'best ms':>8} {'CPU ms':>7} "
                     f"{'queries':>7} {'baseline ms':>11} {'ratio':>7} {'CPU ratio':>9}  target")
        for item in run["reports"]:
            floor = run["baseline"]["per_tenant"][item["tenant"]]
            mark = "ok" if item["met"] else "ABOVE"
            lines.append(f"  {item['tenant']:<11} {item['key']:<24} {item['period']:<9} {item['median_ms']:10.2f} "
                         f"{item['best_ms']:8.2f} {item['cpu_median_ms']:7.2f} {item['statements']:7d} "
                         f"{floor['median_ms']:11.2f} {item['ratio']:6.1f}x {item['cpu_ratio']:8.1f}x  "
                         f"< {item['target_ms']:g} {mark}")
        for item in run["reports"]:
            if "slowest_statement" in item:
                slow = item["slowest_statement"]
                lines.append(f"  slowest statement of {item['tenant']} {item['key']} {item['period']} "
                             f"({slow['ms']:.1f} ms):\n    {slow['sql']}\n    plan:\n      "
                             + slow["plan"].replace("\n", "\n      "))
    lines.append("merged into the results file under \"reports\"")
    return "\n".join(lines)


def merge_results(results_path: Path, name: str, summary: dict) -> None:
    try:
        merged = json.loads(results_path.read_text())
    except (OSError, ValueError):
        merged = {}
    merged[name] = summary
    results_path.write_text(json.dumps(merged, indent=2) + "\n")


def run(results_path: Path = RESULTS) -> dict:
    meetings = int(os.environ.get("BENCH_REPORT_MEETINGS", "200000"))
    repeat = int(os.environ.get("BENCH_REPORT_REPEAT", "7"))
    load_before = os.getloadavg()
    started = time.perf_counter()
    history = generate_history(meetings)
    generated = time.perf_counter() - started
    runs = []
    for database_url in [None] + ([os.environ["DATABASE_URL"]] if os.environ.get("DATABASE_URL") else []):
        with throwaway_database(database_url, "bench_reports") as url:
            runs.append(measure(url, meetings, repeat, history))
    summary = {"run_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()), "seed": SEED,
               "cpus": os.cpu_count(), "repeat": repeat, "generate_s": round(generated, 2),
               "load_average_before": [round(x, 2) for x in load_before],
               "load_average_after": [round(x, 2) for x in os.getloadavg()], "runs": runs}
    merge_results(results_path, "reports", summary)
    print(table(summary), flush=True)
    return summary


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
