"""The group-meeting pages send a fixed number of SQL statements however many meetings,
participants, groups and members there are (no query per row)."""
from __future__ import annotations

from core.extensions import db
from core.groups import services as groups


def build(days, volunteer_factory, meetings, people, n_groups):
    volunteers = [volunteer_factory() for _ in range(people)]
    ids = [v.id for v in volunteers]
    made_groups = []
    for n in range(n_groups):
        group = groups.create_group(f"Erfagruppe {n}", "experience_group")
        groups.set_group_members(group, ids[n::n_groups] or ids[:1])
        made_groups.append(group)
    made = []
    for n in range(meetings):
        meeting = groups.create_meeting({"kind": "experience_group", "title": f"Erfamøde {n}", "on": days(-1 - n),
                                         "group_id": made_groups[n % n_groups].id})
        groups.invite(meeting, ids)
        groups.register_attendance(meeting, {i: i % 2 == 0 for i in ids})
        made.append(meeting)
    db.session.commit()
    return made[0], made_groups[0]


def measure(client, count_queries, url):
    client.get(url)  # warm up
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def urls(meeting, group):
    return ("/middelfart/group-meetings/", "/middelfart/group-meetings/?kind=experience_group&when=past",
            f"/middelfart/group-meetings/{meeting.id}", f"/middelfart/group-meetings/{meeting.id}/attendance",
            "/middelfart/groups/", f"/middelfart/groups/{group.id}")


def test_meeting_pages_have_a_constant_number_of_queries(coordinator, count_queries, days, volunteer_factory, capsys):
    small = [measure(coordinator, count_queries, url) for url in urls(*build(days, volunteer_factory, 2, 3, 1))]
    big = [measure(coordinator, count_queries, url) for url in urls(*build(days, volunteer_factory, 60, 40, 5))]
    with capsys.disabled():
        print(f"\nqueries (list, filtered list, meeting, attendance, groups, group): small {small}, large {big}")
    assert big == small
