"""Issue 10's walk, as a coordinator of the demo tenant Middelfart does it: a volunteer from first
contact to approved, with every action where the person is. The coordinator registers the person (a
birth date in the future first: the error summary names the field, links to it and has focus),
invites them to an info meeting and enrols them on a course from the volunteer's page, registers
the course evening's attendance on a phone (the confirmation stays on the screen), registers the
børneattest and approves them; the status form chooses nothing by itself, and sending it unchosen
changes nothing.

The walk takes at most 14 page loads after signing in (19 before issue 10); the test counts them
and prints the count. Screenshots of the attendance page and the volunteer's page at 360 px are
saved in test-artifacts/ (git-ignored; the folder the browser tests leave their pictures in)."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.extensions import db
from core.platform.services import get_tenant_by_slug
from core.tenancy import tenant_context
from tests.browser.conftest import ARTIFACTS, sign_in_in_english

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
NAME = "Yrsa Kirkegaard-Holm"  # not a name the demo data uses
COURSE = "Mentorkursus, vinterholdet"
MEETING = "Informationsmøde, vinterholdet"
MAX_PAGE_LOADS = 14


def medium(day: date) -> str:
    return format_date(day, "medium", locale="en_GB")  # English is written day first: "3 Mar 2026"


def long(day: date) -> str:
    return format_date(day, "long", locale="en_GB")


@pytest.fixture
def stage(live_server):
    """What the walk finds in place: a course whose first evening is today (and the second next
    week), and an info meeting in ten days; made through the services. The live server's today is
    fixed for the test, so that the walk and these dates agree even around midnight."""
    from core.groups import services as groups
    from core.training import services as training

    app = live_server.app
    today = date.today()
    app.config["TODAY"] = today
    with app.app_context():
        with tenant_context(get_tenant_by_slug("middelfart")):
            course = training.create_course({"title": COURSE, "place": "Jobcenter Middelfart", "max_participants": 12})
            sessions = [training.add_session(course, today + timedelta(days=d), 3) for d in (0, 7)]
            meeting = groups.create_meeting({"kind": "info_meeting", "title": MEETING, "on": today + timedelta(days=10),
                                             "hours": 2, "place": "Middelfart Bibliotek"})
            db.session.commit()
            ids = {"course": course.id, "session": sessions[0].id, "meeting": meeting.id, "today": today}
        db.session.remove()
    yield ids
    app.config.pop("TODAY", None)


def flashed(page: Page, text: str):
    message = page.get_by_role("status").filter(has_text=text)
    expect(message).to_be_visible()
    return message


def expect_status(page: Page, label: str, since: date) -> None:
    expect(page.get_by_test_id("current-status")).to_have_text(f"{label} since {medium(since)}")


def shot(page: Page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)


def test_a_coordinator_takes_a_volunteer_from_first_contact_to_approved(page: Page, live_server, stage):
    today = stage["today"]
    sign_in_in_english(page, live_server)
    loads: list[str] = []  # every document the walk loads into the tab (a redirect's target once)
    page.on("load", lambda: loads.append(page.url))

    # 1. First contact: the volunteer form, sent first with a birth date in the future.
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Volunteers", exact=True).click()
    page.get_by_role("link", name="Register a volunteer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register a volunteer")
    contact = page.get_by_role("group", name="Contact")
    contact.get_by_role("textbox", name="Name", exact=True).fill(NAME)
    contact.get_by_label("E-mail").fill("yrsa.kh@example.org")
    contact.get_by_label("Phone").fill("21 32 43 54")
    about = page.get_by_role("group", name="About the volunteer")
    about.get_by_label("Gender").select_option(label="Female")
    birth_date = about.get_by_role("textbox", name="Birth date")
    future = date(today.year + 1, 4, 12)  # a slip of the year
    birth_date.fill(future.isoformat())
    page.get_by_role("group", name="Recruitment").get_by_label("Recruitment channel").select_option(label="Local press")
    page.get_by_role("button", name="Save", exact=True).click()

    summary = page.get_by_test_id("form-errors")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # the reader starts at the list of errors
    links = summary.get_by_role("link")
    expect(links).to_have_count(1)
    expect(links).to_have_text(re.compile(r"^Birth date: The birth date is in the future\."))
    href = links.get_attribute("href")
    field_id = birth_date.get_attribute("id")
    assert href == f"#{field_id}", (href, field_id)
    expect(page.locator(href)).to_have_count(1)  # the link leads to the field itself
    expect(birth_date).to_have_attribute("aria-invalid", "true")
    links.click()  # within the page: no load
    expect(birth_date).to_be_focused()
    expect(birth_date).to_have_value(future.isoformat())  # kept, to be corrected
    birth_date.fill("1968-04-12")
    page.get_by_role("button", name="Save", exact=True).click()

    flashed(page, f"{NAME} is registered.")
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    volunteer_url = page.url
    assert re.search(r"/middelfart/volunteers/\d+$", volunteer_url)
    expect_status(page, "Applicant", today)

    # 2. From the volunteer's page: invite to the info meeting, then enrol on the course. Nothing is
    #    chosen beforehand in either picker.
    next_step = page.get_by_role("region", name="Next step")
    info = next_step.get_by_role("group", name="Invite to an info meeting")
    expect(info.get_by_label("Info meeting")).to_have_value("")
    info.get_by_label("Info meeting").select_option(value=str(stage["meeting"]))
    info.get_by_role("button", name="Invite").click()
    flashed(page, f"{NAME} is invited to {MEETING} on {long(today + timedelta(days=10))}.")

    course = page.get_by_role("region", name="Next step").get_by_role("group", name="Enroll on a course")
    expect(course.get_by_label("Course", exact=True)).to_have_value("")
    course.get_by_label("Course", exact=True).select_option(value=str(stage["course"]))
    course.get_by_role("button", name="Enroll").click()
    flashed(page, f"{NAME} has a place on {COURSE}.")
    expect(page.get_by_test_id("current-courses")).to_contain_text(COURSE)
    expect_status(page, "Applicant", today)  # invited and enrolled; nothing has happened yet

    # 3. Tonight's course evening, registered on a phone: to the course from the volunteer's page.
    page.get_by_test_id("current-courses").get_by_role("link", name=COURSE, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    page.set_viewport_size(PHONE)
    page.get_by_role("link", name=f"Register attendance {medium(today)}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance")
    came = page.get_by_role("group", name="Tick those who came").get_by_role("checkbox", name=NAME)
    expect(came).not_to_be_checked()
    page.locator("label").filter(has_text=NAME).click()  # the whole row is the tap target
    expect(came).to_be_checked()
    shot(page, "coordinator-walk-attendance-360.png")
    page.get_by_role("button", name="Save attendance").click()

    saved = flashed(page, f"Attendance on {long(today)} has been saved.")
    expect(saved).to_be_in_viewport(ratio=1)  # all of it on the phone's screen, not scrolled past
    assert page.evaluate("window.scrollY") == 0
    shot(page, "coordinator-walk-attendance-saved-360.png", full_page=False)
    participant = page.get_by_test_id("participants").get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=NAME, exact=True))
    expect(participant.get_by_role("cell").first).to_have_text("In training")

    # 4. Back to the volunteer's page by the name; the børneattest.
    participant.get_by_role("link", name=NAME, exact=True).click()
    expect(page).to_have_url(volunteer_url)
    expect_status(page, "In training", today)
    page.get_by_role("button", name="Certificates", exact=True).click()  # a closed section of the accordion
    certificate = page.get_by_role("group", name="Register a certificate")
    certificate.get_by_label("Certificate").select_option(label="Child-protection certificate (børneattest)")
    certificate.get_by_label("Obtained on").fill((today - timedelta(days=3)).isoformat())
    certificate.get_by_role("button", name="Register the certificate").click()
    flashed(page, "The certificate is registered.")
    expect(page.get_by_role("table", name="Certificates").get_by_role("rowheader")).to_have_text(
        ["Child-protection certificate (børneattest)"])

    # 5. The status form chooses nothing: no status, no date. Sent as it is, it is refused and
    #    the status stays; then the coordinator approves.
    status_form = page.get_by_role("group", name="Change the status")
    expect(status_form.get_by_label("New status")).to_have_value("")
    expect(status_form.get_by_label("New status").locator("option:checked")).to_have_text("Choose a status")
    expect(status_form.get_by_role("textbox", name="Date", exact=True)).to_have_value("")
    status_form.get_by_role("button", name="Change the status").click()
    summary = page.get_by_role("group", name="Change the status").get_by_test_id("form-errors")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text([
        re.compile(r"^New status: Choose the new status\."), re.compile(r"^Date: ")])
    expect_status(page, "In training", today)
    history = page.get_by_role("table", name="Status history").get_by_role("row")
    expect(history).to_have_count(3)  # the header, applicant, in training: nothing was added

    status_form = page.get_by_role("group", name="Change the status")
    status_form.get_by_label("New status").select_option(label="Approved")
    status_form.get_by_role("textbox", name="Date", exact=True).fill(today.isoformat())
    status_form.get_by_role("button", name="Change the status").click()
    flashed(page, "The status is now 'Approved'.")
    expect_status(page, "Approved", today)
    # Approved with the first evening behind them: the course's second evening is all that is left.
    expect(page.get_by_role("region", name="Cannot be matched yet").get_by_role("listitem")).to_have_text(
        ["Has not completed the course."])
    expect(page.get_by_role("table", name="Status history").get_by_role("row")).to_have_count(4)
    shot(page, "coordinator-walk-volunteer-360.png")

    page.wait_for_load_state("load")
    print(f"\ncoordinator walk: {len(loads)} page loads after signing in (at most {MAX_PAGE_LOADS})")
    for number, url in enumerate(loads, start=1):
        print(f"  {number:2}. {url.removeprefix(live_server.url)}")
    assert len(loads) <= MAX_PAGE_LOADS, loads


def test_a_meetings_attendance_saved_on_a_phone_keeps_the_confirmation_on_the_screen(page: Page, live_server):
    """The group meeting's attendance sheet returns to the top of the meeting's page, as the course's
    does: the confirmation is on the phone's screen, not scrolled past on the way to the participants."""
    from core.groups.models import GroupMeeting, GroupMeetingParticipant

    with live_server.app.app_context():
        with tenant_context(get_tenant_by_slug("middelfart")):
            meeting_id, on = db.session.execute(
                select(GroupMeeting.id, GroupMeeting.on)
                .join(GroupMeetingParticipant, GroupMeetingParticipant.meeting_id == GroupMeeting.id)
                .where(GroupMeeting.on <= date.today()).order_by(GroupMeeting.on.desc()).limit(1)).one()
        db.session.remove()
    page.set_viewport_size(PHONE)
    sign_in_in_english(page, live_server)
    page.goto(live_server(f"/middelfart/group-meetings/{meeting_id}/attendance"))
    sheet = page.get_by_role("group", name="Tick those who came")
    expect(sheet.get_by_role("checkbox").first).to_be_visible()
    page.get_by_role("button", name="Save attendance").click()
    expect(page).to_have_url(live_server(f"/middelfart/group-meetings/{meeting_id}"))
    expect(flashed(page, f"Attendance on {long(on)} has been saved.")).to_be_in_viewport(ratio=1)
    assert page.evaluate("window.scrollY") == 0
