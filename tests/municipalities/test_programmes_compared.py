"""One platform, each municipality on its own rules: the same young person referred to Middelfart and
to Ishøj, against the same two mentors, gets different intake questions and findings and a different
ranking of the mentors; switching Ishøj's package off changes Ishøj's behaviour on the next request
and nobody else's, also when two gunicorn workers serve (each with its own cached hook relay)."""
from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest

from core.extensions import db
from core.platform.services import get_tenant_by_slug, set_plugin_enabled, update_plugin_settings
from core.tenancy import tenant_context
from tests.conftest import PASSWORD, api_token

TODAY = date.today()
ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"

# The young person: wants to become a pedagogue, needs structure, would like a mentor of Turkish
# background; likes football and music; lives in Ishøj.
YOUNG = {"name": "Emre Yildiz", "birth_date": (TODAY - timedelta(days=20 * 365 + 40)).isoformat(), "gender": "male",
         "postcode": "2635", "interests": ["fodbold", "musik"], "education_wishes": "Vil gerne være pædagog",
         "needs": "Har brug for struktur i hverdagen", "mentor_wishes": "Gerne en med tyrkisk baggrund"}
# Anders shares the young person's interests and is close in age; Birgit, older, is a pedagogue who
# gives structure and has the wished-for background. Every answer Ishøj's profile form asks for.
MENTORS = {
    "Anders Holm": {"gender": "male", "birth_date": TODAY - timedelta(days=35 * 365), "background": "Dansk",
                    "interests": ["fodbold", "musik"], "work_background": "Lagermedarbejder",
                    "competences": "Tålmodig", "wishes": "En ung med interesse for sport",
                    "reservations": "Ingen", "postcode": "2635"},
    "Birgit Yilmaz": {"gender": "female", "birth_date": TODAY - timedelta(days=55 * 365), "background": "Tyrkisk",
                      "interests": ["strikning"], "work_background": "Pædagog i en børnehave",
                      "competences": "Giver struktur i hverdagen", "wishes": "En ung, der vil i gang med en uddannelse",
                      "reservations": "Ingen", "postcode": "2635"},
}
# Each municipality's course: Middelfart's five evenings, Ishøj's two (each package's default rule).
EVENINGS = {"middelfart": 5, "ishoej": 2}


@pytest.fixture
def programmes(tenant_factory):
    return {slug: tenant_factory(slug, name, plugins=(slug,))
            for slug, name in (("middelfart", "Middelfart Kommune"), ("ishoej", "Ishøj Kommune"))}


def _trained_mentor(tenant, name, profile):
    """An approved mentor made through the services: the municipality's full course attended, a
    criminal-record certificate."""
    from core.training import services as training
    from core.volunteers import services as volunteers

    volunteer = volunteers.create_volunteer({**profile, "name": name, "recruitment_channel": "press",
                                             "recruited_on": TODAY - timedelta(days=120), "capacity": 2})
    course = training.create_course({"title": "Mentorkursus"})
    sessions = [training.add_session(course, TODAY - timedelta(days=80 - 7 * i), 3) for i in range(EVENINGS[tenant.slug])]
    training.enroll(course, volunteer)
    for session in sessions:
        training.register_attendance(session, {volunteer.id: True})
    volunteers.add_screening(volunteer, "child_certificate", TODAY - timedelta(days=30))
    if volunteer.status == "applicant":
        volunteers.change_status(volunteer, "in_training", TODAY - timedelta(days=70))
    volunteers.change_status(volunteer, "approved", TODAY - timedelta(days=20))
    return volunteer.id


@pytest.fixture
def setup(programmes, user_factory, client):
    """Both municipalities with the same two mentors, and a coordinator's API headers in each."""
    mentors, headers = {}, {}
    for slug, tenant in programmes.items():
        with tenant_context(tenant):
            mentors[slug] = {name: _trained_mentor(tenant, name, profile) for name, profile in MENTORS.items()}
            db.session.commit()
        headers[slug] = {**api_token(client, user_factory(tenant, "coordinator")), "Accept-Language": "en"}
    return mentors, headers


