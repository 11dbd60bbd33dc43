"""The course page as a coordinator works on it (issue 10): the enrolment picker offers only those
who still need a course and can be filtered as one types, names lead to the volunteer's page, a
session that has not taken place says when attendance opens, and a volunteer who completes a
course leaves every other course's waiting list, with a message saying so."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from core.extensions import db
from core.tenancy import tenant_context
from core.training import services as training
from core.training.models import CourseEnrollment
from core.volunteers import services as volunteers
from tests.conftest import post_form


def page(client, course):
    response = client.get(f"/middelfart/courses/{course.id}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def picker(html_text: str) -> list[str]:
    """The names the enrolment picker offers."""
    select_html = re.search(r'<select[^>]*id="volunteer_id".*?</select>', html_text, re.S).group(0)
    return [re.sub(r" \([^)]*\)$", "", label) for value, label in
            re.findall(r'<option(?: selected)? value="([^"]*)">([^<]*)</option>', select_html) if value]


def states(volunteer_id) -> dict[str, str]:
    db.session.expire_all()
    return dict(db.session.execute(select(CourseEnrollment.course_id, CourseEnrollment.state)
                                   .where(CourseEnrollment.volunteer_id == volunteer_id)).all())


@pytest.fixture
def course(in_tenant, days):
    course = training.create_course({"title": "Efterårskursus", "max_participants": 10})
    training.add_session(course, days(-7), 3)
    training.add_session(course, days(-1), 3)
    db.session.commit()
    return course


def complete(course, volunteer):
    training.enroll(course, volunteer)
    for session in course.sessions:
        training.register_attendance(session, {volunteer.id: True})


# ---- the picker ----------------------------------------------------------------------------

def test_the_picker_leaves_out_those_who_no_longer_need_a_course(coordinator, course, volunteer_factory, days,
                                                                  other_tenant):
    earlier = training.create_course({"title": "Forårskursus"})
    training.add_session(earlier, days(-90), 3)
    applicant = volunteer_factory("Anna Ansøger")
    approved_untrained = volunteer_factory("Bo Godkendt", recruited_on=days(-200))
    for step in ("in_training", "approved"):
        volunteers.change_status(approved_untrained, step, days(-100))
    active = volunteer_factory("Carl Aktiv", recruited_on=days(-200))
    complete(earlier, active)
    for step in ("approved", "active"):
        volunteers.change_status(active, step, days(-60))
    approved = volunteer_factory("Dorte Færdig", recruited_on=days(-200))
    complete(earlier, approved)
    volunteers.change_status(approved, "approved", days(-60))
    gone = volunteer_factory("Erik Gået")
    volunteers.change_status(gone, "left", days(-1))
    on_it = volunteer_factory("Fie Tilmeldt")
    training.enroll(course, on_it)
    withdrawn = volunteer_factory("Gitte Trukket")
    training.withdraw(training.enroll(course, withdrawn))
    db.session.commit()
    with tenant_context(other_tenant):
        volunteers.create_volunteer({"name": "Hans Ishøj"})
        db.session.commit()

    offered = picker(page(coordinator, course))
    # Still in need of a course: the applicant, an approved volunteer with no course behind them (the
    # gate still holds them back) and one who was taken off this course.
    assert offered == ["Anna Ansøger", "Bo Godkendt", "Gitte Trukket"]


def test_the_picker_has_a_text_filter_that_needs_no_script(coordinator, course, volunteer_factory):
    volunteer_factory("Anna Ansøger")
    db.session.commit()
    html_text = page(coordinator, course)
    box = re.search(r'<div class="form-group mk-choice-filter" data-mk-filter="volunteer_id" hidden>.*?</div>',
                    html_text, re.S)
    assert box, "the filter is in the page, hidden until the script shows it"
    assert '<label class="form-label" for="enroll-filter">Find a volunteer</label>' in box.group(0)
    assert 'type="search" id="enroll-filter"' in box.group(0) and 'aria-controls="volunteer_id"' in box.group(0)
    assert 'data-template="{shown} of {total} shown"' in box.group(0)


def test_with_nobody_to_enrol_the_page_says_so(coordinator, course):
    html_text = page(coordinator, course)
    assert 'data-testid="nobody-to-enroll"' in html_text and 'id="volunteer_id"' not in html_text


# ---- names link to the volunteer's page --------------------------------------------------------

def test_participants_and_the_waiting_list_link_to_the_volunteers_page(coordinator, in_tenant, volunteer_factory, days):
    course = training.create_course({"title": "Lille kursus", "max_participants": 1})
    anna, bo = volunteer_factory("Anna Andersen"), volunteer_factory("Bo Bech")
    training.enroll(course, anna)
    training.enroll(course, bo)  # full: the waiting list
    db.session.commit()
    html_text = page(coordinator, course)
    participants = html_text.split('data-testid="participants"', 1)[1].split("</table>", 1)[0]
    assert f'<th scope="row"><a href="/middelfart/volunteers/{anna.id}">Anna Andersen</a></th>' in participants
    waiting = html_text.split('data-testid="waiting-list"', 1)[1].split("</ol>", 1)[0]
    assert f'<a href="/middelfart/volunteers/{bo.id}">Bo Bech</a>' in waiting


# ---- a session that has not taken place ------------------------------------------------------------

def test_a_future_session_says_when_attendance_opens_instead_of_offering_it(coordinator, course, days):
    later = training.add_session(course, days(4), 3)
    db.session.commit()
    html_text = page(coordinator, course)
    attendance_links = re.findall(r'href="/middelfart/courses/\d+/sessions/(\d+)/attendance"', html_text)
    assert sorted(int(i) for i in attendance_links) == sorted(s.id for s in course.sessions if s.id != later.id)
    opens = re.findall(r'data-testid="attendance-opens">([^<]*)<', html_text)
    assert len(opens) == 1 and opens[0].startswith("Attendance opens on ")
    # Nor does the attendance page, opened by its address, offer a form the server would refuse.
    ahead = coordinator.get(f"/middelfart/courses/{course.id}/sessions/{later.id}/attendance").get_data(as_text=True)
    assert "mk-attendance-form" not in ahead and "The session has not taken place yet." in ahead


# ---- completing a course ends the other waiting lists -----------------------------------------------

def test_completing_a_course_takes_the_volunteer_off_every_other_waiting_list(coordinator, course, volunteer_factory, days):
    full = [training.create_course({"title": title, "max_participants": 1}) for title in ("Vinterkursus", "Sommerkursus")]
    anna, bo, placed = volunteer_factory("Anna Andersen"), volunteer_factory("Bo Bech"), volunteer_factory("Pia Plads")
    for other in full:
        training.enroll(other, placed)
        training.enroll(other, anna)  # full: waiting
        training.enroll(other, bo)  # full: waiting
    for person in (anna, bo):
        training.enroll(course, person)
    db.session.commit()
    first, second = course.sessions
    url = f"/middelfart/courses/{course.id}/sessions/{first.id}/attendance"
    response = post_form(coordinator, url, {"shown": [str(anna.id), str(bo.id)], "came": [str(anna.id), str(bo.id)]})
    assert response.status_code == 302
    assert states(anna.id) == {course.id: "enrolled", full[0].id: "waiting", full[1].id: "waiting"}  # not yet completed

    url = f"/middelfart/courses/{course.id}/sessions/{second.id}/attendance"
    response = post_form(coordinator, url, {"shown": [str(anna.id), str(bo.id)], "came": [str(anna.id)]})
    assert response.status_code == 302
    assert states(anna.id) == {course.id: "enrolled", full[0].id: "withdrawn", full[1].id: "withdrawn"}
    assert states(bo.id) == {course.id: "enrolled", full[0].id: "waiting", full[1].id: "waiting"}  # did not complete
    assert states(placed.id) == {full[0].id: "enrolled", full[1].id: "enrolled"}
    html_text = page(coordinator, course)
    assert ("Anna Andersen has completed the course and was taken off the waiting list of "
            "Vinterkursus and Sommerkursus.") in html_text
    assert "Bo Bech has completed" not in html_text


def test_the_service_returns_the_waiting_places_given_up_once(in_tenant, course, volunteer_factory):
    other = training.create_course({"title": "Vinterkursus", "max_participants": 1})
    anna, placed = volunteer_factory("Anna Andersen"), volunteer_factory("Pia Plads")
    training.enroll(other, placed)
    waiting = training.enroll(other, anna)
    training.enroll(course, anna)
    first, second = course.sessions
    assert training.register_attendance(first, {anna.id: True}) == []
    assert training.register_attendance(second, {anna.id: True}) == [waiting]
    assert waiting.state == "withdrawn"
    assert training.register_attendance(second, {anna.id: True}) == []  # completed already: nothing more
