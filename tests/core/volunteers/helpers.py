"""Helpers of the volunteer page tests: data set up through the services in the tenant's scope,
and reading a field's error message out of a page."""
from __future__ import annotations

import html
import re
from contextlib import contextmanager
from datetime import date, timedelta

from core.extensions import db
from core.tenancy import tenant_context


@contextmanager
def as_tenant(tenant):
    """Run service calls in ``tenant``'s context, as a request of it would, then commit."""
    with tenant_context(tenant):
        yield
        db.session.commit()


def days_ago(n: int) -> date:
    return date.today() - timedelta(days=n)


def field_error(page: str, name: str) -> str | None:
    """The error message shown next to the field ``name`` (``None`` when there is none)."""
    match = re.search(r'<span class="form-error-message" id="[^"]*" data-field="%s">(.*?)</span>' % re.escape(name),
                      page, re.S)
    return html.unescape(match.group(1)).strip() if match else None


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# Every question of a volunteer profile form that asks them all, as Ishøj's does (the hook
# mentorkorps_volunteer_fields): for tests that register a volunteer in such a municipality
# (``other_tenant`` is Ishøj) without testing the form itself.
FORM_ANSWERS = {"gender": "female", "birth_date": date(1975, 3, 1), "background": "Dansk", "interests": ["cykling"],
                "work_background": "Lærer", "competences": "God til at lytte", "wishes": "Ingen særlige ønsker",
                "reservations": "Ingen forbehold"}
FORM_ANSWERS_JSON = {**FORM_ANSWERS, "birth_date": FORM_ANSWERS["birth_date"].isoformat()}
