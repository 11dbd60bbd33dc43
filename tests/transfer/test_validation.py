"""Validation before anything is written: every problem named with its sheet, its row as the
spreadsheet numbers it (the header is row 1), its column and the reason; one bad row imports nothing."""
from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from core.matching.models import Match
from core.meetings.models import Meeting
from core.referrals.models import Citizen, Referral
from core.tenancy import tenant_context
from core.transfer.services import ImportRefused, check_import, import_records
from core.volunteers.models import Volunteer
from tests.transfer.helpers import HEADERS, sample, write_csv, write_xlsx


def problems_of(tenant, path) -> list[tuple]:
    with force_locale("en"):
        preview = check_import(tenant, path)
        return [(p.sheet, p.row, p.column, str(p.reason)) for p in preview.problems]


def change(sheets, sheet, index, column, value):
    sheets[sheet][index][HEADERS[sheet].index(column)] = value
    return sheets


def _case(sheet, index, column, value, reason):
    return (sheet, index, column, value, reason)


CELL_CASES = [
    # unknown codes, naming the codes allowed
    _case("volunteers", 0, "gender", "woman", "Unknown code woman; the codes are: female, male, other."),
    _case("volunteers", 1, "employment_sector", "state", "Unknown code state; the codes are: public, private, none."),
    _case("volunteers", 0, "education", "phd", "Unknown code phd; the codes are: care_teaching_social, vocational, higher, unskilled."),
    _case("volunteers", 0, "recruitment_channel", "tv",
          "Unknown code tv; the codes are: press, brochure, word_of_mouth, info_meeting, association, web, network, other."),
    _case("citizens", 1, "gender", "f", "Unknown code f; the codes are: female, male, other."),
    _case("referrals", 0, "source", "police",
          "Unknown code police; the codes are: jobcenter, school, guidance, social_services, self, other."),
    _case("referrals", 1, "situation", "job",
          "Unknown code job; the codes are: in_education, cash_benefit, education_benefit, sick_leave, other."),
    _case("matches", 0, "end_reason", "bored", "Unknown code bored; the codes are: completed, moved_away, "
          "needs_beyond_scope, boundary_issues, own_wish, mentor_stopped, other."),
    _case("matches", 0, "outcome", "rich", "Unknown code rich; the codes are: retained_in_education, "
          "benefits_to_education, sick_leave_to_education, internship, job, gave_up, none."),
    _case("matches", 1, "network_nominated", "ja", "Unknown code ja; the codes are: yes, no."),
    _case("followups", 0, "status", "married", "Unknown code married; the codes are: education, job, internship, benefits, unknown."),
    # dates in the wrong form
    _case("volunteers", 0, "birth_date", "01-03-1970", "Not a date in the form YYYY-MM-DD: 01-03-1970."),
    _case("volunteers", 1, "recruited_on", "2023-02-30", "Not a date in the form YYYY-MM-DD: 2023-02-30."),
    _case("citizens", 0, "birth_date", "20050505", "Not a date in the form YYYY-MM-DD: 20050505."),
    _case("referrals", 0, "referred_on", "1/3/2023", "Not a date in the form YYYY-MM-DD: 1/3/2023."),
    _case("matches", 1, "started_on", "soon", "Not a date in the form YYYY-MM-DD: soon."),
    _case("meetings", 2, "held_on", "2023-5-1", "Not a date in the form YYYY-MM-DD: 2023-5-1."),
    # required values
    _case("volunteers", 0, "external_id", "", "A value is required."),
    _case("volunteers", 0, "name", " ", "A value is required."),
    _case("volunteers", 1, "recruited_on", "", "A value is required."),
    _case("citizens", 1, "name", "", "A value is required."),
    _case("referrals", 1, "citizen_id", "", "A value is required."),
    _case("referrals", 0, "source", "", "A value is required."),
    _case("matches", 0, "volunteer_id", "", "A value is required."),
    _case("matches", 1, "started_on", "", "A value is required."),
    _case("meetings", 0, "held_on", "", "A value is required."),
    _case("followups", 0, "months_after", "", "A value is required."),
    # whole numbers
    _case("meetings", 0, "minutes", "0", "The minutes must be a positive whole number, at most 600."),
    _case("meetings", 1, "minutes", "1.5", "The minutes must be a positive whole number, at most 600."),
    _case("meetings", 1, "minutes", "-30", "The minutes must be a positive whole number, at most 600."),
    _case("meetings", 1, "minutes", "601", "The minutes must be a positive whole number, at most 600."),
    _case("followups", 0, "months_after", "six", "The months after the end must be a positive whole number, at most 120."),
    _case("followups", 0, "months_after", "0", "The months after the end must be a positive whole number, at most 120."),
    # lengths
    _case("volunteers", 0, "name", "x" * 121, "At most 120 characters."),
    _case("citizens", 0, "external_id", "c" * 65, "At most 64 characters."),
]


