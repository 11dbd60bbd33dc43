"""Sign in, sign out and change password through the real forms."""
import re
from urllib.parse import urljoin, urlsplit

import pytest
from flask_babel import force_locale, gettext

from core.accounts import services
from tests.conftest import PASSWORD, api_token, csrf_token, login, post_form

NEW_PASSWORD = "a-brand-new-password-42"


def _sign_in(client, tenant, email, password, **extra):
    return client.post(f"/{tenant.slug}/login", data={"email": email, "password": password,
                                                      "csrf_token": csrf_token(client, f"/{tenant.slug}/login"),
                                                      **extra})


def _translated(app, msgid, locale="da"):
    with app.test_request_context("/"), force_locale(locale):
        return gettext(msgid)


def _signed_in(client, tenant):
    response = client.get(f"/{tenant.slug}/")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and f"/{tenant.slug}/login" in response.location
    return False


# ---- sign in ---------------------------------------------------------------------------------

def test_the_login_page_is_danish_by_default(app, client, tenant):
    page = client.get(f"/{tenant.slug}/login").get_data(as_text=True)
    assert '<html lang="da">' in page
    assert _translated(app, "Sign in") in page


def test_a_wrong_password_shows_an_error_and_answers_422(app, client, tenant, user_factory):
    user = user_factory(tenant, "coordinator")
    response = _sign_in(client, tenant, user.email, "wrong-password-123")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-testid="form-errors"' in page
    assert _translated(app, "Wrong e-mail or password.") in page
    assert PASSWORD not in page and "wrong-password-123" not in page  # a password is never echoed
    assert not _signed_in(client, tenant)


def test_an_unknown_email_and_a_non_member_get_the_same_answer(app, client, tenant, other_tenant, user_factory):
    outsider = user_factory(other_tenant, "coordinator")
    unknown = _sign_in(client, tenant, "nobody@example.dk", PASSWORD)
    not_member = _sign_in(client, tenant, outsider.email, PASSWORD)
    assert unknown.status_code == not_member.status_code == 422
    message = _translated(app, "Wrong e-mail or password.")
    assert message in unknown.get_data(as_text=True) and message in not_member.get_data(as_text=True)
    assert not _signed_in(client, tenant)


def test_empty_fields_are_shown_next_to_the_fields(app, client, tenant):
    response = _sign_in(client, tenant, "", "")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r'data-field="email"', page) and re.search(r'data-field="password"', page)
    assert _translated(app, "Enter your e-mail address.") in page


def test_the_right_password_signs_in_and_goes_to_the_front_page(client, tenant, user_factory):
    user = user_factory(tenant, "caseworker")
    response = _sign_in(client, tenant, user.email, PASSWORD)
    assert response.status_code == 302 and response.location == f"/{tenant.slug}/"
    assert _signed_in(client, tenant)


def test_a_signed_in_member_is_sent_from_the_login_page_to_the_front_page(client, tenant, user_factory):
    login(client, user_factory(tenant, "mentor"), tenant)
    response = client.get(f"/{tenant.slug}/login")
    assert response.status_code == 302 and response.location == f"/{tenant.slug}/"


def test_the_platform_login_refuses_a_user_who_is_not_platform_admin(client, tenant, user_factory):
    user = user_factory(tenant, "coordinator")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 422
    response = client.get("/admin/")
    assert response.status_code == 302 and response.location.startswith("/login")  # not signed in


# ---- next ------------------------------------------------------------------------------------

def _where_a_browser_goes(location, base):
    """Browsers drop tabs and newlines from a URL and read a backslash as a slash."""
    cleaned = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    return urlsplit(urljoin(base, cleaned))


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example", "/\t/evil.example",
    " //evil.example", "http:evil.example", "javascript:alert(1)", "///evil.example", "/%09/evil.example",
])
def test_next_cannot_redirect_off_site(client, tenant, user_factory, target):
    user = user_factory(tenant, "coordinator")
    response = _sign_in(client, tenant, user.email, PASSWORD, next=target)
    assert response.status_code == 302
    base = f"http://localhost/{tenant.slug}/login"
    destination = _where_a_browser_goes(response.location, base)
    assert destination.netloc == "localhost" and destination.scheme == "http", (target, response.location)


def test_a_local_next_is_followed(client, tenant, user_factory):
    user = user_factory(tenant, "coordinator")
    page = client.get(f"/{tenant.slug}/login?next=/{tenant.slug}/account/password").get_data(as_text=True)
    assert f'value="/{tenant.slug}/account/password"' in page  # carried in the form
    response = _sign_in(client, tenant, user.email, PASSWORD, next=f"/{tenant.slug}/account/password")
    assert response.location == f"/{tenant.slug}/account/password"


