"""Data tables on a phone-sized screen (360 px) in a real browser: axe-core (npm devDependency, injected
from node_modules) finds no ``scrollable-region-focusable`` violation on the pages with tables, and a
keyboard user reaches a wide table with Tab and scrolls it with the arrow keys."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.demo import DEMO_PASSWORD
from core.extensions import db
from core.platform.services import get_tenant_by_slug
from core.tenancy import tenant_context
from tests.catalogues import ROOT

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RULE = "scrollable-region-focusable"


@pytest.fixture
def ids(live_server):
    from core.groups.models import GroupMeeting, VolunteerGroup
    from core.training.models import Course, CourseSession
    from core.volunteers.models import Volunteer

    with live_server.app.app_context():
        with tenant_context(get_tenant_by_slug("middelfart")):
            found = {
                "course": db.session.scalar(select(Course.id).join(CourseSession).order_by(Course.id).limit(1)),
                "meeting": db.session.scalar(select(GroupMeeting.id).order_by(GroupMeeting.on).limit(1)),
                "group": db.session.scalar(select(VolunteerGroup.id).limit(1)),
                "volunteer": db.session.scalar(select(Volunteer.id).where(Volunteer.user_id.is_not(None))),
            }
        db.session.remove()
    assert all(found.values()), found
    return found


@pytest.fixture
def phone(browser, live_server):
    """A signed-in coordinator's page at 360 px, with axe-core loaded into every document. The
    script is injected as an init script of a context that bypasses the page's CSP, which forbids
    inline scripts, as it should."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (axe-core is a devDependency in package.json)")
    context = browser.new_context(viewport=PHONE, bypass_csp=True, locale="en-GB")
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server("/middelfart/login"))
    page.locator("input[name=email]").fill("koordinator@middelfart.dk")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(live_server("/middelfart/"))
    yield page
    context.close()


def violations(page, rule=RULE):
    return page.evaluate("""async (rule) => {
        const result = await axe.run(document, {runOnly: {type: 'rule', values: [rule]}});
        return result.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))}));
    }""", rule)


def test_no_scrollable_region_that_a_keyboard_cannot_reach_at_360px(phone, live_server, ids):
    pages = ["/middelfart/volunteers/", f"/middelfart/volunteers/{ids['volunteer']}", "/middelfart/volunteers/waiting-list",
             "/middelfart/volunteers/recruitment", "/middelfart/courses/", f"/middelfart/courses/{ids['course']}",
             "/middelfart/group-meetings/", f"/middelfart/group-meetings/{ids['meeting']}", "/middelfart/groups/"]
    found, checked = {}, 0
    for path in pages:
        response = phone.goto(live_server(path))
        assert response.status == 200, path
        tables = phone.locator("table").count()
        checked += tables
        bad = violations(phone)
        if bad:
            found[path] = bad
    assert not found, found
    assert checked >= 10  # the tables were there to be checked


def test_a_wide_table_is_reached_with_tab_and_scrolled_with_the_arrow_keys(phone, live_server):
    phone.goto(live_server("/middelfart/volunteers/"))
    region = phone.locator("table[data-testid=volunteer-list]").locator("xpath=..")
    widths = region.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] > widths[1], f"the volunteer list fits at 360 px ({widths}); nothing to scroll"
    for _ in range(200):
        phone.keyboard.press("Tab")
        if region.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the volunteer list")
    assert region.evaluate("el => el.scrollLeft") == 0
    for _ in range(5):
        phone.keyboard.press("ArrowRight")
    phone.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())
