"""`make bench`, matching: the scoring engine and the batch suggestion on generated data, beside
baselines measured in the same run (CONTRACT.md section 6). Run alone with ``python -m bench.matching``.

1. Generates a tenant with ``BENCH_MATCH_VOLUNTEERS`` volunteers (default 5,000) and
   ``BENCH_MATCH_REFERRALS`` accepted referrals (default 1,000), plus active matches and open
   proposals that take part of the volunteers' capacity, with bulk inserts and a fixed seed, in a
   throwaway SQLite database migrated to head — or, when ``DATABASE_URL`` is set, in that database
   as well (a new tenant of its own each run; nothing else is touched).
2. Measures, each repeated and reported as the median (and the best):
   - **one referral**: the computation for one young person against every volunteer, the features
     already loaded — gather the tenant's criteria, score, rank, explain the candidates shown.
     Target: under 5 ms. Baseline: one plain numpy elementwise pass over a matrix of the same size
     (1 × V), i.e. the floor of touching every pair once.
   - **batch**: the suggestion for the whole waiting list, *including* loading the features from the
     database — the ids of the accepted referrals and of the approved/active volunteers and their
     features (7 queries), the scoring, and the assignment with the tenant's candidate count.
     Target: under 1 s. Baseline: one plain numpy elementwise pass over R × V.
3. Prints a table and merges ``{"matching": ...}`` into ``bench/results.json`` (the web bench writes the
   rest of that file).

Environment: ``BENCH_MATCH_REFERRALS``, ``BENCH_MATCH_VOLUNTEERS``, ``BENCH_MATCH_REPEAT`` (default
5 for the batch; the one-referral figure is repeated 20 times as often), ``DATABASE_URL``.
"""
from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
SEED = 2026
ON = date(2026, 6, 1)

INTERESTS = ["fodbold", "madlavning", "musik", "natur og vandreture", "IT og computerspil", "kreative fag", "fiskeri",
             "løb", "bøger", "motorcykler", "frivilligt foreningsarbejde", "rollespil", "svømning", "dans",
             "film", "håndværk", "fitness", "gaming", "tegning", "biler"]
LANGUAGES = [["dansk"], ["dansk"], ["dansk", "engelsk"], ["dansk", "engelsk", "tysk"], ["dansk", "arabisk"],
             ["dansk", "tyrkisk"], ["dansk", "urdu", "engelsk"], ["dansk", "somali"], ["dansk", "persisk"]]
POSTCODES = [str(p) for p in (5500, 5492, 5464, 5580, 5591, 5471, 2635, 2640, 2650, 5000, 5200, 5210, 5220, 5230,
                              5240, 5250, 5260, 5270, 4000, 4100)]


def _timed(function, repeat: int) -> tuple[list[tuple[float, float]], object]:
    """``[(wall seconds, CPU seconds of this process)]`` of ``repeat`` calls, and the last result. On a
    shared machine the wall time includes waiting for a CPU; the CPU time does not."""
    seconds, result = [], None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = function()
        seconds.append((time.perf_counter() - start, time.process_time() - cpu))
    return seconds, result


def _figure(seconds: list[tuple[float, float]]) -> dict:
    wall, cpu = [s[0] for s in seconds], [s[1] for s in seconds]
    return {"median_ms": round(statistics.median(wall) * 1000, 3), "best_ms": round(min(wall) * 1000, 3),
            "cpu_median_ms": round(statistics.median(cpu) * 1000, 3), "runs": len(seconds)}


def _pass(rows: int, columns: int, rng) -> callable:
    """The baseline: one plain numpy elementwise pass over an R×V float32 matrix (|a - b|)."""
    a = rng.random(rows, dtype=np.float32)
    b = rng.random(columns, dtype=np.float32)
    return lambda: np.abs(a[:, None] - b[None, :])


