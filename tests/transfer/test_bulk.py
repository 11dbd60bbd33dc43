"""A workbook of a corps' history of 20,000 meetings imports in seconds (bulk inserts, a fixed number of queries),
and importing it again changes nothing."""
from __future__ import annotations

import time
from datetime import date, timedelta

from sqlalchemy import func, select

from core.meetings.models import Meeting
from core.tenancy import tenant_context
from core.transfer.services import import_records
from core.transfer.services import write_workbook

MEETINGS = 20_000
MATCHES = 1_000


def history(matches=MATCHES, meetings=MEETINGS) -> dict:
    """``matches`` matches of 250 volunteers, ``meetings`` meetings spread over them; every
    fourth match ended with a follow-up."""
    start = date(2020, 1, 6)
    sheets = {sheet: [] for sheet in ("volunteers", "citizens", "referrals", "matches", "meetings", "followups")}
    for v in range(250):
        sheets["volunteers"].append([f"V{v}", f"Frivillig {v}", "1970-01-01", "female", "public", "higher", "press",
                                     "2019-06-01", ""])
    per_match = meetings // matches
    for m in range(matches):
        started = start + timedelta(days=m % 700)
        ended = started + timedelta(days=3 * per_match + 10) if m % 4 == 0 else None
        sheets["citizens"].append([f"C{m}", f"Ung {m}", "2004-02-29", "male"])
        sheets["referrals"].append([f"R{m}", f"C{m}", started.isoformat(), "jobcenter", "cash_benefit"])
        sheets["matches"].append([f"M{m}", f"R{m}", f"V{m % 250}", started.isoformat(),
                                  ended.isoformat() if ended else "", "completed" if ended else "",
                                  "job" if ended else "", "no"])
        for k in range(per_match):
            sheets["meetings"].append([f"M{m}", (started + timedelta(days=3 * k)).isoformat(), str(30 + k)])
        if ended:
            sheets["followups"].append([f"M{m}", "6", "education"])
    return sheets


def test_twenty_thousand_meetings_import_in_seconds(tenant, db, tmp_path, count_queries):
    folder = tmp_path / "history.xlsx"  # a workbook, written by the export's own writer
    write_workbook({sheet: [tuple(row) for row in rows] for sheet, rows in history().items()}, folder)
    began = time.perf_counter()
    with count_queries() as queries:
        counts = import_records(tenant, folder)
        db.session.commit()
    first = time.perf_counter() - began
    assert counts["meetings"] == {"inserted": MEETINGS, "updated": 0, "unchanged": 0}
    assert counts["matches"]["inserted"] == MATCHES
    # Bulk: the statements do not grow with the rows (a statement per 2,000 rows at most).
    assert len(queries) < 60, len(queries)
    began = time.perf_counter()
    again = import_records(tenant, folder)
    db.session.commit()
    second = time.perf_counter() - began
    assert again["meetings"] == {"inserted": 0, "updated": 0, "unchanged": MEETINGS}
    with tenant_context(tenant):
        assert db.session.scalar(select(func.count(Meeting.id))) == MEETINGS
    print(f"\n20,000 meetings: import {first:.2f} s ({len(queries)} statements), re-import {second:.2f} s")
    # The statement count above is the guard of the bulk writing; the time bound only catches the
    # pathological (a statement per row takes minutes), as the machine may be busy.
    assert first < 60 and second < 60
