"""The coordinator's course pages: create and edit, sessions, enrolment with a waiting list,
attendance on a phone-sized page and the completed course. Refusals are shown next to the field
with status 422 or 409, and nothing is half-saved."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.training import services as training
from core.training.models import Course, CourseSession, SessionAttendance
from tests.conftest import login, post_form
from tests.core.training.conftest import field_error, form_alert, text

MAX_PARTICIPANTS = "The maximum must be between 1 and 500. Enter a number in that range, or leave the field empty for no limit."
SESSION_HOURS = "A session lasts between half an hour and 12 hours. Enter the length in hours, for example 3 or 2.5."


@pytest.fixture
def course(in_tenant, days):
    course = training.create_course({"title": "Mentorkursus", "place": "Rådhuset", "max_participants": 2})
    for offset in (-14, -7):
        training.add_session(course, days(offset), 3)
    db.session.commit()
    return course


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_course_list_shows_dates_and_counts(coordinator, course, days, volunteer_factory):
    for name in ("Anna", "Bo", "Carl"):
        training.enroll(course, volunteer_factory(name))
    db.session.commit()
    html = text(coordinator.get("/middelfart/courses/"))
    assert 'data-testid="course-list"' in html and "Mentorkursus" in html
    row = re.search(r"<tr>\s*<th scope=\"row\"><a [^>]*>Mentorkursus</a></th>(.*?)</tr>", html, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[2:] == ["2", "2 / 2", "0", "1"]  # sessions, enrolled of max, completed, waiting


def test_create_and_edit_a_course(coordinator, in_tenant):
    response = post_form(coordinator, "/middelfart/courses/new",
                         {"title": "Forårskursus", "description": "Fem aftener", "place": "Jobcentret", "max_participants": "12"})
    assert response.status_code == 302
    course = db.session.scalar(select(Course))
    assert response.location.endswith(f"/middelfart/courses/{course.id}")
    assert (course.title, course.place, course.max_participants) == ("Forårskursus", "Jobcentret", 12)
    page = text(coordinator.get(response.location))
    assert "The course has been created" in page and "<h1>Forårskursus</h1>" in page

    response = post_form(coordinator, f"/middelfart/courses/{course.id}/edit",
                         {"title": "Efterårskursus", "place": "", "max_participants": ""})
    assert response.status_code == 302
    db.session.refresh(course)
    assert (course.title, course.place, course.max_participants) == ("Efterårskursus", None, None)


@pytest.mark.parametrize("value, message", [
    ("0", MAX_PARTICIPANTS),
    ("10000", MAX_PARTICIPANTS),
    ("-3", MAX_PARTICIPANTS),
    ("ti", "This is not a whole number. Write it in digits, for example 2."),
    ("10.000", "This is not a whole number. Write it in digits, for example 2."),
])
def test_max_participants_out_of_range_is_refused_next_to_the_field(coordinator, in_tenant, value, message):
    response = post_form(coordinator, "/middelfart/courses/new", {"title": "Kursus", "max_participants": value})
    assert response.status_code == 422
    assert field_error(text(response), "max_participants") == message
    assert count(Course) == 0


def test_a_course_needs_a_title(coordinator, in_tenant):
    response = post_form(coordinator, "/middelfart/courses/new", {"title": "  ", "max_participants": "0"})
    assert response.status_code == 422
    html = text(response)
    assert field_error(html, "title") == "The title is missing. Write the course's title."


def test_editing_keeps_everything_when_one_field_is_refused(coordinator, course, volunteer_factory):
    for name in ("Anna", "Bo"):
        training.enroll(course, volunteer_factory(name))
    db.session.commit()
    response = post_form(coordinator, f"/middelfart/courses/{course.id}/edit", {"title": "Nyt navn", "max_participants": "1"})
    assert response.status_code == 422
    assert field_error(text(response), "max_participants") == (
        "2 volunteers already have a place. Enter at least 2, or withdraw someone from the course first.")
    db.session.refresh(course)
    assert (course.title, course.max_participants) == ("Mentorkursus", 2)


def test_add_and_remove_a_session(coordinator, course, days):
    url = f"/middelfart/courses/{course.id}"
    response = post_form(coordinator, f"{url}/sessions", {"on": days(7).isoformat(), "starts_at": "18:30", "hours": "2,5",
                                                          "place": ""}, page=url)
    assert response.status_code == 302
    added = db.session.scalar(select(CourseSession).where(CourseSession.on == days(7)))
    assert (str(added.hours), added.starts_at.strftime("%H:%M"), added.place) == ("2.5", "18:30", "Rådhuset")
    assert "has been added" in text(coordinator.get(url))

    response = post_form(coordinator, f"{url}/sessions/{added.id}/remove", page=url)
    assert response.status_code == 302
    assert count(CourseSession) == 2


@pytest.mark.parametrize("data, field, message", [
    ({"hours": "0"}, "hours", SESSION_HOURS),
    ({"hours": "30"}, "hours", SESSION_HOURS),
    ({"hours": "nan"}, "hours", "The length cannot be read. Enter it in hours, for example 3 or 2.5."),
    ({"hours": ""}, "hours", "The length is missing. Enter it in hours, for example 3 or 2.5."),
    ({"on": "2026-13-45"}, "on", "The date cannot be read. Write it as dd/mm/yyyy, for example 14/03/2026."),
    ({"on": "31.02.2026"}, "on", "The date cannot be read. Write it as dd/mm/yyyy, for example 14/03/2026."),
    ({"on": "i morgen"}, "on", "The date cannot be read. Write it as dd/mm/yyyy, for example 14/03/2026."),
    ({"on": "1890-01-01"}, "on", f"The date must be in the years 2000 to {date.today().year + 5}. Check the year."),
    ({"starts_at": "25:99"}, "starts_at", "The time cannot be read. Write it as hh:mm, for example 18:30."),
])
def test_invalid_sessions_are_refused_next_to_the_field(coordinator, course, days, data, field, message):
    url = f"/middelfart/courses/{course.id}"
    form = {"on": days(3).isoformat(), "hours": "3", **data}
    response = post_form(coordinator, f"{url}/sessions", form, page=url)
    assert response.status_code == 422
    assert field_error(text(response), field) == message
    assert count(CourseSession) == 2


def test_a_session_with_attendance_cannot_be_removed(coordinator, course, volunteer_factory):
    anna = volunteer_factory("Anna")
    training.enroll(course, anna)
    first = course.sessions[0]
    training.register_attendance(first, {anna.id: True})
    db.session.commit()
    url = f"/middelfart/courses/{course.id}"
    response = post_form(coordinator, f"{url}/sessions/{first.id}/remove", page=url)
    assert response.status_code == 409
    assert "Attendance is registered for this session" in text(response)
    assert count(CourseSession) == 2


def test_enroll_over_capacity_then_withdraw_promotes_from_the_waiting_list(coordinator, course, volunteer_factory):
    url = f"/middelfart/courses/{course.id}"
    people = [volunteer_factory(name) for name in ("Anna Andersen", "Bo Bech", "Carla Cortes")]
    db.session.commit()
    page = text(coordinator.get(url))
    for person in people:
        assert f'<option value="{person.id}">{person.name} (Applicant)</option>' in page
    for person in people:
        response = post_form(coordinator, f"{url}/enrollments", {"volunteer_id": str(person.id)}, page=url)
        assert response.status_code == 302
    page = text(coordinator.get(url))
    assert "The course is full: Carla Cortes is on the waiting list." in page
    waiting = re.search(r'data-testid="waiting-list">(.*?)</ol>', page, re.S).group(1)
    assert "Carla Cortes" in waiting and "Anna Andersen" not in waiting
    assert f'<option value="{people[0].id}">' not in page  # nobody can be enrolled twice

    response = post_form(coordinator, f"{url}/enrollments/{people[0].id}/withdraw", page=url)
    assert response.status_code == 302
    page = text(coordinator.get(url))
    assert "Anna Andersen has been taken off the course." in page
    assert "Carla Cortes got the place from the waiting list." in page
    assert 'data-testid="waiting-count">0<' in page


def test_enrolling_someone_who_left_or_nobody_is_refused(coordinator, course, volunteer_factory, days):
    from core.volunteers import services as volunteers

    gone = volunteer_factory("Gone Gurli")
    volunteers.change_status(gone, "left", days(-1))
    db.session.commit()
    url = f"/middelfart/courses/{course.id}"
    assert f'value="{gone.id}"' not in text(coordinator.get(url))
    response = post_form(coordinator, f"{url}/enrollments", {"volunteer_id": str(gone.id)}, page=url)
    assert response.status_code == 409
    assert field_error(text(response), "volunteer_id") == (
        "The volunteer has left the corps and cannot be enrolled. Choose another volunteer.")
    response = post_form(coordinator, f"{url}/enrollments", {"volunteer_id": "999999"}, page=url)
    assert response.status_code == 422 and field_error(text(response), "volunteer_id") == "Unknown volunteer."
    response = post_form(coordinator, f"{url}/enrollments", {"volunteer_id": ""}, page=url)
    assert response.status_code == 422 and field_error(text(response), "volunteer_id") == (
        "No volunteer is chosen. Choose one from the list.")


def test_attendance_page_registers_who_came_and_the_course_page_shows_completion(coordinator, course, volunteer_factory):
    anna, bo = volunteer_factory("Anna Andersen"), volunteer_factory("Bo Bech")
    for person in (anna, bo):
        training.enroll(course, person)
    db.session.commit()
    first, second = course.sessions
    for session, came in ((first, [anna, bo]), (second, [anna])):
        url = f"/middelfart/courses/{course.id}/sessions/{session.id}/attendance"
        page = text(coordinator.get(url))
        assert 'name="viewport" content="width=device-width' in page
        assert re.search(rf'<input class="form-checkbox" type="checkbox" name="came" value="{anna.id}" id="came-{anna.id}">', page)
        assert f'<label class="form-label" for="came-{bo.id}">' in page
        data = {"shown": [str(anna.id), str(bo.id)], "came": [str(p.id) for p in came]}
        response = post_form(coordinator, url, data)
        assert response.status_code == 302 and response.location.endswith(f"/middelfart/courses/{course.id}")

    registered = dict(db.session.execute(select(SessionAttendance.volunteer_id, SessionAttendance.attended)
                                         .where(SessionAttendance.session_id == second.id)).all())
    assert registered == {anna.id: True, bo.id: False}
    page = text(coordinator.get(f"/middelfart/courses/{course.id}"))
    anna_row = re.search(rf'data-testid="participant-{anna.id}">(.*?)</tr>', page, re.S).group(1)
    bo_row = re.search(rf'data-testid="participant-{bo.id}">(.*?)</tr>', page, re.S).group(1)
    completed = r'data-testid="completed">([^<]*)<'
    assert re.search(completed, anna_row).group(1).strip() == second.on.strftime("%-d %b %Y")  # English, day first
    assert "Not completed" in bo_row and "Did not come" in bo_row
    assert 'data-testid="completed-count">1<' in page
    # The sheet shows what is registered when opened again.
    page = text(coordinator.get(f"/middelfart/courses/{course.id}/sessions/{second.id}/attendance"))
    assert f'value="{anna.id}" id="came-{anna.id}" checked>' in page and "registered: did not come" in page


def test_a_future_session_is_refused_with_the_message_and_nothing_is_saved(coordinator, course, volunteer_factory, days):
    anna = volunteer_factory("Anna")
    training.enroll(course, anna)
    later = training.add_session(course, days(5), 3)
    db.session.commit()
    url = f"/middelfart/courses/{course.id}/sessions/{later.id}/attendance"
    assert "has not taken place yet" in text(coordinator.get(url))
    response = post_form(coordinator, url, {"shown": [str(anna.id)], "came": [str(anna.id)]})
    assert response.status_code == 409
    assert form_alert(text(response)).endswith("Attendance can be registered from the day of the session.")
    assert count(SessionAttendance) == 0


def test_attendance_for_someone_not_on_the_course_is_refused(coordinator, course, volunteer_factory):
    anna, stranger = volunteer_factory("Anna"), volunteer_factory("Stranger")
    training.enroll(course, anna)
    db.session.commit()
    url = f"/middelfart/courses/{course.id}/sessions/{course.sessions[0].id}/attendance"
    for data in ({"shown": [str(anna.id), str(stranger.id)], "came": [str(anna.id), str(stranger.id)]},
                 {"shown": [str(anna.id)], "came": [str(stranger.id)]},
                 {"shown": ["x"], "came": []}):
        response = post_form(coordinator, url, data)
        assert response.status_code == 422, data
        assert form_alert(text(response))
    assert count(SessionAttendance) == 0


def test_pages_belong_to_the_tenant_and_to_coordinators(client, coordinator, course, tenant, other_tenant, user_factory):
    from core.tenancy import tenant_context

    with tenant_context(other_tenant):
        theirs = training.create_course({"title": "Ishøj-kursus"})
        db.session.commit()
        theirs_id = theirs.id
    assert coordinator.get(f"/middelfart/courses/{theirs_id}").status_code == 404
    assert coordinator.get(f"/middelfart/courses/{course.id}/sessions/{course.sessions[0].id + 1000}/attendance").status_code == 404
    assert coordinator.get(f"/ishoej/courses/{course.id}").status_code == 404  # not a member there

    mentor = user_factory(tenant, "mentor")
    other = client.application.test_client()
    login(other, mentor, tenant)
    assert other.get("/middelfart/courses/").status_code == 403
    assert other.get(f"/middelfart/courses/{course.id}/sessions/{course.sessions[0].id}/attendance").status_code == 403
