"""The municipality's settings change what the pages and the eligibility say; the pages speak the
language the user chose."""
from __future__ import annotations

import re
from datetime import date

import pytest
from babel.dates import format_date

from core.extensions import db
from core.settings import tenant_setting
from core.tenancy import Municipality
from core.volunteers import services
from core.volunteers.models import Volunteer
from tests.catalogues import compile_catalogues
from tests.conftest import post_form
from tests.core.volunteers.conftest import use_english
from tests.core.volunteers.helpers import as_tenant, field_error, text

SETTINGS = "/middelfart/settings/"
NO_CERTIFICATE = ("No certificate is registered: register a child-protection certificate (børneattest) or a "
                  "criminal-record certificate (straffeattest).")


def settings_of(tenant) -> dict:
    db.session.rollback()
    fresh = db.session.get(Municipality, tenant.id)
    db.session.refresh(fresh)
    return {key: tenant_setting(fresh, key) for key in ("screening_required", "screening_valid_months", "default_capacity")}


def test_the_settings_page_shows_the_defaults(coordinator):
    page = text(coordinator.get(SETTINGS))
    checkbox = re.search(r'<input[^>]*name="screening_required"[^>]*>', page).group(0)
    assert 'type="checkbox"' in checkbox and "checked" in checkbox  # required by default
    assert re.search(r'<input[^>]*name="screening_valid_months"[^>]*value="24"', page)
    assert re.search(r'<input[^>]*name="default_capacity"[^>]*value="1"', page)
    assert "A certificate (børneattest or straffeattest) is required before matching" in page


def test_not_requiring_a_certificate_removes_that_reason_and_the_default_capacity_applies(coordinator, tenant):
    with as_tenant(tenant):
        volunteer_id = services.create_volunteer({"name": "Ib Iversen"}).id
    assert NO_CERTIFICATE in text(coordinator.get(f"/middelfart/volunteers/{volunteer_id}"))

    response = post_form(coordinator, SETTINGS, {"screening_valid_months": "12", "default_capacity": "2"})
    assert response.status_code == 302
    assert settings_of(tenant) == {"screening_required": False, "screening_valid_months": 12, "default_capacity": 2}
    page = text(coordinator.get(f"/middelfart/volunteers/{volunteer_id}"))
    assert NO_CERTIFICATE not in page
    assert "Has not completed the course." in page  # the other gates stay

    response = post_form(coordinator, "/middelfart/volunteers/new", {"name": "Uden Kapacitet", "capacity": ""})
    assert response.status_code == 302
    with as_tenant(tenant):
        assert db.session.scalar(db.select(Volunteer.capacity).where(Volunteer.name == "Uden Kapacitet")) == 2

    response = post_form(coordinator, SETTINGS, {"screening_required": "y", "screening_valid_months": "12", "default_capacity": "2"})
    assert response.status_code == 302
    assert NO_CERTIFICATE in text(coordinator.get(f"/middelfart/volunteers/{volunteer_id}"))


def test_a_shorter_validity_expires_a_certificate(coordinator, tenant):
    obtained = services.add_months(date.today(), -18)
    with as_tenant(tenant):
        volunteer = services.create_volunteer({"name": "Ib Iversen"})
        services.add_screening(volunteer, "child_certificate", obtained)
        volunteer_id = volunteer.id
    page = text(coordinator.get(f"/middelfart/volunteers/{volunteer_id}"))
    assert "expired on" not in page
    assert post_form(coordinator, SETTINGS, {"screening_required": "y", "screening_valid_months": "12",
                                             "default_capacity": "1"}).status_code == 302
    page = text(coordinator.get(f"/middelfart/volunteers/{volunteer_id}"))
    expired = format_date(services.add_months(obtained, 12), "medium", locale="en_GB")  # English, day first
    assert f"The latest certificate expired on {expired}: register a new one." in page


@pytest.mark.parametrize("form, field, message", [
    ({"screening_valid_months": "0", "default_capacity": "1"}, "screening_valid_months", "Must be between 1 and 120 months."),
    ({"screening_valid_months": "121", "default_capacity": "1"}, "screening_valid_months", "Must be between 1 and 120 months."),
    ({"screening_valid_months": "12", "default_capacity": "0"}, "default_capacity", "Must be between 1 and LIMIT."),
    ({"screening_valid_months": "12", "default_capacity": "11"}, "default_capacity", "Must be between 1 and LIMIT."),
    ({"screening_valid_months": "et år", "default_capacity": "1"}, "screening_valid_months",
     "This is not a whole number. Write it in digits, for example 2."),
    ({"screening_valid_months": "", "default_capacity": "1"}, "screening_valid_months", "Enter a number."),
])
def test_invalid_settings_are_refused_next_to_the_field(coordinator, tenant, form, field, message):
    from core.settings import capacity_limit

    response = post_form(coordinator, SETTINGS, form)
    assert response.status_code == 422
    # The default capacity is bounded by the tenant's limit of young people per mentor (10 unless a
    # plugin's mentorkorps_capacity_limit says less).
    assert field_error(text(response), field) == message.replace("LIMIT", str(capacity_limit(tenant)))
    assert settings_of(tenant) == {"screening_required": True, "screening_valid_months": 24, "default_capacity": 1}


def test_only_a_coordinator_changes_the_settings(client, tenant, user_factory):
    from tests.conftest import login

    login(client, user_factory(tenant, "caseworker"), tenant)
    assert client.get(SETTINGS).status_code == 403


# ---- language ----------------------------------------------------------------------------------

def test_the_pages_and_their_messages_follow_the_chosen_language(signed_in, tenant):
    """Danish by default; after choosing English the headings and a refusal's message are English."""
    compile_catalogues()
    seventeen = date(date.today().year - 17, date.today().month, 1).isoformat()
    response = post_form(signed_in, "/middelfart/volunteers/new", {"name": "Ung Person", "birth_date": seventeen})
    assert response.status_code == 422
    page = text(response)
    assert '<html lang="da">' in page
    assert field_error(page, "birth_date") == ("Efter denne fødselsdato er den frivillige 17 år; en mentor skal være "
                                               "mindst 18. Tjek årstallet, og skriv datoen som dd.mm.åååå.")

    use_english(signed_in, tenant)
    response = post_form(signed_in, "/middelfart/volunteers/new", {"name": "Ung Person", "birth_date": "1980-02-31"})
    page = text(response)
    assert '<html lang="en">' in page
    assert field_error(page, "birth_date") == "The date cannot be read. Write it as dd/mm/yyyy, for example 14/03/2026."
    response = post_form(signed_in, "/middelfart/volunteers/new", {"name": "Ung Person", "birth_date": seventeen})
    page = text(response)
    assert field_error(page, "birth_date") == ("By this birth date the volunteer is 17; a mentor must be at least 18. "
                                               "Check the year, and write the date as dd/mm/yyyy.")
    assert "<h1>Register a volunteer</h1>" in page
    assert "Volunteers" in text(signed_in.get("/middelfart/volunteers/"))
