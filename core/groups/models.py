"""Group meetings of the corps: info meetings, experience groups, supervision, sparring groups and
social events, with invitations and attendance.

A participant is a volunteer today; young people join social events when citizens exist (the next
capability adds a nullable ``citizen_id`` beside ``volunteer_id``).
"""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Column, Date, ForeignKeyConstraint, Integer, Numeric, String, Table, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.tenancy import TenantScoped, tenant_association, tenant_id_column, utcnow

MEETING_KINDS = ("info_meeting", "experience_group", "supervision", "sparring_group", "social_event")
GROUP_KINDS = ("experience_group", "sparring_group")

# Tenant data like every other table: its tenant_id is filled by the ORM from both ends of
# VolunteerGroup.members, and the composite foreign keys make a member of another tenant impossible.
volunteer_group_member = tenant_association(Table(
    "volunteer_group_member",
    db.metadata,
    Column("group_id", Integer, primary_key=True),
    Column("volunteer_id", Integer, primary_key=True, index=True),
    tenant_id_column(),
    ForeignKeyConstraint(["tenant_id", "group_id"], ["volunteer_group.tenant_id", "volunteer_group.id"], ondelete="CASCADE"),
    ForeignKeyConstraint(["tenant_id", "volunteer_id"], ["volunteer.tenant_id", "volunteer.id"], ondelete="CASCADE"),
))


class VolunteerGroup(TenantScoped, db.Model):
    """A standing group of volunteers, e.g. one of a corps' standing experience groups."""

    __tablename__ = "volunteer_group"
    __table_args__ = (UniqueConstraint("tenant_id", "id"),)  # the target of the composite foreign keys
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))

    members = relationship("Volunteer", secondary=volunteer_group_member, order_by="Volunteer.name")
    # Deleting a group keeps its meetings: the ORM sets their group_id to NULL (the composite
    # foreign key cannot do it in the database without nulling tenant_id too; see docs/sql.md).
    meetings: Mapped[list[GroupMeeting]] = relationship(back_populates="group", foreign_keys="GroupMeeting.group_id")


class GroupMeeting(TenantScoped, db.Model):
    __tablename__ = "group_meeting"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(["tenant_id", "group_id"], ["volunteer_group.tenant_id", "volunteer_group.id"]),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(120))
    on: Mapped[date] = mapped_column(Date, index=True)
    starts_at: Mapped[time | None] = mapped_column(Time)
    hours: Mapped[float | None] = mapped_column(Numeric(4, 1))
    place: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    group_id: Mapped[int | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    group: Mapped[VolunteerGroup | None] = relationship(back_populates="meetings", foreign_keys=[group_id])
    participants: Mapped[list[GroupMeetingParticipant]] = relationship(back_populates="meeting", cascade="all, delete-orphan",
                                                                      foreign_keys="GroupMeetingParticipant.meeting_id")


class GroupMeetingParticipant(TenantScoped, db.Model):
    """An invitation, and whether the person came (``None`` until registered)."""

    __tablename__ = "group_meeting_participant"
    __table_args__ = (
        UniqueConstraint("meeting_id", "volunteer_id"),
        ForeignKeyConstraint(["tenant_id", "meeting_id"], ["group_meeting.tenant_id", "group_meeting.id"], ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "volunteer_id"], ["volunteer.tenant_id", "volunteer.id"], ondelete="CASCADE"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(index=True)
    volunteer_id: Mapped[int | None] = mapped_column(index=True)
    invited_at: Mapped[datetime | None]
    attended: Mapped[bool | None]

    meeting: Mapped[GroupMeeting] = relationship(back_populates="participants", foreign_keys=[meeting_id])
    volunteer = relationship("Volunteer", foreign_keys=[volunteer_id])
