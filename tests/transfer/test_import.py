"""The import: what it writes (history as it happened), idempotent on external_id, within the named
tenant, from a workbook or a folder of CSV files, audited."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.audit.models import AuditEvent
from core.matching.models import Match, MatchTransition
from core.meetings.models import FollowUp, Meeting
from core.referrals.models import Citizen, Referral
from core.tenancy import tenant_context
from core.transfer.services import ImportRefused, check_import, import_records
from core.volunteers.models import Volunteer, VolunteerStatusChange
from tests.transfer.helpers import sample, write_csv, write_xlsx

ALL_NEW = {"volunteers": 2, "citizens": 2, "referrals": 2, "matches": 2, "meetings": 3, "followups": 1}


def counts_of(counts, key):
    return {sheet: c[key] for sheet, c in counts.items()}


def snapshot(tenant) -> dict:
    """Every imported table's rows of ``tenant`` as plain values (ids as external ids)."""
    with tenant_context(tenant):
        from core.extensions import db

        s = db.session
        return {
            "volunteers": sorted(s.execute(select(
                Volunteer.external_id, Volunteer.name, Volunteer.birth_date, Volunteer.gender, Volunteer.employment_sector,
                Volunteer.education, Volunteer.recruitment_channel, Volunteer.recruited_on, Volunteer.left_on,
                Volunteer.status, Volunteer.status_since)).all()),
            "history": sorted(s.execute(select(Volunteer.external_id, VolunteerStatusChange.from_status,
                                               VolunteerStatusChange.to_status, VolunteerStatusChange.on)
                                        .join(Volunteer, Volunteer.id == VolunteerStatusChange.volunteer_id)).all(),
                              key=repr),
            "citizens": sorted(s.execute(select(Citizen.external_id, Citizen.name, Citizen.birth_date, Citizen.gender)).all()),
            "referrals": sorted(s.execute(select(
                Referral.external_id, Citizen.external_id, Referral.referred_on, Referral.source, Referral.situation,
                Referral.status, Referral.decision, Referral.consent_given_on, Referral.consent_text_version)
                .join(Citizen, Citizen.id == Referral.citizen_id)).all()),
            "matches": sorted(s.execute(select(
                Match.external_id, Referral.external_id, Volunteer.external_id, Match.status, Match.proposed_on,
                Match.chosen_on, Match.started_on, Match.ended_on, Match.end_reason, Match.outcome, Match.network_nominated)
                .join(Referral, Referral.id == Match.referral_id).join(Volunteer, Volunteer.id == Match.volunteer_id)).all()),
            "transitions": sorted(s.execute(select(Match.external_id, MatchTransition.from_status, MatchTransition.to_status,
                                                   MatchTransition.on)
                                            .join(Match, Match.id == MatchTransition.match_id)).all(), key=repr),
            "meetings": sorted(s.execute(select(Match.external_id, Meeting.held_on, Meeting.minutes)
                                         .join(Match, Match.id == Meeting.match_id)).all(), key=repr),
            "followups": sorted(s.execute(select(Match.external_id, FollowUp.months_after, FollowUp.due_on, FollowUp.status,
                                                 FollowUp.recorded_on).join(Match, Match.id == FollowUp.match_id)).all(),
                                key=repr),
        }


