"""Accounts: users, memberships, passwords, server-side sessions and API tokens."""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, has_request_context, session
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.exc import OperationalError

from core.accounts.models import ApiToken, Membership, Role, User, UserSession
from core.audit import services as audit
from core.errors import ServiceError
from core.extensions import db
from core.tenancy import Municipality, tenant_context, unscoped, utcnow

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
# Verified against when the e-mail is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def check_password(user: User | None, password: str) -> bool:
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        return False
    return user is not None


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or ``None``."""
    user = find_user(email)
    if not check_password(user, password) or not user.active:
        audit.sign_in_failed(user)
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def _validate_password(password: str, field: str = "password"):
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ServiceError(_l("The password must be at least %(n)s characters.", n=MIN_PASSWORD_LENGTH), field=field)


def create_user(email: str, password: str, *, name: str = "", platform_admin: bool = False) -> User:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise ServiceError(_l("Enter a valid e-mail address."), field="email")
    if find_user(email):
        raise ServiceError(_l("A user with this e-mail address already exists."), field="email")
    _validate_password(password)
    user = User(email=email, name=name, password_hash=_hasher.hash(password), is_platform_admin=platform_admin)
    db.session.add(user)
    db.session.flush()
    return user


def add_membership(user: User, tenant: Municipality, role: str) -> Membership:
    if role not in {r.value for r in Role}:
        raise ServiceError(_l("Unknown role: %(role)s", role=role), field="role")
    with tenant_context(tenant):
        if membership_of(user, tenant):
            raise ServiceError(_l("The user is already a member of this municipality."), field="email")
        membership = Membership(user_id=user.id, role=role)
        db.session.add(membership)
        audit.record("membership.created", membership, role=role)
        db.session.flush()
    return membership


def membership_of(user: User, tenant: Municipality) -> Membership | None:
    with tenant_context(tenant):
        return db.session.scalar(select(Membership).where(Membership.user_id == user.id))


def add_member(tenant: Municipality, email: str, password: str, role: str, *, name: str = "") -> User:
    """Give the person with this e-mail address ``role`` in ``tenant``: a new user, or the one that
    already exists (a person can be a mentor in two municipalities). Whether the address already
    had an account elsewhere is not told: the answer, the time it takes and the existing account
    (its password and name) are the same either way. The password is only used for a new account.
    """
    email = normalise_email(email)
    existing = find_user(email)
    if existing is None:
        user = create_user(email, password, name=name)
    else:
        _validate_password(password)  # the same refusal as for a new account
        _hasher.hash(password)  # the time a new account takes, so timing tells nothing either
        user = existing
    add_membership(user, tenant, role)
    return user


def change_password(user: User, current: str, new: str, repeat: str) -> None:
    """Change the password and end every session and API token of the user (a browser that
    changed it may go on in a new session: :func:`sign_in`)."""
    if not check_password(user, current):
        raise ServiceError(_l("The current password is wrong."), field="current_password")
    _validate_password(new, "new_password")
    if new != repeat:
        raise ServiceError(_l("The two new passwords differ."), field="repeat_password")
    user.password_hash = _hasher.hash(new)
    revoke_sessions(user)
    revoke_all_tokens(user)


def set_active(user: User, active: bool) -> None:
    """Enable or disable a user. Disabling ends every session and revokes every API token; the
    session loader and the token check also refuse a disabled user by themselves."""
    user.active = active
    if not active:
        revoke_sessions(user)
        revoke_all_tokens(user)


def set_locale(user: User, locale: str) -> None:
    if locale in current_app.config["LANGUAGES"]:
        user.locale = locale


# ---- signing in and out: server-side sessions ------------------------------------------------
#
# The session cookie carries a random token naming a UserSession row (only its SHA-256 is stored).
# Flask-Login keeps the token as its "user id" (core.create_app sets id_attribute), and the loader
# finds user and session in one indexed query. Signing out revokes the row, so a copied cookie is
# worth nothing afterwards.

def sign_in_with_password(email: str, password: str, *, may_sign_in: Callable[[User], bool] = lambda user: True) -> User:
    """Sign in the active user with these credentials if ``may_sign_in(user)`` (a membership of the
    tenant, platform admin...). Wrong credentials and a user who may not sign in here get the same
    refusal."""
    user = authenticate(email, password)
    if user is None or not may_sign_in(user):
        raise ServiceError(_l("Wrong e-mail or password."))
    sign_in(user)
    audit.signed_in(user)
    return user


def sign_in(user: User) -> str:
    """Start a new server-side session for ``user`` in this browser. Everything the browser's
    session held before (except its language) is dropped: a new session token (no session
    fixation) and a new CSRF token, so a token read before signing in is no longer valid."""
    _reset_browser_session()
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_digest(token)))
    user.session_token = token
    login_user(user)
    return token


def sign_out() -> None:
    """End this browser's session on the server (the cookie, even copied, opens nothing after)."""
    audit.signed_out()
    token = session.get("_user_id")
    if isinstance(token, str):
        revoke_session(token)
    _reset_browser_session()
    logout_user()


# What a browser's session keeps across signing in and out: only its choice of language.
_KEPT_ACROSS_SIGN_IN = ("lang",)


