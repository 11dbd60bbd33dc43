"""Server-side sessions (core.accounts: UserSession, sign_in, sign_out, user_for_session): a cookie
names a session on the server, which signing out, a password change and disabling the user end;
signing in starts a new session with a new CSRF token."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.accounts import services
from core.accounts.models import UserSession
from core.extensions import db
from core.tenancy import utcnow
from tests.conftest import PASSWORD, api_token, csrf_token, login, post_form

COOKIE = "session"


def _signed_in(client, tenant) -> bool:
    response = client.get(f"/{tenant.slug}/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _cookie(client) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    return cookie.value


def _browser_with(app, cookie_value):
    """Another browser (an attacker's) that replays a copied session cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie_value)
    return thief


def _sessions(user):
    db.session.expire_all()
    return db.session.scalars(select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)).all()


def _decoded(app, cookie_value) -> dict:
    return dict(app.session_interface.get_signing_serializer(app).loads(cookie_value))


# ---- logout ends the session on the server ---------------------------------------------------

def test_a_copied_cookie_no_longer_works_after_logout(app, client, tenant, user_factory):
    user = user_factory(tenant, "coordinator")
    login(client, user, tenant)
    copied = _cookie(client)
    assert _signed_in(_browser_with(app, copied), tenant)  # the copy works while the session lives

    response = post_form(client, f"/{tenant.slug}/logout", page=f"/{tenant.slug}/")
    assert response.status_code == 302
    assert not _signed_in(client, tenant)
    assert not _signed_in(_browser_with(app, copied), tenant)  # replayed after logout: refused
    assert [s.revoked_at is not None for s in _sessions(user)] == [True]


def test_platform_logout_ends_the_session_on_the_server(app, client, user_factory):
    admin = user_factory(None, platform_admin=True)
    client.post("/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": csrf_token(client, "/login")})
    copied = _cookie(client)
    assert _browser_with(app, copied).get("/admin/").status_code == 200
    assert post_form(client, "/logout", page="/admin/").status_code == 302
    assert _browser_with(app, copied).get("/admin/").status_code == 302


def test_logging_out_ends_only_this_browsers_session(app, tenant, user_factory):
    user = user_factory(tenant, "coordinator")
    laptop = login(app.test_client(), user, tenant)
    phone = login(app.test_client(), user, tenant)
    post_form(laptop, f"/{tenant.slug}/logout", page=f"/{tenant.slug}/")
    assert not _signed_in(laptop, tenant) and _signed_in(phone, tenant)


def test_the_cookie_names_a_random_session_and_the_database_keeps_only_its_hash(app, client, tenant, user_factory):
    user = user_factory(tenant, "coordinator")
    login(client, user, tenant)
    token = _decoded(app, _cookie(client))["_user_id"]
    assert str(user.id) != token and len(token) >= 40
    (row,) = _sessions(user)
    assert row.token_hash != token and token not in row.token_hash and len(row.token_hash) == 64

    # A cookie signed with the right key but naming no session (as a forger would make one with a
    # user's id) signs nobody in.
    forged = app.session_interface.get_signing_serializer(app).dumps({"_user_id": str(user.id), "_fresh": True})
    assert not _signed_in(_browser_with(app, forged), tenant)


def test_each_sign_in_is_a_new_session(app, tenant, user_factory):
    user = user_factory(tenant, "coordinator")
    first = _decoded(app, _cookie(login(app.test_client(), user, tenant)))["_user_id"]
    second = _decoded(app, _cookie(login(app.test_client(), user, tenant)))["_user_id"]
    assert first != second and len(_sessions(user)) == 2


# ---- password change and disabling -----------------------------------------------------------

def test_a_password_change_ends_the_other_sessions_and_this_browser_goes_on_in_a_new_one(app, client, tenant, user_factory):
    user = user_factory(tenant, "coordinator")
    login(client, user, tenant)
    before = _cookie(client)
    other = login(app.test_client(), user, tenant)
    response = post_form(client, f"/{tenant.slug}/account/password", {
        "current_password": PASSWORD, "new_password": "a-brand-new-password-42", "repeat_password": "a-brand-new-password-42"})
    assert response.status_code == 302
    assert _signed_in(client, tenant) and not _signed_in(other, tenant)
    assert not _signed_in(_browser_with(app, before), tenant)  # this browser's old cookie is spent too
    assert [s.revoked_at is None for s in _sessions(user)] == [False, False, True]


def test_disabling_a_user_ends_every_session_and_token(app, client, tenant, user_factory):
    user = user_factory(tenant, "coordinator")
    login(client, user, tenant)
    token = api_token(app.test_client(), user)
    services.set_active(user, False)
    db.session.commit()
    assert not _signed_in(client, tenant)
    assert app.test_client().get(f"/api/v1/{tenant.slug}/volunteers", headers=token).status_code == 401
    assert all(s.revoked_at is not None for s in _sessions(user))

    services.set_active(user, True)  # enabled again: the old sessions and tokens stay ended
    db.session.commit()
    assert not _signed_in(client, tenant)
    assert app.test_client().get(f"/api/v1/{tenant.slug}/volunteers", headers=token).status_code == 401


