"""The core's consumer of ``mentorkorps_volunteer_fields``: the profile fields a municipality's
volunteer form requires. The form marks them (a visible ``*`` and ``required``), and the service
refuses them empty with a message per field — on registration, and when a change would empty one —
so the web form, the mentor's own form and the API answer alike. Another municipality requires
nothing but the name."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from core.errors import ServiceError
from core.extensions import db
from core.tenancy import tenant_context
from core.volunteers import services
from core.volunteers.models import Volunteer
from tests.conftest import api_token, login, post_form
from tests.core.helpers import make_plugin
from tests.core.volunteers.helpers import field_error, text

PLUGIN = "profile_form_rules"
REQUIRED = ("gender", "interests", "wishes")
MESSAGE = "This is empty, but the municipality's volunteer form requires it. Fill it in."


def _english(errors: dict) -> dict:
    """A service's per-field messages (lazy strings) in English."""
    from flask_babel import force_locale

    with force_locale("en"):
        return {key: [str(m) for m in messages] for key, messages in errors.items()}


@pytest.fixture
def extra_plugins():
    # "name" is always required; a name that is no profile field is ignored.
    return (make_plugin(PLUGIN, mentorkorps_volunteer_fields=lambda tenant: ("wishes", "gender", "interests", "name",
                                                                             "shoe_size")),)


@pytest.fixture
def formby(tenant_factory):
    return tenant_factory("formby", "Formby Kommune", plugins=(PLUGIN,))


@pytest.fixture
def freeby(tenant_factory):
    return tenant_factory("freeby", "Freeby Kommune")


def count(tenant) -> int:
    with tenant_context(tenant):
        return db.session.scalar(select(func.count(Volunteer.id)))


def _client(app, tenant, user_factory, role="coordinator", user=None):
    client = app.test_client()
    login(client, user or user_factory(tenant, role), tenant)
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client


def starred(page: str) -> set[str]:
    """The fields whose label carries the required star."""
    return set(re.findall(r'<label class="form-label" for="([a-z_]+)">[^<]*<span class="mk-required"', page))


def test_mentorkorps_volunteer_fields_are_required_by_the_service(formby, freeby):
    with tenant_context(formby):
        assert services.required_fields() == ("gender", "interests", "wishes")  # profile order, known fields
        with pytest.raises(ServiceError) as refused:
            services.create_volunteer({"name": "Ole", "gender": None, "interests": [" "], "wishes": "  "})
        assert _english(refused.value.errors) == {name: [MESSAGE] for name in REQUIRED}
        db.session.rollback()
        volunteer = services.create_volunteer({"name": "Ole", "gender": "male", "interests": ["fiskeri"],
                                               "wishes": "En ung, der vil være tømrer"})
        services.update_volunteer(volunteer, {"phone": "12345678"})  # a change that leaves them alone
        with pytest.raises(ServiceError) as refused:
            services.update_volunteer(volunteer, {"wishes": "", "interests": [], "phone": "87654321"})
        assert _english(refused.value.errors) == {"wishes": [MESSAGE], "interests": [MESSAGE]}
        db.session.rollback()
    with tenant_context(freeby):
        assert services.required_fields() == ()
        services.create_volunteer({"name": "Ida"})
        db.session.commit()
    assert (count(formby), count(freeby)) == (0, 1)


def test_the_form_marks_the_fields_and_shows_each_refusal_next_to_it(app, formby, freeby, user_factory):
    client = _client(app, formby, user_factory)
    page = text(client.get("/formby/volunteers/new"))
    assert starred(page) == {"name", *REQUIRED}
    assert re.search(r'<select[^>]*id="gender"[^>]*required', page) or re.search(r'<select[^>]*required[^>]*id="gender"', page)
    assert 'data-testid="required-note"' in page
    response = post_form(client, "/formby/volunteers/new", {"name": "Ole", "phone": "12345678"})
    assert response.status_code == 422
    page = text(response)
    assert {name: field_error(page, name) for name in REQUIRED} == {name: MESSAGE for name in REQUIRED}
    assert field_error(page, "phone") is None and count(formby) == 0
    response = post_form(client, "/formby/volunteers/new", {"name": "Ole", "gender": "male", "interests": "fiskeri, løb",
                                                             "wishes": "En ung fra CPH West"})
    assert response.status_code == 302 and count(formby) == 1
    volunteer_id = int(response.location.rsplit("/", 1)[1])
    response = post_form(client, f"/formby/volunteers/{volunteer_id}/edit", {"name": "Ole", "gender": "male",
                                                                              "interests": "", "wishes": "x"})
    assert response.status_code == 422 and field_error(text(response), "interests") == MESSAGE

    # The next request, in another municipality: nothing but the name.
    other = _client(app, freeby, user_factory)
    assert starred(text(other.get("/freeby/volunteers/new"))) == {"name"}
    assert post_form(other, "/freeby/volunteers/new", {"name": "Ida"}).status_code == 302


def test_the_mentors_own_form_marks_and_requires_them_too(app, formby, user_factory):
    user = user_factory(formby, "mentor")
    with tenant_context(formby):
        volunteer = services.create_volunteer({"name": "Mia", "gender": "female", "interests": ["musik"], "wishes": "Ingen"})
        volunteer.user_id = user.id
        db.session.commit()
    client = _client(app, formby, user_factory, user=user)
    page = text(client.get("/formby/me/edit"))
    assert starred(page) == {"interests", "wishes"}  # gender is the coordinator's to change
    response = post_form(client, "/formby/me/edit", {"interests": "musik", "wishes": ""})
    assert response.status_code == 422 and field_error(text(response), "wishes") == MESSAGE


def test_the_api_refuses_them_alike(client, formby, freeby, user_factory):
    headers = {**api_token(client, user_factory(formby, "coordinator")), "Accept-Language": "en"}
    response = client.post("/api/v1/formby/volunteers", json={"name": "Ole"}, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {name: [MESSAGE] for name in REQUIRED}
    body = {"name": "Ole", "gender": "male", "interests": ["fiskeri"], "wishes": "En ung", "birth_date": "1970-01-01"}
    created = client.post("/api/v1/formby/volunteers", json=body, headers=headers)
    assert created.status_code == 201
    patched = client.patch(f"/api/v1/formby/volunteers/{created.get_json()['id']}", json={"wishes": None}, headers=headers)
    assert patched.status_code == 422 and patched.get_json()["errors"] == {"wishes": [MESSAGE]}
    other = {**api_token(client, user_factory(freeby, "coordinator")), "Accept-Language": "en"}
    assert client.post("/api/v1/freeby/volunteers", json={"name": "Ida"}, headers=other).status_code == 201
    assert count(formby) == 1 and count(freeby) == 1
    assert date.fromisoformat(created.get_json()["birth_date"]) == date(1970, 1, 1)
