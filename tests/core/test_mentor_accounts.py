"""A mentor login for an address that already has an account in another municipality: the
coordinator is told nothing about it (the answer is the same as for a new address), and the person
becomes a mentor here with the account they have (one user, two memberships)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from core.accounts import services as accounts
from core.accounts.models import Membership, User
from core.extensions import db
from core.tenancy import tenant_context, unscoped
from core.volunteers import services as volunteers
from core.volunteers.models import Volunteer
from tests.conftest import PASSWORD, login, post_form
from tests.core.volunteers.helpers import as_tenant

MENTOR_PASSWORD = "given-by-the-coordinator-1"


@pytest.fixture
def ishoej_coordinator(app, other_tenant, user_factory):
    return login(app.test_client(), user_factory(other_tenant, "coordinator"), other_tenant)


def _volunteer(tenant, name="Sara Frivillig") -> int:
    with as_tenant(tenant):
        return volunteers.create_volunteer({"name": name}).id


def _give_login(client, tenant, volunteer_id, email):
    base = f"/{tenant.slug}/volunteers/{volunteer_id}"
    return post_form(client, f"{base}/account", {"account-email": email, "account-password": MENTOR_PASSWORD}, page=base)


def _what_the_coordinator_sees(client, tenant, response, volunteer_id, email) -> tuple:
    """Status, where it leads, and the page there with the address, the ids and tokens masked."""
    page = client.get(response.location).get_data(as_text=True) if response.status_code == 302 else response.get_data(as_text=True)
    page = page.replace(email, "<EMAIL>").replace(f"/volunteers/{volunteer_id}", "/volunteers/<ID>")
    page = re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1<TOKEN>", page)
    location = (response.location or "").replace(str(volunteer_id), "<ID>")
    return response.status_code, location, page


def test_an_address_with_an_account_elsewhere_gets_the_same_answer_as_a_new_one(
        app, tenant, other_tenant, user_factory, ishoej_coordinator):
    elsewhere = user_factory(tenant, "mentor", email="sara@example.dk", name="Sara i Middelfart")
    fresh_id = _volunteer(other_tenant)
    known_id = _volunteer(other_tenant)

    fresh = _give_login(ishoej_coordinator, other_tenant, fresh_id, "new-person@example.dk")
    seen_fresh = _what_the_coordinator_sees(ishoej_coordinator, other_tenant, fresh, fresh_id, "new-person@example.dk")
    known = _give_login(ishoej_coordinator, other_tenant, known_id, "Sara@Example.dk ")
    seen_known = _what_the_coordinator_sees(ishoej_coordinator, other_tenant, known, known_id, "sara@example.dk")

    assert fresh.status_code == 302
    assert seen_known == seen_fresh
    assert "Middelfart" not in seen_known[2]

    # One person, two municipalities: the same user with a mentor membership in each.
    with unscoped():
        assert db.session.scalar(select(func.count(User.id)).where(User.email == "sara@example.dk")) == 1
    assert accounts.membership_of(elsewhere, other_tenant).role == "mentor"
    assert accounts.membership_of(elsewhere, tenant).role == "mentor"
    with tenant_context(other_tenant):
        assert db.session.get(Volunteer, known_id).user_id == elsewhere.id
    # The existing account is not changed: the coordinator's password does not open it, its own does.
    db.session.expire_all()
    assert elsewhere.name == "Sara i Middelfart"
    assert accounts.authenticate("sara@example.dk", MENTOR_PASSWORD) is None
    assert accounts.authenticate("sara@example.dk", PASSWORD) is not None


def test_the_mentor_signs_in_to_both_municipalities_with_one_account(app, tenant, other_tenant, user_factory,
                                                                      ishoej_coordinator):
    person = user_factory(tenant, "mentor", email="sara@example.dk")
    volunteer_id = _volunteer(other_tenant)
    assert _give_login(ishoej_coordinator, other_tenant, volunteer_id, "sara@example.dk").status_code == 302
    mentor = login(app.test_client(), person, other_tenant)
    assert mentor.get(f"/{other_tenant.slug}/me/").status_code == 200
    assert mentor.get(f"/{tenant.slug}/").status_code == 200  # one session, both memberships


def test_refusals_do_not_depend_on_an_account_elsewhere(app, tenant, other_tenant, user_factory, ishoej_coordinator):
    user_factory(tenant, "mentor", email="sara@example.dk")
    answers = []
    for email in ("sara@example.dk", "new-person@example.dk"):
        volunteer_id = _volunteer(other_tenant)
        base = f"/{other_tenant.slug}/volunteers/{volunteer_id}"
        response = post_form(ishoej_coordinator, f"{base}/account", {"account-email": email, "account-password": "short"},
                             page=base)
        answers.append(_what_the_coordinator_sees(ishoej_coordinator, other_tenant, response, volunteer_id, email))
    assert answers[0][0] == 422 and answers[0] == answers[1]
    assert accounts.membership_of(accounts.find_user("sara@example.dk"), other_tenant) is None


def test_an_address_that_is_already_a_member_here_is_refused(app, other_tenant, user_factory, ishoej_coordinator):
    """Memberships of the coordinator's own municipality are theirs to know."""
    colleague = user_factory(other_tenant, "caseworker", email="kollega@example.dk")
    volunteer_id = _volunteer(other_tenant)
    response = _give_login(ishoej_coordinator, other_tenant, volunteer_id, "kollega@example.dk")
    assert response.status_code == 422
    with tenant_context(other_tenant):
        assert db.session.get(Volunteer, volunteer_id).user_id is None
        assert db.session.scalar(select(Membership.role).where(Membership.user_id == colleague.id)) == "caseworker"


def test_add_member_creates_a_new_user_for_a_new_address(db, tenant):
    user = accounts.add_member(tenant, "Ny@Example.dk", MENTOR_PASSWORD, "mentor", name="Ny Mentor")
    assert user.email == "ny@example.dk" and user.name == "Ny Mentor"
    assert accounts.authenticate("ny@example.dk", MENTOR_PASSWORD) is user
    assert accounts.membership_of(user, tenant).role == "mentor"
