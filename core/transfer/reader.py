"""Reading an import: an .xlsx workbook (openpyxl, read-only) or a folder of ``<sheet>.csv`` files
(UTF-8, with or without a byte-order mark, a header row first). What comes out is the cells as they
are, per sheet, with each row's number as the spreadsheet shows it; the header's problems (unknown
or missing columns, unknown sheets) are found here, the cells' in :mod:`core.transfer.validation`."""
from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from core.transfer import problems as P
from core.transfer.format import SHEETS, column_names
from core.transfer.problems import HEADER_ROW, Problem

# A CSV export writes a text that a spreadsheet would run as a formula (=, +, -, @ ...) with one
# more apostrophe in front (formula injection); reading takes it off again.
CSV_ESCAPED = re.compile(r"'*[=+\-@\t\r]")
CSV_UNESCAPE = re.compile(r"'+[=+\-@\t\r]")


@dataclass
class RawSheet:
    name: str
    columns: tuple[str, ...]  # the header's column names that the format knows, in the file's order
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (row number, {column: cell value})


@dataclass
class RawBook:
    sheets: dict[str, RawSheet] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def read_book(source) -> RawBook:
    """``source``: a path to an .xlsx file or to a folder of CSV files, or an open binary .xlsx file."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.is_dir():
            return read_csv_folder(path)
        if not path.is_file():
            return RawBook(problems=[Problem(None, None, None, P.NO_SUCH_PATH)])
    return read_workbook(source)


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _BookBuilder:
    """Takes sheets as named tables of cells and keeps the format's, noting what does not fit."""

    def __init__(self):
        self.book = RawBook()

    def add(self, title: str, rows) -> None:
        """``rows``: the sheet's rows as sequences of cells, the header first."""
        name = title.strip().lower()
        rows = iter(rows)
        if name not in SHEETS:
            if any(not _is_empty(cell) for row in rows for cell in row):
                self.book.problems.append(Problem(title, None, None, P.unknown_sheet(SHEETS)))
            return  # an empty sheet of another name (Excel's "Sheet1") is no problem
        if name in self.book.sheets:
            self.book.problems.append(Problem(title, None, None, P.SHEET_TWICE))
            return
        header = next(rows, None) or ()
        known = column_names(name)
        positions: dict[str, int] = {}
        unnamed: list[int] = []
        for index, cell in enumerate(header):
            if _is_empty(cell):
                unnamed.append(index)
                continue
            column = str(cell).strip().lower()
            if column not in known:
                self.book.problems.append(Problem(name, HEADER_ROW, str(cell).strip(), P.unknown_column(known)))
            elif column in positions:
                self.book.problems.append(Problem(name, HEADER_ROW, column, P.COLUMN_TWICE))
            else:
                positions[column] = index
        for column in SHEETS[name]:
            if column.name not in positions and not column.optional:
                self.book.problems.append(Problem(name, HEADER_ROW, column.name, P.COLUMN_MISSING))
        sheet = RawSheet(name, tuple(c for c in known if c in positions))
        width = len(header)
        unnamed_reported = False
        for number, row in enumerate(rows, start=HEADER_ROW + 1):
            if all(_is_empty(cell) for cell in row):
                continue
            if not unnamed_reported and any(not _is_empty(row[i]) for i in range(len(row))
                                            if i >= width or i in unnamed):
                self.book.problems.append(Problem(name, HEADER_ROW, None, P.COLUMN_WITHOUT_NAME))
                unnamed_reported = True
            sheet.rows.append((number, {column: row[i] if i < len(row) else None for column, i in positions.items()}))
        self.book.sheets[name] = sheet

    def finish(self) -> RawBook:
        if not self.book.sheets and not self.book.problems:
            self.book.problems.append(Problem(None, None, None, P.no_sheets(SHEETS)))
        return self.book


def read_workbook(source) -> RawBook:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    builder = _BookBuilder()
    try:
        # data_only: a formula's last computed value, never its text.
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        return RawBook(problems=[Problem(None, None, None, P.UNREADABLE)])
    try:
        for worksheet in workbook.worksheets:
            # A workbook written by another program may state its size wrongly: read every row.
            worksheet.reset_dimensions()
            builder.add(worksheet.title, worksheet.iter_rows(values_only=True))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return RawBook(problems=[Problem(None, None, None, P.UNREADABLE)])
    finally:
        workbook.close()
    return builder.finish()


def _csv_cell(text: str) -> str:
    return text[1:] if CSV_UNESCAPE.match(text) else text


def read_csv_folder(folder: Path) -> RawBook:
    builder = _BookBuilder()
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.suffix.lower() != ".csv":
            continue
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows = [[_csv_cell(cell) for cell in row] for row in csv.reader(handle)]
        except UnicodeDecodeError:
            builder.book.problems.append(Problem(path.stem, None, None, P.NOT_UTF8))
            continue
        except csv.Error:
            builder.book.problems.append(Problem(path.stem, None, None, P.UNREADABLE_CSV))
            continue
        builder.add(path.stem, rows)
    return builder.finish()
