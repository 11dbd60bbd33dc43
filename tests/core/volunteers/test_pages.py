"""The coordinator's volunteer pages: from first contact to active mentor in the browser's forms,
every refusal shown next to its field with nothing saved, the waiting list and the recruitment
overview."""
from __future__ import annotations

import re
from datetime import date

import pytest
from babel.dates import format_date
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


def english_date(day: date) -> str:
    """A date inside an English message: day first (en_GB), as core.i18n writes English."""
    return format_date(day, "medium", locale="en_GB")


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
    assert ("No certificate is registered: register a child-protection certificate (børneattest) or a "
            "criminal-record certificate (straffeattest).") in page

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
    assert "No certificate is registered" not in page
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
    assert "31/01/2026" in page  # valid until: 24 months by default, written day first in English


# ---- dates and times in the reader's language -----------------------------------------------

def test_english_writes_dates_day_first_and_times_on_a_24_hour_clock_danish_as_before(coordinator, tenant):
    from datetime import time

    session_day, meeting_day = date(2025, 3, 20), date(2025, 11, 27)  # days above 12: day first is unmistakable
    volunteer_id = new_volunteer(tenant, recruited_on=date(2025, 1, 6))
    with as_tenant(tenant):
        volunteer = db.session.get(Volunteer, volunteer_id)
        course = training.create_course({"title": "Forårskursus"})
        training.add_session(course, session_day, 3, starts_at=time(18, 30))
        training.enroll(course, volunteer)
        meeting = groups.create_meeting({"kind": "supervision", "title": "Aftenmødet", "on": meeting_day,
                                         "starts_at": time(18, 30)})
        groups.invite(meeting, [volunteer_id])
        meeting_id = meeting.id

    volunteer_page = text(coordinator.get(f"{BASE}/{volunteer_id}"))
    meeting_page = text(coordinator.get(f"/middelfart/group-meetings/{meeting_id}"))
    assert "20/03/2025" in volunteer_page and "27/11/2025" in volunteer_page  # the session, the meeting
    assert "6 Jan 2025" in volunteer_page  # first contact
    assert "18:30" in volunteer_page and "Thursday, 27 November 2025, 18:30" in meeting_page
    for page in (volunteer_page, meeting_page):  # not the US way
        assert not re.search(r"\b(3/20/25|11/27/25|Jan 6, 2025|November 27, 2025|6:30\s*PM)\b", page)
        assert "18.30" not in page

    post_form(coordinator, "/lang", {"lang": "da", "next": "/middelfart/"}, page="/middelfart/")
    volunteer_page = text(coordinator.get(f"{BASE}/{volunteer_id}"))
    meeting_page = text(coordinator.get(f"/middelfart/group-meetings/{meeting_id}"))
    assert '<html lang="da">' in volunteer_page
    assert "20.03.2025" in volunteer_page and "27.11.2025" in volunteer_page and "6. jan. 2025" in volunteer_page
    assert "18.30" in volunteer_page and "torsdag den 27. november 2025, 18.30" in meeting_page
    assert "18:30" not in volunteer_page and "18:30" not in meeting_page  # one style per language


# ---- refused input: the message next to the field, nothing saved ------------------------------

def _seventeen_years_ago() -> str:
    today = date.today()
    return date(today.year - 17, today.month, 1).isoformat()


def _years_ago(years: int) -> str:
    today = date.today()
    return date(today.year - years, today.month, 1).isoformat()


CAPACITY = ("The number of young people must be between 0 and LIMIT. Enter a number in that range, or leave the field "
            "empty for the municipality's default.")


@pytest.mark.parametrize("fields, field, message", [
    ({"capacity": "-1"}, "capacity", CAPACITY),
    ({"capacity": "999"}, "capacity", CAPACITY),
    ({"capacity": "two"}, "capacity", "This is not a whole number. Write it in digits, for example 2."),
    ({"birth_date": "SEVENTEEN"}, "birth_date", "By this birth date the volunteer is 17; a mentor must be at least 18. "
                                                "Check the year, and write the date as dd/mm/yyyy."),
    ({"birth_date": "2999-01-01"}, "birth_date",
     "The birth date is in the future. Check the year, and write the date as dd/mm/yyyy."),
    ({"birth_date": "HUNDRED_AND_ONE"}, "birth_date",
     "The birth date is more than 100 years ago. Check the year, and write the date as dd/mm/yyyy."),
    ({"birth_date": "1980-02-31"}, "birth_date", "The date cannot be read. Write it as dd/mm/yyyy, for example 14/03/2026."),
    ({"birth_date": "31.02.1980"}, "birth_date", "The date cannot be read. Write it as dd/mm/yyyy, for example 14/03/2026."),
    ({"gender": "robot"}, "gender", '"robot" is not one of the choices. Choose one from the list.'),
    ({"recruitment_channel": "tv2"}, "recruitment_channel", '"tv2" is not one of the choices. Choose one from the list.'),
    ({"education": "phd"}, "education", '"phd" is not one of the choices. Choose one from the list.'),
    ({"recruited_on": "2999-01-01"}, "recruited_on", "The date is in the future. Enter today's date or an earlier one."),
    ({"birth_date": "1980-06-01", "recruited_on": "1979-01-01"}, "recruited_on",
     "The first contact is before the birth date (1 Jun 1980). Check both dates."),
    ({"name": ""}, "name", "The name is missing. Write the volunteer's full name."),
    ({"email": "karen-at-example"}, "email", "The e-mail address is not valid. Write it as name@example.dk, with no spaces."),
    ({"postcode": "12345678901"}, "postcode", "The text has 11 characters. Shorten it to at most 10."),
    ({"languages": ", ".join(f"sprog{i}" for i in range(21))}, "languages",
     "There are 21. Keep the 20 that matter most, separated by commas."),
], ids=lambda v: v if isinstance(v, str) else None)
def test_registering_refuses_invalid_input_next_to_the_field_and_saves_nothing(coordinator, tenant, fields, field, message):
    from core.settings import capacity_limit

    dates = {"SEVENTEEN": _seventeen_years_ago(), "HUNDRED_AND_ONE": _years_ago(101)}
    fields = {k: dates.get(v, v) for k, v in fields.items()}
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


