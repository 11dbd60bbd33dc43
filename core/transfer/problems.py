"""A problem found in an import file: where it is (sheet, row as the spreadsheet numbers it, column)
and why, in the user's language."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

HEADER_ROW = 1  # the first data row is row 2, as a spreadsheet numbers it


@dataclass(frozen=True)
class Problem:
    sheet: str | None
    row: int | None
    column: str | None
    reason: object  # a lazy string

    def __str__(self) -> str:
        """``volunteers, row 3, birth_date: reason`` (the parts that are known)."""
        where = [part for part in (self.sheet, _("row %(row)s", row=self.row) if self.row else None, self.column)
                 if part]
        return f"{', '.join(where)}: {self.reason}" if where else str(self.reason)

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "reason": str(self.reason)}


def codes_list(codes) -> str:
    return ", ".join(codes)


# The file.
UNREADABLE = _l("The file cannot be read as an .xlsx workbook.")
NOT_UTF8 = _l("The file is not UTF-8 text.")
UNREADABLE_CSV = _l("The file cannot be read as CSV.")
NO_SUCH_PATH = _l("There is no file or folder here.")


def unknown_sheet(sheets):
    return _l("Unknown sheet; the sheets are: %(sheets)s.", sheets=codes_list(sheets))


def no_sheets(sheets):
    return _l("No sheet of the import format was found; the sheets are: %(sheets)s.", sheets=codes_list(sheets))


SHEET_TWICE = _l("The sheet appears twice.")
# The header row.
COLUMN_MISSING = _l("The column is missing.")
COLUMN_TWICE = _l("The column appears twice.")
COLUMN_WITHOUT_NAME = _l("A column with values has no name in the header row.")


def unknown_column(columns):
    return _l("Unknown column; the columns are: %(columns)s.", columns=codes_list(columns))


# A cell.
REQUIRED = _l("A value is required.")


def unknown_code(code, codes):
    return _l("Unknown code %(code)s; the codes are: %(codes)s.", code=code, codes=codes_list(codes))


def not_a_date(value):
    return _l("Not a date in the form YYYY-MM-DD: %(value)s.", value=value)


def too_long(limit):
    return _l("At most %(n)s characters.", n=limit)


def not_minutes(limit):
    return _l("The minutes must be a positive whole number, at most %(max)s.", max=limit)


def not_months(limit):
    return _l("The months after the end must be a positive whole number, at most %(max)s.", max=limit)


# Rows and the references between them.
def duplicate_id(external_id, row):
    return _l("The external_id %(id)s is also on row %(row)s.", id=external_id, row=row)


def no_such_row(sheet, external_id):
    return _l("There is no row with external_id %(id)s in %(sheet)s, neither in the file nor already imported.",
              id=external_id, sheet=sheet)


def left_before_recruited(left_on, recruited_on):
    return _l("The volunteer left (%(left)s) before being recruited (%(recruited)s).",
              left=left_on.isoformat(), recruited=recruited_on.isoformat())


def ends_before_start(ended_on, started_on):
    return _l("The match ends (%(end)s) before it starts (%(start)s).",
              end=ended_on.isoformat(), start=started_on.isoformat())


NOT_ENDED = _l("Only a match that has ended (ended_on) has an end reason or an outcome.")


def another_open_match(external_id):
    return _l("The referral already has an open match (%(id)s); only one match of a referral can be open.",
              id=external_id)


def meeting_before_start(held_on, started_on):
    return _l("The meeting (%(held)s) is before the match started (%(start)s).",
              held=held_on.isoformat(), start=started_on.isoformat())


def meeting_after_end(held_on, ended_on):
    return _l("The meeting (%(held)s) is after the match ended (%(end)s).",
              held=held_on.isoformat(), end=ended_on.isoformat())


FOLLOWUP_NOT_ENDED = _l("A follow-up is counted from the end of a match, and this match has not ended.")


def duplicate_followup(row):
    return _l("The match has a follow-up for the same number of months on row %(row)s.", row=row)
