"""Group meetings of the corps: info meetings, experience groups, supervision, sparring groups and
social events, with invitations and attendance.

A participant is a volunteer today; young people join social events when citizens exist (the next
capability adds a nullable ``citizen_id`` beside ``volunteer_id``).
"""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Column, Date, ForeignKey, Numeric, String, Table, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.tenancy import TenantScoped, utcnow

MEETING_KINDS = ("info_meeting", "experience_group", "supervision", "sparring_group", "social_event")
GROUP_KINDS = ("experience_group", "sparring_group")

volunteer_group_member = Table(
    "volunteer_group_member",
    db.metadata,
    Column("group_id", ForeignKey("volunteer_group.id", ondelete="CASCADE"), primary_key=True),
    Column("volunteer_id", ForeignKey("volunteer.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class VolunteerGroup(TenantScoped, db.Model):
    """A standing group of volunteers, e.g. one of Middelfart's five experience groups."""

    __tablename__ = "volunteer_group"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))

    members = relationship("Volunteer", secondary=volunteer_group_member, order_by="Volunteer.name")


class GroupMeeting(TenantScoped, db.Model):
    __tablename__ = "group_meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(120))
    on: Mapped[date] = mapped_column(Date, index=True)
    starts_at: Mapped[time | None] = mapped_column(Time)
    hours: Mapped[float | None] = mapped_column(Numeric(4, 1))
    place: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_group.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    group: Mapped[VolunteerGroup | None] = relationship()
    participants: Mapped[list[GroupMeetingParticipant]] = relationship(back_populates="meeting", cascade="all, delete-orphan")


class GroupMeetingParticipant(TenantScoped, db.Model):
    """An invitation, and whether the person came (``None`` until registered)."""

    __tablename__ = "group_meeting_participant"
    __table_args__ = (UniqueConstraint("meeting_id", "volunteer_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("group_meeting.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer.id", ondelete="CASCADE"), index=True)
    invited_at: Mapped[datetime | None]
    attended: Mapped[bool | None]

    meeting: Mapped[GroupMeeting] = relationship(back_populates="participants")
    volunteer = relationship("Volunteer")
