"""`make bench`: the app served in production shape, loaded with wrk beside floors measured in the
same run (CONTRACT.md section 6).

1. Loads the demo data into a throwaway SQLite database (or the database ``DATABASE_URL`` names, which
   should then be a throwaway one), and tops the benchmarked tenant up to ``BENCH_VOLUNTEERS``
   volunteers so that the list pages show a full page of 50.
2. Serves the app with ``gunicorn.conf.py`` (sync workers, ``WEB_CONCURRENCY`` of them, default 2),
   signs in once as the tenant's coordinator through the login form (the session cookie) and once
   through ``POST /api/v1/auth/token`` (the bearer token), and checks that every benchmarked URL
   answers 200 with those credentials (not a redirect to the login page).
3. Serves the three floor apps (``bench/floors.py``) with the same configuration at the same time,
   and loads each page with wrk (16 connections, one thread, 127.0.0.1 only) right between two
   halves of its floor's measurement, after a warm-up of both: on a shared machine the background
   load then weighs on the page and its floor alike.
4. Prints a table (req/s, p50, p99, the ratio to the floor and the target) and writes
   ``bench/results.json``.

Environment: ``BENCH_DURATION`` (seconds measured per URL, default 10), ``BENCH_WARMUP`` (default 2),
``BENCH_CONNECTIONS`` (default 16), ``BENCH_TENANT`` (default middelfart), ``BENCH_VOLUNTEERS``
(default 120), ``WEB_CONCURRENCY`` (gunicorn workers, default 2), ``DATABASE_URL``.
"""
from __future__ import annotations

import contextlib
import http.cookies
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results.json"


@dataclass(frozen=True)
class Target:
    """One benchmarked URL: ``server`` is ``"app"`` or a floor kind; ``auth`` is ``"web"``
    (the session cookie), ``"api"`` (the bearer token) or ``None``."""

    name: str
    server: str
    path: str
    auth: str | None = None
    floor: str | None = None  # the name of the floor target it is compared with
    goal: float | None = None  # the least ratio to the floor this issue asks for


@dataclass
class Measured:
    name: str
    path: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    floor: str | None = None
    ratio: float | None = None
    goal: float | None = None
    met: bool | None = None
    extra: dict = field(default_factory=dict)


def targets(slug: str, tenant_id: int, volunteer_id: int, path: dict | None = None) -> list[Target]:
    """The benchmarked URLs and their floors; with ``path`` (ids of a referral and a match, from
    :func:`top_up_path`) the pages of the young person's path too (no target ratio set for them yet)."""
    young = [] if not path else [
        Target("intake queue (web)", "app", f"/{slug}/referrals/", "web", "50-row list"),
        Target("referral page (web)", "app", f"/{slug}/referrals/{path['referral_id']}", "web", "one-row read"),
        Target("referral list (API)", "app", f"/api/v1/{slug}/referrals", "api", "50-row list"),
        Target("referral (API)", "app", f"/api/v1/{slug}/referrals/{path['referral_id']}", "api", "one-row read"),
        Target("matching board (web)", "app", f"/{slug}/matching", "web", "50-row list"),
        Target("matches (web)", "app", f"/{slug}/matches", "web", "50-row list"),
        Target("match page (web)", "app", f"/{slug}/matches/{path['match_id']}", "web", "one-row read"),
        Target("match list (API)", "app", f"/api/v1/{slug}/matches", "api", "50-row list"),
        Target("follow-ups due (web)", "app", f"/{slug}/followups", "web", "50-row list"),
    ]
    return young + [
        Target("front page", "app", f"/{slug}/", "web", "hello", 0.30),
        Target("volunteer list (web)", "app", f"/{slug}/volunteers/", "web", "50-row list", 0.35),
        Target("volunteer page (web)", "app", f"/{slug}/volunteers/{volunteer_id}", "web", "one-row read", 0.30),
        Target("volunteer page (API)", "app", f"/api/v1/{slug}/volunteers/{volunteer_id}", "api", "one-row read", 0.30),
        Target("volunteer list (API)", "app", f"/api/v1/{slug}/volunteers", "api", "50-row list", 0.35),
        # References, not targets: what any signed-in page of the app costs before its own work.
        Target("signed-in answer", "signed_in", f"/{slug}/bench/answer", "web", "hello"),
        Target("signed-in empty page", "signed_in", f"/{slug}/bench/page", "web", "hello"),
        Target("hello", "hello", "/"),
        Target("one-row read", "one_row", f"/{tenant_id}/volunteers/{volunteer_id}"),
        Target("50-row list", "list", f"/{tenant_id}/volunteers/"),
    ]


