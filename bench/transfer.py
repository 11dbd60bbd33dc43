"""`make bench`, import: a corps' history imported through the import service, beside the floor of
parsing its workbook (CONTRACT.md section 6). Run alone with ``python -m bench.transfer``.

1. Generates the history of :func:`bench.reports.generate_history` with ``BENCH_IMPORT_MEETINGS``
   meetings (default 20,000; with its ~600 matches, ~200 volunteers, ~650 referrals and young people and
   ~650 follow-ups) and writes it as an ``.xlsx`` workbook in the import format (CONTRACT.md section 3)
   with the export's own writer.
2. Baseline: reading the same workbook with openpyxl alone (read-only, every cell's value), the floor
   of parsing it; each figure is given as a ratio to it, in wall time and in CPU time.
3. Imports it into an empty tenant with ``core.transfer.services.import_records`` and commits — what
   ``mentorkorps import --tenant SLUG PATH`` runs — ``BENCH_IMPORT_REPEAT`` times (default 3), a new
   empty tenant each time; checks that every row was inserted. Parts: until the plan (reading,
   validating, comparing with the tenant; the service reports it through ``on_plan``), writing,
   committing; and the project's reader (``read_book``) alone.
4. Re-imports the same workbook into the first tenant, as often: nothing changes (checked).
5. Prints a table and merges ``{"transfer": ...}`` into ``bench/results.json``.

Runs in a throwaway SQLite database migrated to head and, when ``DATABASE_URL`` is set, in that
PostgreSQL database too, in a schema of the run's own that is dropped afterwards
(:func:`bench.reports.throwaway_database`).

Environment: ``BENCH_IMPORT_MEETINGS`` (default 20000), ``BENCH_IMPORT_REPEAT`` (default 3), ``DATABASE_URL``.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from bench.reports import (
    RESULTS, SEED, History, _figure, _timed, bench_app, generate_history, merge_results, throwaway_database,
)


def import_book(history: History) -> dict[str, list[tuple]]:
    """``history`` as the import format's rows per sheet (without the header)."""
    def volunteer(n):
        return f"V{n + 1}"

    def citizen(n):
        return f"C{n + 1}"

    def referral(n):
        return f"R{n + 1}"

    def match(n):
        return f"M{n + 1}"

    return {
        "volunteers": [(volunteer(n), v["name"], v["birth_date"], v["gender"], v["employment_sector"], v["education"],
                        v["recruitment_channel"], v["recruited_on"], v["left_on"])
                       for n, v in enumerate(history.volunteers)],
        "citizens": [(citizen(n), c["name"], c["birth_date"], c["gender"]) for n, c in enumerate(history.citizens)],
        "referrals": [(referral(n), citizen(r["citizen"]), r["referred_on"], r["source"], r["situation"])
                      for n, r in enumerate(history.referrals)],
        "matches": [(match(n), referral(m["referral"]), volunteer(m["volunteer"]), m["started_on"], m["ended_on"],
                     m["end_reason"], m["outcome"], "yes" if m["network_nominated"] else "no")
                    for n, m in enumerate(history.matches)],
        "meetings": [(match(m), held_on, minutes) for m, held_on, minutes, _place in history.meetings],
        "followups": [(match(m), months, status) for m, months, _due, status, _recorded in history.followups],
    }


def read_with_openpyxl(path: Path) -> int:
    """The baseline: every cell of every sheet read with openpyxl alone, as the import reads it."""
    from openpyxl import load_workbook

    cells = 0
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        for worksheet in workbook.worksheets:
            for row in worksheet.iter_rows(values_only=True):
                cells += len(row)
    finally:
        workbook.close()
    return cells


def _ratios(figure: dict, floor: dict) -> dict:
    """The median's ratio to the baseline's, in wall time and in CPU time (which a busy machine
    disturbs less; on PostgreSQL the server's CPU is not in it)."""
    return {"ratio": round(figure["median_ms"] / max(floor["median_ms"], 1e-6), 1),
            "cpu_ratio": round(figure["cpu_median_ms"] / max(floor["cpu_median_ms"], 1e-6), 1)}


