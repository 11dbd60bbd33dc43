"""The coordinator's volunteer pages: from first contact to active mentor in the browser's forms,
every refusal shown next to its field with nothing saved, the waiting list and the recruitment
overview."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.tenancy import tenant_context
from core.groups import services as groups
from core.training import services as training
from core.volunteers import services
from core.volunteers.models import Screening, Volunteer, VolunteerStatusChange
from tests.conftest import post_form
from tests.core.volunteers.helpers import as_tenant, days_ago, field_error, text

BASE = "/middelfart/volunteers"


def register(client, **fields):
    data = {"name": "Karen Hansen", "email": "karen@example.dk", "phone": "", "postcode": "", "gender": "",
            "birth_date": "", "background": "", "languages": "", "interests": "", "work_background": "",
            "competences": "", "wishes": "", "reservations": "", "employment_sector": "", "education": "",
            "recruitment_channel": "", "capacity": "", "recruited_on": ""}
    data.update(fields)
    return post_form(client, f"{BASE}/new", data)


def change_status(client, volunteer_id, status, on, note=""):
    return post_form(client, f"{BASE}/{volunteer_id}/status",
                     {"status-status": status, "status-on": on, "status-note": note}, page=f"{BASE}/{volunteer_id}")


def add_screening(client, volunteer_id, kind, obtained_on, note=""):
    return post_form(client, f"{BASE}/{volunteer_id}/screenings",
                     {"screening-kind": kind, "screening-obtained_on": obtained_on, "screening-note": note},
                     page=f"{BASE}/{volunteer_id}")


def volunteer_count(tenant) -> int:
    with as_tenant(tenant):
        return db.session.scalar(select(func.count(Volunteer.id)))


def load(tenant, volunteer_id) -> Volunteer:
    """The volunteer as saved, with its history, detached from the session."""
    db.session.rollback()
    with tenant_context(tenant):
        volunteer = db.session.get(Volunteer, volunteer_id)
        volunteer.status_changes, volunteer.screenings  # noqa: B018  (loaded while in scope)
        db.session.expunge(volunteer)
    return volunteer


def new_volunteer(tenant, **data) -> int:
    with as_tenant(tenant):
        volunteer_id = services.create_volunteer({"name": "Ole Jensen", **data}).id
    return volunteer_id


# ---- the whole way -------------------------------------------------------------------------

def test_a_person_goes_from_first_contact_to_active_mentor_through_the_pages(coordinator, tenant):
    client = coordinator
    response = register(client, phone="20304050", postcode="5500", gender="female", birth_date="1970-05-01",
                        background="Dansk", languages="dansk, engelsk , ", interests="cykling, madlavning",
                        work_background="Lærer i 30 år", employment_sector="public", education="care_teaching_social",
                        recruitment_channel="press", recruited_on=days_ago(40).isoformat())
    assert response.status_code == 302, text(response)[:2000]
    volunteer_id = int(response.location.rsplit("/", 1)[1])
    volunteer = load(tenant, volunteer_id)
    assert volunteer.status == "applicant" and volunteer.recruited_on == days_ago(40)
    assert volunteer.languages == ["dansk", "engelsk"] and volunteer.interests == ["cykling", "madlavning"]
    assert volunteer.capacity == 1  # empty: the tenant's default

    page = text(client.get(f"{BASE}/{volunteer_id}"))
    assert "Karen Hansen" in page and "Cannot be matched yet" in page
    assert "Has not completed the course." in page
    assert "No criminal-record certificate (børneattest) is registered." in page

    assert change_status(client, volunteer_id, "info_meeting", days_ago(30).isoformat(), "Infomøde i marts").status_code == 302
    assert change_status(client, volunteer_id, "in_training", days_ago(20).isoformat()).status_code == 302

    with as_tenant(tenant):  # the course itself is managed on the course pages
        course = training.create_course({"title": "Mentorkursus"})
        first = training.add_session(course, days_ago(15), 3)
        second = training.add_session(course, days_ago(10), 3)
        training.enroll(course, db.session.get(Volunteer, volunteer_id))
        training.register_attendance(first, {volunteer_id: True})
        training.register_attendance(second, {volunteer_id: True})

    assert add_screening(client, volunteer_id, "child_certificate", days_ago(8).isoformat()).status_code == 302
    page = text(client.get(f"{BASE}/{volunteer_id}"))
    assert "Has not completed the course." not in page
    assert "No criminal-record certificate" not in page
    assert "Mentorkursus" in page
    assert "only approved and active mentors can be matched" in page  # only the status is left

    assert change_status(client, volunteer_id, "approved", days_ago(5).isoformat()).status_code == 302
    page = text(client.get(f"{BASE}/{volunteer_id}"))
    assert "Can be matched" in page and "Cannot be matched yet" not in page

    response = change_status(client, volunteer_id, "active", date.today().isoformat())
    assert response.status_code == 302
    response = client.get(response.location)
    assert "Active mentor" in text(response)

    volunteer = load(tenant, volunteer_id)
    assert volunteer.status == "active" and volunteer.status_since == date.today()
    assert [(c.to_status, c.on) for c in volunteer.status_changes] == [
        ("applicant", days_ago(40)), ("info_meeting", days_ago(30)), ("in_training", days_ago(20)),
        ("approved", days_ago(5)), ("active", date.today())]
    assert volunteer.status_changes[1].note == "Infomøde i marts"
    assert [(s.kind, s.obtained_on) for s in volunteer.screenings] == [("child_certificate", days_ago(8))]


def test_the_volunteer_page_shows_courses_meetings_and_certificates(coordinator, tenant):
    volunteer_id = new_volunteer(tenant, recruited_on=days_ago(60))
    with as_tenant(tenant):
        volunteer = db.session.get(Volunteer, volunteer_id)
        course = training.create_course({"title": "Forårskursus"})
        session = training.add_session(course, days_ago(20), 3)
        training.add_session(course, date.today(), 3)
        training.enroll(course, volunteer)
        training.register_attendance(session, {volunteer_id: True})
        meeting = groups.create_meeting({"kind": "supervision", "title": "Maj-mødet", "on": days_ago(3)})
        groups.invite(meeting, [volunteer_id])
        groups.register_attendance(meeting, {volunteer_id: False})
        services.add_screening(volunteer, "child_certificate", date(2024, 1, 31))
    page = text(coordinator.get(f"{BASE}/{volunteer_id}"))
    assert "Forårskursus" in page and "Not completed." in page
    assert "Attended" in page and "Not registered" in page
    assert "Maj-mødet" in page and "Absent" in page and "<td>Supervision</td>" in page
    assert "Child-protection certificate (børneattest)" in page
    assert "1/31/26" in page  # valid until: 24 months by default


# ---- refused input: the message next to the field, nothing saved ------------------------------

def _seventeen_years_ago() -> str:
    today = date.today()
    return date(today.year - 17, today.month, 1).isoformat()


@pytest.mark.parametrize("fields, field, message", [
    ({"capacity": "-1"}, "capacity", "The number of young people must be between 0 and LIMIT."),
    ({"capacity": "999"}, "capacity", "The number of young people must be between 0 and LIMIT."),
    ({"capacity": "two"}, "capacity", "Enter a whole number."),
    ({"birth_date": "SEVENTEEN"}, "birth_date", "A volunteer mentor must be at least 18 years old."),
    ({"birth_date": "1980-02-31"}, "birth_date", "Not a valid date."),
    ({"gender": "robot"}, "gender", "Unknown code: robot"),
    ({"recruitment_channel": "tv2"}, "recruitment_channel", "Unknown code: tv2"),
    ({"education": "phd"}, "education", "Unknown code: phd"),
    ({"recruited_on": "2999-01-01"}, "recruited_on", "The date cannot be in the future."),
    ({"birth_date": "1980-06-01", "recruited_on": "1979-01-01"}, "recruited_on",
     "The first contact cannot be before the birth date."),
    ({"name": ""}, "name", "The name is required."),
    ({"email": "karen-at-example"}, "email", "Enter a valid e-mail address."),
], ids=lambda v: v if isinstance(v, str) else None)
def test_registering_refuses_invalid_input_next_to_the_field_and_saves_nothing(coordinator, tenant, fields, field, message):
    from core.settings import capacity_limit

    fields = {k: (_seventeen_years_ago() if v == "SEVENTEEN" else v) for k, v in fields.items()}
    message = message.replace("LIMIT", str(capacity_limit(tenant)))  # the tenant's limit (mentorkorps_capacity_limit)
    response = register(coordinator, **fields)
    assert response.status_code == 422
    page = text(response)
    assert field_error(page, field) == message, page[:3000]
    assert 'aria-invalid="true"' in page
    assert volunteer_count(tenant) == 0


def test_every_problem_is_shown_at_once(coordinator, tenant):
    response = register(coordinator, capacity="999", gender="robot", birth_date=_seventeen_years_ago())
    assert response.status_code == 422
    page = text(response)
    assert field_error(page, "capacity") and field_error(page, "gender") and field_error(page, "birth_date")
    assert volunteer_count(tenant) == 0


def test_the_form_keeps_what_was_typed_after_a_refusal(coordinator):
    page = text(register(coordinator, name="Karen Hansen", languages="dansk, tyrkisk", capacity="999"))
    assert 'value="Karen Hansen"' in page and 'value="dansk, tyrkisk"' in page and 'value="999"' in page
    assert re.search(r'<input[^>]*id="birth_date"[^>]*type="date"', page)  # the browser's date picker


def test_editing_saves_the_profile_or_nothing(coordinator, tenant):
    from core.settings import capacity_limit

    limit = capacity_limit(tenant)  # the tenant's most young people per mentor (mentorkorps_capacity_limit)
    assert limit >= 2
    volunteer_id = new_volunteer(tenant, languages=["dansk"], capacity=1)
    page = text(coordinator.get(f"{BASE}/{volunteer_id}/edit"))
    assert 'value="Ole Jensen"' in page and 'value="dansk"' in page and re.search(r'<input[^>]*name="capacity"[^>]*value="1"', page)

    form = {"name": "Ole B. Jensen", "capacity": "-1", "languages": "dansk, arabisk", "recruited_on": ""}
    response = post_form(coordinator, f"{BASE}/{volunteer_id}/edit", form)
    assert response.status_code == 422
    assert field_error(text(response), "capacity") == f"The number of young people must be between 0 and {limit}."
    volunteer = load(tenant, volunteer_id)
    assert volunteer.name == "Ole Jensen" and volunteer.languages == ["dansk"] and volunteer.capacity == 1

    response = post_form(coordinator, f"{BASE}/{volunteer_id}/edit", {**form, "capacity": str(limit + 1)})
    assert response.status_code == 422 and load(tenant, volunteer_id).capacity == 1  # above the limit
    response = post_form(coordinator, f"{BASE}/{volunteer_id}/edit", {**form, "capacity": str(limit)})
    assert response.status_code == 302
    volunteer = load(tenant, volunteer_id)
    assert volunteer.name == "Ole B. Jensen" and volunteer.languages == ["dansk", "arabisk"] and volunteer.capacity == limit


def test_a_first_contact_after_a_later_status_change_is_refused(coordinator, tenant):
    volunteer_id = new_volunteer(tenant, recruited_on=days_ago(30))
    assert change_status(coordinator, volunteer_id, "info_meeting", days_ago(20).isoformat()).status_code == 302
    response = post_form(coordinator, f"{BASE}/{volunteer_id}/edit", {"name": "Ole Jensen", "recruited_on": days_ago(10).isoformat()})
    assert response.status_code == 422
    assert field_error(text(response), "recruited_on") == "The first contact must come before the later status changes."
    assert load(tenant, volunteer_id).recruited_on == days_ago(30)


def test_a_status_date_before_the_current_status_began_is_refused(coordinator, tenant):
    volunteer_id = new_volunteer(tenant, recruited_on=days_ago(30))
    assert change_status(coordinator, volunteer_id, "info_meeting", days_ago(10).isoformat()).status_code == 302
    response = change_status(coordinator, volunteer_id, "in_training", days_ago(12).isoformat(), "for tidligt")
    assert response.status_code == 422
    message = field_error(text(response), "status-on")
    assert message.startswith("The date cannot be before the current status began")
    volunteer = load(tenant, volunteer_id)
    assert volunteer.status == "info_meeting" and len(volunteer.status_changes) == 2


@pytest.mark.parametrize("status, on, field, message, code", [
    ("active", "TODAY", "status-status", "A volunteer cannot go from Applicant to Active mentor.", 409),
    ("boss", "TODAY", "status-status", "Unknown code: boss", 422),
    ("info_meeting", "2999-01-01", "status-on", "The date cannot be in the future.", 422),
    ("info_meeting", "i går", "status-on", "Not a valid date.", 422),
    ("info_meeting", "", "status-on", "Enter the date.", 422),
])
def test_status_changes_are_refused_next_to_the_field(coordinator, tenant, status, on, field, message, code):
    volunteer_id = new_volunteer(tenant, recruited_on=days_ago(30))
    response = change_status(coordinator, volunteer_id, status, date.today().isoformat() if on == "TODAY" else on)
    assert response.status_code == code
    assert field_error(text(response), field) == message
    volunteer = load(tenant, volunteer_id)
    assert volunteer.status == "applicant" and len(volunteer.status_changes) == 1


def test_the_status_form_offers_only_the_allowed_transitions(coordinator, tenant):
    volunteer_id = new_volunteer(tenant)
    page = text(coordinator.get(f"{BASE}/{volunteer_id}"))
    form = page.split('data-testid="status-form"', 1)[1].split("</form>", 1)[0]
    assert 'value="info_meeting"' in form and 'value="in_training"' in form and 'value="left"' in form
    assert 'value="active"' not in form and 'value="approved"' not in form
    assert f'value="{date.today().isoformat()}"' not in form  # no date is chosen beforehand


@pytest.mark.parametrize("kind, obtained_on, field, message", [
    ("child_certificate", "2999-01-01", "screening-obtained_on", "The date cannot be in the future."),
    ("child_certificate", "1999-12-31", "screening-obtained_on", "The date is not plausible."),
    ("child_certificate", "31/31/2024", "screening-obtained_on", "Not a valid date."),
    ("passport", "TODAY", "screening-kind", "Unknown code: passport"),
])
def test_a_certificate_with_invalid_input_is_refused(coordinator, tenant, kind, obtained_on, field, message):
    volunteer_id = new_volunteer(tenant)
    response = add_screening(coordinator, volunteer_id, kind, date.today().isoformat() if obtained_on == "TODAY" else obtained_on)
    assert response.status_code == 422
    assert field_error(text(response), field) == message
    with as_tenant(tenant):
        assert db.session.scalar(select(func.count(Screening.id))) == 0


def test_an_expired_certificate_is_a_blocking_reason(coordinator, tenant):
    volunteer_id = new_volunteer(tenant)
    assert add_screening(coordinator, volunteer_id, "criminal_record", "2015-03-01").status_code == 302
    page = text(coordinator.get(f"{BASE}/{volunteer_id}"))
    assert "expired" in page
    assert "The criminal-record certificate expired on Mar 1, 2017." in page


# ---- lists --------------------------------------------------------------------------------

def test_the_list_searches_and_filters(coordinator, tenant):
    with as_tenant(tenant):
        services.create_volunteer({"name": "Anna Andersen", "email": "anna@example.dk", "recruitment_channel": "press"})
        services.create_volunteer({"name": "Bo Berg", "email": "bo@firma.dk", "recruitment_channel": "brochure",
                                   "birth_date": date(1960, 1, 1)})
        carl = services.create_volunteer({"name": "Carl Carlsen", "recruitment_channel": "press"})
        services.change_status(carl, "info_meeting")
    page = text(coordinator.get(f"{BASE}/"))
    assert all(name in page for name in ("Anna Andersen", "Bo Berg", "Carl Carlsen"))
    assert "Local press" in page and "Brochure" in page and "Attended info meeting" in page
    assert f"<td>{date.today().year - 1960}</td>" in page  # the age

    page = text(coordinator.get(f"{BASE}/?q=FIRMA"))
    assert "Bo Berg" in page and "Anna Andersen" not in page
    page = text(coordinator.get(f"{BASE}/?channel=press"))
    assert "Anna Andersen" in page and "Carl Carlsen" in page and "Bo Berg" not in page
    page = text(coordinator.get(f"{BASE}/?channel=press&status=info_meeting"))
    assert "Carl Carlsen" in page and "Anna Andersen" not in page
    assert 'value="info_meeting" selected' in page
    page = text(coordinator.get(f"{BASE}/?q=nobody"))
    assert "No volunteers match." in page


def test_the_list_links_to_create_waiting_list_and_recruitment(coordinator):
    page = text(coordinator.get(f"{BASE}/"))
    for path in ("/volunteers/new", "/volunteers/waiting-list", "/volunteers/recruitment"):
        assert f'href="/middelfart{path}"' in page
    assert 'aria-current="page"' in page  # the menu marks where we are


def test_the_waiting_list(coordinator, tenant):
    with as_tenant(tenant):
        waiting = services.create_volunteer({"name": "Venter Vang", "recruited_on": days_ago(50)})
        placed = services.create_volunteer({"name": "Plads Petersen"})
        course = training.create_course({"title": "Kursus", "max_participants": 1})
        training.enroll(course, placed)
        late = services.create_volunteer({"name": "Sen Sørensen"})
        training.enroll(course, late)  # the course is full: on its waiting list
        gone = services.create_volunteer({"name": "Gået Gregersen"})
        services.change_status(gone, "left")
    page = text(coordinator.get(f"{BASE}/waiting-list"))
    assert "Venter Vang" in page and "Sen Sørensen" in page
    assert "Plads Petersen" not in page and "Gået Gregersen" not in page
    assert page.index("Venter Vang") < page.index("Sen Sørensen")  # longest waiting first


def test_the_recruitment_overview_counts_per_channel_with_a_total(coordinator, tenant):
    today = date.today()
    with as_tenant(tenant):
        for name, channel in (("A", "press"), ("B", "press"), ("C", "brochure")):
            volunteer = services.create_volunteer({"name": name, "recruitment_channel": channel})
            meeting = groups.create_meeting({"kind": "info_meeting", "title": f"Info {name}", "on": today})
            groups.register_attendance(meeting, {volunteer.id: True})
        course = training.create_course({"title": "Forår"})
        other = training.create_course({"title": "Efterår"})
        training.enroll(course, db.session.scalar(select(Volunteer).where(Volunteer.name == "A")))
        training.enroll(other, db.session.scalar(select(Volunteer).where(Volunteer.name == "C")))
        course_id = course.id
    response = coordinator.get(f"{BASE}/recruitment")
    assert response.status_code == 200
    page = text(response)
    assert f'value="{today.year}-01-01"' in page and f'value="{today.year}-12-31"' in page  # this calendar year
    table = page.split('data-testid="recruitment-overview"', 1)[1].split("</table>", 1)[0]
    assert '<th scope="col">Came to an info meeting</th>' in table
    press = table.split('data-channel="press"', 1)[1].split("</tr>", 1)[0]
    assert '<th scope="row">Local press</th>' in press and press.count("<td>2</td>") == 1
    total = table.split('data-channel="total"', 1)[1].split("</tr>", 1)[0]
    assert "<strong>3</strong>" in total
    assert "<tfoot>" in table

    page = text(coordinator.get(f"{BASE}/recruitment?start={today.year}-01-01&end={today.year}-12-31&course={course_id}"))
    table = page.split('data-testid="recruitment-overview"', 1)[1].split("</table>", 1)[0]
    total = table.split('data-channel="total"', 1)[1].split("</tr>", 1)[0]
    assert "<strong>1</strong>" in total and "<strong>3</strong>" not in total
    assert f'<option selected value="{course_id}">Forår</option>' in page


@pytest.mark.parametrize("query, field, message", [
    ("start=2026-06-01&end=2026-01-01&course=", "end", "The end of the period cannot be before its start."),
    ("start=første&end=2026-01-01&course=", "start", "Not a valid date."),
    ("start=2026-01-01&end=2026-12-31&course=9999", "course", "The course was not found."),
])
def test_the_recruitment_period_is_checked(coordinator, query, field, message):
    response = coordinator.get(f"{BASE}/recruitment?{query}")
    assert response.status_code == 422
    page = text(response)
    assert field_error(page, field) == message
    assert 'data-testid="recruitment-overview"' not in page


def test_another_tenants_volunteer_is_not_found(coordinator, tenant, other_tenant):
    other_id = new_volunteer(other_tenant, name="Fremmed Frederiksen")
    assert coordinator.get(f"{BASE}/{other_id}").status_code == 404
    assert coordinator.get(f"{BASE}/{other_id}/edit").status_code == 404
    assert "Fremmed" not in text(coordinator.get(f"{BASE}/"))
    assert "0 volunteers" in text(coordinator.get(f"{BASE}/"))


def test_status_changes_are_dated_history_rows(coordinator, tenant):
    volunteer_id = new_volunteer(tenant, recruited_on=days_ago(9))
    response = change_status(coordinator, volunteer_id, "left", days_ago(2).isoformat(), "Flyttet")
    assert response.status_code == 200 and 'data-testid="status-confirmation"' in text(response)  # asked first
    post_form(coordinator, f"{BASE}/{volunteer_id}/status", {"status-status": "left", "status-on": days_ago(2).isoformat(),
                                                            "status-note": "Flyttet", "status-confirmed": "yes"},
              page=f"{BASE}/{volunteer_id}")
    with as_tenant(tenant):
        rows = db.session.execute(select(VolunteerStatusChange.from_status, VolunteerStatusChange.to_status,
                                         VolunteerStatusChange.on, VolunteerStatusChange.by_user_id)
                                  .order_by(VolunteerStatusChange.id)).all()
    assert rows == [(None, "applicant", days_ago(9), None), ("applicant", "left", days_ago(2), coordinator.user.id)]
    page = text(coordinator.get(f"{BASE}/{volunteer_id}"))
    assert "Flyttet" in page and "the status can no longer change" in page
    assert 'data-testid="status-form"' not in page and 'data-testid="account-form"' not in page
