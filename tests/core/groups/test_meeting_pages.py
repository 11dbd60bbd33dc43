"""The coordinator's group-meeting pages: list with filters and pages, create and edit, invitations
(chosen volunteers or a standing group's members), attendance with walk-ins; standing groups and
their members. Refusals are shown next to the field with status 422 or 409; nothing is half-saved."""
from __future__ import annotations

import re
from datetime import time

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.groups import services as groups
from core.groups.models import GroupMeeting, GroupMeetingParticipant, VolunteerGroup
from core.volunteers.models import VolunteerStatusChange
from tests.conftest import post_form
from tests.core.training.conftest import field_error, form_alert, text

HOURS = "A meeting lasts between half an hour and 24 hours. Enter the length in hours, for example 2 or 1.5."
UNKNOWN_VOLUNTEER = "A chosen volunteer was not found. Reload the page and choose again."


@pytest.fixture
def app_config():
    return {"PAGE_SIZE": 5}


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def meeting(days, offset=-3, kind="experience_group", **data):
    return groups.create_meeting({"kind": kind, "title": data.pop("title", "Erfamøde"), "on": days(offset), **data})


def titles(html):
    body = re.search(r'data-testid="meeting-list">(.*?)</table>', html, re.S)
    return re.findall(r'<th scope="row"><a [^>]*>([^<]*)</a></th>', body.group(1)) if body else []


def test_list_filters_by_kind_and_time_and_is_paginated(coordinator, in_tenant, days):
    for i in range(7):
        meeting(days, -10 - i, title=f"Erfamøde {i}")
    meeting(days, 5, kind="supervision", title="Supervision")
    meeting(days, 12, kind="info_meeting", title="Infomøde")
    db.session.commit()

    page = text(coordinator.get("/middelfart/group-meetings/"))
    assert "9 meetings" in page and len(titles(page)) == 5 and "Page 1 of 2" in page
    assert titles(page)[:2] == ["Infomøde", "Supervision"]  # newest first
    page = text(coordinator.get("/middelfart/group-meetings/?page=2"))
    assert titles(page) == ["Erfamøde 3", "Erfamøde 4", "Erfamøde 5", "Erfamøde 6"]
    page = text(coordinator.get("/middelfart/group-meetings/?when=upcoming"))
    assert titles(page) == ["Supervision", "Infomøde"]  # soonest first
    page = text(coordinator.get("/middelfart/group-meetings/?when=past&kind=experience_group&page=2"))
    assert "7 meetings" in page and titles(page) == ["Erfamøde 5", "Erfamøde 6"]
    assert 'href="/middelfart/group-meetings/?page=1&amp;kind=experience_group&amp;when=past"' in page
    page = text(coordinator.get("/middelfart/group-meetings/?kind=supervision"))
    assert titles(page) == ["Supervision"]
    page = text(coordinator.get("/middelfart/group-meetings/?kind=nonsense&when=later&page=x"))
    assert "9 meetings" in page  # unknown filters are ignored


def test_create_and_edit_a_meeting(coordinator, in_tenant, days):
    group = groups.create_group("Erfagruppe 1", "experience_group")
    db.session.commit()
    response = post_form(coordinator, "/middelfart/group-meetings/new", {
        "kind": "experience_group", "title": "Erfamøde marts", "on": days(10).strftime("%d.%m.%Y"), "starts_at": "19.00",
        "hours": "1,5", "place": "Kulturøen", "description": "Erfaringsudveksling", "group_id": str(group.id)})
    assert response.status_code == 302
    created = db.session.scalar(select(GroupMeeting))
    assert (created.kind, created.on, created.starts_at, str(created.hours), created.group_id) == (
        "experience_group", days(10), time(19, 0), "1.5", group.id)
    page = text(coordinator.get(response.location))
    assert 'data-testid="meeting-kind">Experience group<' in page and "Invite the group's members" in page

    response = post_form(coordinator, f"/middelfart/group-meetings/{created.id}/edit", {
        "kind": "supervision", "title": "Supervision", "on": days(11).isoformat(), "hours": "", "group_id": ""})
    assert response.status_code == 302
    db.session.refresh(created)
    assert (created.kind, created.on, created.hours, created.group_id) == ("supervision", days(11), None, None)