def _reset_browser_session() -> None:
    kept = {key: session[key] for key in _KEPT_ACROSS_SIGN_IN if key in session}
    session.clear()
    session.update(kept)
    # Flask-WTF caches the signed CSRF token for the rest of the request: forget it as well, so the
    # next form rendered carries the new one.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def user_for_session(token: str, tenant_slug: str | None = None) -> User | None:
    """The user of a live session (not revoked, not idle or older than allowed, user active), in
    one indexed query; ``None`` otherwise. With ``tenant_slug`` (the URL's municipality) the same
    query also finds the municipality and the user's membership in it, which the enforcement point
    takes from :func:`tenant_lookup`: one query per request for session, user, tenant and role."""
    if not token or not isinstance(token, str):
        return None
    config = current_app.config
    now = utcnow()
    params = {"token_hash": _digest(token),
              "idle_since": now - timedelta(seconds=config["SESSION_IDLE_SECONDS"]),
              "born_since": now - timedelta(seconds=config["SESSION_MAX_AGE_SECONDS"])}
    row = _identity_row(_SESSION, params, tenant_slug)
    if row is None:
        return None
    user, session_id, last_seen_at = row[:3]
    if last_seen_at <= now - timedelta(seconds=config["SESSION_TOUCH_SECONDS"]):
        _touch_session(session_id, now)
    user.session_token = token
    return user


# The queries that say who is asking, built once (building a statement costs about as much as
# running it): by session or by API token, each with or without the URL's municipality and the
# user's membership there.
_SESSION, _TOKEN = "session", "token"
_TENANT_LOOKUP = "_mentorkorps_tenant_lookup"


@cache
def _identity_query(kind: str, with_tenant: bool):
    if kind == _SESSION:
        statement = (select(User, UserSession.id, UserSession.last_seen_at)
                     .join(UserSession, UserSession.user_id == User.id)
                     .where(UserSession.token_hash == bindparam("token_hash"),
                            UserSession.revoked_at.is_(None),
                            UserSession.last_seen_at > bindparam("idle_since"),
                            UserSession.created_at > bindparam("born_since"),
                            User.active.is_(True)))
    else:
        statement = (select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                     .where(ApiToken.token_hash == bindparam("token_hash")))
    if with_tenant:
        statement = (statement.add_columns(Municipality, Membership)
                     .outerjoin(Municipality, Municipality.slug == bindparam("slug"))
                     .outerjoin(Membership, and_(Membership.tenant_id == Municipality.id,
                                                 Membership.user_id == User.id)))
    return statement


def _identity_row(kind: str, params: dict, tenant_slug: str | None):
    if tenant_slug is None:
        return db.session.execute(_identity_query(kind, False), params).first()
    # Across tenants, explicitly: the tenant is not known before this query finds it. The membership
    # is joined on that one municipality's id, so nothing of another tenant is read.
    with unscoped():
        row = db.session.execute(_identity_query(kind, True), {**params, "slug": tenant_slug}).first()
    if row is not None and has_request_context():
        g.setdefault(_TENANT_LOOKUP, {})[tenant_slug] = (row[-2], row[-1])
    return row


def tenant_lookup(tenant_slug: str) -> tuple[Municipality | None, Membership | None] | None:
    """What the request's authentication found for ``tenant_slug`` along with the user:
    ``(municipality or None, the user's membership there or None)``; ``None`` if it found nothing
    (no signed-in user, or the user was loaded without the URL's municipality)."""
    return g.get(_TENANT_LOOKUP, {}).get(tenant_slug)


def _touch_session(session_id: int, now) -> None:
    """Record that a session is in use, in a short transaction of its own: a page view writes at
    most once per SESSION_TOUCH_SECONDS, and its own (read) transaction stays a read."""
    try:
        with db.engine.begin() as connection:
            connection.execute(update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now))
    except OperationalError:  # busy database: the idle clock is advisory to the second
        current_app.logger.warning("could not record the use of session %s", session_id)


def revoke_session(token: str) -> bool:
    result = db.session.execute(update(UserSession)
                                .where(UserSession.token_hash == _digest(token), UserSession.revoked_at.is_(None))
                                .values(revoked_at=utcnow()))
    return bool(result.rowcount)


def revoke_sessions(user: User) -> int:
    """End every session of ``user`` (password change, disabling)."""
    result = db.session.execute(update(UserSession)
                                .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
                                .values(revoked_at=utcnow()))
    return result.rowcount


# ---- API tokens -----------------------------------------------------------------------------

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> str:
    token = secrets.token_urlsafe(32)
    days = current_app.config["API_TOKEN_DAYS"]
    row = ApiToken(user_id=user.id, token_hash=_digest(token), expires_at=utcnow() + timedelta(days=days))
    db.session.add(row)
    audit.token_issued(user, row)
    return token


def user_for_token(token: str, tenant_slug: str | None = None) -> User | None:
    """The active user of a live API token, or ``None``; with ``tenant_slug`` one query also finds
    the municipality and the membership (see :func:`user_for_session`)."""
    if not token or not isinstance(token, str):
        return None
    row = _identity_row(_TOKEN, {"token_hash": _digest(token)}, tenant_slug)
    if row is None:
        return None
    token_row, user = row[:2]
    if token_row.revoked_at is not None or token_row.expires_at <= utcnow() or not user.active:
        return None
    audit.token_used(token_row)
    return user


def revoke_token(token: str) -> bool:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token), ApiToken.revoked_at.is_(None)))
    if row is None:
        return False
    row.revoked_at = utcnow()
    return True


def revoke_all_tokens(user: User) -> int:
    rows = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).all()
    for row in rows:
        row.revoked_at = utcnow()
    return len(rows)


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id)))
