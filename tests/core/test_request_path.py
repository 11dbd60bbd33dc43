"""The per-request machinery does its fixed work once per request, not once per string or link:
the catalogue is looked up once per request (and again only when the locale changes), the
endpoint's need of a tenant once per endpoint, and a page's code labels once per page, not per row.
`make bench` measures what these save; these tests keep them from coming back."""
from __future__ import annotations

from datetime import date

import flask_babel
import pytest
from flask_babel import force_locale, gettext
from flask_babel.speaklater import LazyString

from core.tenancy import tenant_context


@pytest.fixture
def catalogue_lookups(monkeypatch):
    """How often flask_babel's own (slow) catalogue look-up runs."""
    calls = []
    original = flask_babel.Domain.get_translations

    def counting(self):
        calls.append(tuple(self.domain))
        return original(self)

    monkeypatch.setattr(flask_babel.Domain, "get_translations", counting)
    return calls


def test_the_catalogue_is_looked_up_once_per_request(signed_in, tenant, catalogue_lookups):
    page = signed_in.get(f"/{tenant.slug}/volunteers/")
    assert page.status_code == 200
    # The page translates dozens of strings; each domain's catalogue is looked up once.
    assert 1 <= len(catalogue_lookups) <= 2, catalogue_lookups
    assert len(catalogue_lookups) == len(set(catalogue_lookups))


def test_a_change_of_locale_within_a_request_is_followed(app, tenant):
    with app.test_request_context(f"/{tenant.slug}/"):
        danish = gettext("Volunteers")
        with force_locale("en"):
            assert gettext("Volunteers") == "Volunteers"
        assert gettext("Volunteers") == danish != "Volunteers"


def test_whether_an_endpoint_needs_the_tenant_is_worked_out_once(app, signed_in, tenant, monkeypatch):
    signed_in.get(f"/{tenant.slug}/volunteers/")  # the app has served: its rules are final
    asked = []
    original = app.url_map.is_endpoint_expecting
    monkeypatch.setattr(app.url_map, "is_endpoint_expecting", lambda *a: asked.append(a) or original(*a))
    first = signed_in.get(f"/{tenant.slug}/volunteers/")
    asked_first = len(asked)
    second = signed_in.get(f"/{tenant.slug}/volunteers/")
    assert first.status_code == second.status_code == 200
    assert len(asked) == asked_first  # the second page asked werkzeug nothing
    assert f'href="/{tenant.slug}/volunteers/new"' in second.get_data(as_text=True)  # the tenant is still filled in


def _add_volunteers(db, tenant, count, start=0):
    from core.volunteers import services

    with tenant_context(tenant):
        for n in range(start, start + count):
            services.create_volunteer({"name": f"Person {n:03d}", "email": f"person{n}@example.com",
                                       "recruitment_channel": "press", "recruited_on": date(2026, 2, 1)})
        db.session.commit()


def test_the_list_translates_its_labels_once_per_page_not_per_row(db, signed_in, tenant, monkeypatch):
    shown = []
    for name in ("__str__", "__html__"):
        original = getattr(LazyString, name)
        monkeypatch.setattr(LazyString, name, lambda self, _o=original: shown.append(1) or _o(self))

    def translations_on_the_list():
        shown.clear()
        assert signed_in.get(f"/{tenant.slug}/volunteers/").status_code == 200
        return len(shown)

    _add_volunteers(db, tenant, 3)
    with_3 = translations_on_the_list()
    _add_volunteers(db, tenant, 27, start=3)
    page = signed_in.get(f"/{tenant.slug}/volunteers/").get_data(as_text=True)
    assert "Person 029" in page
    assert translations_on_the_list() == with_3


def test_a_volunteers_course_history_is_one_query(app, db, tenant, count_queries):
    from core.training import services as training

    with tenant_context(tenant):
        from core.volunteers import services

        volunteer = services.create_volunteer({"name": "Kursist", "recruited_on": date(2026, 1, 5)})
        other = services.create_volunteer({"name": "Anden", "recruited_on": date(2026, 1, 5)})
        first = training.create_course({"title": "Første kursus"})
        early, late = (training.add_session(first, date(2026, 3, day), 3) for day in (2, 9))
        training.enroll(first, volunteer)
        training.enroll(first, other)
        training.register_attendance(early, {volunteer.id: True, other.id: False})
        second = training.create_course({"title": "Andet kursus"})
        training.enroll(second, volunteer)  # no sessions yet
        db.session.commit()
        volunteer_id, tenant_id = volunteer.id, tenant.id
    db.session.expunge_all()  # nothing of it in the identity map: every row must come from the query

    with tenant_context(db.session.get(type(tenant), tenant_id)):
        volunteer = db.session.get(services.Volunteer, volunteer_id)
        with count_queries() as queries:
            history = training.volunteer_courses(volunteer)
            titles = [enrollment.course.title for enrollment, _ in history]
        assert len(queries) == 1, queries.statements
        assert titles == ["Andet kursus", "Første kursus"]  # newest enrolment first
        assert history[0][1] == []
        assert [(s.on.day, came) for s, came in history[1][1]] == [(2, True), (9, None)]  # the other's absence is not theirs


@pytest.mark.parametrize("language", ["da", "en"])
def test_dates_are_written_as_flask_babel_writes_them(app, tenant, language):
    from datetime import datetime

    from flask import render_template_string

    values = [date(2026, 3, 4), date(1999, 12, 31), date(2026, 3, 4), datetime(2026, 5, 6, 7, 8)]
    formats = [None, "short", "medium", "long", "full", "yyyy-MM-dd"]
    with app.test_request_context(f"/{tenant.slug}/"), force_locale(language):
        expected = [flask_babel.format_date(v, f) for v in values for f in formats]
        written = [render_template_string("{{ v|dateformat(f) }}", v=v, f=f) for v in values for f in formats]
        assert render_template_string("{{ v|dateformat }}", v=values[0]) == flask_babel.format_date(values[0])
    assert written == expected
    assert expected[2] != expected[8]  # "medium" differs from "long": the format reached babel


def test_the_list_writes_its_dates_without_asking_for_the_locale_per_row(db, signed_in, tenant, monkeypatch):
    asked = []
    original = flask_babel.get_locale
    monkeypatch.setattr(flask_babel, "get_locale", lambda: asked.append(1) or original())

    def locale_lookups_on_the_list():
        asked.clear()
        assert signed_in.get(f"/{tenant.slug}/volunteers/").status_code == 200
        return len(asked)

    _add_volunteers(db, tenant, 3)
    with_3 = locale_lookups_on_the_list()
    _add_volunteers(db, tenant, 27, start=3)
    assert locale_lookups_on_the_list() == with_3