def error_summary(page: str) -> tuple[str, list[tuple[str, str]], list[str]]:
    """The error summary above a refused form: its opening tag, its links ``(target id, text)``
    and its paragraphs (the errors of the form as a whole)."""
    match = re.search(r'(<div class="alert alert-error"[^>]*data-testid="form-errors">)(.*?)</div>\s*</div>', page, re.S)
    assert match, "no error summary on the page"
    tag, body = match.groups()
    links = re.findall(r'<a class="function-link" href="#([^"]+)" data-testid="error-link">(.*?)</a>', body, re.S)
    return tag, links, re.findall(r'<p class="alert-text">(.*?)</p>', body, re.S)


def test_the_error_summary_names_each_field_with_an_error_and_links_to_it(coordinator, tenant):
    from core.settings import capacity_limit

    response = register(coordinator, capacity="999", gender="robot", birth_date="2999-01-01")
    assert response.status_code == 422
    page = text(response)
    tag, links, paragraphs = error_summary(page)
    # DKFDS's error summary, which takes the focus on page load (mentorkorps.js; no inline script).
    assert 'tabindex="-1"' in tag and 'data-module="error-summary"' in tag and 'role="alert"' in tag
    assert links == [
        ("gender", 'Gender: "robot" is not one of the choices. Choose one from the list.'),
        ("birth_date", "Birth date: The birth date is in the future. Check the year, and write the date as dd/mm/yyyy."),
        ("capacity", "Young people at a time: " + CAPACITY.replace("LIMIT", str(capacity_limit(tenant)))),
    ]  # in the order of the form, each with its label and message
    for target, _text in links:  # each link leads to the input itself
        assert re.search(r'<(input|select|textarea)[^>]*\bid="%s"' % target, page), target
    assert paragraphs == []
    assert volunteer_count(tenant) == 0


def test_the_error_summary_of_a_form_among_several_links_to_its_prefixed_field(coordinator, tenant):
    volunteer_id = new_volunteer(tenant, recruited_on=days_ago(30))
    page = text(change_status(coordinator, volunteer_id, "info_meeting", "2999-01-01"))
    _tag, links, _paragraphs = error_summary(page)
    assert links == [("status-on", "Date: The date is in the future. Enter today's date or an earlier one.")]
    assert re.search(r'<input[^>]*\bid="status-on"', page)


def test_a_valid_form_has_no_error_summary(coordinator, tenant):
    assert 'data-testid="form-errors"' not in text(coordinator.get(f"{BASE}/new"))


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
    assert field_error(text(response), "capacity") == CAPACITY.replace("LIMIT", str(limit))
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
    assert field_error(text(response), "recruited_on") == (
        f"The first contact is after the first change of status ({english_date(days_ago(20))}). Enter that date or "
        "an earlier one.")
    assert load(tenant, volunteer_id).recruited_on == days_ago(30)


def test_a_status_date_before_the_current_status_began_is_refused(coordinator, tenant):
    volunteer_id = new_volunteer(tenant, recruited_on=days_ago(30))
    assert change_status(coordinator, volunteer_id, "info_meeting", days_ago(10).isoformat()).status_code == 302
    response = change_status(coordinator, volunteer_id, "in_training", days_ago(12).isoformat(), "for tidligt")
    assert response.status_code == 422
    message = field_error(text(response), "status-on")
    assert message == (f"The date is before the current status began ({english_date(days_ago(10))}). Enter that date or "
                       "a later one.")
    volunteer = load(tenant, volunteer_id)
    assert volunteer.status == "info_meeting" and len(volunteer.status_changes) == 2


@pytest.mark.parametrize("status, on, field, message, code", [
    ("active", "TODAY", "status-status",
     "A volunteer cannot go from Applicant to Active mentor. Choose one of the statuses offered.", 409),
    ("boss", "TODAY", "status-status", '"boss" is not one of the choices. Choose one from the list.', 422),
    ("info_meeting", "2999-01-01", "status-on", "The date is in the future. Enter today's date or an earlier one.", 422),
    ("info_meeting", "i går", "status-on", "The date cannot be read. Write it as dd/mm/yyyy, for example 14/03/2026.", 422),
    ("info_meeting", "", "status-on", "The date is missing. Write it as dd/mm/yyyy, for example 14/03/2026.", 422),
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
    ("child_certificate", "2999-01-01", "screening-obtained_on", "The date is in the future. Enter today's date or an earlier one."),
    ("child_certificate", "1999-12-31", "screening-obtained_on", "The date is before 2000. Check the year."),
    ("child_certificate", "31/31/2024", "screening-obtained_on",
     "The date cannot be read. Write it as dd/mm/yyyy, for example 14/03/2026."),
    ("passport", "TODAY", "screening-kind", '"passport" is not one of the choices. Choose one from the list.'),
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
    assert "The latest certificate expired on 1 Mar 2017: register a new one." in page


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
    ("start=2026-06-01&end=2026-01-01&course=", "end",
     "The period ends before it starts. Choose an end on or after the start."),
    ("start=første&end=2026-01-01&course=", "start", "The date cannot be read. Write it as dd/mm/yyyy, for example 14/03/2026."),
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
