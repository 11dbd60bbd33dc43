"""API bearer tokens (CONTRACT.md section 4): issue, refuse, revoke, expire; errors as the contract's
JSON in the language of Accept-Language; never a session cookie."""
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from core.accounts.models import ApiToken
from core.tenancy import utcnow
from tests.conftest import PASSWORD, api_token, login
from tests.core.helpers import add_probe_routes


@pytest.fixture
def app(app):
    return add_probe_routes(app)


def _expected(app, msgid, locale):
    with app.test_request_context("/api/v1/auth/token"), force_locale(locale):
        return gettext(msgid)


def _assert_contract_error(response, status):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"code", "message", "errors"}
    assert body["code"] == status and isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)
    return body


def test_a_token_is_issued_for_the_right_password_and_opens_the_tenant(client, tenant, user_factory):
    user = user_factory(tenant, "mentor")
    response = client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 201
    assert set(response.get_json()) == {"token"} and len(response.get_json()["token"]) >= 32
    headers = {"Authorization": f"Bearer {response.get_json()['token']}"}
    assert client.get(f"/api/v1/{tenant.slug}/probe", headers=headers).get_json() == {"tenant": tenant.slug}


def test_the_email_is_matched_case_insensitively(client, tenant, user_factory):
    user = user_factory(tenant, "mentor", email="Anna@Example.dk")
    response = client.post("/api/v1/auth/token", json={"email": "  ANNA@example.DK ", "password": PASSWORD})
    assert response.status_code == 201


@pytest.mark.parametrize("locale", ["da", "en"])
def test_wrong_credentials_are_401_in_the_callers_language(app, client, tenant, user_factory, locale):
    user = user_factory(tenant, "coordinator")
    for credentials in ({"email": user.email, "password": "wrong-password-1"},
                        {"email": "nobody@example.dk", "password": PASSWORD}):
        response = client.post("/api/v1/auth/token", json=credentials, headers={"Accept-Language": locale})
        body = _assert_contract_error(response, 401)
        assert body["message"] == _expected(app, "Wrong e-mail or password.", locale)
        assert "token" not in body


def test_the_two_languages_give_different_messages_when_the_catalogue_is_built(app, client):
    da = _expected(app, "Wrong e-mail or password.", "da")
    en = _expected(app, "Wrong e-mail or password.", "en")
    assert en == "Wrong e-mail or password."
    if da == en:
        pytest.skip("the Danish catalogue is not compiled (make i18n)")
    bodies = {lang: client.post("/api/v1/auth/token", json={"email": "x@example.dk", "password": "nope"},
                                headers={"Accept-Language": f"{lang},en;q=0.5"}).get_json()["message"]
              for lang in ("da", "en")}
    assert bodies == {"da": da, "en": en}


def test_invalid_token_requests_are_422_with_field_errors(client):
    body = _assert_contract_error(client.post("/api/v1/auth/token", json={"email": "x@example.dk"}), 422)
    assert "password" in body["errors"]
    body = _assert_contract_error(client.post("/api/v1/auth/token", json={"email": "x@example.dk", "password": "p",
                                                                          "tenant_id": 1}), 422)
    assert "tenant_id" in body["errors"]


@pytest.mark.parametrize("locale", ["da", "en"])
def test_no_token_is_401_in_the_callers_language(app, client, tenant, locale):
    response = client.get(f"/api/v1/{tenant.slug}/probe", headers={"Accept-Language": locale})
    body = _assert_contract_error(response, 401)
    assert body["message"] == _expected(app, "Sign in to continue.", locale)


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer ", "Basic dXNlcjpwYXNz", "bearer x"])
def test_a_malformed_or_unknown_token_is_401(client, tenant, header):
    _assert_contract_error(client.get(f"/api/v1/{tenant.slug}/probe", headers={"Authorization": header}), 401)


