"""Bad input is the caller's error, never the server's: ids beyond 64 bits, Unicode digits, lone
surrogates, deep nesting, NUL characters, CR/LF in ``next=``, a form without one of its fields, a
PATCH without a body, a method a resource does not have. The API answers 4xx in the contract's
error format ({"code", "message", "errors"}), the web the error page or the form with its errors.

Every request runs with exceptions propagated (TESTING), so a server error fails the test with its
traceback instead of hiding behind a 500 page."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.forms import safe_next
from core.groups import services as groups
from core.groups.models import GroupMeeting
from core.tenancy import tenant_context
from core.volunteers import services as volunteers
from core.volunteers.models import Volunteer
from tests.api.conftest import assert_contract_error
from tests.conftest import api_token, login, post_form

HUGE = "99999999999999999999"  # beyond 64 bits
API = "/api/v1/middelfart"
WEB = "/middelfart"


@pytest.fixture
def coordinator_user(tenant, user_factory):
    return user_factory(tenant, "coordinator")


@pytest.fixture
def headers(client, coordinator_user):
    return {**api_token(client, coordinator_user), "Accept-Language": "en"}


@pytest.fixture
def web(client, tenant, coordinator_user):
    login(client, coordinator_user, tenant)
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client


@pytest.fixture
def volunteer(tenant):
    with tenant_context(tenant):
        v = volunteers.create_volunteer({"name": "Anna", "birth_date": date(1980, 1, 1), "recruitment_channel": "press"})
        db.session.commit()
        return v.id


@pytest.fixture
def meeting(tenant):
    with tenant_context(tenant):
        m = groups.create_meeting({"kind": "social_event", "title": "Sommerfest", "hours": "3",
                                   "on": date.today() - timedelta(days=1)})
        db.session.commit()
        return m.id


def count(tenant, model) -> int:
    with tenant_context(tenant):
        return db.session.scalar(select(func.count(model.id)))


# ---- 1. ids beyond 64 bits -----------------------------------------------------------------------

@pytest.mark.parametrize("method, path", [
    ("get", f"/volunteers/{HUGE}"), ("get", f"/volunteers/{HUGE}/screenings"), ("get", f"/courses/{HUGE}"),
    ("delete", f"/courses/1/sessions/{HUGE}"), ("delete", f"/courses/{HUGE}/enrollments/{HUGE}"),
    ("get", f"/group-meetings/{HUGE}"), ("get", "/volunteers/²"), ("get", "/volunteers/١٢"),
])
def test_an_id_beyond_64_bits_in_an_api_url_is_404(client, headers, volunteer, method, path):
    assert_contract_error(getattr(client, method)(API + path, headers=headers), 404)


@pytest.mark.parametrize("path", [f"/volunteers/{HUGE}", f"/volunteers/{HUGE}/edit", f"/group-meetings/{HUGE}",
                                  f"/courses/{HUGE}", f"/volunteer-groups/{HUGE}"])
def test_an_id_beyond_64_bits_in_a_web_url_is_the_404_page(web, path):
    response = web.get(WEB + path)
    assert response.status_code == 404
    assert '<h1 data-testid="error-heading">The page was not found</h1>' in response.get_data(as_text=True)


@pytest.mark.parametrize("query", [f"page={HUGE}", f"page={HUGE}&page_size=200", "page=²"])
def test_a_page_beyond_64_bits_in_an_api_query_is_an_empty_page_or_422(client, headers, volunteer, meeting, query):
    for resource in ("volunteers", "group-meetings"):
        response = client.get(f"{API}/{resource}?{query}", headers=headers)
        if response.status_code == 200:
            assert response.get_json() == [] and json.loads(response.headers["X-Pagination"])["total"] == 1
        else:
            assert_contract_error(response, 422, {"page"})


@pytest.mark.parametrize("resource", ["volunteers", "group-meetings"])
def test_a_page_beyond_64_bits_in_a_web_query_is_a_page(web, volunteer, meeting, resource):
    response = web.get(f"{WEB}/{resource}/?page={HUGE}")
    assert response.status_code == 200
    assert web.get(f"{WEB}/{resource}/?page=²").status_code == 200


@pytest.mark.parametrize("method, path, body, field", [
    ("post", "/group-meetings", {"kind": "social_event", "title": "Fest", "on": "2026-06-01", "group_id": int(HUGE)}, "group_id"),
    ("post", "/group-meetings/{meeting}/invitations", {"volunteer_ids": [int(HUGE)]}, "volunteer_ids"),
    ("put", "/group-meetings/{meeting}/attendance", {"attendance": [{"volunteer_id": int(HUGE), "attended": True}]}, "attendance"),
    ("patch", "/volunteers/{volunteer}", {"capacity": int(HUGE)}, "capacity"),
    ("post", "/courses", {"title": "Kursus", "max_participants": int(HUGE)}, "max_participants"),
])
def test_an_id_or_number_beyond_64_bits_in_a_body_is_422(client, headers, tenant, volunteer, meeting, method, path, body, field):
    url = API + path.format(meeting=meeting, volunteer=volunteer)
    response = getattr(client, method)(url, json=body, headers=headers)
    assert_contract_error(response, 422, {field})


def test_a_course_enrolment_of_an_id_beyond_64_bits_is_422(client, headers):
    course = client.post(f"{API}/courses", json={"title": "Kursus"}, headers=headers).get_json()
    response = client.post(f"{API}/courses/{course['id']}/enrollments", json={"volunteer_id": int(HUGE)}, headers=headers)
    assert_contract_error(response, 422, {"volunteer_id"})


# ---- 2. and 3. JSON the application cannot handle ----------------------------------------------

@pytest.mark.parametrize("body", [
    b'{"name": "\\ud800x"}',  # a lone surrogate: JSON syntax, but not Unicode text
    b'{"name": "Anna", "languages": ["\\udfff"]}',
    b'{"\\ud800": "Anna"}',
    b"[" * 50_000 + b"]" * 50_000,  # Python's parser: RecursionError
    b'{"name": ' + b"[" * 100 + b"]" * 100 + b"}",  # deeper than any request of the API
    b'{"name": "\xff\xfe"}',  # not UTF-8
])
def test_json_the_application_cannot_handle_is_400(client, headers, tenant, body):
    response = client.post(f"{API}/volunteers", data=body, content_type="application/json", headers=headers)
    assert_contract_error(response, 400)
    assert count(tenant, Volunteer) == 0


def test_a_nul_character_is_400_in_a_body_a_query_and_a_form(client, headers, web, tenant):
    response = client.post(f"{API}/volunteers", json={"name": "An\x00na"}, headers=headers)
    assert_contract_error(response, 400)
    assert_contract_error(client.get(f"{API}/volunteers?q=a%00b", headers=headers), 400)
    assert_contract_error(client.get("/api/v1/mid%00delfart/volunteers", headers=headers), 400)
    response = post_form(web, f"{WEB}/volunteers/new", {"name": "An\x00na", "birth_date": "1980-01-01"})
    assert response.status_code == 400
    assert count(tenant, Volunteer) == 0


# ---- 4. Unicode digits in whole-number and id form fields --------------------------------------

@pytest.mark.parametrize("value", ["²", "١٢", "9" * 30, "1e3"])
def test_a_whole_number_field_takes_ascii_digits_only(web, tenant, volunteer, value):
    response = post_form(web, f"{WEB}/volunteers/{volunteer}/edit",
                         {"name": "Anna", "birth_date": "1980-01-01", "recruitment_channel": "press", "capacity": value})
    assert response.status_code == 422
    assert "This is not a whole number. Write it in digits, for example 2." in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["²", HUGE])
def test_a_chosen_id_that_is_not_one_is_not_found(web, tenant, value):
    response = post_form(web, f"{WEB}/group-meetings/new", {"kind": "social_event", "title": "Fest",
                                                           "on": "2026-06-01", "hours": "2", "group_id": value})
    assert response.status_code == 422 and "The chosen group was not found. Reload the page and choose again." in response.get_data(as_text=True)
    assert count(tenant, GroupMeeting) == 0


@pytest.mark.parametrize("value", ["²", HUGE])
def test_attendance_with_an_id_that_is_not_one_is_refused(web, meeting, volunteer, value):
    url = f"{WEB}/group-meetings/{meeting}/attendance"
    response = post_form(web, url, {"shown": [str(volunteer)], "came": [value]})
    assert response.status_code == 422 and "Unknown volunteer." in response.get_data(as_text=True)
    response = post_form(web, url, {"shown": [value], "came": [value]})
    assert response.status_code == 422


# ---- 5. CR/LF in next= ------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["/middelfart/\r\nSet-Cookie: x=1", "/x\nLocation: //evil.example", "/\\evil.example",
                                    "/\tevil", "/ok\x7f"])
def test_safe_next_refuses_control_characters_and_backslashes(target):
    assert safe_next(target, "/fallback") == "/fallback"
    assert safe_next("/middelfart/volunteers/?q=a", "/fallback") == "/middelfart/volunteers/?q=a"


def test_cr_lf_in_next_is_not_followed_at_login_or_language_switch(client, tenant, coordinator_user):
    from tests.conftest import PASSWORD, csrf_token

    token = csrf_token(client, f"{WEB}/login")
    response = client.post(f"{WEB}/login", data={"email": coordinator_user.email, "password": PASSWORD,
                                                "next": "/middelfart/\r\nSet-Cookie: x=1", "csrf_token": token})
    assert response.status_code == 302 and "\n" not in response.location and "Set-Cookie" not in response.location
    response = client.post("/lang", data={"lang": "en", "next": "/a\r\nb", "csrf_token": csrf_token(client, f"{WEB}/")})
    assert response.status_code == 302 and response.location == "/"


# ---- 6. a form without one of its fields --------------------------------------------------------

def test_a_meeting_edit_without_its_hours_field_is_refused(web, tenant, meeting):
    response = post_form(web, f"{WEB}/group-meetings/{meeting}/edit",
                         {"kind": "social_event", "title": "Sommerfest 2", "on": date.today().isoformat()})
    assert response.status_code == 422
    assert "Missing data for required field." in response.get_data(as_text=True)
    with tenant_context(tenant):
        stored = db.session.get(GroupMeeting, meeting)
        assert (stored.title, str(stored.hours)) == ("Sommerfest", "3.0")


def test_a_meeting_edit_with_an_empty_hours_field_clears_it(web, tenant, meeting):
    response = post_form(web, f"{WEB}/group-meetings/{meeting}/edit",
                         {"kind": "social_event", "title": "Sommerfest", "on": date.today().isoformat(), "hours": ""})
    assert response.status_code == 302
    with tenant_context(tenant):
        assert db.session.get(GroupMeeting, meeting).hours is None


# ---- 7. PATCH without a body; 405 with Allow ----------------------------------------------------

@pytest.mark.parametrize("path", ["/volunteers/{volunteer}", "/group-meetings/{meeting}", "/courses/{course}"])
@pytest.mark.parametrize("body", [None, b"", b"{}", b"text"])
def test_a_patch_without_a_body_is_refused(client, headers, volunteer, meeting, path, body):
    course = client.post(f"{API}/courses", json={"title": "Kursus"}, headers=headers).get_json()["id"]
    url = API + path.format(volunteer=volunteer, meeting=meeting, course=course)
    kwargs = {} if body is None else {"data": body, "content_type": "text/plain" if body == b"text" else "application/json"}
    response = client.patch(url, headers=headers, **kwargs)
    assert_contract_error(response, 422)


def test_a_method_a_resource_does_not_have_is_405_with_allow(client, headers, web, volunteer):
    response = client.delete(f"{API}/volunteers", headers=headers)
    body = assert_contract_error(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}, body
    response = client.put(f"{API}/volunteers/{volunteer}", headers=headers, json={})
    assert_contract_error(response, 405)
    assert "PATCH" in response.headers["Allow"]
    response = web.delete(f"{WEB}/volunteers/")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
