"""After a form whose answer opens the page further down (the course page at #participants), the
message that says what happened is where the page opens, not out of sight at the top: on a phone
the top of the page is several screens away."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from core.extensions import db
from core.platform.services import get_tenant_by_slug
from core.tenancy import tenant_context
from tests.browser.conftest import sign_in_in_english

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def course_with_room(live_server):
    """A course of five sessions with room, and a new volunteer who needs a course."""
    from core.training import services as training
    from core.volunteers import services as volunteers

    app = live_server.app
    with app.app_context():
        with tenant_context(get_tenant_by_slug("middelfart")):
            course = training.create_course({"title": "Mentorkursus med plads", "max_participants": 10})
            for week in range(1, 6):
                training.add_session(course, date.today() + timedelta(weeks=week), 3, place="Jobcentret")
            frida = volunteers.create_volunteer({"name": "Frida Fremtid", "recruited_on": date.today()})
            db.session.commit()
            ids = course.id, frida.id
        db.session.remove()
    return ids


def _in_view(page: Page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


def test_the_message_after_enrolling_is_shown_where_the_page_opens(page: Page, live_server, course_with_room):
    course_id, frida = course_with_room
    page.set_viewport_size(PHONE)
    sign_in_in_english(page, live_server)
    page.goto(live_server(f"/middelfart/courses/{course_id}"))
    page.get_by_role("searchbox", name="Find a volunteer").fill("Frida Fremtid")  # the one match is chosen
    expect(page.get_by_role("combobox", name="Volunteer")).to_have_value(str(frida))
    page.get_by_role("button", name="Enroll", exact=True).click()

    expect(page).to_have_url(live_server(f"/middelfart/courses/{course_id}#participants"))
    message = page.get_by_role("status").filter(has_text="Frida Fremtid has a place on the course.")
    expect(message).to_be_visible()
    page.wait_for_load_state("load")
    assert _in_view(page, message), message.bounding_box()
    # just below the heading the address names, above the list it speaks of
    assert page.evaluate("""() => {
        const heading = document.getElementById("participants");
        const flashes = document.querySelector("[data-mk-flashes]");
        return heading.nextElementSibling === flashes;
    }""")
    expect(page.get_by_test_id("participants")).to_contain_text("Frida Fremtid")


def test_without_an_address_in_the_page_the_message_stays_at_the_top(page: Page, live_server):
    page.set_viewport_size(PHONE)
    sign_in_in_english(page, live_server)
    page.goto(live_server("/middelfart/courses/new"))
    page.get_by_label("Title").fill("Et kursus uden adresse i siden")
    page.get_by_role("button", name="Save", exact=True).click()
    message = page.get_by_role("status").filter(has_text="has been created")
    expect(message).to_be_visible()
    assert page.evaluate("""() => document.querySelector("main").firstElementChild
                                 === document.querySelector("[data-mk-flashes]")""")