def test_a_workbook_is_imported_as_history_as_it_happened(tenant, db, tmp_path):
    path = write_xlsx(tmp_path / "records.xlsx", sample())
    counts = import_records(tenant, path)
    db.session.commit()
    assert counts_of(counts, "inserted") == ALL_NEW
    assert counts_of(counts, "updated") == dict.fromkeys(ALL_NEW, 0)
    data = snapshot(tenant)
    assert data["volunteers"] == [
        ("V1", "Anna Berg", date(1970, 3, 1), "female", "public", "higher", "press", date(2023, 1, 10), None,
         "active", date(2023, 1, 10)),
        ("V2", "Bent Holm", date(1955, 7, 15), "male", "none", "vocational", "word_of_mouth", date(2023, 2, 1),
         date(2024, 6, 30), "left", date(2024, 6, 30)),
    ]
    # The status history the reports and the recruitment overview read: active on recruited_on, left on left_on.
    assert data["history"] == sorted([("V1", None, "active", date(2023, 1, 10)), ("V2", None, "active", date(2023, 2, 1)),
                                      ("V2", "active", "left", date(2024, 6, 30))], key=repr)
    assert data["citizens"] == [("C1", "Ali Hansen", date(2005, 5, 5), "male"), ("C2", "Bodil Juhl", None, "female")]
    # Consent on the day of referral, text version "import", accepted; the status follows from the matches.
    assert data["referrals"] == [
        ("R1", "C1", date(2023, 3, 1), "jobcenter", "cash_benefit", "ended", "accept", date(2023, 3, 1), "import"),
        ("R2", "C2", date(2023, 4, 1), "school", "in_education", "matched", "accept", date(2023, 4, 1), "import"),
    ]
    assert data["matches"] == [
        ("M1", "R1", "V1", "ended", date(2023, 3, 15), date(2023, 3, 15), date(2023, 3, 15), date(2023, 12, 1),
         "completed", "job", False),
        ("M2", "R2", "V2", "active", date(2023, 4, 20), date(2023, 4, 20), date(2023, 4, 20), None, None, None, True),
    ]
    assert data["transitions"] == sorted([("M1", None, "active", date(2023, 3, 15)), ("M1", "active", "ended", date(2023, 12, 1)),
                                          ("M2", None, "active", date(2023, 4, 20))], key=repr)
    assert data["meetings"] == sorted([("M1", date(2023, 3, 20), 60), ("M1", date(2023, 4, 3), 90),
                                       ("M2", date(2023, 5, 1), None)], key=repr)
    # Six calendar months after the end, recorded that day.
    assert data["followups"] == [("M1", 6, date(2024, 6, 1), "education", date(2024, 6, 1))]


def test_reimporting_the_same_file_changes_nothing(tenant, db, tmp_path):
    path = write_xlsx(tmp_path / "records.xlsx", sample())
    import_records(tenant, path)
    db.session.commit()
    before = snapshot(tenant)
    counts = import_records(tenant, path)
    db.session.commit()
    assert counts_of(counts, "inserted") == dict.fromkeys(ALL_NEW, 0)
    assert counts_of(counts, "updated") == dict.fromkeys(ALL_NEW, 0)
    assert counts_of(counts, "unchanged") == ALL_NEW
    assert snapshot(tenant) == before


def test_a_changed_file_updates_the_rows_that_differ_and_their_history(tenant, db, tmp_path):
    import_records(tenant, write_xlsx(tmp_path / "first.xlsx", sample()))
    db.session.commit()
    changed = sample()
    changed["volunteers"][0][8] = "2024-01-31"  # V1 left
    changed["volunteers"][1][8] = ""  # V2 did not leave after all
    changed["matches"][1][4:7] = ["2024-02-01", "own_wish", "gave_up"]  # M2 ended
    changed["matches"][0][4] = "2023-12-15"  # M1 ended later: its follow-up is due later
    changed["meetings"].append(["M1", "2023-03-20", "60"])  # a second meeting on the same day
    changed["followups"].append(["M2", "6", ""])
    changed["followups"][0][2] = "job"
    counts = import_records(tenant, write_xlsx(tmp_path / "second.xlsx", changed))
    db.session.commit()
    assert counts == {
        "volunteers": {"inserted": 0, "updated": 2, "unchanged": 0},
        "citizens": {"inserted": 0, "updated": 0, "unchanged": 2},
        "referrals": {"inserted": 0, "updated": 0, "unchanged": 2},
        "matches": {"inserted": 0, "updated": 2, "unchanged": 0},
        "meetings": {"inserted": 1, "updated": 0, "unchanged": 3},
        "followups": {"inserted": 1, "updated": 1, "unchanged": 0},
    }
    data = snapshot(tenant)
    assert [v[0:1] + v[8:] for v in data["volunteers"]] == [
        ("V1", date(2024, 1, 31), "left", date(2024, 1, 31)), ("V2", None, "active", date(2023, 2, 1))]
    assert data["history"] == sorted([("V1", None, "active", date(2023, 1, 10)), ("V1", "active", "left", date(2024, 1, 31)),
                                      ("V2", None, "active", date(2023, 2, 1))], key=repr)
    assert [(m[0], m[3], m[7], m[8], m[9]) for m in data["matches"]] == [
        ("M1", "ended", date(2023, 12, 15), "completed", "job"), ("M2", "ended", date(2024, 2, 1), "own_wish", "gave_up")]
    assert ("M2", "active", "ended", date(2024, 2, 1)) in data["transitions"]
    assert ("M1", "active", "ended", date(2023, 12, 15)) in data["transitions"]
    assert [r[5] for r in data["referrals"]] == ["ended", "ended"]
    assert data["followups"] == sorted([("M1", 6, date(2024, 6, 15), "job", date(2024, 6, 15)),
                                        ("M2", 6, date(2024, 8, 1), None, None)], key=repr)
    assert len(data["meetings"]) == 4
    # And that file again changes nothing.
    again = import_records(tenant, write_xlsx(tmp_path / "third.xlsx", changed))
    assert all(c["inserted"] == c["updated"] == 0 for c in again.values())


