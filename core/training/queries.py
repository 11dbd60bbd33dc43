"""What other packages ask about courses: read-only queries over the training tables.

This module imports only the training models, never ``core.volunteers.services``, so the volunteers'
gates (eligibility, the waiting list) can ask about courses while ``core.training.services`` builds
on the volunteers' services (status changes on attendance) without an import cycle.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.extensions import db
from core.training.models import CourseEnrollment


def completed_volunteer_ids(volunteer_ids: list[int], on: date) -> set[int]:
    """Which of these volunteers had completed a course by ``on`` (one query)."""
    if not volunteer_ids:
        return set()
    return set(db.session.scalars(select(CourseEnrollment.volunteer_id).where(
        CourseEnrollment.volunteer_id.in_(volunteer_ids), CourseEnrollment.completed_on.is_not(None),
        CourseEnrollment.completed_on <= on)))
