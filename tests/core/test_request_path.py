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


@pytest.mark.parametrize("language", ["da", "en"])
def test_timestamps_are_written_as_flask_babel_writes_them(app, tenant, language):
    """The audit tables' timestamps (stored in UTC, shown in Copenhagen time): the same text as
    flask_babel's filter, through a year's hours, both time changes (the hour that repeats in
    October, the one that is skipped in March), midnight and the turn of the year."""
    from datetime import datetime, timedelta

    from flask import render_template_string

    values = [datetime(2026, 1, 1) + timedelta(hours=h, minutes=7 * h % 60, seconds=h % 60) for h in range(0, 24 * 365, 13)]
    values += [datetime(2026, 3, 29, 0, 59, 59), datetime(2026, 3, 29, 1, 0), datetime(2026, 10, 25, 0, 30),
               datetime(2026, 10, 25, 1, 30), datetime(2026, 12, 31, 23, 0), datetime(2026, 12, 31, 22, 59, 59, 999999)]
    formats = [None, "short", "medium", "long", "full", "yyyy-MM-dd HH:mm"]
    with app.test_request_context(f"/{tenant.slug}/"), force_locale(language):
        expected = [flask_babel.format_datetime(v, f) for v in values for f in formats]
        template = app.jinja_env.from_string("{{ v|datetimeformat(f) }}")
        for _ in range(2):  # written, then from the memo
            assert [template.render(v=v, f=f) for v in values for f in formats] == expected
        assert render_template_string("{{ v|datetimeformat }}", v=values[1]) == flask_babel.format_datetime(values[1])
    assert len(set(expected)) > len(values) * 3  # the formats and the hours reached babel


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


# ---- who is asking: one query per request ------------------------------------------------------

def _probe_routes(app):
    """Pages that do nothing but the per-request machinery: the access check, the layout, the audit."""
    from flask import Blueprint, jsonify, render_template_string

    from core.access import members
    from core.audit.reads import LIST, no_personal_data, reads
    from core.tenancy import current_tenant

    web = Blueprint("perf_probe", __name__, url_prefix="/<tenant>/perf-probe")

    @web.route("/plain")
    @members("coordinator")
    @no_personal_data("a probe")
    def plain():
        return f"plain {current_tenant().slug}"

    @web.route("/audited")
    @members("coordinator")
    @reads("volunteer", action=LIST)
    def audited():
        return "the personal data of the probe"

    @web.route("/layout")
    @members()
    @no_personal_data("a probe")
    def layout():
        return render_template_string('{% extends "layout.html" %}{% block content %}probe{% endblock %}')

    api = Blueprint("perf_probe_api", __name__, url_prefix="/api/v1/<tenant>/perf-probe")

    @api.route("")
    @members("coordinator")
    @no_personal_data("a probe")
    def resource():
        return jsonify(tenant=current_tenant().slug)

    app.register_blueprint(web)
    app.register_blueprint(api)
    return app


@pytest.fixture
def app(app):
    return _probe_routes(app)


def test_session_user_tenant_and_role_are_one_query(app, signed_in, tenant, count_queries):
    slug = tenant.slug  # read before counting (an expired attribute of the test's session is a query)
    signed_in.get(f"/{slug}/perf-probe/plain")
    with count_queries() as queries:
        answer = signed_in.get(f"/{slug}/perf-probe/plain")
    assert answer.status_code == 200 and answer.get_data(as_text=True) == f"plain {slug}"
    assert len(queries) == 1, queries.statements
    assert all(table in queries.statements[0] for table in ("user_session", "user_account", "municipality", "membership"))


def test_token_user_tenant_and_role_are_one_query(app, client, tenant, user_factory, count_queries):
    from tests.conftest import api_token

    headers = api_token(client, user_factory(tenant, "coordinator"))
    slug = tenant.slug
    assert client.get(f"/api/v1/{slug}/perf-probe", headers=headers).status_code == 200  # token.used, once
    with count_queries() as queries:
        answer = client.get(f"/api/v1/{slug}/perf-probe", headers=headers)
    assert answer.status_code == 200 and answer.json == {"tenant": slug}
    assert len(queries) == 1, queries.statements
    assert all(table in queries.statements[0] for table in ("api_token", "user_account", "municipality", "membership"))


