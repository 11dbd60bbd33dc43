"""A mentor's own pages: the login a coordinator gives, the own profile, course and meetings, the
few fields a mentor may change, and never another volunteer."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.accounts.models import Membership, User
from core.extensions import db
from core.groups import services as groups
from core.tenancy import tenant_context, unscoped
from core.training import services as training
from core.volunteers import services
from core.volunteers.models import Volunteer
from tests.conftest import login, post_form
from tests.core.volunteers.conftest import use_english
from tests.core.volunteers.helpers import as_tenant, days_ago, field_error, sign_in_as_mentor_of, text

BASE = "/middelfart/volunteers"


def give_login(client, volunteer_id, email="mette@example.dk", password="mentor-password-1"):
    return post_form(client, f"{BASE}/{volunteer_id}/account", {"account-email": email, "account-password": password},
                     page=f"{BASE}/{volunteer_id}")


@pytest.fixture
def mette(tenant):
    """A volunteer on a course, invited to a past and an upcoming meeting."""
    with as_tenant(tenant):
        volunteer = services.create_volunteer({"name": "Mette Mentor", "email": "mette@example.dk", "phone": "11223344",
                                               "languages": ["dansk"], "capacity": 2, "recruited_on": days_ago(60)})
        course = training.create_course({"title": "Mentorkursus efterår"})
        session = training.add_session(course, days_ago(20), 3, place="Biblioteket")
        training.add_session(course, date.today() + timedelta(days=7), 3)
        training.enroll(course, volunteer)
        training.register_attendance(session, {volunteer.id: True})
        past = groups.create_meeting({"kind": "experience_group", "title": "Erfagruppe marts", "on": days_ago(10)})
        coming = groups.create_meeting({"kind": "supervision", "title": "Supervision juni",
                                        "on": date.today() + timedelta(days=14)})
        groups.invite(past, [volunteer.id])
        groups.register_attendance(past, {volunteer.id: True})
        groups.invite(coming, [volunteer.id])
        other = services.create_volunteer({"name": "Anden Frivillig"})
        ids = volunteer.id, other.id
    return ids


def test_a_coordinator_gives_a_mentor_login_and_the_mentor_sees_only_their_own(app, coordinator, tenant, mette):
    volunteer_id, other_id = mette
    response = give_login(coordinator, volunteer_id)
    assert response.status_code == 302
    page = text(coordinator.get(f"{BASE}/{volunteer_id}"))
    assert "Signs in as a mentor with mette@example.dk." in page and 'data-testid="account-form"' not in page

    with unscoped():
        user = db.session.scalar(select(User).where(User.email == "mette@example.dk"))
    with tenant_context(tenant):
        assert db.session.scalar(select(Membership.role).where(Membership.user_id == user.id)) == "mentor"
        assert db.session.get(Volunteer, volunteer_id).user_id == user.id

    mentor = app.test_client()
    token_page = mentor.get("/middelfart/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', token_page).group(1)
    assert mentor.post("/middelfart/login", data={"email": "mette@example.dk", "password": "mentor-password-1",
                                                   "csrf_token": token}).status_code == 302
    use_english(mentor, tenant)
    page = text(mentor.get("/middelfart/me/"))
    assert "Mette Mentor" in page and "11223344" in page and "dansk" in page
    assert "Mentorkursus efterår" in page and "Biblioteket" in page and "Attended" in page
    upcoming = page.split('data-testid="upcoming-meetings"', 1)[1].split("</table>", 1)[0]
    past = page.split('data-testid="past-meetings"', 1)[1].split("</table>", 1)[0]
    assert "Supervision juni" in upcoming and "Invited" in upcoming and "Erfagruppe marts" not in upcoming
    assert "Erfagruppe marts" in past and "Attended" in past
    assert "Anden Frivillig" not in page
    assert 'href="/middelfart/me/"' in page  # the menu

    for path in (f"{BASE}/", f"{BASE}/{other_id}", f"{BASE}/{volunteer_id}", f"{BASE}/{other_id}/edit",
                 f"{BASE}/waiting-list", f"{BASE}/recruitment", f"{BASE}/new", "/middelfart/settings/"):
        assert mentor.get(path).status_code == 403, path
    response = post_form(mentor, f"{BASE}/{other_id}/status", {"status-status": "info_meeting",
                                                               "status-on": date.today().isoformat()},
                         page="/middelfart/me/")
    assert response.status_code == 403
    assert coordinator.get("/middelfart/me/").status_code == 403  # the mentor pages are a mentor's


def test_a_mentor_edits_only_the_self_service_fields(app, client, tenant, user_factory, mette):
    volunteer_id, _ = mette
    sign_in_as_mentor_of(client, tenant, user_factory, volunteer_id)
    page = text(client.get("/middelfart/me/edit"))
    assert 'value="11223344"' in page and 'name="capacity"' not in page and 'name="name"' not in page

    data = {"phone": "99887766", "postcode": "5500", "background": "", "languages": "dansk, polsk", "interests": "fodbold",
            "work_background": "Tømrer", "competences": "", "wishes": "En ung der vil i lære", "reservations": "",
            # posted directly, not on the form: ignored
            "name": "Hacker", "capacity": "9", "recruitment_channel": "tv2", "status": "active"}
    response = post_form(client, "/middelfart/me/edit", data)
    assert response.status_code == 302
    volunteer = _load(tenant, volunteer_id)
    assert (volunteer.phone, volunteer.postcode, volunteer.languages, volunteer.work_background) == (
        "99887766", "5500", ["dansk", "polsk"], "Tømrer")
    assert volunteer.name == "Mette Mentor" and volunteer.capacity == 2 and volunteer.status == "in_training"

    response = post_form(client, "/middelfart/me/edit", {**data, "phone": "1" * 41, "languages": ", ".join(f"sprog{n}" for n in range(21))})
    assert response.status_code == 422
    page = text(response)
    assert field_error(page, "phone") == "The text has 41 characters. Shorten it to at most 40."
    assert field_error(page, "languages") == "There are 21. Keep the 20 that matter most, separated by commas."
    assert _load(tenant, volunteer_id).phone == "99887766"


def _load(tenant, volunteer_id):
    db.session.rollback()
    with tenant_context(tenant):
        volunteer = db.session.get(Volunteer, volunteer_id)
        db.session.expunge(volunteer)
    return volunteer


def test_a_mentor_without_a_linked_volunteer_gets_a_friendly_message(client, tenant, user_factory):
    login(client, user_factory(tenant, "mentor"), tenant)
    use_english(client, tenant)
    response = client.get("/middelfart/me/")
    assert response.status_code == 200
    assert "not linked to a volunteer profile yet" in text(response)
    assert client.get("/middelfart/me/edit").status_code == 404


@pytest.mark.parametrize("email, password, field, message", [
    ("mette@example.dk", "kort", "account-password", "The password is too short. Use at least 10 characters."),
    ("ikke-en-adresse", "mentor-password-1", "account-email",
     "The e-mail address is not valid. Write it as name@example.dk, with no spaces."),
    ("", "mentor-password-1", "account-email",
     "The e-mail address is missing. Enter the address the mentor will sign in with."),
    # An address with an account elsewhere is no refusal (it told a coordinator about another
    # municipality's user): tests/core/test_mentor_accounts.py.
])
def test_a_mentor_login_with_invalid_input_is_refused(coordinator, tenant, user_factory, mette, email, password, field, message):
    user_factory(None, email="taken@example.dk")
    volunteer_id, _ = mette
    with unscoped():
        users_before = db.session.scalar(select(func.count(User.id)))
    response = give_login(coordinator, volunteer_id, email, password)
    assert response.status_code == 422
    assert field_error(text(response), field) == message
    with unscoped():
        assert db.session.scalar(select(func.count(User.id))) == users_before
    assert _load(tenant, volunteer_id).user_id is None


def test_a_volunteer_gets_one_login_only(coordinator, tenant, mette):
    volunteer_id, _ = mette
    assert give_login(coordinator, volunteer_id).status_code == 302
    # posted again directly (the form is gone from the page)
    response = post_form(coordinator, f"{BASE}/{volunteer_id}/account",
                         {"account-email": "mette2@example.dk", "account-password": "mentor-password-2"},
                         page=f"{BASE}/{volunteer_id}")
    assert response.status_code == 409
    with unscoped():
        assert db.session.scalar(select(User).where(User.email == "mette2@example.dk")) is None
