"""The volunteer's page as a coordinator works on it (issue 10): the next step where the person is
(invite to an info meeting, enrol on a course), a status form that chooses nothing by itself and
asks before a change that ends something, and sections grouped in an accordion that keeps the status
and the next step open."""
from __future__ import annotations

import html
import re

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from core.extensions import db
from core.groups import services as groups
from core.groups.models import GroupMeetingParticipant
from core.training import services as training
from core.training.models import CourseEnrollment
from core.volunteers import services
from core.volunteers.models import Volunteer, VolunteerStatusChange
from tests.conftest import post_form
from tests.core.training.conftest import coordinator, days, in_tenant, volunteer_factory  # noqa: F401
from tests.core.volunteers.helpers import field_error

BASE = "/middelfart/volunteers"


def page_of(client, volunteer_id):
    response = client.get(f"{BASE}/{volunteer_id}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def part(page: str, testid: str) -> str:
    """The element marked ``data-testid=testid``: its form (or list) up to its end."""
    rest = page.split(f'data-testid="{testid}"', 1)[1]
    return rest.split("</ul>" if testid == "current-courses" else "</form>", 1)[0]


def options(select_html: str) -> list[tuple[str, str]]:
    return re.findall(r'<option(?: selected)? value="([^"]*)">([^<]*)</option>', select_html)


def flashes(client, volunteer_id) -> str:
    return page_of(client, volunteer_id).split('<main', 1)[1].split("<h1", 1)[0]


def statuses(volunteer_id):
    db.session.expire_all()
    return [c.to_status for c in db.session.scalars(select(VolunteerStatusChange).where(
        VolunteerStatusChange.volunteer_id == volunteer_id).order_by(VolunteerStatusChange.id))]


# ---- the accordion --------------------------------------------------------------------------

def section_buttons(page: str) -> dict[str, bool]:
    """``{section id: starts closed}`` for every accordion section of the page."""
    found = re.findall(r'<li id="([a-z-]+)" data-testid="section-\1">\s*<h2 id="\1-heading">\s*<button type="button" '
                       r'class="accordion-button" aria-expanded="true" aria-controls="\1-panel"( data-mk-closed)?>', page)
    return {section: bool(closed) for section, closed in found}


def test_the_sections_are_an_accordion_that_keeps_the_next_step_and_the_status_open(coordinator, volunteer_factory):
    anna = volunteer_factory("Anna Andersen")
    db.session.commit()
    page = page_of(coordinator, anna.id)
    assert '<ul class="accordion mk-sections">' in page
    assert section_buttons(page) == {"next-step": False, "status": False, "profile": True, "screening": True,
                                     "courses": True, "meetings": True, "account": True}
    # Rendered open: without script every panel is shown; the script closes the marked ones.
    assert page.count('class="accordion-content" aria-hidden="false" role="region"') == 7
    assert 'class="accordion-content" aria-hidden="true"' not in page


def test_a_section_with_a_refused_form_starts_open(coordinator, volunteer_factory):
    anna = volunteer_factory("Anna Andersen")
    db.session.commit()
    response = post_form(coordinator, f"{BASE}/{anna.id}/screenings",
                         {"screening-kind": "child_certificate", "screening-obtained_on": ""}, page=f"{BASE}/{anna.id}")
    assert response.status_code == 422
    sections = section_buttons(text(response))
    assert sections["screening"] is False and sections["profile"] is True and sections["account"] is True


# ---- the status form: nothing chosen, a missing choice refused, an ending confirmed ----------------

def test_the_status_form_chooses_no_status_and_no_date(coordinator, volunteer_factory):
    anna = volunteer_factory("Anna Andersen")
    db.session.commit()
    form = part(page_of(coordinator, anna.id), "status-form")
    select_html = re.search(r'<select[^>]*name="status-status".*?</select>', form, re.S).group(0)
    assert options(select_html) == [("", "Choose a status"), ("info_meeting", "Attended info meeting"),
                                    ("in_training", "In training"), ("left", "Left")]
    assert "selected" not in select_html.split("</option>", 1)[1]  # no real status is chosen
    date_input = re.search(r'<input[^>]*name="status-on"[^>]*>', form).group(0)
    assert 'value=""' in date_input or "value=" not in date_input


def test_a_status_change_without_a_chosen_status_is_refused_and_changes_nothing(coordinator, volunteer_factory, days):
    anna = volunteer_factory("Anna Andersen")
    db.session.commit()
    url = f"{BASE}/{anna.id}"
    for data in ({"status-status": "", "status-on": days(0).isoformat()}, {"status-on": days(0).isoformat()}):
        response = post_form(coordinator, f"{url}/status", data, page=url)
        assert response.status_code == 422
        assert field_error(text(response), "status-status") == "Choose the new status."
    assert statuses(anna.id) == ["applicant"]


@pytest.mark.parametrize("to_status, consequence", [
    ("left", "Leaving is final"),
    ("paused", "While paused, the volunteer cannot be matched"),
])
def test_a_change_that_ends_something_is_asked_about_first(coordinator, volunteer_factory, days, to_status, consequence):
    anna = volunteer_factory("Anna Andersen", recruited_on=days(-30))
    if to_status == "paused":
        for step in ("in_training", "approved"):
            services.change_status(anna, step, days(-20))
    db.session.commit()
    before = statuses(anna.id)
    url = f"{BASE}/{anna.id}"
    response = post_form(coordinator, f"{url}/status", {"status-status": to_status, "status-on": days(-2).isoformat(),
                                                        "status-note": "Flytter til Aarhus"}, page=url)
    assert response.status_code == 200
    page = text(response)
    box = page.split('data-testid="status-confirmation"', 1)[1].split("</form>", 1)[0]
    with force_locale("en"):
        label = str(services.STATUS_LABELS[to_status])
    assert f"Change the status to '{label}'?" in box and consequence in box
    assert f"Anna Andersen will be '{label}' from " in box
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', box))
    assert hidden == {"csrf_token": hidden["csrf_token"], "status-status": to_status,
                      "status-on": days(-2).isoformat(), "status-note": "Flytter til Aarhus", "status-confirmed": "yes"}
    assert statuses(anna.id) == before  # nothing changed yet

    hidden.pop("csrf_token")
    response = post_form(coordinator, f"{url}/status", hidden, page=url)
    assert response.status_code == 302
    assert statuses(anna.id) == before + [to_status]
    note = db.session.scalar(select(VolunteerStatusChange.note).order_by(VolunteerStatusChange.id.desc()).limit(1))
    assert note == "Flytter til Aarhus"


def test_a_change_that_would_be_refused_is_refused_before_asking(coordinator, volunteer_factory, days):
    anna = volunteer_factory("Anna Andersen", recruited_on=days(-30))
    db.session.commit()
    url = f"{BASE}/{anna.id}"
    response = post_form(coordinator, f"{url}/status", {"status-status": "left", "status-on": days(-40).isoformat()},
                         page=url)
    assert response.status_code == 422
    page = text(response)
    assert 'data-testid="status-confirmation"' not in page and field_error(page, "status-on")
    assert statuses(anna.id) == ["applicant"]


def test_a_change_that_ends_nothing_needs_no_confirmation(coordinator, volunteer_factory, days):
    anna = volunteer_factory("Anna Andersen", recruited_on=days(-30))
    db.session.commit()
    url = f"{BASE}/{anna.id}"
    response = post_form(coordinator, f"{url}/status", {"status-status": "info_meeting", "status-on": days(-1).isoformat()},
                         page=url)
    assert response.status_code == 302
    assert statuses(anna.id) == ["applicant", "info_meeting"]


# ---- the next step: invite to an info meeting ------------------------------------------------------

def info_meeting(days, offset, title, kind="info_meeting"):
    return groups.create_meeting({"kind": kind, "title": title, "on": days(offset)})


def test_an_applicant_is_invited_to_an_upcoming_info_meeting_from_their_page(coordinator, volunteer_factory, days):
    anna = volunteer_factory("Anna Andersen")
    past = info_meeting(days, -3, "Infomøde i går")
    later = info_meeting(days, 20, "Infomøde i december")
    sooner = info_meeting(days, 6, "Infomøde i november")
    today = info_meeting(days, 0, "Infomøde i dag")
    info_meeting(days, 5, "Supervision", kind="supervision")
    invited = info_meeting(days, 9, "Allerede inviteret")
    groups.invite(invited, [anna.id])
    db.session.commit()

    form = part(page_of(coordinator, anna.id), "info-meeting-form")
    offered = [label.split(" (")[0] for value, label in options(form) if value]
    assert offered == ["Infomøde i dag", "Infomøde i november", "Infomøde i december"]  # soonest first
    assert str(past.id) not in [value for value, _label in options(form)]

    url = f"{BASE}/{anna.id}"
    response = post_form(coordinator, f"{url}/info-meeting", {"info-chosen": str(sooner.id)}, page=url)
    assert response.status_code == 302 and response.location.endswith(url)
    assert "Anna Andersen is invited to Infomøde i november on " in flashes(coordinator, anna.id)
    invited_to = set(db.session.scalars(select(GroupMeetingParticipant.meeting_id).where(
        GroupMeetingParticipant.volunteer_id == anna.id)))
    assert invited_to == {invited.id, sooner.id}
    assert str(sooner.id) not in [v for v, _l in options(part(page_of(coordinator, anna.id), "info-meeting-form"))]
    assert today.id and later.id


@pytest.mark.parametrize("choice", ["", "PAST", "SUPERVISION", "OTHER_TENANT", "abc", "99999999"])
def test_only_an_offered_info_meeting_can_be_chosen(coordinator, volunteer_factory, days, tenant, other_tenant, choice):
    from core.tenancy import tenant_context

    anna = volunteer_factory("Anna Andersen")
    info_meeting(days, 6, "Infomøde")
    ids = {"PAST": info_meeting(days, -3, "Forbi").id,
           "SUPERVISION": info_meeting(days, 4, "Supervision", kind="supervision").id}
    db.session.commit()
    with tenant_context(other_tenant):
        ids["OTHER_TENANT"] = info_meeting(days, 6, "Ishøjs infomøde").id
        db.session.commit()
    url = f"{BASE}/{anna.id}"
    response = post_form(coordinator, f"{url}/info-meeting", {"info-chosen": str(ids.get(choice, choice))}, page=url)
    assert response.status_code == 422
    assert field_error(text(response), "info-chosen") == "Choose one of the upcoming info meetings."
    with tenant_context(tenant):
        assert db.session.scalar(select(func.count(GroupMeetingParticipant.id))) == 0


def test_the_info_meeting_is_offered_to_applicants_only_and_says_when_none_is_planned(coordinator, volunteer_factory, days):
    anna, bo = volunteer_factory("Anna Andersen", recruited_on=days(-30)), volunteer_factory("Bo Bech")
    services.change_status(anna, "info_meeting", days(-5))
    db.session.commit()
    assert 'data-testid="info-meeting-form"' not in page_of(coordinator, anna.id)
    page = page_of(coordinator, bo.id)
    assert 'data-testid="no-info-meeting"' in page and 'href="/middelfart/group-meetings/new?kind=info_meeting"' in page


# ---- the next step: enrol on a course --------------------------------------------------------------

@pytest.fixture
def courses(in_tenant, days, volunteer_factory):
    """Open courses (one full), one that is over, one with no sessions yet."""
    made = {}
    made["spring"] = training.create_course({"title": "Forårskursus", "max_participants": 3})
    training.add_session(made["spring"], days(10), 3)
    training.add_session(made["spring"], days(17), 3)
    made["full"] = training.create_course({"title": "Fuldt kursus", "max_participants": 1})
    training.add_session(made["full"], days(3), 3)
    training.enroll(made["full"], volunteer_factory("Første Frederiksen"))
    made["running"] = training.create_course({"title": "Kursus i gang"})
    training.add_session(made["running"], days(-7), 3)
    training.add_session(made["running"], days(0), 3)
    made["over"] = training.create_course({"title": "Afsluttet kursus"})
    training.add_session(made["over"], days(-30), 3)
    made["unplanned"] = training.create_course({"title": "Kursus uden datoer", "max_participants": 2})
    db.session.commit()
    return made


def test_a_volunteer_is_enrolled_on_an_open_course_from_their_page(coordinator, volunteer_factory, courses, days):
    anna = volunteer_factory("Anna Andersen")
    db.session.commit()
    form = part(page_of(coordinator, anna.id), "course-form")
    labels = [label for value, label in options(form) if value]
    with force_locale("en"):
        from babel.dates import format_date

        def medium(n):
            return format_date(days(n), "medium", locale="en_GB")

        assert labels == [f"Kursus i gang (from {medium(-7)})",
                          f"Fuldt kursus (from {medium(3)}, full: goes on the waiting list)",
                          f"Forårskursus (from {medium(10)}, 3 places left)",
                          "Kursus uden datoer (no sessions planned yet, 2 places left)"]

    url = f"{BASE}/{anna.id}"
    response = post_form(coordinator, f"{url}/course", {"course-chosen": str(courses["spring"].id)}, page=url)
    assert response.status_code == 302 and response.location.endswith(url)
    page = page_of(coordinator, anna.id)
    assert "Anna Andersen has a place on Forårskursus." in page
    current = part(page, "current-courses")
    assert "Has a place: Forårskursus" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", current))
    assert f'<a href="/middelfart/courses/{courses["spring"].id}">Forårskursus</a>' in current  # to the course page
    assert str(courses["spring"].id) not in [v for v, _l in options(part(page, "course-form"))]

    response = post_form(coordinator, f"{url}/course", {"course-chosen": str(courses["full"].id)}, page=url)
    assert response.status_code == 302
    assert "Fuldt kursus is full: Anna Andersen is on its waiting list." in page_of(coordinator, anna.id)
    states = dict(db.session.execute(select(CourseEnrollment.course_id, CourseEnrollment.state)
                                     .where(CourseEnrollment.volunteer_id == anna.id)).all())
    assert states == {courses["spring"].id: "enrolled", courses["full"].id: "waiting"}


@pytest.mark.parametrize("choice", ["", "over", "abc"])
def test_only_an_open_course_can_be_chosen(coordinator, volunteer_factory, courses, choice):
    anna = volunteer_factory("Anna Andersen")
    db.session.commit()
    url = f"{BASE}/{anna.id}"
    value = str(courses[choice].id) if choice in courses else choice
    response = post_form(coordinator, f"{url}/course", {"course-chosen": value}, page=url)
    assert response.status_code == 422
    assert field_error(text(response), "course-chosen") == "Choose one of the courses open for enrollment."
    assert db.session.scalar(select(func.count(CourseEnrollment.id)).where(CourseEnrollment.volunteer_id == anna.id)) == 0


def test_a_volunteer_who_completed_a_course_is_offered_none(coordinator, volunteer_factory, courses, days):
    anna = volunteer_factory("Anna Andersen", recruited_on=days(-60))
    training.enroll(courses["over"], anna)
    training.register_attendance(courses["over"].sessions[0], {anna.id: True})
    services.change_status(anna, "approved", days(-20))
    services.change_status(anna, "active", days(-10))
    db.session.commit()
    page = page_of(coordinator, anna.id)
    assert 'data-testid="course-form"' not in page and 'data-testid="section-next-step"' not in page


def test_a_volunteer_for_whom_the_rules_ask_no_course_is_offered_none(client, tenant_factory, user_factory):
    """The network-recruitment plugin lifts the course for an adult the young person nominated
    (mentorkorps_course_required_for_matching): their page offers no course."""
    from core.tenancy import tenant_context
    from tests.conftest import login

    tenant = tenant_factory("eksempel", "Eksempel Kommune", plugins=("network_recruitment",))
    with tenant_context(tenant):
        nominated = services.create_volunteer({"name": "Nina Netværk", "recruitment_channel": "nominated_by_young_person"})
        ordinary = services.create_volunteer({"name": "Ole Almindelig", "recruitment_channel": "press"})
        course = training.create_course({"title": "Kursus"})
        db.session.commit()
        ids = nominated.id, ordinary.id
        assert training.enrollable_volunteers(course) == [ordinary]
    login(client, user_factory(tenant, "coordinator"), tenant)
    with client.session_transaction() as session:
        session["lang"] = "en"
    pages = [client.get(f"/eksempel/volunteers/{i}").get_data(as_text=True) for i in ids]
    assert 'data-testid="course-form"' not in pages[0] and 'data-testid="course-form"' in pages[1]


def test_a_volunteer_who_left_is_offered_no_next_step(coordinator, volunteer_factory, courses, days):
    anna = volunteer_factory("Anna Andersen", recruited_on=days(-30))
    services.change_status(anna, "left", days(-1))
    db.session.commit()
    page = page_of(coordinator, anna.id)
    assert 'data-testid="section-next-step"' not in page
    response = post_form(coordinator, f"{BASE}/{anna.id}/course", {"course-chosen": str(courses["spring"].id)},
                         page=f"{BASE}/{anna.id}")
    assert response.status_code == 409  # the service's refusal, shown on the form
    assert "has left" in text(response).split('data-testid="course-form"', 1)[1].split("</form>", 1)[0]


def test_two_municipalities_alternating_each_see_only_their_own_history_and_openings(client, tenant_factory,
                                                                                    user_factory):
    """The page's statements are built once per process and filtered per tenant: requests that
    alternate between two municipalities, in one client, each show their own courses, meetings,
    status history and certificates, never the other's."""
    from datetime import date, timedelta

    from core.tenancy import tenant_context
    from tests.conftest import login

    soon = date.today() + timedelta(days=5)
    pages = {}
    for slug in ("nordby", "sydby"):
        tenant = tenant_factory(slug, slug.title())
        with tenant_context(tenant):
            volunteer = services.create_volunteer({"name": f"Frivillig {slug}", "recruited_on": date.today() - timedelta(days=9)})
            services.add_screening(volunteer, "child_certificate", date.today() - timedelta(days=3), f"attest {slug}")
            course = training.create_course({"title": f"Kursus {slug}"})
            training.add_session(course, soon, 3)
            meeting = groups.create_meeting({"kind": "info_meeting", "title": f"Infomøde {slug}", "on": soon})
            old = groups.create_meeting({"kind": "experience_group", "title": f"Erfa {slug}",
                                         "on": date.today() - timedelta(days=2)})
            groups.invite(old, [volunteer.id])
            db.session.commit()
            pages[slug] = (f"/{slug}/volunteers/{volunteer.id}", tenant)
    users = {slug: user_factory(tenant, "coordinator") for slug, (_url, tenant) in pages.items()}
    clients = {}
    for slug, (url, tenant) in pages.items():
        clients[slug] = login(client.application.test_client(), users[slug], tenant)
    for slug in ("nordby", "sydby", "nordby", "sydby"):
        other = "sydby" if slug == "nordby" else "nordby"
        response = clients[slug].get(pages[slug][0])
        assert response.status_code == 200
        shown = html.unescape(response.get_data(as_text=True))
        for marker in ("Kursus", "Infomøde", "Erfa", "attest", "Frivillig"):
            assert f"{marker} {slug}" in shown, marker
            assert f"{marker} {other}" not in shown, marker  # nothing of the other municipality
        assert clients[slug].get(pages[other][0]).status_code == 404  # nor its volunteer
