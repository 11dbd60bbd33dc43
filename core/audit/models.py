"""Who did what, when: an append-only record per tenant, never carrying sensitive content.

``kind`` says what sort of use it was: ``write`` (a change, recorded by the service that made it),
``read`` (personal data shown or sent, recorded by the read declarations of views and API
endpoints, see :mod:`core.audit.reads`) and ``auth`` (sign-in, failed sign-in, sign-out, API
token issued and used). ``subject_type`` is the subject's table name (``volunteer``,
``course``...), ``subject_id`` its id; ``details`` holds codes and counts, never content.
"""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.tenancy import TenantScoped, utcnow

WRITE, READ, AUTH = "write", "read", "auth"
KINDS = (WRITE, READ, AUTH)


class AuditEvent(TenantScoped, db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (
        # "Who looked at this volunteer": the events of one subject, newest first.
        Index("ix_audit_event_subject", "tenant_id", "subject_type", "subject_id", "at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(10), default=WRITE, server_default=WRITE)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
