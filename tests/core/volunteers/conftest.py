"""Fixtures of the volunteer page tests. The pages are Danish by default; most tests read English
(the msgids) so they keep passing as the Danish catalogue is filled in — a test of its own checks
that the language choice reaches the messages."""
from __future__ import annotations

import pytest

from tests.conftest import post_form


def use_english(client, tenant):
    response = post_form(client, "/lang", {"lang": "en", "next": f"/{tenant.slug}/"}, page=f"/{tenant.slug}/")
    assert response.status_code == 302
    return client


@pytest.fixture
def coordinator(signed_in, tenant):
    """A client signed in as a coordinator of ``tenant``, reading English."""
    return use_english(signed_in, tenant)