@pytest.mark.parametrize("sheet,index,column,value,reason", CELL_CASES,
                         ids=[f"{c[0]}.{c[2]}={c[3][:12]!s}" for c in CELL_CASES])
def test_a_bad_cell_is_named_with_sheet_row_column_and_reason(tenant, tmp_path, sheet, index, column, value, reason):
    path = write_xlsx(tmp_path / "records.xlsx", change(sample(), sheet, index, column, value))
    found = problems_of(tenant, path)
    assert (sheet, index + 2, column, reason) in found
    # The one bad cell is the only problem, except where others follow from it by the rules between rows.
    if column not in ("external_id",):
        assert len(found) == 1, found


ROW_CASES = [
    ("a reference to a row that does not exist",
     lambda s: change(s, "referrals", 1, "citizen_id", "C9"),
     [("referrals", 3, "citizen_id", "There is no row with external_id C9 in citizens, neither in the file nor already imported.")]),
    ("a meeting of a match that does not exist",
     lambda s: change(s, "meetings", 2, "match_id", "M7"),
     [("meetings", 4, "match_id", "There is no row with external_id M7 in matches, neither in the file nor already imported.")]),
    ("a follow-up of a match that does not exist",
     lambda s: change(s, "followups", 0, "match_id", "M7"),
     [("followups", 2, "match_id", "There is no row with external_id M7 in matches, neither in the file nor already imported.")]),
    ("a match of a volunteer that does not exist",
     lambda s: change(s, "matches", 0, "volunteer_id", "V3"),
     [("matches", 2, "volunteer_id", "There is no row with external_id V3 in volunteers, neither in the file nor already imported.")]),
    ("a match that ends before it starts",
     lambda s: change(s, "matches", 0, "ended_on", "2023-03-14"),
     [("matches", 2, "ended_on", "The match ends (2023-03-14) before it starts (2023-03-15).")]),
    ("an end reason and an outcome on a match with no end",
     lambda s: change(change(s, "matches", 1, "end_reason", "own_wish"), "matches", 1, "outcome", "none"),
     [("matches", 3, "end_reason", "Only a match that has ended (ended_on) has an end reason or an outcome."),
      ("matches", 3, "outcome", "Only a match that has ended (ended_on) has an end reason or an outcome.")]),
    ("a duplicate external_id",
     lambda s: change(s, "citizens", 1, "external_id", "C1"),
     [("citizens", 3, "external_id", "The external_id C1 is also on row 2."),
      # the referral of the lost C2 now names a row that does not exist
      ("referrals", 3, "citizen_id", "There is no row with external_id C2 in citizens, neither in the file nor already imported.")]),
    ("a meeting before its match started",
     lambda s: change(s, "meetings", 0, "held_on", "2023-03-14"),
     [("meetings", 2, "held_on", "The meeting (2023-03-14) is before the match started (2023-03-15).")]),
    ("a meeting after its match ended",
     lambda s: change(s, "meetings", 1, "held_on", "2023-12-02"),
     [("meetings", 3, "held_on", "The meeting (2023-12-02) is after the match ended (2023-12-01).")]),
    ("left before recruited",
     lambda s: change(s, "volunteers", 1, "left_on", "2023-01-31"),
     [("volunteers", 3, "left_on", "The volunteer left (2023-01-31) before being recruited (2023-02-01).")]),
    ("a follow-up of a match that has not ended",
     lambda s: change(s, "followups", 0, "match_id", "M2"),
     [("followups", 2, "match_id", "A follow-up is counted from the end of a match, and this match has not ended.")]),
    ("two follow-ups of a match for the same months",
     lambda s: (s["followups"].append(["M1", "6", "job"]), s)[1],
     [("followups", 3, "months_after", "The match has a follow-up for the same number of months on row 2.")]),
    ("two open matches of one referral",
     lambda s: (s["matches"].append(["M3", "R2", "V1", "2023-06-01", "", "", "", "no"]), s)[1],
     [("matches", 4, "referral_id", "The referral already has an open match (M2); only one match of a referral can be open.")]),
]


