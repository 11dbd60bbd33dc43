"""The export: the tenant's records in the import format, as a workbook or a folder of CSV files;
importing it into an empty tenant reproduces the same records."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.tenancy import tenant_context
from core.transfer.format import SHEETS, column_names
from core.transfer.services import export_records, import_records
from tests.transfer.helpers import read_csv, read_xlsx, sample, write_xlsx
from tests.transfer.test_import import snapshot


def test_an_export_names_every_row_in_the_import_format(tenant, db, tmp_path):
    import_records(tenant, write_xlsx(tmp_path / "in.xlsx", sample()))
    counts = export_records(tenant, tmp_path / "out.xlsx")
    db.session.commit()
    assert counts == {"volunteers": 2, "citizens": 2, "referrals": 2, "matches": 2, "meetings": 3, "followups": 1}
    book = read_xlsx(tmp_path / "out.xlsx")
    assert list(book) == list(SHEETS)
    assert {sheet: rows[0] for sheet, rows in book.items()} == {sheet: column_names(sheet) for sheet in SHEETS}
    from datetime import datetime

    assert book["volunteers"][2] == ("V2", "Bent Holm", datetime(1955, 7, 15), "male", "none", "vocational",
                                     "word_of_mouth", datetime(2023, 2, 1), datetime(2024, 6, 30))
    assert book["matches"][1:] == [("M1", "R1", "V1", datetime(2023, 3, 15), datetime(2023, 12, 1), "completed", "job", "no"),
                                   ("M2", "R2", "V2", datetime(2023, 4, 20), None, None, None, "yes")]
    assert book["meetings"][1:] == [("M1", datetime(2023, 3, 20), 60), ("M1", datetime(2023, 4, 3), 90),
                                    ("M2", datetime(2023, 5, 1), None)]
    assert book["followups"][1:] == [("M1", 6, "education")]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_import_export_import_into_an_empty_tenant_gives_the_same_data(tenant, other_tenant, db, tmp_path, kind):
    sheets = sample()
    sheets["citizens"].append(["C3", "=HYPERLINK(\"http://x\")", "", ""])  # text, never a formula
    sheets["referrals"].append(["R3", "C3", "2024-01-05", "self", "other"])
    import_records(tenant, write_xlsx(tmp_path / "in.xlsx", sheets))
    first = tmp_path / ("first.xlsx" if kind == "xlsx" else "first")
    second = tmp_path / ("second.xlsx" if kind == "xlsx" else "second")
    export_records(tenant, first)
    counts = import_records(other_tenant, first)
    assert all(c["updated"] == c["unchanged"] == 0 for c in counts.values())
    export_records(other_tenant, second)
    db.session.commit()
    read = read_xlsx if kind == "xlsx" else read_csv
    assert read(first) == read(second)
    assert snapshot(tenant) == snapshot(other_tenant)
    assert ("C3", "=HYPERLINK(\"http://x\")", None, None) in snapshot(other_tenant)["citizens"]
    if kind == "csv":  # a spreadsheet would run it: written with an apostrophe in front, read back without
        assert ["C3", "'=HYPERLINK(\"http://x\")", "", ""] in read_csv(first)["citizens"]


def test_the_workbook_and_the_csv_folder_hold_the_same_rows(tenant, db, tmp_path):
    import_records(tenant, write_xlsx(tmp_path / "in.xlsx", sample()))
    export_records(tenant, tmp_path / "out.xlsx")
    export_records(tenant, tmp_path / "out")
    as_text = {sheet: [["" if v is None else v.date().isoformat() if hasattr(v, "date") else str(v) for v in row]
                       for row in rows] for sheet, rows in read_xlsx(tmp_path / "out.xlsx").items()}
    assert as_text == read_csv(tmp_path / "out")


def test_rows_made_in_the_app_get_a_stable_external_id_and_come_back_to_themselves(tenant, db, tmp_path):
    """A volunteer registered on the page has no external id: the export gives it ``volunteer-<id>``
    and keeps it, so the next export says the same and importing the file back changes nothing."""
    from core.volunteers import services as volunteers

    with tenant_context(tenant):
        volunteer = volunteers.create_volunteer({"name": "Made Here", "recruited_on": date(2024, 1, 2)})
        # An imported row already holds the id the app-made one would get: it gets the next free form.
        db.session.flush()
        volunteer_id = volunteer.id
    taken = {"volunteers": [[f"volunteer-{volunteer_id}", "Imported", "", "", "", "", "", "2023-01-01", ""]]}
    import_records(tenant, write_xlsx(tmp_path / "taken.xlsx", taken))
    db.session.commit()
    export_records(tenant, tmp_path / "one.xlsx")
    db.session.commit()
    export_records(tenant, tmp_path / "two.xlsx")
    db.session.commit()
    one, two = read_xlsx(tmp_path / "one.xlsx"), read_xlsx(tmp_path / "two.xlsx")
    assert one == two
    assert [row[:2] for row in one["volunteers"][1:]] == [(f"volunteer-{volunteer_id}-2", "Made Here"),
                                                         (f"volunteer-{volunteer_id}", "Imported")]
    counts = import_records(tenant, tmp_path / "one.xlsx")
    assert counts["volunteers"] == {"inserted": 0, "updated": 0, "unchanged": 2}


def test_the_export_is_audited(tenant, db, tmp_path):
    import_records(tenant, write_xlsx(tmp_path / "in.xlsx", sample()))
    export_records(tenant, tmp_path / "out")
    db.session.commit()
    with tenant_context(tenant):
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "records.exported")).all()
    assert event.details == {"counts": {"volunteers": 2, "citizens": 2, "referrals": 2, "matches": 2, "meetings": 3,
                                        "followups": 1}, "format": "csv"}


def test_the_export_holds_only_the_named_tenants_records(tenant, other_tenant, db, tmp_path):
    import_records(other_tenant, write_xlsx(tmp_path / "in.xlsx", sample()))
    counts = export_records(tenant, tmp_path / "out.xlsx")
    assert counts == dict.fromkeys(SHEETS, 0)
    assert all(len(rows) == 1 for rows in read_xlsx(tmp_path / "out.xlsx").values())


def test_a_corps_made_in_the_app_survives_the_round_trip(app, db, tmp_path):
    """The Middelfart demo, replayed through the services, exported; the municipality made anew
    (empty, with its plugin and so its own codes) and the file imported: it passes validation, and
    the second export is the same file."""
    from sqlalchemy import delete

    from core.platform.services import create_tenant, get_tenant_by_slug
    from core.tenancy import Municipality, unscoped
    from tests.conftest import load_demo_data

    load_demo_data()
    source = get_tenant_by_slug("middelfart")
    counts = export_records(source, tmp_path / "demo.xlsx")
    db.session.commit()
    assert counts["matches"] > 50 and counts["meetings"] > 500 and counts["followups"] > 10
    with unscoped():  # the whole municipality goes, its rows with it (ON DELETE CASCADE)
        db.session.execute(delete(Municipality).where(Municipality.slug == "middelfart"))
    db.session.commit()
    db.session.expunge_all()
    empty = create_tenant("middelfart", "Middelfart Kommune", ("middelfart",))
    db.session.commit()
    imported = import_records(empty, tmp_path / "demo.xlsx")
    db.session.commit()
    assert {sheet: c["inserted"] for sheet, c in imported.items()} == counts
    export_records(empty, tmp_path / "copy.xlsx")
    db.session.commit()
    assert read_xlsx(tmp_path / "demo.xlsx") == read_xlsx(tmp_path / "copy.xlsx")
