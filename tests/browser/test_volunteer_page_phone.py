"""The volunteer's page on a phone (360 px), in a real browser: its sections are an accordion whose
headings a phone user sees at once (the next step and the status open), and a change that ends
something asks first, with the question in view and focused."""
from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.demo import DEMO_PASSWORD
from core.extensions import db
from core.platform.services import get_tenant_by_slug
from core.tenancy import tenant_context

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
CLOSED = ["Profile", "Certificates", "Courses", "Group meetings", "Mentor login"]


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server("/middelfart/login"))
    page.get_by_role("button", name="English").click()
    page.get_by_label("E-mail").fill("koordinator@middelfart.dk")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(live_server("/middelfart/"))
    yield page
    context.close()


def volunteer_id(live_server, status):
    from core.volunteers.models import Volunteer

    with live_server.app.app_context():
        with tenant_context(get_tenant_by_slug("middelfart")):
            found = db.session.scalar(select(Volunteer.id).where(Volunteer.status == status).order_by(Volunteer.id).limit(1))
        db.session.remove()
    assert found, status
    return found


def test_an_applicants_page_shows_the_section_headings_with_the_next_step_and_status_open(phone, live_server):
    phone.goto(live_server(f"/middelfart/volunteers/{volunteer_id(live_server, 'applicant')}"))
    for name in ("Next step", "Status"):
        expect(phone.get_by_role("button", name=name, exact=True)).to_have_attribute("aria-expanded", "true")
        expect(phone.get_by_role("region", name=name, exact=True)).to_be_visible()
    for name in CLOSED:
        expect(phone.get_by_role("button", name=name, exact=True)).to_have_attribute("aria-expanded", "false")
        expect(phone.get_by_role("region", name=name, exact=True)).to_be_hidden()
    assert phone.evaluate("document.documentElement.scrollHeight") < 3000  # about 4,600 px before the accordion

    phone.get_by_role("button", name="Certificates", exact=True).click()
    expect(phone.get_by_role("group", name="Register a certificate")).to_be_visible()


def test_pausing_a_mentor_asks_first_with_the_question_in_view(phone, live_server):
    url = live_server(f"/middelfart/volunteers/{volunteer_id(live_server, 'active')}")
    phone.goto(url)
    status = phone.get_by_test_id("current-status").text_content()
    form = phone.get_by_role("group", name="Change the status")
    expect(form.get_by_label("New status")).to_have_value("")  # nothing chosen beforehand
    expect(form.get_by_role("textbox", name="Date", exact=True)).to_have_value("")
    form.get_by_label("New status").select_option(label="Paused")
    form.get_by_role("textbox", name="Date", exact=True).fill(date.today().isoformat())
    form.get_by_role("button", name="Change the status").click()

    question = phone.get_by_test_id("status-confirmation")
    expect(question).to_be_focused()
    expect(question).to_be_in_viewport()
    expect(question.get_by_role("heading")).to_have_text("Change the status to 'Paused'?")
    expect(phone.get_by_test_id("current-status")).to_have_text(status)  # nothing changed yet

    question.get_by_role("link", name="No, keep 'Active mentor'").click()
    expect(phone.get_by_test_id("current-status")).to_have_text(status)
    expect(phone.get_by_test_id("status-confirmation")).to_have_count(0)