def generate(referrals: int, volunteers: int) -> dict:
    """Bulk-insert the bench's people in the current tenant; return the sizes."""
    from sqlalchemy import insert

    from core.extensions import db
    from core.matching.models import Match, MatchCandidate
    from core.referrals.models import Citizen, Referral
    from core.volunteers.models import Volunteer

    rng = random.Random(SEED)

    def birth(low, high):
        return ON - timedelta(days=rng.randint(low * 365, high * 365))

    volunteer_rows = [{
        "name": f"Frivillig {n}", "gender": rng.choice(["female", "male", "female", "other"]),
        "birth_date": birth(21, 75), "postcode": rng.choice(POSTCODES), "languages": rng.choice(LANGUAGES),
        "interests": rng.sample(INTERESTS, rng.randint(1, 4)), "capacity": rng.choice([1, 1, 1, 1, 1, 1, 2, 2, 2, 3]),
        "status": rng.choice(["approved", "active", "active"]), "status_since": ON, "recruited_on": ON,
    } for n in range(volunteers)]
    volunteer_ids = list(db.session.scalars(insert(Volunteer).returning(Volunteer.id), volunteer_rows))

    waiting = referrals
    matched, proposed = referrals // 4, referrals // 10
    citizen_rows = [{
        "name": f"Ung {n}", "birth_date": birth(15, 30), "gender": rng.choice(["female", "male", "other"]),
        "postcode": rng.choice(POSTCODES + [None]), "languages": rng.choice(LANGUAGES),
        "interests": rng.sample(INTERESTS, rng.randint(0, 4)),
        "mentor_gender_wish": rng.choice([None, None, "female", "male"]),
    } for n in range(waiting + matched + proposed)]
    citizen_ids = list(db.session.scalars(insert(Citizen).returning(Citizen.id), citizen_rows))
    statuses = ["accepted"] * waiting + ["matched"] * matched + ["proposed"] * proposed
    referral_rows = [{
        "citizen_id": citizen_id, "referred_on": ON - timedelta(days=rng.randint(0, 400)), "source": "jobcenter",
        "situation": "benefits", "status": status, "consent_given_on": ON - timedelta(days=400),
        "consent_text_version": "2026-1",
    } for citizen_id, status in zip(citizen_ids, statuses)]
    referral_ids = list(db.session.scalars(insert(Referral).returning(Referral.id), referral_rows))

    # Part of the capacity is taken: active matches, and open proposals of two candidates each.
    active_rows = [{"referral_id": referral_id, "volunteer_id": volunteer_id, "status": "active",
                    "proposed_on": ON, "chosen_on": ON, "started_on": ON}
                   for referral_id, volunteer_id in zip(referral_ids[waiting:waiting + matched],
                                                       rng.sample(volunteer_ids, matched))]
    db.session.execute(insert(Match), active_rows)
    proposal_ids = list(db.session.scalars(insert(Match).returning(Match.id), [
        {"referral_id": referral_id, "status": "proposed", "proposed_on": ON}
        for referral_id in referral_ids[waiting + matched:]]))
    db.session.execute(insert(MatchCandidate), [
        {"match_id": match_id, "volunteer_id": volunteer_id, "rank": rank}
        for match_id in proposal_ids for rank, volunteer_id in enumerate(rng.sample(volunteer_ids, 2), 1)])
    db.session.commit()
    return {"referrals_waiting": waiting, "volunteers": volunteers, "active_matches": matched,
            "open_proposals": proposed}


