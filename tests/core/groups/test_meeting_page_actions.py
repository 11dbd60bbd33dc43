"""The group-meeting page as a coordinator works on it (issue 10): a meeting that has not taken place
says when attendance opens instead of offering a form the server refuses, names lead to the
volunteer's page, and the invitation list can be filtered as one types (the filter needs script;
without it the plain list works)."""
from __future__ import annotations

import html
import re

from core.extensions import db
from core.groups import services as groups


def page(client, meeting):
    response = client.get(f"/middelfart/group-meetings/{meeting.id}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def meeting_on(days, offset):
    return groups.create_meeting({"kind": "info_meeting", "title": "Informationsmøde", "on": days(offset)})


def test_a_future_meeting_says_when_attendance_opens(coordinator, in_tenant, days):
    later, today, past = meeting_on(days, 3), meeting_on(days, 0), meeting_on(days, -2)
    db.session.commit()
    html_text = page(coordinator, later)
    assert f"/group-meetings/{later.id}/attendance" not in html_text
    opens = re.search(r'data-testid="attendance-opens">([^<]*)<', html_text).group(1)
    assert opens.startswith("Attendance can be registered from ") and opens.endswith(", the day of the meeting.")
    for held in (today, past):
        html_text = page(coordinator, held)
        assert f'href="/middelfart/group-meetings/{held.id}/attendance"' in html_text
        assert 'data-testid="attendance-opens"' not in html_text
    # Nor does the attendance page, opened by its address, offer a form the server would refuse.
    ahead = coordinator.get(f"/middelfart/group-meetings/{later.id}/attendance").get_data(as_text=True)
    assert "mk-attendance-form" not in ahead and "The meeting has not taken place yet." in ahead
    held = coordinator.get(f"/middelfart/group-meetings/{past.id}/attendance").get_data(as_text=True)
    assert "mk-attendance-form" in held


def test_participants_link_to_the_volunteers_page(coordinator, in_tenant, days, volunteer_factory):
    anna = volunteer_factory("Anna Andersen")
    meeting = meeting_on(days, 3)
    groups.invite(meeting, [anna.id])
    db.session.commit()
    table = page(coordinator, meeting).split('data-testid="participants"', 1)[1].split("</table>", 1)[0]
    assert f'<th scope="row"><a href="/middelfart/volunteers/{anna.id}">Anna Andersen</a></th>' in table


def test_the_invitation_list_has_a_text_filter(coordinator, in_tenant, days, volunteer_factory):
    people = [volunteer_factory(name) for name in ("Anna Andersen", "Bo Bech", "Carla Cortes")]
    meeting = meeting_on(days, 3)
    db.session.commit()
    html_text = page(coordinator, meeting)
    form = html_text.split('data-testid="invite-form"', 1)[1].split("</form>", 1)[0]
    assert re.search(r'<div class="form-group mk-choice-filter" data-mk-filter="invite-choices" hidden>', form)
    choices = form.split('<div class="mk-checkbox-list" id="invite-choices">', 1)[1]
    assert choices.count('<div class="form-group-checkbox" data-mk-choice>') == len(people)
    for person in people:
        assert f'id="invite-{person.id}"' in choices


def test_the_error_summary_of_the_invitation_links_to_the_list_of_volunteers(coordinator, in_tenant, days,
                                                                              volunteer_factory):
    from tests.conftest import post_form

    volunteer_factory("Anna Andersen")
    meeting = meeting_on(days, 3)
    db.session.commit()
    url = f"/middelfart/group-meetings/{meeting.id}"
    response = post_form(coordinator, f"{url}/invite", {}, page=url)
    assert response.status_code == 422
    body = html.unescape(response.get_data(as_text=True))
    targets = re.findall(r'href="#([^"]+)" data-testid="error-link"', body)
    assert targets, "the summary names the field"
    for target in targets:  # every link leads to something on the page that can take focus
        assert re.search(rf'<fieldset id="{re.escape(target)}" tabindex="-1"', body), target
