"""Accounts: users, memberships, passwords and API tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.accounts.models import ApiToken, Membership, Role, User
from core.audit import services as audit
from core.errors import ServiceError
from core.extensions import db
from core.tenancy import Municipality, tenant_context, utcnow

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


def change_password(user: User, current: str, new: str, repeat: str) -> None:
    if not check_password(user, current):
        raise ServiceError(_l("The current password is wrong."), field="current_password")
    _validate_password(new, "new_password")
    if new != repeat:
        raise ServiceError(_l("The two new passwords differ."), field="repeat_password")
    user.password_hash = _hasher.hash(new)
    user.session_epoch += 1  # other sessions of this user end
    revoke_all_tokens(user)


def set_locale(user: User, locale: str) -> None:
    if locale in current_app.config["LANGUAGES"]:
        user.locale = locale


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


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow() or not row.user.active:
        return None
    audit.token_used(row)
    return row.user


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
