"""The report framework (CONTRACT.md section 5): the list, one report as JSON, CSV and XLSX through
the API and on its page, the period, access. A test plugin supplies a report whose figures are
counted with SQL from the tenant's volunteers, so a second tenant's rows would show."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.hooks.types import ReportDefinition, ReportRow, ReportSection
from core.reports.rules import share, volunteer_counts_on
from tests.conftest import api_token, login
from tests.core.helpers import make_plugin

PERIOD = {"from": "2026-01-01", "to": "2026-06-30"}


def _count_volunteers(tenant, start, end):
    from core.extensions import db
    from core.volunteers.models import Volunteer

    counted = db.session.scalar(select(func.count()).select_from(Volunteer).where(volunteer_counts_on(Volunteer, end)))
    recruited = db.session.scalar(select(func.count()).select_from(Volunteer)
                                  .where(Volunteer.recruited_on.between(start, end)))
    return [
        ReportSection("volunteers", _l("Volunteers"), (
            ReportRow("counted", _l("Total"), counted),
            ReportRow("recruited", _l("Approved"), recruited, share(recruited, counted)),
        )),
        ReportSection("empty", "=Empty section", ()),
    ]


def _report_plugin():
    return make_plugin("countingplugin", mentorkorps_reports=lambda tenant: [
        ReportDefinition("volunteer-count", _l("Volunteers"), _count_volunteers, _l("Active")),
    ])


@pytest.fixture
def extra_plugins():
    return (_report_plugin(),)


@pytest.fixture
def town(tenant_factory):
    return tenant_factory("testby", "Testby Kommune", plugins=("countingplugin",))


@pytest.fixture
def volunteers(db, town, other_tenant):
    from core.tenancy import tenant_context
    from core.volunteers.models import Volunteer

    def add(tenant, name, recruited_on, left_on=None):
        with tenant_context(tenant):
            db.session.add(Volunteer(name=name, recruited_on=recruited_on, left_on=left_on, status="active",
                                     status_since=recruited_on))
            db.session.flush()

    add(town, "A", date(2025, 5, 1))
    add(town, "B", date(2026, 2, 1))
    add(town, "C", date(2026, 3, 1), left_on=date(2026, 6, 30))  # left on `to`: does not count
    add(town, "D", date(2026, 7, 1))  # after the period
    for n in range(5):
        add(other_tenant, f"Other {n}", date(2026, 2, 1))
    db.session.commit()


@pytest.fixture
def coordinator(client, town, user_factory):
    user = user_factory(town, "coordinator")
    return api_token(client, user)


def test_the_list_has_the_core_reports_and_the_enabled_plugins(client, town, other_tenant, user_factory, coordinator):
    keys = [r["key"] for r in client.get("/api/v1/testby/reports", headers=coordinator).json]
    assert "volunteer-count" in keys
    other = api_token(client, user_factory(other_tenant, "coordinator"))
    assert "volunteer-count" not in [r["key"] for r in client.get("/api/v1/ishoej/reports", headers=other).json]
    assert client.get("/api/v1/ishoej/reports/volunteer-count", headers=other).status_code == 404


def test_a_report_as_json(client, volunteers, coordinator):
    response = client.get("/api/v1/testby/reports/volunteer-count", query_string=PERIOD, headers=coordinator)
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["key"], body["title"], body["from"], body["to"]) == ("volunteer-count", "Frivillige", *PERIOD.values())
    section = body["sections"][0]
    assert section["key"] == "volunteers"
    # A, B count on 30 June (C left that day); B and C were recruited in the period: 2 of 2 = 100 %.
    assert section["rows"] == [{"key": "counted", "label": "I alt", "value": 2},
                               {"key": "recruited", "label": "Godkendt", "value": 2, "percent": 100.0}]
    assert "percent" not in section["rows"][0]  # no share defined: no percent key at all


def test_the_language_follows_accept_language(client, volunteers, coordinator):
    body = client.get("/api/v1/testby/reports/volunteer-count", query_string=PERIOD,
                      headers={**coordinator, "Accept-Language": "en"}).json
    assert body["title"] == "Volunteers" and body["sections"][0]["rows"][0]["label"] == "Total"


def test_the_period_defaults_to_this_year_up_to_today(app, client, volunteers, coordinator, frozen):
    frozen(date(2026, 3, 15))
    body = client.get("/api/v1/testby/reports/volunteer-count", headers=coordinator).json
    assert (body["from"], body["to"]) == ("2026-01-01", "2026-03-15")
    assert body["sections"][0]["rows"][0]["value"] == 3  # A, B and C on 15 March


def _csv_rows(data: bytes):
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_and_xlsx_hold_the_same_rows_as_json(client, volunteers, coordinator):
    from openpyxl import load_workbook

    url = "/api/v1/testby/reports/volunteer-count"
    expected = [["section", "section_title", "key", "label", "value", "percent"],
                ["volunteers", "Frivillige", "counted", "I alt", "2", ""],
                ["volunteers", "Frivillige", "recruited", "Godkendt", "2", "100.0"]]
    response = client.get(url, query_string={**PERIOD, "format": "csv"}, headers=coordinator)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="volunteer-count_2026-01-01_2026-06-30.csv"' in response.headers["Content-Disposition"]
    assert _csv_rows(response.data) == expected
    response = client.get(url, query_string={**PERIOD, "format": "xlsx"}, headers=coordinator)
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = list(workbook["report"].iter_rows(values_only=True))
    assert [list(row[:4]) for row in sheet] == [row[:4] for row in expected]
    assert [(row[4], row[5]) for row in sheet[1:]] == [(2, None), (2, 100.0)]  # numbers, not texts
    assert workbook["report"]["F3"].number_format == "0.0"
    assert dict(workbook["about"].iter_rows(values_only=True))["from"] == "2026-01-01"


@pytest.mark.parametrize("query, field", [
    ({"from": "2026-07-01", "to": "2026-06-30"}, "to"),
    ({"from": "2026-02-30", "to": "2026-06-30"}, "from"),
    ({"from": "1900-01-01", "to": "2026-06-30"}, "to"),
    ({**PERIOD, "format": "pdf"}, "format"),
])
def test_a_bad_period_or_format_is_422_with_the_field(client, volunteers, coordinator, query, field):
    response = client.get("/api/v1/testby/reports/volunteer-count", query_string=query, headers=coordinator)
    assert response.status_code == 422, response.json
    assert response.json["code"] == 422 and field in response.json["errors"]


def test_only_coordinators_of_the_tenant(client, town, other_tenant, user_factory, volunteers):
    for role in ("caseworker", "mentor"):
        headers = api_token(client, user_factory(town, role))
        assert client.get("/api/v1/testby/reports/volunteer-count", headers=headers).status_code == 403
    stranger = api_token(client, user_factory(other_tenant, "coordinator"))
    assert client.get("/api/v1/testby/reports", headers=stranger).status_code == 404
    assert client.get("/api/v1/testby/reports", headers={}).status_code == 401
    assert client.get("/api/v1/testby/reports/no-such-report",
                      headers=api_token(client, user_factory(town, "coordinator"))).status_code == 404


def test_the_page_shows_a_chart_and_a_table_per_section_and_changes_period(client, town, user_factory, volunteers):
    login(client, user_factory(town, "coordinator"), town)
    index = client.get("/testby/reports/").get_data(as_text=True)
    assert 'href="/testby/reports/volunteer-count"' in index
    page = client.get("/testby/reports/volunteer-count", query_string=PERIOD).get_data(as_text=True)
    assert page.count('data-testid="report-table"') == 1  # the empty section has no table
    assert 'data-chart="bar"' in page and "<canvas role=\"img\"" in page
    assert 'data-key="recruited" data-value="2" data-percent="100.0"' in page
    assert "100,0 %" in page  # Danish number format
    assert "chart.umd.min.js" in page
    later = client.get("/testby/reports/volunteer-count", query_string={"from": "2025-01-01", "to": "2025-12-31"})
    assert 'data-key="counted" data-value="1"' in later.get_data(as_text=True)
    download = client.get("/testby/reports/volunteer-count", query_string={**PERIOD, "format": "csv"})
    assert download.mimetype == "text/csv" and _csv_rows(download.data)[1][3] == "I alt"
    bad = client.get("/testby/reports/volunteer-count", query_string={"from": "2026-07-01", "to": "2026-06-30"})
    assert bad.status_code == 422 and 'data-testid="form-errors"' in bad.get_data(as_text=True)


def test_the_page_is_for_coordinators_only(client, town, user_factory):
    login(client, user_factory(town, "mentor"), town)
    assert client.get("/testby/reports/").status_code in (403, 404)


def test_a_label_that_looks_like_a_formula_is_written_as_text(client, volunteers, coordinator):
    from core.reports.formats import _safe

    assert _safe("=HYPERLINK(1)") == "'=HYPERLINK(1)" and _safe("Frivillige") == "Frivillige" and _safe(3) == 3
