"""Fixtures of the API tests (each request runs in its own application context: tests/conftest.py)."""
from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from core.extensions import db as _db
from core.tenancy import tenant_context
from tests.conftest import api_token


@pytest.fixture
def coordinator(tenant, user_factory):
    return user_factory(tenant, "coordinator")


@pytest.fixture
def headers(client, coordinator):
    """Bearer token of a coordinator of ``tenant`` (middelfart), answers in English."""
    return {**api_token(client, coordinator), "Accept-Language": "en"}


@pytest.fixture
def other_headers(client, other_tenant, user_factory):
    """Bearer token of a coordinator of ``other_tenant`` (ishoej)."""
    return {**api_token(client, user_factory(other_tenant, "coordinator")), "Accept-Language": "en"}


@pytest.fixture
def mentor_headers(client, tenant, user_factory):
    return {**api_token(client, user_factory(tenant, "mentor")), "Accept-Language": "en"}


def danish(headers: dict) -> dict:
    return {**headers, "Accept-Language": "da"}


def translated(locale: str, msgid: str, **variables) -> str:
    """``msgid`` as the catalogue of ``locale`` has it (the msgid itself until it is translated)."""
    with force_locale(locale):
        return gettext(msgid, **variables)


def translated_braces(locale: str, msgid: str, **variables) -> str:
    """A marshmallow message (``{name}`` placeholders) in ``locale``."""
    with force_locale(locale):
        return gettext(msgid).format(**variables)


def assert_contract_error(response, status: int, fields: set | None = None) -> dict:
    """The body is CONTRACT.md section 4's error: code, a message, errors per field (lists)."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:1000])
    body = response.get_json()
    assert set(body) == {"code", "message", "errors"}, body
    assert body["code"] == status and isinstance(body["message"], str) and body["message"], body
    assert isinstance(body["errors"], dict), body
    for messages in body["errors"].values():
        assert isinstance(messages, (list, dict)), body
    if fields is not None:
        assert set(body["errors"]) == fields, body
    return body


def count_rows(tenant, model) -> int:
    with tenant_context(tenant):
        return _db.session.scalar(select(func.count(model.id)))


def years_ago(years: int, extra_days: int = 0) -> date:
    from datetime import timedelta

    from core.volunteers.services import add_months

    return add_months(date.today(), -12 * years) - timedelta(days=extra_days)
