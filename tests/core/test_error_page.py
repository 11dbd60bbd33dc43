"""One error page: a missing page and a missing record (a service's refusal) have the same heading
in either language, the reason when there is one, what to do, and a way to the front page."""
from __future__ import annotations

import html
import re

import pytest
from flask_babel import force_locale, gettext

from tests.catalogues import compile_catalogues
from tests.conftest import post_form


def heading(page: str) -> str:
    headings = re.findall(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert len(headings) == 1, headings
    return html.unescape(headings[0]).strip()


def choose(client, lang):
    assert post_form(client, "/lang", {"lang": lang, "next": "/middelfart/"}, page="/middelfart/").status_code == 302


@pytest.mark.parametrize("lang", ["en", "da"])
def test_a_missing_page_and_a_missing_record_have_the_same_heading(app, signed_in, lang):
    compile_catalogues()
    choose(signed_in, lang)
    no_route = signed_in.get("/middelfart/no-such-page")
    no_record = signed_in.get("/middelfart/volunteers/999999")  # core.volunteers.services raises NotFound
    assert no_route.status_code == no_record.status_code == 404
    pages = [response.get_data(as_text=True) for response in (no_route, no_record)]
    with app.test_request_context(), force_locale(lang):
        expected = gettext("The page was not found")
        reason = gettext("The volunteer was not found.")
        next_step = gettext("Check the address, or find the page from the front page.")
    assert [heading(page) for page in pages] == [expected, expected]
    if lang == "en":
        assert expected == "The page was not found"
    assert reason in pages[1] and reason not in pages[0]  # the record's reason, under the same heading
    for page in pages:
        assert html.unescape(next_step) in html.unescape(page)
    # The way on: the tenant's front page where the tenant is known (a route of it was found), else
    # the platform's, as the header's own link does.
    with app.test_request_context(), force_locale(lang):
        front = gettext("Go to the front page")
    assert re.search(r'<a href="/middelfart/">%s</a>' % re.escape(front), pages[1])
    assert re.search(r'<a href="/(middelfart/)?">%s</a>' % re.escape(front), pages[0])


def test_an_unknown_tenant_gets_the_same_page_with_the_platform_front_page(app, client):
    compile_catalogues()
    response = client.get("/no-such-municipality/volunteers/")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    with app.test_request_context(), force_locale("da"):  # Danish by default
        assert heading(page) == gettext("The page was not found")
    assert '<a href="/">' in page
