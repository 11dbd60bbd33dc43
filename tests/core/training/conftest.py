"""Fixtures of the course and group-meeting page tests (tests/core/groups imports them too)."""
from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest

from core.tenancy import tenant_context
from tests.conftest import login


@pytest.fixture
def in_tenant(app, tenant):
    """Service calls of the test run as inside a request of ``tenant`` (the tenant context)."""
    with tenant_context(tenant):
        yield tenant


@pytest.fixture
def coordinator(client, tenant, user_factory, in_tenant):
    """A client signed in as a coordinator of ``tenant``, with the pages in English."""
    user = user_factory(tenant, "coordinator")
    login(client, user, tenant)
    with client.session_transaction() as session:
        session["lang"] = "en"
    client.user = user
    return client


@pytest.fixture
def days():
    """``days(-3)`` is three days ago, ``days(5)`` five days from today."""
    return lambda n: date.today() + timedelta(days=n)


@pytest.fixture
def volunteer_factory(in_tenant, days):
    from core.volunteers import services as volunteers

    counter = {"n": 0}

    def make(name=None, **extra):
        counter["n"] += 1
        data = {"name": name or f"Frivillig {counter['n']:04d}", "birth_date": date(1975, 6, 1),
                "recruitment_channel": "press", "recruited_on": days(-120), **extra}
        return volunteers.create_volunteer(data)

    return make


def field_error(html: str, name: str) -> str:
    """The error shown next to the field ``name`` (empty when there is none)."""
    match = re.search(rf'<span class="form-error-message" id="[^"]*" data-field="{name}">(.*?)</span>', html, re.S)
    return unescape(match.group(1)).strip() if match else ""  # messages may hold quotes and apostrophes


def form_alert(html: str) -> str:
    match = re.search(r'data-testid="form-errors">(.*?)</div>\s*</div>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def text(response) -> str:
    return response.get_data(as_text=True)
