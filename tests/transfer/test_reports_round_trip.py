"""Issue 9: import → export → import into an empty tenant gives identical reports.

A workbook with ten years of a corps' history (the benchmark's generator, at a small size) is
imported into an empty tenant A; A's export is imported into an empty tenant B. Every report of the
core and of every package — the plugins' computed directly, as a municipality package can be on for
one tenant only — gives the same rows for A and B over every test period, which also span the
edges of months, leap days and several years."""
from __future__ import annotations

import pytest
from flask_babel import force_locale

from core.reports import builtin
from core.tenancy import tenant_context
from core.transfer.services import export_records, import_records, write_workbook
from municipalities.ishoej import reports as ishoej_reports
from municipalities.middelfart import reports as middelfart_reports
from plugins.network_recruitment import reports as network_reports
from tests.reports.data import PERIODS

EVERY = (*builtin.REPORTS, *middelfart_reports.REPORTS, *ishoej_reports.REPORTS, *network_reports.REPORTS)


def rows(tenant, definition, start, end):
    with tenant_context(tenant), force_locale("en"):
        return [(s.key, [(r.key, str(r.label), r.value, r.percent) for r in s.rows])
                for s in definition.compute(tenant=tenant, start=start, end=end)]


@pytest.fixture
def round_trip(tenant_factory, db, tmp_path):
    from bench.reports import generate_history
    from bench.transfer import import_book

    write_workbook(import_book(generate_history(4000, seed=11)), tmp_path / "history.xlsx")
    a = tenant_factory("a-kommune", "A Kommune", plugins=("network_recruitment",))
    b = tenant_factory("b-kommune", "B Kommune", plugins=("network_recruitment",))
    import_records(a, tmp_path / "history.xlsx")
    db.session.commit()
    export_records(a, tmp_path / "a.xlsx")
    counts = import_records(b, tmp_path / "a.xlsx")
    db.session.commit()
    assert counts["meetings"]["inserted"] == 4000 and counts["matches"]["inserted"] > 100
    return a, b


def test_import_export_import_gives_identical_reports(round_trip):
    a, b = round_trip
    counted = 0
    for definition in EVERY:
        for start, end in PERIODS:
            first = rows(a, definition, start, end)
            assert rows(b, definition, start, end) == first, (definition.key, start, end)
            counted += sum(value for _key, section in first for _k, _l, value, _p in section)
    assert counted > 1000  # the reports counted something, not empty tables twice

