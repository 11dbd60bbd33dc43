"""bench/reports.py and bench/transfer.py (part of `make bench`) at a small size: the report bench
generates its history in three tenants of a throwaway database migrated to head, measures every
report each of them lists against the baseline and merges its figures into the results file; the
import bench imports its workbook into empty tenants and re-imports it without a change. On
PostgreSQL (``DATABASE_URL``) they run in a schema of their own, which is gone afterwards."""
from __future__ import annotations

import json
from datetime import date

import pytest

from bench import reports, transfer

CONTRACT_REPORTS = {"middelfart": {"middelfart-mentors", "middelfart-outcomes"},
                    "ishoej": {"ishoej-success-criteria"}, "eksempel": {"network-recruitment"}}


def _expected_keys() -> dict[str, set[str]]:
    """Each bench tenant's reports as the packages define them: the core's and its plugin's."""
    from core.reports.builtin import REPORTS as CORE
    from municipalities.ishoej.reports import REPORTS as ISHOEJ
    from municipalities.middelfart.reports import REPORTS as MIDDELFART
    from plugins.network_recruitment.reports import REPORTS as NETWORK

    core = {d.key for d in CORE}
    return {"middelfart": core | {d.key for d in MIDDELFART}, "ishoej": core | {d.key for d in ISHOEJ},
            "eksempel": core | {d.key for d in NETWORK}}


def _run_report_bench(tmp_path, monkeypatch, database_url):
    if database_url:
        monkeypatch.setenv("DATABASE_URL", database_url)
    else:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("BENCH_REPORT_MEETINGS", "2000")
    monkeypatch.setenv("BENCH_REPORT_REPEAT", "1")
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"results": [{"name": "front page"}], "matching": {"runs": []}}))
    reports.run(results)
    return json.loads(results.read_text())


def _check_report_run(run, database):
    assert run["database"] == database
    assert run["data"]["meetings"] == 2000 and run["data"]["matches"] == 2000 // reports.MEETINGS_PER_MATCH
    expected = _expected_keys()
    for slug, keys in CONTRACT_REPORTS.items():
        assert keys <= expected[slug]
    measured = {}
    for item in run["reports"]:
        measured.setdefault(item["tenant"], set()).add((item["key"], item["period"]))
    periods = {period for period, _, _ in reports.PERIODS}
    assert measured == {slug: {(key, period) for key in keys for period in periods} for slug, keys in expected.items()}

    floors = run["baseline"]["per_tenant"]
    assert set(floors) == set(expected)
    for floor in floors.values():
        assert floor["meetings"] == 2000 and floor["median_ms"] > 0  # the same rows in each tenant
    for item in run["reports"]:
        assert item["median_ms"] > 0 and item["runs"] == 1 and item["statements"] >= 1
        assert item["ratio"] == round(item["median_ms"] / floors[item["tenant"]]["median_ms"], 1)
        assert item["cpu_ratio"] == round(item["cpu_median_ms"] / max(floors[item["tenant"]]["cpu_median_ms"], 1e-6), 1)
        assert item["met"] == (item["median_ms"] < reports.TARGET_MS)
        assert ("slowest_statement" in item) == (not item["met"])
        if item["period"] == "ten_years":
            assert item["nonzero_rows"] > 0, item  # the history gives every report something to count


def test_the_report_bench_measures_every_report_of_the_three_tenants(tmp_path, monkeypatch, capsys):
    written = _run_report_bench(tmp_path, monkeypatch, None)

    assert written["results"] == [{"name": "front page"}] and written["matching"] == {"runs": []}  # others' kept
    (run,) = written["reports"]["runs"]
    _check_report_run(run, "sqlite")
    out = capsys.readouterr().out
    assert "network-recruitment" in out and "ishoej-success-criteria" in out and "baseline ms" in out


def test_the_report_bench_runs_in_a_schema_of_its_own_on_postgresql(tmp_path, monkeypatch, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (DATABASE_URL)")
    from sqlalchemy import create_engine, text

    written = _run_report_bench(tmp_path, monkeypatch, database_url)

    sqlite_run, postgres_run = written["reports"]["runs"]
    _check_report_run(sqlite_run, "sqlite")
    _check_report_run(postgres_run, "postgresql")
    engine = create_engine(database_url)
    with engine.connect() as connection:
        left = connection.execute(text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench_reports_%'")).all()
    engine.dispose()
    assert left == []  # the run's schema is dropped


def test_the_history_is_the_same_for_a_seed_and_holds_together():
    history = reports.generate_history(3000)
    assert reports.generate_history(3000).sizes() == history.sizes()
    assert len(history.meetings) == 3000
    for match, held_on, _minutes, _place in history.meetings:
        started, ended = history.matches[match]["started_on"], history.matches[match]["ended_on"]
        assert started <= held_on <= (ended or reports.LAST)
    open_per_referral = {}
    for match in history.matches:
        assert match["ended_on"] is None or match["ended_on"] > match["started_on"]
        assert (match["end_reason"] is None) == (match["ended_on"] is None)
        if match["ended_on"] is None:
            open_per_referral[match["referral"]] = open_per_referral.get(match["referral"], 0) + 1
    assert set(open_per_referral.values()) <= {1}
    for index, months, _due, _status, _recorded in history.followups:
        assert history.matches[index]["ended_on"] is not None and months in (6, 12)
    for volunteer in history.volunteers:
        assert volunteer["left_on"] is None or volunteer["left_on"] >= volunteer["recruited_on"]
        assert reports.FIRST - date.resolution * 400 <= volunteer["recruited_on"] <= reports.LAST


def test_the_import_bench_imports_into_empty_tenants_and_reimports_without_a_change(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("BENCH_IMPORT_MEETINGS", "400")
    monkeypatch.setenv("BENCH_IMPORT_REPEAT", "2")
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"reports": {"runs": ["kept"]}}))

    transfer.run(results)

    written = json.loads(results.read_text())
    assert written["reports"] == {"runs": ["kept"]}
    (run,) = written["transfer"]["runs"]
    history = reports.generate_history(400)
    assert run["data"]["meetings"] == 400 and run["data"]["matches"] == len(history.matches)
    assert run["data"]["volunteers"] == len(history.volunteers) and run["data"]["followups"] == len(history.followups)
    for name in ("import", "reimport"):
        figure = run[name]
        assert figure["runs"] == 2 and figure["median_ms"] > 0
        assert figure["ratio"] == round(figure["median_ms"] / run["baseline_figure"]["median_ms"], 1)
        assert figure["cpu_ratio"] == round(figure["cpu_median_ms"] / run["baseline_figure"]["cpu_median_ms"], 1)
    assert set(run["import"]["parts"]) == {"until_plan", "write", "commit"}
    assert "import 400 meetings, empty tenant" in capsys.readouterr().out
