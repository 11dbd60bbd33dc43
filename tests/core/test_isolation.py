"""A member of tenant A gets 404 for every URL of tenant B, web and API, walked from ``app.url_map``.

Every method of every rule with a ``<tenant>`` argument is tried; unsafe web methods carry a valid
CSRF token, so that it is the tenant check that refuses, not CSRF. An unknown slug is answered
exactly like an existing tenant the caller does not belong to.
"""
import pytest

from tests.conftest import api_token, csrf_token, login
from tests.core.helpers import (UNSAFE_METHODS, add_probe_routes, build_path, normalised_body, request_methods,
                                tenant_rules)

UNKNOWN = "ingen-kommune"


@pytest.fixture
def app(app):
    return add_probe_routes(app)


@pytest.fixture
def tenants(tenant, other_tenant):
    """A = middelfart (the caller's), B = ishoej (someone else's)."""
    return tenant, other_tenant


def _web_request(client, method, path, token):
    kwargs = {}
    if method in UNSAFE_METHODS:
        kwargs = {"data": {"csrf_token": token}, "headers": {"X-CSRFToken": token}}
    return client.open(path, method=method, **kwargs)


def test_the_walk_covers_web_and_api_rules(app):
    assert tenant_rules(app, api=False), "no web rule with <tenant>"
    assert tenant_rules(app, api=True), "no API rule with <tenant>"
    assert any(not r.endpoint.startswith("probe") for r in tenant_rules(app, api=False))


@pytest.mark.parametrize("role", ["coordinator", "caseworker", "mentor"])
def test_member_of_a_gets_404_for_every_web_url_of_b(app, client, tenants, user_factory, role):
    a, b = tenants
    login(client, user_factory(a, role), a)
    token = csrf_token(client, f"/{a.slug}/")
    failures, checked = [], 0
    for rule in tenant_rules(app, api=False):
        for method in request_methods(rule):
            response_b = _web_request(client, method, build_path(rule, b.slug), token)
            response_unknown = _web_request(client, method, build_path(rule, UNKNOWN), token)
            checked += 1
            if response_b.status_code != 404:
                failures.append(f"{method} {rule.rule} for B: {response_b.status_code}")
            elif response_unknown.status_code != 404:
                failures.append(f"{method} {rule.rule} for an unknown tenant: {response_unknown.status_code}")
            elif normalised_body(response_b, b.slug) != normalised_body(response_unknown, UNKNOWN):
                failures.append(f"{method} {rule.rule}: B's 404 differs from an unknown tenant's 404")
            elif b.name in response_b.get_data(as_text=True):
                failures.append(f"{method} {rule.rule}: B's 404 shows B's name")
    assert not failures, "\n".join(failures)
    assert checked >= 5
    # The same client still reaches its own tenant: the 404s above are not a broken session.
    assert client.get(f"/{a.slug}/").status_code == 200


@pytest.mark.parametrize("role", ["coordinator", "caseworker", "mentor"])
def test_member_of_a_gets_404_for_every_api_url_of_b(app, client, tenants, user_factory, role):
    a, b = tenants
    headers = api_token(client, user_factory(a, role))
    failures, checked = [], 0
    for rule in tenant_rules(app, api=True):
        for method in request_methods(rule):
            kwargs = {"headers": headers}
            if method in UNSAFE_METHODS:
                kwargs["json"] = {}
            response_b = client.open(build_path(rule, b.slug), method=method, **kwargs)
            response_unknown = client.open(build_path(rule, UNKNOWN), method=method, **kwargs)
            checked += 1
            if response_b.status_code != 404:
                failures.append(f"{method} {rule.rule} for B: {response_b.status_code}")
            elif response_unknown.status_code != 404:
                failures.append(f"{method} {rule.rule} for an unknown tenant: {response_unknown.status_code}")
            elif method != "HEAD" and response_b.get_json() != response_unknown.get_json():
                failures.append(f"{method} {rule.rule}: B's 404 differs from an unknown tenant's 404")
            elif method != "HEAD" and set(response_b.get_json()) != {"code", "message", "errors"}:
                failures.append(f"{method} {rule.rule}: not the contract's error body: {response_b.get_json()}")
    assert not failures, "\n".join(failures)
    assert checked >= 1
    # The token works for A: the 404s are about B.
    assert client.get(f"/api/v1/{a.slug}/probe", headers=headers).get_json() == {"tenant": a.slug}


def test_api_without_a_token_is_401_with_the_contract_body(app, client, tenants):
    a, b = tenants
    failures = []
    for rule in tenant_rules(app, api=True):
        for method in request_methods(rule):
            bodies = []
            for slug in (a.slug, b.slug, UNKNOWN):
                kwargs = {"json": {}} if method in UNSAFE_METHODS else {}
                response = client.open(build_path(rule, slug), method=method, **kwargs)
                if response.status_code != 401:
                    failures.append(f"{method} {rule.rule} ({slug}) without a token: {response.status_code}")
                    continue
                if method == "HEAD":
                    continue
                body = response.get_json()
                if set(body) != {"code", "message", "errors"} or body["code"] != 401 or not body["message"]:
                    failures.append(f"{method} {rule.rule} ({slug}): not the contract's error body: {body}")
                bodies.append(body)
            if len({repr(b) for b in bodies}) > 1:
                failures.append(f"{method} {rule.rule}: the 401 differs between existing and unknown tenants")
    assert not failures, "\n".join(failures)


def test_a_user_without_any_membership_gets_404_everywhere(app, client, tenants, user_factory):
    a, _ = tenants
    headers = api_token(client, user_factory(None))
    for rule in tenant_rules(app, api=True):
        for method in request_methods(rule):
            response = client.open(build_path(rule, a.slug), method=method, headers=headers,
                                   **({"json": {}} if method in UNSAFE_METHODS else {}))
            assert response.status_code == 404, (method, rule.rule)


def test_a_platform_admin_is_not_a_member_of_any_tenant(app, client, tenants, user_factory):
    a, _ = tenants
    admin = user_factory(None, platform_admin=True)
    headers = api_token(client, admin)
    assert client.get(f"/api/v1/{a.slug}/probe", headers=headers).status_code == 404