def test_a_user_made_inactive_by_any_means_is_refused_at_once(app, client, tenant, user_factory):
    """The loader itself checks the user (joined in the same query), not only the services."""
    user = user_factory(tenant, "coordinator")
    login(client, user, tenant)
    token = _decoded(app, _cookie(client))["_user_id"]
    user.active = False
    db.session.commit()
    assert not _signed_in(client, tenant)
    with app.test_request_context(f"/{tenant.slug}/"):
        assert services.user_for_session(token) is None  # the loader, not only Flask-Login's is_active
    user.active = True
    db.session.commit()
    assert _signed_in(client, tenant)  # the session itself was not revoked


# ---- idle and absolute lifetime, cost --------------------------------------------------------

@pytest.mark.parametrize("column, config", [("last_seen_at", "SESSION_IDLE_SECONDS"),
                                            ("created_at", "SESSION_MAX_AGE_SECONDS")])
def test_an_idle_or_too_old_session_ends(app, client, tenant, user_factory, column, config):
    user = user_factory(tenant, "coordinator")
    login(client, user, tenant)
    limit = app.config[config]
    db.session.execute(update(UserSession).values({column: utcnow() - timedelta(seconds=limit - 60)}))
    db.session.commit()
    assert _signed_in(client, tenant)
    db.session.execute(update(UserSession).values({column: utcnow() - timedelta(seconds=limit + 60)}))
    db.session.commit()
    assert not _signed_in(client, tenant)


def test_use_is_recorded_at_most_every_few_minutes(app, client, tenant, user_factory):
    user = user_factory(tenant, "coordinator")
    login(client, user, tenant)
    recent = utcnow() - timedelta(seconds=app.config["SESSION_TOUCH_SECONDS"] - 30)
    db.session.execute(update(UserSession).values(last_seen_at=recent))
    db.session.commit()
    assert _signed_in(client, tenant)
    assert _sessions(user)[0].last_seen_at == recent  # a page view normally writes nothing
    stale = utcnow() - timedelta(seconds=app.config["SESSION_TOUCH_SECONDS"] + 30)
    db.session.execute(update(UserSession).values(last_seen_at=stale))
    db.session.commit()
    assert _signed_in(client, tenant)
    assert _sessions(user)[0].last_seen_at > recent


def test_the_session_and_its_user_are_loaded_in_one_query(app, client, tenant, user_factory, count_queries):
    user = user_factory(tenant, "coordinator")
    login(client, user, tenant)
    token = _decoded(app, _cookie(client))["_user_id"]
    with app.test_request_context(f"/{tenant.slug}/"), count_queries() as queries:
        loaded = services.user_for_session(token)
    assert loaded is not None and loaded.id == user.id and loaded.session_token == token
    assert len(queries) == 1, queries.statements
    assert "user_session" in queries.statements[0] and "user_account" in queries.statements[0]


def test_an_unknown_or_malformed_session_token_is_nobody(app, tenant):
    with app.test_request_context("/"):
        for token in ("", "x", "a" * 5000, "1:0"):
            assert services.user_for_session(token) is None


# ---- a new CSRF token at sign-in ---------------------------------------------------------------

def test_the_csrf_token_from_before_sign_in_no_longer_validates(app, client, tenant, user_factory):
    user = user_factory(tenant, "coordinator")
    before = csrf_token(client, f"/{tenant.slug}/login")
    response = client.post(f"/{tenant.slug}/login", data={"email": user.email, "password": PASSWORD, "csrf_token": before})
    assert response.status_code == 302
    # The pre-login token (which a page, a proxy log or an attacker planting it may know) is refused...
    refused = client.post(f"/{tenant.slug}/logout", data={"csrf_token": before})
    assert refused.status_code == 400 and _signed_in(client, tenant)
    # ...and the new one, on the pages after signing in, is another and works.
    after = csrf_token(client, f"/{tenant.slug}/")
    assert after != before
    assert client.post(f"/{tenant.slug}/logout", data={"csrf_token": after}).status_code == 302


def test_signing_in_drops_what_the_session_held_before_except_the_language(app, client, tenant, user_factory):
    user = user_factory(tenant, "coordinator")
    post_form(client, "/lang", {"lang": "en", "next": f"/{tenant.slug}/login"}, page=f"/{tenant.slug}/login")
    before = _decoded(app, _cookie(client))
    assert before.get("lang") == "en" and "csrf_token" in before
    login(client, user, tenant)
    after = _decoded(app, _cookie(client))
    assert after["lang"] == "en"
    assert after.get("csrf_token") != before["csrf_token"]
    assert after.get("_id") != before.get("_id") or "_id" not in before


def test_the_csrf_token_from_before_sign_out_no_longer_validates(app, client, tenant, user_factory):
    login(client, user_factory(tenant, "coordinator"), tenant)
    signed_in_token = csrf_token(client, f"/{tenant.slug}/")
    post_form(client, f"/{tenant.slug}/logout", page=f"/{tenant.slug}/")
    response = client.post("/lang", data={"lang": "en", "next": "/", "csrf_token": signed_in_token})
    assert response.status_code == 400
