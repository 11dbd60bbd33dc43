"""The young person's significant adult (seed 004): who they named, the young person's consent to
contact that person, asking them, their answer, the short route to becoming this one young
person's mentor, and how the nomination closed.

One row per nomination. A referral has at most one open nomination at a time (the services hold
that); after a "no" or a refusal a new one may be recorded. ``adult_name`` is ``None`` on a row that
records that the young person named no one, and on a closed row whose contact data were removed
when the young person withdrew their consent.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, ForeignKeyConstraint, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.tenancy import TenantScoped, utcnow

ANSWERS = ("pending", "yes", "no")
CLOSED_REASONS = ("matched", "declined", "not_approved", "none_named", "withdrawn", "rejected")
# Where an open nomination stands, worked out from its dates (see NetworkNomination.stage).
OPEN_STAGES = ("to_ask", "awaiting_answer", "short_route")


class NetworkNomination(TenantScoped, db.Model):
    __tablename__ = "network_nomination"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(["tenant_id", "referral_id"], ["referral.tenant_id", "referral.id"], ondelete="CASCADE"),
        # NO ACTION in the database (a composite SET NULL would null tenant_id too: docs/sql.md).
        ForeignKeyConstraint(["tenant_id", "volunteer_id"], ["volunteer.tenant_id", "volunteer.id"]),
        ForeignKeyConstraint(["tenant_id", "match_id"], ["mentor_match.tenant_id", "mentor_match.id"]),
        Index("ix_network_nomination_tenant_closed", "tenant_id", "closed_reason"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(index=True)
    # The adult the young person named (other than the parents) and how to reach them.
    adult_name: Mapped[str | None] = mapped_column(String(120))
    relation: Mapped[str | None] = mapped_column(String(80))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    # The young person's consent that the corps contacts this adult (required when one is named).
    consent_to_contact_on: Mapped[date | None] = mapped_column(Date)
    recorded_on: Mapped[date] = mapped_column(Date)
    asked_on: Mapped[date | None] = mapped_column(Date)
    answer: Mapped[str | None] = mapped_column(String(10))
    answered_on: Mapped[date | None] = mapped_column(Date)
    # The short route after a yes: the volunteer record, the introduction sessions held (ISO dates),
    # the approval and the match with exactly this young person.
    volunteer_id: Mapped[int | None] = mapped_column(index=True)
    introduction_dates: Mapped[list] = mapped_column(JSON, default=list)
    approved_on: Mapped[date | None] = mapped_column(Date)
    match_id: Mapped[int | None] = mapped_column(index=True)
    closed_reason: Mapped[str | None] = mapped_column(String(20))
    closed_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    referral = relationship("Referral", foreign_keys=[referral_id])
    volunteer = relationship("Volunteer", foreign_keys=[volunteer_id])
    match = relationship("Match", foreign_keys=[match_id])

    @property
    def is_open(self) -> bool:
        return self.closed_reason is None

    @property
    def stage(self) -> str:
        """``to_ask``, ``awaiting_answer`` or ``short_route`` while open; the closed reason after."""
        if self.closed_reason is not None:
            return self.closed_reason
        if self.asked_on is None:
            return "to_ask"
        if self.answer != "yes":
            return "awaiting_answer"
        return "short_route"

    @property
    def introductions(self) -> list[date]:
        return sorted(date.fromisoformat(d) for d in (self.introduction_dates or []))
