"""What other packages ask about courses: read-only queries over the training tables.

This module imports only the training models, never ``core.volunteers.services``, so the volunteers'
gates (eligibility, the waiting list) can ask about courses while ``core.training.services`` builds
on the volunteers' services (status changes on attendance) without an import cycle.
"""
from __future__ import annotations

from datetime import date

from functools import cache

from sqlalchemy import Date, bindparam, select

from core.extensions import db
from core.tenancy import built_once
from core.training.models import CourseEnrollment


def completed_volunteer_ids(volunteer_ids: list[int], on: date) -> set[int]:
    """Which of these volunteers had completed a course by ``on`` (one query)."""
    if not volunteer_ids:
        return set()
    return set(db.session.scalars(_completed_statement(), {"ids": list(volunteer_ids), "on": on}))


@cache
def _completed_statement():
    """Built once (:func:`core.tenancy.built_once`): a page asks on every request."""
    return built_once(select(CourseEnrollment.volunteer_id).where(
        CourseEnrollment.volunteer_id.in_(bindparam("ids", expanding=True)),
        CourseEnrollment.completed_on.is_not(None), CourseEnrollment.completed_on <= bindparam("on", type_=Date)))
