"""Every data table of the core's pages is rendered by one macro (core/templates/_tables.html): inside
DKFDS's horizontal-scroll container, which is a keyboard stop (tabindex="0") and a region with an
accessible name, so that a keyboard user can scroll a table wider than a phone's screen; and with
no rows, the page shows the table's empty-state text instead of an empty table.

The pages are walked from ``app.url_map`` (every GET page under a tenant, ids taken from the demo
data), as a coordinator and as a mentor, plus the platform admin's pages; a page that gets a table
later is covered by itself.
"""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from core.demo import DEMO_PASSWORD
from core.extensions import db as _db
from core.groups.models import GroupMeeting, VolunteerGroup
from core.platform.services import get_tenant_by_slug
from core.tenancy import tenant_context
from core.training import services as training
from core.training.models import Course, CourseSession
from core.volunteers import services as volunteers
from core.volunteers.models import Volunteer
from tests.conftest import csrf_token, load_demo_data, login

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children, self.text = tag, dict(attrs), parent, [], []

    def all_text(self) -> str:
        return " ".join(["".join(self.text)] + [c.all_text() for c in self.children]).strip()

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()


class Tree(HTMLParser):
    """A forgiving tree of the page (the standard library only)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#root", {}, None)
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.text.append(data)


def table_problems(html: str) -> tuple[int, list[str]]:
    """How many tables the page has, and what is wrong with the scroll region around each."""
    tree = Tree(html)
    ids = {e.attrs["id"]: e for e in tree.root.iter() if e.attrs.get("id")}
    tables = [e for e in tree.root.iter() if e.tag == "table"]
    problems = []
    for table in tables:
        where = table.attrs.get("data-testid") or table.all_text()[:40]
        region = table.parent
        classes = (region.attrs.get("class") or "").split()
        if region.tag != "div" or "table--responsive-scroll" not in classes:
            problems.append(f"{where}: not directly inside DKFDS's table--responsive-scroll container")
            continue
        if region.attrs.get("tabindex") != "0":
            problems.append(f"{where}: the scroll container is not focusable (tabindex=0)")
        if region.attrs.get("role") != "region":
            problems.append(f"{where}: the scroll container is not a region")
        label = (region.attrs.get("aria-label") or "").strip()
        labelledby = region.attrs.get("aria-labelledby")
        if labelledby:
            label = " ".join(ids[i].all_text() for i in labelledby.split() if i in ids).strip()
        if not label:
            problems.append(f"{where}: the region has no accessible name")
    return len(tables), problems


def sign_in(client, path, email, password=DEMO_PASSWORD):
    token = csrf_token(client, path)
    response = client.post(path, data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


@pytest.fixture
def demo(app):
    load_demo_data()
    tenant = get_tenant_by_slug("middelfart")
    with tenant_context(tenant):
        ids = {
            "course_id": _db.session.scalar(select(Course.id).join(CourseSession).order_by(Course.id).limit(1)),
            "session_id": _db.session.scalar(select(CourseSession.id).order_by(CourseSession.id).limit(1)),
            "meeting_id": _db.session.scalar(select(GroupMeeting.id).order_by(GroupMeeting.on).limit(1)),
            "group_id": _db.session.scalar(select(VolunteerGroup.id).order_by(VolunteerGroup.id).limit(1)),
            # The one with the fullest page: certificates, a course and meetings.
            "volunteer_id": _db.session.scalar(select(Volunteer.id).where(Volunteer.user_id.is_not(None))),
        }
    _db.session.commit()
    return ids


def tenant_pages(app, ids):
    """Every web GET page under a tenant whose arguments we can fill in."""
    pages = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith("/api/") or "tenant" not in rule.arguments:
            continue
        values = {"tenant": "middelfart"}
        for name in rule.arguments - {"tenant"}:
            if ids.get(name) is None:
                break
            values[name] = ids[name]
        else:
            pages[rule.endpoint] = rule.build(values, append_unknown=False)[1]
    return pages


def walk(client, pages):
    found, problems = {}, []
    for endpoint, path in sorted(pages.items()):
        response = client.get(path)
        if response.status_code != 200:
            continue
        count, wrong = table_problems(response.get_data(as_text=True))
        found[endpoint] = count
        problems += [f"{path}: {p}" for p in wrong]
    return found, problems


def test_every_table_of_a_coordinators_pages_is_a_focusable_labelled_scroll_region(app, client, demo):
    sign_in(client, "/middelfart/login", "koordinator@middelfart.dk")
    found, problems = walk(client, tenant_pages(app, demo))
    assert not problems, "\n".join(problems)
    # The walk is not vacuous: these pages were reached and have their tables.
    expected = {"volunteers.index": 1, "volunteers.show": 4, "volunteers.waiting_list": 1, "volunteers.recruitment": 1,
                "training.index": 1, "training.detail": 2, "groups.index": 1, "groups.detail": 1,
                "volunteer_groups.index": 1}
    assert {k: found.get(k) for k in expected} == expected


def test_the_mentors_own_page_has_its_tables_in_focusable_regions(app, client, demo):
    sign_in(client, "/middelfart/login", "mentor@middelfart.dk")
    found, problems = walk(client, tenant_pages(app, demo))
    assert not problems, "\n".join(problems)
    assert found.get("mentor.profile", 0) >= 2  # the course's sessions and meetings


def test_the_platform_pages_tables_too(app, client, demo):
    sign_in(client, "/login", "admin@mentorkorps.dk")
    for path in ("/admin/", "/admin/middelfart/plugins"):
        response = client.get(path)
        assert response.status_code == 200, path
        count, problems = table_problems(response.get_data(as_text=True))
        assert count == 1 and not problems, (path, problems)


def test_empty_tables_show_their_empty_text_instead(app, client, tenant, user_factory):
    with tenant_context(tenant):
        course = training.create_course({"title": "Tomt kursus"})
        volunteer = volunteers.create_volunteer({"name": "Ny Frivillig"})
        _db.session.commit()
        course_id, volunteer_id = course.id, volunteer.id
    login(client, user_factory(tenant, "coordinator"), tenant)
    expectations = {
        "/middelfart/volunteers/?q=nobody-has-this-name": ["No volunteers match."],
        "/middelfart/courses/": [],  # there is a course: its table
        f"/middelfart/courses/{course_id}": ["The course has no sessions yet.", "Nobody has a place on the course yet."],
        "/middelfart/group-meetings/": ["No meetings match."],
        "/middelfart/groups/": ["There are no standing groups yet."],
        f"/middelfart/volunteers/{volunteer_id}": ["No certificate is registered.", "Not invited to any group meeting."],
    }
    for path, messages in expectations.items():
        response = client.get(path, headers={"Accept-Language": "da"})
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        tree = Tree(html)
        shown = [e.all_text() for e in tree.root.iter() if "data-table-empty" in e.attrs]
        with force_locale(str(_locale_of(html))):
            assert shown == [gettext(m) for m in messages], (path, shown)
        count, problems = table_problems(html)
        assert not problems, problems
        if path == f"/middelfart/volunteers/{volunteer_id}":
            assert count == 1  # the status history has its first change; certificates and meetings are empty
        elif messages:
            assert count == 0, path


def _locale_of(html: str) -> str:
    start = html.index('lang="') + 6
    return html[start:html.index('"', start)]