def test_the_one_query_finds_the_role_in_the_urls_tenant(app, client, tenant, other_tenant, tenant_factory,
                                                         user_factory, db):
    """One person, coordinator in one municipality and mentor in another, and no member of a third:
    each URL is answered by the role in its own tenant (the membership is joined on the URL's tenant,
    not any of the user's)."""
    from core.accounts import services
    from tests.conftest import api_token, login

    third = tenant_factory("tredje", "Tredje Kommune")
    user = user_factory(tenant, "coordinator")
    services.add_membership(user, other_tenant, "mentor")
    db.session.commit()
    login(client, user, tenant)
    headers = api_token(client, user)
    for prefix, extra in (("", {}), ("/api/v1", headers)):
        page = "/perf-probe/plain" if not prefix else "/perf-probe"
        assert client.get(f"{prefix}/{tenant.slug}{page}", headers=extra).status_code == 200
        assert client.get(f"{prefix}/{other_tenant.slug}{page}", headers=extra).status_code == 403
        assert client.get(f"{prefix}/{third.slug}{page}", headers=extra).status_code == 404
        assert client.get(f"{prefix}/nowhere{page}", headers=extra).status_code == 404
    mentor_page = client.get(f"/{other_tenant.slug}/perf-probe/layout").get_data(as_text=True)
    assert other_tenant.name in mentor_page and "(Mentor)" in mentor_page


# ---- the tenant filter's work per statement ----------------------------------------------------

def test_whether_a_statement_reaches_tenant_data_is_worked_out_once_per_shape(app, db, tenant, monkeypatch):
    """With no tenant in context, a statement with ORM joins needs its FROM list worked out (about a
    millisecond); the verdict is kept per statement shape, and still refuses every time."""
    from sqlalchemy import select
    from sqlalchemy.sql.selectable import Select

    from core.accounts.models import Membership, User, UserSession
    from core.tenancy import TenantContextMissing

    built = []
    original = Select.get_final_froms
    monkeypatch.setattr(Select, "get_final_froms", lambda self: built.append(1) or original(self))

    def platform_only(email):
        return select(User.id).join(UserSession, UserSession.user_id == User.id).where(User.email == email)

    def reaching_tenant_data(email):
        return select(User.id).join(Membership, Membership.user_id == User.id).where(User.email == email)

    for email in ("a@example.dk", "b@example.dk", "c@example.dk"):
        assert db.session.execute(platform_only(email)).all() == []
        with pytest.raises(TenantContextMissing):
            db.session.execute(reaching_tenant_data(email))
    assert len(built) == 2  # one per shape, not one per execution


def test_the_tenant_filter_made_once_per_tenant_filters_each_tenant(app, db, tenant, tenant_factory):
    from sqlalchemy import select

    from core.volunteers import services
    from core.volunteers.models import Volunteer

    other_tenant = tenant_factory("andeby", "Andeby Kommune")
    for town, name in ((tenant, "Ane fra A"), (other_tenant, "Bo fra B")):
        with tenant_context(town):
            services.create_volunteer({"name": name, "recruited_on": date(2026, 1, 5)})
            db.session.commit()
    for _ in range(2):
        for town, name in ((tenant, "Ane fra A"), (other_tenant, "Bo fra B")):
            with tenant_context(town):
                assert db.session.scalars(select(Volunteer.name)).all() == [name]


# ---- the coordinator's front page: its piles in one query ----------------------------------------

def _referrals(db, tenant, user, names_and_days):
    from datetime import timedelta

    from core.referrals import services as referrals

    with tenant_context(tenant):
        for name, days_ago in names_and_days:
            on = date.today() - timedelta(days=days_ago)
            referrals.create_referral({
                "citizen": {"name": name, "birth_date": date(2004, 3, 3)}, "referred_on": on,
                "source": "jobcenter", "situation": "cash_benefit", "consent_given_on": on,
                "consent_text_version": "v1", "referrer_name": "Jobcentret", "referrer_organisation": "Jobcenter",
            }, user, "coordinator")
        db.session.commit()


