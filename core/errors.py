"""Errors a service raises for the caller to show: web pages next to the field, the API as JSON."""
from flask_babel import lazy_gettext as _l


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
        raise ServiceError(message or _l("The form has errors."), errors=errors)


# The error page's heading and what to do, per status.
_RELOAD = _l("Go back, reload the page and try again.")
_REFUSED = _l("The change could not be made")
_NOT_UNDERSTOOD = _l("The request could not be understood")
PAGE_TEXTS = {
    400: (_NOT_UNDERSTOOD, _RELOAD),
    403: (_l("You do not have access to this page"),
          _l("Sign in with another account, or ask a coordinator of the municipality for access.")),
    404: (_l("The page was not found"), _l("Check the address, or find the page from the front page.")),
    405: (_NOT_UNDERSTOOD, _RELOAD),
    409: (_REFUSED, _RELOAD),
    422: (_REFUSED, _RELOAD),
    429: (_l("Too many attempts"), _l("Wait a moment and try again.")),
    500: (_l("Something went wrong"), _l("Nothing was saved. Try again in a moment.")),
}
OTHER_STATUS = (_l("Something went wrong"), _RELOAD)


def error_page(status: int, message=None, headers=None):
    """The web's one error page, for a service's refusal and an HTTP error alike: a heading that
    says what happened (one per status, so a missing page and a missing record look the same), the
    specific reason when there is one, what to do, and the way to the front page."""
    from flask import render_template

    title, next_step = PAGE_TEXTS.get(status, OTHER_STATUS)
    page = render_template("error.html", status=status, title=title, message=message, next_step=next_step)
    return page, status, headers or {}


# ---- refusals many forms and services share: what is wrong, then what to do ---------------------

UNREADABLE_DATE = _l("The date cannot be read. Write it as dd/mm/yyyy, for example 14/03/2026.")
MISSING_DATE = _l("The date is missing. Write it as dd/mm/yyyy, for example 14/03/2026.")
IN_THE_FUTURE = _l("The date is in the future. Enter today's date or an earlier one.")
UNREADABLE_TIME = _l("The time cannot be read. Write it as hh:mm, for example 18:30.")
INVALID_EMAIL = _l("The e-mail address is not valid. Write it as name@example.dk, with no spaces.")
# WTForms' ``Length`` validator fills in ``length`` and ``max`` itself; a service calls too_long().
TOO_LONG = _l("The text has %(length)s characters. Shorten it to at most %(max)s.")


def too_long(text: str, limit: int):
    return _l("The text has %(length)s characters. Shorten it to at most %(max)s.", length=len(text), max=limit)


def unknown_choice(code):
    """A code that is none of the choices (posted directly, or sent to the API)."""
    return _l("\"%(code)s\" is not one of the choices. Choose one from the list.", code=code)


def outside_years(first: int, last: int):
    """A date outside the years a meeting or a course session can plausibly be held in."""
    return _l("The date must be in the years %(first)s to %(last)s. Check the year.", first=first, last=last)