@pytest.mark.parametrize("title,make,expected", ROW_CASES, ids=[c[0] for c in ROW_CASES])
def test_a_bad_row_is_named_with_the_reason(tenant, tmp_path, title, make, expected):
    path = write_xlsx(tmp_path / "records.xlsx", make(sample()))
    assert problems_of(tenant, path) == expected


def test_one_bad_row_imports_nothing(tenant, db, tmp_path):
    sheets = sample()
    sheets["meetings"][2][1] = "2023-13-01"  # the very last sheet's last row
    with pytest.raises(ImportRefused) as refused:
        import_records(tenant, write_xlsx(tmp_path / "records.xlsx", sheets))
    assert [(p.sheet, p.row, p.column) for p in refused.value.problems] == [("meetings", 4, "held_on")]
    db.session.commit()
    with tenant_context(tenant):
        for model in (Volunteer, Citizen, Referral, Match, Meeting):
            assert db.session.scalar(select(func.count(model.id))) == 0


def test_every_problem_of_the_file_is_listed_at_once_in_sheet_and_row_order(tenant, tmp_path):
    sheets = sample()
    change(sheets, "meetings", 0, "minutes", "lots")
    change(sheets, "volunteers", 1, "gender", "x")
    change(sheets, "volunteers", 0, "left_on", "yesterday")
    found = [(p[0], p[1], p[2]) for p in problems_of(tenant, write_xlsx(tmp_path / "r.xlsx", sheets))]
    assert found == [("volunteers", 2, "left_on"), ("volunteers", 3, "gender"), ("meetings", 2, "minutes")]


def test_references_to_rows_the_tenant_already_has_are_good(tenant, db, tmp_path):
    import_records(tenant, write_xlsx(tmp_path / "first.xlsx", sample()))
    db.session.commit()
    later = {"meetings": [["M2", "2023-06-01", "45"]], "followups": [["M1", "12", "job"]],
             "matches": [["M3", "R1", "V2", "2024-01-10", "", "", "", "no"]]}
    path = write_xlsx(tmp_path / "later.xlsx", later)
    assert problems_of(tenant, path) == []
    # The tenant's own dates count too: a meeting before the start of a match imported earlier.
    later["meetings"].append(["M1", "2023-01-01", ""])
    # ... and a second open match beside the one the tenant has for R2.
    later["matches"].append(["M4", "R2", "V1", "2024-01-10", "", "", "", "no"])
    assert problems_of(tenant, write_xlsx(tmp_path / "bad.xlsx", later)) == [
        ("matches", 3, "referral_id", "The referral already has an open match (M2); only one match of a referral can be open."),
        ("meetings", 3, "held_on", "The meeting (2023-01-01) is before the match started (2023-03-15)."),
    ]


