"""The group-meetings API: /api/v1/<tenant>/group-meetings — invitations and attendance."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from core.groups.models import GroupMeeting, GroupMeetingParticipant
from tests.api.conftest import assert_contract_error, count_rows, danish, translated, translated_braces
from tests.conftest import api_token

BASE = "/api/v1/middelfart/group-meetings"
VOLUNTEERS = "/api/v1/middelfart/volunteers"
TODAY = date.today()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def new_meeting(client, headers, base=BASE, **fields):
    body = {"kind": "experience_group", "title": "Erfaringsgruppe 1", "on": day(-1), **fields}
    response = client.post(base, json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def new_volunteer(client, headers, name="Anders And", base=VOLUNTEERS):
    response = client.post(base, json={"name": name, "recruited_on": day(-60)}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


# ---- the happy paths -----------------------------------------------------------------------------

def test_create_read_change(client, headers):
    created = new_meeting(client, headers, starts_at="19:00", hours=2, place="Medborgerhuset",
                          description="Månedligt møde")
    assert {k: created[k] for k in ("kind", "title", "on", "hours", "place", "description", "group_id", "participants")} == {
        "kind": "experience_group", "title": "Erfaringsgruppe 1", "on": day(-1), "hours": 2.0, "place": "Medborgerhuset",
        "description": "Månedligt møde", "group_id": None, "participants": []}
    assert created["starts_at"].startswith("19:00")
    url = f"{BASE}/{created['id']}"
    assert client.get(url, headers=headers).get_json() == created

    response = client.patch(url, json={"title": "Supervision", "kind": "supervision", "hours": None}, headers=headers)
    assert response.status_code == 200, response.get_json()
    changed = client.get(url, headers=headers).get_json()
    assert (changed["title"], changed["kind"], changed["hours"], changed["place"]) == ("Supervision", "supervision", None,
                                                                                      "Medborgerhuset")


def test_list_filters_and_pagination(client, headers):
    past = new_meeting(client, headers, title="Tidligere", on=day(-10))
    soon = new_meeting(client, headers, title="Snart", on=day(3), kind="supervision")
    later = new_meeting(client, headers, title="Senere", on=day(30))
    volunteer = new_volunteer(client, headers)
    client.post(f"{BASE}/{past['id']}/invitations", json={"volunteer_ids": [volunteer]}, headers=headers)
    client.put(f"{BASE}/{past['id']}/attendance", json={"attendance": [{"volunteer_id": volunteer, "attended": True}]},
               headers=headers)

    def titles(query):
        response = client.get(f"{BASE}?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return [m["title"] for m in response.get_json()]

    assert titles("") == ["Senere", "Snart", "Tidligere"]  # newest first
    assert titles("upcoming=true") == ["Snart", "Senere"]  # soonest first
    assert titles("upcoming=false") == ["Tidligere"]
    assert titles("kind=supervision") == ["Snart"]
    assert titles("kind=experience_group&upcoming=true") == ["Senere"]

    rows = client.get(f"{BASE}?upcoming=false", headers=headers).get_json()
    assert rows[0]["invited"] == 1 and rows[0]["attended"] == 1 and rows[0]["on"] == day(-10)

    response = client.get(f"{BASE}?page=2&page_size=2", headers=headers)
    assert [m["id"] for m in response.get_json()] == [past["id"]]
    pagination = json.loads(response.headers["X-Pagination"])
    assert (pagination["total"], pagination["total_pages"], pagination["page"]) == (3, 2, 2)
    assert {soon["id"], later["id"]} == {m["id"] for m in client.get(f"{BASE}?page_size=2", headers=headers).get_json()}

    assert_contract_error(client.get(f"{BASE}?kind=party", headers=headers), 422, {"kind"})
    assert_contract_error(client.get(f"{BASE}?upcoming=maybe", headers=headers), 422, {"upcoming"})


def test_invitations_and_attendance(client, headers):
    meeting = new_meeting(client, headers, kind="info_meeting", title="Informationsmøde", on=day(-2))
    anna, bo, carla = (new_volunteer(client, headers, n) for n in ("Anna", "Bo", "Carla"))
    url = f"{BASE}/{meeting['id']}"

    response = client.post(f"{url}/invitations", json={"volunteer_ids": [anna, bo]}, headers=headers)
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert result["added"] == 2
    assert [(p["volunteer_name"], p["attended"]) for p in result["participants"]] == [("Anna", None), ("Bo", None)]
    assert all(p["invited_at"] for p in result["participants"])
    assert client.post(f"{url}/invitations", json={"volunteer_ids": [anna]}, headers=headers).get_json()["added"] == 0

    # Carla came without an invitation; Bo did not come.
    response = client.put(f"{url}/attendance", headers=headers, json={"attendance": [
        {"volunteer_id": anna, "attended": True}, {"volunteer_id": bo, "attended": False},
        {"volunteer_id": carla, "attended": True}]})
    assert response.status_code == 200, response.get_json()
    participants = {p["volunteer_name"]: p for p in response.get_json()["participants"]}
    assert {n: p["attended"] for n, p in participants.items()} == {"Anna": True, "Bo": False, "Carla": True}
    assert participants["Carla"]["invited_at"] is None
    assert client.get(url, headers=headers).get_json()["participants"] == response.get_json()["participants"]
    # Coming to an information meeting moves an applicant on.
    statuses = {v: client.get(f"{VOLUNTEERS}/{v}", headers=headers).get_json()["status"] for v in (anna, bo, carla)}
    assert statuses == {anna: "info_meeting", bo: "applicant", carla: "info_meeting"}


def test_attendance_is_refused_before_the_day_and_for_unknown_volunteers(client, headers, tenant):
    future = new_meeting(client, headers, on=day(5))
    past = new_meeting(client, headers, on=day(-5))
    anna = new_volunteer(client, headers, "Anna")
    body = assert_contract_error(client.put(f"{BASE}/{future['id']}/attendance", headers=headers,
                                            json={"attendance": [{"volunteer_id": anna, "attended": True}]}), 409,
                                 {"attendance"})
    assert body["errors"]["attendance"] == [translated("en", "Attendance can be registered from the day of the meeting.")]
    assert_contract_error(client.put(f"{BASE}/{past['id']}/attendance", headers=headers,
                                     json={"attendance": [{"volunteer_id": 99999, "attended": True}]}), 422,
                          {"attendance"})  # named after the request's field
    assert_contract_error(client.put(f"{BASE}/{past['id']}/attendance", headers=headers,
                                     json={"attendance": [{"volunteer_id": anna, "attended": True},
                                                          {"volunteer_id": anna, "attended": True}]}), 422,
                          {"attendance"})
    assert count_rows(tenant, GroupMeetingParticipant) == 0


def test_a_volunteer_who_left_cannot_be_invited(client, headers, tenant):
    meeting = new_meeting(client, headers)
    gone = new_volunteer(client, headers)
    assert client.post(f"{VOLUNTEERS}/{gone}/status", json={"to_status": "left"}, headers=headers).status_code == 201
    body = assert_contract_error(client.post(f"{BASE}/{meeting['id']}/invitations", json={"volunteer_ids": [gone]},
                                             headers=headers), 422, {"volunteer_ids"})
    assert body["errors"]["volunteer_ids"] == [translated("en", "%(names)s has left the corps and cannot be invited. Untick "
                                                             "them and invite again.", names="Anders And")]
    assert count_rows(tenant, GroupMeetingParticipant) == 0


# ---- invalid input ---------------------------------------------------------------------------

@pytest.mark.parametrize("locale", ["en", "da"])
def test_invalid_meetings_are_refused_per_field(client, headers, tenant, locale):
    lang = {**headers, "Accept-Language": locale}
    kinds = "info_meeting, experience_group, supervision, sparring_group, social_event"
    valid = {"kind": "supervision", "title": "Supervision", "on": day(-1)}
    cases = [
        ({**valid, "kind": "party"}, "kind", translated_braces(locale, "Must be one of: {choices}.", choices=kinds)),
        ({**valid, "hours": 30}, "hours", translated(locale, "A meeting lasts between half an hour and %(max)s hours. Enter the length in "
                                                       "hours, for example 2 or 1.5.", max=24)),
        ({**valid, "hours": "to"}, "hours", translated(locale, "Not a valid number.")),
        ({**valid, "on": "1990-01-01"}, "on", translated(locale, "The date must be in the years %(first)s to %(last)s. Check "
                                                                "the year.", first=2000, last=TODAY.year + 5)),
        ({**valid, "on": "i går"}, "on", translated(locale, "Not a valid date.")),
        ({**valid, "title": "x" * 121}, "title", translated_braces(locale, "Longer than maximum length {max}.", max=120)),
        ({**valid, "title": " "}, "title", translated(locale, "The title is missing. Write the meeting's title.")),
        ({**valid, "group_id": 12345}, "group_id", translated(locale, "The chosen group was not found. Reload the page and choose again.")),
        ({**valid, "group_id": "one"}, "group_id", translated(locale, "Not a valid integer.")),
        ({**valid, "catering": True}, "catering", translated(locale, "Unknown field.")),
        ({"title": "Supervision", "on": day(-1)}, "kind", translated(locale, "Missing data for required field.")),
    ]
    for body, field, message in cases:
        response = client.post(BASE, json=body, headers=lang)
        assert assert_contract_error(response, 422, {field})["errors"][field] == [message], body
    assert count_rows(tenant, GroupMeeting) == 0


def test_an_invalid_change_changes_nothing(client, headers):
    meeting = new_meeting(client, headers, hours=2)
    url = f"{BASE}/{meeting['id']}"
    assert_contract_error(client.patch(url, json={"title": "Ny", "hours": 99}, headers=headers), 422, {"hours"})
    assert_contract_error(client.patch(url, json={"title": "Ny", "kind": None}, headers=headers), 422, {"kind"})
    assert client.get(url, headers=headers).get_json() == meeting


def test_invitation_body_is_checked(client, headers, tenant):
    meeting = new_meeting(client, headers)
    url = f"{BASE}/{meeting['id']}/invitations"
    anna = new_volunteer(client, headers)
    for body, field in (({}, "volunteer_ids"), ({"volunteer_ids": []}, "volunteer_ids"),
                        ({"volunteer_ids": [anna, anna]}, "volunteer_ids"), ({"volunteer_ids": ["x"]}, "volunteer_ids"),
                        ({"volunteer_ids": [anna], "message": "hej"}, "message")):
        assert_contract_error(client.post(url, json=body, headers=headers), 422, {field})
    body = assert_contract_error(client.post(url, json={"volunteer_ids": []}, headers=danish(headers)), 422)
    assert body["errors"]["volunteer_ids"] == [translated_braces("da", "Length must be between {min} and {max}.", min=1, max=500)]
    assert count_rows(tenant, GroupMeetingParticipant) == 0


# ---- who may do what -------------------------------------------------------------------------

def _every_meeting_url(meeting_id, volunteer_id):
    m = f"{BASE}/{meeting_id}"
    return [("GET", BASE, None), ("POST", BASE, {"kind": "supervision", "title": "S", "on": day(-1)}),
            ("GET", m, None), ("PATCH", m, {"title": "T"}),
            ("POST", f"{m}/invitations", {"volunteer_ids": [volunteer_id]}),
            ("PUT", f"{m}/attendance", {"attendance": [{"volunteer_id": volunteer_id, "attended": True}]})]


@pytest.fixture
def setup(client, headers):
    return new_meeting(client, headers)["id"], new_volunteer(client, headers)


def test_without_a_token_it_is_401(client, setup):
    for method, url, body in _every_meeting_url(*setup):
        assert_contract_error(client.open(url, method=method, json=body), 401)


@pytest.mark.parametrize("role", ["mentor", "caseworker"])
def test_other_roles_get_403(client, tenant, user_factory, setup, role):
    other = api_token(client, user_factory(tenant, role))
    for method, url, body in _every_meeting_url(*setup):
        assert_contract_error(client.open(url, method=method, json=body, headers=other), 403)
    assert count_rows(tenant, GroupMeeting) == 1 and count_rows(tenant, GroupMeetingParticipant) == 0


def test_another_tenants_meetings_are_404_and_their_volunteers_unknown(client, headers, other_headers, tenant, setup):
    meeting_id, volunteer_id = setup  # middelfart's
    missing = meeting_id + 1000
    for (method, url, body), (_, nowhere, _) in zip(_every_meeting_url(meeting_id, volunteer_id)[2:],
                                                    _every_meeting_url(missing, volunteer_id)[2:]):
        theirs = client.open(url.replace("/middelfart/", "/ishoej/"), method=method, json=body, headers=other_headers)
        absent = client.open(nowhere.replace("/middelfart/", "/ishoej/"), method=method, json=body, headers=other_headers)
        assert assert_contract_error(theirs, 404) == assert_contract_error(absent, 404)
    # Inviting middelfart's volunteer to an ishoej meeting: exactly as for an id that does not exist.
    own = new_meeting(client, other_headers, base="/api/v1/ishoej/group-meetings")
    url = f"/api/v1/ishoej/group-meetings/{own['id']}/invitations"
    foreign = client.post(url, json={"volunteer_ids": [volunteer_id]}, headers=other_headers)
    unknown = client.post(url, json={"volunteer_ids": [volunteer_id + 1000]}, headers=other_headers)
    assert assert_contract_error(foreign, 422, {"volunteer_ids"}) == assert_contract_error(unknown, 422, {"volunteer_ids"})
    assert client.get(f"{BASE}/{meeting_id}", headers=headers).get_json()["title"] == "Erfaringsgruppe 1"
    assert [m["id"] for m in client.get("/api/v1/ishoej/group-meetings", headers=other_headers).get_json()] == [own["id"]]


def test_a_caller_without_a_membership_gets_404(client, user_factory, setup):
    outsider = api_token(client, user_factory(None))
    for method, url, body in _every_meeting_url(*setup):
        assert_contract_error(client.open(url, method=method, json=body, headers=outsider), 404)


def test_the_list_takes_the_same_number_of_queries_whatever_its_length(client, headers, db, tenant, count_queries):
    from core.tenancy import tenant_context

    def add(n):
        with tenant_context(tenant):
            db.session.add_all(GroupMeeting(kind="social_event", title=f"Fest {i}", on=TODAY) for i in range(n))
            db.session.commit()

    add(3)
    client.get(f"{BASE}?page_size=200", headers=headers)
    with count_queries() as few:
        client.get(f"{BASE}?page_size=200", headers=headers)
    add(300)
    with count_queries() as many:
        assert len(client.get(f"{BASE}?page_size=200", headers=headers).get_json()) == 200
    assert len(many) == len(few), "\n".join(many.statements)