@pytest.mark.parametrize("data, field, message", [
    ({"kind": "party"}, "kind", '"party" is not one of the choices. Choose one from the list.'),
    ({"kind": ""}, "kind", "No kind of meeting is chosen. Choose one from the list."),
    ({"hours": "0"}, "hours", HOURS),
    ({"hours": "30"}, "hours", HOURS),
    ({"on": "2026-02-30"}, "on", "The date cannot be read. Write it as dd/mm/yyyy, for example 14/03/2026."),
    ({"on": ""}, "on", "The date is missing. Write it as dd/mm/yyyy, for example 14/03/2026."),
    ({"title": ""}, "title", "The title is missing. Write the meeting's title."),
    ({"title": "x" * 121}, "title", "The text has 121 characters. Shorten it to at most 120."),
    ({"group_id": "999"}, "group_id", "The chosen group was not found. Reload the page and choose again."),
    ({"group_id": "abc"}, "group_id", "The chosen group was not found. Reload the page and choose again."),
])
def test_invalid_meetings_are_refused_next_to_the_field(coordinator, in_tenant, days, data, field, message):
    form = {"kind": "social_event", "title": "Sommerfest", "on": days(20).isoformat(), "hours": "3", **data}
    response = post_form(coordinator, "/middelfart/group-meetings/new", form)
    assert response.status_code == 422
    assert field_error(text(response), field) == message
    assert count(GroupMeeting) == 0


def test_invite_chosen_volunteers_and_a_groups_members(coordinator, in_tenant, days, volunteer_factory):
    from core.volunteers import services as volunteers

    anna, bo, carl, gone = (volunteer_factory(n) for n in ("Anna", "Bo", "Carl", "Gone"))
    volunteers.change_status(gone, "left", days(-1))
    group = groups.create_group("Erfagruppe 1", "experience_group")
    groups.set_group_members(group, [bo.id, carl.id])
    m = meeting(days, 7, group_id=group.id)
    db.session.commit()
    url = f"/middelfart/group-meetings/{m.id}"
    page = text(coordinator.get(url))
    assert f'id="invite-{anna.id}"' in page and f'id="invite-{gone.id}"' not in page

    assert post_form(coordinator, f"{url}/invite", {"volunteer_ids": [str(anna.id)]}, page=url).status_code == 302
    assert post_form(coordinator, f"{url}/invite-group", page=url).status_code == 302
    page = text(coordinator.get(url))
    assert "2 volunteers have been invited." in page and 'data-testid="invited-count">3<' in page
    assert f'id="invite-{anna.id}"' not in page  # already invited

    response = post_form(coordinator, f"{url}/invite", {"volunteer_ids": [str(gone.id)]}, page=url)
    assert response.status_code == 422
    assert field_error(text(response), "volunteer_ids") == (
        "Gone has left the corps and cannot be invited. Untick them and invite again.")
    response = post_form(coordinator, f"{url}/invite", {}, page=url)
    assert response.status_code == 422 and field_error(text(response), "volunteer_ids") == "Tick at least one volunteer."
    response = post_form(coordinator, f"{url}/invite", {"volunteer_ids": ["12345"]}, page=url)
    assert response.status_code == 422 and field_error(text(response), "volunteer_ids") == UNKNOWN_VOLUNTEER
    assert count(GroupMeetingParticipant) == 3


def test_a_meeting_without_a_group_cannot_invite_a_group(coordinator, in_tenant, days):
    m = meeting(days, 7)
    db.session.commit()
    url = f"/middelfart/group-meetings/{m.id}"
    response = post_form(coordinator, f"{url}/invite-group", page=url)
    assert response.status_code == 422 and ("The meeting belongs to no standing group, so there are no members to invite. "
                                            "Choose the volunteers to invite instead.") in text(response)


def test_attendance_with_a_walk_in_and_an_info_meeting_moves_applicants_on(coordinator, in_tenant, days, volunteer_factory):
    anna, bo, walk_in = volunteer_factory("Anna"), volunteer_factory("Bo"), volunteer_factory("Walk In")
    info = meeting(days, -1, kind="info_meeting", title="Informationsmøde")
    groups.invite(info, [anna.id, bo.id])
    db.session.commit()
    url = f"/middelfart/group-meetings/{info.id}/attendance"
    page = text(coordinator.get(url))
    assert f'id="came-{anna.id}"' in page and f'id="walk-in-{walk_in.id}"' in page and f'id="walk-in-{anna.id}"' not in page
    response = post_form(coordinator, url, {"shown": [str(anna.id), str(bo.id)], "came": [str(anna.id)],
                                            "walk_in": [str(walk_in.id)]})
    assert response.status_code == 302
    came = dict(db.session.execute(select(GroupMeetingParticipant.volunteer_id, GroupMeetingParticipant.attended)).all())
    assert came == {anna.id: True, bo.id: False, walk_in.id: True}
    for person in (anna, bo, walk_in):
        db.session.refresh(person)
    assert (anna.status, bo.status, walk_in.status) == ("info_meeting", "applicant", "info_meeting")
    change = db.session.scalar(select(VolunteerStatusChange).where(VolunteerStatusChange.volunteer_id == anna.id,
                                                                   VolunteerStatusChange.to_status == "info_meeting"))
    assert change.on == days(-1)
    page = text(coordinator.get(f"/middelfart/group-meetings/{info.id}"))
    assert 'data-testid="came-count">2<' in page and "Came without an invitation" in page


