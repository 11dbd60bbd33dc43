"""The platform's idea of today, and calendar-month arithmetic.

Every service asks :func:`today` rather than ``date.today()``, so one setting moves the whole app in
time: ``TODAY`` in the configuration (an ISO date, development and tests only — e.g. a browser
test that checks a follow-up falls due six months after a match ended). Production never sets it.
"""
from __future__ import annotations

import calendar
from datetime import date

from flask import current_app, has_app_context


def today() -> date:
    frozen = current_app.config.get("TODAY") if has_app_context() else None
    if frozen:
        return frozen if isinstance(frozen, date) else date.fromisoformat(str(frozen))
    return date.today()


def add_months(day: date, months: int) -> date:
    """Calendar months; a day that does not exist in the target month becomes its last day
    (31 August + 6 months = 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class travel:
    """``with travel(day):`` — the app's today is ``day`` inside the block (the demo data, which
    replays a corps' history through the services in date order; tests). Never in a request."""

    def __init__(self, day: date):
        self.day = day

    def __enter__(self):
        self._before = current_app.config.get("TODAY")
        current_app.config["TODAY"] = self.day
        return self.day

    def __exit__(self, *exc):
        current_app.config["TODAY"] = self._before
        return False