def test_the_coordinators_piles_are_one_query_and_each_tenants_own(app, db, tenant_factory, user_factory,
                                                                  count_queries):
    from core.front import TOP, coordinator_tasks

    first, second = tenant_factory("aby", "Aby Kommune"), tenant_factory("bby", "Bby Kommune")
    _referrals(db, first, user_factory(first, "coordinator"),
               [(f"Aby Ung {n}", days) for n, days in enumerate((9, 3, 12, 5, 1, 30, 7))])
    _referrals(db, second, user_factory(second, "coordinator"), [("Bby Ung A", 4), ("Bby Ung B", 2)])
    with tenant_context(first):
        assert first.settings is not None  # loaded, as in a request (an expired tenant would be a query)
        with count_queries() as queries:
            tasks = coordinator_tasks()
        assert len(queries) == 1, queries.statements
        new = tasks["new_referrals"]
        assert new.count == 7
        assert [row.name for row in new.items] == ["Aby Ung 5", "Aby Ung 2", "Aby Ung 0", "Aby Ung 6", "Aby Ung 3"][:TOP]
        assert all(tasks[kind].count == 0 and tasks[kind].items == [] for kind in
                   ("waiting_young", "waiting_mentor", "no_contact", "followups_due", "screenings_expiring"))
    with tenant_context(second):
        tasks = coordinator_tasks()
        assert tasks["new_referrals"].count == 2
        assert [row.name for row in tasks["new_referrals"].items] == ["Bby Ung A", "Bby Ung B"]


# ---- links in templates: built once per shape ------------------------------------------------------

def test_template_links_are_the_links_flask_builds(app, tenant, tenant_factory):
    """Every shape (ids in the path and the query string, codes, no arguments, explicit tenant, other
    tenants, a script root) gives exactly what Flask's url_for gives, on the first build and after."""
    from flask import render_template_string
    from flask import url_for as flask_url_for
    from markupsafe import escape

    other = tenant_factory("andeby", "Andeby Kommune")
    calls = [("volunteers.show", {"volunteer_id": 7}), ("volunteers.show", {"volunteer_id": 123456}),
             ("volunteers.index", {}), ("volunteers.index", {"page": 3, "status": "active"}),
             ("volunteers.index", {"page": 4, "q": "Ane & Bo/ø"}), ("matching.matches", {"status": "proposed"}),
             ("static", {"filename": "mentorkorps.css"}), ("web.front", {"tenant": "andeby"}),
             ("volunteers.show", {"volunteer_id": 9, "_anchor": "history"}), ("web.index", {}),
             ("volunteers.index", {"page": True})]
    template = "{% for e, v in calls %}{{ url_for(e, **v) }}\n{% endfor %}"
    for town in (tenant, other, tenant):
        for root in ("", "/mentorkorps"):
            with app.test_request_context(f"/{town.slug}/", base_url=f"http://localhost{root}/"), tenant_context(town):
                expected = [flask_url_for(e, **v) for e, v in calls]
                for _ in range(2):
                    assert render_template_string(template, calls=calls).splitlines() == [str(escape(u)) for u in expected]
    assert "/mentorkorps/middelfart/volunteers/123456" in expected


def test_a_list_builds_each_link_shape_once(db, signed_in, tenant, app, monkeypatch):
    from flask import Flask

    _add_volunteers(db, tenant, 12)
    slug = tenant.slug
    assert signed_in.get(f"/{slug}/volunteers/").status_code == 200  # the shapes are built
    built = []
    original = Flask.url_for
    monkeypatch.setattr(Flask, "url_for", lambda self, *a, **k: built.append(a[0]) or original(self, *a, **k))
    page = signed_in.get(f"/{slug}/volunteers/").get_data(as_text=True)
    assert "volunteers.show" not in built  # 12 rows, no build
    assert page.count(f'href="/{slug}/volunteers/') >= 12


