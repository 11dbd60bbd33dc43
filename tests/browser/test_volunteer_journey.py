"""A volunteer's whole way in, in a real browser: a coordinator of Middelfart registers a person at
first contact, registers them at an info meeting, puts them through a course of two evenings,
registers their børneattest and approves them as an active mentor. Every step goes through the
pages, and the volunteer's page says at each gate whether they can be matched and why not."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, sign_in_in_english

pytestmark = pytest.mark.browser

NAME = "Vibeke Skovgaard-Iversen"  # not a name the demo data uses
MEETING = "Informationsmøde, efterårets hold"
COURSE = "Mentorkursus, efterårets hold"

TODAY = date.today()
FIRST_CONTACT = TODAY - timedelta(days=60)
INFO_MEETING = TODAY - timedelta(days=50)
SESSIONS = (TODAY - timedelta(days=40), TODAY - timedelta(days=30))
CERTIFICATE = TODAY - timedelta(days=10)
APPROVED = TODAY - timedelta(days=7)
ACTIVE = TODAY - timedelta(days=3)


def medium(day: date) -> str:
    return format_date(day, "medium", locale="en_GB")  # "3 Mar 2026": English is written day first


def short(day: date) -> str:
    return format_date(day, "short", locale="en_GB")  # "03/03/2026"


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def open_menu(page: Page, label: str) -> None:
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(label)


def flashed(page: Page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def expect_status(page: Page, label: str, since: date) -> None:
    expect(page.get_by_test_id("current-status")).to_have_text(f"{label} since {medium(since)}")


def expect_history(page: Page, steps: list[tuple[date, str]]) -> None:
    """The status history table lists exactly ``steps`` (date, status), oldest first."""
    rows = page.get_by_role("table", name="Status history").get_by_role("row")
    expect(rows).to_have_count(len(steps) + 1)  # and the header row
    for number, (day, label) in enumerate(steps, start=1):
        expect(rows.nth(number).get_by_role("rowheader")).to_have_text(short(day))
        expect(rows.nth(number).get_by_role("cell").first).to_have_text(label)


def open_section(page: Page, name: str) -> None:
    """Open one of the volunteer page's accordion sections, which starts closed."""
    button = page.get_by_role("button", name=name, exact=True)
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    expect(page.get_by_role("region", name=name, exact=True)).to_be_visible()


def change_status(page: Page, label: str, on: date):
    form = page.get_by_role("group", name="Change the status")
    form.get_by_label("New status").select_option(label=label)
    form.get_by_role("textbox", name="Date", exact=True).fill(on.isoformat())
    form.get_by_role("button", name="Change the status").click()
    return form