def test_a_folder_of_csv_files_imports_the_same_as_the_workbook(tenant, other_tenant, db, tmp_path):
    import_records(tenant, write_xlsx(tmp_path / "records.xlsx", sample()))
    import_records(other_tenant, write_csv(tmp_path / "csv", sample(), bom=True))
    db.session.commit()
    assert snapshot(tenant) == snapshot(other_tenant)


def test_csv_without_a_byte_order_mark_and_with_missing_optional_sheets(tenant, db, tmp_path):
    sheets = {"volunteers": sample()["volunteers"]}
    counts = import_records(tenant, write_csv(tmp_path / "csv", sheets))
    assert counts["volunteers"]["inserted"] == 2
    assert counts["matches"] == {"inserted": 0, "updated": 0, "unchanged": 0}


def test_xlsx_date_and_number_cells_are_read_as_their_values(tenant, db, tmp_path):
    sheets = sample()
    sheets["volunteers"][0][7] = date(2023, 1, 10)
    sheets["meetings"][0][2] = 60
    sheets["followups"][0][1] = 6.0
    sheets["volunteers"][0][0] = 1  # a number as an external id is its text
    sheets["matches"][0][2] = 1
    counts = import_records(tenant, write_xlsx(tmp_path / "records.xlsx", sheets))
    db.session.commit()
    assert counts["volunteers"]["inserted"] == 2
    data = snapshot(tenant)
    assert data["volunteers"][0][0] == "1" and data["volunteers"][0][7] == date(2023, 1, 10)
    assert ("M1", date(2023, 3, 20), 60) in data["meetings"]


def test_the_import_stays_within_the_named_tenant(tenant, other_tenant, db, tmp_path):
    """The same external ids in another tenant are other people: never matched, never changed."""
    import_records(other_tenant, write_xlsx(tmp_path / "other.xlsx", sample()))
    db.session.commit()
    other_before = snapshot(other_tenant)
    counts = import_records(tenant, write_xlsx(tmp_path / "records.xlsx", sample()))
    db.session.commit()
    assert counts_of(counts, "inserted") == ALL_NEW
    assert snapshot(other_tenant) == other_before
    # A reference to a row only the other tenant has is a reference to nothing.
    only_matches = {"matches": [["M9", "R1", "V1", "2023-03-15", "", "", "", "no"]]}
    third = pytest.importorskip("core.platform.services").create_tenant("eksempel", "Eksempel", ())
    db.session.commit()
    with pytest.raises(ImportRefused) as refused:
        import_records(third, write_xlsx(tmp_path / "refs.xlsx", only_matches))
    assert {(p.sheet, p.row, p.column) for p in refused.value.problems} == {
        ("matches", 2, "referral_id"), ("matches", 2, "volunteer_id")}


def test_check_import_counts_without_writing(tenant, db, tmp_path):
    path = write_xlsx(tmp_path / "records.xlsx", sample())
    preview = check_import(tenant, path)
    assert preview.problems == []
    assert counts_of(preview.counts, "inserted") == ALL_NEW
    with tenant_context(tenant):
        assert db.session.scalar(select(func.count(Volunteer.id))) == 0


def test_the_import_is_audited_with_its_counts(tenant, db, tmp_path):
    counts = import_records(tenant, write_xlsx(tmp_path / "records.xlsx", sample()))
    db.session.commit()
    with tenant_context(tenant):
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "records.imported")).all()
    assert len(events) == 1
    assert events[0].details["counts"] == counts

