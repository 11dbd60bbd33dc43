"""axe-core on every mentor-side page, at 1,280 and 360 px, in Danish and in English: no serious or
critical violation (issue 10). The coordinator's pages (volunteers, courses, group meetings,
groups, with their forms and attendance sheets) are checked as the demo coordinator of Middelfart
sees them, the mentor's own pages as the demo mentor. The volunteer's page is checked with every
section of its accordion open, and the volunteer form also as it comes back refused (its error
summary). axe-core is injected from node_modules into every document of a context that bypasses
the page's CSP (which forbids inline scripts, as it should); one context per language and width,
reused across the pages."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.demo import DEMO_PASSWORD
from core.extensions import db
from core.platform.services import get_tenant_by_slug
from core.tenancy import tenant_context
from tests.catalogues import ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"1280": {"width": 1280, "height": 900}, "360": {"width": 360, "height": 740}}
LANGUAGES = {"da": "Dansk", "en": "English"}
BLOCKING = ("serious", "critical")


@pytest.fixture
def ids(live_server):
    """Pages worth checking in the demo data: a mentor with a history, a course with a past session
    and participants, a past meeting with participants, a standing group."""
    from core.groups.models import GroupMeeting, GroupMeetingParticipant, VolunteerGroup
    from core.training.models import CourseEnrollment, CourseSession
    from core.volunteers.models import Volunteer

    app = live_server.app
    with app.app_context():
        with tenant_context(get_tenant_by_slug("middelfart")):
            session = db.session.execute(
                select(CourseSession.course_id, CourseSession.id)
                .where(CourseSession.course_id.in_(select(CourseEnrollment.course_id)))
                .order_by(CourseSession.on.desc()).limit(1)).one()
            found = {
                "volunteer": db.session.scalar(select(Volunteer.id).where(Volunteer.user_id.is_not(None)).limit(1)),
                "course": session[0], "session": session[1],
                "meeting": db.session.scalar(
                    select(GroupMeeting.id).join(GroupMeetingParticipant, GroupMeetingParticipant.meeting_id == GroupMeeting.id)
                    .order_by(GroupMeeting.on.desc()).limit(1)),
                "group": db.session.scalar(select(VolunteerGroup.id).limit(1)),
            }
        db.session.remove()
    assert all(value is not None for value in found.values()), found
    return found


def coordinator_pages(ids) -> list[str]:
    return [
        "/middelfart/volunteers/", "/middelfart/volunteers/?sort=-recruited_on",
        f"/middelfart/volunteers/{ids['volunteer']}", "/middelfart/volunteers/new",
        "/middelfart/volunteers/recruitment", "/middelfart/volunteers/waiting-list",
        "/middelfart/courses/", f"/middelfart/courses/{ids['course']}",
        f"/middelfart/courses/{ids['course']}/sessions/{ids['session']}/attendance",
        "/middelfart/group-meetings/", f"/middelfart/group-meetings/{ids['meeting']}",
        f"/middelfart/group-meetings/{ids['meeting']}/attendance",
        "/middelfart/groups/", f"/middelfart/groups/{ids['group']}",
    ]


MENTOR_PAGES = ["/middelfart/me/", "/middelfart/me/edit"]


def sign_in(page: Page, live_server, email: str, language: str) -> None:
    page.goto(live_server("/middelfart/login"))
    page.get_by_role("button", name=LANGUAGES[language]).click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(live_server("/middelfart/"))


def blocking_violations(page: Page) -> list[dict]:
    return page.evaluate("""async (impacts) => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.filter(v => impacts.includes(v.impact)).map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                                  summary: n.failureSummary}))}));
    }""", list(BLOCKING))


def check(page: Page, label: str, found: dict) -> None:
    violations = blocking_violations(page)
    if violations:
        found[label] = violations


def open_every_section(page: Page) -> None:
    """Open the volunteer page's accordion sections that start closed, so axe sees their content."""
    closed = page.locator(".accordion-button[aria-expanded=false]")
    for _ in range(closed.count()):
        closed.first.click()
    expect(closed).to_have_count(0)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_serious_or_critical_axe_violation_on_the_mentor_side(browser, live_server, ids, language, width):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (axe-core is a devDependency in package.json)")
    context = browser.new_context(viewport=WIDTHS[width], bypass_csp=True,
                                  locale="da-DK" if language == "da" else "en-GB")
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(10_000)
    found: dict[str, list] = {}
    checked = []
    try:
        sign_in(page, live_server, "koordinator@middelfart.dk", language)
        for path in coordinator_pages(ids):
            response = page.goto(live_server(path))
            assert response.status == 200, (path, response.status)
            expect(page.locator("html")).to_have_attribute("lang", language)
            if path == f"/middelfart/volunteers/{ids['volunteer']}":
                open_every_section(page)
            check(page, path, found)
            checked.append(path)

        # The volunteer form as it comes back refused: the error summary and the fields marked.
        page.goto(live_server("/middelfart/volunteers/new"))
        page.locator("form[data-testid=volunteer-form] button[type=submit]").click()
        expect(page.get_by_test_id("form-errors")).to_be_visible()
        check(page, "/middelfart/volunteers/new (refused)", found)
        checked.append("/middelfart/volunteers/new (refused)")

        page.locator("header form[action$='/logout'] button[type=submit]").click()
        sign_in(page, live_server, "mentor@middelfart.dk", language)
        for path in MENTOR_PAGES:
            response = page.goto(live_server(path))
            assert response.status == 200, (path, response.status)
            check(page, path, found)
            checked.append(path)
    finally:
        context.close()

    assert len(checked) == len(coordinator_pages(ids)) + 1 + len(MENTOR_PAGES)
    if found:
        print(f"\naxe, {language} at {width} px: serious or critical violations\n" + json.dumps(found, indent=1, ensure_ascii=False))
    assert not found, f"{sum(len(v) for v in found.values())} serious or critical axe violations ({language}, {width} px) on " \
                      f"{', '.join(found)}: see the printed details"
