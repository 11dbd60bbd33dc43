"""Errors a service raises for the caller to show: web pages next to the field, the API as JSON."""


class ServiceError(Exception):
    """A refused change. ``message`` is translatable; ``field`` names the input it concerns;
    ``errors`` maps several fields to their messages (all problems are reported at once)."""

    status = 422

    def __init__(self, message, field: str | None = None, status: int | None = None, errors: dict | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.errors = errors or ({field: [message]} if field else {})
        if status:
            self.status = status


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


def raise_if(errors: dict, message=None) -> None:
    """Raise one :class:`ServiceError` carrying every field error gathered by a validation."""
    if errors:
        from flask_babel import lazy_gettext as _l

        raise ServiceError(message or _l("The form has errors."), errors=errors)