def measure(database_url: str, referrals: int, volunteers: int, repeat: int) -> dict:
    """Generate the data in ``database_url`` and measure; returns this database's figures."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from core import create_app
    from core.extensions import db
    from core.matching.assignment import assign, candidate_count
    from core.matching.scoring import gather_criteria, mentor_features, score, young_features
    from core.referrals.models import Referral
    from core.tenancy import Municipality, tenant_context
    from core.volunteers.models import Volunteer

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "SECRET_KEY": "bench-matching",
                      "RATELIMIT_ENABLED": False})
    rng = np.random.default_rng(SEED)
    with app.app_context():
        upgrade()
        db.create_all()  # checkfirst: creates only a table no migration has made yet (none, at head)
        dialect = db.engine.dialect.name
        tenant = Municipality(slug=f"bench-matching-{os.getpid()}-{int(time.time())}", name="Bench matching")
        db.session.add(tenant)
        db.session.commit()
        with tenant_context(tenant):
            data = generate(referrals, volunteers)

            waiting = (select(Referral.id).where(Referral.status == "accepted")
                       .order_by(Referral.referred_on, Referral.id))
            # The status gate only: the full eligibility (course, screening, plugins) is the volunteer
            # services' and is not part of this figure.
            matchable = select(Volunteer.id).where(Volunteer.status.in_(["approved", "active"])).order_by(Volunteer.id)

            def load():
                return young_features(waiting, ON), mentor_features(matchable, ON)

            def batch():
                young, mentors = load()
                return assign(score(young, mentors), candidate_count())

            young, mentors = load()
            one = young_features(waiting.limit(1), ON)

            def one_referral():
                scoring = score(one, mentors)  # the tenant's criteria gathered once, then every volunteer
                shown = scoring.ranked(0, limit=candidate_count())
                return [scoring.explain(0, j) for j, _ in shown]

            one_referral()  # warm-up: imports and caches
            one_seconds, _ = _timed(one_referral, repeat * 20)
            one_floor, _ = _timed(_pass(1, len(mentors), rng), repeat * 20)
            batch()
            batch_seconds, result = _timed(batch, repeat)
            batch_floor, _ = _timed(_pass(len(young), len(mentors), rng), repeat)
            load_seconds, _ = _timed(load, repeat)
            score_seconds, scoring = _timed(lambda: score(young, mentors), repeat)
            assign_seconds, _ = _timed(lambda: assign(scoring, candidate_count()), repeat)
            criteria = [c.key for c in gather_criteria()]
            offered = sum(len(s.candidates) for s in result.suggestions)
            without = len(result.without_candidate)
        db.session.remove()
        db.engine.dispose()

    one_figure, batch_figure = _figure(one_seconds), _figure(batch_seconds)
    one_floor_figure, batch_floor_figure = _figure(one_floor), _figure(batch_floor)
    return {
        "database": dialect,
        "data": {**data, "rows": len(young), "columns": len(mentors), "pairs": len(young) * len(mentors),
                 "criteria": criteria, "candidates_offered": offered, "young_without_candidate": without},
        "one_referral": {**one_figure, "target_ms": 5.0, "met": one_figure["median_ms"] < 5.0,
                         "baseline": "one numpy pass over 1 x V", "baseline_figure": one_floor_figure,
                         "ratio": round(one_figure["median_ms"] / max(one_floor_figure["median_ms"], 1e-6), 1)},
        "batch": {**batch_figure, "target_ms": 1000.0, "met": batch_figure["median_ms"] < 1000.0,
                  "includes": "ids and features (7 queries), scoring, assignment",
                  "baseline": "one numpy pass over R x V", "baseline_figure": batch_floor_figure,
                  "ratio": round(batch_figure["median_ms"] / max(batch_floor_figure["median_ms"], 1e-6), 1),
                  "parts": {"load": _figure(load_seconds), "score": _figure(score_seconds),
                            "assign": _figure(assign_seconds)}},
    }


def table(summary: dict) -> str:
    lines = [f"\nMentorkorps bench, matching (load average before: {summary['load_average_before'][0]}, "
             f"after: {summary['load_average_after'][0]}, {summary['cpus']} CPUs)",
             f"{'':<40} {'median ms':>10} {'best ms':>9} {'CPU ms':>8}   {'baseline ms':>11} {'ratio':>8}  {'target':>8}"]
    for run in summary["runs"]:
        data = run["data"]
        for name, label in (("one_referral", f"one referral x {data['columns']} volunteers"),
                            ("batch", f"batch {data['rows']} x {data['columns']} incl. load")):
            item = run[name]
            mark = "ok" if item["met"] else "ABOVE"
            lines.append(f"{run['database'] + ': ' + label:<40} {item['median_ms']:10.2f} {item['best_ms']:9.2f} "
                         f"{item['cpu_median_ms']:8.2f}   {item['baseline_figure']['median_ms']:11.3f} "
                         f"{item['ratio']:7.1f}x  {'< ' + format(item['target_ms'], 'g'):>8} {mark}")
        parts = run["batch"]["parts"]
        lines.append(f"{'  batch: load / score / assign':<40} "
                     f"{parts['load']['median_ms']:.1f} / {parts['score']['median_ms']:.1f} / "
                     f"{parts['assign']['median_ms']:.1f} ms (CPU {parts['load']['cpu_median_ms']:.1f} / "
                     f"{parts['score']['cpu_median_ms']:.1f} / {parts['assign']['cpu_median_ms']:.1f}); "
                     f"{data['candidates_offered']} candidates offered, {data['young_without_candidate']} without")
    lines.append("merged into bench/results.json under \"matching\"")
    return "\n".join(lines)


def run(results_path: Path = RESULTS) -> dict:
    referrals = int(os.environ.get("BENCH_MATCH_REFERRALS", "1000"))
    volunteers = int(os.environ.get("BENCH_MATCH_VOLUNTEERS", "5000"))
    repeat = int(os.environ.get("BENCH_MATCH_REPEAT", "5"))
    load_before = os.getloadavg()
    runs = []
    with tempfile.TemporaryDirectory(prefix="mentorkorps-bench-matching-") as workdir:
        runs.append(measure(f"sqlite:///{Path(workdir) / 'bench.db'}", referrals, volunteers, repeat))
    if os.environ.get("DATABASE_URL"):
        runs.append(measure(os.environ["DATABASE_URL"], referrals, volunteers, repeat))
    summary = {"run_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()), "seed": SEED,
               "cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in load_before],
               "load_average_after": [round(x, 2) for x in os.getloadavg()], "runs": runs}
    try:
        merged = json.loads(results_path.read_text())
    except (OSError, ValueError):
        merged = {}
    merged["matching"] = summary
    results_path.write_text(json.dumps(merged, indent=2) + "\n")
    print(table(summary), flush=True)
    return summary


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