def test_a_revoked_token_is_401(client, tenant, user_factory):
    headers = api_token(client, user_factory(tenant, "coordinator"))
    assert client.get(f"/api/v1/{tenant.slug}/probe", headers=headers).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    _assert_contract_error(client.get(f"/api/v1/{tenant.slug}/probe", headers=headers), 401)
    _assert_contract_error(client.delete("/api/v1/auth/token", headers=headers), 401)  # already revoked


def test_revoking_one_token_leaves_the_others(client, tenant, user_factory):
    user = user_factory(tenant, "coordinator")
    first, second = api_token(client, user), api_token(client, user)
    assert client.delete("/api/v1/auth/token", headers=first).status_code == 204
    assert client.get(f"/api/v1/{tenant.slug}/probe", headers=first).status_code == 401
    assert client.get(f"/api/v1/{tenant.slug}/probe", headers=second).status_code == 200


def test_revoking_needs_a_token(client):
    _assert_contract_error(client.delete("/api/v1/auth/token"), 401)


def test_an_expired_token_is_401(client, db, tenant, user_factory):
    headers = api_token(client, user_factory(tenant, "coordinator"))
    assert client.get(f"/api/v1/{tenant.slug}/probe", headers=headers).status_code == 200
    row = db.session.scalars(select(ApiToken)).one()
    assert row.expires_at > utcnow() + timedelta(days=1)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    _assert_contract_error(client.get(f"/api/v1/{tenant.slug}/probe", headers=headers), 401)


def test_only_a_hash_of_the_token_is_stored(client, db, tenant, user_factory):
    headers = api_token(client, user_factory(tenant, "coordinator"))
    token = headers["Authorization"][len("Bearer "):]
    row = db.session.scalars(select(ApiToken)).one()
    assert token not in (row.token_hash, str(row.id)) and len(row.token_hash) == 64


def test_a_deactivated_user_is_refused(client, db, tenant, user_factory):
    user = user_factory(tenant, "coordinator")
    headers = api_token(client, user)
    user.active = False
    db.session.commit()
    _assert_contract_error(client.get(f"/api/v1/{tenant.slug}/probe", headers=headers), 401)
    _assert_contract_error(client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD}), 401)


def test_a_user_without_membership_gets_404_like_an_unknown_tenant(client, tenant, user_factory):
    headers = api_token(client, user_factory(None))
    missing = client.get("/api/v1/ingen-kommune/probe", headers=headers)
    not_member = client.get(f"/api/v1/{tenant.slug}/probe", headers=headers)
    _assert_contract_error(not_member, 404)
    assert not_member.get_json() == missing.get_json()


def test_the_role_policy_applies_to_api_methods(client, tenant, user_factory):
    mentor = api_token(client, user_factory(tenant, "mentor"))
    coordinator = api_token(client, user_factory(tenant, "coordinator"))
    _assert_contract_error(client.post(f"/api/v1/{tenant.slug}/probe", headers=mentor, json={}), 403)
    assert client.post(f"/api/v1/{tenant.slug}/probe", headers=coordinator, json={}).status_code == 201


def test_the_api_never_accepts_a_session_cookie(client, tenant, user_factory):
    user = user_factory(tenant, "coordinator")
    login(client, user, tenant)
    assert client.get(f"/{tenant.slug}/").status_code == 200  # the cookie works for pages
    _assert_contract_error(client.get(f"/api/v1/{tenant.slug}/probe"), 401)
    _assert_contract_error(client.post(f"/api/v1/{tenant.slug}/probe", json={}), 401)
    _assert_contract_error(client.delete("/api/v1/auth/token"), 401)


def test_a_bearer_token_does_not_sign_in_to_pages(client, tenant, user_factory):
    headers = api_token(client, user_factory(tenant, "coordinator"))
    response = client.get(f"/{tenant.slug}/", headers=headers)
    assert response.status_code == 302 and "/login" in response.location


def test_the_openapi_document_lists_the_token_endpoint(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/auth/token" in document["paths"]
    assert set(document["paths"]["/api/v1/auth/token"]) >= {"post", "delete"}