class TestTheHeader:
    def test_an_unknown_column_is_an_error(self, tenant, tmp_path):
        headers = {"citizens": HEADERS["citizens"] + ["cpr"]}
        sheets = {"citizens": [row + ["010101-1234"] for row in sample()["citizens"]]}
        assert problems_of(tenant, write_xlsx(tmp_path / "r.xlsx", sheets, headers)) == [
            ("citizens", 1, "cpr", "Unknown column; the columns are: external_id, name, birth_date, gender.")]

    def test_a_missing_required_column_is_an_error(self, tenant, tmp_path):
        headers = {"volunteers": [h for h in HEADERS["volunteers"] if h != "left_on"]}
        sheets = {"volunteers": [row[:-1] for row in sample()["volunteers"]]}
        assert problems_of(tenant, write_xlsx(tmp_path / "r.xlsx", sheets, headers)) == [
            ("volunteers", 1, "left_on", "The column is missing.")]

    def test_network_nominated_is_an_optional_column(self, tenant, db, tmp_path):
        headers = {"matches": HEADERS["matches"][:-1]}
        sheets = sample()
        sheets["matches"] = [row[:-1] for row in sheets["matches"]]
        path = write_xlsx(tmp_path / "r.xlsx", sheets, headers)
        assert problems_of(tenant, path) == []
        assert import_records(tenant, path)["matches"]["inserted"] == 2

    def test_columns_may_come_in_any_order_and_case(self, tenant, tmp_path):
        order = list(reversed(HEADERS["citizens"]))
        sheets = {"citizens": [list(reversed(row)) for row in sample()["citizens"]]}
        headers = {"citizens": [h.upper() for h in order]}
        path = write_xlsx(tmp_path / "r.xlsx", sheets, headers)
        assert problems_of(tenant, path) == []

    def test_a_column_twice_and_an_unnamed_column_with_values(self, tenant, tmp_path):
        headers = {"citizens": HEADERS["citizens"] + ["name", None]}
        sheets = {"citizens": [row + ["again", "stray"] for row in sample()["citizens"]]}
        assert problems_of(tenant, write_xlsx(tmp_path / "r.xlsx", sheets, headers)) == [
            ("citizens", 1, None, "A column with values has no name in the header row."),
            ("citizens", 1, "name", "The column appears twice."),
        ]

    def test_an_unknown_sheet_is_an_error_but_an_empty_one_is_ignored(self, tenant, tmp_path):
        from openpyxl import Workbook

        workbook = Workbook()
        workbook.active.title = "Sheet1"  # empty, as Excel makes it
        workbook.create_sheet("frivillige").append(["navn"])
        workbook.save(tmp_path / "r.xlsx")
        found = problems_of(tenant, tmp_path / "r.xlsx")
        assert found == [("frivillige", None, None, "Unknown sheet; the sheets are: volunteers, citizens, referrals, "
                                                    "matches, meetings, followups.")]

    def test_a_file_that_is_no_workbook(self, tenant, tmp_path):
        path = tmp_path / "r.xlsx"
        path.write_bytes(b"name;birth\nAnna;1970\n")
        assert problems_of(tenant, path) == [(None, None, None, "The file cannot be read as an .xlsx workbook.")]

    def test_a_csv_file_that_is_not_utf8(self, tenant, tmp_path):
        folder = write_csv(tmp_path / "csv", {"citizens": sample()["citizens"]})
        (folder / "citizens.csv").write_bytes("external_id,name,birth_date,gender\nC1,Søren,,male\n".encode("latin-1"))
        assert problems_of(tenant, folder) == [("citizens", None, None, "The file is not UTF-8 text.")]


def test_row_numbers_count_empty_rows_as_the_spreadsheet_does(tenant, tmp_path):
    sheets = sample()
    sheets["volunteers"].insert(1, [None] * 9)  # an empty row 3
    change(sheets, "volunteers", 2, "gender", "x")
    assert [(p[0], p[1], p[2]) for p in problems_of(tenant, write_xlsx(tmp_path / "r.xlsx", sheets))] == [
        ("volunteers", 4, "gender")]
    csv_sheets = sample()
    csv_sheets["volunteers"].insert(1, [""] * 9)
    change(csv_sheets, "volunteers", 2, "gender", "x")
    assert [(p[0], p[1], p[2]) for p in problems_of(tenant, write_csv(tmp_path / "csv", csv_sheets))] == [
        ("volunteers", 4, "gender")]