def server_spec(server: str) -> str:
    """What gunicorn serves for ``server``."""
    return "core:create_app()" if server == "app" else f"bench.floors:create_app({server!r})"


# ---- the database ------------------------------------------------------------------------------

def prepare_database(env: dict, tenant_slug: str, volunteers: int) -> dict:
    """Migrate, load the demo and top the tenant up; return the ids and sizes the bench uses."""
    for args in (["db", "upgrade"], ["demo"]):
        subprocess.run([str(BIN / "mentorkorps"), *args], env=env, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    data = top_up(env["DATABASE_URL"], tenant_slug, volunteers)
    return {**data, "path": top_up_path(env["DATABASE_URL"], tenant_slug)}


def top_up_path(database_url: str, tenant_slug: str, referrals: int = 60, matches: int = 15) -> dict:
    """Referrals (through the services, with consent) and, with the mentors who may be matched,
    matches that started, have meetings and some that ended: the young person's path has data to
    show. Returns the ids of one referral and one match to benchmark."""
    from sqlalchemy import select

    from core import create_app
    from core.extensions import db
    from core.matching import services as matching
    from core.meetings import services as meetings
    from core.platform.services import get_tenant_by_slug
    from core.referrals import services as referral_services
    from core.referrals.models import Referral
    from core.tenancy import tenant_context

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    today = date.today()
    with app.app_context():
        from core.accounts.services import find_user

        tenant = get_tenant_by_slug(tenant_slug)
        coordinator = find_user(f"koordinator@{tenant_slug}.dk")
        with tenant_context(tenant):
            # The tenant's intake questions (its plugins'), each answered the way that lets the
            # young person in.
            passing = {q.key: _passing_answer(q.blocking_answer) for q in referral_services.intake_questions()}
            made = []
            for n in range(referrals):
                referral = referral_services.create_referral({
                    "citizen": {"name": f"Bench Ung {n:03d}", "birth_date": date(1998 + n % 10, 1 + n % 12, 1 + n % 27),
                                "interests": [["fodbold", "musik", "madlavning"][n % 3]], "postcode": "5500"},
                    "referred_on": today - timedelta(days=200 - n), "source": "jobcenter", "situation": "cash_benefit",
                    "consent_given_on": today - timedelta(days=200 - n), "consent_text_version": "bench",
                    "referrer_name": "Jobcentret", "referrer_organisation": "Jobcenter"}, coordinator, "coordinator")
                if n % 4:  # three in four are accepted; the rest wait for intake
                    referral_services.decide_intake(referral, passing, "accept")
                made.append(referral)
            db.session.flush()
            match_id = None
            for referral in [r for r in made if r.status == "accepted"][:matches]:
                free = [c.volunteer.id for c in matching.candidates_for(referral, limit=1)]
                if not free:
                    break
                match = matching.propose(referral, free, on=today - timedelta(days=150))
                matching.choose(match, free[0], on=today - timedelta(days=150))
                matching.accept(match, on=today - timedelta(days=140))
                for days in (130, 100, 60):
                    meetings.log_meeting(match, {"held_on": today - timedelta(days=days), "minutes": 60, "place": "cafe"})
                match_id = match.id
            db.session.commit()
            referral_id = db.session.scalar(select(Referral.id).order_by(Referral.id))
        db.session.remove()
        db.engine.dispose()
    return {"referral_id": referral_id, "match_id": match_id}


def _passing_answer(blocking_answer):
    """An intake answer other than the one that excludes the young person."""
    if isinstance(blocking_answer, bool):
        return not blocking_answer
    return "no" if blocking_answer != "no" else "yes"


def top_up(database_url: str, tenant_slug: str, volunteers: int) -> dict:
    """Add volunteers (through the service, as the demo does) until the tenant has ``volunteers``."""
    from sqlalchemy import func, select

    from core import create_app
    from datetime import time as time_of_day

    from core.demo import DEMO_NAMES, Corps, _People
    from core.extensions import db
    from core.platform.services import get_tenant_by_slug
    from core.tenancy import tenant_context
    from core.volunteers import services
    from core.volunteers.models import Volunteer

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        tenant = get_tenant_by_slug(tenant_slug)
        if tenant is None:
            raise SystemExit(f"bench: no tenant {tenant_slug!r} in the demo data")
        with tenant_context(tenant):
            have = db.session.scalar(select(func.count(Volunteer.id)))
            corps = Corps(postcode="5500", place="", size=volunteers, course_sessions=5, course_hours=3,
                          course_start=time_of_day(18, 30), course_days_apart=7, course_places=10,
                          channels=("press", "brochure", "word_of_mouth", "info_meeting"), standing_groups=(),
                          group_meeting_title="", group_meeting_every_days=30, supervision_every_days=90)
            people = _People(f"bench-{tenant_slug}", corps, date.today())
            for n in range(max(volunteers - have, 0)):
                profile = people.profile(date.today() - timedelta(days=(have + n) * 5 % 700))
                services.create_volunteer({**profile, "email": f"bench-{have + n}@example.com"})
            db.session.commit()
            count = db.session.scalar(select(func.count(Volunteer.id)))
            # The demo mentor's record: a volunteer with a course, meetings and screenings to show.
            volunteer_id = db.session.scalar(select(Volunteer.id).where(Volunteer.name == DEMO_NAMES["mentor"])) \
                or db.session.scalar(select(Volunteer.id).order_by(Volunteer.id))
            tenant_id = tenant.id
        db.session.remove()
        db.engine.dispose()
    return {"tenant": tenant_slug, "tenant_id": tenant_id, "volunteer_id": volunteer_id, "volunteers": count}


# ---- servers -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with the repository's configuration, serving ``spec`` on a free local port."""

    def __init__(self, spec: str, env: dict, log: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._log = open(log, "ab")
        self._proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), spec],
            env={**env, "BIND": f"127.0.0.1:{self.port}"}, cwd=ROOT, stdout=self._log, stderr=self._log)

    def __enter__(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise SystemExit(f"bench: gunicorn exited with {self._proc.returncode}; see {self._log.name}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"bench: gunicorn did not start; see {self._log.name}")

    def __exit__(self, *exc):
        self._proc.terminate()
        try:
            self._proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._log.close()


# ---- signing in --------------------------------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _cookies(answer, jar: dict) -> dict:
    """The cookies an answer sets, added to ``jar``. Kept by hand, so that a Secure cookie (a server
    run as in production) is sent back over plain http too."""
    for header in answer.headers.get_all("Set-Cookie") or []:
        for name, morsel in http.cookies.SimpleCookie(header).items():
            jar[name] = morsel.value
    return jar


def _cookie_header(jar: dict) -> dict:
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in jar.items())} if jar else {}


