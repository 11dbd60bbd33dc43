"""The volunteers API: /api/v1/<tenant>/volunteers (CONTRACT.md section 4)."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from babel.dates import format_date

from core.i18n import WRITTEN_AS
from core.volunteers.models import Screening, Volunteer, VolunteerStatusChange
from core.volunteers.services import add_months
from tests.api.conftest import (assert_contract_error, count_rows, danish, translated, translated_braces,
                                years_ago)
from tests.conftest import api_token

BASE = "/api/v1/middelfart/volunteers"
TODAY = date.today()
CAPACITY = ("The number of young people must be between 0 and %(max)s. Enter a number in that range, or leave the field "
            "empty for the municipality's default.")

PROFILE = {
    "name": "Birgitte Nielsen",
    "email": "birgitte@example.dk",
    "phone": "+45 12 34 56 78",
    "postcode": "5500",
    "gender": "female",
    "birth_date": "1970-04-12",
    "background": "Dansk",
    "languages": ["dansk", "engelsk"],
    "interests": ["håndbold", "madlavning"],
    "work_background": "Pædagog i 20 år",
    "competences": "Lektiehjælp",
    "wishes": "En ung med interesse for sport",
    "reservations": "Ikke weekender",
    "employment_sector": "public",
    "education": "care_teaching_social",
    "recruitment_channel": "press",
    "capacity": 2,
    "recruited_on": (TODAY - timedelta(days=30)).isoformat(),
    "external_id": "MF-1",
}
NEVER_DUMPED = {"user_id", "tenant_id", "created_at", "by_user_id"}


def create(client, headers, **fields):
    response = client.post(BASE, json={"name": "Anders And", **fields}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


# ---- the happy paths -----------------------------------------------------------------------------

def test_create_read_change_and_list(client, headers):
    response = client.post(BASE, json=PROFILE, headers=headers)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    for key, value in PROFILE.items():
        assert created[key] == value, key
    assert created["status"] == "applicant"
    assert created["status_since"] == PROFILE["recruited_on"]  # dates as YYYY-MM-DD
    assert created["left_on"] is None
    assert not NEVER_DUMPED & set(created)

    url = f"{BASE}/{created['id']}"
    assert client.get(url, headers=headers).get_json() == created

    response = client.patch(url, json={"phone": "11 22 33 44", "capacity": 3, "wishes": None}, headers=headers)
    assert response.status_code == 200, response.get_json()
    changed = client.get(url, headers=headers).get_json()
    assert (changed["phone"], changed["capacity"], changed["wishes"]) == ("11 22 33 44", 3, None)
    assert changed["name"] == PROFILE["name"]  # a field not sent stays

    create(client, headers, name="Carl Carlsen", recruitment_channel="web")
    listed = client.get(BASE, headers=headers)
    assert listed.status_code == 200
    assert [v["name"] for v in listed.get_json()] == ["Birgitte Nielsen", "Carl Carlsen"]
    row = next(v for v in listed.get_json() if v["id"] == created["id"])
    assert row["status"] == "applicant" and "birth_date" not in row and "reservations" not in row
    assert not NEVER_DUMPED & set(row)


def test_list_filters_and_pagination(client, headers):
    create(client, headers, name="Anna", email="anna@example.dk", recruitment_channel="press")
    bo = create(client, headers, name="Bo", recruitment_channel="web")
    create(client, headers, name="Carla", recruitment_channel="web")
    assert client.post(f"{BASE}/{bo['id']}/status", json={"to_status": "info_meeting"}, headers=headers).status_code == 201

    def names(query):
        response = client.get(f"{BASE}?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return [v["name"] for v in response.get_json()]

    assert names("") == ["Anna", "Bo", "Carla"]
    assert names("q=ANNA@") == ["Anna"]
    assert names("q=ar") == ["Carla"]
    assert names("status=info_meeting") == ["Bo"]
    assert names("channel=web") == ["Bo", "Carla"]
    assert names("channel=web&status=applicant") == ["Carla"]

    response = client.get(f"{BASE}?page=2&page_size=2", headers=headers)
    assert [v["name"] for v in response.get_json()] == ["Carla"]
    pagination = json.loads(response.headers["X-Pagination"])
    assert pagination["total"] == 3 and pagination["total_pages"] == 2 and pagination["page"] == 2

    assert_contract_error(client.get(f"{BASE}?status=sleeping", headers=headers), 422, {"status"})
    assert_contract_error(client.get(f"{BASE}?page_size=100000", headers=headers), 422, {"page_size"})


def test_capacity_defaults_to_the_tenants_setting(client, headers):
    assert create(client, headers)["capacity"] == 1


def test_status_lifecycle_and_history(client, headers):
    volunteer = create(client, headers, recruited_on=(TODAY - timedelta(days=10)).isoformat())
    url = f"{BASE}/{volunteer['id']}"
    on = (TODAY - timedelta(days=5)).isoformat()
    response = client.post(f"{url}/status", json={"to_status": "info_meeting", "on": on, "note": "Kom til mødet"},
                           headers=headers)
    assert response.status_code == 201, response.get_json()
    change = response.get_json()
    assert (change["from_status"], change["to_status"], change["on"], change["note"]) == ("applicant", "info_meeting", on,
                                                                                          "Kom til mødet")
    assert client.get(url, headers=headers).get_json()["status"] == "info_meeting"

    # A transition the lifecycle does not allow: 409, with the reason on the field.
    body = assert_contract_error(client.post(f"{url}/status", json={"to_status": "active"}, headers=headers), 409,
                                 {"to_status"})  # named after the request's field
    assert body["errors"]["to_status"] == [translated("en", "A volunteer cannot go from %(from)s to %(to)s. Choose one "
                                                         "of the statuses offered.",
                                                   **{"from": "Attended info meeting", "to": "Active mentor"})]
    # Dates in the wrong order: before the current status began.
    body = assert_contract_error(client.post(f"{url}/status", json={"to_status": "in_training",
                                                                    "on": (TODAY - timedelta(days=6)).isoformat()},
                                             headers=headers), 422, {"on"})
    # An unknown code.
    assert_contract_error(client.post(f"{url}/status", json={"to_status": "retired"}, headers=headers), 422, {"to_status"})
    assert_contract_error(client.post(f"{url}/status", json={}, headers=headers), 422, {"to_status"})

    history = client.get(f"{url}/status-history", headers=headers).get_json()
    assert [(h["from_status"], h["to_status"]) for h in history] == [(None, "applicant"), ("applicant", "info_meeting")]
    assert history[0]["on"] == volunteer["recruited_on"]
    assert not NEVER_DUMPED & set(history[0])


def test_screenings(client, headers, tenant):
    volunteer = create(client, headers)
    url = f"{BASE}/{volunteer['id']}/screenings"
    obtained = date(TODAY.year - 1, 1, 31)
    response = client.post(url, json={"kind": "child_certificate", "obtained_on": obtained.isoformat()}, headers=headers)
    assert response.status_code == 201, response.get_json()
    screening = response.get_json()
    assert screening["kind"] == "child_certificate" and screening["obtained_on"] == obtained.isoformat()
    assert screening["valid_until"] == add_months(obtained, 24).isoformat()  # the tenant's default validity
    assert client.post(url, json={"kind": "criminal_record", "obtained_on": TODAY.isoformat(), "note": "OK"},
                       headers=headers).status_code == 201
    listed = client.get(url, headers=headers).get_json()
    assert [s["kind"] for s in listed] == ["criminal_record", "child_certificate"]  # newest first

    assert_contract_error(client.post(url, json={"kind": "passport", "obtained_on": TODAY.isoformat()}, headers=headers),
                          422, {"kind"})
    assert_contract_error(client.post(url, json={"kind": "child_certificate",
                                                 "obtained_on": (TODAY + timedelta(days=1)).isoformat()},
                                      headers=headers), 422, {"obtained_on"})
    assert count_rows(tenant, Screening) == 2


def _gates(eligibility) -> set[str]:
    """The blocking gates: status, course, screening (``screening_missing``, ``screening_expired``)."""
    return {f["code"].split("_")[0] for f in eligibility["findings"] if f["blocking"]}


def test_from_first_contact_to_an_eligible_mentor(client, headers):
    """Through the API only: info meeting, course with attendance, approval, screening; the
    eligibility service answers with the gates still missing at each step."""
    volunteer = create(client, headers, recruited_on=(TODAY - timedelta(days=20)).isoformat())
    url = f"{BASE}/{volunteer['id']}"

    eligibility = client.get(f"{url}/eligibility", headers=headers).get_json()
    assert eligibility["eligible"] is False
    assert _gates(eligibility) == {"status", "course", "screening"}

    meeting = client.post("/api/v1/middelfart/group-meetings", headers=headers, json={
        "kind": "info_meeting", "title": "Infomøde", "on": (TODAY - timedelta(days=15)).isoformat()}).get_json()
    response = client.put(f"/api/v1/middelfart/group-meetings/{meeting['id']}/attendance", headers=headers,
                          json={"attendance": [{"volunteer_id": volunteer["id"], "attended": True}]})
    assert response.status_code == 200, response.get_json()
    assert client.get(url, headers=headers).get_json()["status"] == "info_meeting"

    course = client.post("/api/v1/middelfart/courses", json={"title": "Mentorkursus"}, headers=headers).get_json()
    sessions = [client.post(f"/api/v1/middelfart/courses/{course['id']}/sessions", headers=headers,
                            json={"on": (TODAY - timedelta(days=d)).isoformat(), "hours": 3}).get_json() for d in (10, 3)]
    assert client.post(f"/api/v1/middelfart/courses/{course['id']}/enrollments", headers=headers,
                       json={"volunteer_id": volunteer["id"]}).get_json()["state"] == "enrolled"
    for session in sessions:
        response = client.put(f"/api/v1/middelfart/courses/{course['id']}/sessions/{session['id']}/attendance",
                              headers=headers, json={"attendance": [{"volunteer_id": volunteer["id"], "attended": True}]})
        assert response.status_code == 200, response.get_json()
    assert client.get(url, headers=headers).get_json()["status"] == "in_training"

    eligibility = client.get(f"{url}/eligibility", headers=headers).get_json()
    assert _gates(eligibility) == {"status", "screening"}

    assert client.post(f"{url}/status", json={"to_status": "approved"}, headers=headers).status_code == 201
    assert client.post(f"{url}/screenings", json={"kind": "child_certificate", "obtained_on": TODAY.isoformat()},
                       headers=headers).status_code == 201
    eligibility = client.get(f"{url}/eligibility", headers=headers).get_json()
    assert eligibility == {"eligible": True, "findings": []}


def test_eligibility_messages_follow_accept_language(client, headers):
    volunteer = create(client, headers)
    url = f"{BASE}/{volunteer['id']}/eligibility"
    for locale in ("en", "da"):
        findings = client.get(url, headers={**headers, "Accept-Language": locale}).get_json()["findings"]
        course = next(f for f in findings if f["code"] == "course")
        assert course == {"code": "course", "message": translated(locale, "Has not completed the course."), "blocking": True}
    english = client.get(url, headers=headers).get_json()["findings"]
    assert next(f for f in english if f["code"] == "course")["message"] == "Has not completed the course."


# ---- invalid input: 422 per field, nothing saved ----------------------------------------------

@pytest.mark.parametrize("locale", ["en", "da"])
@pytest.mark.parametrize("body, field, msgid, variables, braces", [
    ({"shoe_size": 44}, "shoe_size", "Unknown field.", {}, False),
    ({"capacity": "many"}, "capacity", "Not a valid integer.", {}, False),
    ({"capacity": 1.5}, "capacity", "Not a valid integer.", {}, False),
    ({"birth_date": "12-04-1970"}, "birth_date", "Not a valid date.", {}, False),
    ({"languages": "dansk"}, "languages", "Not a valid list.", {}, False),
    ({"name": None}, "name", "Field may not be null.", {}, False),
    ({"name": "x" * 121}, "name", "Longer than maximum length {max}.", {"max": 120}, True),
    ({"gender": "robot"}, "gender", "Must be one of: {choices}.", {"choices": "female, male, other"}, True),
    ({"employment_sector": "pirate"}, "employment_sector", "Must be one of: {choices}.",
     {"choices": "public, private, none"}, True),
    ({"education": "phd"}, "education", "Must be one of: {choices}.",
     {"choices": "care_teaching_social, vocational, higher, unskilled"}, True),
])
def test_invalid_shape_is_refused_by_the_schema(client, headers, tenant, locale, body, field, msgid, variables, braces):
    response = client.post(BASE, json={"name": "Anders And", **body}, headers={**headers, "Accept-Language": locale})
    body = assert_contract_error(response, 422, {field})
    expected = translated_braces(locale, msgid, **variables) if braces else translated(locale, msgid)
    assert body["errors"][field] == [expected]
    assert body["message"] == translated(locale, "The request has invalid fields.")
    assert count_rows(tenant, Volunteer) == 0


@pytest.mark.parametrize("locale", ["en", "da"])
@pytest.mark.parametrize("body, field, msgid, variables", [
    ({"capacity": 999}, "capacity", CAPACITY, {"max": 10}),
    ({"capacity": -1}, "capacity", CAPACITY, {"max": 10}),
    ({"birth_date": years_ago(17).isoformat()}, "birth_date", "By this birth date the volunteer is %(years)s; a mentor "
     "must be at least %(age)s. Check the year, and write the date as dd/mm/yyyy.", {"years": 17, "age": 18}),
    ({"birth_date": "1800-01-01"}, "birth_date", "The birth date is more than %(years)s years ago. Check the year, and "
     "write the date as dd/mm/yyyy.", {"years": 100}),
    ({"birth_date": (TODAY + timedelta(days=1)).isoformat()}, "birth_date",
     "The birth date is in the future. Check the year, and write the date as dd/mm/yyyy.", {}),
    ({"birth_date": "1980-05-01", "recruited_on": "1979-01-01"}, "recruited_on",
     "The first contact is before the birth date (%(date)s). Check both dates.", {"date": date(1980, 5, 1)}),
    ({"recruited_on": (TODAY + timedelta(days=1)).isoformat()}, "recruited_on",
     "The date is in the future. Enter today's date or an earlier one.", {}),
    ({"recruitment_channel": "carrier_pigeon"}, "recruitment_channel",
     "\"%(code)s\" is not one of the choices. Choose one from the list.", {"code": "carrier_pigeon"}),
    ({"email": "not an address"}, "email", "The e-mail address is not valid. Write it as name@example.dk, with no spaces.", {}),
])
def test_invalid_values_are_refused_by_the_service(client, headers, tenant, locale, body, field, msgid, variables):
    response = client.post(BASE, json={"name": "Anders And", **body}, headers={**headers, "Accept-Language": locale})
    body = assert_contract_error(response, 422, {field})
    # A date inside a message is written as the language writes dates (English: day first, en_GB).
    variables = {k: format_date(v, "medium", locale=WRITTEN_AS.get(locale, locale)) if isinstance(v, date) else v
                 for k, v in variables.items()}
    assert body["errors"][field] == [translated(locale, msgid, **variables)]
    assert body["message"] == translated(locale, "The form has errors.")
    assert count_rows(tenant, Volunteer) == 0
    assert count_rows(tenant, VolunteerStatusChange) == 0


def test_an_18_year_old_is_accepted(client, headers):
    assert create(client, headers, birth_date=years_ago(18).isoformat())["birth_date"] == years_ago(18).isoformat()


def test_every_problem_of_the_service_is_reported_at_once(client, headers, tenant):
    response = client.post(BASE, headers=headers, json={"name": "A", "capacity": 999, "gender": "female",
                                                        "birth_date": years_ago(16).isoformat(),
                                                        "recruitment_channel": "nowhere"})
    assert_contract_error(response, 422, {"capacity", "birth_date", "recruitment_channel"})
    assert count_rows(tenant, Volunteer) == 0


def test_the_danish_and_english_messages_come_from_the_catalogue(client, headers):
    """Where the Danish catalogue has the message, the two languages differ."""
    bad = {"name": "A", "capacity": "x"}
    english = client.post(BASE, json=bad, headers=headers).get_json()
    dansk = client.post(BASE, json=bad, headers=danish(headers)).get_json()
    assert english["errors"]["capacity"] == ["Not a valid integer."]
    assert dansk["errors"]["capacity"] == [translated("da", "Not a valid integer.")]
    if translated("da", "Not a valid integer.") != "Not a valid integer.":
        assert dansk["errors"] != english["errors"]


def test_an_invalid_change_changes_nothing(client, headers):
    volunteer = create(client, headers, capacity=2, phone="123")
    url = f"{BASE}/{volunteer['id']}"
    assert_contract_error(client.patch(url, json={"phone": "999", "capacity": 999}, headers=headers), 422, {"capacity"})
    assert_contract_error(client.patch(url, json={"phone": "999", "unknown": 1}, headers=headers), 422, {"unknown"})
    assert_contract_error(client.patch(url, json={"name": "   "}, headers=headers), 422, {"name"})
    assert_contract_error(client.patch(url, json={"birth_date": years_ago(17, -1).isoformat()}, headers=headers), 422,
                          {"birth_date"})
    after = client.get(url, headers=headers).get_json()
    assert (after["phone"], after["capacity"], after["name"], after["birth_date"]) == ("123", 2, "Anders And", None)


def test_a_body_that_is_not_json_or_not_an_object(client, headers, tenant):
    response = client.post(BASE, data="name=Anders", headers={**headers, "Content-Type": "application/json"})
    assert assert_contract_error(response, 400)["errors"] == {"_schema": ["Invalid JSON body."]}
    response = client.post(BASE, data="name=Anders", headers={**danish(headers), "Content-Type": "application/json"})
    assert assert_contract_error(response, 400)["errors"] == {"_schema": [translated("da", "Invalid JSON body.")]}
    response = client.post(BASE, json=["Anders"], headers=headers)
    assert assert_contract_error(response, 422)["errors"] == {"_schema": ["Invalid input type."]}
    assert count_rows(tenant, Volunteer) == 0


# ---- who may do what -----------------------------------------------------------------------------

def _every_volunteer_url(volunteer_id):
    return [("GET", BASE), ("POST", BASE), ("GET", f"{BASE}/{volunteer_id}"), ("PATCH", f"{BASE}/{volunteer_id}"),
            ("POST", f"{BASE}/{volunteer_id}/status"), ("GET", f"{BASE}/{volunteer_id}/status-history"),
            ("GET", f"{BASE}/{volunteer_id}/screenings"), ("POST", f"{BASE}/{volunteer_id}/screenings"),
            ("GET", f"{BASE}/{volunteer_id}/eligibility")]


def test_without_a_token_every_endpoint_is_401(client, headers):
    volunteer = create(client, headers)
    for method, url in _every_volunteer_url(volunteer["id"]) + [("GET", f"{BASE}/me")]:
        assert_contract_error(client.open(url, method=method, json={"name": "X"}), 401)
        assert_contract_error(client.open(url, method=method, json={"name": "X"},
                                          headers={"Authorization": "Bearer not-a-token"}), 401)


@pytest.mark.parametrize("role", ["mentor", "caseworker"])
def test_other_roles_get_403_on_coordinator_endpoints(client, headers, tenant, user_factory, role):
    volunteer = create(client, headers)
    other = {**api_token(client, user_factory(tenant, role)), "Accept-Language": "en"}
    for method, url in _every_volunteer_url(volunteer["id"]):
        body = assert_contract_error(client.open(url, method=method, json={"name": "X"}, headers=other), 403)
        assert body["message"] == translated("en", "You do not have access to this page.")
    assert count_rows(tenant, Volunteer) == 1


def test_another_tenants_volunteer_is_404_like_one_that_does_not_exist(client, headers, other_headers, tenant):
    theirs = client.post("/api/v1/ishoej/volunteers", json={"name": "Ishøj-mentor"}, headers=other_headers).get_json()
    mine = create(client, headers)
    missing = theirs["id"] + mine["id"] + 1000
    for (method, url), (_, nowhere_url) in zip(_every_volunteer_url(theirs["id"])[2:], _every_volunteer_url(missing)[2:]):
        payload = {"phone": "1"} if method == "PATCH" else None
        if url.endswith("/status"):
            payload = {"to_status": "left"}
        elif url.endswith("/screenings") and method == "POST":
            payload = {"kind": "child_certificate", "obtained_on": TODAY.isoformat()}
        body = assert_contract_error(client.open(url, method=method, json=payload, headers=headers), 404)
        nowhere = assert_contract_error(client.open(nowhere_url, method=method, json=payload, headers=headers), 404)
        assert body == nowhere
        assert body["message"] == translated("en", "The volunteer was not found.")
    # Nothing of the other tenant changed, and their record is theirs alone.
    theirs_after = client.get(f"/api/v1/ishoej/volunteers/{theirs['id']}", headers=other_headers).get_json()
    assert theirs_after == theirs
    assert [v["id"] for v in client.get(BASE, headers=headers).get_json()] == [mine["id"]]


def test_a_caller_without_a_membership_gets_404(client, headers, other_headers, user_factory):
    volunteer = create(client, headers)
    outsider = api_token(client, user_factory(None))
    for method, url in _every_volunteer_url(volunteer["id"]):
        assert_contract_error(client.open(url, method=method, json={}, headers=outsider), 404)
        assert_contract_error(client.open(url, method=method, json={}, headers=other_headers), 404)


def test_me_is_the_mentors_own_record(client, headers, tenant, user_factory, db):
    mentor = user_factory(tenant, "mentor")
    mentor_headers = api_token(client, mentor)
    assert_contract_error(client.get(f"{BASE}/me", headers=mentor_headers), 404)  # no record linked yet

    own = create(client, headers, name="Mette Mentor", birth_date="1980-01-01")
    create(client, headers, name="Someone Else")
    from core.tenancy import tenant_context

    with tenant_context(tenant):
        db.session.get(Volunteer, own["id"]).user_id = mentor.id
        db.session.commit()
    response = client.get(f"{BASE}/me", headers=mentor_headers)
    assert response.status_code == 200
    assert response.get_json()["id"] == own["id"] and response.get_json()["birth_date"] == "1980-01-01"
    assert not NEVER_DUMPED & set(response.get_json())
    # A mentor reaches no other volunteer, and /me is the mentor's only.
    assert_contract_error(client.get(f"{BASE}/{own['id']}", headers=mentor_headers), 403)
    assert_contract_error(client.get(f"{BASE}/me", headers=headers), 403)


# ---- constant number of queries ----------------------------------------------------------------

def _add_volunteers(db, tenant, n, start=0):
    from core.tenancy import tenant_context

    with tenant_context(tenant):
        db.session.add_all(Volunteer(name=f"Frivillig {i:04d}", email=f"f{i}@example.dk", status="applicant",
                                     status_since=TODAY, recruited_on=TODAY, capacity=1, recruitment_channel="press")
                           for i in range(start, start + n))
        db.session.commit()


def test_the_list_takes_the_same_number_of_queries_for_5_and_500_volunteers(client, headers, db, tenant, count_queries):
    url = f"{BASE}?page_size=200&channel=press"
    _add_volunteers(db, tenant, 5)
    client.get(url, headers=headers)  # warm caches (hook relay, ...)
    with count_queries() as few:
        response = client.get(url, headers=headers)
    assert len(response.get_json()) == 5

    _add_volunteers(db, tenant, 495, start=5)
    with count_queries() as many:
        response = client.get(url, headers=headers)
    assert len(response.get_json()) == 200
    assert json.loads(response.headers["X-Pagination"])["total"] == 500
    assert len(many) == len(few), "\n".join(many.statements)
    assert len(few) <= 8, "\n".join(few.statements)
