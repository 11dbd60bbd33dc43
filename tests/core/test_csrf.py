"""Every form POST (every unsafe method of a web route) without a CSRF token is refused with 400.

Walked from ``app.url_map``. The caller is whoever passes every other check of the route: a member
of the URL's tenant with a role the policy allows (the tenant has every plugin it may enable), or a
platform administrator — so that the 400 is CSRF's doing. The same request with the token is not
refused with 400, which shows that the token is what was missing.
"""
import pytest
from core.access import policy_of
from core.hooks.manager import plugin_manager
from core.platform.services import set_plugin_enabled
from tests.conftest import PASSWORD, csrf_token, login
from tests.core.helpers import UNSAFE_METHODS, build_path


def _web_unsafe(app):
    return [(rule, method) for rule in app.url_map.iter_rules() if not rule.rule.startswith("/api/")
            for method in sorted(rule.methods & set(UNSAFE_METHODS))]


@pytest.fixture
def everything_enabled(db, tenant):
    for name in plugin_manager().enableable_for(tenant.slug):
        set_plugin_enabled(tenant, name, True)
    db.session.commit()
    return tenant


def _platform_login(client, admin):
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.status_code
    return client


def _signed_in_client(app, policy, tenant, users, admin):
    client = app.test_client()
    if policy.kind == "platform_admin":
        return _platform_login(client, admin)
    role = sorted(policy.roles)[0] if policy.roles else "coordinator"
    return login(client, users[role], tenant)


def test_the_walk_finds_the_forms(app):
    endpoints = {rule.endpoint for rule, _ in _web_unsafe(app)}
    assert {"accounts.login", "accounts.logout", "accounts.change_password", "web.set_language",
            "platform.plugins"} <= endpoints


def test_every_web_post_without_a_csrf_token_is_refused(app, everything_enabled, user_factory):
    tenant = everything_enabled
    users = {role: user_factory(tenant, role) for role in ("coordinator", "caseworker", "mentor")}
    admin = user_factory(None, platform_admin=True)
    failures, checked = [], 0
    for rule, method in _web_unsafe(app):
        policy = policy_of(app, rule.endpoint, method)
        path = build_path(rule, tenant.slug)
        client = _signed_in_client(app, policy, tenant, users, admin)
        refused = client.open(path, method=method, data={})
        checked += 1
        if refused.status_code != 400:
            failures.append(f"{method} {rule.rule} without a CSRF token: {refused.status_code}")
            continue
        with client.session_transaction() as sess:
            assert sess.get("_user_id"), f"{method} {rule.rule}: the refused request signed the user out"
        token = csrf_token(client, f"/{tenant.slug}/")
        accepted = client.open(path, method=method, data={"csrf_token": token})
        if accepted.status_code == 400:
            failures.append(f"{method} {rule.rule} is refused with 400 even with a CSRF token")
    assert not failures, "\n".join(failures)
    assert checked >= 5


def test_anonymous_posts_to_public_forms_need_the_token_too(app, tenant):
    failures = []
    for rule, method in _web_unsafe(app):
        if policy_of(app, rule.endpoint, method).kind != "public":
            continue
        response = app.test_client().open(build_path(rule, tenant.slug), method=method,
                                           data={"email": "x@example.dk", "password": "y"})
        if response.status_code != 400:
            failures.append(f"{method} {rule.rule}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_a_token_of_another_session_is_refused(app, tenant, user_factory):
    user = user_factory(tenant, "coordinator")
    stranger = app.test_client()
    foreign_token = csrf_token(stranger, f"/{tenant.slug}/login")
    client = login(app.test_client(), user, tenant)
    response = client.post(f"/{tenant.slug}/logout", data={"csrf_token": foreign_token})
    assert response.status_code == 400
    assert client.get(f"/{tenant.slug}/").status_code == 200  # still signed in


def test_the_api_does_not_use_csrf_tokens(client, tenant, user_factory):
    user = user_factory(tenant, "coordinator")
    response = client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 201
