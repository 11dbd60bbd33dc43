"""Contact between a mentor and their young person (``Meeting``), and the young person's status some
months after the match ended (``FollowUp``). Report figures ("more than one meeting", status six
months after) are computed from these rows, never typed in."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, ForeignKeyConstraint, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flask_babel import lazy_gettext as _l

from core.extensions import db
from core.tenancy import TenantScoped, utcnow

MEETING_PLACES = ("cafe", "walk", "cooking", "online", "other")
FOLLOWUP_STATUSES = ("education", "job", "internship", "benefits", "unknown")
FOLLOWUP_LABELS = {
    "education": _l("In education"),
    "job": _l("In a job"),
    "internship": _l("Internship"),
    "benefits": _l("On benefits"),
    "unknown": _l("Unknown"),
}


class Meeting(TenantScoped, db.Model):
    __tablename__ = "meeting"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "match_id"], ["mentor_match.tenant_id", "mentor_match.id"], ondelete="CASCADE"),
        Index("ix_meeting_tenant_match_held", "tenant_id", "match_id", "held_on"),
        # A period's meetings (reports), and with match_id and minutes, scans of a tenant's meetings that
        # SQLite sends through it read the index alone (migrations 0008, 0010).
        Index("ix_meeting_tenant_held", "tenant_id", "held_on", "match_id", "minutes"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column()
    held_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int | None] = mapped_column(Integer)
    place: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(1000))
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    match = relationship("Match", foreign_keys=[match_id])


class FollowUp(TenantScoped, db.Model):
    """A follow-up ``months_after`` the match ended: due on ``due_on``, done when ``status`` is set."""

    __tablename__ = "followup"
    __table_args__ = (
        UniqueConstraint("match_id", "months_after"),
        ForeignKeyConstraint(["tenant_id", "match_id"], ["mentor_match.tenant_id", "mentor_match.id"], ondelete="CASCADE"),
        Index("ix_followup_tenant_due", "tenant_id", "recorded_on", "due_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(index=True)
    months_after: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(20))
    recorded_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    match = relationship("Match", foreign_keys=[match_id])