def sign_in(base: str, slug: str, email: str, password: str) -> dict[str, dict[str, str]]:
    """The request headers of a signed-in coordinator: ``web`` (the session cookie from the login
    form) and ``api`` (a bearer token from the token endpoint)."""
    opener = urllib.request.build_opener(_NoRedirect)
    login = f"{base}/{slug}/login"
    answer = opener.open(login)
    jar = _cookies(answer, {})
    page = answer.read().decode()
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    if match is None:
        raise SystemExit("bench: no CSRF token on the login page")
    form = urllib.parse.urlencode({"csrf_token": match.group(1), "email": email, "password": password,
                                   "next": ""}).encode()
    request = urllib.request.Request(login, data=form, method="POST", headers=_cookie_header(jar))
    try:
        answer = opener.open(request)
    except urllib.error.HTTPError as error:
        answer = error
    if answer.status not in (302, 303):
        raise SystemExit(f"bench: signing in as {email} answered {answer.status}, not a redirect")
    _cookies(answer, jar)
    request = urllib.request.Request(f"{base}/api/v1/auth/token", method="POST",
                                     data=json.dumps({"email": email, "password": password}).encode(),
                                     headers={"Content-Type": "application/json"})
    token = json.loads(urllib.request.urlopen(request).read())["token"]
    return {"web": _cookie_header(jar), "api": {"Authorization": f"Bearer {token}"}}