def measure(database_url: str, workbook: Path, book: dict, repeat: int) -> dict:
    from flask_babel import force_locale
    from flask_migrate import upgrade

    from core.extensions import db
    from core.platform.services import create_tenant
    from core.tenancy import Municipality
    from core.transfer.reader import read_book
    from core.transfer.services import import_records

    app = bench_app(database_url, "bench-transfer")
    expected = {sheet: len(rows) for sheet, rows in book.items()}
    with app.app_context(), force_locale("en"):  # as the command runs it
        upgrade()
        dialect = db.engine.dialect.name
        imports, parts, tenant_ids = [], {"until_plan": [], "write": [], "commit": []}, []
        for n in range(repeat):
            tenant = create_tenant(f"bench-import-{n + 1}", f"Bench import {n + 1}")
            db.session.commit()
            tenant_ids.append(tenant.id)
            planned = []
            start, cpu = time.perf_counter(), time.process_time()
            counts = import_records(tenant, workbook, on_plan=lambda total: planned.append(time.perf_counter()))
            written = time.perf_counter()
            db.session.commit()
            end = time.perf_counter()
            imports.append((end - start, time.process_time() - cpu))
            parts["until_plan"].append((planned[0] - start, 0.0))
            parts["write"].append((written - planned[0], 0.0))
            parts["commit"].append((end - written, 0.0))
            inserted = {sheet: count["inserted"] for sheet, count in counts.items()}
            if inserted != expected:
                raise AssertionError(f"bench import inserted {inserted}, expected {expected}")
            db.session.remove()

        first = db.session.get(Municipality, tenant_ids[0])

        def reimport():
            counts = import_records(first, workbook)
            db.session.commit()
            changed = {sheet: c for sheet, c in counts.items() if c["inserted"] or c["updated"]}
            if changed:
                raise AssertionError(f"re-importing changed {changed}")

        reimports = _timed(reimport, repeat)
        reader = _timed(lambda: read_book(workbook), repeat)
        db.session.remove()
        db.engine.dispose()
    floor = _timed(lambda: read_with_openpyxl(workbook), repeat)
    floor_figure, import_figure, reimport_figure = _figure(floor), _figure(imports), _figure(reimports)
    return {
        "database": dialect,
        "data": {**expected, "rows": sum(expected.values()), "workbook_bytes": workbook.stat().st_size},
        "baseline": "reading the workbook with openpyxl alone (read-only, values)",
        "baseline_figure": floor_figure,
        "import": {**import_figure, **_ratios(import_figure, floor_figure),
                   "parts": {name: {k: v for k, v in _figure(seconds).items() if k != "cpu_median_ms"}
                             for name, seconds in parts.items()},
                   "read_book": _figure(reader)},
        "reimport": {**reimport_figure, **_ratios(reimport_figure, floor_figure)},
    }


def table(summary: dict) -> str:
    lines = [f"\nMentorkorps bench, import (load average before: {summary['load_average_before'][0]}, "
             f"after: {summary['load_average_after'][0]}, {summary['cpus']} CPUs)",
             f"{'':<44} {'median s':>9} {'best s':>8} {'CPU s':>7}   {'baseline s':>10} {'(CPU s)':>7} {'ratio':>7} "
             f"{'CPU ratio':>9}"]
    for run in summary["runs"]:
        data, floor = run["data"], run["baseline_figure"]
        for name, label in (("import", f"import {data['meetings']} meetings, empty tenant"),
                            ("reimport", "re-import, nothing changes")):
            item = run[name]
            lines.append(f"{run['database'] + ': ' + label:<44} {item['median_ms'] / 1000:9.2f} "
                         f"{item['best_ms'] / 1000:8.2f} {item['cpu_median_ms'] / 1000:7.2f}   "
                         f"{floor['median_ms'] / 1000:10.2f} {floor['cpu_median_ms'] / 1000:7.2f} {item['ratio']:6.1f}x "
                         f"{item['cpu_ratio']:8.1f}x")
        parts = run["import"]["parts"]
        lines.append(f"{'  import: until the plan / write / commit':<44} "
                     f"{parts['until_plan']['median_ms'] / 1000:.2f} / {parts['write']['median_ms'] / 1000:.2f} / "
                     f"{parts['commit']['median_ms'] / 1000:.2f} s; read_book alone "
                     f"{run['import']['read_book']['median_ms'] / 1000:.2f} s; {data['rows']} rows, "
                     f"{data['workbook_bytes'] // 1024} KiB")
    lines.append("merged into the results file under \"transfer\"")
    return "\n".join(lines)


def run(results_path: Path = RESULTS) -> dict:
    from core.transfer.services import write_workbook

    meetings = int(os.environ.get("BENCH_IMPORT_MEETINGS", "20000"))
    repeat = int(os.environ.get("BENCH_IMPORT_REPEAT", "3"))
    load_before = os.getloadavg()
    book = import_book(generate_history(meetings))
    runs = []
    with tempfile.TemporaryDirectory(prefix="mentorkorps-bench-transfer-") as workdir:
        workbook = Path(workdir) / "history.xlsx"
        write_workbook(book, workbook)
        for database_url in [None] + ([os.environ["DATABASE_URL"]] if os.environ.get("DATABASE_URL") else []):
            with throwaway_database(database_url, "bench_transfer") as url:
                runs.append(measure(url, workbook, book, repeat))
    summary = {"run_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()), "seed": SEED,
               "cpus": os.cpu_count(), "repeat": repeat, "load_average_before": [round(x, 2) for x in load_before],
               "load_average_after": [round(x, 2) for x in os.getloadavg()], "runs": runs}
    merge_results(results_path, "transfer", summary)
    print(table(summary), flush=True)
    return summary


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
