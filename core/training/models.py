"""Courses for volunteers: sessions, enrolments (with a waiting list) and attendance."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Date, ForeignKeyConstraint, Integer, Numeric, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.tenancy import TenantScoped, utcnow

ENROLLED, WAITING, WITHDRAWN = "enrolled", "waiting", "withdrawn"


class Course(TenantScoped, db.Model):
    __tablename__ = "course"
    __table_args__ = (UniqueConstraint("tenant_id", "id"),)  # the target of the composite foreign keys
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(String(200))
    max_participants: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sessions: Mapped[list[CourseSession]] = relationship(
        back_populates="course", order_by="(CourseSession.on, CourseSession.starts_at)", cascade="all, delete-orphan",
        foreign_keys="CourseSession.course_id")
    enrollments: Mapped[list[CourseEnrollment]] = relationship(back_populates="course", cascade="all, delete-orphan",
                                                               foreign_keys="CourseEnrollment.course_id")


class CourseSession(TenantScoped, db.Model):
    __tablename__ = "course_session"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(["tenant_id", "course_id"], ["course.tenant_id", "course.id"], ondelete="CASCADE"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(index=True)
    on: Mapped[date] = mapped_column(Date, index=True)
    starts_at: Mapped[time | None] = mapped_column(Time)
    hours: Mapped[float] = mapped_column(Numeric(4, 1))
    place: Mapped[str | None] = mapped_column(String(200))

    course: Mapped[Course] = relationship(back_populates="sessions", foreign_keys=[course_id])
    attendance: Mapped[list[SessionAttendance]] = relationship(back_populates="session", cascade="all, delete-orphan",
                                                               foreign_keys="SessionAttendance.session_id")


class CourseEnrollment(TenantScoped, db.Model):
    """A volunteer's place on a course (or on its waiting list). ``completed_on`` is derived from
    attendance by the tenant's completion rule, never typed in."""

    __tablename__ = "course_enrollment"
    __table_args__ = (
        UniqueConstraint("course_id", "volunteer_id"),
        ForeignKeyConstraint(["tenant_id", "course_id"], ["course.tenant_id", "course.id"], ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "volunteer_id"], ["volunteer.tenant_id", "volunteer.id"], ondelete="CASCADE"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(index=True)
    volunteer_id: Mapped[int] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(12), default=ENROLLED)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_on: Mapped[date | None] = mapped_column(Date, index=True)

    course: Mapped[Course] = relationship(back_populates="enrollments", foreign_keys=[course_id])
    volunteer = relationship("Volunteer", foreign_keys=[volunteer_id])


class SessionAttendance(TenantScoped, db.Model):
    __tablename__ = "session_attendance"
    __table_args__ = (
        UniqueConstraint("session_id", "volunteer_id"),
        ForeignKeyConstraint(["tenant_id", "session_id"], ["course_session.tenant_id", "course_session.id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "volunteer_id"], ["volunteer.tenant_id", "volunteer.id"], ondelete="CASCADE"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(index=True)
    volunteer_id: Mapped[int] = mapped_column(index=True)
    attended: Mapped[bool]
    registered_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    session: Mapped[CourseSession] = relationship(back_populates="attendance", foreign_keys=[session_id])
