"""Course attendance in a real browser on a phone-sized screen: a coordinator registers who came to
each session of a course and sees the course completed for those who came to all of them."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from playwright.sync_api import Page, expect

from core.extensions import db
from core.platform.services import get_tenant_by_slug
from core.tenancy import tenant_context
from tests.browser.conftest import ARTIFACTS, sign_in_in_english

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
PEOPLE = ["Asta Abildgaard", "Bjarke Brandt", "Cecilie Clausen", "Dennis Dam"]


@pytest.fixture
def running_course(live_server):
    """A course of two sessions that took place last week and yesterday, with four participants and
    no attendance registered yet (made through the services, as the course pages would)."""
    from core.training import services as training
    from core.volunteers import services as volunteers

    app = live_server.app
    today = date.today()
    with app.app_context():
        tenant = get_tenant_by_slug("middelfart")
        with tenant_context(tenant):
            course = training.create_course({"title": "Mentorkursus i gang", "place": "Jobcentret", "max_participants": 10})
            sessions = [training.add_session(course, today - timedelta(days=d), 3) for d in (8, 1)]
            for name in PEOPLE:
                person = volunteers.create_volunteer({"name": name, "birth_date": date(1970, 3, 3),
                                                      "recruitment_channel": "press", "recruited_on": today - timedelta(days=60)})
                training.enroll(course, person)
            db.session.commit()
            ids = course.id, [s.id for s in sessions], [s.on for s in sessions]
        db.session.remove()
    return ids


def register(page: Page, session: int, came: list[str], shot: str):
    """On the course page, open the attendance page of the ``session``-th session (in date order),
    tick ``came`` and save."""
    page.get_by_role("link", name=re.compile(r"^Register attendance")).nth(session).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance")
    expect(page.get_by_role("group", name="Tick those who came")).to_be_visible()
    boxes = {name: page.get_by_role("checkbox", name=name) for name in PEOPLE}
    for name, box in boxes.items():
        expect(box).not_to_be_checked()
    _fits_a_phone(page)
    for name in came:
        page.locator("label").filter(has_text=name).click()  # the whole row is the tap target
        expect(boxes[name]).to_be_checked()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("status").filter(has_text="has been saved")).to_be_visible()


def no_sideways_scrolling(page: Page):
    """The page is no wider than the screen, once the scripts have settled (the main menu folds
    into 'More' after the page has loaded, so the width is awaited, not read at one instant)."""
    page.wait_for_load_state("load")
    page.wait_for_function(f"document.documentElement.scrollWidth <= {PHONE['width']}", timeout=5_000)


def _fits_a_phone(page: Page):
    """Nothing on the attendance page is wider than the screen; the rows are large tap targets."""
    no_sideways_scrolling(page)
    for name in PEOPLE:
        row = page.locator("label").filter(has_text=name).bounding_box()
        assert row["height"] >= 44 and row["x"] >= 0 and row["x"] + row["width"] <= PHONE["width"]
    button = page.get_by_role("button", name="Save attendance").bounding_box()
    assert button["height"] >= 44 and button["x"] + button["width"] <= PHONE["width"]


def test_attendance_on_a_phone_completes_the_course(page: Page, live_server, running_course):
    course_id, _session_ids, dates = running_course
    page.set_viewport_size(PHONE)
    sign_in_in_english(page, live_server)

    page.goto(live_server(f"/middelfart/courses/{course_id}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentorkursus i gang")

    # The first evening: three of the four came.
    register(page, 0, ["Asta Abildgaard", "Bjarke Brandt", "Cecilie Clausen"], "course-attendance-360-first.png")
    # Back at the top of the course page: the confirmation is on the phone's screen, not above it.
    expect(page).to_have_url(re.compile(rf"/middelfart/courses/{course_id}$"))
    expect(page.get_by_role("status").filter(has_text="has been saved")).to_be_in_viewport()
    # Not completed yet: one session is still to be registered.
    expect(page.get_by_test_id("completed-count")).to_have_text("0")

    # The second (and last) evening: Asta and Bjarke came again, Cecilie did not.
    register(page, 1, ["Asta Abildgaard", "Bjarke Brandt"], "course-attendance-360-second.png")

    participants = page.get_by_test_id("participants")
    last = format_date(dates[1], "medium", locale="en_GB")  # English is written day first
    for name in ("Asta Abildgaard", "Bjarke Brandt"):
        row = participants.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name, exact=True))
        expect(row.get_by_test_id("completed")).to_have_text(last)
    for name in ("Cecilie Clausen", "Dennis Dam"):
        row = participants.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name, exact=True))
        expect(row.get_by_test_id("completed")).to_contain_text("Not completed")
    expect(page.get_by_test_id("completed-count")).to_have_text("2")
    no_sideways_scrolling(page)  # wide tables scroll in place
    page.screenshot(path=str(ARTIFACTS / "course-completed-360.png"), full_page=True)

    # The courses list counts them too.
    page.goto(live_server("/middelfart/courses/"))
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Mentorkursus i gang"))
    expect(row.get_by_role("cell").nth(4)).to_have_text("2")  # completed
