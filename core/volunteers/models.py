"""Volunteers: a profile (what a municipality's volunteer form asks), recruitment, screening and a dated status history."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, ForeignKeyConstraint, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.tenancy import TenantScoped, utcnow


class VolunteerStatus(StrEnum):
    APPLICANT = "applicant"
    INFO_MEETING = "info_meeting"
    IN_TRAINING = "in_training"
    APPROVED = "approved"
    ACTIVE = "active"
    PAUSED = "paused"
    LEFT = "left"


GENDERS = ("female", "male", "other")
EMPLOYMENT_SECTORS = ("public", "private", "none")
EDUCATIONS = ("care_teaching_social", "vocational", "higher", "unskilled")
SCREENING_KINDS = ("child_certificate", "criminal_record")


class Volunteer(TenantScoped, db.Model):
    __tablename__ = "volunteer"
    __table_args__ = (
        UniqueConstraint("tenant_id", "external_id"),
        UniqueConstraint("tenant_id", "id"),  # the target of the composite foreign keys
        Index("ix_volunteer_tenant_status_name", "tenant_id", "status", "name"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    postcode: Mapped[str | None] = mapped_column(String(10))
    # A volunteer profile form's answers; background and languages only as the volunteer chooses to state them.
    gender: Mapped[str | None] = mapped_column(String(10))
    birth_date: Mapped[date | None] = mapped_column(Date)
    background: Mapped[str | None] = mapped_column(String(200))
    languages: Mapped[list] = mapped_column(JSON, default=list)
    interests: Mapped[list] = mapped_column(JSON, default=list)
    work_background: Mapped[str | None] = mapped_column(Text)
    competences: Mapped[str | None] = mapped_column(Text)
    wishes: Mapped[str | None] = mapped_column(Text)
    # A short text the mentor writes about themselves; the young person sees it when choosing.
    about_me: Mapped[str | None] = mapped_column(Text)
    reservations: Mapped[str | None] = mapped_column(Text)
    employment_sector: Mapped[str | None] = mapped_column(String(20))
    education: Mapped[str | None] = mapped_column(String(30))
    recruitment_channel: Mapped[str | None] = mapped_column(String(40))
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default=VolunteerStatus.APPLICANT)
    status_since: Mapped[date] = mapped_column(Date)
    recruited_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    status_changes: Mapped[list[VolunteerStatusChange]] = relationship(
        back_populates="volunteer", order_by="VolunteerStatusChange.id", cascade="all, delete-orphan",
        foreign_keys="VolunteerStatusChange.volunteer_id")
    screenings: Mapped[list[Screening]] = relationship(
        back_populates="volunteer", order_by="Screening.obtained_on.desc()", cascade="all, delete-orphan",
        foreign_keys="Screening.volunteer_id")

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


class VolunteerStatusChange(TenantScoped, db.Model):
    """One dated transition of a volunteer's status; the history is never rewritten."""

    __tablename__ = "volunteer_status_change"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "volunteer_id"], ["volunteer.tenant_id", "volunteer.id"], ondelete="CASCADE"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20), index=True)
    on: Mapped[date] = mapped_column(Date, index=True)
    note: Mapped[str | None] = mapped_column(String(500))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    volunteer: Mapped[Volunteer] = relationship(back_populates="status_changes", foreign_keys=[volunteer_id])


class Screening(TenantScoped, db.Model):
    """A certificate obtained for a volunteer (børneattest, straffeattest) and when."""

    __tablename__ = "screening"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "volunteer_id"], ["volunteer.tenant_id", "volunteer.id"], ondelete="CASCADE"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(30))
    obtained_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    volunteer: Mapped[Volunteer] = relationship(back_populates="screenings", foreign_keys=[volunteer_id])
