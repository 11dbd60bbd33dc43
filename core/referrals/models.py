"""The young person (``Citizen``) and a referral of them to the corps, with the consent record, the
intake answers and the decision.

A CPR number is never stored in plain text: ``cpr_encrypted`` holds it encrypted with the key from
configuration, ``cpr_hash`` a keyed hash to find an existing citizen (core.referrals.cpr).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, ForeignKeyConstraint, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.tenancy import TenantScoped, utcnow

GENDERS = ("female", "male", "other")
# CONTRACT.md section 3; a plugin may add codes for its tenant (mentorkorps_referral_sources/_situations).
REFERRAL_STATUSES = ("received", "accepted", "rejected", "proposed", "matched", "ended", "withdrawn")
# A referral in one of these is still in the corps' hands; the others are closed.
OPEN_REFERRAL_STATUSES = ("received", "accepted", "proposed", "matched")


class Citizen(TenantScoped, db.Model):
    """A young person referred to the corps."""

    __tablename__ = "citizen"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),  # the target of the composite foreign keys
        UniqueConstraint("tenant_id", "external_id"),
        Index("ix_citizen_tenant_cpr_hash", "tenant_id", "cpr_hash"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(120))
    birth_date: Mapped[date | None] = mapped_column(Date)
    cpr_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    cpr_hash: Mapped[str | None] = mapped_column(String(64))
    gender: Mapped[str | None] = mapped_column(String(10))
    postcode: Mapped[str | None] = mapped_column(String(10))
    languages: Mapped[list] = mapped_column(JSON, default=list)
    interests: Mapped[list] = mapped_column(JSON, default=list)
    education_wishes: Mapped[str | None] = mapped_column(Text)
    needs: Mapped[str | None] = mapped_column(Text)
    # The young person's own wishes about the mentor, honoured in matching without requiring sameness.
    mentor_gender_wish: Mapped[str | None] = mapped_column(String(10))
    mentor_wishes: Mapped[str | None] = mapped_column(Text)
    # Contact details the young person agreed to share with their mentor (the mentor sees only these).
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    share_contact_with_mentor: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    referrals: Mapped[list[Referral]] = relationship(back_populates="citizen", order_by="Referral.id",
                                                     foreign_keys="Referral.citizen_id")

    @property
    def first_name(self) -> str:
        return (self.name or "").split(" ")[0]

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


class Referral(TenantScoped, db.Model):
    """A referral of a young person: who referred, why, the consent, the intake and its decision."""

    __tablename__ = "referral"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "external_id"),
        ForeignKeyConstraint(["tenant_id", "citizen_id"], ["citizen.tenant_id", "citizen.id"], ondelete="CASCADE"),
        Index("ix_referral_tenant_status", "tenant_id", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64))
    citizen_id: Mapped[int] = mapped_column(index=True)
    referred_on: Mapped[date] = mapped_column(Date)
    # Who referred: a caseworker account, or a named outside referrer (jobcenter, school, counsellor).
    referrer_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    referrer_name: Mapped[str | None] = mapped_column(String(120))
    referrer_organisation: Mapped[str | None] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(40))
    situation: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="received")
    # Consent of the young person: who registered it, when, and which version of the consent text.
    consent_given_on: Mapped[date] = mapped_column(Date)
    consent_text_version: Mapped[str] = mapped_column(String(40))
    consent_registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    consent_withdrawn_on: Mapped[date | None] = mapped_column(Date)
    consent_withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Intake: the coordinator's answers to the intake questions, the findings of the target-group
    # rules as they stood at the decision, the decision and its reason.
    intake_answers: Mapped[dict] = mapped_column(JSON, default=dict)
    findings: Mapped[list] = mapped_column(JSON, default=list)
    decision: Mapped[str | None] = mapped_column(String(10))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # What mentor and young person agree to work on; the mentor sees these.
    shared_goals: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    citizen: Mapped[Citizen] = relationship(back_populates="referrals", foreign_keys=[citizen_id])

    @property
    def consent_active(self) -> bool:
        return self.consent_withdrawn_on is None
