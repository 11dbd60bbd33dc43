"""The volunteer list and a volunteer's page render with a constant number of SQL statements,
however many volunteers (2,000) or history rows there are."""
from __future__ import annotations

import re
from datetime import date, timedelta

from core.extensions import db
from core.groups import services as groups
from core.training import services as training
from core.volunteers import services
from core.volunteers.models import Volunteer
from tests.core.volunteers.helpers import as_tenant, days_ago, text

BASE = "/middelfart/volunteers"
CHANNELS = ("press", "brochure", "word_of_mouth", None)
STATUSES = ("applicant", "info_meeting", "in_training", "approved", "active", "paused")


def bulk_volunteers(tenant, start: int, count: int) -> None:
    with as_tenant(tenant):
        db.session.add_all([
            Volunteer(name=f"Frivillig {n:04d}", email=f"frivillig{n}@example.dk", status=STATUSES[n % len(STATUSES)],
                      status_since=days_ago(n % 300), recruited_on=days_ago(n % 300), capacity=1 + n % 3,
                      recruitment_channel=CHANNELS[n % len(CHANNELS)], languages=[], interests=[],
                      birth_date=date(1950 + n % 50, 1 + n % 12, 1 + n % 28) if n % 5 else None)
            for n in range(start, start + count)])


def measure(client, count_queries, path) -> tuple[int, str]:
    client.get(path)  # warm: whatever is cached per process is not counted
    with count_queries() as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), text(response)


def test_the_list_of_2000_volunteers_needs_as_many_queries_as_a_list_of_5(coordinator, tenant, count_queries):
    bulk_volunteers(tenant, 1, 5)
    few, page = measure(coordinator, count_queries, f"{BASE}/")
    assert "5 volunteers" in page and page.count("Frivillig 000") == 5

    bulk_volunteers(tenant, 6, 1995)
    many, page = measure(coordinator, count_queries, f"{BASE}/")
    assert "2000 volunteers" in page
    assert many == few, f"{few} statements for 5 volunteers, {many} for 2,000"
    print(f"\nvolunteer list: {few} statements with 5 volunteers, {many} with 2,000")

    rows = re.findall(r'<th scope="row"><a href="[^"]+">(Frivillig \d+)</a></th>', page)
    assert rows == [f"Frivillig {n:04d}" for n in range(1, 51)]  # 50 a page, by name
    assert "Page 1 of 40" in page and 'href="/middelfart/volunteers/?page=2"' in page

    page2 = text(coordinator.get(f"{BASE}/?page=2"))
    rows = re.findall(r'<th scope="row"><a href="[^"]+">(Frivillig \d+)</a></th>', page2)
    assert rows == [f"Frivillig {n:04d}" for n in range(51, 101)]
    assert "Page 2 of 40" in page2 and "?page=1" in page2 and "?page=3" in page2

    # Filters stay in the pager's links and the count is the filtered one.
    filtered = text(coordinator.get(f"{BASE}/?status=active&channel=press"))
    assert "Page 1 of" in filtered
    assert "page=2" in filtered and "status=active" in filtered.split('class="pagination"', 1)[1]
    last = text(coordinator.get(f"{BASE}/?page=40"))
    assert "Page 40 of 40" in last and "Frivillig 2000" in last


def test_the_list_reads_only_the_columns_it_shows_not_the_free_texts(coordinator, tenant, count_queries):
    with as_tenant(tenant):
        services.create_volunteer({"name": "Fie Fritekst", "reservations": "Vil ikke have unge med misbrug",
                                   "wishes": "En ung der vil være tømrer", "languages": ["dansk", "polsk"],
                                   "birth_date": date(1980, 5, 1)})
    with count_queries() as queries:
        page = text(coordinator.get(f"{BASE}/"))
    assert "Fie Fritekst" in page
    [listed] = [s for s in queries.statements if s.lstrip().startswith("SELECT volunteer.id")]
    for shown in ("name", "status", "recruitment_channel", "capacity", "recruited_on", "birth_date"):
        assert f"volunteer.{shown}" in listed
    for hidden in ("reservations", "wishes", "languages", "email", "phone", "about_me"):
        assert f"volunteer.{hidden}" not in listed, hidden
    assert "misbrug" not in page and "tømrer" not in page


def _history(tenant, volunteer_id, size: int) -> None:
    """``size`` of every kind of history row: status changes, certificates, courses with sessions
    and attendance, group meetings."""
    with as_tenant(tenant):
        volunteer = db.session.get(Volunteer, volunteer_id)
        for n in range(size):
            services.add_screening(volunteer, "child_certificate" if n % 2 else "criminal_record", days_ago(100 + n))
        for n in range(size):
            course = training.create_course({"title": f"Kursus {volunteer_id}-{n}"})
            sessions = [training.add_session(course, days_ago(90 - n * 10 - k), 3, place=f"Lokale {k}") for k in range(size)]
            training.enroll(course, volunteer)
            for session in sessions:
                training.register_attendance(session, {volunteer_id: True})
        for n in range(size):
            meeting = groups.create_meeting({"kind": "experience_group", "title": f"Erfa {n}", "on": days_ago(40 - n),
                                             "place": "Rådhuset"})
            groups.invite(meeting, [volunteer_id])
            groups.register_attendance(meeting, {volunteer_id: n % 2 == 0})
        upcoming = groups.create_meeting({"kind": "social_event", "title": "Sommerfest", "on": date.today() + timedelta(days=30)})
        groups.invite(upcoming, [volunteer_id])
        if volunteer.status == "in_training":
            services.change_status(volunteer, "approved", days_ago(5))
            if size > 1:
                services.change_status(volunteer, "active", days_ago(4))
                services.change_status(volunteer, "paused", days_ago(3))
                services.change_status(volunteer, "active", days_ago(2))


def test_a_volunteers_page_needs_the_same_queries_for_a_short_and_a_long_history(coordinator, tenant, count_queries):
    with as_tenant(tenant):
        short_id = services.create_volunteer({"name": "Kort Historie", "recruited_on": days_ago(200)}).id
        long_id = services.create_volunteer({"name": "Lang Historie", "recruited_on": days_ago(200)}).id
    _history(tenant, short_id, 1)
    _history(tenant, long_id, 6)

    few, short_page = measure(coordinator, count_queries, f"{BASE}/{short_id}")
    many, long_page = measure(coordinator, count_queries, f"{BASE}/{long_id}")
    assert long_page.count("Kursus ") >= 6 and long_page.count("Erfa ") == 6 and "Sommerfest" in long_page
    assert long_page.count("Lokale ") == 36
    assert many == few, f"{few} statements for a short history, {many} for a long one"
    print(f"\nvolunteer page: {few} statements for a short history, {many} for a long one")