def test_a_future_meeting_is_refused_with_the_message(coordinator, in_tenant, days, volunteer_factory):
    anna = volunteer_factory("Anna")
    later = meeting(days, 2)
    groups.invite(later, [anna.id])
    db.session.commit()
    url = f"/middelfart/group-meetings/{later.id}/attendance"
    assert "has not taken place yet" in text(coordinator.get(url))
    response = post_form(coordinator, url, {"shown": [str(anna.id)], "came": [str(anna.id)]})
    assert response.status_code == 409
    assert form_alert(text(response)).endswith("Attendance can be registered from the day of the meeting.")
    assert db.session.scalar(select(GroupMeetingParticipant.attended)) is None


def test_unknown_people_in_attendance_are_refused_and_nothing_is_saved(coordinator, in_tenant, days, volunteer_factory):
    anna = volunteer_factory("Anna")
    m = meeting(days, -1)
    groups.invite(m, [anna.id])
    db.session.commit()
    url = f"/middelfart/group-meetings/{m.id}/attendance"
    for data in ({"shown": [str(anna.id)], "came": [str(anna.id)], "walk_in": ["424242"]},
                 {"shown": [str(anna.id)], "came": ["x"]}):
        response = post_form(coordinator, url, data)
        assert response.status_code == 422
        assert form_alert(text(response))
    assert db.session.scalar(select(GroupMeetingParticipant.attended)) is None and count(GroupMeetingParticipant) == 1


def test_standing_groups_create_and_members(coordinator, in_tenant, volunteer_factory):
    anna, bo, carl = (volunteer_factory(n) for n in ("Anna", "Bo", "Carl"))
    db.session.commit()
    response = post_form(coordinator, "/middelfart/groups/", {"name": "Erfagruppe 3", "kind": "experience_group"})
    assert response.status_code == 302
    group = db.session.scalar(select(VolunteerGroup))
    assert response.location.endswith(f"/middelfart/groups/{group.id}")
    url = response.location
    response = post_form(coordinator, url, {"volunteer_ids": [str(anna.id), str(carl.id)]})
    assert response.status_code == 302
    page = text(coordinator.get(url))
    assert 'data-testid="member-count">2 members<' in page
    assert f'id="member-{anna.id}" checked' in page and f'id="member-{bo.id}">' in page
    assert re.search(r"Erfagruppe 3</a></th>\s*<td>Experience group</td>\s*<td[^>]*>2</td>",
                     text(coordinator.get("/middelfart/groups/")))
    # A new meeting for the group starts with the group and its kind chosen.
    page = text(coordinator.get(f"/middelfart/group-meetings/new?group_id={group.id}&kind=experience_group"))
    assert f'<option selected value="{group.id}">' in page and '<option selected value="experience_group">' in page

    response = post_form(coordinator, url, {"volunteer_ids": [str(anna.id), "999"]})
    assert response.status_code == 422 and field_error(text(response), "volunteer_ids") == UNKNOWN_VOLUNTEER
    db.session.expire_all()
    assert {v.id for v in groups.get_group(group.id).members} == {anna.id, carl.id}
    assert post_form(coordinator, url, {}).status_code == 302  # nobody ticked: no members
    db.session.expire_all()
    assert groups.get_group(group.id).members == []


@pytest.mark.parametrize("data, field, message", [
    ({"name": "Supervisionsgruppe", "kind": "supervision"}, "kind",
     '"supervision" is not one of the choices. Choose one from the list.'),
    ({"name": "", "kind": "experience_group"}, "name", "The name is missing. Write the group's name."),
    ({"name": "x" * 121, "kind": "sparring_group"}, "name", "The text has 121 characters. Shorten it to at most 120."),
])
def test_invalid_groups_are_refused(coordinator, in_tenant, data, field, message):
    response = post_form(coordinator, "/middelfart/groups/", data)
    assert response.status_code == 422
    assert field_error(text(response), field) == message
    assert count(VolunteerGroup) == 0


def test_pages_belong_to_coordinators_of_the_tenant(client, coordinator, in_tenant, days, tenant, user_factory, other_tenant):
    from tests.conftest import login

    m = meeting(days, -1)
    db.session.commit()
    assert coordinator.get(f"/ishoej/group-meetings/{m.id}").status_code == 404
    assert coordinator.get(f"/middelfart/group-meetings/{m.id + 1}").status_code == 404
    other = client.application.test_client()
    login(other, user_factory(tenant, "caseworker"), tenant)
    for url in ("/middelfart/group-meetings/", f"/middelfart/group-meetings/{m.id}/attendance", "/middelfart/groups/"):
        assert other.get(url).status_code == 403
