"""A mentor's meeting history grows with the years: the coordinator's volunteer page and the
mentor's own page show the newest meetings, and the whole history one link away."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from core.groups import services as groups
from core.volunteers import services
from core.volunteers.views import MEETINGS_SHOWN
from tests.core.volunteers.helpers import as_tenant, days_ago, sign_in_as_mentor_of, text

BASE = "/middelfart/volunteers"
PAST = MEETINGS_SHOWN + 3


@pytest.fixture
def veteran(tenant):
    """A volunteer invited to PAST experience groups, a month apart, and one upcoming supervision."""
    with as_tenant(tenant):
        volunteer = services.create_volunteer({"name": "Vera Veteran"})
        for n in range(PAST):
            meeting = groups.create_meeting({"kind": "experience_group", "title": f"Erfagruppe nr. {n + 1}",
                                             "on": days_ago(30 * (PAST - n))})
            groups.invite(meeting, [volunteer.id])
            groups.register_attendance(meeting, {volunteer.id: n % 2 == 0})
        coming = groups.create_meeting({"kind": "supervision", "title": "Supervision snart",
                                        "on": date.today() + timedelta(days=14)})
        groups.invite(coming, [volunteer.id])
        volunteer_id = volunteer.id
    return volunteer_id


def _titles(page: str, testid: str) -> list[str]:
    table = page.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<td>((?:Erfagruppe nr\. \d+)|Supervision snart)</td>", table)


def test_the_volunteer_page_shows_the_newest_meetings_and_links_to_all(coordinator, veteran):
    page = text(coordinator.get(f"{BASE}/{veteran}"))
    newest = ["Supervision snart"] + [f"Erfagruppe nr. {n}" for n in range(PAST, PAST - MEETINGS_SHOWN + 1, -1)]
    assert _titles(page, "meetings") == newest
    note = page.split('data-testid="meetings-all"', 1)[1].split("</p>", 1)[0]
    assert f"Showing the newest {MEETINGS_SHOWN} of {PAST + 1} meetings." in note
    assert f'href="{BASE}/{veteran}?meetings=all#meetings"' in note

    page = text(coordinator.get(f"{BASE}/{veteran}?meetings=all"))
    assert _titles(page, "meetings") == ["Supervision snart"] + [f"Erfagruppe nr. {n}" for n in range(PAST, 0, -1)]
    assert 'data-testid="meetings-all"' not in page
    # the section asked for is open; the others keep their state
    assert re.search(r'aria-controls="meetings-panel"(?! data-mk-closed)', page)
    assert 'aria-controls="courses-panel" data-mk-closed' in page


def test_a_short_history_is_shown_whole_without_a_link(coordinator, tenant):
    with as_tenant(tenant):
        volunteer = services.create_volunteer({"name": "Nina Ny"})
        meeting = groups.create_meeting({"kind": "experience_group", "title": "Erfagruppe nr. 1", "on": days_ago(3)})
        groups.invite(meeting, [volunteer.id])
        volunteer_id = volunteer.id
    page = text(coordinator.get(f"{BASE}/{volunteer_id}"))
    assert _titles(page, "meetings") == ["Erfagruppe nr. 1"]
    assert 'data-testid="meetings-all"' not in page


def test_the_mentors_own_page_shows_the_newest_past_meetings_and_links_to_all(client, tenant, user_factory, veteran):
    sign_in_as_mentor_of(client, tenant, user_factory, veteran)
    page = text(client.get("/middelfart/me/"))
    assert _titles(page, "upcoming-meetings") == ["Supervision snart"]
    assert _titles(page, "past-meetings") == [f"Erfagruppe nr. {n}" for n in range(PAST, PAST - MEETINGS_SHOWN, -1)]
    note = page.split('data-testid="past-meetings-all"', 1)[1].split("</p>", 1)[0]
    assert f"Showing the newest {MEETINGS_SHOWN} of {PAST} meetings." in note
    assert 'href="/middelfart/me/?meetings=all#meetings-heading"' in note

    page = text(client.get("/middelfart/me/?meetings=all"))
    assert _titles(page, "past-meetings") == [f"Erfagruppe nr. {n}" for n in range(PAST, 0, -1)]
    assert 'data-testid="past-meetings-all"' not in page
