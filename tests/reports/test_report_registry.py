"""A tenant has the core's reports and those of its enabled plugins, and no others (CONTRACT.md section 5)."""
from __future__ import annotations

from datetime import date

import pytest

from core.errors import NotFound
from core.reports.services import run_report, tenant_reports
from core.tenancy import tenant_context

CORE = ["recruitment-funnel", "activity", "followups"]
PLUGIN_REPORTS = {"middelfart": ["middelfart-mentors", "middelfart-outcomes"], "ishoej": ["ishoej-success-criteria"],
                  "network_recruitment": ["network-recruitment"]}
EVERY_PLUGIN_REPORT = [key for keys in PLUGIN_REPORTS.values() for key in keys]


@pytest.mark.parametrize(("slug", "plugins"), [
    ("middelfart", ()),
    ("middelfart", ("middelfart",)),
    ("middelfart", ("middelfart", "network_recruitment")),
    ("ishoej", ("ishoej",)),
    ("eksempel", ("network_recruitment",)),
    ("eksempel", ()),
])
def test_a_tenant_lists_the_core_reports_and_those_of_its_enabled_plugins(tenant_factory, slug, plugins):
    tenant = tenant_factory(slug, slug.title(), plugins=plugins)
    expected = CORE + [key for plugin in plugins for key in PLUGIN_REPORTS[plugin]]
    with tenant_context(tenant):
        reports = tenant_reports()
        assert sorted(reports) == sorted(expected)
        assert list(reports)[:3] == CORE  # the core's first
        for key in EVERY_PLUGIN_REPORT:
            if key in expected:
                assert [s.key for s in run_report(key, date(2024, 1, 1), date(2024, 12, 31)).sections]
            else:  # a report of a plugin the tenant has not enabled is not found
                with pytest.raises(NotFound):
                    run_report(key, date(2024, 1, 1), date(2024, 12, 31))


def test_switching_a_plugin_off_takes_its_reports_away(tenant_factory, db):
    from core.platform.services import set_plugin_enabled

    tenant = tenant_factory("ishoej", "Ishøj Kommune", plugins=("ishoej", "network_recruitment"))
    with tenant_context(tenant):
        assert "network-recruitment" in tenant_reports()
    set_plugin_enabled(tenant, "network_recruitment", False)
    db.session.commit()
    with tenant_context(tenant):
        assert sorted(tenant_reports()) == sorted(CORE + ["ishoej-success-criteria"])
        with pytest.raises(NotFound):
            run_report("network-recruitment", date(2024, 1, 1), date(2024, 12, 31))


def test_empty_tenant_reports_are_zeros_with_every_row(tenant_factory):
    tenant = tenant_factory("middelfart", "Middelfart Kommune", plugins=("middelfart", "network_recruitment"))
    with tenant_context(tenant):
        mentors = run_report("middelfart-mentors", date(2024, 1, 1), date(2024, 12, 31))
        assert [(s.key, [(r.key, r.value, r.percent) for r in s.rows]) for s in mentors.sections] == [
            ("age", [(k, 0, None) for k in ("18-25", "26-35", "36-45", "46-55", "56-65", "66+")]),
            ("gender", [(k, 0, None) for k in ("female", "male", "other")]),
            ("sector", [(k, 0, 0.0) for k in ("public", "private", "none")]),
            ("education", [(k, 0, 0.0) for k in ("care_teaching_social", "vocational", "higher", "unskilled")]),
        ]
        funnel = run_report("recruitment-funnel", date(2024, 1, 1), date(2024, 12, 31))
        assert [s.key for s in funnel.sections] == ["total"]
        assert all(r.value == 0 and r.percent == 0.0 for r in funnel.sections[0].rows)
        activity = run_report("activity", date(2023, 12, 31), date(2024, 1, 1))
        assert [[r.key for r in s.rows] for s in activity.sections] == [["2023-12", "2024-01"]] * 3