def check_answers(base: str, path: str, headers: dict[str, str]) -> int:
    """The size of the 200 answer at ``path``; anything else (a redirect to the login page above
    all) stops the bench."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        answer = opener.open(urllib.request.Request(base + path, headers=headers))
    except urllib.error.HTTPError as error:
        raise SystemExit(f"bench: {path} answered {error.code} {error.headers.get('Location', '')}".rstrip())
    if answer.status != 200:
        raise SystemExit(f"bench: {path} answered {answer.status}")
    return len(answer.read())


# ---- wrk ---------------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> dict:
    """req/s, p50 and p99 (ms), the number of requests and of errors (non-2xx/3xx and socket)."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"^\s+50(?:\.000)?%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99(?:\.000)?%\s+(\S+)", output, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(n) for n in match.groups())
    return {"requests_per_s": rps, "p50_ms": p50, "p99_ms": p99, "requests": requests, "errors": errors}


def wrk(url: str, headers: dict[str, str], seconds: int, connections: int) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command + [url], check=True, capture_output=True, text=True).stdout
    return parse_wrk(output)


# ---- the run -----------------------------------------------------------------------------------

def _combine(first: dict, second: dict) -> dict:
    """A floor measured in two halves around its page: requests and errors added up, req/s and the
    percentiles the mean of the two halves."""
    return {"requests_per_s": round((first["requests_per_s"] + second["requests_per_s"]) / 2, 2),
            "p50_ms": round((first["p50_ms"] + second["p50_ms"]) / 2, 3),
            "p99_ms": round((first["p99_ms"] + second["p99_ms"]) / 2, 3),
            "requests": first["requests"] + second["requests"], "errors": first["errors"] + second["errors"]}


