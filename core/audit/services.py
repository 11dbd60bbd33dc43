from flask import has_request_context
from flask_login import current_user

from core.audit.models import AuditEvent
from core.extensions import db


def record(action: str, subject=None, *, user=None, **details) -> AuditEvent:
    """Add an audit event to the current transaction. ``details`` must hold codes, never content."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    event = AuditEvent(
        action=action,
        user_id=getattr(user, "id", None),
        subject_type=type(subject).__name__ if subject is not None else None,
        subject_id=getattr(subject, "id", None),
        details=details,
    )
    db.session.add(event)
    return event