def test_from_first_contact_to_active_mentor(page: Page, live_server):
    sign_in_in_english(page, live_server)

    # 1. First contact: the coordinator registers the person through the volunteer form.
    open_menu(page, "Volunteers")
    page.get_by_role("link", name="Register a volunteer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register a volunteer")
    contact = page.get_by_role("group", name="Contact")
    contact.get_by_role("textbox", name="Name", exact=True).fill(NAME)  # the label also holds a hidden "*"
    contact.get_by_label("E-mail").fill("vibeke.si@example.org")
    contact.get_by_label("Phone").fill("20 30 40 50")
    contact.get_by_label("Postcode").fill("5500")
    about = page.get_by_role("group", name="About the volunteer")
    about.get_by_label("Gender").select_option(label="Female")
    about.get_by_label("Birth date").fill("1968-04-12")
    about.get_by_label("Languages").fill("dansk, engelsk")
    about.get_by_label("Interests").fill("natur og vandreture, madlavning")
    about.get_by_label("Work background").fill("Sygeplejerske i 30 år")
    about.get_by_label("Wishes").fill("En ung, der vil i gang med en uddannelse")
    about.get_by_label("Employment").select_option(label="Not employed")
    about.get_by_label("Education").select_option(label="Care, teaching or social work")
    recruitment = page.get_by_role("group", name="Recruitment")
    recruitment.get_by_label("Recruitment channel").select_option(label="Local press")
    recruitment.get_by_label("First contact").fill(FIRST_CONTACT.isoformat())
    page.get_by_role("button", name="Save", exact=True).click()

    flashed(page, f"{NAME} is registered.")
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    volunteer_url = page.url
    assert re.search(r"/middelfart/volunteers/\d+$", volunteer_url)
    expect_status(page, "Applicant", FIRST_CONTACT)
    profile = page.get_by_test_id("profile")
    expect(profile).to_contain_text("Local press")
    expect(profile).to_contain_text("Not employed")
    expect(profile).to_contain_text("dansk, engelsk")
    eligibility = page.get_by_role("region", name="Cannot be matched yet")
    expect(eligibility.get_by_role("listitem")).to_have_text([
        "The status is 'Applicant'; only approved and active mentors can be matched.",
        "Has not completed the course.",
        "No certificate is registered: register a child-protection certificate (børneattest) or a criminal-record "
        "certificate (straffeattest).",
    ])
    expect_history(page, [(FIRST_CONTACT, "Applicant")])
    shot(page, "volunteer-journey-1-applicant.png")

    # 2. The info meeting: created afterwards, and the volunteer came without an invitation.
    open_menu(page, "Group meetings")
    page.get_by_role("link", name="New meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New meeting")
    page.get_by_label("Kind of meeting").select_option(label="Information meeting")
    page.get_by_label("Title").fill(MEETING)
    page.get_by_role("textbox", name="Date", exact=True).fill(INFO_MEETING.isoformat())
    page.get_by_label("Starts at").fill("19:00")
    page.get_by_label("Hours").fill("2")
    page.get_by_label("Place").fill("Middelfart Bibliotek")
    page.get_by_role("button", name="Save", exact=True).click()
    flashed(page, "The meeting has been created.")
    expect(page.get_by_role("heading", level=1)).to_have_text(MEETING)
    expect(page.get_by_test_id("meeting-kind")).to_have_text("Information meeting")

    page.get_by_role("link", name="Register attendance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance")
    page.get_by_text("Came without an invitation", exact=True).click()  # opens the details
    walk_ins = page.get_by_role("group", name="Tick those who came without an invitation")
    walk_in = walk_ins.get_by_role("checkbox", name=f"{NAME} (Applicant)", exact=True)
    walk_in.check()
    expect(walk_in).to_be_checked()
    page.get_by_role("button", name="Save attendance").click()
    flashed(page, f"Attendance on {format_date(INFO_MEETING, 'long', locale='en_GB')} has been saved.")
    row = page.get_by_role("table").get_by_role("row").filter(has=page.get_by_role("rowheader", name=NAME, exact=True))
    expect(row.get_by_role("cell")).to_have_text(["Attended info meeting", "Came without an invitation", "Yes"])
    expect(page.get_by_test_id("came-count")).to_have_text("1")

    page.goto(volunteer_url)
    expect_status(page, "Attended info meeting", INFO_MEETING)
    open_section(page, "Group meetings")
    meetings = page.get_by_role("region", name="Group meetings")
    expect(meetings).to_contain_text(MEETING)
    shot(page, "volunteer-journey-2-info-meeting.png")

    # 3. The course: two evenings that have taken place; the volunteer gets a place and came to both.
    open_menu(page, "Courses")
    page.get_by_role("link", name="New course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New course")
    page.get_by_label("Title").fill(COURSE)
    page.get_by_label("Place").fill("Jobcenter Middelfart")
    page.get_by_label("Maximum number of participants").fill("12")
    page.get_by_role("button", name="Save", exact=True).click()
    flashed(page, "The course has been created. Add its sessions.")
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)

    for day in SESSIONS:
        new_session = page.get_by_role("group", name="Add a session")
        new_session.get_by_label("Date").fill(day.isoformat())
        new_session.get_by_label("Starts at").fill("18:30")
        new_session.get_by_label("Hours").fill("3")
        new_session.get_by_role("button", name="Add the session").click()
        flashed(page, f"The session on {format_date(day, 'long', locale='en_GB')} has been added.")
    expect(page.get_by_test_id("sessions").get_by_role("rowheader")).to_have_text([medium(d) for d in SESSIONS])

    enroll = page.get_by_role("group", name="Enroll a volunteer")
    # The picker's filter (mentorkorps.js): typing part of the name leaves one entry, which is chosen.
    enroll.get_by_role("searchbox", name="Find a volunteer").fill("skovgaard")
    expect(enroll.get_by_role("combobox", name="Volunteer").locator("option:checked")).to_have_text(
        f"{NAME} (Attended info meeting)")
    expect(enroll).to_contain_text(re.compile(r"\b1 of \d+ shown"))
    enroll.get_by_role("button", name="Enroll").click()
    flashed(page, f"{NAME} has a place on the course.")
    expect(page.get_by_test_id("places")).to_have_text("1 of 12 taken")

    for day in SESSIONS:
        page.get_by_role("link", name=f"Register attendance {medium(day)}", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Attendance")
        expect(page.get_by_test_id("session-date")).to_have_text(format_date(day, "full", locale="en_GB"))
        came = page.get_by_role("group", name="Tick those who came").get_by_role("checkbox", name=NAME)
        expect(came).not_to_be_checked()
        came.check()
        page.get_by_role("button", name="Save attendance").click()
        flashed(page, f"Attendance on {format_date(day, 'long', locale='en_GB')} has been saved.")

    participant = page.get_by_test_id("participants").get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=NAME, exact=True))
    expect(participant.get_by_role("cell").first).to_have_text("In training")
    expect(participant.get_by_test_id("completed")).to_have_text(medium(SESSIONS[-1]))
    expect(page.get_by_test_id("completed-count")).to_have_text("1")
    shot(page, "volunteer-journey-3-course-completed.png")

    page.goto(volunteer_url)
    expect_status(page, "In training", SESSIONS[0])
    open_section(page, "Courses")
    expect(page.get_by_role("region", name="Courses")).to_contain_text(
        f"Completed on {medium(SESSIONS[-1])}.")
    eligibility = page.get_by_role("region", name="Cannot be matched yet")
    expect(eligibility.get_by_role("listitem")).to_have_text([
        "The status is 'In training'; only approved and active mentors can be matched.",
        "No certificate is registered: register a child-protection certificate (børneattest) or a criminal-record "
        "certificate (straffeattest).",
    ])

    # 4. The børneattest, then approval. A date before the current status began is refused next
    #    to the field, and nothing changes.
    open_section(page, "Certificates")
    certificate = page.get_by_role("group", name="Register a certificate")
    certificate.get_by_label("Certificate").select_option(label="Child-protection certificate (børneattest)")
    certificate.get_by_label("Obtained on").fill(CERTIFICATE.isoformat())
    certificate.get_by_role("button", name="Register the certificate").click()
    flashed(page, "The certificate is registered.")
    screenings = page.get_by_role("table", name="Certificates")
    expect(screenings.get_by_role("rowheader")).to_have_text(["Child-protection certificate (børneattest)"])
    expect(screenings.get_by_role("cell").first).to_have_text(short(CERTIFICATE))
    expect(page.get_by_role("region", name="Cannot be matched yet").get_by_role("listitem")).to_have_text([
        "The status is 'In training'; only approved and active mentors can be matched.",
    ])

    too_early = SESSIONS[0] - timedelta(days=1)
    form = change_status(page, "Approved", too_early)
    refused = (f"The date is before the current status began ({medium(SESSIONS[0])}). Enter that date or a later "
               "one.")
    date_field = form.get_by_role("textbox", name="Date", exact=True)
    expect(date_field).to_have_attribute("aria-invalid", "true")
    expect(date_field).to_have_accessible_description(re.compile(re.escape(refused)))
    expect(date_field).to_have_value(too_early.isoformat())  # what was typed stays, to be corrected
    expect(form.get_by_label("New status")).to_have_value("approved")
    summary = page.get_by_role("alert").filter(has_text="The form has errors")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # the reader starts at the list of errors
    link = summary.get_by_role("link", name=f"Date: {refused}")
    expect(link).to_have_attribute("href", "#" + date_field.get_attribute("id"))
    link.click()
    expect(date_field).to_be_focused()
    expect_status(page, "In training", SESSIONS[0])
    shot(page, "volunteer-journey-4-refused-date.png")
    page.goto(volunteer_url)  # nothing was saved
    expect_status(page, "In training", SESSIONS[0])
    expect_history(page, [(FIRST_CONTACT, "Applicant"), (INFO_MEETING, "Attended info meeting"),
                          (SESSIONS[0], "In training")])

    change_status(page, "Approved", APPROVED)
    flashed(page, "The status is now 'Approved'.")
    expect_status(page, "Approved", APPROVED)
    eligibility = page.get_by_role("region", name="Can be matched", exact=True)
    expect(eligibility).to_contain_text("Every requirement for matching is met.")
    expect(page.get_by_role("region", name="Cannot be matched yet")).to_have_count(0)

    change_status(page, "Active mentor", ACTIVE)
    flashed(page, "The status is now 'Active mentor'.")
    expect_status(page, "Active mentor", ACTIVE)
    expect(page.get_by_role("region", name="Can be matched", exact=True)).to_be_visible()
    expect_history(page, [(FIRST_CONTACT, "Applicant"), (INFO_MEETING, "Attended info meeting"),
                          (SESSIONS[0], "In training"), (APPROVED, "Approved"), (ACTIVE, "Active mentor")])
    shot(page, "volunteer-journey-5-active.png")

    # The volunteers list finds the new mentor with the status.
    open_menu(page, "Volunteers")
    page.get_by_label("Name or e-mail").fill("Skovgaard")
    page.get_by_role("button", name="Search").click()
    found = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=NAME, exact=True))
    expect(found.get_by_role("cell").first).to_have_text("Active mentor")