def run() -> dict:
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is not installed (`apt-get install -y wrk`; `make bench` does it as root)")
    duration = int(os.environ.get("BENCH_DURATION", "10"))
    warmup = int(os.environ.get("BENCH_WARMUP", "2"))
    connections = int(os.environ.get("BENCH_CONNECTIONS", "16"))
    slug = os.environ.get("BENCH_TENANT", "middelfart")
    size = int(os.environ.get("BENCH_VOLUNTEERS", "120"))

    workdir = Path(tempfile.mkdtemp(prefix="mentorkorps-bench-"))
    env = {**os.environ, "SECRET_KEY": secrets.token_hex(32), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("FLASK_DEBUG", None)
    env.pop("MENTORKORPS_ENV", None)  # production, as served; only the cookies go over plain http here
    env["SECURE_COOKIES"] = "0"
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.db'}")
    database = env["DATABASE_URL"].split(":", 1)[0].split("+", 1)[0]
    os.environ["SECRET_KEY"] = env["SECRET_KEY"]  # the top-up below builds the app in this process
    print(f"bench: preparing the {database} database in {workdir if 'sqlite' in database else '$DATABASE_URL'} ...",
          flush=True)
    data = prepare_database(env, slug, size)
    plan = targets(slug, data["tenant_id"], data["volunteer_id"], data["path"] if data["path"]["match_id"] else None)
    by_name = {t.name: t for t in plan}
    load_before = os.getloadavg()

    results: list[Measured] = []
    log = workdir / "gunicorn.log"
    # Every server runs for the whole bench (an idle sync worker costs nothing), so that each page
    # is measured right between two halves of its floor's measurement: on a shared machine the
    # background load then weighs on both alike, and the ratio stays meaningful.
    with contextlib.ExitStack() as stack:
        servers = {name: stack.enter_context(Server(server_spec(name), env, log))
                   for name in ("app", *floor_kinds())}
        from core.demo import DEMO_PASSWORD

        credentials = sign_in(servers["app"].base, slug, f"koordinator@{slug}.dk", DEMO_PASSWORD)

        def load(target: Target, seconds: int) -> dict:
            sent = credentials[target.auth] if target.auth else {}
            return wrk(servers[target.server].base + target.path, sent, seconds, connections)

        sizes = {t.name: check_answers(servers[t.server].base, t.path, credentials[t.auth] if t.auth else {})
                 for t in plan}
        for target in (t for t in plan if t.floor is not None):
            floor = by_name[target.floor]
            load(floor, warmup), load(target, warmup)
            first = load(floor, max(duration // 2, 1))
            figures = load(target, duration)
            floor_figures = _combine(first, load(floor, max(duration // 2, 1)))
            ratio = round(figures["requests_per_s"] / floor_figures["requests_per_s"], 3)
            results.append(Measured(target.name, target.path, floor=floor.name, ratio=ratio, goal=target.goal,
                                    met=None if target.goal is None else ratio >= target.goal,
                                    extra={"bytes": sizes[target.name], "floor_path": floor.path,
                                           "floor_bytes": sizes[floor.name], "floor_figures": floor_figures},
                                    **figures))
            print(f"  {target.name:<24} {figures['requests_per_s']:8.1f} req/s, {floor.name} "
                  f"{floor_figures['requests_per_s']:8.1f} req/s: {ratio * 100:5.1f} %", flush=True)

    summary = {
        "run_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "database": database,
        "data": data,
        "server": {"config": "gunicorn.conf.py", "worker_class": "sync",
                   "workers": int(env.get("WEB_CONCURRENCY", "2")), "cpus": os.cpu_count()},
        "wrk": {"threads": 1, "connections": connections, "warmup_s": warmup, "duration_s": duration,
                "floor": "measured in two halves of duration/2 s, before and after its page"},
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "results": [asdict(item) for item in results],
    }
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n")
    print(table(summary))
    shutil.rmtree(workdir, ignore_errors=True)
    return summary


def floor_kinds() -> tuple[str, ...]:
    from bench.floors import KINDS

    return KINDS


def table(results: dict) -> str:
    lines = [f"\nMentorkorps bench, {results['database']}, {results['server']['workers']} sync workers, "
             f"wrk {results['wrk']['connections']} connections × {results['wrk']['duration_s']} s per page "
             f"(load average before: {results['load_average_before'][0]}, after: {results['load_average_after'][0]})",
             f"{'':<24} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}   {'floor':<14} {'req/s':>8} {'p50 ms':>7} "
             f"{'p99 ms':>7}  {'ratio':>7} {'goal':>5}"]
    for item in results["results"]:
        floor = item["extra"]["floor_figures"]
        mark = "" if item["goal"] is None else " ok" if item["met"] else " BELOW"
        errors = f"  ({item['errors']} errors)" if item["errors"] or floor["errors"] else ""
        lines.append(f"{item['name']:<24} {item['requests_per_s']:8.1f} {item['p50_ms']:8.1f} {item['p99_ms']:8.1f}   "
                     f"{item['floor']:<14} {floor['requests_per_s']:8.1f} {floor['p50_ms']:7.1f} {floor['p99_ms']:7.1f}  "
                     f"{item['ratio'] * 100:6.1f}% {(item['goal'] or 0) * 100:4.0f}%{mark}{errors}")
    lines.append(f"written to {RESULTS.relative_to(ROOT)}")
    return "\n".join(lines)


if __name__ == "__main__":
    run()
