from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.tenancy import TenantScoped, utcnow


class Role(StrEnum):
    COORDINATOR = "coordinator"
    CASEWORKER = "caseworker"
    MENTOR = "mentor"


class User(UserMixin, db.Model):
    """A person who signs in. Identity is platform-wide; access comes from memberships."""

    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # The server-side session this request was signed in with (set by accounts.services when the
    # session is created or loaded; never stored on the user). Flask-Login keeps it in the cookie
    # (``login_manager.id_attribute = "get_session_token"``), so a cookie names a session, not a user.
    session_token = None  # str | None; not a column

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        return str(self.id)

    def get_session_token(self) -> str:
        if not self.session_token:
            raise RuntimeError("sign in through core.accounts.services.sign_in (it creates the session)")
        return self.session_token


class Membership(TenantScoped, db.Model):
    """A user's role in one municipality."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class ApiToken(db.Model):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class UserSession(db.Model):
    """One signed-in browser. The cookie carries a random token; only its SHA-256 is stored, so a
    copy of the database opens no session. Signing out revokes the row, a password change revokes
    the user's other rows, disabling the user revokes them all; a revoked row (or a disabled user)
    signs nobody in, whatever the cookie says."""

    __tablename__ = "user_session"
    __table_args__ = (Index("ix_user_session_user_id_revoked_at", "user_id", "revoked_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
