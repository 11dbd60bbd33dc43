"""Profile the benchmarked pages in-process with pyinstrument (the ``bench`` extra).

    .venv/bin/python -m bench.profile [NAME ...]      # names from bench.run.targets; default all app pages

Builds the demo database as ``make bench`` does (or reuses ``BENCH_PROFILE_DB``: prepared once, its
ids kept beside it in ``<db>.json``), signs in as the coordinator with Flask's test client, answers
each page ``BENCH_PROFILE_REQUESTS`` times (default 200) under the profiler and prints the call tree.
``BENCH_PROFILE_SQL=1`` also counts queries; ``BENCH_PROFILE_TIME=1`` prints only the mean time per
request without the profiler (CPU time of this process, so that other processes on the machine
weigh less; the profiler's own overhead left out), best of three rounds, and the Python function
calls per request (cProfile's count: unlike time, the same on a busy machine).
"""
from __future__ import annotations

import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

from bench.run import ROOT, prepare_database, targets


def _prepared(slug: str) -> tuple[str, dict]:
    url = os.environ.get("BENCH_PROFILE_DB")
    if url is None:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='mentorkorps-profile-')) / 'bench.db'}"
    sidecar = Path(url.split(":///", 1)[1] + ".json") if url.startswith("sqlite:///") else None
    if sidecar is not None and sidecar.exists():
        return url, json.loads(sidecar.read_text())
    data = prepare_database({**os.environ, "DATABASE_URL": url}, slug, int(os.environ.get("BENCH_VOLUNTEERS", "120")))
    if sidecar is not None:
        sidecar.write_text(json.dumps(data))
    return url, data


def main(names: list[str]) -> None:
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    slug = os.environ.get("BENCH_TENANT", "middelfart")
    url, data = _prepared(slug)
    from core import create_app
    from core.demo import DEMO_PASSWORD

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    client = app.test_client()
    login = client.get(f"/{slug}/login").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login).group(1)
    email = f"koordinator@{slug}.dk"
    answer = client.post(f"/{slug}/login", data={"csrf_token": token, "email": email, "password": DEMO_PASSWORD})
    assert answer.status_code in (302, 303), answer.status_code
    bearer = client.post("/api/v1/auth/token", json={"email": email, "password": DEMO_PASSWORD}).get_json()["token"]
    headers = {"web": {}, "api": {"Authorization": f"Bearer {bearer}"}}
    count = int(os.environ.get("BENCH_PROFILE_REQUESTS", "200"))
    path = data.get("path") if (data.get("path") or {}).get("match_id") else None
    plan = [t for t in targets(slug, data["tenant_id"], data["volunteer_id"], path) if t.server == "app"]
    for target in plan:
        if names and target.name not in names:
            continue
        queries = _count_queries(app) if os.environ.get("BENCH_PROFILE_SQL") else None
        assert client.get(target.path, headers=headers[target.auth]).status_code == 200, target.path
        if queries is not None:
            queries.clear()
            client.get(target.path, headers=headers[target.auth])
            print(f"{target.name}: {len(queries)} queries")
            for statement in queries:
                print("   ", statement[:160].replace("\n", " "))
        if os.environ.get("BENCH_PROFILE_TIME"):
            best = None
            for _ in range(3):
                started = time.process_time()
                for _ in range(count):
                    client.get(target.path, headers=headers[target.auth])
                took = (time.process_time() - started) / count
                best = took if best is None else min(best, took)
            print(f"{target.name:<24} {best * 1000:7.2f} ms per request, {_calls(client, target, headers):8.0f} calls",
                  flush=True)
            continue
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(count):
            client.get(target.path, headers=headers[target.auth])
        profiler.stop()
        print(f"==== {target.name}: {target.path} × {count}")
        print(profiler.output_text(unicode=True, color=False, show_all=False))


def _calls(client, target, headers, count: int = 20) -> float:
    """Python function calls per request (cProfile), a measure of work that machine load leaves alone."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(count):
        client.get(target.path, headers=headers[target.auth])
    profile.disable()
    return pstats.Stats(profile).total_calls / count


def _count_queries(app) -> list:
    from sqlalchemy import event

    from core.extensions import db

    seen: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main(sys.argv[1:])
