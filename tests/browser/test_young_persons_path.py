"""The young person's whole path in a real browser, each person in their own browser:

a caseworker refers a young person with consent; the coordinator accepts the referral at intake and
proposes two mentors; the young person chooses one through the link (no login); the mentor accepts
and logs three meetings on a 360-pixel-wide phone; the coordinator ends the match with an outcome;
and six months later (a frozen clock: the app's ``TODAY``) the follow-up is due on the coordinator's
front page.

The test tenant is made for the test, with two mentors who may be matched (approved, course
completed, certificate registered) and nobody else, so the candidates are known.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from core import clock
from tests.browser.conftest import ARTIFACTS, sign_in_in_english

pytestmark = pytest.mark.browser

SLUG = "forloebby"
PASSWORD = "forloeb-test-2026"
YOUNG = "Yasmin Forløbsen"
MENTORS = {"anna": ("Anna Mentorsen", "Jeg klatrer og spiller brætspil."), "bent": ("Bent Mentorsen", "Jeg cykler og laver mad.")}
TODAY = date.today()
START = TODAY - timedelta(days=8)  # the referral comes in; the app's clock is frozen there, then moved on


@pytest.fixture
def path_tenant(live_server):
    """A tenant with a coordinator, a caseworker and two mentors who may be matched."""
    from core.accounts import services as accounts
    from core.extensions import db
    from core.platform.services import create_tenant
    from core.settings import update_tenant_settings
    from core.tenancy import tenant_context
    from core.training import services as training
    from core.volunteers import services as volunteers

    app = live_server.app
    with app.app_context():
        tenant = create_tenant(SLUG, "Forløbby Kommune")
        db.session.commit()
        with tenant_context(tenant):
            update_tenant_settings(tenant, {"screening_required": True})
            for role in ("coordinator", "caseworker"):
                accounts.add_membership(accounts.create_user(f"{role}@{SLUG}.dk", PASSWORD, name=role.title()), tenant, role)
            course = training.create_course({"title": "Mentorkursus", "max_participants": 10})
            session = training.add_session(course, TODAY - timedelta(days=40), 3)
            for key, (name, about) in MENTORS.items():
                volunteer = volunteers.create_volunteer({
                    "name": name, "birth_date": date(1975, 4, 4), "recruitment_channel": "press",
                    "recruited_on": TODAY - timedelta(days=90), "interests": ["klatring" if key == "anna" else "cykling"]})
                training.enroll(course, volunteer)
                training.register_attendance(session, {volunteer.id: True})
                volunteers.add_screening(volunteer, "child_certificate", TODAY - timedelta(days=20))
                volunteers.change_status(volunteer, "approved", TODAY - timedelta(days=10))
                volunteer.about_me = about
                user = accounts.create_user(f"{key}@{SLUG}.dk", PASSWORD, name=name)
                accounts.add_membership(user, tenant, "mentor")
                volunteer.user_id = user.id
            db.session.commit()
        db.session.remove()
    return SLUG


def sign_in(page: Page, live_server, email: str) -> None:
    sign_in_in_english(page, live_server, email, SLUG, PASSWORD)


def new_page(browser: Browser, **kwargs) -> Page:
    page = browser.new_context(**kwargs).new_page()
    page.set_default_timeout(10_000)
    return page


def test_from_referral_to_follow_up(browser: Browser, live_server, path_tenant):
    config = live_server.app.config
    config["TODAY"] = START
    try:
        walk_the_path(browser, live_server)
    finally:
        config.pop("TODAY", None)


def walk_the_path(browser: Browser, live_server):
    config = live_server.app.config
    # ---- the caseworker refers, with the young person's consent ----------------------------------
    caseworker = new_page(browser)
    sign_in(caseworker, live_server, f"caseworker@{SLUG}.dk")
    caseworker.goto(live_server(f"/{SLUG}/referrals/new"))
    caseworker.locator("[name=name]").fill(YOUNG)
    caseworker.locator("[name=birth_date]").fill("2004-05-06")
    caseworker.locator("[name=interests]").fill("klatring, musik")
    caseworker.locator("[name=source]").select_option("jobcenter")
    caseworker.locator("[name=situation]").select_option("cash_benefit")
    caseworker.locator("[name=reason]").fill("Har brug for en voksen at tale uddannelse med.")
    caseworker.locator("[name=consent]").check()
    caseworker.locator("[name=consent_given_on]").fill(START.isoformat())
    caseworker.get_by_role("button", name="Send the referral").click()
    expect(caseworker.get_by_text(f"The referral of {YOUNG} is received.")).to_be_visible()

    # ---- the coordinator accepts it at intake ------------------------------------------------------
    coordinator = new_page(browser)
    sign_in(coordinator, live_server, f"coordinator@{SLUG}.dk")
    coordinator.goto(live_server(f"/{SLUG}/referrals/"))
    coordinator.get_by_role("link", name=YOUNG).click()
    coordinator.get_by_test_id("intake-form").get_by_label("Accept").check()
    coordinator.get_by_role("button", name="Record the intake").click()
    expect(coordinator.get_by_text("The referral is accepted.")).to_be_visible()

    # ---- and proposes both mentors from the matching board ------------------------------------------
    coordinator.goto(live_server(f"/{SLUG}/matching"))
    section = coordinator.locator("section", has_text=YOUNG)
    candidates = section.get_by_test_id("candidate")
    expect(candidates).to_have_count(2)
    expect(candidates.first).to_contain_text("Anna Mentorsen")  # shares the interest in climbing
    expect(candidates.first).to_contain_text("klatring")
    for box in section.locator("input[name=volunteer_ids]").all():
        box.check()
    section.get_by_role("button", name="Propose").click()
    expect(coordinator.get_by_text("The proposal is made.")).to_be_visible()
    expect(coordinator.get_by_test_id("match-candidate")).to_have_count(2)
    expect(coordinator).to_have_url(re.compile(r"/matches/\d+$"))
    match_url = coordinator.url
    coordinator.get_by_test_id("make-link").click()
    link = coordinator.get_by_test_id("choice-link").input_value()
    assert re.fullmatch(re.escape(live_server(f"/{SLUG}/choose/")) + r"[A-Za-z0-9_-]{43,}", link), link

    # ---- the young person chooses through the link, without signing in -----------------------------
    young = new_page(browser, viewport={"width": 360, "height": 740})
    young.goto(link)
    expect(young.get_by_role("heading", level=1)).to_have_text("Vælg din mentor")  # Danish by default
    expect(young.get_by_test_id("choice-first_name")).to_have_text(["Anna", "Bent"])
    expect(young.get_by_test_id("choice-candidate").filter(has_text="Bent")).to_contain_text("Jeg cykler og laver mad.")
    assert "Mentorsen" not in young.content()  # first names only
    young.get_by_label(re.compile("Bent")).check()
    young.get_by_role("button", name="Vælg denne mentor").click()
    expect(young.get_by_role("heading", level=1)).to_have_text("Tak for dit valg")
    young.goto(link)  # single use
    expect(young.get_by_role("heading", level=1)).to_have_text("Linket virker ikke")

    # ---- the mentor accepts and logs three meetings on a phone ---------------------------------------
    mentor = new_page(browser, viewport={"width": 360, "height": 740})
    sign_in(mentor, live_server, f"bent@{SLUG}.dk")
    mentor.goto(live_server(f"/{SLUG}/my/proposals/"))
    mentor.get_by_role("link", name=re.compile("Yasmin")).first.click()
    expect(mentor.get_by_test_id("young-first_name")).to_have_text("Yasmin")
    assert "Forløbsen" not in mentor.content() and "uddannelse med" not in mentor.content()  # no surname, no referral text
    mentor.get_by_role("button", name="Accept").click()
    expect(mentor.get_by_text("You have accepted. Welcome as mentor!")).to_be_visible()
    for days_later, minutes, place in ((1, 60, "cafe"), (3, 90, "walk"), (6, 45, "online")):
        config["TODAY"] = START + timedelta(days=days_later)  # each meeting logged on its own day
        mentor.goto(live_server(f"/{SLUG}/my/young-people"))
        mentor.get_by_role("link", name="Log a meeting").first.click()
        expect(mentor.locator("[name=held_on]")).to_have_value(config["TODAY"].isoformat())  # today by default
        mentor.locator("[name=minutes]").fill(str(minutes))
        mentor.locator("[name=place]").select_option(place)
        mentor.get_by_role("button", name="Save the meeting").click()
        expect(mentor.get_by_test_id("meeting-logged")).to_be_in_viewport()
    mentor.goto(live_server(f"/{SLUG}/my/young-people"))
    expect(mentor.get_by_test_id("young-meetings")).to_have_text("3")
    width = mentor.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the phone page is {width} px wide"
    ARTIFACTS.mkdir(exist_ok=True)
    mentor.screenshot(path=str(ARTIFACTS / "my-young-people-360.png"), full_page=True)

    # ---- the coordinator ends the match with an outcome ----------------------------------------------
    config.pop("TODAY")
    coordinator.goto(match_url)
    expect(coordinator.get_by_test_id("meeting-count")).to_have_text("3")
    ended = TODAY - timedelta(days=1)
    coordinator.locator("#ended_on").fill(ended.isoformat())
    coordinator.locator("#end_reason").select_option("completed")
    coordinator.locator("#outcome").select_option("benefits_to_education")
    coordinator.get_by_test_id("end-form").get_by_role("button", name="End the match").click()
    expect(coordinator.get_by_text("The match is ended.")).to_be_visible()
    expect(coordinator.get_by_test_id("match-status")).to_have_text("Ended")

    # ---- six months later the follow-up is due on the front page --------------------------------------
    due = clock.add_months(ended, 6)
    coordinator.goto(live_server(f"/{SLUG}/"))
    expect(coordinator.get_by_test_id("front-task-row").filter(has_text="months after")).to_have_count(0)
    config["TODAY"] = due - timedelta(days=1)
    coordinator.reload()
    expect(coordinator.get_by_test_id("front-task-row").filter(has_text="months after")).to_have_count(0)
    config["TODAY"] = due
    coordinator.reload()
    row = coordinator.get_by_test_id("front-task-row").filter(has_text="6 months after")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(YOUNG)
