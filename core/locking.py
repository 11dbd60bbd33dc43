"""Check-then-write under concurrency: lock the row that guards a limit before counting.

A service that checks a limit and then writes (a free place on a course, a mentor's capacity) is
only correct when no other transaction can run the same check between our check and our commit.
The pattern, used by ``core.training.services.enroll`` and meant for every such limit:

    course = lock_for_update(Course, course_id)     # 1. lock the row that owns the limit
    taken = count_enrolled(course)                   # 2. count, *after* the lock
    if taken < course.max_participants: ...          # 3. decide and write; the request's commit
                                                     #    (or rollback) releases the lock

Every writer of the guarded rows must take the same lock first (enrolment, withdrawal, a change of
the limit), or the lock protects nothing.

Per database (docs/locking.md has the whole pattern and how it is tested):

- PostgreSQL: ``SELECT ... FOR UPDATE OF <table>``. A second transaction waits on the row until the
  first commits; under READ COMMITTED its next statement (the count) sees the committed rows.
- SQLite has no row locks and ignores ``FOR UPDATE``; there every writing request starts with
  ``BEGIN IMMEDIATE`` (``core._tune_sqlite``), which takes the database's write lock up front, so
  writers are serialised for the whole transaction and the count is never stale.

The row is re-read (``populate_existing``) so a limit changed by the transaction we waited for is
the one we check. The query goes through the ORM, so the tenant filter applies: another tenant's
id is simply not found.
"""
from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select

from core.extensions import db

T = TypeVar("T")


def lock_for_update(model: type[T], id_) -> T | None:
    """Load ``model`` row ``id_`` with a row lock held until the transaction ends (``None`` when
    there is no such row in the current tenant). Call it before reading what the lock guards."""
    stmt = (select(model).where(model.id == id_)
            .with_for_update(of=model)
            .execution_options(populate_existing=True))
    return db.session.scalar(stmt)
