"""The course pages send a fixed number of SQL statements however many courses, sessions and
participants there are (no query per row)."""
from __future__ import annotations

from core.extensions import db
from core.training import services as training


def build(days, volunteer_factory, courses, sessions, people):
    made = []
    volunteers = [volunteer_factory() for _ in range(people)]
    for n in range(courses):
        course = training.create_course({"title": f"Kursus {n}", "max_participants": max(people - 2, 1)})
        for i in range(sessions):
            training.add_session(course, days(-40 + 7 * i), 3)
        for volunteer in volunteers:
            training.enroll(course, volunteer)
        made.append(course)
    first = made[0]
    for session in first.sessions:
        training.register_attendance(session, {e.volunteer_id: (e.volunteer_id + session.id) % 3 > 0
                                               for e in first.enrollments if e.state == "enrolled"})
    db.session.commit()
    return first


def measure(client, count_queries, url):
    client.get(url)  # warm up (the hook relay and the like are cached per process)
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_course_pages_have_a_constant_number_of_queries(coordinator, count_queries, days, volunteer_factory, capsys):
    small = build(days, volunteer_factory, courses=2, sessions=2, people=3)
    small_counts = [measure(coordinator, count_queries, url) for url in (
        "/middelfart/courses/", f"/middelfart/courses/{small.id}",
        f"/middelfart/courses/{small.id}/sessions/{small.sessions[0].id}/attendance")]

    big = build(days, volunteer_factory, courses=25, sessions=5, people=40)
    big_counts = [measure(coordinator, count_queries, url) for url in (
        "/middelfart/courses/", f"/middelfart/courses/{big.id}",
        f"/middelfart/courses/{big.id}/sessions/{big.sessions[0].id}/attendance")]

    with capsys.disabled():
        print(f"\nqueries (list, course page, attendance): small {small_counts}, large {big_counts}")
    assert big_counts == small_counts
