"""A match of a young person (through their referral) with a mentor, as an explicit state machine:

    proposed (one or more candidates) -> chosen (the young person chose) -> active (the mentor
    accepted; started_on) -> ended (end reason and outcome)

and, off the main path, ``declined`` (the chosen mentor said no) and ``cancelled`` (the coordinator
withdrew the proposal, or consent was withdrawn). Every transition is a dated ``MatchTransition``.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, ForeignKeyConstraint, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.tenancy import TenantScoped, utcnow

MATCH_STATUSES = ("proposed", "chosen", "active", "ended", "declined", "cancelled")
# A match in one of these takes a place of the mentor's capacity.
OCCUPYING_STATUSES = ("chosen", "active")
OPEN_STATUSES = ("proposed", "chosen", "active")


class Match(TenantScoped, db.Model):
    __tablename__ = "mentor_match"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "external_id"),
        ForeignKeyConstraint(["tenant_id", "referral_id"], ["referral.tenant_id", "referral.id"], ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "volunteer_id"], ["volunteer.tenant_id", "volunteer.id"]),
        Index("ix_match_tenant_status", "tenant_id", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64))
    referral_id: Mapped[int] = mapped_column(index=True)
    # The mentor: set when the young person chooses (or the coordinator presents one candidate).
    volunteer_id: Mapped[int | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    proposed_on: Mapped[date] = mapped_column(Date)
    chosen_on: Mapped[date | None] = mapped_column(Date)
    started_on: Mapped[date | None] = mapped_column(Date, index=True)
    ended_on: Mapped[date | None] = mapped_column(Date, index=True)
    end_reason: Mapped[str | None] = mapped_column(String(40))
    outcome: Mapped[str | None] = mapped_column(String(40))
    # The mentor is the adult the young person named (network-based recruitment).
    network_nominated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    referral = relationship("Referral", foreign_keys=[referral_id])
    volunteer = relationship("Volunteer", foreign_keys=[volunteer_id])
    candidates: Mapped[list[MatchCandidate]] = relationship(back_populates="match", order_by="MatchCandidate.rank",
                                                            cascade="all, delete-orphan",
                                                            foreign_keys="MatchCandidate.match_id")
    transitions: Mapped[list[MatchTransition]] = relationship(back_populates="match", order_by="MatchTransition.id",
                                                              cascade="all, delete-orphan",
                                                              foreign_keys="MatchTransition.match_id")


class MatchCandidate(TenantScoped, db.Model):
    """A mentor presented in a proposal, with the score and the reasons the coordinator saw."""

    __tablename__ = "match_candidate"
    __table_args__ = (
        UniqueConstraint("match_id", "volunteer_id"),
        ForeignKeyConstraint(["tenant_id", "match_id"], ["mentor_match.tenant_id", "mentor_match.id"], ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "volunteer_id"], ["volunteer.tenant_id", "volunteer.id"], ondelete="CASCADE"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(index=True)
    volunteer_id: Mapped[int] = mapped_column(index=True)
    rank: Mapped[int] = mapped_column(Integer, default=1)
    score: Mapped[float | None] = mapped_column(Float)
    parts: Mapped[list] = mapped_column(JSON, default=list)

    match: Mapped[Match] = relationship(back_populates="candidates", foreign_keys=[match_id])
    volunteer = relationship("Volunteer", foreign_keys=[volunteer_id])


class MatchTransition(TenantScoped, db.Model):
    """One dated transition of a match; the history is never rewritten."""

    __tablename__ = "match_transition"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "match_id"], ["mentor_match.tenant_id", "mentor_match.id"], ondelete="CASCADE"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    match: Mapped[Match] = relationship(back_populates="transitions", foreign_keys=[match_id])


class ChoiceLink(TenantScoped, db.Model):
    """The young person's link to choose between the candidates of one proposal: a random token of
    at least 128 bits, stored only as its SHA-256, expiring and single-use."""

    __tablename__ = "choice_link"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "match_id"], ["mentor_match.tenant_id", "mentor_match.id"], ondelete="CASCADE"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    match: Mapped[Match] = relationship(foreign_keys=[match_id])