def test_the_language_switch_does_not_redirect_off_site(client):
    response = client.post("/lang", data={"lang": "en", "next": "//evil.example/",
                                          "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert _where_a_browser_goes(response.location, "http://localhost/").netloc == "localhost"


# ---- sign out --------------------------------------------------------------------------------

def test_logout_requires_post(client, tenant, user_factory):
    login(client, user_factory(tenant, "coordinator"), tenant)
    assert client.get(f"/{tenant.slug}/logout").status_code == 405
    assert _signed_in(client, tenant)
    response = post_form(client, f"/{tenant.slug}/logout", page=f"/{tenant.slug}/")
    assert response.status_code == 302 and response.location == f"/{tenant.slug}/login"
    assert not _signed_in(client, tenant)


def test_platform_logout_requires_post(client, user_factory):
    admin = user_factory(None, platform_admin=True)
    client.post("/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": csrf_token(client, "/login")})
    assert client.get("/admin/").status_code == 200
    # GET /logout is no sign-out (Flask redirects it to /logout/, the page of a tenant that cannot exist).
    assert client.get("/logout", follow_redirects=True).status_code in (404, 405)
    assert client.get("/admin/").status_code == 200
    assert post_form(client, "/logout", page="/admin/").status_code == 302
    assert client.get("/admin/").status_code == 302


# ---- change password -------------------------------------------------------------------------

def _change(client, tenant, current, new, repeat=None):
    return post_form(client, f"/{tenant.slug}/account/password", {
        "current_password": current, "new_password": new, "repeat_password": new if repeat is None else repeat})


def _all_sessions(user):
    from sqlalchemy import select

    from core.accounts.models import UserSession
    from core.extensions import db

    db.session.expire_all()
    return db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()


def _live_sessions(user):
    return [s for s in _all_sessions(user) if s.revoked_at is None]


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, client, tenant, user_factory):
    user = user_factory(tenant, "coordinator")
    login(client, user, tenant)
    other_device = login(app.test_client(), user, tenant)
    token = api_token(app.test_client(), user)
    assert len(_live_sessions(user)) == 2

    response = _change(client, tenant, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302 and response.location == f"/{tenant.slug}/"

    assert _signed_in(client, tenant)
    assert not _signed_in(other_device, tenant)
    assert services.user_for_token(token["Authorization"][7:]) is None  # API tokens are revoked too
    assert app.test_client().delete("/api/v1/auth/token", headers=token).status_code == 401
    # Both sessions of before were revoked on the server; this browser goes on in a new one.
    live = _live_sessions(user)
    assert len(live) == 1 and live[0].created_at >= max(s.created_at for s in _all_sessions(user) if s.revoked_at)

    fresh = app.test_client()
    assert _sign_in(fresh, tenant, user.email, PASSWORD).status_code == 422
    assert _sign_in(fresh, tenant, user.email, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize("current, new, repeat, field, msgid", [
    ("wrong-password-123", NEW_PASSWORD, None, "current_password", "The current password is wrong."),
    (PASSWORD, "short", None, "new_password", "The password must be at least %(n)s characters."),
    (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "repeat_password", "The two new passwords differ."),
])
def test_a_refused_password_change_shows_the_error_next_to_the_field(app, client, tenant, user_factory,
                                                                     current, new, repeat, field, msgid):
    user = user_factory(tenant, "coordinator")
    login(client, user, tenant)
    response = _change(client, tenant, current, new, repeat)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(rf'<span class="form-error-message"[^>]*data-field="{field}">(.*?)</span>', page, re.S)
    assert error, f"no error next to {field}"
    with app.test_request_context("/"), force_locale("da"):
        expected = gettext(msgid, n=10)
    assert expected in error.group(1)
    fresh = app.test_client()
    assert _sign_in(fresh, tenant, user.email, PASSWORD).status_code == 302  # unchanged


def test_changing_the_password_needs_a_signed_in_member(client, tenant):
    response = client.get(f"/{tenant.slug}/account/password")
    assert response.status_code == 302 and f"/{tenant.slug}/login" in response.location


def test_passwords_are_stored_as_argon2_hashes(db, tenant, user_factory):
    user = user_factory(tenant, "coordinator")
    assert user.password_hash.startswith("$argon2") and PASSWORD not in user.password_hash
