"""Every report of CONTRACT.md section 5 and the core's three, computed by the app (SQL aggregates) and
by the straightforward computation of ``oracle.py`` from the generated records, compared row by row
(keys, values, percents) over several periods, for two tenants whose records lie side by side."""
from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from core.codes import codes
from core.reports.services import run_report
from core.tenancy import tenant_context
from tests.reports import oracle
from tests.reports.data import PERIODS, generate


@pytest.fixture
def tenants(tenant_factory):
    """Middelfart and Ishøj, each with its own package and network recruitment, with different records."""
    mid = tenant_factory("middelfart", "Middelfart Kommune", plugins=("middelfart", "network_recruitment"))
    ish = tenant_factory("ishoej", "Ishøj Kommune", plugins=("ishoej", "network_recruitment"))
    return {"middelfart": (mid, generate(mid, seed=9)), "ishoej": (ish, generate(ish, seed=2026))}


def computed(tenant, key: str, start: date, end: date):
    with tenant_context(tenant):
        report = run_report(key, start, end)
        assert report.key == key and report.start == start and report.end == end
        return [(s.key, [(r.key, r.value, r.percent) for r in s.rows]) for s in report.sections]


def compare(tenant, records, key, expected_for):
    """The app's report equals the oracle's for every period; returns the oracle's reports, so the
    caller can check that the data exercised them."""
    results = []
    for start, end in PERIODS:
        expected = expected_for(records, start, end)
        assert computed(tenant, key, start, end) == expected, (key, start, end)
        results.append(expected)
    return results


def values(results, section):
    return [value for result in results for key, rows in result if key == section for _, value, _ in rows]


def test_middelfart_mentors(tenants):
    tenant, records = tenants["middelfart"]
    results = compare(tenant, records, "middelfart-mentors", oracle.middelfart_mentors)
    for section in ("age", "gender", "sector", "education"):
        assert sum(values(results, section)) > 50, section
    # The first period's `to` is someone's 26th, 36th ... birthday: both sides of each band's edge.
    first = dict(results[0])["age"]
    assert all(n > 0 for _, n, _ in first)


def test_middelfart_outcomes(tenants):
    tenant, records = tenants["middelfart"]
    with tenant_context(tenant):
        end_reasons, outcome_codes = list(codes("mentorkorps_end_reasons")), list(codes("mentorkorps_outcome_codes"))
    # Middelfart's own four reasons and the defaults' others; its five results and the defaults' job.
    assert end_reasons[:5] == ["completed", "moved_away", "needs_beyond_scope", "boundary_issues", "own_wish"]
    assert {"mentor_stopped", "other"} <= set(end_reasons) and "job" in outcome_codes

    results = compare(tenant, records, "middelfart-outcomes",
                      lambda r, s, e: oracle.middelfart_outcomes(r, s, e, end_reasons, outcome_codes))
    for section in ("totals", "stop_reasons", "outcomes"):
        assert sum(values(results, section)) > 20, section
    # A match ended with no reason is in the period's records but stopped under no reason.
    assert any(m["ended_on"] and m["end_reason"] is None for m in records.matches)


def test_ishoej_success_criteria(tenants):
    tenant, records = tenants["ishoej"]
    results = compare(tenant, records, "ishoej-success-criteria", oracle.ishoej_success_criteria)
    for section in ("criterion_1", "criterion_2", "criterion_3"):
        assert sum(values(results, section)) > 5, section
    # The matches that ended on 30 and 31 August 2022 with three meetings each are eligible when `to` is
    # 28 February 2023 (6 months after both), not on the 27th.
    on_28th, on_27th = ({key: value for key, value, _ in dict(results[i])["criterion_2"]} for i in (4, 5))
    assert on_28th["eligible"] >= on_27th["eligible"] + 3
    assert on_28th["in_education"] > on_27th["in_education"] and on_28th["no_followup"] > on_27th["no_followup"]


def test_network_recruitment(tenants):
    for tenant, records in tenants.values():
        results = compare(tenant, records, "network-recruitment", oracle.network_recruitment)
        assert sum(values(results, "status")) > 50


def test_recruitment_funnel(tenants):
    for tenant, records in tenants.values():
        with tenant_context(tenant):
            channels = list(codes("mentorkorps_recruitment_channels"))
        results = compare(tenant, records, "recruitment-funnel",
                          lambda r, s, e, channels=channels: oracle.recruitment_funnel(r, s, e, channels))
        keys = {key for result in results for key, _ in result}
        # Channels of the tenant, one it does not have, and no channel at all.
        assert {"total", "press", "legacy_fair", "unknown"} <= keys
        assert all(sum(values(results, stage)) for stage in ("total",))


def test_activity(tenants):
    for tenant, records in tenants.values():
        results = compare(tenant, records, "activity", oracle.activity)
        for section in ("matches_started", "matches_ended", "meetings_held"):
            assert sum(values(results, section)) > 50, section
    tenant, _ = tenants["middelfart"]
    with tenant_context(tenant):
        report = run_report("activity", date(2022, 2, 27), date(2022, 3, 2))
    rows = report.sections[0].rows
    assert [r.key for r in rows] == ["2022-02", "2022-03"] and report.sections[0].chart == "line"
    with force_locale("en"):
        assert [str(r.label) for r in rows] == ["February 2022", "March 2022"]
    with force_locale("da"):
        assert [str(r.label) for r in rows] == ["februar 2022", "marts 2022"]


def test_followups(tenants):
    for tenant, records in tenants.values():
        results = compare(tenant, records, "followups", oracle.followups)
        assert sum(values(results, "followups")) > 50 and sum(values(results, "status")) > 20


def test_every_row_has_a_label_in_both_languages(tenants):
    tenant, _ = tenants["middelfart"]
    with tenant_context(tenant):
        for key in ("middelfart-mentors", "middelfart-outcomes", "network-recruitment", "recruitment-funnel",
                    "activity", "followups"):
            report = run_report(key, date(2022, 1, 1), date(2022, 12, 31))
            for language in ("en", "da"):
                with force_locale(language):
                    assert str(report.title).strip()
                    for section in report.sections:
                        assert str(section.title).strip(), (key, section.key)
                        assert all(str(row.label).strip() for row in section.rows), (key, section.key)
