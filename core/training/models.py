"""Courses for volunteers: sessions, enrolments (with a waiting list) and attendance."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.tenancy import TenantScoped, utcnow

ENROLLED, WAITING, WITHDRAWN = "enrolled", "waiting", "withdrawn"


class Course(TenantScoped, db.Model):
    __tablename__ = "course"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(String(200))
    max_participants: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sessions: Mapped[list[CourseSession]] = relationship(
        back_populates="course", order_by="(CourseSession.on, CourseSession.starts_at)", cascade="all, delete-orphan")
    enrollments: Mapped[list[CourseEnrollment]] = relationship(back_populates="course", cascade="all, delete-orphan")


class CourseSession(TenantScoped, db.Model):
    __tablename__ = "course_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    on: Mapped[date] = mapped_column(Date, index=True)
    starts_at: Mapped[time | None] = mapped_column(Time)
    hours: Mapped[float] = mapped_column(Numeric(4, 1))
    place: Mapped[str | None] = mapped_column(String(200))

    course: Mapped[Course] = relationship(back_populates="sessions")
    attendance: Mapped[list[SessionAttendance]] = relationship(back_populates="session", cascade="all, delete-orphan")


class CourseEnrollment(TenantScoped, db.Model):
    """A volunteer's place on a course (or on its waiting list). ``completed_on`` is derived from
    attendance by the tenant's completion rule, never typed in."""

    __tablename__ = "course_enrollment"
    __table_args__ = (UniqueConstraint("course_id", "volunteer_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(12), default=ENROLLED)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_on: Mapped[date | None] = mapped_column(Date, index=True)

    course: Mapped[Course] = relationship(back_populates="enrollments")
    volunteer = relationship("Volunteer")


class SessionAttendance(TenantScoped, db.Model):
    __tablename__ = "session_attendance"
    __table_args__ = (UniqueConstraint("session_id", "volunteer_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("course_session.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id", ondelete="CASCADE"), index=True)
    attended: Mapped[bool]
    registered_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    session: Mapped[CourseSession] = relationship(back_populates="attendance")