def _refer(client, slug, headers, source="school", situation="in_education"):
    response = client.post(f"/api/v1/{slug}/referrals", headers=headers, json={
        "citizen": YOUNG, "source": source, "situation": situation, "reason": "Er faldet fra og er ensom",
        "consent": {"given_on": TODAY.isoformat(), "text_version": "v1"}})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _intake_questions(client, slug, headers, referral_id):
    """The intake's questions: what the API's 422 names when accepting with no answers."""
    response = client.post(f"/api/v1/{slug}/referrals/{referral_id}/intake", headers=headers,
                           json={"answers": {}, "decision": "accept"})
    assert response.status_code == 422, response.get_json()
    return set(response.get_json()["errors"])


def _accept(client, slug, headers, referral_id, questions):
    # Every question answered the way that does not exclude: Middelfart asks whether there are
    # problems beyond unemployment (yes, else not in its target group) and whether only a
    # professional can help (no); Ishøj asks about its three exclusions (no).
    answers = {key: key == "problems_beyond_unemployment" for key in questions}
    response = client.post(f"/api/v1/{slug}/referrals/{referral_id}/intake", headers=headers,
                           json={"answers": answers, "decision": "accept"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _accepted_in_both(client, headers) -> dict[str, int]:
    """The young person referred to both municipalities and accepted in each: ``{slug: referral id}``."""
    ids = {}
    for slug in ("middelfart", "ishoej"):
        created = _refer(client, slug, headers[slug])
        _accept(client, slug, headers[slug], created["id"], _intake_questions(client, slug, headers[slug], created["id"]))
        ids[slug] = created["id"]
    return ids


def _ranking(client, slug, headers, referral_id, mentors):
    response = client.get(f"/api/v1/{slug}/referrals/{referral_id}/candidates", headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    names = {volunteer_id: name for name, volunteer_id in mentors.items()}
    return body["count"], [names[c["volunteer_id"]] for c in body["candidates"]], body["candidates"]


def test_the_same_referral_gets_different_findings_and_ranking_in_middelfart_and_ishoej(client, db, setup):
    mentors, headers = setup
    seen = {}
    for slug in ("middelfart", "ishoej"):
        created = _refer(client, slug, headers[slug])
        questions = _intake_questions(client, slug, headers[slug], created["id"])
        accepted = _accept(client, slug, headers[slug], created["id"], questions)
        count, ranking, candidates = _ranking(client, slug, headers[slug], created["id"], mentors[slug])
        seen[slug] = {"findings": {f["rule"]: f["blocking"] for f in accepted["findings"]}, "questions": questions,
                      "count": count, "ranking": ranking, "parts": {p["key"] for c in candidates for p in c["parts"]}}

    middelfart, ishoej = seen["middelfart"], seen["ishoej"]
    # Intake: each municipality asks its own questions and finds its own things.
    assert middelfart["questions"] == {"problems_beyond_unemployment", "needs_professional_help"}
    assert ishoej["questions"] == {"drug_abuse", "severe_mental_illness", "criminal_milieu"}
    assert middelfart["findings"] != ishoej["findings"]
    assert middelfart["findings"] and not any(middelfart["findings"].values())  # a note: not from the jobcenter
    # Matching: Middelfart (the core's criteria) ranks the shared interests first; Ishøj weighs the
    # young person's needs, education wish and wished-for background, and presents two.
    assert middelfart["ranking"][0] == "Anders Holm" and middelfart["count"] == 1
    assert ishoej["ranking"][:2] == ["Birgit Yilmaz", "Anders Holm"] and ishoej["count"] == 2
    assert {"needs_and_wishes", "background_wish"} <= ishoej["parts"]
    assert not {"needs_and_wishes", "background_wish"} & middelfart["parts"]


def test_switching_ishoejs_package_off_changes_ishoej_on_the_next_request_and_no_one_else(client, db, setup,
                                                                                            programmes):
    mentors, headers = setup
    referral_ids = _accepted_in_both(client, headers)
    assert _ranking(client, "ishoej", headers["ishoej"], referral_ids["ishoej"], mentors["ishoej"])[:2] == \
        (2, ["Birgit Yilmaz", "Anders Holm"])
    before_middelfart = _ranking(client, "middelfart", headers["middelfart"], referral_ids["middelfart"], mentors["middelfart"])

    set_plugin_enabled(programmes["ishoej"], "ishoej", False)
    db.session.commit()
    count, ranking, _ = _ranking(client, "ishoej", headers["ishoej"], referral_ids["ishoej"], mentors["ishoej"])
    assert (count, ranking[0]) == (1, "Anders Holm")  # the core's defaults now
    assert _ranking(client, "middelfart", headers["middelfart"], referral_ids["middelfart"],
                    mentors["middelfart"]) == before_middelfart


# ---- two gunicorn workers ------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Gunicorn:
    """The repository's gunicorn configuration with two sync workers on the test database; the access
    log records which worker (pid) answered each request."""

    def __init__(self, database_url: str, log: Path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {**os.environ, "DATABASE_URL": database_url, "WEB_CONCURRENCY": "2", "BIND": f"127.0.0.1:{self.port}",
               "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_hex(32), "MENTORKORPS_ENV": "testing"}
        self.proc = subprocess.Popen(
            [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), "--access-logfile", str(log),
             "--access-logformat", "%(p)s %(U)s %(s)s", "core:create_app()"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def __enter__(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"gunicorn exited: {self.proc.stderr.read().decode()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not start")

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def get_json(self, path: str, headers: dict) -> dict:
        request = urllib.request.Request(self.base + path, headers={**headers, "Connection": "close"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())

    def workers_seen(self, path: str) -> set[str]:
        pids = set()
        for line in self.log.read_text().splitlines():
            pid, logged_path, status = line.split(" ")
            if logged_path == path and status == "200":
                pids.add(pid)
        return pids


def _counts(server, path, headers, times):
    """``times`` requests, eight at a time: a sync worker answers one at a time, so both answer."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda _: server.get_json(path, headers)["count"], range(times)))


def _counts_from_both_workers(server, path, headers, times, seconds=90):
    """:func:`_counts` again and again until both workers have answered ``path`` (a worker still
    loading the app on a busy machine leaves every request to the other one for a while): every
    answer of every round, as a set. Fails if one worker answered everything for ``seconds``."""
    seen, deadline = set(), time.monotonic() + seconds
    while True:
        seen |= set(_counts(server, path, headers, times))
        if len(server.workers_seen(path)) == 2:
            return seen
        assert time.monotonic() < deadline, "one worker answered every request; cannot tell"


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in this environment")
def test_switching_a_package_off_takes_effect_in_both_gunicorn_workers(client, db, setup, programmes, _schema,
                                                                        tmp_path):
    mentors, headers = setup
    referral_ids = _accepted_in_both(client, headers)
    # Middelfart presents three (its own setting), so "unchanged" is visible.
    update_plugin_settings(programmes["middelfart"], "middelfart", {"candidate_count": 3})
    db.session.commit()
    db.session.remove()  # the test holds no transaction while the workers read and write
    ishoej_path = f"/api/v1/ishoej/referrals/{referral_ids['ishoej']}/candidates"
    middelfart_path = f"/api/v1/middelfart/referrals/{referral_ids['middelfart']}/candidates"
    with _Gunicorn(_schema, tmp_path / "access.log") as server:
        # Both workers answer Ishøj (two candidates) and cache its relay.
        assert _counts_from_both_workers(server, ishoej_path, headers["ishoej"], 40) == {2}
        assert set(_counts(server, middelfart_path, headers["middelfart"], 8)) == {3}
        assert len(server.workers_seen(ishoej_path)) == 2

        set_plugin_enabled(get_tenant_by_slug("ishoej"), "ishoej", False)
        db.session.commit()
        db.session.remove()
        server.log.write_text("")
        assert _counts_from_both_workers(server, ishoej_path, headers["ishoej"], 40) == {1}  # every worker, at once
        assert set(_counts(server, middelfart_path, headers["middelfart"], 8)) == {3}