# ---- the rate limiter: only the sign-in forms' POSTs -----------------------------------------------

def test_pages_skip_the_limiter_and_sign_in_posts_are_still_limited(_schema, tenant_factory, user_factory, monkeypatch):
    from flask_limiter._manager import LimitManager

    from tests.conftest import csrf_token, make_app

    app = make_app(_schema, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        tenant = tenant_factory("ratetown", "Ratetown Kommune")
        slug = tenant.slug
        looked_up = []
        original = LimitManager.resolve_limits  # the look-up of the endpoint's limits
        monkeypatch.setattr(LimitManager, "resolve_limits", lambda self, *a, **k: looked_up.append(1) or original(self, *a, **k))
        client = app.test_client()
        for _ in range(5):
            assert client.get(f"/{slug}/login").status_code == 200
        assert looked_up == []  # a page does not look its limits up
        token = csrf_token(client, f"/{slug}/login")
        answers = [client.post(f"/{slug}/login", data={"email": "x@example.dk", "password": "wrong-password-1",
                                                        "csrf_token": token}).status_code for _ in range(5)]
        assert answers == [422, 422, 422, 429, 429] or answers == [401, 401, 401, 429, 429] or \
            (answers[:3] == [answers[0]] * 3 and answers[0] < 429 and answers[3:] == [429, 429]), answers
        assert looked_up


# ---- the read audit: written before the answer leaves ----------------------------------------------

def test_a_read_whose_audit_cannot_be_written_is_not_shown(_schema, tenant_factory, user_factory, monkeypatch):
    from sqlalchemy import select, text

    from core.audit import services as audit
    from core.audit.models import AuditEvent
    from core.extensions import db
    from tests.conftest import login, make_app

    app = _probe_routes(make_app(_schema, PROPAGATE_EXCEPTIONS=False))
    with app.app_context():
        tenant = tenant_factory("audittown", "Audittown Kommune")
        client = app.test_client()
        login(client, user_factory(tenant, "coordinator"), tenant)
        slug = tenant.slug
        assert client.get(f"/{slug}/perf-probe/audited").get_data(as_text=True) == "the personal data of the probe"
        monkeypatch.setattr(audit, "_INSERT", text("INSERT INTO no_such_table VALUES (1)"))
        answer = client.get(f"/{slug}/perf-probe/audited")
        assert answer.status_code == 500 and "the personal data of the probe" not in answer.get_data(as_text=True)
        monkeypatch.undo()
        assert client.get(f"/{slug}/perf-probe/audited").status_code == 200
        with tenant_context(tenant):
            reads = db.session.scalars(select(AuditEvent.action).where(AuditEvent.kind == "read")).all()
        assert reads == ["volunteer.list", "volunteer.list"]  # the two that were shown


# ---- dates and numbers: written once per process -----------------------------------------------------

@pytest.mark.parametrize("language", ["da", "en"])
def test_numbers_are_written_as_flask_babel_writes_them(app, tenant, language):
    from decimal import Decimal

    from flask import render_template_string

    values = [1, 1.5, 2.25, 1000, 12345.678, Decimal("3.50"), 0, -2.5, 1.0, Decimal("1")]
    with app.test_request_context(f"/{tenant.slug}/"), force_locale(language):
        expected = [flask_babel.format_decimal(v) for v in values]
        for _ in range(2):
            assert [render_template_string("{{ v|decimalformat }}", v=v) for v in values] == expected
    assert expected[1] != ("1.5" if language == "da" else "1,5")


def test_a_date_is_written_by_babel_once_across_requests_and_languages_apart(app, tenant, monkeypatch):
    from babel import dates
    from flask import render_template_string

    from core import i18n

    monkeypatch.setattr(i18n, "_WRITTEN", {})
    calls = []
    original = dates.format_date
    monkeypatch.setattr(dates, "format_date", lambda *a, **k: calls.append(a[0]) or original(*a, **k))
    day = date(2026, 3, 4)
    written = {}
    for language in ("da", "en", "da", "en"):
        with app.test_request_context(f"/{tenant.slug}/"), force_locale(language):
            text = render_template_string("{{ d|dateformat('medium') }}|{{ d|dateformat('medium') }}", d=day)
            assert text == f"{flask_babel.format_date(day, 'medium')}|{flask_babel.format_date(day, 'medium')}"
            written.setdefault(language, text)
            assert written[language] == text
    assert written["da"] != written["en"]
    assert calls.count(day) == 2 + 2 * 4  # the memo: once per language; flask_babel itself: twice a request


def test_the_requests_commit_does_not_expire_what_the_page_loaded(db, signed_in, tenant, monkeypatch):
    """A volunteer's page loads rows that refer to each other (the volunteer and its status history),
    so they live until the end of the request; the commit leaves them as they are."""
    from sqlalchemy.orm.state import InstanceState

    from core.volunteers import services
    from core.volunteers.models import Volunteer, VolunteerStatusChange

    with tenant_context(tenant):
        volunteer = services.create_volunteer({"name": "Historik Person", "recruited_on": date(2026, 1, 5)})
        services.change_status(volunteer, "info_meeting", date(2026, 1, 20))
        db.session.commit()
        volunteer_id = volunteer.id
    slug = tenant.slug
    db.session.expunge_all()  # the test's own objects: its session commits before each request
    expired = []
    original = InstanceState._expire
    monkeypatch.setattr(InstanceState, "_expire", lambda self, *a, **k: expired.append(self.class_) or original(self, *a, **k))
    page = signed_in.get(f"/{slug}/volunteers/{volunteer_id}")
    assert page.status_code == 200 and "Historik Person" in page.get_data(as_text=True)
    assert Volunteer not in expired and VolunteerStatusChange not in expired


def test_a_statement_built_once_is_filtered_per_tenant_with_its_cache_key_worked_out_once(app, db, tenant,
                                                                                        tenant_factory, monkeypatch):
    from sqlalchemy import bindparam, select
    from sqlalchemy.sql.selectable import Select

    from core.tenancy import built_once
    from core.volunteers import services
    from core.volunteers.models import Volunteer

    other = tenant_factory("andeby", "Andeby Kommune")
    for town, names in ((tenant, ("Ane A", "Asger A")), (other, ("Bo B",))):
        with tenant_context(town):
            for name in names:
                services.create_volunteer({"name": name, "recruited_on": date(2026, 1, 5)})
            db.session.commit()
    statement = built_once(select(Volunteer.name).where(Volunteer.name.like(bindparam("pattern"))).order_by(Volunteer.name))
    worked_out = []
    original = Select._generate_cache_key
    monkeypatch.setattr(Select, "_generate_cache_key", lambda self: worked_out.append(1) or original(self))
    for _ in range(3):
        for town, expected in ((tenant, ["Ane A", "Asger A"]), (other, ["Bo B"])):
            with tenant_context(town):
                assert db.session.scalars(statement, {"pattern": "%"}).all() == expected
    with tenant_context(tenant):
        assert db.session.scalars(statement, {"pattern": "As%"}).all() == ["Asger A"]
    assert len(worked_out) <= 2  # once per tenant (SQLAlchemy memoizes it on the filtered statement)


def test_a_label_table_is_translated_once_per_language_and_each_copy_is_the_callers(app, tenant, monkeypatch):
    from flask_babel import lazy_gettext

    from core import i18n
    from core.i18n import translated

    monkeypatch.setattr(i18n, "_TRANSLATED", {})
    labels = {"active": lazy_gettext("Active"), "left": lazy_gettext("Left")}
    asked = []
    original = type(labels["active"]).__str__
    monkeypatch.setattr(type(labels["active"]), "__str__", lambda self: asked.append(1) or original(self))
    seen = {}
    for language in ("da", "en", "da", "en"):
        with app.test_request_context(f"/{tenant.slug}/"), force_locale(language):
            table = translated(labels)
            assert table == {code: gettext(str(label._args[0])) for code, label in labels.items()}
            seen.setdefault(language, dict(table))
            assert table == seen[language]
            table["active"] = "changed by a caller"
    assert seen["da"] != seen["en"]
    assert len(asked) == 2 * 2  # two labels, once per language (four pages)
    with app.test_request_context(f"/{tenant.slug}/"), force_locale("da"):
        other = dict(labels)  # an equal dict that is another object: translated anew
        assert translated(other) == seen["da"]


def test_a_many_to_one_already_loaded_is_read_from_the_identity_map_under_the_tenant_filter(app, db, tenant,
                                                                                            count_queries):
    """The tenant filter is passed on to relationship loads (with_loader_criteria), yet a many-to-one
    whose row the session holds is answered from the identity map: no query per row."""
    from sqlalchemy import select

    from core.volunteers import services
    from core.volunteers.models import Volunteer, VolunteerStatusChange

    with tenant_context(tenant):
        for n in range(5):
            volunteer = services.create_volunteer({"name": f"Person {n}", "recruited_on": date(2026, 1, 5)})
            services.change_status(volunteer, "info_meeting", date(2026, 1, 20))
        db.session.commit()
        db.session.expunge_all()
        volunteers = db.session.scalars(select(Volunteer)).all()
        changes = db.session.scalars(select(VolunteerStatusChange)).all()
        with count_queries() as queries:
            names = sorted(change.volunteer.name for change in changes)
        assert len(queries) == 0, queries.statements
        assert len(names) == len(changes) >= 5 and set(names) == {v.name for v in volunteers}


# ---- the benchmarked pages: a fixed number of queries, whatever the number of rows ---------------

def _volunteer_with_history(db, tenant, name, n):
    from core.volunteers import services

    with tenant_context(tenant):
        volunteer = services.create_volunteer({"name": name, "email": f"{name.split()[0].lower()}@example.com",
                                               "recruited_on": date(2026, 1, 5)})
        services.change_status(volunteer, "info_meeting", date(2026, 1, 20))
        for k in range(n):
            services.add_screening(volunteer, "child_certificate", date(2026, 1, 1 + k))
        db.session.commit()
        return volunteer.id


PAGE_QUERY_LIMITS = {
    # page: at most this many statements (BEGIN/COMMIT aside). Every page: one for who is asking
    # (session or token, user, tenant, role) and one INSERT for the read audit.
    "front page": 4,  # the six piles in one UNION ALL; the meeting rhythms (when the tenant has some)
    "volunteer list (web)": 4,  # count, page
    "volunteer list (API)": 4,  # count, page
    # the volunteer, courses, group meetings, the two gates (course, certificate), status history,
    # certificates, and the linked mentor login when there is one
    "volunteer page (web)": 10,
    "volunteer page (API)": 3,  # the volunteer
}


def test_the_benchmarked_pages_answer_with_a_fixed_number_of_queries(app, db, signed_in, tenant, count_queries):
    from bench.run import targets
    from tests.conftest import api_token

    slug, tenant_id = tenant.slug, tenant.id
    headers = {"web": {}, "api": api_token(signed_in, signed_in.user)}

    def counts(volunteer_id):
        pages = {t.name: t for t in targets(slug, tenant_id, volunteer_id) if t.name in PAGE_QUERY_LIMITS}
        found = {}
        for name, page in pages.items():
            assert signed_in.get(page.path, headers=headers[page.auth]).status_code == 200
            with count_queries() as queries:
                assert signed_in.get(page.path, headers=headers[page.auth]).status_code == 200
            found[name] = len(queries)
        return found

    small = counts(_volunteer_with_history(db, tenant, "Lille Historik", 1))
    _add_volunteers(db, tenant, 60)
    large = counts(_volunteer_with_history(db, tenant, "Stor Historik", 8))
    assert small == large, (small, large)
    assert all(large[name] <= limit for name, limit in PAGE_QUERY_LIMITS.items()), large
