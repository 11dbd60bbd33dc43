"""The courses API: /api/v1/<tenant>/courses — sessions, enrolment with a waiting list, attendance."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.training.models import Course, CourseEnrollment, CourseSession, SessionAttendance
from tests.api.conftest import assert_contract_error, count_rows, danish, translated, translated_braces
from tests.conftest import api_token

BASE = "/api/v1/middelfart/courses"
VOLUNTEERS = "/api/v1/middelfart/volunteers"
TODAY = date.today()
MAX_PARTICIPANTS = ("The maximum must be between 1 and %(max)s. Enter a number in that range, or leave the field empty "
                    "for no limit.")
SESSION_HOURS = ("A session lasts between half an hour and %(max)s hours. Enter the length in hours, for example 3 or "
                 "2.5.")


def days_ago(n: int) -> str:
    return (TODAY - timedelta(days=n)).isoformat()


def new_course(client, headers, **fields):
    response = client.post(BASE, json={"title": "Mentorkursus", **fields}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def new_session(client, headers, course_id, on, hours=3, **fields):
    response = client.post(f"{BASE}/{course_id}/sessions", json={"on": on, "hours": hours, **fields}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def new_volunteer(client, headers, name="Anders And", base=VOLUNTEERS):
    response = client.post(base, json={"name": name, "recruited_on": days_ago(60)}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def enroll(client, headers, course_id, volunteer_id):
    return client.post(f"{BASE}/{course_id}/enrollments", json={"volunteer_id": volunteer_id}, headers=headers)


def attendance(client, headers, course_id, session_id, rows):
    return client.put(f"{BASE}/{course_id}/sessions/{session_id}/attendance", headers=headers,
                      json={"attendance": [{"volunteer_id": v, "attended": came} for v, came in rows]})


# ---- the happy paths -----------------------------------------------------------------------------

def test_create_read_change_and_list(client, headers):
    created = new_course(client, headers, description="Fem aftener", place="Rådhuset", max_participants=20)
    assert created == {"id": created["id"], "title": "Mentorkursus", "description": "Fem aftener", "place": "Rådhuset",
                       "max_participants": 20, "sessions": [], "enrollments": []}
    url = f"{BASE}/{created['id']}"
    assert client.get(url, headers=headers).get_json() == created

    response = client.patch(url, json={"title": "Mentorkursus forår", "max_participants": None}, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["title"], response.get_json()["max_participants"]) == ("Mentorkursus forår", None)
    assert client.get(url, headers=headers).get_json()["title"] == "Mentorkursus forår"

    first = new_session(client, headers, created["id"], days_ago(7), hours=2.5, starts_at="17:00")
    assert first["on"] == days_ago(7) and first["hours"] == 2.5 and first["starts_at"].startswith("17:00")
    assert first["place"] == "Rådhuset"  # the course's place by default
    second = new_session(client, headers, created["id"], days_ago(1), place="Biblioteket")
    volunteer = new_volunteer(client, headers)
    assert enroll(client, headers, created["id"], volunteer).status_code == 201

    other = new_course(client, headers, title="Ældre kursus")
    new_session(client, headers, other["id"], days_ago(100))
    listed = client.get(BASE, headers=headers)
    assert listed.status_code == 200
    rows = listed.get_json()
    assert [r["title"] for r in rows] == ["Mentorkursus forår", "Ældre kursus"]  # newest first
    assert rows[0] == {"id": created["id"], "title": "Mentorkursus forår", "place": "Rådhuset", "max_participants": None,
                       "first_on": days_ago(7), "last_on": days_ago(1), "session_count": 2, "enrolled": 1,
                       "completed": 0, "waiting": 0}

    detail = client.get(url, headers=headers).get_json()
    assert [s["id"] for s in detail["sessions"]] == [first["id"], second["id"]]
    assert detail["enrollments"][0]["volunteer_id"] == volunteer
    assert detail["enrollments"][0]["volunteer_name"] == "Anders And"
    assert detail["enrollments"][0]["completed_on"] is None


def test_sessions_are_removed_until_attendance_is_registered(client, headers, tenant):
    course = new_course(client, headers)
    other = new_course(client, headers, title="Andet kursus")
    kept = new_session(client, headers, course["id"], days_ago(2))
    removed = new_session(client, headers, course["id"], days_ago(1))
    # A session is addressed through its own course only.
    assert_contract_error(client.delete(f"{BASE}/{other['id']}/sessions/{removed['id']}", headers=headers), 404)
    response = client.delete(f"{BASE}/{course['id']}/sessions/{removed['id']}", headers=headers)
    assert response.status_code == 204
    assert [s["id"] for s in client.get(f"{BASE}/{course['id']}", headers=headers).get_json()["sessions"]] == [kept["id"]]
    assert_contract_error(client.delete(f"{BASE}/{course['id']}/sessions/{removed['id']}", headers=headers), 404)

    volunteer = new_volunteer(client, headers)
    enroll(client, headers, course["id"], volunteer)
    assert attendance(client, headers, course["id"], kept["id"], [(volunteer, True)]).status_code == 200
    body = assert_contract_error(client.delete(f"{BASE}/{course['id']}/sessions/{kept['id']}", headers=headers), 409)
    assert body["message"] == translated("en", "Attendance is registered for this session; it cannot be removed.")
    assert count_rows(tenant, CourseSession) == 1


def test_enrolment_waiting_list_and_withdrawal(client, headers):
    course = new_course(client, headers, max_participants=1)
    first, second, third = (new_volunteer(client, headers, name) for name in ("Anna", "Bo", "Carla"))
    response = enroll(client, headers, course["id"], first)
    assert response.status_code == 201
    assert response.get_json()["state"] == "enrolled" and response.get_json()["volunteer_name"] == "Anna"
    assert enroll(client, headers, course["id"], second).get_json()["state"] == "waiting"
    assert enroll(client, headers, course["id"], third).get_json()["state"] == "waiting"

    body = assert_contract_error(enroll(client, headers, course["id"], first), 409, {"volunteer_id"})
    assert body["errors"]["volunteer_id"] == [translated("en", "The volunteer is already on this course or its waiting list. Choose another volunteer.")]

    response = client.delete(f"{BASE}/{course['id']}/enrollments/{first}", headers=headers)
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert result["withdrawn"]["volunteer_id"] == first and result["withdrawn"]["state"] == "withdrawn"
    assert result["promoted"]["volunteer_id"] == second and result["promoted"]["state"] == "enrolled"
    states = {e["volunteer_id"]: e["state"] for e in client.get(f"{BASE}/{course['id']}", headers=headers).get_json()["enrollments"]}
    assert states == {first: "withdrawn", second: "enrolled", third: "waiting"}

    # Withdrawing from the waiting list promotes nobody; a volunteer never enrolled is 404.
    assert client.delete(f"{BASE}/{course['id']}/enrollments/{third}", headers=headers).get_json()["promoted"] is None
    other = new_volunteer(client, headers, "Dorte")
    assert_contract_error(client.delete(f"{BASE}/{course['id']}/enrollments/{other}", headers=headers), 404)
    # A withdrawn volunteer can come back (on the waiting list, the course being full).
    assert enroll(client, headers, course["id"], first).get_json()["state"] == "waiting"


def test_attendance_completes_the_course_by_the_tenants_rule(client, headers):
    course = new_course(client, headers)
    sessions = [new_session(client, headers, course["id"], days_ago(d)) for d in (14, 7)]
    anna, bo = new_volunteer(client, headers, "Anna"), new_volunteer(client, headers, "Bo")
    for volunteer in (anna, bo):
        assert enroll(client, headers, course["id"], volunteer).status_code == 201

    response = attendance(client, headers, course["id"], sessions[0]["id"], [(anna, True), (bo, True)])
    assert response.status_code == 200, response.get_json()
    sheet = response.get_json()
    assert sheet["session_id"] == sessions[0]["id"]
    assert [(r["volunteer_name"], r["attended"], r["completed_on"]) for r in sheet["attendance"]] == [
        ("Anna", True, None), ("Bo", True, None)]

    response = attendance(client, headers, course["id"], sessions[1]["id"], [(anna, True), (bo, False)])
    assert [(r["volunteer_name"], r["attended"], r["completed_on"]) for r in response.get_json()["attendance"]] == [
        ("Anna", True, days_ago(7)), ("Bo", False, None)]

    detail = client.get(f"{BASE}/{course['id']}", headers=headers).get_json()
    completed = {e["volunteer_id"]: e["completed_on"] for e in detail["enrollments"]}
    assert completed == {anna: days_ago(7), bo: None}
    assert detail["sessions"][1]["attendance"] == [{"volunteer_id": anna, "attended": True},
                                                    {"volunteer_id": bo, "attended": False}]
    assert client.get(BASE, headers=headers).get_json()[0]["completed"] == 1
    # Coming to a session moved both into training.
    for volunteer in (anna, bo):
        assert client.get(f"{VOLUNTEERS}/{volunteer}", headers=headers).get_json()["status"] == "in_training"

    # Correcting the attendance takes the completion back.
    attendance(client, headers, course["id"], sessions[0]["id"], [(anna, False)])
    detail = client.get(f"{BASE}/{course['id']}", headers=headers).get_json()
    assert {e["volunteer_id"]: e["completed_on"] for e in detail["enrollments"]} == {anna: None, bo: None}


def test_attendance_is_refused_for_strangers_the_future_and_repeated_volunteers(client, headers, tenant):
    course = new_course(client, headers)
    past = new_session(client, headers, course["id"], days_ago(1))
    future = new_session(client, headers, course["id"], (TODAY + timedelta(days=7)).isoformat())
    member, stranger = new_volunteer(client, headers, "Anna"), new_volunteer(client, headers, "Bo")
    enroll(client, headers, course["id"], member)

    body = assert_contract_error(attendance(client, headers, course["id"], past["id"], [(member, True), (stranger, True)]),
                                 422, {"attendance"})
    assert body["errors"]["attendance"] == [translated("en", "Someone on the list no longer has a place on the course. Reload the page and register again.")]
    assert_contract_error(attendance(client, headers, course["id"], future["id"], [(member, True)]), 409, {"attendance"})
    body = assert_contract_error(attendance(client, headers, course["id"], past["id"], [(member, True), (member, False)]),
                                 422, {"attendance"})
    response = client.put(f"{BASE}/{course['id']}/sessions/{past['id']}/attendance", headers=headers,
                          json={"attendance": [{"volunteer_id": member, "attended": "yes"}]})
    body = assert_contract_error(response, 422, {"attendance"})
    assert body["errors"]["attendance"] == {"0": {"attended": ["Not a valid boolean."]}}
    assert_contract_error(client.put(f"{BASE}/{course['id']}/sessions/{past['id']}/attendance", headers=headers,
                                     json={}), 422, {"attendance"})
    assert count_rows(tenant, SessionAttendance) == 0
    assert client.get(f"{VOLUNTEERS}/{member}", headers=headers).get_json()["status"] == "applicant"


# ---- invalid input ---------------------------------------------------------------------------

@pytest.mark.parametrize("locale", ["en", "da"])
def test_invalid_courses_are_refused_per_field(client, headers, tenant, locale):
    lang = {**headers, "Accept-Language": locale}
    cases = [
        ({"title": "Kursus", "max_participants": 999}, "max_participants", translated(locale, MAX_PARTICIPANTS, max=500)),
        ({"title": "Kursus", "max_participants": 0}, "max_participants", translated(locale, MAX_PARTICIPANTS, max=500)),
        ({"title": "Kursus", "max_participants": "ti"}, "max_participants", translated(locale, "Not a valid integer.")),
        ({"title": "x" * 121}, "title", translated_braces(locale, "Longer than maximum length {max}.", max=120)),
        ({"title": "   "}, "title", translated(locale, "The title is missing. Write the course's title.")),
        ({}, "title", translated(locale, "Missing data for required field.")),
        ({"title": "Kursus", "price": 100}, "price", translated(locale, "Unknown field.")),
    ]
    for body, field, message in cases:
        response = client.post(BASE, json=body, headers=lang)
        assert assert_contract_error(response, 422, {field})["errors"][field] == [message], body
    assert count_rows(tenant, Course) == 0


@pytest.mark.parametrize("locale", ["en", "da"])
def test_invalid_sessions_are_refused_per_field(client, headers, tenant, locale):
    course = new_course(client, headers)
    lang = {**headers, "Accept-Language": locale}
    url = f"{BASE}/{course['id']}/sessions"
    cases = [
        ({"on": days_ago(1), "hours": 20}, "hours", translated(locale, SESSION_HOURS, max=12)),
        ({"on": days_ago(1), "hours": 0}, "hours", translated(locale, SESSION_HOURS, max=12)),
        ({"on": days_ago(1), "hours": "tre"}, "hours", translated(locale, "Not a valid number.")),
        ({"on": "1999-12-31", "hours": 3}, "on", translated(locale, "The date must be in the years %(first)s to %(last)s. Check the year.",
                                                             first=2000, last=TODAY.year + 5)),
        ({"on": "2026-13-01", "hours": 3}, "on", translated(locale, "Not a valid date.")),
        ({"hours": 3}, "on", translated(locale, "Missing data for required field.")),
        ({"on": days_ago(1), "hours": 3, "starts_at": "25:00"}, "starts_at", translated(locale, "Not a valid time.")),
    ]
    for body, field, message in cases:
        response = client.post(url, json=body, headers=lang)
        assert assert_contract_error(response, 422, {field})["errors"][field] == [message], body
    assert count_rows(tenant, CourseSession) == 0


def test_enrolment_body_is_checked(client, headers, tenant):
    course = new_course(client, headers)
    for body, field in (({}, "volunteer_id"), ({"volunteer_id": "1"}, "volunteer_id"), ({"volunteer_id": 0}, "volunteer_id"),
                        ({"volunteer_id": 1, "state": "enrolled"}, "state")):
        assert_contract_error(enroll_raw(client, headers, course["id"], body), 422, {field})
    assert count_rows(tenant, CourseEnrollment) == 0


def enroll_raw(client, headers, course_id, body):
    return client.post(f"{BASE}/{course_id}/enrollments", json=body, headers=headers)


def test_messages_in_danish(client, headers):
    response = client.post(BASE, json={"title": "Kursus", "max_participants": 999}, headers=danish(headers))
    body = assert_contract_error(response, 422, {"max_participants"})
    assert body["message"] == translated("da", "The form has errors.")
    assert body["errors"]["max_participants"] == [translated("da", MAX_PARTICIPANTS, max=500)]


# ---- who may do what -------------------------------------------------------------------------

def _every_course_url(course_id, session_id, volunteer_id):
    c = f"{BASE}/{course_id}"
    return [("GET", BASE, None), ("POST", BASE, {"title": "X"}), ("GET", c, None), ("PATCH", c, {"title": "Y"}),
            ("POST", f"{c}/sessions", {"on": days_ago(1), "hours": 2}),
            ("PUT", f"{c}/sessions/{session_id}/attendance", {"attendance": [{"volunteer_id": volunteer_id, "attended": True}]}),
            ("POST", f"{c}/enrollments", {"volunteer_id": volunteer_id}),
            ("DELETE", f"{c}/enrollments/{volunteer_id}", None),
            ("DELETE", f"{c}/sessions/{session_id}", None)]


@pytest.fixture
def setup(client, headers):
    course = new_course(client, headers)
    session = new_session(client, headers, course["id"], days_ago(1))
    volunteer = new_volunteer(client, headers)
    assert enroll(client, headers, course["id"], volunteer).status_code == 201
    return course["id"], session["id"], volunteer


def test_without_a_token_it_is_401(client, setup):
    for method, url, body in _every_course_url(*setup):
        assert_contract_error(client.open(url, method=method, json=body), 401)


@pytest.mark.parametrize("role", ["mentor", "caseworker"])
def test_other_roles_get_403(client, tenant, user_factory, setup, role):
    other = api_token(client, user_factory(tenant, role))
    for method, url, body in _every_course_url(*setup):
        assert_contract_error(client.open(url, method=method, json=body, headers=other), 403)
    assert count_rows(tenant, Course) == 1 and count_rows(tenant, CourseSession) == 1


def test_another_tenants_courses_sessions_and_volunteers_are_404(client, headers, other_headers, tenant, setup):
    theirs = setup  # created by middelfart; the caller below is ishoej's coordinator
    for method, url, body in _every_course_url(*theirs)[2:]:
        url = url.replace("/middelfart/", "/ishoej/")
        assert_contract_error(client.open(url, method=method, json=body, headers=other_headers), 404)
    # Their volunteer on my course, my volunteer on their course: 404, like an id that does not exist.
    mine = client.post("/api/v1/ishoej/courses", json={"title": "Ishøj-kursus"}, headers=other_headers).get_json()
    foreign = client.post("/api/v1/ishoej/courses/{}/enrollments".format(mine["id"]), json={"volunteer_id": theirs[2]},
                          headers=other_headers)
    missing = client.post("/api/v1/ishoej/courses/{}/enrollments".format(mine["id"]), json={"volunteer_id": 99999},
                          headers=other_headers)
    assert assert_contract_error(foreign, 404) == assert_contract_error(missing, 404)
    # Nothing of middelfart's changed.
    detail = client.get(f"{BASE}/{theirs[0]}", headers=headers).get_json()
    assert detail["title"] == "Mentorkursus" and len(detail["sessions"]) == 1
    assert [e["state"] for e in detail["enrollments"]] == ["enrolled"]


def test_a_caller_without_a_membership_gets_404(client, user_factory, setup):
    outsider = api_token(client, user_factory(None))
    for method, url, body in _every_course_url(*setup):
        assert_contract_error(client.open(url, method=method, json=body, headers=outsider), 404)
