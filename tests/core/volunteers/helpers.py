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


def sign_in_as_mentor_of(client, tenant, user_factory, volunteer_id: int):
    """Sign ``client`` in, reading English, as a new mentor login linked to the volunteer."""
    from core.volunteers.models import Volunteer
    from tests.conftest import login
    from tests.core.volunteers.conftest import use_english

    user = user_factory(tenant, "mentor")
    with as_tenant(tenant):
        db.session.get(Volunteer, volunteer_id).user_id = user.id
    login(client, user, tenant)
    return use_english(client, tenant)


def days_ago(n: int) -> date:
    return date.today() - timedelta(days=n)


def field_error(page: str, name: str) -> str | None:
    """The error message shown next to the field ``name`` (``None`` when there is none)."""
    match = re.search(r'<span class="form-error-message" id="[^"]*" data-field="%s">(.*?)</span>' % re.escape(name),
                      page, re.S)
    return html.unescape(match.group(1)).strip() if match else None


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))
